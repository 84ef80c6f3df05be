import {
  APPEND_EVENTS_MAX,
  EventIdConflictError,
  WrongExpectedVersionError,
  type PostgresEventStore,
  type Transaction,
} from '@custody/event-store';
import {
  commandClients,
  mergeBooks,
  type AssetDecimals,
  type LedgerCommand,
  type LedgerState,
} from '@custody/ledger-domain';
import { claimKeyOf, readClaims } from './claims/ledger-claims';
import { BOOKS_CACHE_CLIENTS_DEFAULT, BooksCache } from './client-books/books-cache';
import { ClientSnapshots, SNAPSHOT_EVERY_EVENTS_DEFAULT } from './client-books/client-snapshots';
import { clientStreamId } from './client-books/client-streams';
import { loadClientBooks, type LoadedBooks } from './client-books/load-client-books';
import { CustodyWalletRegistry } from './custody-wallets/custody-wallet-registry';
import { HouseBooks } from './house-movements/house-books';
import { decideInOrder, type HandledCommand } from './decide-in-order';

export type { HandledCommand } from './decide-in-order';

/** A command (or a batch) loses a race for a client's books at most this many times before it gives up. */
export const COMMAND_ATTEMPTS_MAX = 8;
/**
 * Commands decided together and appended in one append. Bounded so one append stays far below
 * the store's APPEND_EVENTS_MAX (a trade writes at most 3 events per client stream plus a claim).
 */
export const BATCH_COMMANDS_MAX = 1_000;

const WORST_CASE_EVENTS_PER_COMMAND = 8;
if (BATCH_COMMANDS_MAX * WORST_CASE_EVENTS_PER_COMMAND > APPEND_EVENTS_MAX)
  throw new Error('assertion: a ledger batch could exceed one append');

export interface LedgerCommandHandlerOptions {
  readonly snapshotEveryEvents?: number;
  /** 0 turns the books cache off (every batch loads snapshots and tails). */
  readonly booksCacheClients?: number;
}

/**
 * The one write path for the ledger: load the books of the clients a batch of commands touches
 * (latest snapshot plus the tail of each client's stream, one query each), decide each command
 * in order (pure) on the books as the previous ones left them, append everything with the
 * versions read as expected versions in ONE append, snapshot the books that grew, in the
 * caller's transaction. Two writers racing for a client: one commits, the other reloads and
 * decides again on the new balance, so a balance check (a withdrawal, a debit adjustment) can
 * never be overtaken. Event ids derive from the business keys: a batch retried after a crash
 * appends nothing new.
 */
export class LedgerCommandHandler {
  private readonly snapshots: ClientSnapshots;
  private readonly booksCache: BooksCache;
  /** The house's own journals (custody transfers, uncarried network fees), on the same store. */
  readonly house: HouseBooks;
  /** The wallets movements may name (recognised from the wallet service's registrations), on the same store. */
  readonly wallets: CustodyWalletRegistry;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly decimals: AssetDecimals,
    options: LedgerCommandHandlerOptions = {},
  ) {
    this.house = new HouseBooks(store, decimals);
    this.wallets = new CustodyWalletRegistry(store);
    this.snapshots = new ClientSnapshots(
      store,
      options.snapshotEveryEvents ?? SNAPSHOT_EVERY_EVENTS_DEFAULT,
    );
    this.booksCache = new BooksCache(
      store,
      options.booksCacheClients ?? BOOKS_CACHE_CLIENTS_DEFAULT,
    );
  }

  /** The snapshot table (see ClientSnapshots.migrate). Idempotent. */
  migrate(): Promise<void> {
    return this.snapshots.migrate();
  }

  /** One command in its own transaction (or the caller's). */
  async handle(command: LedgerCommand, transaction?: Transaction): Promise<HandledCommand> {
    const [handled] =
      transaction === undefined
        ? await this.store.withTransaction((own) => this.handleBatch([command], own))
        : await this.handleBatch([command], transaction);
    if (handled === undefined) throw new Error('assertion: one command gives one result');
    return handled;
  }

  /**
   * Commands in order, in the caller's transaction; one result each, in order. A refused command
   * changes nothing and does not stop the others (each is decided on what the earlier ones did).
   */
  async handleBatch(
    commands: readonly LedgerCommand[],
    transaction: Transaction,
  ): Promise<HandledCommand[]> {
    const results: HandledCommand[] = [];
    for (let start = 0; start < commands.length; start += BATCH_COMMANDS_MAX) {
      results.push(
        ...(await this.handleChunk(commands.slice(start, start + BATCH_COMMANDS_MAX), transaction)),
      );
    }
    return results;
  }

  private async handleChunk(
    commands: readonly LedgerCommand[],
    transaction: Transaction,
  ): Promise<HandledCommand[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.decideAndAppend(commands, transaction, attempt);
      } catch (error) {
        // Lost a race: for a client's books (WrongExpectedVersion), or an id with the same business key but
        // another business time (EventIdConflict). The failed append rolled back to its savepoint and nothing
        // else was written yet: the caller's transaction is intact. The next round decides on what won.
        // (Also when another writer stored the same events after our claim read: the store treats a duplicate
        // stored at another version than we expected as a wrong expected version.)
        const raced =
          error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError;
        if (!raced || attempt >= COMMAND_ATTEMPTS_MAX) throw error;
      }
    }
  }

  private async decideAndAppend(
    commands: readonly LedgerCommand[],
    transaction: Transaction,
    attempt: number,
  ): Promise<HandledCommand[]> {
    const claimKeys = commands.map(claimKeyOf);
    const claims = await readClaims(
      this.store,
      [...new Set(claimKeys.filter((key): key is string => key !== undefined))],
      transaction,
    );
    const clientIds = new Set(commands.flatMap(commandClients));
    for (const claim of claims.values())
      for (const clientId of claim.clientIds) clientIds.add(clientId);
    const loaded = await this.booksCache.current([...clientIds], transaction, (misses) =>
      this.loadBooks(misses, undefined, transaction),
    );

    const { results, appends, claimAppends, working } = decideInOrder(
      commands,
      claimKeys,
      claims,
      loaded,
      this.decimals,
      attempt,
    );
    if (appends.length === 0) return results;

    const clientOf = new Map(
      [...clientIds].map((clientId) => [clientStreamId(clientId), clientId]),
    );
    const appended = await this.store.append([...appends, ...claimAppends], transaction);
    const snapshotted = await this.snapshots.writeGrown(
      appended,
      loaded,
      working,
      clientOf,
      transaction,
    );
    this.booksCache.rememberAppended(appended, loaded, working, snapshotted, clientOf);
    return results;
  }

  /**
   * Each client's books as of now (or as of a global position: point-in-time, HK-21): the
   * latest snapshot at or before it, then that client's events after the snapshot, folded.
   */
  loadBooks(
    clientIds: readonly string[],
    upTo?: bigint,
    transaction?: Transaction,
  ): Promise<Map<string, LoadedBooks>> {
    return loadClientBooks(this.store, this.snapshots, clientIds, upTo, transaction);
  }

  /** The books of these clients as one state, with each stream's version. */
  async load(
    clientIds: readonly string[],
    transaction?: Transaction,
  ): Promise<{ state: LedgerState; versions: Map<string, bigint> }> {
    const loaded = await this.loadBooks(clientIds, undefined, transaction);
    return {
      state: mergeBooks([...loaded.values()].map((entry) => entry.books)),
      versions: new Map(
        [...loaded]
          .filter(([, entry]) => entry.version > 0n)
          .map(([clientId, entry]) => [clientStreamId(clientId), entry.version]),
      ),
    };
  }
}
