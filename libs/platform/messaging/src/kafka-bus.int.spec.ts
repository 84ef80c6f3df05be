import {
  createTestDatabase,
  startKafkaTestBroker,
  TEST_CONSUMER_TUNING,
  type KafkaTestBroker,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';
import { describeMessageBusContract, waitFor } from './bus-contract.test-support';
import { createKafka, createOutboxProducer } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import {
  itCommittedEveryPartitionToTheEnd,
  itRedrivesDeadLettersOnce,
} from './kafka-bus-checks.test-support';

const WAIT_MS = 30_000;

let db: TestDatabase;
let broker: KafkaTestBroker;
let kafka: Kafka;
let producer: Producer;

describeMessageBusContract(
  'Kafka (kafkajs against the test broker, PostgreSQL inbox)',
  async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    kafka = createKafka({
      clientId: 'bus-contract',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = createOutboxProducer(kafka, { idempotent: false }); // the mock cannot serve idempotent producers
    await producer.connect();
    return {
      bus: new KafkaMessageBus({ kafka, producer, consumerTuning: TEST_CONSUMER_TUNING }),
      db,
      createTopic: async (topic, partitions) =>
        void (await broker.command(`topic ${topic} ${partitions} 3`)),
    };
  },
  async () => {
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  },
  () => {
    itCommittedEveryPartitionToTheEnd(() => ({ kafka, producer }));

    it('given the broker refuses the group join with an error kafkajs does not retry, then the subscriber restarts its consumer and delivers every message', async () => {
      const topic = 'contract.restart';
      await broker.command(`topic ${topic} 1 3`);
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 20 }, (_, index) => ({ key: 'k', value: String(index) })),
      });
      // kafkajs crashes its consumer on this and, the error being non-retriable, leaves it dead.
      await broker.command('errors JoinGroup 2 INVALID_SESSION_TIMEOUT');
      const restarts: number[] = [];
      const received: string[] = [];
      const subscriber = new KafkaMessageBus({
        kafka,
        producer,
        consumerTuning: TEST_CONSUMER_TUNING,
      }).subscriber('contract-restart', [topic], {
        onRestart: (_error, restart) => restarts.push(restart),
      });
      await subscriber.start(
        async (batch) =>
          void received.push(...batch.messages.map((message) => message.value.toString())),
      );
      try {
        await waitFor(() => received.length >= 20, 'the 20 messages after the restarts', WAIT_MS);
        expect(restarts.length).toBeGreaterThanOrEqual(2); // one per refused join (more if the mock refuses more)
        expect(received).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
      } finally {
        await subscriber.stop();
      }
    });

    itRedrivesDeadLettersOnce(() => ({ kafka, producer }));
  },
);
