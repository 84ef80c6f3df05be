import {
  describeWithContainers,
  startKafkaContainer,
  startPostgresContainer,
  TEST_CONSUMER_TUNING,
  type ContainerDatabase,
  type KafkaContainerHandle,
} from '@custody/testing';
import { logLevel, type Admin, type Kafka, type Producer } from 'kafkajs';
import { describeMessageBusContract } from './bus-contract.test-support';
import { createKafka, createOutboxProducer } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import {
  itCommittedEveryPartitionToTheEnd,
  itRedrivesDeadLettersOnce,
} from './kafka-bus-checks.test-support';

/**
 * The messaging contract against Apache Kafka itself, with the outbox producer as production
 * builds it: idempotent (the test broker of the int tier, librdkafka's mock, cannot serve
 * idempotent producers, so kafka-bus.int.spec.ts turns idempotence off). PostgreSQL, for the
 * inbox consumer, in a container too. Runs with `npm run test:containers` where a Docker engine
 * answers, and is reported as skipped, with the reason, where none does.
 */

// The first run pulls the Kafka and PostgreSQL images, and a KRaft broker takes a while to start:
// the setup hook needs minutes, not the 60 s of the other tiers.
const CONTAINERS_TIMEOUT_MS = 300_000;
jest.setTimeout(CONTAINERS_TIMEOUT_MS);

let kafkaContainer: KafkaContainerHandle | undefined;
let database: ContainerDatabase | undefined;
let kafka: Kafka;
let producer: Producer | undefined;
let admin: Admin | undefined;

async function startContainers(): Promise<{
  kafkaContainer: KafkaContainerHandle;
  database: ContainerDatabase;
}> {
  const [startedKafka, startedDatabase] = await Promise.allSettled([
    startKafkaContainer(),
    startPostgresContainer(),
  ]);
  if (startedKafka.status === 'fulfilled') kafkaContainer = startedKafka.value;
  if (startedDatabase.status === 'fulfilled') database = startedDatabase.value;
  if (startedKafka.status === 'rejected') throw startedKafka.reason;
  if (startedDatabase.status === 'rejected') throw startedDatabase.reason;
  return { kafkaContainer: startedKafka.value, database: startedDatabase.value };
}

describeWithContainers('messaging against Apache Kafka and PostgreSQL in containers', () => {
  describeMessageBusContract(
    'Kafka (kafkajs, idempotent producer, Apache Kafka in a container; PostgreSQL inbox in a container)',
    async () => {
      const started = await startContainers();
      // ERROR: kafkajs warns on every idempotent producer whose retries are bounded, as ours are on purpose (kafka.ts).
      kafka = createKafka({
        clientId: 'bus-contract-containers',
        brokers: started.kafkaContainer.brokers,
        logLevel: logLevel.ERROR,
      });
      producer = createOutboxProducer(kafka); // idempotent: the production default
      await producer.connect();
      admin = kafka.admin();
      await admin.connect();
      const topicAdmin = admin;
      return {
        bus: new KafkaMessageBus({ kafka, producer, consumerTuning: TEST_CONSUMER_TUNING }),
        db: started.database,
        // The broker creates no topic by itself (as in docker-compose.yml): each is made here.
        createTopic: async (topic, partitions) =>
          void (await topicAdmin.createTopics({
            waitForLeaders: true,
            topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
          })),
      };
    },
    async () => {
      await admin?.disconnect();
      await producer?.disconnect();
      await Promise.all([kafkaContainer?.stop(), database?.stop()]);
    },
    () => {
      it('given the outbox producer as production builds it, then it is idempotent and the broker acknowledges its batches from every in-sync replica', async () => {
        const idempotent = producer!;
        expect(idempotent.isIdempotent()).toBe(true);
        const topic = 'contract.idempotent';
        await admin!.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        });
        // An idempotent send first asks the broker for a producer id (InitProducerId): the request
        // librdkafka's mock cannot answer. Acks -1, which idempotence requires.
        const acknowledged = await idempotent.send({
          topic,
          acks: -1,
          messages: [
            { key: 'k', value: 'one' },
            { key: 'k', value: 'two' },
          ],
        });
        expect(acknowledged).toEqual([
          expect.objectContaining({
            topicName: topic,
            partition: 0,
            errorCode: 0,
            baseOffset: '0',
          }),
        ]);
      });

      itCommittedEveryPartitionToTheEnd(() => ({ kafka, producer: producer! }));
      itRedrivesDeadLettersOnce(() => ({ kafka, producer: producer! }));
    },
  );
});
