/**
 * An inbox consumer as a real process, for the crash and rebalance tests: a service's consumer
 * group member that applies ledger envelopes to a read model (`<schema>.applied`, one row per
 * applied message and NO unique key, so only the inbox stands between a redelivery and a
 * double effect).
 *
 *   node -r @swc-node/register inbox-consumer-process.test-support.ts
 *
 * Environment: KAFKA_BROKERS (comma-separated), DATABASE_URL, TOPIC, GROUP_ID, SCHEMA,
 * MEMBER (a name written with each applied row), MAX_BYTES_PER_PARTITION (small: many small
 * batches), and optionally CRASH_AFTER_BATCHES=N: after the N-th batch's transaction has
 * committed and BEFORE the bus commits its offsets, the process SIGKILLs itself (the widest
 * window for a redelivery).
 *
 * stdout, one line each: `STARTED`, then `BATCH <partition> <first offset> <messages>` after
 * each batch's transaction committed, `RESTART <n> <error>` when the Kafka client is restarted. SIGTERM stops gracefully (leave the group, exit 0).
 */
import { LEDGER_EVENTS_TOPIC, type Topic } from '@custody/contracts';
import { TEST_CONSUMER_TUNING } from '@custody/testing';
import { logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { InboxConsumer } from './consumer';
import { createKafka, createOutboxProducer } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import type { MessageBus } from './ports';

const POOL_CONNECTIONS_MAX = 4;

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

/** The bus, with a hook after each handled batch (the transaction is committed, the offsets are not). */
function observed(
  bus: MessageBus,
  afterBatch: (partition: number, firstOffset: string, messages: number) => void,
): MessageBus {
  return {
    publisher: bus.publisher,
    subscriber(groupId, topics, options) {
      const inner = bus.subscriber(groupId, topics, options);
      return {
        groupId,
        start: (handler) =>
          inner.start(async (batch, control) => {
            await handler(batch, control);
            afterBatch(batch.partition, batch.messages[0]?.offset ?? '', batch.messages.length);
          }),
        stop: () => inner.stop(),
      };
    },
  };
}

async function main(): Promise<void> {
  const schema = setting('SCHEMA');
  const member = setting('MEMBER');
  const crashAfterBatches =
    process.env['CRASH_AFTER_BATCHES'] === undefined
      ? undefined
      : Number(process.env['CRASH_AFTER_BATCHES']);
  const pool = new Pool({ connectionString: setting('DATABASE_URL'), max: POOL_CONNECTIONS_MAX });
  const kafka = createKafka({
    clientId: `inbox-consumer-${member}`,
    brokers: setting('KAFKA_BROKERS').split(','),
    logLevel: process.env['KAFKAJS_LOG'] === 'debug' ? logLevel.INFO : logLevel.NOTHING,
  });
  const producer = createOutboxProducer(kafka, { idempotent: false }); // dead letters; the mock cannot serve idempotence
  await producer.connect();
  const kafkaBus = new KafkaMessageBus({
    kafka,
    producer,
    // Short session timeout: a killed member is dropped from the group in seconds.
    consumerTuning: {
      ...TEST_CONSUMER_TUNING,
      maxBytesPerPartition: Number(setting('MAX_BYTES_PER_PARTITION')),
    },
  });
  let batches = 0;
  const bus = observed(kafkaBus, (partition, firstOffset, messages) => {
    batches += 1;
    process.stdout.write(`BATCH ${partition} ${firstOffset} ${messages}\n`); // synchronous on a pipe
    if (batches === crashAfterBatches) process.kill(process.pid, 'SIGKILL');
  });
  const consumer = new InboxConsumer({
    bus,
    groupId: setting('GROUP_ID'),
    topics: [(process.env['TOPIC'] ?? LEDGER_EVENTS_TOPIC) as Topic],
    pool,
    schema,
    onRestart: (error, restart) =>
      process.stdout.write(`RESTART ${restart} ${(error as Error).message}\n`),
    apply: async (messages, client) => {
      await client.query(
        `insert into ${schema}.applied (event_id, amount_minor, member) select a, b, $3 from unnest($1::uuid[], $2::numeric[]) as t(a, b)`,
        [
          messages.map((message) => message.messageId),
          messages.map((message) => (message.value.data as { amountMinor: string }).amountMinor),
          member,
        ],
      );
    },
  });
  await consumer.migrate();
  process.once('SIGTERM', () => {
    void (async () => {
      await consumer.stop();
      await producer.disconnect();
      await pool.end();
      process.exit(0);
    })();
  });
  await consumer.start();
  process.stdout.write('STARTED\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
