import { callService } from '../api';
import { Loaded, NotAtMoment, Section, Verdict } from '../components';
import { useDashboard, useResource } from '../dashboard-context';
import { discoveredText, figureRows } from '../evidence';
import { formatMinor } from '../format';
import { useReconstructedState } from '../reconstruction';
import type { ComplianceAnswer, DiscrepancyView, RuleResult } from '../types';
import { ComplianceCaption, useCompliance } from './WalletsPage';

/** A rule's figures as its evidence gives them, an amount in units of its asset beside its minor units (HK-6). */
function Figures({ result }: { readonly result: RuleResult }) {
  const rows = figureRows(result.figures);
  if (rows.length === 0) return null;
  return (
    <dl className="figures">
      {rows.map((row) => (
        <div key={row.name}>
          <dt>{row.name}</dt>
          <dd>
            {row.value}
            {row.minor === undefined ? null : (
              <span className="muted"> ({row.minor} minor units)</span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Breaches({ compliance }: { readonly compliance: ComplianceAnswer }) {
  if (compliance.openBreaches.length === 0)
    return (
      <p id="breaches-none" className="muted">
        No breach open as of {compliance.asOf}.
      </p>
    );
  return (
    <table id="breaches">
      <thead>
        <tr>
          <th>Rule</th>
          <th>Subject</th>
          <th>Detected</th>
          <th>Due</th>
          <th>Evidence at detection</th>
        </tr>
      </thead>
      <tbody>
        {compliance.openBreaches.map((breach) => (
          <tr key={breach.breachId} data-breach-id={breach.breachId} data-rule-id={breach.ruleId}>
            <td>{breach.ruleId}</td>
            <td>{breach.subject}</td>
            <td>{breach.detectedAt}</td>
            <td
              className="muted"
              title="the policy service records no due date for a breach: it is open until the rule passes"
            >
              none recorded
            </td>
            <td>
              <Verdict verdict={breach.evidence.verdict} /> {breach.evidence.reason}
              <Figures result={breach.evidence} />
              {(breach.evidence.rebalancing ?? []).map((move) => (
                <div key={`${move.asset}:${move.direction}`} className="muted">
                  to restore: move {formatMinor(move.amountMinor, move.asset)} {move.asset}{' '}
                  {move.direction}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Rules({ compliance }: { readonly compliance: ComplianceAnswer }) {
  return (
    <table id="rules">
      <thead>
        <tr>
          <th>Rule</th>
          <th>Subject</th>
          <th>Verdict</th>
          <th>Reason and figures</th>
        </tr>
      </thead>
      <tbody>
        {compliance.results.map((result) => (
          <tr
            key={`${result.ruleId}/${result.subject}`}
            data-rule-id={result.ruleId}
            data-subject={result.subject}
            data-verdict={result.verdict}
          >
            <td>{result.ruleId}</td>
            <td>{result.subject}</td>
            <td>
              <Verdict verdict={result.verdict} />
            </td>
            <td>
              {result.reason}
              <Figures result={result} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DiscrepancyTable({
  discrepancies,
}: {
  readonly discrepancies: readonly DiscrepancyView[];
}) {
  if (discrepancies.length === 0)
    return (
      <p id="discrepancies-none" className="muted">
        No open discrepancy.
      </p>
    );
  return (
    <table id="discrepancies">
      <thead>
        <tr>
          <th>Discrepancy</th>
          <th>Asset</th>
          <th>Source</th>
          <th>Kind</th>
          <th className="num">Amount</th>
          <th className="num">Owed</th>
          <th className="num">Held</th>
          <th>Wallets</th>
          <th title="the day the run found it; TW-14.3 counts the top-up from the day after">
            Discovered
          </th>
          <th>Explain by</th>
          <th>Top-up due</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {discrepancies.map((entry) => {
          const { asset } = entry.difference;
          return (
            <tr
              key={entry.discrepancyId}
              data-discrepancy-id={entry.discrepancyId}
              data-status={entry.status}
            >
              <td>
                <code>{entry.discrepancyId}</code>
              </td>
              <td>{asset}</td>
              <td>{entry.difference.source}</td>
              <td>{entry.difference.kind}</td>
              <td className="num">{formatMinor(entry.difference.amountMinor, asset)}</td>
              <td className="num">{formatMinor(entry.difference.owedMinor, asset)}</td>
              <td className="num">{formatMinor(entry.difference.heldMinor, asset)}</td>
              <td>{entry.difference.wallets.join(', ')}</td>
              <td>{discoveredText(entry)}</td>
              <td>{entry.explainBy}</td>
              <td>
                {entry.topUpDueOn ?? '— (a surplus)'}
                {entry.toppedUpMinor !== '0'
                  ? `; topped up ${formatMinor(entry.toppedUpMinor, asset)}`
                  : ''}
              </td>
              <td>
                {entry.status}
                {entry.escalated ? ', escalated' : ''}
                {entry.overdueReported ? ', overdue' : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Discrepancies() {
  const { session, moment } = useDashboard();
  const live = moment.kind === 'live';
  const now = useResource(
    live
      ? () =>
          callService<{ discrepancies: readonly DiscrepancyView[] }>(
            session,
            'reconciliation',
            '/v1/discrepancies?status=open',
          )
      : null,
    'discrepancies',
    true,
  );
  const { auditor, result: reconstructed } = useReconstructedState();
  if (live)
    return (
      <Loaded result={now.result}>
        {(answer) => <DiscrepancyTable discrepancies={answer.discrepancies} />}
      </Loaded>
    );
  if (!auditor)
    return (
      <NotAtMoment
        what="The open discrepancies"
        why="the reconciliation service answers only for now (an auditor sees them reconstructed from the audit record)"
      />
    );
  return (
    <Loaded result={reconstructed}>
      {(state) => (
        <>
          <p className="muted" id="discrepancies-reconstructed">
            Open at {state.at}, as reconstructed from the audit record (HK-22): identifiers and
            dates only; the figures are in each run's report.
          </p>
          <table id="discrepancies">
            <thead>
              <tr>
                <th>Discrepancy</th>
                <th>Discovered</th>
                <th>Top-up due</th>
              </tr>
            </thead>
            <tbody>
              {state.openDiscrepancies.map((entry) => (
                <tr key={entry.discrepancyId} data-discrepancy-id={entry.discrepancyId}>
                  <td>
                    <code>{entry.discrepancyId}</code>
                  </td>
                  <td>{entry.discoveredOn}</td>
                  <td>{typeof entry.topUpDueOn === 'string' ? entry.topUpDueOn : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Loaded>
  );
}

export function BreachesPage() {
  const { result } = useCompliance();
  return (
    <>
      <Section id="breaches" title="Open compliance breaches">
        <Loaded result={result}>
          {(compliance) => (
            <>
              <ComplianceCaption compliance={compliance} />
              <Breaches compliance={compliance} />
            </>
          )}
        </Loaded>
      </Section>
      <Section id="discrepancies" title="Open reconciliation discrepancies (TW-14)">
        <Discrepancies />
      </Section>
      <Section id="rules" title="Every rule's answer">
        <Loaded result={result}>{(compliance) => <Rules compliance={compliance} />}</Loaded>
      </Section>
    </>
  );
}
