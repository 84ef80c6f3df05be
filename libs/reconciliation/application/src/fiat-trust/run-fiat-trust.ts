import { createHash } from 'node:crypto';
import { fiatTrustRun } from '@custody/reconciliation-domain';
import type { Discrepancies } from '../discrepancies';
import { stringify, type ReconciliationContext } from '../reconciliation-store';
import { recordFiatRunLines } from './fiat-run-lines.table';
import { FIAT_RUNS_AGGREGATE, fiatRunStreamId, type FiatRunData } from './fiat-run-stream';
import type { FiatTrustFacts } from './fiat-trust-facts';

/**
 * TW-10 / TW-11 for a business day and currency over the movements received so far and the
 * approved statements: what clients are owed against the trust accounts' balance at the close
 * plus what collectors hold in transit. A shortfall or surplus is a discrepancy (a shortfall due
 * within 2 business days); the run is one event named by its inputs, reproducible like the
 * others: the same inputs again record nothing new and give the same run.
 */
export class RunFiatTrust {
  constructor(
    private readonly context: ReconciliationContext,
    private readonly facts: FiatTrustFacts,
    private readonly discrepancies: Discrepancies,
  ) {}

  async handle(businessDay: string, currency: string): Promise<FiatRunData> {
    const { calendar, schema, store, streams } = this.context;
    const at = this.context.now().toISOString();
    const { movements, upToReceived } = await this.facts.movements(currency);
    const statements = await this.facts.approvedStatements(currency);
    const result = fiatTrustRun(movements, statements, businessDay, currency, calendar);
    const statementIds = statements.map((statement) => statement.statementId).sort();
    const runId = `${calendar.jurisdiction}:${businessDay}:fiat-${currency}@${upToReceived}@${createHash('sha256').update(statementIds.join('|')).digest('hex').slice(0, 16)}`;
    const linesDigest = createHash('sha256').update(stringify(result.lines)).digest('hex');
    const streamId = fiatRunStreamId(calendar, businessDay, currency);
    const recorded = await store.withTransaction(async (transaction) => {
      const earlier = (await streams.load(streamId, FIAT_RUNS_AGGREGATE, transaction)).state.get(
        runId,
      );
      if (earlier !== undefined) {
        if (earlier.linesDigest !== linesDigest)
          throw new Error(
            `assertion: run ${runId} computed ${linesDigest}, recorded ${earlier.linesDigest}`,
          );
        return { data: earlier, notifications: [] };
      }
      // no statement covering the close: no verdict, so nothing is confirmed gone either
      const inScope =
        result.trustBalanceMinor === null
          ? () => false
          : (difference: { asset: string; source: string }) =>
              difference.source === 'trust-account' && difference.asset === currency;
      const outcome = await this.discrepancies.fromRun(
        result.difference === null ? [] : [result.difference],
        inScope,
        runId,
        businessDay,
        at,
        transaction,
      );
      const data: FiatRunData = {
        runId,
        businessDay,
        currency,
        jurisdiction: calendar.jurisdiction,
        cutOff: result.cutOff,
        upToReceived,
        statements: statementIds,
        owedMinor: result.owedMinor,
        inTransitMinor: result.inTransitMinor,
        trustBalanceMinor: result.trustBalanceMinor,
        accounts: result.accounts,
        lineCount: result.lines.length,
        linesDigest,
        differences: outcome.differences.map((difference) => ({
          discrepancyId: difference.discrepancyId,
          kind: difference.kind,
          amountMinor: difference.amountMinor,
          owedMinor: difference.owedMinor,
          heldMinor: difference.heldMinor,
        })),
        opened: outcome.opened,
        persisting: outcome.persisting,
        confirmedGone: outcome.confirmedGone,
        at,
      };
      await streams.execute(
        streamId,
        FIAT_RUNS_AGGREGATE,
        () => ({ ok: true as const, events: [{ type: 'FiatTrustRunCompleted' as const, data }] }),
        { actor: 'reconciliation' },
        { transaction },
      );
      await recordFiatRunLines(schema, runId, result.lines, transaction.client);
      return { data, notifications: outcome.notifications };
    });
    await this.discrepancies.deliver(recorded.notifications);
    return recorded.data;
  }
}
