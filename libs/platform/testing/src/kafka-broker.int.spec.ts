import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { startKafkaTestBroker, type KafkaTestBroker } from './kafka-broker';
import { readTopic } from './kafka-read';

const MESSAGES = 20;
const CONSUME_WAIT_MS = 20_000;

/**
 * The Kafka test broker (librdkafka's mock cluster behind tools/kafka-test-broker) speaks the
 * real protocol to kafkajs, and its fault commands reach the client.
 */
describe('Kafka test broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  const clients: (Producer | Admin)[] = [];

  beforeAll(async () => {
    broker = await startKafkaTestBroker();
    kafka = new Kafka({
      clientId: 'broker-test',
      brokers: [...broker.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 50 },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await broker.stop();
  });

  async function producer(): Promise<Producer> {
    // The mock has no controller (id 0), so no idempotent producer: at-least-once plus idempotent consumers.
    const created = kafka.producer({
      idempotent: false,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await created.connect();
    clients.push(created);
    return created;
  }

  async function consumeAll(topic: string, expected: number): Promise<string[]> {
    const messages = await readTopic(kafka, topic, {
      until: (read) => read.length >= expected,
      waitMs: CONSUME_WAIT_MS,
    });
    return messages.map((message) => message.value?.toString() ?? '');
  }

  it('starts three brokers on 127.0.0.1 and carries keyed messages from a producer to a consumer group', async () => {
    expect(broker.brokers).toHaveLength(3);
    for (const address of broker.brokers) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const topic = `t-${randomUUID()}`;
    await broker.command(`topic ${topic} 3 3`);
    const sent = Array.from({ length: MESSAGES }, (_, index) => `m-${index}`);
    await (
      await producer()
    ).send({
      topic,
      messages: sent.map((value, index) => ({ key: `stream-${index % 4}`, value })),
    });
    expect((await consumeAll(topic, MESSAGES)).sort()).toEqual([...sent].sort());
  });

  it('given injected produce errors, when a producer sends, then the client retries and the message arrives', async () => {
    const topic = `t-${randomUUID()}`;
    await broker.command(`topic ${topic} 1 3`);
    const send = await producer();
    // A non-retriable error shows the injection reaches the client...
    await broker.command('errors Produce 1 TOPIC_AUTHORIZATION_FAILED');
    await expect(send.send({ topic, messages: [{ key: 'k', value: 'refused' }] })).rejects.toThrow(
      /authori[sz]/i,
    );
    // ...and retriable ones are retried until the send goes through.
    await broker.command('errors Produce 3 NOT_LEADER_FOR_PARTITION');
    await send.send({ topic, messages: [{ key: 'k', value: 'after-errors' }] });
    expect(await consumeAll(topic, 1)).toEqual(['after-errors']);
  });

  it('given every broker down, then a send fails; given them up again, then it succeeds', async () => {
    const topic = `t-${randomUUID()}`;
    await broker.command(`topic ${topic} 1 3`);
    const send = await producer();
    await send.send({ topic, messages: [{ value: 'warm-up' }] });
    for (const id of [1, 2, 3]) await broker.command(`down ${id}`);
    const failing = kafka.producer({
      idempotent: false,
      retry: { retries: 1, initialRetryTime: 50 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    clients.push(failing);
    await expect(
      failing.connect().then(() => failing.send({ topic, messages: [{ value: 'while-down' }] })),
    ).rejects.toThrow();
    for (const id of [1, 2, 3]) await broker.command(`up ${id}`);
    await send.send({ topic, messages: [{ value: 'after-up' }] });
    expect(await consumeAll(topic, 2)).toEqual(['warm-up', 'after-up']);
  });

  it('refuses a malformed fault command with the reason', async () => {
    await expect(broker.command('down 9')).rejects.toThrow(/broker id must be 1..3/);
    await expect(broker.command('errors Produce 1 NO_SUCH_ERROR')).rejects.toThrow(
      /unknown error name/,
    );
  });

  it('known limit: admin createTopics fails against the mock (it names controller id 0); topics auto-create instead', async () => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    try {
      await expect(
        admin.createTopics({ topics: [{ topic: `t-${randomUUID()}` }], timeout: 2_000 }),
      ).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
  });
});
