import { EventSourcedStreams, type PostgresEventStore } from '@custody/event-store';

/** Reconciliation events store amounts (`...Minor`) as decimal text, every one at schema version 1. */
export const RECONCILIATION_CODEC = { bigintFields: /Minor$/, schemaVersion: 1 } as const;

/** What every reconciliation record shares: its streams in the service's event store, its tables' schema, its clock. */
export abstract class ReconciliationRecord {
  protected readonly streams: EventSourcedStreams;
  protected readonly now: () => Date;

  protected constructor(
    private readonly base: { readonly store: PostgresEventStore; readonly now?: () => Date },
  ) {
    this.streams = new EventSourcedStreams(base.store, RECONCILIATION_CODEC);
    this.now = base.now ?? (() => new Date());
  }

  protected get schema(): string {
    return this.base.store.schema;
  }
}
