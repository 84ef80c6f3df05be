import {
  guardHistory,
  type AppendResult,
  type PostgresEventStore,
  type Queryable,
  type Transaction,
  withSchemaDdl,
} from '@custody/event-store';
import { initialLedgerState, type LedgerState } from '@custody/ledger-domain';
import { encodeBooks } from './books-codec';

/** A client's books are snapshotted once their stream has grown by this many events since the last snapshot. */
export const SNAPSHOT_EVERY_EVENTS_DEFAULT = 64;
/** Write-side snapshots of each client's books (derived from the client's stream; rebuildable, never the source of truth). */
export const SNAPSHOT_TABLE = 'ledger_client_snapshots';

/** A client's latest snapshot as stored: the books still encoded. */
export interface SnapshotRow {
  readonly client_id: string;
  readonly stream_version: string;
  readonly global_position: string;
  readonly books: string;
}

/**
 * Each client's books as of a stream version, in the event store's schema: where loading the books
 * starts, so a load reads the latest snapshot plus the stream's tail, never a whole history.
 */
export class ClientSnapshots {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly everyEvents: number,
  ) {
    if (!Number.isSafeInteger(everyEvents) || everyEvents < 1)
      throw new Error('assertion: snapshotEveryEvents must be a positive integer');
  }

  private get table(): string {
    return `${this.store.schema}.${SNAPSHOT_TABLE}`;
  }

  /**
   * The snapshot table, after the event store's schema. Idempotent. A snapshot is trusted as its
   * client's starting books, so it is history: inserted, never changed (the append-only guard).
   */
  async migrate(): Promise<void> {
    await withSchemaDdl(this.store.pool, this.store.schema, async (client) => {
      await client.query(
        `create table if not exists ${this.table} (
           client_id text not null,
           stream_version int8 not null,
           global_position int8 not null,
           books jsonb not null,
           primary key (client_id, stream_version)
         )`,
      );
      await client.query(
        `create index if not exists ${SNAPSHOT_TABLE}_position on ${this.table} (client_id, global_position)`,
      );
      await guardHistory(client, this.store.schema, SNAPSHOT_TABLE);
    });
  }

  /** Each client's latest snapshot at or before `upTo` (any, without it); a client with none is absent. */
  async latest(
    db: Queryable,
    clientIds: readonly string[],
    upTo: bigint | undefined,
  ): Promise<readonly SnapshotRow[]> {
    const snapshots = await db.query<SnapshotRow>(
      `select distinct on (client_id) client_id, stream_version, global_position, books::text as books
         from ${this.table}
        where client_id = any($1::text[]) and ($2::int8 is null or global_position <= $2::int8)
        order by client_id, stream_version desc`,
      [clientIds, upTo === undefined ? null : upTo.toString()],
    );
    return snapshots.rows;
  }

  /**
   * Snapshots the books of clients whose stream grew by `everyEvents` since their last snapshot,
   * in the append's transaction; the clients snapshotted.
   */
  async writeGrown(
    appended: readonly AppendResult[],
    /** Each client's books as loaded before the append: the snapshot they started from. */
    loaded: ReadonlyMap<string, { readonly snapshotVersion: bigint }>,
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
      if (version - snapshotVersion < BigInt(this.everyEvents)) continue;
      rows.push({
        clientId,
        version,
        position,
        books: encodeBooks(working.get(clientId) ?? initialLedgerState()),
      });
    }
    if (rows.length === 0) return new Set();
    await transaction.client.query(
      `insert into ${this.table} (client_id, stream_version, global_position, books)
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
}
