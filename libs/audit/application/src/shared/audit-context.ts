import { EventSourcedStreams, type PostgresEventStore } from '@custody/event-store';

/** Records read per page when verifying or exporting. */
export const AUDIT_PAGE_RECORDS = 10_000;

/**
 * What every slice of the audit record reads and writes through: the event store (schema
 * `audit`, whose pool holds the record's own tables) and its streams (the signed checkpoints).
 */
export interface AuditContext {
  readonly store: PostgresEventStore;
  readonly streams: EventSourcedStreams;
  readonly schema: string;
}

export function auditContext(store: PostgresEventStore): AuditContext {
  return {
    store,
    streams: new EventSourcedStreams(store, { bigintFields: /Minor$/, schemaVersion: 1 }),
    schema: store.schema,
  };
}
