import {
  Subscription,
  type PostgresEventStore,
  type RecordedEvent,
  type ScannedEvent,
  type Transaction,
} from '@custody/event-store';
import {
  CLIENT_STREAM_PREFIX,
  HOUSE_STREAM_PREFIX,
  ledgerEventOf,
  ledgerEventOfScanned,
} from '@custody/ledger-application';
import { applyLedgerProjection, type ProjectedEvent } from '@custody/ledger-read-models';

/** The read models' durable subscription name (its checkpoint commits with the rows). */
export const LEDGER_PROJECTION_NAME = 'ledger-read-models';
/** Events per projection batch (one transaction). */
export const PROJECTION_BATCH_EVENTS = 5_000;

/** The ledger's events among a page of the store: the clients' books and the house's (claims and parked letters are not ledger events). */
function isLedgerStream(streamId: string): boolean {
  return streamId.startsWith(CLIENT_STREAM_PREFIX) || streamId.startsWith(HOUSE_STREAM_PREFIX);
}

function projected(
  event: ProjectedEvent['event'],
  globalPosition: bigint,
  streamId: string,
): ProjectedEvent {
  // house journals belong to no client ('')
  return {
    event,
    globalPosition,
    streamClientId: streamId.startsWith(CLIENT_STREAM_PREFIX)
      ? streamId.slice(CLIENT_STREAM_PREFIX.length)
      : '',
  };
}

export function projectedEvents(events: readonly RecordedEvent[]): ProjectedEvent[] {
  return events
    .filter((event) => isLedgerStream(event.streamId))
    .map((event) => projected(ledgerEventOf(event), event.globalPosition, event.streamId));
}

function projectedScan(events: readonly ScannedEvent[]): ProjectedEvent[] {
  const page: ProjectedEvent[] = [];
  for (const event of events)
    if (isLedgerStream(event.streamId))
      page.push(projected(ledgerEventOfScanned(event), event.globalPosition, event.streamId));
  return page;
}

/** The store's ledger events from position 0 (up to `upTo`), batch by batch, from one streamed snapshot: a rebuild's input. */
export async function* projectedPages(
  store: PostgresEventStore,
  upTo?: bigint,
): AsyncGenerator<ProjectedEvent[]> {
  for await (const batch of store.scanAll(upTo === undefined ? {} : { upTo }))
    yield projectedScan(batch);
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
    options: {
      readonly name?: string;
      readonly schema?: string;
      readonly onError?: (error: unknown, attempt: number) => void;
      readonly onBatch?: ProjectedBatchListener;
    } = {},
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
