import { useState, type FormEvent } from 'react';
import { callService } from '../api';
import { CommandRefusal, Decision, newIdentifier, useCommand } from '../command';
import { Loaded, NotAtMoment, Section } from '../components';
import { hasRole, useDashboard, useResource } from '../dashboard-context';
import { formatMinor } from '../format';
import { useReconstructedState } from '../reconstruction';
import type { PolicyVersionsAnswer, RosterAnswer, WithdrawalView } from '../types';
import { WithdrawalForm } from './WithdrawalForm';
import { WithdrawalReview } from './WithdrawalReview';

function WithdrawalQueue({ onReview }: { readonly onReview: (withdrawalId: string) => void }) {
  const { session } = useDashboard();
  const { result } = useResource(
    () =>
      callService<{ withdrawals: readonly WithdrawalView[] }>(session, 'wallet', '/v1/withdrawals'),
    'withdrawals',
    true,
  );
  return (
    <Loaded result={result}>
      {({ withdrawals }) =>
        withdrawals.length === 0 ? (
          <p id="withdrawals-none" className="muted">
            No open withdrawal or internal transfer.
          </p>
        ) : (
          <table id="withdrawals">
            <thead>
              <tr>
                <th>Withdrawal</th>
                <th>Client</th>
                <th className="num">Amount</th>
                <th>To</th>
                <th>Status</th>
                <th>Approvals</th>
                <th>Requested</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {withdrawals.map((withdrawal) => (
                <tr
                  key={withdrawal.request.withdrawalId}
                  data-withdrawal-id={withdrawal.request.withdrawalId}
                  data-status={withdrawal.status}
                >
                  <td>
                    <code>{withdrawal.request.withdrawalId}</code>
                  </td>
                  <td>
                    {withdrawal.request.clientId ??
                      `internal (${withdrawal.request.destinationWalletId ?? ''})`}
                  </td>
                  <td className="num">
                    {formatMinor(withdrawal.request.amountMinor, withdrawal.request.asset)}{' '}
                    {withdrawal.request.asset}
                  </td>
                  <td>
                    <code>{withdrawal.request.destinationAddress}</code>
                  </td>
                  <td data-testid="withdrawal-status">{withdrawal.status}</td>
                  <td data-testid="withdrawal-approvals">
                    {withdrawal.approvals.length} of {withdrawal.request.quorum.required}
                  </td>
                  <td>
                    {withdrawal.request.requestedAt} by {withdrawal.request.requestedBy}
                  </td>
                  <td>
                    <button
                      type="button"
                      data-testid="withdrawal-review"
                      onClick={() => onReview(withdrawal.request.withdrawalId)}
                    >
                      Review
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Loaded>
  );
}

function Withdrawals() {
  const { session } = useDashboard();
  const [reviewing, setReviewing] = useState<string | undefined>(undefined);
  const [lookup, setLookup] = useState('');
  const find = (event: FormEvent) => {
    event.preventDefault();
    if (lookup.trim() !== '') setReviewing(lookup.trim());
  };
  return (
    <>
      {hasRole(session, 'operator') && (
        <details id="withdrawal-request" open>
          <summary>Request a client withdrawal (operator)</summary>
          <WithdrawalForm onRequested={setReviewing} />
        </details>
      )}
      <WithdrawalQueue onReview={setReviewing} />
      <form id="withdrawal-lookup" className="row" onSubmit={find}>
        <label>
          Withdrawal id{' '}
          <input
            id="withdrawal-lookup-id"
            maxLength={128}
            value={lookup}
            onChange={(event) => setLookup(event.target.value)}
          />
        </label>
        <button type="submit">Review</button>
      </form>
      {reviewing !== undefined && <WithdrawalReview key={reviewing} withdrawalId={reviewing} />}
    </>
  );
}

function KeyAccessRequest({
  roster,
  onDone,
}: {
  readonly roster: RosterAnswer;
  readonly onDone: () => void;
}) {
  const { session } = useDashboard();
  const [form, setForm] = useState({
    changeId: newIdentifier('kac'),
    custodianId: '',
    walletId: '',
    action: 'grant',
    reason: '',
  });
  const command = useCommand<unknown>();
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [field]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await command.run(() =>
      callService(session, 'wallet', '/v1/custodians/key-access-changes', form),
    );
    if (result.ok) {
      setForm({ ...form, changeId: newIdentifier('kac'), reason: '' });
      onDone();
    }
  };
  return (
    <form id="key-access-form" className="row" onSubmit={(event) => void submit(event)}>
      <label>
        Change id{' '}
        <input
          id="key-access-change-id"
          required
          value={form.changeId}
          onChange={set('changeId')}
        />
      </label>
      <label>
        Custodian
        <select
          id="key-access-custodian"
          required
          value={form.custodianId}
          onChange={set('custodianId')}
        >
          <option value="">choose</option>
          {roster.custodians.map((custodian) => (
            <option key={custodian.custodianId} value={custodian.custodianId}>
              {custodian.custodianId} ({custodian.name}, {custodian.department})
            </option>
          ))}
        </select>
      </label>
      <label>
        Wallet{' '}
        <input id="key-access-wallet" required value={form.walletId} onChange={set('walletId')} />
      </label>
      <label>
        Action
        <select id="key-access-action" value={form.action} onChange={set('action')}>
          <option value="grant">grant</option>
          <option value="revoke">revoke</option>
        </select>
      </label>
      <label>
        Reason{' '}
        <input
          id="key-access-reason"
          required
          maxLength={500}
          value={form.reason}
          onChange={set('reason')}
        />
      </label>
      <button id="key-access-submit" type="submit" disabled={command.state.kind === 'running'}>
        Request the change
      </button>
      {command.state.kind === 'done' && command.state.result.ok && (
        <span id="key-access-result" className="ok">
          requested; a different approver decides
        </span>
      )}
      <CommandRefusal state={command.state} id="key-access-error" />
    </form>
  );
}

function KeyAccessRow({
  change,
  onDone,
}: {
  readonly change: RosterAnswer['changes'][number];
  readonly onDone: () => void;
}) {
  const { session } = useDashboard();
  const command = useCommand<unknown>();
  const decide = async (decision: 'approve' | 'reject', reason: string) => {
    const result = await command.run(() =>
      callService(
        session,
        'wallet',
        `/v1/custodians/key-access-changes/${encodeURIComponent(change.changeId)}/decision`,
        { decision, reason },
      ),
    );
    if (result.ok) onDone();
  };
  return (
    <tr data-change-id={change.changeId} data-status={change.status}>
      <td>
        <code>{change.changeId}</code>
      </td>
      <td>
        {change.action} {change.custodianId} on {change.walletId}
      </td>
      <td>{change.reason}</td>
      <td>
        {change.requestedAt} by {change.requestedBy}
      </td>
      <td>{change.status}</td>
      <td>
        {change.status === 'pending' && hasRole(session, 'approver') ? (
          <Decision
            state={command.state}
            onDecide={(decision, reason) => void decide(decision, reason)}
          />
        ) : null}
      </td>
    </tr>
  );
}

function KeyAccessChanges() {
  const { session } = useDashboard();
  const { result, reload } = useResource(
    () => callService<RosterAnswer>(session, 'wallet', '/v1/custodians'),
    'roster',
    true,
  );
  return (
    <Loaded result={result}>
      {(roster) => (
        <>
          {hasRole(session, 'admin') && <KeyAccessRequest roster={roster} onDone={reload} />}
          <table id="key-access-changes">
            <thead>
              <tr>
                <th>Change</th>
                <th>What</th>
                <th>Reason</th>
                <th>Requested</th>
                <th>Status</th>
                <th>Decision</th>
              </tr>
            </thead>
            <tbody>
              {[...roster.changes]
                .sort((left, right) => (left.requestedAt < right.requestedAt ? 1 : -1))
                .map((change) => (
                  <KeyAccessRow key={change.changeId} change={change} onDone={reload} />
                ))}
            </tbody>
          </table>
          {roster.changes.length === 0 && (
            <p className="muted">No key-access change requested yet.</p>
          )}
        </>
      )}
    </Loaded>
  );
}

function PolicyVersionRow({
  entry,
  active,
  onDone,
}: {
  readonly entry: PolicyVersionsAnswer['versions'][number];
  readonly active: boolean;
  readonly onDone: () => void;
}) {
  const { session } = useDashboard();
  const command = useCommand<unknown>();
  const { version } = entry.value;
  const decide = async (decision: 'approve' | 'reject', reason: string) => {
    const result = await command.run(() =>
      callService(
        session,
        'policy',
        `/v1/policy-versions/${encodeURIComponent(version)}/decision`,
        { decision, reason },
      ),
    );
    if (result.ok) onDone();
  };
  return (
    <tr data-policy-version={version} data-status={entry.status}>
      <td>
        {version}
        {active ? ' (in force)' : ''}
      </td>
      <td>{entry.value.jurisdictions.join(', ')}</td>
      <td className="small">
        {Object.entries(entry.value.thresholds)
          .map(([name, value]) => `${name} ${value}`)
          .join('; ')}
      </td>
      <td>
        {entry.reason} ({entry.proposedBy})
      </td>
      <td>{entry.status}</td>
      <td>
        {entry.status === 'pending' && hasRole(session, 'approver') ? (
          <Decision
            state={command.state}
            onDecide={(decision, reason) => void decide(decision, reason)}
          />
        ) : null}
      </td>
    </tr>
  );
}

function PolicyVersions() {
  const { session } = useDashboard();
  const { result, reload } = useResource(
    () => callService<PolicyVersionsAnswer>(session, 'policy', '/v1/policy-versions'),
    'policy-versions',
    true,
  );
  return (
    <Loaded result={result}>
      {(answer) => (
        <>
          <p className="muted">
            In force: {answer.activeVersion ?? "none approved yet (the texts' defaults apply)"}.
            Proposed by an admin (POST /v1/policy-versions), decided by a different approver.
          </p>
          <table id="policy-versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Jurisdictions</th>
                <th>Thresholds</th>
                <th>Why</th>
                <th>Status</th>
                <th>Decision</th>
              </tr>
            </thead>
            <tbody>
              {answer.versions.map((entry) => (
                <PolicyVersionRow
                  key={entry.value.version}
                  entry={entry}
                  active={entry.value.version === answer.activeVersion}
                  onDone={reload}
                />
              ))}
            </tbody>
          </table>
          {answer.versions.length === 0 && <p className="muted">No policy version proposed yet.</p>}
        </>
      )}
    </Loaded>
  );
}

/**
 * At a past moment the wallet service answers only for now; the audit record can (auditors only):
 * the withdrawals then open with the approvals given, and the key-access changes then pending.
 * Nothing is decided from here: decisions are commands, made live.
 */
function ReconstructedQueue() {
  const { auditor, result } = useReconstructedState();
  if (!auditor)
    return (
      <NotAtMoment
        what="The approval queue"
        why="the wallet and policy services keep only the queue as it is now (an auditor sees it reconstructed from the audit record); decisions are commands, made live"
      />
    );
  return (
    <Loaded result={result}>
      {(state) => (
        <>
          <p className="muted" id="approvals-reconstructed">
            As reconstructed from the audit record at {state.at} (HK-22). Decisions are made live,
            not here.
          </p>
          <h3>Withdrawals and internal transfers open then</h3>
          <table id="withdrawals-reconstructed">
            <thead>
              <tr>
                <th>Withdrawal</th>
                <th>Client</th>
                <th className="num">Amount</th>
                <th>From</th>
                <th>To</th>
                <th>Status</th>
                <th>Approvals</th>
                <th>Requested</th>
              </tr>
            </thead>
            <tbody>
              {state.openWithdrawals.map((withdrawal) => (
                <tr
                  key={withdrawal.withdrawalId}
                  data-withdrawal-id={withdrawal.withdrawalId}
                  data-status={withdrawal.status}
                >
                  <td className="mono">{withdrawal.withdrawalId}</td>
                  <td>{withdrawal.clientId ?? '(internal)'}</td>
                  <td className="num">
                    {formatMinor(withdrawal.amountMinor, withdrawal.asset)} {withdrawal.asset}
                  </td>
                  <td>{withdrawal.walletId}</td>
                  <td className="mono">
                    {withdrawal.destinationWalletId ?? withdrawal.destinationAddress}
                  </td>
                  <td>{withdrawal.status}</td>
                  <td>{withdrawal.approvals.join(', ') || 'none'}</td>
                  <td>
                    {withdrawal.requestedAt} by {withdrawal.requestedBy}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.openWithdrawals.length === 0 && (
            <p className="muted" id="withdrawals-reconstructed-none">
              None open then.
            </p>
          )}
          <h3>Key-access changes pending then</h3>
          <table id="key-access-reconstructed">
            <thead>
              <tr>
                <th>Change</th>
                <th>Custodian</th>
                <th>Wallet</th>
                <th>Action</th>
                <th>Requested</th>
              </tr>
            </thead>
            <tbody>
              {state.pendingKeyAccessChanges.map((change) => (
                <tr key={change.changeId} data-change-id={change.changeId}>
                  <td className="mono">{change.changeId}</td>
                  <td>{change.custodianId}</td>
                  <td>{change.walletId}</td>
                  <td>{change.action}</td>
                  <td>
                    {change.requestedAt} by {change.requestedBy}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.pendingKeyAccessChanges.length === 0 && (
            <p className="muted">None pending then.</p>
          )}
          <p className="muted">
            Policy version in force then:{' '}
            {state.policyVersion ?? "the texts' defaults (none approved yet)"}.
          </p>
        </>
      )}
    </Loaded>
  );
}

export function ApprovalsPage() {
  const { moment } = useDashboard();
  if (moment.kind === 'at') {
    return (
      <Section id="approvals" title="Approval queue">
        <ReconstructedQueue />
      </Section>
    );
  }
  return (
    <>
      <Section id="withdrawals" title="Withdrawals awaiting custodians (HK-11d/e, TW-17.4)">
        <Withdrawals />
      </Section>
      <Section id="key-access" title="Key-access changes (TW-18, HK-11c)">
        <KeyAccessChanges />
      </Section>
      <Section id="policy-changes" title="Policy versions">
        <PolicyVersions />
      </Section>
    </>
  );
}
