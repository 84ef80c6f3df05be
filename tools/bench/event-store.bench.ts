/**
 * Throughput benchmark of the PostgreSQL event store.
 *
 *   npm run bench:event-store                 # full run (200,000 events)
 *   BENCH_EVENTS=20000 npm run bench:event-store   # quick smoke run
 *
 * In one fresh database (dropped at the end, also on failure or Ctrl-C) it measures:
 *   1. batched, durable appends through `store.append([...])`, many streams per append;
 *   2. a naive baseline: one autocommit single-row INSERT per event into the same table;
 *   3. reading every event back in global order through `store.readAll` pages of the
 *      largest allowed size.
 * The append clock runs only inside `store.append` (event generation is not billed to the
 * store); every append commits with synchronous_commit = on, asserted before measuring.
 * The last two lines printed are JSON: the read-all result, then the append result.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  APPEND_EVENTS_MAX,
  PostgresEventStore,
  READ_PAGE_EVENTS_MAX,
  type NewEvent,
  type StreamAppend,
} from '@custody/event-store';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { positiveIntegerFromEnv } from './bench-env';

/** Events appended through the store (override with BENCH_EVENTS for a smoke run). */
const EVENTS_DEFAULT = 200_000;
/** Streams the events are spread over, round-robin. */
const STREAMS = 10_000;
/**
 * Events per `store.append` call (one transaction, one durable commit). Measured on the 2-core
 * box, 200,000 events: 1,000 -> ~17k/s, 2,000 -> ~18.6k/s, 5,000 -> ~20k/s (10,000 no better).
 */
const BATCH_EVENTS_DEFAULT = 5_000;
/** Concurrent appenders (each owns a disjoint set of streams). Override with BENCH_WRITERS. */
const WRITERS_DEFAULT = 4;
/** Events written by the naive one-INSERT-per-event baseline. */
const NAIVE_EVENTS = 5_000;
/** Page of `store.readAll`: the largest the store allows. */
const READ_PAGE_EVENTS = READ_PAGE_EVENTS_MAX;
/** Schema of the store under test inside the fresh database. */
const SCHEMA = 'bench';
const DATABASE_PREFIX = 'custody_bench';

const ASSETS = ['BTC', 'ETH', 'USDC', 'USDT', 'SOL'] as const;
const EVENT_TYPES = ['ClientAssetDeposited', 'ClientAssetWithdrawn', 'TradeSettled'] as const;

const EVENTS = positiveIntegerFromEnv('BENCH_EVENTS', EVENTS_DEFAULT);
const NAIVE = Math.min(NAIVE_EVENTS, EVENTS);
const WRITERS = positiveIntegerFromEnv('BENCH_WRITERS', WRITERS_DEFAULT);
const BATCH_EVENTS = positiveIntegerFromEnv('BENCH_BATCH_EVENTS', BATCH_EVENTS_DEFAULT);
if (BATCH_EVENTS > APPEND_EVENTS_MAX)
  throw new Error(`BATCH_EVENTS ${BATCH_EVENTS} exceeds APPEND_EVENTS_MAX ${APPEND_EVENTS_MAX}`);

interface AppendFigures {
  readonly events: number;
  readonly streams: number;
  readonly batchEvents: number;
  readonly writers: number;
  readonly appends: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly avgDataBytes: number;
}

interface NaiveFigures {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
}

interface ReadFigures {
  readonly events: number;
  readonly pages: number;
  readonly pageEvents: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
}

function streamId(index: number): string {
  return `client-account-${String(index).padStart(6, '0')}`;
}

/** About 300 bytes of JSON, shaped like a custody ledger movement. */
function eventData(sequence: number, stream: number): NewEvent['data'] {
  const asset = ASSETS[sequence % ASSETS.length] ?? 'BTC';
  return {
    clientId: `client-${String(stream).padStart(6, '0')}`,
    accountId: `acct-${String(stream).padStart(6, '0')}-${asset.toLowerCase()}`,
    asset,
    amountMinor: String(1_000_000 + ((sequence * 7_919) % 987_654_321)),
    feeMinor: String(100 + (sequence % 4_900)),
    tradeId: randomUUID(),
    orderId: `ord-${String(sequence).padStart(10, '0')}`,
    venue: 'HK-VATP-01',
    side: sequence % 2 === 0 ? 'buy' : 'sell',
    wallet: `segregated-cold-${String(stream % 64).padStart(2, '0')}`,
    occurredAt: new Date(Date.UTC(2025, 0, 1) + sequence * 1_000).toISOString(),
  };
}

function newEvent(sequence: number, stream: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: EVENT_TYPES[sequence % EVENT_TYPES.length] ?? 'TradeSettled',
    schemaVersion: 1,
    data: eventData(sequence, stream),
    metadata: { correlationId: `bench-${Math.floor(sequence / BATCH_EVENTS)}`, actor: 'bench' },
  };
}

/** One append's worth of events (stream = sequence mod STREAMS), grouped by stream. */
function buildBatch(sequences: readonly number[]): {
  streams: number[];
  events: NewEvent[][];
  dataBytes: number;
} {
  const byStream = new Map<number, NewEvent[]>();
  let dataBytes = 0;
  for (const sequence of sequences) {
    const stream = sequence % STREAMS;
    const event = newEvent(sequence, stream);
    dataBytes += Buffer.byteLength(JSON.stringify(event.data));
    const list = byStream.get(stream);
    if (list === undefined) byStream.set(stream, [event]);
    else list.push(event);
  }
  return { streams: [...byStream.keys()], events: [...byStream.values()], dataBytes };
}

async function assertDurable(db: TestDatabase): Promise<string> {
  const client = await db.pool.connect();
  try {
    const result = await client.query<{ synchronous_commit: string }>('show synchronous_commit');
    const fsync = await client.query<{ fsync: string }>('show fsync');
    const setting = result.rows[0]?.synchronous_commit;
    console.log(`synchronous_commit = ${setting}, fsync = ${fsync.rows[0]?.fsync}`);
    if (setting !== 'on')
      throw new Error(
        `benchmark must run durable: synchronous_commit is '${setting}', expected 'on'`,
      );
    if (fsync.rows[0]?.fsync !== 'on')
      throw new Error(`benchmark must run durable: fsync is '${fsync.rows[0]?.fsync}'`);
    return setting;
  } finally {
    client.release();
  }
}

/**
 * Concurrent writers, as a service with several command handlers has: each writer owns the
 * streams whose index modulo WRITERS is its own, so their expected versions never collide.
 * All batches are built before the clock starts; the clock is the wall time from the first
 * append to the last commit, every append one transaction with a durable commit.
 */
async function benchAppend(store: PostgresEventStore): Promise<AppendFigures> {
  const batchesByWriter: { streams: number[]; events: NewEvent[][] }[][] = Array.from(
    { length: WRITERS },
    () => [],
  );
  let dataBytes = 0;
  for (let writer = 0; writer < WRITERS; writer += 1) {
    const sequences: number[] = [];
    for (let sequence = 0; sequence < EVENTS; sequence += 1)
      if ((sequence % STREAMS) % WRITERS === writer) sequences.push(sequence);
    for (let start = 0; start < sequences.length; start += BATCH_EVENTS) {
      const batch = buildBatch(sequences.slice(start, start + BATCH_EVENTS));
      dataBytes += batch.dataBytes;
      batchesByWriter[writer]?.push(batch);
    }
  }
  const versions = new Array<bigint>(STREAMS).fill(0n);
  const writeAll = async (batches: { streams: number[]; events: NewEvent[][] }[]) => {
    for (const batch of batches) {
      const streamAppends: StreamAppend[] = batch.events.map((events, at) => {
        const current = versions[batch.streams[at] ?? -1] ?? 0n;
        return {
          streamId: streamId(batch.streams[at] ?? -1),
          expectedVersion: current === 0n ? 'no-stream' : current,
          events,
        };
      });
      const results = await store.append(streamAppends);
      for (const [at, result] of results.entries())
        versions[batch.streams[at] ?? -1] = result.nextExpectedVersion;
    }
  };
  const started = performance.now();
  await Promise.all(batchesByWriter.map(writeAll));
  const seconds = (performance.now() - started) / 1_000;
  return {
    events: EVENTS,
    streams: Math.min(STREAMS, EVENTS),
    batchEvents: BATCH_EVENTS,
    writers: WRITERS,
    appends: batchesByWriter.reduce((sum, batches) => sum + batches.length, 0),
    seconds,
    eventsPerSec: EVENTS / seconds,
    avgDataBytes: Math.round(dataBytes / EVENTS),
  };
}

/** One autocommit single-row INSERT per event, continuing the positions after the store's head. */
async function benchNaive(db: TestDatabase, store: PostgresEventStore): Promise<NaiveFigures> {
  const head = await store.headPosition();
  const naiveStreams = 100;
  const client = await db.pool.connect();
  try {
    const started = performance.now();
    for (let index = 0; index < NAIVE; index += 1) {
      const sequence = EVENTS + index;
      const stream = index % naiveStreams;
      await client.query(
        `insert into ${SCHEMA}.events
           (global_position, event_id, stream_id, stream_version, event_type, schema_version,
            data, metadata, recorded_at, previous_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          (head + BigInt(index) + 1n).toString(),
          randomUUID(),
          `naive-${streamId(stream)}`,
          Math.floor(index / naiveStreams) + 1,
          EVENT_TYPES[sequence % EVENT_TYPES.length],
          1,
          JSON.stringify(eventData(sequence, stream)),
          JSON.stringify({ correlationId: 'bench-naive', actor: 'bench' }),
          new Date(),
          randomBytes(32),
          randomBytes(32),
        ],
      );
    }
    const seconds = (performance.now() - started) / 1_000;
    return { events: NAIVE, seconds, eventsPerSec: NAIVE / seconds };
  } finally {
    client.release();
  }
}

async function benchReadAll(store: PostgresEventStore, expected: number): Promise<ReadFigures> {
  let after = 0n;
  let events = 0;
  let pages = 0;
  const started = performance.now();
  for (;;) {
    const page = await store.readAll({ after, maxCount: READ_PAGE_EVENTS });
    if (page.length === 0) break;
    pages += 1;
    for (const event of page) {
      if (event.globalPosition !== after + 1n) {
        throw new Error(
          `read-all out of order: expected position ${after + 1n}, got ${event.globalPosition}`,
        );
      }
      after = event.globalPosition;
    }
    events += page.length;
    if (page.length < READ_PAGE_EVENTS) break;
  }
  const seconds = (performance.now() - started) / 1_000;
  if (events !== expected)
    throw new Error(`read-all returned ${events} events, expected ${expected}`);
  return { events, pages, pageEvents: READ_PAGE_EVENTS, seconds, eventsPerSec: events / seconds };
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function main(): Promise<void> {
  const db = await createTestDatabase(DATABASE_PREFIX);
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => (dropped ??= db.drop());
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: dropping ${db.name}`);
    void drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let append: AppendFigures;
  let naive: NaiveFigures;
  let read: ReadFigures;
  let synchronousCommit: string;
  try {
    const store = new PostgresEventStore({ pool: db.pool, schema: SCHEMA });
    await store.migrate();
    synchronousCommit = await assertDurable(db);
    console.log(
      `database ${db.name}: ${EVENTS} events over ${Math.min(STREAMS, EVENTS)} streams, ${BATCH_EVENTS} events per append`,
    );

    append = await benchAppend(store);
    console.log(
      `append: ${append.events} events in ${append.seconds.toFixed(2)} s = ${Math.round(append.eventsPerSec)} events/s`,
    );

    naive = await benchNaive(db, store);
    console.log(
      `naive:  ${naive.events} events in ${naive.seconds.toFixed(2)} s = ${Math.round(naive.eventsPerSec)} events/s`,
    );

    read = await benchReadAll(store, EVENTS + NAIVE);
    console.log(
      `read:   ${read.events} events in ${read.seconds.toFixed(2)} s = ${Math.round(read.eventsPerSec)} events/s`,
    );
  } finally {
    await drop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  console.log(
    JSON.stringify({
      bench: 'event-store-read-all',
      eventsPerSec: round(read.eventsPerSec),
      events: read.events,
      pages: read.pages,
      pageEvents: read.pageEvents,
      seconds: round(read.seconds, 3),
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'event-store-append',
      eventsPerSec: round(append.eventsPerSec),
      naiveEventsPerSec: round(naive.eventsPerSec),
      ratio: round(append.eventsPerSec / naive.eventsPerSec, 1),
      events: append.events,
      streams: append.streams,
      batchEvents: append.batchEvents,
      writers: append.writers,
      appends: append.appends,
      avgDataBytes: append.avgDataBytes,
      seconds: round(append.seconds, 3),
      naiveEvents: naive.events,
      naiveSeconds: round(naive.seconds, 3),
      synchronousCommit,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
