import {
  READ_PAGE_EVENTS_MAX,
  type PostgresEventStore,
  type RecordedEvent,
  type Transaction,
} from '@custody/event-store';
import {
  clientBooks,
  evolveLedger,
  initialLedgerState,
  type LedgerState,
} from '@custody/ledger-domain';
import { ledgerEventOf } from '../stored-events';
import { decodeBooks } from './books-codec';
import type { ClientSnapshots } from './client-snapshots';
import { clientStreamId, journalCompletedAt } from './client-streams';

/** A client's books as loaded: from their latest snapshot plus the stream's events after it. */
export interface LoadedBooks {
  readonly books: LedgerState;
  /** Stream version the books include (0n: no stream). */
  readonly version: bigint;
  /** Global position of the last event the books include (0n: none). */
  readonly position: bigint;
  /** Stream version of the snapshot the load started from (0n: none). */
  readonly snapshotVersion: bigint;
}

/**
 * Each client's books as of now (or as of a global position: point-in-time, HK-21): the
 * latest snapshot at or before it, then that client's events after the snapshot, folded.
 */
export async function loadClientBooks(
  store: PostgresEventStore,
  snapshots: ClientSnapshots,
  clientIds: readonly string[],
  upTo?: bigint,
  transaction?: Transaction,
): Promise<Map<string, LoadedBooks>> {
  const latest = await snapshots.latest(transaction?.client ?? store.pool, clientIds, upTo);
  const loaded = new Map<
    string,
    { books: LedgerState; version: bigint; position: bigint; snapshotVersion: bigint }
  >();
  for (const clientId of clientIds)
    loaded.set(clientId, {
      books: initialLedgerState(),
      version: 0n,
      position: 0n,
      snapshotVersion: 0n,
    });
  for (const row of latest) {
    const version = BigInt(row.stream_version);
    loaded.set(row.client_id, {
      books: decodeBooks(row.books),
      version,
      position: BigInt(row.global_position),
      snapshotVersion: version,
    });
  }
  const cursors = clientIds.map((clientId) => ({
    streamId: clientStreamId(clientId),
    afterVersion: loaded.get(clientId)?.version ?? 0n,
  }));
  const clientOf = new Map(clientIds.map((clientId) => [clientStreamId(clientId), clientId]));
  for (let after = 0n; ;) {
    const page: RecordedEvent[] = await store.readStreams(
      cursors,
      { after, upTo, maxCount: READ_PAGE_EVENTS_MAX },
      transaction,
    );
    for (const event of page) {
      const clientId = clientOf.get(event.streamId) as string;
      const entry = loaded.get(clientId);
      if (entry === undefined)
        throw new Error(`assertion: read ${event.streamId}, which was not asked for`);
      const ledgerEvent = ledgerEventOf(event);
      if (
        upTo !== undefined &&
        journalCompletedAt(ledgerEvent, clientId, event.globalPosition) > upTo
      )
        continue; // only part of it recorded at upTo: its last events
      entry.books = evolveLedger(entry.books, ledgerEvent);
      entry.version = event.streamVersion;
      entry.position = event.globalPosition;
    }
    if (page.length < READ_PAGE_EVENTS_MAX) break;
    after = (page.at(-1) as RecordedEvent).globalPosition;
  }
  // Folding a client's stream touches the counterparties' accounts too: keep the client's own.
  return new Map(
    [...loaded].map(([clientId, entry]) => [
      clientId,
      { ...entry, books: clientBooks(entry.books, clientId) },
    ]),
  );
}
