import { READ_PAGE_EVENTS_MAX, Subscription, type PostgresEventStore, type RecordedEvent, type Transaction } from '@custody/event-store';
import { CLIENT_STREAM_PREFIX, HOUSE_STREAM_PREFIX, ledgerEventOf } from '@custody/ledger-application';
import { applyLedgerProjection, type ProjectedEvent } from '@custody/ledger-read-models';

/** The read models' durable subscription name (its checkpoint commits with the rows). */
export const LEDGER_PROJECTION_NAME = 'ledger-read-models';
/** Events per projection batch (one transaction). */
export const PROJECTION_BATCH_EVENTS = 5_000;

/** The ledger's events among a page of the store: the clients' books and the house's (claims and parked letters are not ledger events). */
export function projectedEvents(events: readonly RecordedEvent[]): ProjectedEvent[] {
  return events
    .filter((event) => event.streamId.startsWith(CLIENT_STREAM_PREFIX) || event.streamId.startsWith(HOUSE_STREAM_PREFIX))
    .map((event) => ({
      event: ledgerEventOf(event),
      globalPosition: event.globalPosition,
      // house journals belong to no client ('')
      streamClientId: event.streamId.startsWith(CLIENT_STREAM_PREFIX) ? event.streamId.slice(CLIENT_STREAM_PREFIX.length) : '',
    }));
}

/** The store's ledger events from position 0, page by page (a rebuild's input). */
export async function* projectedPages(store: PostgresEventStore, upTo?: bigint): AsyncGenerator<ProjectedEvent[]> {
  for (let after = 0n; ; ) {
    const page = await store.readAll({ after, maxCount: READ_PAGE_EVENTS_MAX, ...(upTo === undefined ? {} : { upTo }) });
    if (page.length === 0) return;
    yield projectedEvents(page);
    after = page.at(-1)?.globalPosition ?? after;
  }
}

export type ProjectedBatchListener = (lastPosition: bigint) => void;

/**
 * Tails the ledger's event store into the read models: each batch applied in one transaction
 * together with the subscription's checkpoint, so a crash replays a batch entirely or not at all.
 */
export class LedgerProjector {
  private readonly subscription: Subscription;

  constructor(
    private readonly store: PostgresEventStore,
    options: { readonly name?: string; readonly schema?: string; readonly onError?: (error: unknown, attempt: number) => void; readonly onBatch?: ProjectedBatchListener } = {},
  ) {
    const schema = options.schema ?? store.schema;
    this.subscription = new Subscription(store, {
      name: options.name ?? LEDGER_PROJECTION_NAME,
      batchEvents: PROJECTION_BATCH_EVENTS,
      handler: async (events: readonly RecordedEvent[], transaction: Transaction) => {
        await applyLedgerProjection(transaction.client, schema, projectedEvents(events));
      },
      afterCommit: options.onBatch,
      onError: options.onError,
    });
  }

  start(): void {
    this.subscription.start();
  }

  stop(): Promise<void> {
    return this.subscription.stop();
  }

  /** Applies what is there now, batch after batch, until caught up (tests, rebuilds). */
  async catchUp(): Promise<void> {
    while ((await this.subscription.processBatch()) > 0) {
      // next batch
    }
  }

  checkpoint(): Promise<bigint> {
    return this.subscription.checkpoint();
  }
}
