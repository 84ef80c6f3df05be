import { Inject, Injectable, ServiceUnavailableException, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import { DailyRuns, RECONCILIATION_CONSUMED_TOPICS } from '@custody/reconciliation-application';
import { DATABASE_POOL, DatabaseReadiness, EVENT_STORE, KafkaIngestion, RateLimitedWarning, SERVICE_CONFIG, SERVICE_LOGGER, type ServiceConfig } from '@custody/service-host';
import type { Pool } from 'pg';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from './reconciliation-config';

export const RECONCILIATION_CONSUMER_GROUP = 'reconciliation';

/** The daily runs once their tables exist, fed by the ledger's journals (with KAFKA_BROKERS). */
@Injectable()
export class ReconciliationRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly runs: DailyRuns;
  private ready = false;
  private readonly ingestion: KafkaIngestion;
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(RECONCILIATION_CONFIG) readonly config: ReconciliationConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) readonly store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.runs = new DailyRuns(store, config.calendar, config.minimumUnits);
    this.ingestion = new KafkaIngestion({ config: serviceConfig, logger, pool, name: 'reconciliation consumer', groupId: RECONCILIATION_CONSUMER_GROUP, topics: RECONCILIATION_CONSUMED_TOPICS, apply: this.runs.apply() });
  }

  dailyRuns(): DailyRuns {
    if (!this.ready) throw new ServiceUnavailableException({ statusCode: 503, code: 'RECONCILIATION_NOT_READY', reason: 'the reconciliation tables are being prepared' });
    return this.runs;
  }

  onApplicationBootstrap(): void {
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness.prepare('reconciliation tables', () => this.runs.migrate(this.pool)).then(async () => {
      if (this.stopping.signal.aborted) return;
      this.ready = true;
      await this.ingestion.start();
    }).catch((error: unknown) => this.logger.error({ error: (error as Error).message }, 'reconciliation: start-up failed'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.ingestion.stop(); // ends a start still retrying Kafka, then stops consuming
  }
}
