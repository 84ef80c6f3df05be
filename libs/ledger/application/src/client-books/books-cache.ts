import type { AppendResult, PostgresEventStore, Transaction } from '@custody/event-store';
import type { LedgerState } from '@custody/ledger-domain';
import { clientStreamId } from './client-streams';
import type { LoadedBooks } from './load-client-books';

/**
 * Clients whose books the handler keeps in memory between batches (least recently used leave
 * first). An entry is used only while the client's stream still ends with the very event it was
 * built up to (same version, same hash-chain link), checked against the store in every batch;
 * anything else (another writer, a rolled-back batch, a restart) reloads from the store.
 */
export const BOOKS_CACHE_CLIENTS_DEFAULT = 20_000;

/** Books kept between batches, with the hash of the last event they include. */
interface CachedBooks extends LoadedBooks {
  readonly hash: string;
}

/** The books of recently written clients, trusted only while their stream's head is unchanged. */
export class BooksCache {
  /** clientId -> books; Map order is recency (oldest first). */
  private readonly entries = new Map<string, CachedBooks>();

  constructor(
    private readonly store: PostgresEventStore,
    private readonly capacity: number,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new Error('assertion: booksCacheClients must be a non-negative integer');
  }

  /**
   * The books of these clients as they stand in the store (what this transaction sees): from the
   * cache where the client's stream still ends with the event the cached books end with, else
   * from `load` (the latest snapshot plus the stream's tail).
   */
  async current(
    clientIds: readonly string[],
    transaction: Transaction,
    load: (clientIds: readonly string[]) => Promise<Map<string, LoadedBooks>>,
  ): Promise<Map<string, LoadedBooks>> {
    if (this.capacity === 0) return load(clientIds);
    const heads = await this.store.streamHeads(clientIds.map(clientStreamId), transaction);
    const books = new Map<string, LoadedBooks>();
    const misses: string[] = [];
    for (const clientId of clientIds) {
      const head = heads.get(clientStreamId(clientId));
      const cached = this.entries.get(clientId);
      if (
        cached !== undefined &&
        head !== undefined &&
        cached.version === head.version &&
        cached.hash === head.hash
      ) {
        this.remember(clientId, cached);
        books.set(clientId, cached);
      } else misses.push(clientId);
    }
    if (misses.length === 0) return books;
    for (const [clientId, loaded] of await load(misses)) {
      books.set(clientId, loaded);
      const head = heads.get(clientStreamId(clientId));
      // the same version as the head read just before: the same committed event, so its hash
      if (head !== undefined && loaded.version === head.version)
        this.remember(clientId, { ...loaded, hash: head.hash });
      else this.entries.delete(clientId);
    }
    return books;
  }

  /**
   * The books as appended; should the caller's transaction roll back, the next batch finds other
   * heads and reloads.
   */
  rememberAppended(
    appended: readonly AppendResult[],
    loaded: ReadonlyMap<string, LoadedBooks>,
    working: ReadonlyMap<string, LedgerState>,
    snapshotted: ReadonlySet<string>,
    clientOf: ReadonlyMap<string, string>,
  ): void {
    for (const result of appended) {
      const clientId = clientOf.get(result.streamId);
      const books = clientId === undefined ? undefined : working.get(clientId);
      const hash = result.hashes.at(-1);
      const position = result.positions.reduce((high, at) => (at > high ? at : high), 0n);
      if (clientId === undefined || books === undefined || hash === undefined) continue;
      const snapshotVersion = snapshotted.has(clientId)
        ? result.nextExpectedVersion
        : (loaded.get(clientId)?.snapshotVersion ?? 0n);
      this.remember(clientId, {
        books,
        version: result.nextExpectedVersion,
        position,
        snapshotVersion,
        hash,
      });
    }
  }

  private remember(clientId: string, entry: CachedBooks): void {
    this.entries.delete(clientId);
    this.entries.set(clientId, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }
}
