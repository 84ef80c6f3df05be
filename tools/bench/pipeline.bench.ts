/**
 * End-to-end benchmark of the messaging pipeline: event store -> outbox relay -> Kafka ->
 * inbox consumer -> read model.
 *
 *   npm run bench:pipeline                        # full run (100,000 events)
 *   BENCH_EVENTS=10000 npm run bench:pipeline     # quick smoke run
 *
 * In one fresh database (dropped at the end, also on failure or Ctrl-C) and one Kafka test
 * broker (librdkafka's mock cluster, 3 brokers, stopped at the end) it measures:
 *   1. the pipeline, three processes running at once (this file, the two services forked
 *      from it with BENCH_PIPELINE_ROLE set):
 *      - the appender (this process), as the ledger's command handlers: EVENTS events through
 *        `store.append`, APPEND_BATCH_EVENTS per durable append, paced at APPEND_RATE;
 *      - the ledger's outbox: the real `OutboxRelay` tails the store and publishes through
 *        `KafkaMessageBus` (acks from every replica; non-idempotent producer, see below);
 *      - a projection service: the real `InboxConsumer` applies each batch to a per-stream
 *        balance table (one upsert per batch, sum of amounts) in the transaction that writes
 *        its inbox rows.
 *      Throughput = EVENTS / (first append start -> commit of the last event's apply).
 *      Latency of an event = its append commit -> the commit of the transaction that applied
 *      it, split into append -> published and published -> applied (all on CLOCK_MONOTONIC
 *      via process.hrtime, which the processes share);
 *   2. a naive baseline: a plain kafkajs consumer, `eachMessage`, one database transaction
 *      per message (inbox row + balance upsert), over NAIVE_MESSAGES messages a producer put
 *      on a separate topic beforehand (the same envelopes). Its clock runs from the first
 *      message handed to it to the last commit (its group join is not billed to it).
 * Before the pipeline's clock starts, the consumer has joined its group and WARM_UP_EVENTS
 * events have gone the whole way at the same pace (steady state, see WARM_UP_EVENTS_DEFAULT).
 * Every transaction commits with synchronous_commit = on, asserted on every pool. At the end
 * both read models are checked (balance sum = sum appended, balance events = inbox rows =
 * events sent), else the run fails. Besides latency legs it reports, for the timed window,
 * the CPU seconds of each process, of this database's PostgreSQL backends and of the broker.
 * Limits of the mock broker: producers cannot be idempotent; each Fetch returns at most one
 * produced batch per partition (so a consumer batch is a relay batch / partitions), an empty
 * Fetch waits the whole maxWaitTimeInMs, and a partition keeps only 5 MiB: a consumer lagging
 * further behind silently loses messages (offset out of range), which the final check reports.
 * The last line printed is JSON: {"bench":"pipeline","eventsPerSec",...}; detail lines before it.
 *
 * Defaults were tuned on the 2-core development box (2026-11-24; several runs each, other
 * test suites running at times): the run is CPU-bound, ~105 us of CPU per event over appender
 * (~19), relay (~31), projection (~23) and PostgreSQL (~31), so about 19,000 events/s is the
 * ceiling with nothing idle. 16,000 events/s keeps up with p99 ~150-250 ms; 17,000 to 18,000
 * sometimes builds a backlog (p99 0.3-1.2 s); 20,000 saturates both cores (p99 ~0.5-1 s).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import {
  APPEND_EVENTS_MAX,
  PostgresEventStore,
  READ_PAGE_EVENTS_MAX,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
} from '@custody/event-store';
import {
  createKafka,
  createOutboxProducer,
  InboxConsumer,
  KafkaMessageBus,
  OutboxRelay,
  toEnvelope,
  type ConsumedMessage,
  type InboundBatch,
  type KafkaConsumerTuning,
  type MessageBus,
} from '@custody/messaging';
import { createTestDatabase, startKafkaTestBroker, type TestDatabase } from '@custody/testing';
import {
  logLevel,
  Partitioners,
  type Consumer,
  type Kafka,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import { Pool, type PoolClient } from 'pg';
import {
  assertDurable,
  nonNegativeIntegerFromEnv,
  nowMs,
  percentiles,
  positiveIntegerFromEnv,
  round,
  type Percentiles,
} from './bench-env';

/** Events appended and carried through the pipeline (override with BENCH_EVENTS for a smoke run). */
const EVENTS_DEFAULT = 100_000;
/** Streams the events are spread over, round-robin; the stream id is the Kafka key. */
const STREAMS = 10_000;
/**
 * Events per `store.append` call (one transaction, one durable commit). BENCH_APPEND_BATCH_EVENTS.
 * Each append becomes one relay batch while the relay keeps up, so this sets the batch sizes
 * downstream: at 16,000/s, 1,000 and 1,500 gave p99 156-245 ms, 2,000 gave 210-300 ms.
 */
const APPEND_BATCH_EVENTS_DEFAULT = 1_500;
/**
 * Pace of the appender, events/s (BENCH_APPEND_RATE; 0 = as fast as the store goes). The
 * pipeline's throughput is this pace as long as it keeps up; beyond what it can carry a backlog
 * builds and latency measures the backlog, not the pipeline (see the header for the figures).
 */
const APPEND_RATE_DEFAULT = 16_000;
/**
 * Most events the relay reads and publishes per transaction (BENCH_RELAY_BATCH_EVENTS; the
 * library default is 500). It takes what has accumulated, so above an append's size the cap
 * only matters while it catches up. At 500 the consumer gets batches of ~83 events (one per
 * partition per publish), spends 50% more CPU and falls behind: p99 0.7-1.6 s at 16,000/s.
 */
const RELAY_BATCH_EVENTS_DEFAULT = 3_000;
/** Relay poll fallback; it wakes on the store's NOTIFY first. */
const RELAY_POLL_INTERVAL_MS = 100;
/**
 * Partitions of the pipeline's and the baseline's topic (BENCH_PARTITIONS). Every partition
 * costs the (sequential) consumer one transaction and one offset commit per relay batch; fewer
 * partitions mean fewer, bigger ones. At 16,000/s: 4 -> p99 ~290 ms, 6 -> 150-250 ms, 8 ->
 * 175 ms (one run; another one disturbed). The mock keeps 5 MiB a partition: ~7,500 messages.
 */
const PARTITIONS_DEFAULT = 6;
/** Replicas of each partition: every broker of the test cluster. */
const REPLICATION = 3;
/**
 * InboxConsumer instances of the projection service in one group (BENCH_CONSUMERS): 2 or 3
 * overlap the partitions' transactions but measured no better (the run is CPU-bound).
 */
const CONSUMERS_DEFAULT = 1;
/** Connections of the appender (one append at a time) and of the relay (its transaction, its LISTEN). */
const APPENDER_POOL_CONNECTIONS = 1;
const RELAY_POOL_CONNECTIONS = 2;
/**
 * Consumer settings. Short session/rebalance timeouts make the mock coordinator complete a
 * join in seconds (as in kafka-bus.int.spec.ts). The mock holds an empty Fetch for the whole
 * maxWaitTimeInMs (BENCH_MAX_WAIT_MS) even when data arrives meanwhile: 20 ms bounds that
 * delay; 5 ms measured worse (more empty fetches to pay for), 10 ms no better. One produced
 * batch per partition per Fetch makes maxBytesPerPartition moot above a relay batch's share.
 */
const CONSUMER_SESSION_TIMEOUT_MS = 6_000;
const CONSUMER_REBALANCE_TIMEOUT_MS = 3_000;
const CONSUMER_HEARTBEAT_INTERVAL_MS = 500;
const CONSUMER_MAX_WAIT_MS_DEFAULT = 20;
const CONSUMER_MAX_BYTES_PER_PARTITION_DEFAULT = 1_048_576;
const CONSUMER_MAX_BYTES = 10_485_760;
/**
 * Events sent through the whole pipeline, at the same pace, before the clock starts
 * (BENCH_WARM_UP_EVENTS): the group has joined, every partition has been fetched, the JIT has
 * compiled the hot paths and the accounts exist, as in a running service. Cold (a handful of
 * warm-up events) the first ~5 s run at a fraction of the pace, the backlog peaks at 1.4 s and
 * p99 is 1 to 1.5 s at 12,000/s, against 170 ms warm.
 */
const WARM_UP_EVENTS_DEFAULT = 10_000;
/** Messages of the naive baseline (fewer when EVENTS is smaller). */
const NAIVE_MESSAGES = 5_000;
/** Longest the pipeline or the baseline may take to apply everything before the run fails. */
const DRAIN_TIMEOUT_MS = 180_000;
/** Longest a service may take to start (the consumer: to join), and the warm-up to arrive. */
const START_TIMEOUT_MS = 60_000;
/** Longest a service may take to stop before it is killed. */
const STOP_TIMEOUT_MS = 15_000;
const DATABASE_PREFIX = 'custody_bench';
/** The writing service's event store and the consuming services' read models. */
const STORE_SCHEMA = 'ledger';
const PROJECTION_SCHEMA = 'projection';
const NAIVE_SCHEMA = 'naive';
const NAIVE_TOPIC = 'bench.naive.v1';
const PROJECTION_GROUP = 'bench-projection';
const NAIVE_GROUP = 'bench-naive';
/** Set in a child process: it then runs that service (relay or projection) instead of the benchmark. */
const ROLE_ENV = 'BENCH_PIPELINE_ROLE';

const ASSETS = ['BTC', 'ETH', 'USDC', 'USDT', 'SOL'] as const;
const EVENT_TYPES = ['ClientAssetDeposited', 'ClientAssetWithdrawn', 'TradeSettled'] as const;

const EVENTS = positiveIntegerFromEnv('BENCH_EVENTS', EVENTS_DEFAULT);
const NAIVE = Math.min(NAIVE_MESSAGES, EVENTS);
const APPEND_BATCH_EVENTS = positiveIntegerFromEnv(
  'BENCH_APPEND_BATCH_EVENTS',
  APPEND_BATCH_EVENTS_DEFAULT,
);
const APPEND_RATE = nonNegativeIntegerFromEnv('BENCH_APPEND_RATE', APPEND_RATE_DEFAULT);
const RELAY_BATCH_EVENTS = positiveIntegerFromEnv(
  'BENCH_RELAY_BATCH_EVENTS',
  RELAY_BATCH_EVENTS_DEFAULT,
);
const PARTITIONS = positiveIntegerFromEnv('BENCH_PARTITIONS', PARTITIONS_DEFAULT);
const CONSUMERS = positiveIntegerFromEnv('BENCH_CONSUMERS', CONSUMERS_DEFAULT);
/** One connection per consumer instance at a time, one spare. */
const READER_POOL_CONNECTIONS = CONSUMERS + 1;
/** Warm-up events carry the negative sequences -1 .. -WARM_UP_EVENTS (a smoke run warms up less). */
const WARM_UP_EVENTS = positiveIntegerFromEnv(
  'BENCH_WARM_UP_EVENTS',
  Math.min(WARM_UP_EVENTS_DEFAULT, EVENTS),
);
const CONSUMER_TUNING: KafkaConsumerTuning = {
  sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
  rebalanceTimeout: CONSUMER_REBALANCE_TIMEOUT_MS,
  heartbeatInterval: CONSUMER_HEARTBEAT_INTERVAL_MS,
  minBytes: 1,
  maxWaitTimeInMs: positiveIntegerFromEnv('BENCH_MAX_WAIT_MS', CONSUMER_MAX_WAIT_MS_DEFAULT),
  maxBytesPerPartition: positiveIntegerFromEnv(
    'BENCH_MAX_BYTES_PER_PARTITION',
    CONSUMER_MAX_BYTES_PER_PARTITION_DEFAULT,
  ),
  maxBytes: CONSUMER_MAX_BYTES,
};
if (APPEND_BATCH_EVENTS > APPEND_EVENTS_MAX)
  throw new Error(
    `BENCH_APPEND_BATCH_EVENTS ${APPEND_BATCH_EVENTS} exceeds APPEND_EVENTS_MAX ${APPEND_EVENTS_MAX}`,
  );
if (RELAY_BATCH_EVENTS > READ_PAGE_EVENTS_MAX)
  throw new Error(
    `BENCH_RELAY_BATCH_EVENTS ${RELAY_BATCH_EVENTS} exceeds READ_PAGE_EVENTS_MAX ${READ_PAGE_EVENTS_MAX}`,
  );

/** The two services this benchmark runs as child processes (this file again, BENCH_PIPELINE_ROLE set). */
type ServiceRole = 'relay' | 'projection';

/** Parent -> service. */
type ToService =
  | { readonly kind: 'start'; readonly databaseUrl: string; readonly brokers: readonly string[] }
  | { readonly kind: 'stop' };

/** Service -> parent. */
type FromService =
  | { readonly kind: 'started'; readonly synchronousCommit: string }
  | { readonly kind: 'warmedUp' }
  | { readonly kind: 'published'; readonly publishedAt: Float64Array; readonly stats: RelayStats }
  | { readonly kind: 'applied'; readonly appliedAt: Float64Array; readonly stats: ConsumerStats }
  | { readonly kind: 'failed'; readonly error: string };

interface RelayStats {
  readonly batches: number;
  readonly batchAvg: number;
  readonly eventLoopUtilization: number;
}

interface ConsumerStats {
  readonly batches: number;
  readonly batchAvg: number;
  readonly batchMax: number;
  readonly eventLoopUtilization: number;
}

interface PipelineFigures {
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly appendSeconds: number;
  readonly appendEventsPerSec: number;
  readonly appends: number;
  /** Latency percentiles, ms: append commit -> apply commit, and its two legs. */
  readonly latencyMs: Percentiles;
  readonly appendToPublishedMs: Percentiles;
  readonly publishedToAppliedMs: Percentiles;
  readonly relay: RelayStats;
  readonly consumer: ConsumerStats;
  readonly appenderEventLoopUtilization: number;
  /** CPU seconds spent in the timed window by each party (PostgreSQL: this database's backends). */
  readonly cpuSeconds: {
    readonly appender: number;
    readonly relay: number;
    readonly projection: number;
    readonly postgres: number;
    readonly broker: number;
    /** Every process of the machine (2 cores: at most 2 s per second). */
    readonly machineBusy: number;
  };
}

interface NaiveFigures {
  readonly messages: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
}

function streamId(index: number): string {
  return `client-account-${String(index).padStart(6, '0')}`;
}

function amountMinor(sequence: number): bigint {
  return 1_000_000n + BigInt((Math.abs(sequence) * 7_919) % 987_654_321);
}

/** About 300 bytes of JSON, shaped like a custody ledger movement; `sequence` times it. */
function newEvent(sequence: number, stream: number): NewEvent {
  const magnitude = Math.abs(sequence);
  const asset = ASSETS[magnitude % ASSETS.length] ?? 'BTC';
  return {
    eventId: randomUUID(),
    type: EVENT_TYPES[magnitude % EVENT_TYPES.length] ?? 'TradeSettled',
    schemaVersion: 1,
    data: {
      sequence,
      clientId: `client-${String(stream).padStart(6, '0')}`,
      accountId: `acct-${String(stream).padStart(6, '0')}-${asset.toLowerCase()}`,
      asset,
      amountMinor: amountMinor(sequence).toString(),
      tradeId: randomUUID(),
      orderId: `ord-${String(magnitude).padStart(10, '0')}`,
      venue: 'HK-VATP-01',
      side: sequence % 2 === 0 ? 'buy' : 'sell',
      wallet: `segregated-cold-${String(stream % 64).padStart(2, '0')}`,
      occurredAt: new Date(Date.UTC(2025, 0, 1) + magnitude * 1_000).toISOString(),
    },
    metadata: { correlationId: randomUUID(), actor: 'bench' },
  };
}

/** Stream of an event: round-robin over STREAMS, the warm-up (negative sequences) likewise. */
function streamOf(sequence: number): number {
  return (sequence >= 0 ? sequence : -sequence - 1) % STREAMS;
}

interface AppendBatch {
  readonly streams: number[];
  readonly events: NewEvent[][];
  readonly sequences: number[];
}

/** One append's worth of events, grouped by stream. */
function buildBatch(sequences: readonly number[]): AppendBatch {
  const byStream = new Map<number, NewEvent[]>();
  for (const sequence of sequences) {
    const stream = streamOf(sequence);
    const list = byStream.get(stream);
    if (list === undefined) byStream.set(stream, [newEvent(sequence, stream)]);
    else list.push(newEvent(sequence, stream));
  }
  return {
    streams: [...byStream.keys()],
    events: [...byStream.values()],
    sequences: [...sequences],
  };
}

/** The sequences first .. first + count - 1 (or, for a negative step, first, first - 1, ...), in appends. */
function buildBatches(first: number, count: number, step: 1 | -1): AppendBatch[] {
  const batches: AppendBatch[] = [];
  for (let done = 0; done < count; done += APPEND_BATCH_EVENTS) {
    const size = Math.min(APPEND_BATCH_EVENTS, count - done);
    batches.push(
      buildBatch(Array.from({ length: size }, (_, index) => first + step * (done + index))),
    );
  }
  return batches;
}

/** Throws unless the warm-up's streams reach every partition (so every partition has been fetched). */
function assertWarmUpCoversPartitions(): void {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from(
    { length: PARTITIONS },
    (_, partitionId) => ({ partitionId, partitionErrorCode: 0, leader: 0, replicas: [], isr: [] }),
  );
  const reached = new Set<number>();
  for (let index = 0; index < Math.min(WARM_UP_EVENTS, STREAMS); index += 1) {
    reached.add(
      partitioner({
        topic: LEDGER_EVENTS_TOPIC,
        partitionMetadata,
        message: { key: streamId(index), value: null },
      }),
    );
  }
  if (reached.size < PARTITIONS)
    throw new Error(
      `the warm-up reaches ${reached.size} of ${PARTITIONS} partitions: raise BENCH_WARM_UP_EVENTS`,
    );
}

function sequenceOf(data: unknown): number {
  const sequence = (data as { sequence?: unknown } | null)?.sequence;
  if (typeof sequence !== 'number' || !Number.isInteger(sequence))
    throw new Error(`assertion: event without an integer sequence: ${JSON.stringify(data)}`);
  return sequence;
}

function amountOf(data: unknown): string {
  const amount = (data as { amountMinor?: unknown } | null)?.amountMinor;
  if (typeof amount !== 'string' || !/^\d{1,30}$/.test(amount))
    throw new Error(`assertion: event without an amountMinor: ${JSON.stringify(data)}`);
  return amount;
}

/** A per-stream balance table: the read model both consumers maintain. */
async function migrateBalances(pool: Pool, schema: string): Promise<void> {
  await pool.query(`create schema if not exists ${schema};
    create table if not exists ${schema}.balances (
      stream_id text primary key,
      balance_minor numeric not null,
      events bigint not null
    )`);
}

/** Checks a read model against what was sent: balance sum, events and inbox rows, else throws. */
async function verifyReadModel(
  pool: Pool,
  schema: string,
  inboxGroup: string,
  expected: { rows: number; sum: bigint },
): Promise<void> {
  const balances = await pool.query<{ sum: string | null; events: string | null }>(
    `select sum(balance_minor)::text as sum, sum(events)::text as events from ${schema}.balances`,
  );
  const inbox = await pool.query<{ count: string }>(
    `select count(*)::text as count from ${schema}.inbox where consumer_group = $1`,
    [inboxGroup],
  );
  const sum = BigInt(balances.rows[0]?.sum ?? '0');
  const events = Number(balances.rows[0]?.events ?? 0);
  const inboxRows = Number(inbox.rows[0]?.count ?? 0);
  if (sum !== expected.sum || events !== expected.rows || inboxRows !== expected.rows) {
    throw new Error(
      `${schema} read model is wrong: balance sum ${sum} (expected ${expected.sum}), events ${events} and inbox rows ${inboxRows} (expected ${expected.rows})`,
    );
  }
  console.log(
    `${schema}: verified ${inboxRows} inbox rows, ${events} events in balances, balance sum ${sum}`,
  );
}

/** CPU seconds (user + system) of processes by pid, from /proc; a vanished process counts 0. */
function cpuSecondsOf(pids: readonly number[]): Map<number, number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      seconds.set(pid, 0);
    }
  }
  return seconds;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const ticksPerSecond = 100;
  const cpu =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ??
    [];
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return (cpu.reduce((sum, value) => sum + value, 0) - idle) / ticksPerSecond;
}

/** Our child processes named like `name` (the broker launcher). */
function childPids(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return (
          command.startsWith(name) &&
          Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU counters at one moment: this database's backends, the broker, the two services, the machine. */
interface CpuSnapshot {
  readonly postgres: Map<number, number>;
  readonly broker: Map<number, number>;
  readonly relay: Map<number, number>;
  readonly projection: Map<number, number>;
  readonly machineBusy: number;
}

async function cpuSnapshot(
  pool: Pool,
  relayPid: number,
  projectionPid: number,
): Promise<CpuSnapshot> {
  const backends = await pool.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database()',
  );
  return {
    postgres: cpuSecondsOf(backends.rows.map((row) => row.pid)),
    broker: cpuSecondsOf(childPids('kafka-test-brok')),
    relay: cpuSecondsOf([relayPid]),
    projection: cpuSecondsOf([projectionPid]),
    machineBusy: machineBusySeconds(),
  };
}

function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, value] of after) seconds += value - (before.get(pid) ?? 0);
  return seconds;
}

/**
 * A MessageBus whose subscribers report each batch once the consumer's handler resolved, i.e.
 * after the InboxConsumer committed the batch's transaction (before the offset commit).
 */
function busReportingCommits(
  inner: MessageBus,
  onCommitted: (batch: InboundBatch) => void,
): MessageBus {
  return {
    publisher: inner.publisher,
    subscriber(groupId, topics, options) {
      const subscriber = inner.subscriber(groupId, topics, options);
      return {
        groupId: subscriber.groupId,
        start: (handler) =>
          subscriber.start(async (batch, control) => {
            await handler(batch, control);
            onCommitted(batch);
          }),
        stop: () => subscriber.stop(),
      };
    },
  };
}

/** Resolves once `done()` holds, checked on every `poke`; rejects after `timeoutMs`. */
function waiter(
  done: () => boolean,
  timeoutMs: number,
  what: () => string,
): { poke: () => void; promise: Promise<void>; cancel: () => void } {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
  const timer = setTimeout(
    () => reject(new Error(`timed out after ${timeoutMs} ms: ${what()}`)),
    timeoutMs,
  );
  const poke = () => {
    if (done()) {
      clearTimeout(timer);
      resolve();
    }
  };
  return { poke, promise, cancel: () => clearTimeout(timer) };
}

// ---------------------------------------------------------------------------------------------
// The two services (child processes)
// ---------------------------------------------------------------------------------------------

interface RunningService {
  readonly synchronousCommit: string;
  stop(): Promise<void>;
}

/**
 * The writing service's outbox: the real OutboxRelay over the store, publishing through
 * KafkaMessageBus. Stamps each event's publish time (acknowledged by every replica) and reports
 * them all once EVENTS events are published.
 */
async function startRelayService(
  start: Extract<ToService, { kind: 'start' }>,
  send: (message: FromService) => void,
): Promise<RunningService> {
  const pool = new Pool({ connectionString: start.databaseUrl, max: RELAY_POOL_CONNECTIONS });
  const store = new PostgresEventStore({ pool, schema: STORE_SCHEMA });
  const kafka = createKafka({
    clientId: 'bench-ledger-relay',
    brokers: start.brokers,
    logLevel: logLevel.ERROR,
  });
  const producer = createOutboxProducer(kafka, { idempotent: false }); // the mock cannot serve idempotent producers
  const publishedAt = new Float64Array(EVENTS).fill(Number.NaN);
  let published = 0;
  let batches = 0;
  let batchEvents = 0;
  let loopAtFirst: EventLoopUtilization | null = null;
  const relay = new OutboxRelay(store, {
    topic: LEDGER_EVENTS_TOPIC,
    publisher: new KafkaMessageBus({ kafka, producer }).publisher,
    batchEvents: RELAY_BATCH_EVENTS,
    pollIntervalMs: RELAY_POLL_INTERVAL_MS,
    onError: (error, attempt) => console.error(`relay: attempt ${attempt} failed:`, error),
    onPublished: (events: readonly RecordedEvent[]) => {
      const at = nowMs();
      const before = published;
      for (const event of events) {
        const sequence = sequenceOf(event.data);
        if (sequence >= 0 && Number.isNaN(publishedAt[sequence] ?? 0)) {
          publishedAt[sequence] = at;
          published += 1;
        }
      }
      if (published === before) return;
      loopAtFirst ??= performance.eventLoopUtilization();
      batches += 1;
      batchEvents += events.length;
      if (published === EVENTS) {
        send({
          kind: 'published',
          publishedAt,
          stats: {
            batches,
            batchAvg: batchEvents / batches,
            eventLoopUtilization: performance.eventLoopUtilization(loopAtFirst).utilization,
          },
        });
      }
    },
  });
  try {
    const synchronousCommit = await assertDurable(pool, 'relay pool');
    await producer.connect();
    relay.start();
    return {
      synchronousCommit,
      async stop() {
        await relay.stop();
        await producer.disconnect();
        await pool.end();
      },
    };
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    await pool.end();
    throw error;
  }
}

/**
 * The projection service: CONSUMERS InboxConsumer instances in one group, each batch applied
 * to projection.balances with its inbox rows. Stamps each event's apply-commit time and
 * reports them all once EVENTS events are applied.
 */
async function startProjectionService(
  start: Extract<ToService, { kind: 'start' }>,
  send: (message: FromService) => void,
): Promise<RunningService> {
  const pool = new Pool({ connectionString: start.databaseUrl, max: READER_POOL_CONNECTIONS });
  const kafka = createKafka({
    clientId: 'bench-projection',
    brokers: start.brokers,
    logLevel: logLevel.ERROR,
  });
  const producer = createOutboxProducer(kafka, { idempotent: false }); // for dead letters; the mock cannot serve idempotent producers
  const appliedAt = new Float64Array(EVENTS).fill(Number.NaN);
  let applied = 0;
  const warmedUp = new Uint8Array(WARM_UP_EVENTS);
  let warmUps = 0;
  let batches = 0;
  let consumed = 0;
  let batchMax = 0;
  let loopAtWarmUp = performance.eventLoopUtilization();
  /** Sequences of the transaction in flight, per topic/partition, until its commit is reported. */
  const inFlight = new Map<string, number[]>();

  const bus = busReportingCommits(
    new KafkaMessageBus({ kafka, producer, consumerTuning: CONSUMER_TUNING }),
    (batch) => {
      const partitionKey = `${batch.topic}/${batch.partition}`;
      const sequences = inFlight.get(partitionKey) ?? [];
      inFlight.delete(partitionKey);
      const committedAt = nowMs();
      const before = applied;
      for (const sequence of sequences) {
        if (sequence < 0) {
          if (warmedUp[-sequence - 1] === 1) continue;
          warmedUp[-sequence - 1] = 1;
          warmUps += 1;
          if (warmUps === WARM_UP_EVENTS) {
            loopAtWarmUp = performance.eventLoopUtilization();
            send({ kind: 'warmedUp' });
          }
        } else if (Number.isNaN(appliedAt[sequence] ?? 0)) {
          appliedAt[sequence] = committedAt;
          applied += 1;
        }
      }
      if (applied === before) return;
      batches += 1;
      consumed += batch.messages.length;
      batchMax = Math.max(batchMax, batch.messages.length);
      if (applied === EVENTS) {
        send({
          kind: 'applied',
          appliedAt,
          stats: {
            batches,
            batchAvg: consumed / batches,
            batchMax,
            eventLoopUtilization: performance.eventLoopUtilization(loopAtWarmUp).utilization,
          },
        });
      }
    },
  );

  const consumers = Array.from(
    { length: CONSUMERS },
    () =>
      new InboxConsumer({
        bus,
        groupId: PROJECTION_GROUP,
        topics: [LEDGER_EVENTS_TOPIC],
        pool,
        schema: PROJECTION_SCHEMA,
        onError: (error, attempt) =>
          console.error(`projection: batch attempt ${attempt} failed:`, error),
        apply: async (messages: readonly ConsumedMessage[], client: PoolClient) => {
          const streams: string[] = [];
          const amounts: string[] = [];
          const sequences: number[] = [];
          for (const message of messages) {
            streams.push(String(message.value['streamId']));
            amounts.push(amountOf(message.value.data));
            sequences.push(sequenceOf(message.value.data));
          }
          // Summed per stream first: one statement may not update the same row twice.
          await client.query(
            `insert into ${PROJECTION_SCHEMA}.balances (stream_id, balance_minor, events)
               select stream_id, sum(amount), count(*) from unnest($1::text[], $2::numeric[]) as moved(stream_id, amount) group by stream_id
             on conflict (stream_id) do update
               set balance_minor = balances.balance_minor + excluded.balance_minor, events = balances.events + excluded.events`,
            [streams, amounts],
          );
          const first = messages[0];
          if (first !== undefined) inFlight.set(`${first.topic}/${first.partition}`, sequences);
        },
      }),
  );
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.disconnect();
    await pool.end();
  };
  try {
    const synchronousCommit = await assertDurable(pool, 'projection pool');
    await migrateBalances(pool, PROJECTION_SCHEMA);
    await consumers[0]?.migrate();
    await producer.connect();
    // Each start() resolves once its consumer has joined the group: the join is not timed.
    await Promise.all(consumers.map((consumer) => consumer.start()));
    return { synchronousCommit, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** Body of a child process: start the service on 'start', stop it on 'stop' (or when the parent goes). */
async function runService(role: ServiceRole): Promise<void> {
  const send = (message: FromService): void => void process.send?.(message);
  const messages: ToService[] = [];
  let wake: () => void = () => undefined;
  process.on('message', (message: ToService) => {
    messages.push(message);
    wake();
  });
  const next = async <K extends ToService['kind']>(
    kind: K,
  ): Promise<Extract<ToService, { kind: K }>> => {
    for (;;) {
      const index = messages.findIndex((message) => message.kind === kind);
      if (index >= 0) return messages.splice(index, 1)[0] as Extract<ToService, { kind: K }>;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const start = await next('start');
  const service =
    role === 'relay'
      ? await startRelayService(start, send)
      : await startProjectionService(start, send);
  try {
    send({ kind: 'started', synchronousCommit: service.synchronousCommit });
    await next('stop');
  } finally {
    await service.stop();
  }
}

/** The parent's handle on a service process: typed messages; any wait fails when it exits. */
class ServiceProcess {
  private readonly child: ChildProcess;
  private readonly received: FromService[] = [];
  private readonly listeners = new Set<() => void>();
  private exitError: Error | null = null;

  constructor(readonly role: ServiceRole) {
    this.child = fork(__filename, [], {
      env: { ...process.env, [ROLE_ENV]: role },
      serialization: 'advanced',
      stdio: 'inherit',
    });
    this.child.on('message', (message: FromService) => {
      if (message.kind === 'failed')
        this.exitError ??= new Error(`${role} service failed: ${message.error}`);
      else this.received.push(message);
      for (const listener of [...this.listeners]) listener();
    });
    this.child.on('exit', (code, signal) => {
      this.exitError ??= new Error(`${role} service exited (code ${code}, signal ${signal})`);
      for (const listener of [...this.listeners]) listener();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(message: ToService): void {
    this.child.send(message);
  }

  /** The next message of `kind` (or one that came already); rejects on failure, exit or timeout. */
  next<K extends FromService['kind']>(
    kind: K,
    timeoutMs: number,
  ): Promise<Extract<FromService, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.received.findIndex((message) => message.kind === kind);
        if (index >= 0) finish(null, this.received.splice(index, 1)[0]);
        else if (this.exitError !== null) finish(this.exitError);
      };
      const timer = setTimeout(
        () =>
          finish(new Error(`no '${kind}' from the ${this.role} service within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error: Error | null, message?: FromService) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error === null) resolve(message as Extract<FromService, { kind: K }>);
        else reject(error);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Asks it to stop; kills it when it does not exit in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    if (this.child.connected) this.send({ kind: 'stop' });
    else this.child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// The appender and the measurement (parent process)
// ---------------------------------------------------------------------------------------------

interface Harness {
  readonly db: TestDatabase;
  readonly store: PostgresEventStore;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly relay: ServiceProcess;
  readonly projection: ServiceProcess;
}

async function benchPipeline(
  harness: Harness,
): Promise<{ figures: PipelineFigures; expectedSum: bigint }> {
  const { db, store, relay, projection } = harness;
  assertWarmUpCoversPartitions();
  const warmUpBatches = buildBatches(-1, WARM_UP_EVENTS, -1);
  const timedBatches = buildBatches(0, EVENTS, 1);
  let expectedSum = 0n;
  for (let sequence = -WARM_UP_EVENTS; sequence < EVENTS; sequence += 1)
    expectedSum += amountMinor(sequence);

  const versions = new Array<bigint>(STREAMS).fill(0n);
  /** Appends the batches at APPEND_RATE (each one transaction); calls back after each commit. */
  const appendPaced = async (
    batches: readonly AppendBatch[],
    onCommitted: (batch: AppendBatch, at: number) => void,
  ): Promise<void> => {
    const started = nowMs();
    for (const [index, batch] of batches.entries()) {
      if (APPEND_RATE > 0) {
        const waitMs = started + ((index * APPEND_BATCH_EVENTS) / APPEND_RATE) * 1_000 - nowMs();
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      const streamAppends: StreamAppend[] = batch.events.map((events, at) => {
        const current = versions[batch.streams[at] ?? -1] ?? 0n;
        return {
          streamId: streamId(batch.streams[at] ?? -1),
          expectedVersion: current === 0n ? 'no-stream' : current,
          events,
        };
      });
      const results = await store.append(streamAppends);
      onCommitted(batch, nowMs());
      for (const [at, result] of results.entries())
        versions[batch.streams[at] ?? -1] = result.nextExpectedVersion;
    }
  };

  const warmUpStarted = nowMs();
  await appendPaced(warmUpBatches, () => undefined);
  await projection.next('warmedUp', START_TIMEOUT_MS);
  console.log(
    `warm-up: ${WARM_UP_EVENTS} events relayed and applied in ${Math.round(nowMs() - warmUpStarted)} ms (not timed)`,
  );

  const appendedAt = new Float64Array(EVENTS).fill(Number.NaN);
  const loopBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const snapshotBefore = await cpuSnapshot(db.pool, relay.pid, projection.pid);
  const published = relay.next('published', DRAIN_TIMEOUT_MS);
  const applied = projection.next('applied', DRAIN_TIMEOUT_MS);
  // Awaited below; a failure while appending must not surface as an unhandled rejection first.
  published.catch(() => undefined);
  applied.catch(() => undefined);
  const started = nowMs();
  await appendPaced(timedBatches, (batch, at) => {
    for (const sequence of batch.sequences) appendedAt[sequence] = at;
  });
  const appendSeconds = (nowMs() - started) / 1_000;
  const appenderLoop = performance.eventLoopUtilization(loopBefore);
  const appenderCpu = process.cpuUsage(cpuBefore);
  const [{ publishedAt, stats: relayStats }, { appliedAt, stats: consumerStats }] =
    await Promise.all([published, applied]);
  const snapshotAfter = await cpuSnapshot(db.pool, relay.pid, projection.pid);
  const finished = appliedAt.reduce((latest, at) => Math.max(latest, at), Number.NEGATIVE_INFINITY);
  const seconds = (finished - started) / 1_000;

  const latency = new Float64Array(EVENTS);
  const relayLeg = new Float64Array(EVENTS);
  const consumerLeg = new Float64Array(EVENTS);
  for (let sequence = 0; sequence < EVENTS; sequence += 1) {
    const append = appendedAt[sequence] ?? Number.NaN;
    const publish = publishedAt[sequence] ?? Number.NaN;
    const apply = appliedAt[sequence] ?? Number.NaN;
    latency[sequence] = apply - append;
    relayLeg[sequence] = publish - append;
    consumerLeg[sequence] = apply - publish;
  }
  if (latency.some(Number.isNaN) || relayLeg.some(Number.isNaN))
    throw new Error('assertion: an event lacks its append, publish or apply time');
  const figures: PipelineFigures = {
    seconds,
    eventsPerSec: EVENTS / seconds,
    appendSeconds,
    appendEventsPerSec: EVENTS / appendSeconds,
    appends: timedBatches.length,
    latencyMs: percentiles(latency),
    appendToPublishedMs: percentiles(relayLeg),
    publishedToAppliedMs: percentiles(consumerLeg),
    relay: relayStats,
    consumer: consumerStats,
    appenderEventLoopUtilization: appenderLoop.utilization,
    cpuSeconds: {
      appender: round((appenderCpu.user + appenderCpu.system) / 1e6, 2),
      relay: round(cpuBetween(snapshotBefore.relay, snapshotAfter.relay), 2),
      projection: round(cpuBetween(snapshotBefore.projection, snapshotAfter.projection), 2),
      postgres: round(cpuBetween(snapshotBefore.postgres, snapshotAfter.postgres), 2),
      broker: round(cpuBetween(snapshotBefore.broker, snapshotAfter.broker), 2),
      machineBusy: round(snapshotAfter.machineBusy - snapshotBefore.machineBusy, 2),
    },
  };
  return { figures, expectedSum };
}

/** A plain kafkajs consumer: eachMessage, one transaction per message (inbox row + balance upsert). */
async function benchNaive(
  harness: Harness,
): Promise<{ figures: NaiveFigures; expectedSum: bigint }> {
  const { db, store, kafka, producer } = harness;
  await migrateBalances(db.pool, NAIVE_SCHEMA);
  await db.pool.query(
    `create table ${NAIVE_SCHEMA}.inbox (consumer_group text not null, message_id text not null, primary key (consumer_group, message_id))`,
  );
  // The same envelopes the relay published, put on the baseline's topic before its consumer starts.
  const events: RecordedEvent[] = [];
  for (let after = 0n; events.length < NAIVE;) {
    const page = await store.readAll({ after, maxCount: READ_PAGE_EVENTS_MAX });
    if (page.length === 0)
      throw new Error(`assertion: ${events.length} events for the baseline, expected ${NAIVE}`);
    events.push(
      ...page.filter((event) => sequenceOf(event.data) >= 0).slice(0, NAIVE - events.length),
    );
    after = page.at(-1)?.globalPosition ?? after;
  }
  let expectedSum = 0n;
  for (const event of events) expectedSum += BigInt(amountOf(event.data));
  await producer.connect();
  for (let first = 0; first < events.length; first += RELAY_BATCH_EVENTS) {
    const messages = events
      .slice(first, first + RELAY_BATCH_EVENTS)
      .map((event) => ({ key: event.streamId, value: JSON.stringify(toEnvelope(event)) }));
    await producer.send({ topic: NAIVE_TOPIC, acks: -1, messages });
  }

  const client = await db.pool.connect();
  const consumer: Consumer = kafka.consumer({ ...CONSUMER_TUNING, groupId: NAIVE_GROUP });
  let handled = 0;
  let started = Number.NaN;
  let finished = Number.NaN;
  const done = waiter(
    () => handled === NAIVE,
    DRAIN_TIMEOUT_MS,
    () => `${handled} of ${NAIVE} naive messages applied`,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: NAIVE_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (Number.isNaN(started)) started = nowMs();
        const envelope = JSON.parse(message.value?.toString('utf8') ?? 'null') as {
          eventId: string;
          streamId: string;
          data: unknown;
        };
        await client.query('begin');
        try {
          const inserted = await client.query(
            `insert into ${NAIVE_SCHEMA}.inbox (consumer_group, message_id) values ($1, $2) on conflict do nothing`,
            [NAIVE_GROUP, envelope.eventId],
          );
          if (inserted.rowCount === 1) {
            await client.query(
              `insert into ${NAIVE_SCHEMA}.balances (stream_id, balance_minor, events) values ($1, $2, 1)
               on conflict (stream_id) do update set balance_minor = balances.balance_minor + excluded.balance_minor, events = balances.events + 1`,
              [envelope.streamId, amountOf(envelope.data)],
            );
          }
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw error;
        }
        handled += 1;
        if (handled === NAIVE) finished = nowMs();
        done.poke();
      },
    });
    await done.promise;
  } finally {
    done.cancel();
    await consumer.disconnect();
    client.release();
  }
  const seconds = (finished - started) / 1_000;
  return { figures: { messages: NAIVE, seconds, eventsPerSec: NAIVE / seconds }, expectedSum };
}

async function main(): Promise<void> {
  const relay = new ServiceProcess('relay');
  const projection = new ServiceProcess('projection');
  const [createdDb, startedBroker] = await Promise.allSettled([
    createTestDatabase(DATABASE_PREFIX),
    startKafkaTestBroker(),
  ]);
  if (createdDb.status === 'rejected' || startedBroker.status === 'rejected') {
    await Promise.all([relay.stop(), projection.stop()]);
    if (startedBroker.status === 'fulfilled') await startedBroker.value.stop();
    if (createdDb.status === 'fulfilled') await createdDb.value.drop();
    throw createdDb.status === 'rejected'
      ? createdDb.reason
      : (startedBroker as PromiseRejectedResult).reason;
  }
  const [db, broker] = [createdDb.value, startedBroker.value];
  const appenderPool = new Pool({ connectionString: db.url, max: APPENDER_POOL_CONNECTIONS });
  const kafka = createKafka({
    clientId: 'bench-naive',
    brokers: broker.brokers,
    logLevel: logLevel.ERROR,
  });
  const producer = createOutboxProducer(kafka, { idempotent: false }); // the mock cannot serve idempotent producers
  let cleaned: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      await Promise.all([relay.stop(), projection.stop()]);
      await producer.disconnect().catch(() => undefined);
      await broker.stop();
      await appenderPool.end();
      await db.drop();
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: stopping the services and the broker, dropping ${db.name}`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let pipeline: PipelineFigures;
  let naive: NaiveFigures;
  try {
    await broker.command(`topic ${LEDGER_EVENTS_TOPIC} ${PARTITIONS} ${REPLICATION}`);
    await broker.command(`topic ${NAIVE_TOPIC} ${PARTITIONS} ${REPLICATION}`);
    const store = new PostgresEventStore({ pool: appenderPool, schema: STORE_SCHEMA });
    await store.migrate();
    const durability = [
      await assertDurable(appenderPool, 'appender pool'),
      await assertDurable(db.pool, 'baseline pool'),
    ];
    for (const service of [relay, projection]) {
      service.send({ kind: 'start', databaseUrl: db.url, brokers: broker.brokers });
      durability.push((await service.next('started', START_TIMEOUT_MS)).synchronousCommit);
    }
    console.log(
      `synchronous_commit = ${durability.join(', ')} (appender, baseline, relay, projection pools); fsync = on`,
    );
    console.log(
      `database ${db.name}: ${EVENTS} events over ${Math.min(STREAMS, EVENTS)} streams, ${APPEND_BATCH_EVENTS} per append at ` +
        `${APPEND_RATE === 0 ? 'full speed' : `${APPEND_RATE} events/s`}, relay batches <= ${RELAY_BATCH_EVENTS}, ${PARTITIONS} partitions, ${CONSUMERS} consumer(s)`,
    );
    const harness: Harness = { db, store, kafka, producer, relay, projection };

    const run = await benchPipeline(harness);
    pipeline = run.figures;
    await Promise.all([relay.stop(), projection.stop()]);
    await verifyReadModel(db.pool, PROJECTION_SCHEMA, PROJECTION_GROUP, {
      rows: EVENTS + WARM_UP_EVENTS,
      sum: run.expectedSum,
    });
    console.log(
      `pipeline: ${EVENTS} events in ${pipeline.seconds.toFixed(2)} s = ${Math.round(pipeline.eventsPerSec)} events/s, p99 latency ${pipeline.latencyMs.p99} ms`,
    );

    const naiveRun = await benchNaive(harness);
    naive = naiveRun.figures;
    await verifyReadModel(db.pool, NAIVE_SCHEMA, NAIVE_GROUP, {
      rows: NAIVE,
      sum: naiveRun.expectedSum,
    });
    console.log(
      `naive:    ${naive.messages} messages in ${naive.seconds.toFixed(2)} s = ${Math.round(naive.eventsPerSec)} events/s`,
    );
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  console.log(
    JSON.stringify({
      bench: 'pipeline-settings',
      events: EVENTS,
      streams: Math.min(STREAMS, EVENTS),
      appendBatchEvents: APPEND_BATCH_EVENTS,
      appendRate: APPEND_RATE,
      relayBatchEvents: RELAY_BATCH_EVENTS,
      partitions: PARTITIONS,
      consumers: CONSUMERS,
      warmUpEvents: WARM_UP_EVENTS,
      maxWaitTimeInMs: CONSUMER_TUNING.maxWaitTimeInMs,
      maxBytesPerPartition: CONSUMER_TUNING.maxBytesPerPartition,
      synchronousCommit: 'on',
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'pipeline-detail',
      seconds: round(pipeline.seconds, 3),
      appendSeconds: round(pipeline.appendSeconds, 3),
      appendEventsPerSec: round(pipeline.appendEventsPerSec),
      appends: pipeline.appends,
      latencyMs: pipeline.latencyMs,
      appendToPublishedMs: pipeline.appendToPublishedMs,
      publishedToAppliedMs: pipeline.publishedToAppliedMs,
      relayBatches: pipeline.relay.batches,
      relayBatchAvg: round(pipeline.relay.batchAvg, 1),
      consumerBatches: pipeline.consumer.batches,
      consumerBatchAvg: round(pipeline.consumer.batchAvg, 1),
      consumerBatchMax: pipeline.consumer.batchMax,
      eventLoopUtilization: {
        appender: round(pipeline.appenderEventLoopUtilization, 3),
        relay: round(pipeline.relay.eventLoopUtilization, 3),
        projection: round(pipeline.consumer.eventLoopUtilization, 3),
      },
      cpuSeconds: pipeline.cpuSeconds,
      naiveMessages: naive.messages,
      naiveSeconds: round(naive.seconds, 3),
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'pipeline',
      eventsPerSec: round(pipeline.eventsPerSec),
      naiveEventsPerSec: round(naive.eventsPerSec),
      ratio: round(pipeline.eventsPerSec / naive.eventsPerSec, 1),
      p99LatencyMs: pipeline.latencyMs.p99,
    }),
  );
}

const role = process.env[ROLE_ENV];
if (role === 'relay' || role === 'projection') {
  // Never outlive the benchmark: when the channel to it closes (either side), this process ends.
  process.once('disconnect', () => process.exit(process.exitCode ?? 0));
  runService(role)
    .catch((error: unknown) => {
      process.exitCode = 1;
      process.send?.({
        kind: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies FromService);
    })
    .finally(() => process.disconnect());
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
