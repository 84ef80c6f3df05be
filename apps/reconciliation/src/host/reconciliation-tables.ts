import { Inject, Injectable } from '@nestjs/common';
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
  PreparedGate,
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
export class ReconciliationTables extends PreparedGate {
  constructor(
    @Inject(DatabaseReadiness) readiness: DatabaseReadiness,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(DailyRuns) private readonly dailyRuns: DailyRuns,
    @Inject(Discrepancies) private readonly discrepancies: Discrepancies,
  ) {
    super(readiness, logger, {
      service: 'reconciliation',
      step: 'reconciliation tables',
      code: 'RECONCILIATION_NOT_READY',
      reason: 'the reconciliation tables are being prepared',
    });
  }

  protected async prepare(): Promise<void> {
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
