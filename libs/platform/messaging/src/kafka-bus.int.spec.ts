import { DEAD_LETTER_TOPIC, LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { createTestDatabase, readTopic, startKafkaTestBroker, TEST_CONSUMER_TUNING, type KafkaTestBroker, type TestDatabase } from '@custody/testing';
import { logLevel, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { describeMessageBusContract, waitFor } from './bus-contract.test-support';
import { createKafka, createOutboxProducer } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import { redriveDeadLetters } from './redrive';

const WAIT_MS = 30_000;

let db: TestDatabase;
let broker: KafkaTestBroker;
let kafka: Kafka;
let producer: Producer;

describeMessageBusContract(
  'Kafka (kafkajs against the test broker, PostgreSQL inbox)',
  async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    kafka = createKafka({ clientId: 'bus-contract', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = createOutboxProducer(kafka, { idempotent: false }); // the mock cannot serve idempotent producers
    await producer.connect();
    return {
      bus: new KafkaMessageBus({ kafka, producer, consumerTuning: TEST_CONSUMER_TUNING }),
      db,
      createTopic: async (topic, partitions) => void (await broker.command(`topic ${topic} ${partitions} 3`)),
    };
  },
  async () => {
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  },
  () => {
    it('given the inbox consumer above, then its group committed every partition up to the end', async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({ groupId: 'contract-projection', topics: [LEDGER_EVENTS_TOPIC] });
        const ends = await admin.fetchTopicOffsets(LEDGER_EVENTS_TOPIC);
        const byPartition = (offsets: readonly { partition: number; offset: string }[]) => Object.fromEntries(offsets.map(({ partition, offset }) => [partition, offset]));
        expect(byPartition(committed?.partitions ?? [])).toEqual(byPartition(ends));
      } finally {
        await admin.disconnect();
      }
    });

    it('given the broker refuses the group join with an error kafkajs does not retry, then the subscriber restarts its consumer and delivers every message', async () => {
      const topic = 'contract.restart';
      await broker.command(`topic ${topic} 1 3`);
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, index) => ({ key: 'k', value: String(index) })) });
      // kafkajs crashes its consumer on this and, the error being non-retriable, leaves it dead.
      await broker.command('errors JoinGroup 2 INVALID_SESSION_TIMEOUT');
      const restarts: number[] = [];
      const received: string[] = [];
      const subscriber = new KafkaMessageBus({ kafka, producer, consumerTuning: TEST_CONSUMER_TUNING }).subscriber('contract-restart', [topic], {
        onRestart: (_error, restart) => restarts.push(restart),
      });
      await subscriber.start(async (batch) => void received.push(...batch.messages.map((message) => message.value.toString())));
      try {
        await waitFor(() => received.length >= 20, 'the 20 messages after the restarts', WAIT_MS);
        expect(restarts.length).toBeGreaterThanOrEqual(2); // one per refused join (more if the mock refuses more)
        expect(received).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
      } finally {
        await subscriber.stop();
      }
    });

    it('given the dead letters above (decode, validation and handler refusals), when re-driven after a fix, then their original bytes and keys are back on the original topic, once', async () => {
      const first = await redriveDeadLetters({ kafka, producer, originalTopic: LEDGER_EVENTS_TOPIC, groupId: 'redrive-test', idleMs: 2_000, consumerTuning: TEST_CONSUMER_TUNING });
      expect(first).toMatchObject({ redriven: 3, passedOver: 0, unreadable: 0 });
      const again = await redriveDeadLetters({ kafka, producer, originalTopic: LEDGER_EVENTS_TOPIC, groupId: 'redrive-test', idleMs: 2_000, consumerTuning: TEST_CONSUMER_TUNING });
      expect(again).toEqual({ redriven: 0, passedOver: 0, unreadable: 0, duplicates: 0 });

      const isRedriven = (message: KafkaMessage) => message.headers?.['x-redriven-dead-letter'] !== undefined;
      const redriven = (await readTopic(kafka, LEDGER_EVENTS_TOPIC, { until: (messages) => messages.filter(isRedriven).length >= 3, waitMs: WAIT_MS }))
        .filter(isRedriven)
        .map((message) => ({ key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0) }));
      expect(redriven.map((message) => message.value.toString())).toEqual(expect.arrayContaining(['{"eventId": oops', expect.stringContaining('"streamVersion":"-3"'), expect.stringContaining('"type":"AmountDisputed"')]));
      expect(redriven.every((message) => /^account-\d$/.test(message.key))).toBe(true);
      // the dead-letter topic itself is untouched: history is not edited
      const letters = await readTopic(kafka, DEAD_LETTER_TOPIC, { until: (messages) => messages.length >= 3, waitMs: WAIT_MS });
      expect(letters.length).toBeGreaterThanOrEqual(3);
    }, 120_000);
  },
);
