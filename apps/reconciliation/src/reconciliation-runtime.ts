import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EvmChainReader } from '@custody/chain';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  DailyRuns,
  Discrepancies,
  FiatTrustRuns,
  ReconciliationRuns,
  type DiscrepancyNotifier,
} from '@custody/reconciliation-application';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  EVENT_STORE,
  JsonWebhook,
  RateLimitedWarning,
  scrapedGauge,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  refusal,
} from '@custody/service-host';
import { businessDayOf } from '@custody/reconciliation-domain';
import type { Pool } from 'pg';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from './reconciliation-config';

/**
 * The daily (TW-13) and reconciliation (TW-14) runs once their tables exist, fed by the ledger's
 * journals and the wallet's movements (reconciliation-messages.ts); discrepancy deadlines checked on a
 * schedule, their notifications logged or POSTed to RECON_NOTIFY_WEBHOOK_URL.
 */
@Injectable()
export class ReconciliationRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly runs: DailyRuns;
  readonly reconciliations: ReconciliationRuns;
  readonly discrepancyRecord: Discrepancies;
  readonly fiat: FiatTrustRuns;
  private ready = false;
  private markStarted: () => void = () => undefined;
  /** Resolves once the tables exist and the schedule runs: the consumer waits for it. */
  readonly started = new Promise<void>((resolve) => {
    this.markStarted = resolve;
  });
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RECONCILIATION_CONFIG) readonly config: ReconciliationConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) readonly store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.runs = new DailyRuns(store, config.calendar, config.minimumUnits);
    const webhook =
      config.notifyWebhookUrl === undefined ? undefined : new JsonWebhook(config.notifyWebhookUrl);
    const notifier: DiscrepancyNotifier = {
      notify: async (event) => {
        this.logger.warn(
          { type: event.type, discrepancyId: event.data.discrepancyId },
          `reconciliation: ${event.type} ${event.data.discrepancyId}`,
        );
        await webhook?.post(event);
      },
    };
    this.discrepancyRecord = new Discrepancies({
      store,
      calendar: config.calendar,
      notifier,
      explainWithinMs: config.explainWithinMs,
      onNotifyError: (error) =>
        this.warning.warn(
          { error: (error as Error).message },
          'reconciliation: a discrepancy notification was not delivered (it stays recorded as an event)',
        ),
    });
    this.reconciliations = new ReconciliationRuns({
      store,
      calendar: config.calendar,
      dailyRuns: this.runs,
      chains: config.evm === undefined ? [] : [new EvmChainReader(config.evm)],
      discrepancies: this.discrepancyRecord,
    });
    this.fiat = new FiatTrustRuns({
      store,
      calendar: config.calendar,
      discrepancies: this.discrepancyRecord,
    });
    scrapedGauge(metrics, logger, {
      name: 'custody_reconciliation_discrepancies',
      help: 'Discrepancies not closed (TW-14, TW-11): all of them (state open), those escalated to the board and internal audit, and shortfalls past their top-up due day (state overdue).',
      labelNames: ['state'] as const,
      read: async () => {
        if (!this.ready) return undefined;
        const counts = await this.discrepancyRecord.counts();
        return [
          [{ state: 'open' }, counts.open],
          [{ state: 'escalated' }, counts.escalated],
          [{ state: 'overdue' }, counts.overdue],
        ];
      },
    });
  }

  dailyRuns(): DailyRuns {
    this.assertReady();
    return this.runs;
  }

  reconciliationRuns(): ReconciliationRuns {
    this.assertReady();
    return this.reconciliations;
  }

  discrepancies(): Discrepancies {
    this.assertReady();
    return this.discrepancyRecord;
  }

  fiatRuns(): FiatTrustRuns {
    this.assertReady();
    return this.fiat;
  }

  /** A run of a business day that has not begun says nothing true (and its due dates would never come). */
  assertNotFuture(businessDay: string): void {
    const today = businessDayOf(new Date().toISOString(), this.config.calendar);
    if (businessDay > today)
      throw refusal({
        code: 'RUN_DAY_IN_THE_FUTURE',
        path: 'body.businessDay',
        reason: `${businessDay} is after the current business day ${today}`,
      });
  }

  private assertReady(): void {
    if (!this.ready)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'RECONCILIATION_NOT_READY',
        reason: 'the reconciliation tables are being prepared',
      });
  }

  onApplicationBootstrap(): void {
    if (this.config.evm === undefined)
      this.logger.warn(
        {},
        'reconciliation: no RECON_EVM_RPC_URL; client wallets are reported unread on chain',
      );
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness
      .prepare('reconciliation tables', async () => {
        await this.runs.migrate(this.pool);
        const client = await this.pool.connect();
        try {
          await this.reconciliations.migrate(client);
          await this.discrepancyRecord.migrate(client);
          await this.fiat.migrate(client);
        } finally {
          client.release();
        }
      })
      .then(async () => {
        if (this.stopping.signal.aborted) return;
        this.ready = true;
        this.schedule();
        this.markStarted();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'reconciliation: start-up failed'),
      );
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.discrepancyRecord
        .checkDeadlines()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.warning.warn(
            { error: (error as Error).message },
            'reconciliation: deadline check failed; retried next interval',
          ),
        )
        .finally(() => this.schedule());
    }, this.config.deadlineCheckIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
