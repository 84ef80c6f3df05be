import { callService } from '../api';
import { CommandRefusal, useCommand } from '../command';
import { Loaded } from '../components';
import { hasRole, useDashboard, useResource } from '../dashboard-context';
import { formatMinor } from '../format';
import type { DestinationProof, WithdrawalView } from '../types';

interface ApprovalAnswer {
  readonly withdrawalId: string;
  readonly approvedBy: string;
  readonly payloadHash: string;
  readonly events: readonly string[];
}

/** HK-11h: how the destination came onto the client's allow-list, by whom and when, in one line. */
function provenance(proof: DestinationProof | null): string {
  if (proof === null) return "not on the client's allow-list now";
  const channel =
    proof.channel === 'client'
      ? `through the client's channel (${proof.submittedBy})`
      : proof.channel === 'staff'
        ? `by staff (${proof.requestedBy}: ${proof.requestReason ?? 'no reason'})`
        : `before channels were checked (${proof.requestedBy})`;
  const approval =
    proof.approvedBy === null ? 'no approver needed' : `approved by ${proof.approvedBy}`;
  return `${proof.method} ${channel}, proven ${proof.provenAt}, ${approval}, usable from ${proof.usableFrom}`;
}

/**
 * What a custodian reviews before approving (TW-17.4): the decoded transaction and the payload
 * hash the HSM will sign; the approval names that exact hash (POST /v1/withdrawals/:id/approvals).
 */
function Review({ withdrawal }: { readonly withdrawal: WithdrawalView }) {
  const { session } = useDashboard();
  const command = useCommand<ApprovalAnswer>();
  const { request, payload } = withdrawal;
  const approvedByMe = withdrawal.approvals.some(
    (approval) => approval.custodianId === session.username,
  );
  const canApprove =
    hasRole(session, 'key-custodian') &&
    withdrawal.status === 'awaiting-approval' &&
    payload !== undefined;
  const approve = () =>
    payload !== undefined &&
    void command.run(() =>
      callService<ApprovalAnswer>(
        session,
        'wallet',
        `/v1/withdrawals/${encodeURIComponent(request.withdrawalId)}/approvals`,
        { payloadHash: payload.payloadHash },
      ),
    );
  return (
    <div data-withdrawal-id={request.withdrawalId} data-status={withdrawal.status}>
      <dl className="details">
        <div>
          <dt>Status</dt>
          <dd data-testid="withdrawal-status">{withdrawal.status}</dd>
        </div>
        <div>
          <dt>Client</dt>
          <dd>{request.clientId ?? `internal transfer (${request.direction ?? ''})`}</dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd>
            {formatMinor(request.amountMinor, request.asset)} {request.asset}
          </dd>
        </div>
        <div>
          <dt>From wallet</dt>
          <dd>
            {request.walletId} on {request.chain}
          </dd>
        </div>
        <div>
          <dt>To</dt>
          <dd>
            <code>{request.destinationAddress}</code>
          </dd>
        </div>
        {request.clientId !== null && (
          <div>
            <dt>Destination proven</dt>
            <dd data-testid="destination-proof">
              {provenance(withdrawal.destinationProof ?? null)}
            </dd>
          </div>
        )}
        <div>
          <dt>Requested</dt>
          <dd>
            {request.requestedAt} by {request.requestedBy}
          </dd>
        </div>
        <div>
          <dt>Quorum</dt>
          <dd>
            {withdrawal.approvals.length} of {request.quorum.required}:{' '}
            <span data-testid="withdrawal-approvals">
              {withdrawal.approvals.map((approval) => approval.custodianId).join(', ') ||
                'none yet'}
            </span>
          </dd>
        </div>
        <div>
          <dt>Ledger hold</dt>
          <dd>{withdrawal.held ? 'placed' : 'not placed'}</dd>
        </div>
        {withdrawal.transactionHash !== undefined && (
          <div>
            <dt>Transaction</dt>
            <dd>
              <code data-testid="withdrawal-transaction">{withdrawal.transactionHash}</code>
            </dd>
          </div>
        )}
      </dl>
      {payload === undefined ? (
        <p className="muted">
          No signing payload yet (the wallet service builds it once the policy and the ledger's hold
          allow).
        </p>
      ) : (
        <dl className="details payload">
          <div>
            <dt>Decoded</dt>
            <dd>
              {formatMinor(payload.amountMinor, payload.asset)} {payload.asset} to{' '}
              <code>{payload.destinationAddress}</code>, network fee at most{' '}
              {formatMinor(payload.maxNetworkFeeMinor, payload.feeAsset)} {payload.feeAsset}
            </dd>
          </div>
          <div>
            <dt>Payload hash</dt>
            <dd>
              <code id="withdrawal-payload-hash" data-testid="payload-hash">
                {payload.payloadHash}
              </code>
            </dd>
          </div>
          <div>
            <dt>Unsigned transaction</dt>
            <dd>
              <code className="wrap">{payload.unsignedTransaction}</code>
            </dd>
          </div>
        </dl>
      )}
      {canApprove && (
        <button
          id="withdrawal-approve"
          data-testid="withdrawal-approve"
          type="button"
          disabled={command.state.kind === 'running'}
          onClick={approve}
        >
          {approvedByMe ? 'Approve again' : 'Approve this payload hash'}
        </button>
      )}
      {command.state.kind === 'done' && command.state.result.ok && (
        <p id="withdrawal-approve-result" data-testid="withdrawal-approve-result" className="ok">
          Approved {command.state.result.body.payloadHash} as {command.state.result.body.approvedBy}{' '}
          ({command.state.result.body.events.join(', ')})
        </p>
      )}
      <CommandRefusal state={command.state} id="withdrawal-approve-error" />
    </div>
  );
}

export function WithdrawalReview({ withdrawalId }: { readonly withdrawalId: string }) {
  const { session } = useDashboard();
  const { result } = useResource(
    () =>
      callService<WithdrawalView>(
        session,
        'wallet',
        `/v1/withdrawals/${encodeURIComponent(withdrawalId)}`,
      ),
    `withdrawal/${withdrawalId}`,
    true,
  );
  return (
    <div id="withdrawal-detail">
      <h3>Withdrawal {withdrawalId}</h3>
      <Loaded result={result}>
        {(withdrawal) => <Review key={withdrawalId} withdrawal={withdrawal} />}
      </Loaded>
    </div>
  );
}
