import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { migrateAuditTables } from '@custody/audit-application';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  EVENT_STORE,
  SERVICE_LOGGER,
} from '@custody/service-host';
import type { Pool } from 'pg';

/**
 * The audit record's tables, prepared once the event store's schema is (retried while the
 * database is down): the routes answer 503 before, and the schedule and the consumer start after.
 */
@Injectable()
export class AuditTables implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private ready = false;
  private markPrepared: () => void = () => undefined;
  /** Resolves once the tables are prepared (never, if the service stops first). */
  readonly prepared: Promise<void> = new Promise((resolve) => (this.markPrepared = resolve));
  private readonly stopping = new AbortController();

  constructor(
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** 503 AUDIT_NOT_READY until the tables exist. */
  assertReady(): void {
    if (!this.ready)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'AUDIT_NOT_READY',
        reason: 'the audit tables are being prepared',
      });
  }

  onApplicationBootstrap(): void {
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness
      .prepare('audit tables', () => migrateAuditTables(this.pool, this.store.schema))
      .then(() => {
        if (this.stopping.signal.aborted) return;
        this.ready = true;
        this.markPrepared();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'audit: start-up failed'),
      );
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }
}
