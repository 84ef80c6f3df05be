import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import {
  createTestDatabase,
  startKafkaTestBroker,
  type KafkaTestBroker,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';
import { createKafka, createOutboxProducer } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import { testEnvelope } from './bus-contract.test-support';
import type { MessagePublisher } from './ports';

/**
 * Shared by the crash and rebalance tests: consumer group members as real processes. Run a test
 * with KAFKAJS_LOG=debug to see each member's kafkajs log on stderr, prefixed with its name.
 */
const CONSUMER_SCRIPT = path.join(__dirname, 'inbox-consumer-process.test-support.ts');
const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
export const CONSUMER_START_TIMEOUT_MS = 30_000;
export const CONSUMER_STOP_TIMEOUT_MS = 15_000;
const PUBLISH_CHUNK_MESSAGES = 1_000;
/** Streams (keys) the envelopes are spread over: every partition gets some. */
const PUBLISH_STREAMS = 100;
const POLL_MS = 100;

export interface ConsumerProcess {
  readonly member: string;
  /** Messages handed to this member in batches whose transaction committed (duplicates included). */
  delivered(): number;
  batches(): number;
  /** Kafka client restarts after a crash kafkajs would not restart itself. */
  restarts(): number;
  exited(): boolean;
  /** Resolves on the process's exit with its signal or code. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  stderr(): string;
}

export interface ConsumerProcessOptions {
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly topic: string;
  readonly groupId: string;
  readonly schema: string;
  readonly member: string;
  readonly maxBytesPerPartition: number;
  readonly crashAfterBatches?: number;
}

/** Starts a member and resolves once it has joined (its `run` started). */
export async function startConsumerProcess(
  options: ConsumerProcessOptions,
): Promise<ConsumerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', CONSUMER_SCRIPT],
    {
      cwd: WORKSPACE_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        ...(process.env['KAFKAJS_LOG'] === undefined
          ? {}
          : { KAFKAJS_LOG: process.env['KAFKAJS_LOG'] }),
        KAFKA_BROKERS: options.brokers.join(','),
        DATABASE_URL: options.databaseUrl,
        TOPIC: options.topic,
        GROUP_ID: options.groupId,
        SCHEMA: options.schema,
        MEMBER: options.member,
        MAX_BYTES_PER_PARTITION: String(options.maxBytesPerPartition),
        ...(options.crashAfterBatches === undefined
          ? {}
          : { CRASH_AFTER_BATCHES: String(options.crashAfterBatches) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let started = false;
  let delivered = 0;
  let batches = 0;
  let restarts = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
    if (process.env['KAFKAJS_LOG'] !== undefined)
      process.stderr.write(`[${options.member}] ${chunk.toString()}`);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'STARTED') started = true;
    if (line.startsWith('RESTART ')) restarts += 1;
    const batch = /^BATCH \d+ \d+ (\d+)$/.exec(line);
    if (batch !== null) {
      batches += 1;
      delivered += Number(batch[1]);
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exited = false;
  void exit.then(() => (exited = true));
  const deadline = Date.now() + CONSUMER_START_TIMEOUT_MS;
  while (!started) {
    if (exited) throw new Error(`consumer ${options.member} exited before it started: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `consumer ${options.member} did not start within ${CONSUMER_START_TIMEOUT_MS} ms: ${stderr}`,
      );
    }
    await sleep(POLL_MS);
  }
  return {
    member: options.member,
    delivered: () => delivered,
    batches: () => batches,
    restarts: () => restarts,
    exited: () => exited,
    exit,
    kill: (signal) => void child.kill(signal),
    stderr: () => stderr,
  };
}

/** SIGTERM (leave the group after the batch in hand), SIGKILL when it does not exit in time. */
export async function stopConsumerProcess(consumer: ConsumerProcess): Promise<void> {
  if (consumer.exited()) return;
  consumer.kill('SIGTERM');
  const timer = setTimeout(() => consumer.kill('SIGKILL'), CONSUMER_STOP_TIMEOUT_MS);
  await consumer.exit;
  clearTimeout(timer);
}

/** The read model every member writes to: one row per applied message, no unique key. */
export async function createAppliedTable(db: TestDatabase, schema: string): Promise<void> {
  await db.pool.query(`create schema if not exists ${schema};
    create table ${schema}.applied (event_id uuid not null, amount_minor numeric not null, member text not null)`);
}

export interface AppliedTotals {
  readonly rows: number;
  readonly distinctEvents: number;
  readonly sumMinor: bigint;
  readonly members: readonly string[];
}

export async function appliedTotals(db: TestDatabase, schema: string): Promise<AppliedTotals> {
  const result = await db.pool.query<{
    rows: string;
    distinct_events: string;
    sum_minor: string | null;
    members: string[] | null;
  }>(
    `select count(*) as rows, count(distinct event_id) as distinct_events, sum(amount_minor)::text as sum_minor,
            array_agg(distinct member) as members from ${schema}.applied`,
  );
  const row = result.rows[0];
  return {
    rows: Number(row?.rows ?? 0),
    distinctEvents: Number(row?.distinct_events ?? 0),
    sumMinor: BigInt(row?.sum_minor ?? '0'),
    members: row?.members ?? [],
  };
}

/** Publishes envelopes `from` .. `from + count - 1` (amounts index + 1) in chunks; returns their sum. */
export async function publishEnvelopes(
  publisher: MessagePublisher,
  topic: string,
  from: number,
  count: number,
): Promise<bigint> {
  let sum = 0n;
  for (let start = from; start < from + count; start += PUBLISH_CHUNK_MESSAGES) {
    const chunk = Array.from(
      { length: Math.min(PUBLISH_CHUNK_MESSAGES, from + count - start) },
      (_, offset) => testEnvelope(start + offset, PUBLISH_STREAMS),
    );
    await publisher.publish(
      topic,
      chunk.map((envelope) => ({ key: envelope.streamId, value: JSON.stringify(envelope) })),
    );
    for (const envelope of chunk) sum += BigInt(envelope.data.amountMinor);
  }
  return sum;
}

/** Poll interval for conditions that open an admin connection each time. */
export const ADMIN_POLL_MS = 500;

/**
 * Every partition's committed offset of the group is the partition's end: all was handled. A
 * transient admin error (the coordinator busy with a rebalance) counts as "not yet".
 */
export async function groupCaughtUp(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.every(
      ({ partition, offset }) =>
        committed?.partitions.find((entry) => entry.partition === partition)?.offset === offset,
    );
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface ReliabilityFixture {
  readonly db: TestDatabase;
  readonly broker: KafkaTestBroker;
  readonly kafka: Kafka;
  readonly publisher: MessagePublisher;
}

/**
 * Registers the suite's set-up and tear-down: a fresh database with `<schema>.applied`, a test
 * broker with the ledger topic in `partitions` partitions, and a publisher. Returns a getter.
 */
export function useReliabilityFixture(
  schema: string,
  partitions: number,
): () => ReliabilityFixture {
  let fixture: ReliabilityFixture | undefined;
  let producer: Producer | undefined;
  beforeAll(async () => {
    const [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    await broker.command(`topic ${LEDGER_EVENTS_TOPIC} ${partitions} 3`);
    const kafka = createKafka({
      clientId: `reliability-${schema}`,
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = createOutboxProducer(kafka, { idempotent: false }); // the mock cannot serve idempotence
    await producer.connect();
    await createAppliedTable(db, schema);
    fixture = { db, broker, kafka, publisher: new KafkaMessageBus({ kafka, producer }).publisher };
  });
  afterAll(async () => {
    await producer?.disconnect();
    await fixture?.broker.stop();
    await fixture?.db.drop();
  });
  return () => {
    if (fixture === undefined)
      throw new Error('assertion: the reliability fixture is used before beforeAll ran');
    return fixture;
  };
}
