import { EventSourcedStreams, type PostgresEventStore } from '@custody/event-store';
import type { BusinessCalendar } from '@custody/reconciliation-domain';

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

/**
 * What every handler and facts loader of a reconciliation slice works through: the event store
 * (schema 'reconciliation'), its streams with the reconciliation's codec, the business calendar
 * (a run's day, its cut-off, the jurisdiction in its id) and the service's clock.
 */
export interface ReconciliationContext {
  readonly store: PostgresEventStore;
  readonly streams: EventSourcedStreams;
  readonly schema: string;
  readonly calendar: BusinessCalendar;
  readonly now: () => Date;
}

export function reconciliationContext(
  store: PostgresEventStore,
  calendar: BusinessCalendar,
  now?: () => Date,
): ReconciliationContext {
  return {
    store,
    streams: new EventSourcedStreams(store, RECONCILIATION_CODEC),
    schema: store.schema,
    calendar,
    now: now ?? (() => new Date()),
  };
}

/** Bigints as decimal text: what a run's digest and id are computed over. */
export const stringify = (value: unknown) =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
