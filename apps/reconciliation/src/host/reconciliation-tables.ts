import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import {
  DailyRuns,
  Discrepancies,
  migrateFiatTrustTables,
  migrateReconciliationRunTables,
} from '@custody/reconciliation-application';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  EVENT_STORE,
  SERVICE_LOGGER,
} from '@custody/service-host';
import type { Pool } from 'pg';

/**
 * The reconciliation tables (TW-13 movements and lines, TW-14 wallet records, discrepancies,
 * fiat trust), prepared once the event store's schema is (retried while the database is down):
 * the routes answer 503 RECONCILIATION_NOT_READY before, and the deadline checks and the
 * consumer start after.
 */
@Injectable()
export class ReconciliationTables implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private ready = false;
  private markPrepared: () => void = () => undefined;
  /** Resolves once the tables are prepared (never, if the service stops first or only migrates). */
  readonly prepared: Promise<void> = new Promise((resolve) => (this.markPrepared = resolve));
  private readonly stopping = new AbortController();

  constructor(
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DailyRuns) private readonly dailyRuns: DailyRuns,
    @Inject(Discrepancies) private readonly discrepancies: Discrepancies,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** 503 until the tables exist. */
  assertReady(): void {
    if (!this.ready)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'RECONCILIATION_NOT_READY',
        reason: 'the reconciliation tables are being prepared',
      });
  }

  onApplicationBootstrap(): void {
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness
      .prepare('reconciliation tables', () => this.migrate())
      .then(() => {
        if (this.stopping.signal.aborted) return;
        this.ready = true;
        this.markPrepared();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'reconciliation: start-up failed'),
      );
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  private async migrate(): Promise<void> {
    await this.dailyRuns.migrate(this.pool);
    const client = await this.pool.connect();
    try {
      await migrateReconciliationRunTables(client, this.store.schema);
      await this.discrepancies.migrate(client);
      await migrateFiatTrustTables(client, this.store.schema);
    } finally {
      client.release();
    }
  }
}
