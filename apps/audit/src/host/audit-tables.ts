import { Inject, Injectable } from '@nestjs/common';
import { migrateAuditTables } from '@custody/audit-application';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  EVENT_STORE,
  PreparedGate,
  SERVICE_LOGGER,
} from '@custody/service-host';
import type { Pool } from 'pg';

/**
 * The audit record's tables, prepared once the event store's schema is (retried while the
 * database is down): the routes answer 503 AUDIT_NOT_READY before, and the schedule and the
 * consumer start after.
 */
@Injectable()
export class AuditTables extends PreparedGate {
  constructor(
    @Inject(DatabaseReadiness) readiness: DatabaseReadiness,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    super(readiness, logger, {
      service: 'audit',
      step: 'audit tables',
      code: 'AUDIT_NOT_READY',
      reason: 'the audit tables are being prepared',
    });
  }

  protected prepare(): Promise<void> {
    return migrateAuditTables(this.pool, this.store.schema);
  }
}
