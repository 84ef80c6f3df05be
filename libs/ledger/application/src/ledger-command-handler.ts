import { CustodyWalletRegistry } from './custody-wallet-registry';
import {
  APPEND_EVENTS_MAX,
  EventIdConflictError,
  guardHistory,
  READ_PAGE_EVENTS_MAX,
  WrongExpectedVersionError,
  type NewEvent,
  type PostgresEventStore,
  type RecordedEvent,
  type StreamAppend,
  type Transaction,
  withSchemaDdl,
} from '@custody/event-store';
import {
  clientBooks,
  commandClients,
  decideLedger,
  evolveLedger,
  initialLedgerState,
  mergeBooks,
  type AssetDecimals,
  type Decision,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerState,
} from '@custody/ledger-domain';
import { deterministicUuid } from '@custody/messaging';
import { decodeBooks, encodeBooks } from './books-codec';
import { HouseBooks } from './house-books';
import { ledgerEventOf, LEDGER_EVENT_SCHEMA_VERSION, storedData } from './stored-events';

/** A command (or a batch) loses a race for a client's books at most this many times before it gives up. */
export const COMMAND_ATTEMPTS_MAX = 8;
/**
 * Commands decided together and appended in one append. Bounded so one append stays far below
 * the store's APPEND_EVENTS_MAX (a trade writes at most 3 events per client stream plus a claim).
 */
export const BATCH_COMMANDS_MAX = 1_000;
/** A client's books are snapshotted once their stream has grown by this many events since the last snapshot. */
export const SNAPSHOT_EVERY_EVENTS_DEFAULT = 64;
export const CLIENT_STREAM_PREFIX = 'ledger-client-';
/**
 * A trade, deposit, withdrawal or adjustment id is claimed once for the whole ledger, in a stream
 * of its own (`ledger-claim-trade:T-1`) naming the clients whose books hold it and, for a trade
 * or a deposit, the fingerprint of its journal: the same id again is a no-op or a conflict
 * without reading anyone's history, and the same id for other clients loads those books too.
 */
export const CLAIM_STREAM_PREFIX = 'ledger-claim-';
export const SOURCE_CLAIMED_TYPE = 'SourceClaimed';
/**
 * Clients whose books the handler keeps in memory between batches (least recently used leave
 * first). An entry is used only while the client's stream still ends with the very event it was
 * built up to (same version, same hash-chain link), checked against the store in every batch;
 * anything else (another writer, a rolled-back batch, a restart) reloads from the store.
 */
export const BOOKS_CACHE_CLIENTS_DEFAULT = 20_000;
/** Write-side snapshots of each client's books (derived from the client's stream; rebuildable, never the source of truth). */
export const SNAPSHOT_TABLE = 'ledger_client_snapshots';

const WORST_CASE_EVENTS_PER_COMMAND = 8;
if (BATCH_COMMANDS_MAX * WORST_CASE_EVENTS_PER_COMMAND > APPEND_EVENTS_MAX)
  throw new Error('assertion: a ledger batch could exceed one append');

/** One stream per client: their onboarding, every journal touching them, holds, adjustments (HK-21: the client's statement). */
export function clientStreamId(clientId: string): string {
  return `${CLIENT_STREAM_PREFIX}${clientId}`;
}

export type HandledCommand = Decision & { readonly attempts: number };

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

interface Claim {
  readonly clientIds: readonly string[];
  /** The journal's fingerprint, for a trade or a deposit. */
  readonly fingerprint: string | null;
}

export interface LedgerCommandHandlerOptions {
  readonly snapshotEveryEvents?: number;
  /** 0 turns the books cache off (every batch loads snapshots and tails). */
  readonly booksCacheClients?: number;
}

/** Books kept between batches, with the hash of the last event they include. */
interface CachedBooks extends LoadedBooks {
  readonly hash: string;
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
  private readonly snapshotEveryEvents: number;
  private readonly booksCacheClients: number;
  /** clientId -> books; Map order is recency (oldest first). */
  private readonly booksCache = new Map<string, CachedBooks>();
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
    this.snapshotEveryEvents = options.snapshotEveryEvents ?? SNAPSHOT_EVERY_EVENTS_DEFAULT;
    if (!Number.isSafeInteger(this.snapshotEveryEvents) || this.snapshotEveryEvents < 1)
      throw new Error('assertion: snapshotEveryEvents must be a positive integer');
    this.booksCacheClients = options.booksCacheClients ?? BOOKS_CACHE_CLIENTS_DEFAULT;
    if (!Number.isSafeInteger(this.booksCacheClients) || this.booksCacheClients < 0)
      throw new Error('assertion: booksCacheClients must be a non-negative integer');
  }

  private get snapshots(): string {
    return `${this.store.schema}.${SNAPSHOT_TABLE}`;
  }

  /**
   * The snapshot table, after the event store's schema. Idempotent. A snapshot is trusted as its
   * client's starting books, so it is history: inserted, never changed (the append-only guard).
   */
  async migrate(): Promise<void> {
    await withSchemaDdl(this.store.pool, this.store.schema, async (client) => {
      await client.query(
        `create table if not exists ${this.snapshots} (
           client_id text not null,
           stream_version int8 not null,
           global_position int8 not null,
           books jsonb not null,
           primary key (client_id, stream_version)
         )`,
      );
      await client.query(
        `create index if not exists ${SNAPSHOT_TABLE}_position on ${this.snapshots} (client_id, global_position)`,
      );
      await guardHistory(client, this.store.schema, SNAPSHOT_TABLE);
    });
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
    const claims = await this.readClaims(
      [...new Set(claimKeys.filter((key): key is string => key !== undefined))],
      transaction,
    );
    const clientIds = new Set(commands.flatMap(commandClients));
    for (const claim of claims.values())
      for (const clientId of claim.clientIds) clientIds.add(clientId);
    const loaded = await this.loadCurrentBooks([...clientIds], transaction);

    const working = new Map([...loaded].map(([clientId, { books }]) => [clientId, books]));
    const versions = new Map(
      [...loaded].map(([clientId, { version }]) => [clientStreamId(clientId), version]),
    );
    // In decision order, each event's copies next to each other: a journal's copies sit at adjacent positions, so
    // "as of position P" (a journal counts once its last copy is recorded) is the same for every client's books.
    const appends: {
      streamId: string;
      expectedVersion: bigint | 'no-stream';
      events: NewEvent[];
    }[] = [];
    const claimAppends: StreamAppend[] = [];
    const results: HandledCommand[] = [];
    commands.forEach((command, index) => {
      const claimKey = claimKeys[index];
      const claim = claimKey === undefined ? undefined : claims.get(claimKey);
      const involved = [...new Set([...commandClients(command), ...(claim?.clientIds ?? [])])];
      const journals = new Map(
        claimKey !== undefined && claim?.fingerprint != null ? [[claimKey, claim.fingerprint]] : [],
      );
      const state = mergeBooks(
        involved.map((clientId) => working.get(clientId) ?? initialLedgerState()),
        journals,
      );
      const decision = decideLedger(command, state, this.decimals);
      results.push({ ...decision, attempts: attempt });
      if (!decision.ok || decision.events.length === 0) return;
      let next = state;
      for (const event of decision.events) {
        for (const owner of ownersOf(event, next)) {
          const streamId = clientStreamId(owner);
          const last = appends.at(-1);
          if (last?.streamId === streamId) last.events.push(newEvent(event, owner));
          else {
            const version = versions.get(streamId) ?? 0n;
            appends.push({
              streamId,
              expectedVersion: version === 0n ? 'no-stream' : version,
              events: [newEvent(event, owner)],
            });
          }
          versions.set(streamId, (versions.get(streamId) ?? 0n) + 1n);
        }
        next = evolveLedger(next, event);
      }
      for (const clientId of involved) working.set(clientId, clientBooks(next, clientId));
      if (claimKey !== undefined && claim === undefined) {
        const made: Claim = {
          clientIds: commandClients(command),
          fingerprint: journalFingerprint(decision.events, claimKey),
        };
        claims.set(claimKey, made);
        claimAppends.push(claimAppend(claimKey, made));
      }
    });
    if (appends.length === 0) return results;

    const clientOf = new Map(
      [...clientIds].map((clientId) => [clientStreamId(clientId), clientId]),
    );
    const appended = await this.store.append([...appends, ...claimAppends], transaction);
    const snapshotted = await this.snapshotGrown(appended, loaded, working, clientOf, transaction);
    // Remembered as appended; should the caller's transaction roll back, the next batch finds other heads and reloads.
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
    return results;
  }

  /**
   * The books of these clients as they stand in the store (what this transaction sees): from the
   * cache where the client's stream still ends with the event the cached books end with, else
   * from the latest snapshot plus the stream's tail.
   */
  private async loadCurrentBooks(
    clientIds: readonly string[],
    transaction: Transaction,
  ): Promise<Map<string, LoadedBooks>> {
    if (this.booksCacheClients === 0) return this.loadBooks(clientIds, undefined, transaction);
    const heads = await this.store.streamHeads(clientIds.map(clientStreamId), transaction);
    const books = new Map<string, LoadedBooks>();
    const misses: string[] = [];
    for (const clientId of clientIds) {
      const head = heads.get(clientStreamId(clientId));
      const cached = this.booksCache.get(clientId);
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
    for (const [clientId, loaded] of await this.loadBooks(misses, undefined, transaction)) {
      books.set(clientId, loaded);
      const head = heads.get(clientStreamId(clientId));
      // the same version as the head read just before: the same committed event, so its hash
      if (head !== undefined && loaded.version === head.version)
        this.remember(clientId, { ...loaded, hash: head.hash });
      else this.booksCache.delete(clientId);
    }
    return books;
  }

  private remember(clientId: string, entry: CachedBooks): void {
    this.booksCache.delete(clientId);
    this.booksCache.set(clientId, entry);
    for (const oldest of this.booksCache.keys()) {
      if (this.booksCache.size <= this.booksCacheClients) break;
      this.booksCache.delete(oldest);
    }
  }

  /** Snapshots the books of clients whose stream grew by SNAPSHOT_EVERY_EVENTS since their last snapshot, in the same transaction. */
  private async snapshotGrown(
    appended: readonly {
      streamId: string;
      nextExpectedVersion: bigint;
      positions: readonly bigint[];
    }[],
    loaded: ReadonlyMap<string, LoadedBooks>,
    working: ReadonlyMap<string, LedgerState>,
    clientOf: ReadonlyMap<string, string>,
    transaction: Transaction,
  ): Promise<Set<string>> {
    // A snapshot counts from the end of the whole append: every journal in it is complete there.
    const position = appended.reduce(
      (highest, result) => result.positions.reduce((high, at) => (at > high ? at : high), highest),
      0n,
    );
    const finalVersions = new Map<string, bigint>();
    for (const result of appended)
      if (result.positions.length > 0)
        finalVersions.set(result.streamId, result.nextExpectedVersion);
    const rows: { clientId: string; version: bigint; position: bigint; books: string }[] = [];
    for (const [streamId, version] of finalVersions) {
      const clientId = clientOf.get(streamId);
      if (clientId === undefined) continue; // a claim
      const snapshotVersion = loaded.get(clientId)?.snapshotVersion ?? 0n;
      if (version - snapshotVersion < BigInt(this.snapshotEveryEvents)) continue;
      rows.push({
        clientId,
        version,
        position,
        books: encodeBooks(working.get(clientId) ?? initialLedgerState()),
      });
    }
    if (rows.length === 0) return new Set();
    await transaction.client.query(
      `insert into ${this.snapshots} (client_id, stream_version, global_position, books)
       select * from unnest($1::text[], $2::int8[], $3::int8[], $4::jsonb[]) on conflict do nothing`,
      [
        rows.map((row) => row.clientId),
        rows.map((row) => row.version.toString()),
        rows.map((row) => row.position.toString()),
        rows.map((row) => row.books),
      ],
    );
    return new Set(rows.map((row) => row.clientId));
  }

  private async readClaims(
    claimKeys: readonly string[],
    transaction?: Transaction,
  ): Promise<Map<string, Claim>> {
    const claims = new Map<string, Claim>();
    for (let start = 0; start < claimKeys.length; start += READ_PAGE_EVENTS_MAX) {
      const cursors = claimKeys
        .slice(start, start + READ_PAGE_EVENTS_MAX)
        .map((key) => ({ streamId: `${CLAIM_STREAM_PREFIX}${key}`, afterVersion: 0n }));
      for (const event of await this.store.readStreams(
        cursors,
        { maxCount: READ_PAGE_EVENTS_MAX },
        transaction,
      )) {
        const data = event.data as {
          claimKey: string;
          clientIds: string[];
          fingerprint?: string | null;
        };
        const claimKey = data.claimKey;
        if (
          (claimKey.startsWith('trade:') || claimKey.startsWith('deposit:')) &&
          typeof data.fingerprint !== 'string'
        ) {
          throw new Error(`assertion: claim ${claimKey} has no journal fingerprint`);
        }
        claims.set(claimKey, { clientIds: data.clientIds, fingerprint: data.fingerprint ?? null });
      }
    }
    return claims;
  }

  /**
   * Each client's books as of now (or as of a global position: point-in-time, HK-21): the
   * latest snapshot at or before it, then that client's events after the snapshot, folded.
   */
  async loadBooks(
    clientIds: readonly string[],
    upTo?: bigint,
    transaction?: Transaction,
  ): Promise<Map<string, LoadedBooks>> {
    const db = transaction?.client ?? this.store.pool;
    const snapshots = await db.query<{
      client_id: string;
      stream_version: string;
      global_position: string;
      books: string;
    }>(
      `select distinct on (client_id) client_id, stream_version, global_position, books::text as books
         from ${this.snapshots}
        where client_id = any($1::text[]) and ($2::int8 is null or global_position <= $2::int8)
        order by client_id, stream_version desc`,
      [clientIds, upTo === undefined ? null : upTo.toString()],
    );
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
    for (const row of snapshots.rows) {
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
      const page: RecordedEvent[] = await this.store.readStreams(
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

/**
 * Where a journal is complete: its copies sit at adjacent positions in its clients' order, so the
 * copy in the stream of its k-th client (of n) is completed n-1-k positions later. Any other event
 * is complete where it is.
 */
export function journalCompletedAt(
  event: LedgerEvent,
  streamClientId: string,
  position: bigint,
): bigint {
  if (event.type !== 'JournalPosted') return position;
  const owners = ownersOf(event, initialLedgerState());
  const index = owners.indexOf(streamClientId);
  if (index < 0)
    throw new Error(
      `assertion: journal ${event.data.journalId} is not in ${streamClientId}'s books`,
    );
  return position + BigInt(owners.length - 1 - index);
}

/** The id a command claims for the whole ledger, if it creates one. */
function claimKeyOf(command: LedgerCommand): string | undefined {
  switch (command.type) {
    case 'SettleTrade':
      return `trade:${command.trade.tradeId}`;
    case 'BookDeposit':
      return `deposit:${command.depositId}`;
    case 'HoldWithdrawal':
      return `withdrawal:${command.withdrawalId}`;
    case 'RequestAdjustment':
      return `adjustment:${command.adjustmentId}`;
    default:
      return undefined;
  }
}

/** The fingerprint of the journal a trade or deposit claim names (its journal id is the claim key). */
function journalFingerprint(events: readonly LedgerEvent[], claimKey: string): string | null {
  for (const event of events)
    if (event.type === 'JournalPosted' && event.data.journalId === claimKey)
      return event.data.fingerprint;
  return null;
}

function claimAppend(claimKey: string, claim: Claim): StreamAppend {
  return {
    streamId: `${CLAIM_STREAM_PREFIX}${claimKey}`,
    expectedVersion: 'no-stream',
    events: [
      {
        eventId: deterministicUuid(`ledger\u0000${SOURCE_CLAIMED_TYPE}\u0000${claimKey}`),
        type: SOURCE_CLAIMED_TYPE,
        schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
        data: { claimKey, clientIds: [...claim.clientIds], fingerprint: claim.fingerprint },
      },
    ],
  };
}

function newEvent(event: LedgerEvent, owner: string): NewEvent {
  const eventId = deterministicUuid(
    `ledger\u0000${event.type}\u0000${businessKey(event)}\u0000${owner}`,
  );
  return {
    eventId,
    type: event.type,
    schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
    data: storedData(event),
    metadata: { occurredAt: event.data.at },
  };
}

/** The clients whose statement records an event; the first one is the journal's primary copy. */
export function ownersOf(event: LedgerEvent, state: LedgerState): string[] {
  switch (event.type) {
    case 'JournalPosted':
      return [
        ...new Set(
          event.data.entries.flatMap((entry) =>
            entry.account.kind === 'client' ? [entry.account.clientId] : [],
          ),
        ),
      ];
    case 'WithdrawalHoldReleased':
      return [requiredOwner(state.withdrawals.get(event.data.withdrawalId)?.clientId, event)];
    case 'AdjustmentApproved':
    case 'AdjustmentRejected':
    case 'AdjustmentExpired':
      return [requiredOwner(state.adjustments.get(event.data.adjustmentId)?.clientId, event)];
    case 'ClientOnboarded':
    case 'ClientBalanceWentNegative':
    case 'WithdrawalHoldPlaced':
    case 'AdjustmentRequested':
      return [event.data.clientId];
    default: {
      const unreachable: never = event;
      throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

function requiredOwner(clientId: string | undefined, event: LedgerEvent): string {
  if (clientId === undefined) throw new Error(`assertion: ${event.type} has no owning client`);
  return clientId;
}

/** What makes an event unique in business terms: its id derives from it. */
function businessKey(event: LedgerEvent): string {
  switch (event.type) {
    case 'ClientOnboarded':
      return event.data.clientId;
    case 'JournalPosted':
      return event.data.journalId;
    case 'ClientBalanceWentNegative':
      return `${event.data.journalId}/${event.data.clientId}/${event.data.asset}`;
    case 'WithdrawalHoldPlaced':
    case 'WithdrawalHoldReleased':
      return event.data.withdrawalId;
    case 'AdjustmentRequested':
    case 'AdjustmentApproved':
    case 'AdjustmentRejected':
    case 'AdjustmentExpired':
      return event.data.adjustmentId;
    default: {
      const unreachable: never = event;
      throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}
