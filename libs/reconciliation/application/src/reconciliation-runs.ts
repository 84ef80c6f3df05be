import type { ChainReader } from '@custody/chain';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import type { ConsumedMessage } from '@custody/messaging';
import type { BusinessCalendar } from '@custody/reconciliation-domain';
import type { PoolClient } from 'pg';
import type { DailyRuns } from './daily-runs';
import type { Discrepancies } from './discrepancies';
import { reconciliationContext } from './reconciliation-store';
import { ReconciliationRunFacts } from './reconciliation-runs/reconciliation-run-facts';
import { ReconciliationRunsQuery } from './reconciliation-runs/reconciliation-runs-query';
import { RunReconciliation } from './reconciliation-runs/run-reconciliation';
import {
  migrateReconciliationRunTables,
  WalletRecordsProjection,
} from './reconciliation-runs/wallet-records.table';

export interface ReconciliationRunsOptions {
  readonly store: PostgresEventStore;
  readonly calendar: BusinessCalendar;
  readonly dailyRuns: DailyRuns;
  /** One reader per chain the wallets live on; a wallet on another chain is reported unread. */
  readonly chains: readonly ChainReader[];
  /** The asset registry's codes (default: the shipped registry). */
  readonly registry?: readonly string[];
  readonly discrepancies: Discrepancies;
  readonly now?: () => Date;
}

/**
 * TW-14 / HK-21 reconciliation runs: the slice's handler, facts loader, query and wallet-records
 * projection (reconciliation-runs/) under one name, for callers without a Nest container (the
 * integration specs); the reconciliation app provides them one by one.
 */
export class ReconciliationRuns {
  private readonly schema: string;
  private readonly projection: WalletRecordsProjection;
  private readonly facts: ReconciliationRunFacts;
  private readonly query: ReconciliationRunsQuery;
  private readonly runner: RunReconciliation;

  constructor(options: ReconciliationRunsOptions) {
    const context = reconciliationContext(options.store, options.calendar, options.now);
    this.schema = context.schema;
    this.projection = new WalletRecordsProjection(context.schema);
    this.facts = new ReconciliationRunFacts(context);
    this.query = new ReconciliationRunsQuery(context);
    this.runner = new RunReconciliation({
      context,
      facts: this.facts,
      dailyRuns: options.dailyRuns,
      chains: options.chains,
      registry: options.registry ?? Object.keys(DEFAULT_ASSET_REGISTRY),
      discrepancies: options.discrepancies,
    });
  }

  migrate(client: PoolClient): Promise<void> {
    return migrateReconciliationRunTables(client, this.schema);
  }

  applyWalletMessages(messages: readonly ConsumedMessage[], client: PoolClient): Promise<void> {
    return this.projection.applyWalletMessages(messages, client);
  }

  walletRecords(before: string) {
    return this.facts.walletRecords(before);
  }

  runs(businessDay: string) {
    return this.query.runs(businessDay);
  }

  findRun(runId: string) {
    return this.query.findRun(runId);
  }

  /**
   * Runs TW-14 for a business day (the TW-13 run is the day's latest, or made now). Returns the
   * recorded run: a new one, or the earlier one when the inputs are the same.
   */
  run(businessDay: string) {
    return this.runner.handle(businessDay);
  }
}
