import type { Pool, PoolClient } from 'pg';
import { appendInTransaction } from './append';
import { readAll, readStream, readStreams, type StreamCursor } from './read';
import { scanAll, type ScanOptions, type ScannedEvent } from './scan';
import { STREAM_HEADS_MAX } from './limits';
import { assertSchemaName, ensureEventStoreSchema } from './schema';
import { withSpan, withTraceContext } from './tracing';
import type {
  AppendResult,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamHead,
} from './types';
import { UpcasterRegistry } from './upcasters';
import { verifyChain, type VerifyChainOptions } from './verify-chain';

export interface PostgresEventStoreOptions {
  readonly pool: Pool;
  /** PostgreSQL schema of this service's store, e.g. 'ledger'. */
  readonly schema: string;
  readonly upcasters?: UpcasterRegistry;
  /** Clock for `recorded_at`; infrastructure time, injectable for tests. */
  readonly now?: () => Date;
}

/** An open transaction of the store: pass it to `append` to write in the caller's unit of work. */
export interface Transaction {
  readonly client: PoolClient;
}

export class PostgresEventStore {
  readonly schema: string;
  readonly pool: Pool;
  readonly upcasters: UpcasterRegistry;
  private readonly now: () => Date;

  constructor(options: PostgresEventStoreOptions) {
    this.schema = assertSchemaName(options.schema);
    this.pool = options.pool;
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.now = options.now ?? (() => new Date());
  }

  /** Creates the schema and tables if absent. Safe to run from several processes at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await ensureEventStoreSchema(client, this.schema);
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` in one transaction; commits when it resolves, rolls back when it throws.
   * READ COMMITTED, always: appends read the head after taking their lock, which needs a
   * fresh snapshot per statement (under REPEATABLE READ they would see a stale head).
   */
  async withTransaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin isolation level read committed');
      const result = await work({ client });
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    expectedVersion: ExpectedVersion,
    transaction?: Transaction,
  ): Promise<AppendResult> {
    const [result] = await this.append([{ streamId, expectedVersion, events }], transaction);
    if (result === undefined) throw new Error('assertion: one append gives one result');
    return result;
  }

  /** Appends to many streams atomically: all of them or none. */
  async append(
    appends: readonly StreamAppend[],
    transaction?: Transaction,
  ): Promise<AppendResult[]> {
    const eventCount = appends.reduce((sum, append) => sum + append.events.length, 0);
    return withSpan(
      'append',
      {
        'event_store.schema': this.schema,
        'event_store.streams': appends.length,
        'event_store.events': eventCount,
      },
      () => {
        // Inside the append span: each event remembers the trace it was written in (metadata.traceparent).
        const traced = appends.map((append) => ({
          ...append,
          events: withTraceContext(append.events),
        }));
        return transaction === undefined
          ? this.withTransaction(({ client }) =>
              appendInTransaction(client, this.schema, traced, this.now()),
            )
          : exclusively(transaction, () =>
              appendInTransaction(transaction.client, this.schema, traced, this.now()),
            );
      },
    );
  }

  async readStream(
    streamId: string,
    options?: ReadStreamOptions,
    transaction?: Transaction,
  ): Promise<RecordedEvent[]> {
    return withSpan('read-stream', { 'event_store.schema': this.schema }, () =>
      readStream(transaction?.client ?? this.pool, this.schema, this.upcasters, streamId, options),
    );
  }

  /** Many streams' events, each after its own version, in global order, one page (see `readStreams`). */
  async readStreams(
    cursors: readonly StreamCursor[],
    options?: Omit<ReadAllOptions, 'maxCount'> & { readonly maxCount?: number },
    transaction?: Transaction,
  ): Promise<RecordedEvent[]> {
    return withSpan(
      'read-streams',
      { 'event_store.schema': this.schema, 'event_store.streams': cursors.length },
      () =>
        readStreams(
          transaction?.client ?? this.pool,
          this.schema,
          this.upcasters,
          cursors,
          options,
        ),
    );
  }

  /**
   * The last event of each of these streams (a stream with no events is absent): its version and
   * hash. Lets a writer check that what it cached of a stream is still exactly what is stored
   * (one index probe per stream) before reading only what came after.
   */
  async streamHeads(
    streamIds: readonly string[],
    transaction?: Transaction,
  ): Promise<Map<string, StreamHead>> {
    if (streamIds.length > STREAM_HEADS_MAX)
      throw new Error(
        `assertion: at most ${STREAM_HEADS_MAX} streams per streamHeads call, got ${streamIds.length}`,
      );
    return withSpan(
      'stream-heads',
      { 'event_store.schema': this.schema, 'event_store.streams': streamIds.length },
      async () => {
        const result = await (transaction?.client ?? this.pool).query<{
          stream_id: string;
          stream_version: string;
          hash: string;
        }>(
          `select head.stream_id, head.stream_version, encode(head.hash, 'hex') as hash
           from unnest($1::text[]) as asked(stream_id)
           cross join lateral (
             select stream_id, stream_version, hash from ${this.schema}.events
              where stream_id = asked.stream_id order by stream_version desc limit 1
           ) as head`,
          [streamIds],
        );
        return new Map(
          result.rows.map((row) => [
            row.stream_id,
            { version: BigInt(row.stream_version), hash: row.hash },
          ]),
        );
      },
    );
  }

  async readAll(options?: ReadAllOptions, transaction?: Transaction): Promise<RecordedEvent[]> {
    return withSpan('read-all', { 'event_store.schema': this.schema }, () =>
      readAll(transaction?.client ?? this.pool, this.schema, this.upcasters, options),
    );
  }

  /**
   * Every event after `after` in position order, in batches, streamed from one snapshot on its
   * own connection: what a rebuild from position 0 reads (see scanAll).
   */
  scanAll(options?: ScanOptions): AsyncGenerator<ScannedEvent[]> {
    return scanAll(this.pool, this.schema, this.upcasters, options);
  }

  async verifyChain(options?: VerifyChainOptions) {
    return withSpan('verify-chain', { 'event_store.schema': this.schema }, () =>
      verifyChain(this.pool, this.schema, options),
    );
  }

  /**
   * The store as it stood at an instant: the last global position recorded at or before it
   * (0n before the first event). Recorded time never goes backwards along the chain, so every
   * event up to that position, and none after it, was recorded by then.
   */
  async positionAt(instant: Date, transaction?: Transaction): Promise<bigint> {
    const result = await (transaction?.client ?? this.pool).query<{ position: string | null }>(
      // recorded time never decreases along the chain: the latest recorded row at or before the instant is the last position
      `select global_position as position from ${this.schema}.events where recorded_at <= $1 order by recorded_at desc, global_position desc limit 1`,
      [instant.toISOString()],
    );
    return BigInt(result.rows[0]?.position ?? 0);
  }

  /** Last global position committed, 0n for an empty store. */
  async headPosition(): Promise<bigint> {
    const result = await this.pool.query<{ head: string | null }>(
      `select max(global_position) as head from ${this.schema}.events`,
    );
    return BigInt(result.rows[0]?.head ?? 0);
  }
}

/** Transactions with an append in flight: a second one at once would interleave its statements. */
const busyTransactions = new WeakSet<PoolClient>();

async function exclusively<T>(transaction: Transaction, work: () => Promise<T>): Promise<T> {
  if (busyTransactions.has(transaction.client)) {
    throw new Error(
      'assertion: this transaction is already in use by another append; await it first',
    );
  }
  busyTransactions.add(transaction.client);
  try {
    return await work();
  } finally {
    busyTransactions.delete(transaction.client);
  }
}
