import { useState, type FormEvent } from 'react';
import { callService } from '../api';
import { Loaded, NotAtMoment, Problem, Section } from '../components';
import { useDashboard, useResource } from '../dashboard-context';
import { formatMinor } from '../format';
import { atQuery } from '../moment';
import type { BalancesAnswer, InvariantsAnswer, StatementAnswer } from '../types';

/** Statement lines asked for per page. */
const STATEMENT_PAGE_LINES = 50;

function Balances({ clientId }: { readonly clientId: string }) {
  const { session, moment } = useDashboard();
  const query = atQuery(moment);
  const { result } = useResource(
    () =>
      callService<BalancesAnswer>(
        session,
        'ledger',
        `/v1/clients/${encodeURIComponent(clientId)}/balances${query}`,
      ),
    `${clientId}${query}`,
    moment.kind === 'live',
  );
  return (
    <>
      {result?.ok === true && (
        <p id="balances-caption" className="muted">
          {result.body.clientId}, {moment.kind === 'live' ? 'live' : `as at ${moment.instant}`},
          event-store position {result.body.asOfPosition}
        </p>
      )}
      {result?.ok === false && (
        <div id="balances-error">
          <Problem refusal={result} />
        </div>
      )}
      <table
        id="balances"
        data-as-of-position={result?.ok === true ? result.body.asOfPosition : undefined}
      >
        <thead>
          <tr>
            <th>Asset</th>
            <th className="num">Posted</th>
            <th className="num">Pending debits</th>
            <th className="num">Available</th>
          </tr>
        </thead>
        <tbody>
          {result?.ok === true &&
            result.body.balances.map((balance) => (
              <tr key={balance.asset} data-asset={balance.asset}>
                <td>{balance.asset}</td>
                <td className="num">{formatMinor(balance.postedMinor, balance.asset)}</td>
                <td className="num">{formatMinor(balance.pendingDebitsMinor, balance.asset)}</td>
                <td className="num">{formatMinor(balance.availableMinor, balance.asset)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function Books() {
  const { session, moment } = useDashboard();
  const { result } = useResource(
    moment.kind === 'live'
      ? () => callService<InvariantsAnswer>(session, 'ledger', '/v1/books/invariants')
      : null,
    'books',
    true,
  );
  if (moment.kind === 'at')
    return (
      <NotAtMoment
        what="The books' check"
        why="the ledger checks its read models as they are now"
      />
    );
  return (
    <div id="books">
      <Loaded result={result}>
        {(books) =>
          books.ok ? (
            <p>
              <span className="ok">in balance</span>: client liabilities plus house balances equal
              the custody assets recorded, for every asset (position {books.asOfPosition})
            </p>
          ) : (
            <p>
              <span className="bad">OUT OF BALANCE</span>:{' '}
              {books.assets
                .filter((asset) => !asset.holds)
                .map((asset) => asset.asset)
                .join(', ')}
            </p>
          )
        }
      </Loaded>
    </div>
  );
}

/**
 * The statement, oldest first, a page after a global position (the ledger's paging). At a past
 * moment: only the lines up to the position the ledger had reached then (the balances' position).
 */
function Statement({ clientId }: { readonly clientId: string }) {
  const { session, moment } = useDashboard();
  const [after, setAfter] = useState<string[]>(['0']);
  const cursor = after.at(-1) ?? '0';
  const query = atQuery(moment);
  const limit = useResource(
    moment.kind === 'at'
      ? () =>
          callService<BalancesAnswer>(
            session,
            'ledger',
            `/v1/clients/${encodeURIComponent(clientId)}/balances${query}`,
          )
      : null,
    `${clientId}${query}`,
    false,
  );
  const upTo =
    moment.kind === 'at' && limit.result?.ok === true
      ? BigInt(limit.result.body.asOfPosition)
      : undefined;
  const { result } = useResource(
    () =>
      callService<StatementAnswer>(
        session,
        'ledger',
        `/v1/clients/${encodeURIComponent(clientId)}/statement?after=${cursor}&limit=${STATEMENT_PAGE_LINES}`,
      ),
    `${clientId}/${cursor}`,
    moment.kind === 'live',
  );
  if (moment.kind === 'at' && upTo === undefined)
    return limit.result?.ok === false ? <Problem refusal={limit.result} /> : null;
  return (
    <Loaded result={result}>
      {(statement) => {
        const lines = statement.lines.filter(
          (line) => upTo === undefined || BigInt(line.globalPosition) <= upTo,
        );
        const more =
          statement.next !== null && (upTo === undefined || BigInt(statement.next) < upTo);
        return (
          <>
            <p id="statement-caption" className="muted">
              {upTo === undefined
                ? 'Movements, oldest first'
                : `Movements up to event-store position ${upTo} (the ledger's position at that moment), oldest first`}
              ; lines after position {cursor}.
            </p>
            <table id="statement">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Position</th>
                  <th>Asset</th>
                  <th>Reason</th>
                  <th>Source</th>
                  <th className="num">Amount</th>
                  <th className="num">Pending change</th>
                  <th className="num">Balance after</th>
                  <th className="num">Available after</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr
                    key={`${line.globalPosition}:${line.line}`}
                    data-position={line.globalPosition}
                  >
                    <td>{line.occurredAt}</td>
                    <td>{line.globalPosition}</td>
                    <td>{line.asset}</td>
                    <td>{line.reason}</td>
                    <td>
                      <code>{line.sourceReference}</code>
                    </td>
                    <td className="num">{formatMinor(line.amountMinor, line.asset)}</td>
                    <td className="num">{formatMinor(line.pendingChangeMinor, line.asset)}</td>
                    <td className="num">{formatMinor(line.balanceAfterMinor, line.asset)}</td>
                    <td className="num">{formatMinor(line.availableAfterMinor, line.asset)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row">
              <button
                id="statement-first"
                type="button"
                disabled={after.length === 1}
                onClick={() => setAfter(['0'])}
              >
                First page
              </button>
              <button
                id="statement-previous"
                type="button"
                disabled={after.length === 1}
                onClick={() => setAfter(after.slice(0, -1))}
              >
                Previous page
              </button>
              <button
                id="statement-next"
                type="button"
                disabled={!more}
                onClick={() => statement.next !== null && setAfter([...after, statement.next])}
              >
                Next page
              </button>
            </div>
          </>
        );
      }}
    </Loaded>
  );
}

export function BalancesPage() {
  const [draft, setDraft] = useState('sim-0001');
  const [clientId, setClientId] = useState('sim-0001');
  const show = (event: FormEvent) => {
    event.preventDefault();
    setClientId(draft.trim());
  };
  return (
    <>
      <Section id="balances" title="Client balances">
        <form id="client-form" className="row" onSubmit={show}>
          <label>
            Client{' '}
            <input
              id="client-id"
              value={draft}
              maxLength={128}
              required
              onChange={(event) => setDraft(event.target.value)}
            />
          </label>
          <button type="submit">Show</button>
        </form>
        <Balances key={clientId} clientId={clientId} />
      </Section>
      <Section id="books" title="Books (HK-6)">
        <Books />
      </Section>
      <Section id="statement" title="Statement">
        <Statement key={clientId} clientId={clientId} />
      </Section>
    </>
  );
}
