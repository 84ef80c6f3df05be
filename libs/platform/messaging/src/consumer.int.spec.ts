import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEAD_LETTER_TOPIC, LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { createTestDatabase, readTopic, startKafkaTestBroker, type KafkaTestBroker, type TestDatabase } from '@custody/testing';
import { logLevel, Partitioners, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { InboxConsumer } from './consumer';
import { redriveDeadLetters } from './redrive';
import { createKafka } from './kafka';

const MESSAGES = 300;
const REDELIVERED = 60;
const WAIT_MS = 30_000;

function envelope(index: number) {
  return {
    eventId: randomUUID(),
    type: 'AmountBooked',
    schemaVersion: 1,
    streamId: `account-${index % 10}`,
    streamVersion: String(Math.floor(index / 10) + 1),
    occurredAt: '2026-11-22T00:00:00.000Z',
    causationId: null,
    correlationId: randomUUID(),
    data: { amountMinor: String(index + 1) },
  };
}

/**
 * Exactly-once effects over at-least-once delivery: the inbox and the handler's writes commit
 * together, so redelivered messages change nothing; bad messages go to dead letters with their
 * original bytes and the rest of the batch is applied.
 */
describe('inbox consumer (PostgreSQL + Kafka test broker)', () => {
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    await broker.command(`topic ${LEDGER_EVENTS_TOPIC} 3 3`);
    await broker.command(`topic ${DEAD_LETTER_TOPIC} 1 3`);
    kafka = createKafka({ clientId: 'consumer-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer({ idempotent: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await db.pool.query('create schema policy; create table policy.applied (event_id uuid not null, amount_minor numeric not null)');
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  it('given redelivered messages and poison in the middle, then every valid message is applied exactly once and the poison is dead-lettered with its original bytes', async () => {
    const valid = Array.from({ length: MESSAGES }, (_, index) => envelope(index));
    const notJson = Buffer.from('{"eventId": oops');
    const invalid = { ...envelope(999), streamVersion: '-3' };
    const values: Buffer[] = [
      ...valid.slice(0, MESSAGES / 2).map((message) => Buffer.from(JSON.stringify(message))),
      notJson,
      Buffer.from(JSON.stringify(invalid)),
      ...valid.slice(MESSAGES / 2).map((message) => Buffer.from(JSON.stringify(message))),
      ...valid.slice(0, REDELIVERED).map((message) => Buffer.from(JSON.stringify(message))), // at-least-once: again
    ];
    await producer.send({ topic: LEDGER_EVENTS_TOPIC, acks: -1, messages: values.map((value, index) => ({ key: `account-${index % 10}`, value })) });

    const consumer = new InboxConsumer({
      kafka,
      groupId: 'policy-ledger-projection',
      topics: [LEDGER_EVENTS_TOPIC],
      pool: db.pool,
      schema: 'policy',
      deadLetterProducer: producer,
      apply: async (messages, client) => {
        await client.query('insert into policy.applied (event_id, amount_minor) select * from unnest($1::uuid[], $2::numeric[])', [
          messages.map((message) => message.messageId),
          messages.map((message) => (message.value.data as { amountMinor: string }).amountMinor),
        ]);
      },
    });
    await consumer.migrate();
    await consumer.start();
    const expectedSum = BigInt((MESSAGES * (MESSAGES + 1)) / 2);
    const sum = async () => BigInt((await db.pool.query<{ total: string | null }>('select sum(amount_minor)::text as total from policy.applied')).rows[0]?.total ?? '0');
    for (let waitedMs = 0; (await sum()) < expectedSum && waitedMs < WAIT_MS; waitedMs += 100) await sleep(100);
    await sleep(500); // let the redelivered tail arrive too
    await consumer.stop();

    // offsets are committed after each batch: the group's position is the end of every partition
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: 'policy-ledger-projection', topics: [LEDGER_EVENTS_TOPIC] });
    const ends = await admin.fetchTopicOffsets(LEDGER_EVENTS_TOPIC);
    await admin.disconnect();
    const byPartition = (offsets: readonly { partition: number; offset: string }[]) =>
      Object.fromEntries(offsets.map(({ partition, offset }) => [partition, offset]));
    expect(byPartition(committed?.partitions ?? [])).toEqual(byPartition(ends));

    expect(await sum()).toBe(expectedSum); // the sum invariant: nothing lost, nothing twice (applied has no unique key: only the inbox dedupes)
    const inbox = await db.pool.query<{ count: string }>('select count(*) from policy.inbox');
    expect(Number(inbox.rows[0]?.count)).toBe(MESSAGES);

    const letters = await readDeadLetters(2);
    expect(letters.map((letter) => Buffer.from(letter.data.originalValueBase64, 'base64'))).toEqual(
      expect.arrayContaining([notJson, Buffer.from(JSON.stringify(invalid))]),
    );
    const byReason = new Map(letters.map((letter) => [letter.data.reasonCode, letter.data]));
    expect(byReason.get('NOT_JSON')).toMatchObject({ originalTopic: LEDGER_EVENTS_TOPIC, partition: expect.any(Number), offset: expect.stringMatching(/^\d+$/) });
    expect([...byReason.keys()].filter((code) => code !== 'NOT_JSON')).toHaveLength(1);
    expect(letters.find((letter) => letter.data.reasonCode !== 'NOT_JSON')?.data.reasonText).toMatch(/streamVersion/);
  });

  it('given the dead letters above, when re-driven after a fix, then their original bytes and keys are back on the original topic, once', async () => {
    const first = await redriveDeadLetters({ kafka, producer, originalTopic: LEDGER_EVENTS_TOPIC, groupId: 'redrive-test', idleMs: 2_000 });
    expect(first).toEqual({ redriven: 2, passedOver: 0, unreadable: 0, duplicates: 0 });
    const again = await redriveDeadLetters({ kafka, producer, originalTopic: LEDGER_EVENTS_TOPIC, groupId: 'redrive-test', idleMs: 2_000 });
    expect(again).toEqual({ redriven: 0, passedOver: 0, unreadable: 0, duplicates: 0 });

    const isRedriven = (message: KafkaMessage) => message.headers?.['x-redriven-dead-letter'] !== undefined;
    const redriven = (await readTopic(kafka, LEDGER_EVENTS_TOPIC, { until: (messages) => messages.filter(isRedriven).length >= 2, waitMs: WAIT_MS }))
      .filter(isRedriven)
      .map((message) => ({ key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0) }));
    expect(redriven.map((message) => message.value.toString())).toEqual(expect.arrayContaining(['{"eventId": oops', expect.stringContaining('"streamVersion":"-3"')]));
    expect(redriven.every((message) => /^account-\d$/.test(message.key))).toBe(true);
  }, 120_000);

  async function readDeadLetters(expected: number) {
    const messages = await readTopic(kafka, DEAD_LETTER_TOPIC, { until: (read) => read.length >= expected, waitMs: WAIT_MS });
    return messages.map(
      (message) =>
        JSON.parse(message.value?.toString() ?? '{}') as { data: { originalValueBase64: string; reasonCode: string; reasonText: string; originalTopic: string } },
    );
  }
});
