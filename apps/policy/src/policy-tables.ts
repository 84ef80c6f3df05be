import { Inject, Injectable } from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import { migratePolicyTables } from '@custody/policy-application';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  EVENT_STORE,
  PreparedGate,
  SERVICE_LOGGER,
} from '@custody/service-host';
import type { Pool } from 'pg';

/**
 * The policy tables, prepared once the event store's schema is (retried while the database is
 * down): the routes answer 503 POLICY_NOT_READY before, and the schedule and the consumer start
 * after.
 */
@Injectable()
export class PolicyTables extends PreparedGate {
  constructor(
    @Inject(DatabaseReadiness) readiness: DatabaseReadiness,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    super(readiness, logger, {
      service: 'policy',
      step: 'policy tables',
      code: 'POLICY_NOT_READY',
      reason: 'the policy tables are being prepared',
    });
  }

  protected prepare(): Promise<void> {
    return migratePolicyTables(this.pool, this.store.schema);
  }
}
