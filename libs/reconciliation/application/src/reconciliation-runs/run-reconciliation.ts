import { createHash } from 'node:crypto';
import type { ChainReader } from '@custody/chain';
import type { Transaction } from '@custody/event-store';
import {
  cutOffInstant,
  reconcile,
  reconcileClientMovements,
  type DiscrepancyEvent,
  type ReconciliationResult,
  type WalletLine,
} from '@custody/reconciliation-domain';
import type { DailyRuns } from '../daily-runs';
import type { Discrepancies } from '../discrepancies';
import { stringify, type ReconciliationContext } from '../reconciliation-store';
import { chainBalances } from './chain-balances';
import type { ReconciliationRunFacts } from './reconciliation-run-facts';
import {
  RECONCILIATION_RUNS_AGGREGATE,
  reconciliationRunStreamId,
  type ReconciliationRunData,
} from './reconciliation-run-stream';

/** TW-14 runs judge the wallet-record, on-chain and unrecorded differences, never the trust account's. */
const TW14_SCOPE = (difference: { readonly source: string }) =>
  difference.source === 'wallet-records' ||
  difference.source === 'on-chain' ||
  difference.source === 'unrecorded';

export interface RunReconciliationDependencies {
  readonly context: ReconciliationContext;
  readonly facts: ReconciliationRunFacts;
  readonly dailyRuns: DailyRuns;
  /** One reader per chain the wallets live on; a wallet on another chain is reported unread. */
  readonly chains: readonly ChainReader[];
  /** The asset registry's codes: each one a wallet's chain carries is read in that wallet, recorded or not. */
  readonly registry: readonly string[];
  readonly discrepancies: Discrepancies;
}

/** What a run found, before it is recorded under its id. */
type Comparison = Omit<
  ReconciliationRunData,
  | 'runId'
  | 'perAsset'
  | 'perWallet'
  | 'houseWallets'
  | 'differences'
  | 'opened'
  | 'persisting'
  | 'confirmedGone'
> & { readonly result: ReconciliationResult };

/** A wallet line as recorded: its height as text. */
const heightAsText = (line: WalletLine) => ({
  ...line,
  blockNumber: line.blockNumber === null ? null : line.blockNumber.toString(),
});

/**
 * TW-14 / HK-21 for a business day: the TW-13 totals (what clients are owed; the day's latest
 * run, or made now) against the wallet service's records of client-segregated wallets and the
 * chain, both as of the day's cut-off: records confirmed before it, balances at the last block
 * mined before it (stated in the run). Every registered wallet, client and house, is read for every
 * asset of the registry its chain carries, recorded or not: a balance its records do not have is a
 * discrepancy (`unrecorded`). Each difference opens a discrepancy once (while one is
 * open for the same asset, source and kind, a later run finds it persisting); a discrepancy a
 * later run no longer finds is confirmed gone (a shortfall only after a recorded top-up,
 * TW-14.3). The run, its inputs and its outcome are one event; the same day over the same inputs
 * (TW-13 run, block heights) records nothing new and gives the same report.
 */
export class RunReconciliation {
  constructor(private readonly dependencies: RunReconciliationDependencies) {}

  /** The recorded run: a new one, or the earlier one when the inputs are the same. */
  async handle(businessDay: string): Promise<ReconciliationRunData> {
    const { context, facts, dailyRuns, chains, registry, discrepancies } = this.dependencies;
    const at = context.now().toISOString();
    const cutOff = cutOffInstant(businessDay, context.calendar);
    const provisional = Date.parse(cutOff) > Date.parse(at);
    const asOf = provisional ? at : cutOff;
    // the TW-13 run over every journal received so far (recorded once per input: the same input gives the same run)
    const daily = (await dailyRuns.run(businessDay)).recorded;
    const owed = new Map(
      Object.entries(daily.totals).map(([asset, total]) => [asset, BigInt(total)]),
    );
    const wallets = await facts.registeredWallets();
    const records = await facts.walletRecords(asOf);
    const houseRecords = await facts.houseRecords(asOf);
    // the chain at the last block before the close (before the run, when provisional)
    const { onChain, houseOnChain, heights, unread, read } = await chainBalances(
      chains,
      wallets,
      [...records, ...houseRecords],
      [...owed.keys()],
      registry,
      asOf,
    );
    const result = reconcile(businessDay, owed, records, onChain, {
      records: houseRecords,
      onChain: houseOnChain,
    });
    const clients = reconcileClientMovements(
      ...(await facts.clientMovements(asOf, BigInt(daily.upToReceived))),
    );
    const digest = createHash('sha256')
      .update(stringify({ daily: daily.runId, result, clients }))
      .digest('hex');
    // named by its inputs: the TW-13 run, the heights read, the wallet records, client and house (a late record makes
    // another run), and what was read (another registry or another chain's assets make another run)
    const recordsDigest = createHash('sha256')
      .update(stringify({ records, houseRecords, read }))
      .digest('hex')
      .slice(0, 16);
    const runId = `${context.calendar.jurisdiction}:${businessDay}:tw14@${daily.upToReceived}@${heights.map((height) => `${height.chain}.${height.blockNumber}`).join('+') || 'nochain'}@${recordsDigest}`;
    const executed = await context.store.withTransaction((transaction) =>
      this.record(
        runId,
        {
          businessDay,
          jurisdiction: context.calendar.jurisdiction,
          dailyRunId: daily.runId,
          cutOff,
          provisional,
          heights,
          unread,
          read,
          result,
          clients: {
            clients: clients.clients,
            movementsMatched: clients.movementsMatched,
            breaks: clients.breaks,
          },
          digest,
          at,
        },
        transaction,
      ),
    );
    await discrepancies.deliver(executed.notifications);
    return executed.run;
  }

  private async record(
    runId: string,
    comparison: Comparison,
    transaction: Transaction,
  ): Promise<{ run: ReconciliationRunData; notifications: readonly DiscrepancyEvent[] }> {
    const { context, discrepancies } = this.dependencies;
    const { businessDay, result, digest, at } = comparison;
    await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [
      `custody.recon-tw14.${context.schema}`,
    ]);
    const streamId = reconciliationRunStreamId(context.calendar, businessDay);
    const earlier = (
      await context.streams.load(streamId, RECONCILIATION_RUNS_AGGREGATE, transaction)
    ).state.get(runId);
    if (earlier !== undefined) {
      // the same day over the same inputs: it must come out the same, or the comparison is not reproducible
      if (earlier.digest !== digest)
        throw new Error(`assertion: run ${runId} computed ${digest}, recorded ${earlier.digest}`);
      return { run: earlier, notifications: [] };
    }
    const outcome = await discrepancies.fromRun(
      result.differences,
      TW14_SCOPE,
      runId,
      businessDay,
      at,
      transaction,
    );
    const data: ReconciliationRunData = {
      runId,
      businessDay,
      jurisdiction: comparison.jurisdiction,
      dailyRunId: comparison.dailyRunId,
      cutOff: comparison.cutOff,
      provisional: comparison.provisional,
      heights: comparison.heights,
      unread: comparison.unread,
      perAsset: result.perAsset,
      perWallet: result.perWallet.map(heightAsText),
      houseWallets: result.houseWallets.map(heightAsText),
      read: comparison.read,
      differences: outcome.differences,
      clients: comparison.clients,
      opened: outcome.opened,
      persisting: outcome.persisting,
      confirmedGone: outcome.confirmedGone,
      digest,
      at,
    };
    await context.streams.execute(
      streamId,
      RECONCILIATION_RUNS_AGGREGATE,
      () => ({
        ok: true as const,
        events: [{ type: 'ReconciliationRunCompleted' as const, data }],
      }),
      { actor: 'reconciliation' },
      { transaction },
    );
    return { run: data, notifications: outcome.notifications };
  }
}
