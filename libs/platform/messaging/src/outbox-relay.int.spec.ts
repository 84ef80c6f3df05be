import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEDGER_EVENTS_TOPIC, validateMessage } from '@custody/contracts';
import { PostgresEventStore, type NewEvent } from '@custody/event-store';
import {
  createTestDatabase,
  readTopic,
  startKafkaTestBroker,
  type KafkaTestBroker,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Kafka, type Producer } from 'kafkajs';
import { createKafka, createOutboxProducer, PRODUCER_RETRIES } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import { OutboxRelay } from './outbox-relay';

const STREAMS = 50;
const APPENDS_PER_ROUND = 10;
const EVENTS_PER_STREAM_PER_APPEND = 2;
const CATCH_UP_WAIT_MS = 25_000;
const CONSUME_WAIT_MS = 25_000;

/**
 * The outbox relay survives broker loss: with one broker of three down and produce errors
 * injected, it retries with backoff, and after recovery every stored event is on the topic
 * (duplicates allowed, gaps not), each a valid contract envelope, in stream order.
 */
describe('outbox relay (PostgreSQL + Kafka test broker)', () => {
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let store: PostgresEventStore;

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    await broker.command(`topic ${LEDGER_EVENTS_TOPIC} 3 3`);
    kafka = createKafka({
      clientId: 'relay-test',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = createOutboxProducer(kafka, { idempotent: false }); // the mock cannot serve idempotent producers
    await producer.connect();
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  /** 10 appends, each 2 events to each of the 50 streams: 1,000 events. */
  async function appendRound(round: number): Promise<void> {
    for (let append = 0; append < APPENDS_PER_ROUND; append += 1) {
      await store.append(
        Array.from({ length: STREAMS }, (_, stream) => ({
          streamId: `account-${stream}`,
          expectedVersion: 'any' as const,
          events: Array.from({ length: EVENTS_PER_STREAM_PER_APPEND }, (): NewEvent => ({
            eventId: randomUUID(),
            type: 'AmountBooked',
            schemaVersion: 1,
            data: { round, amountMinor: '100' },
            metadata: { correlationId: randomUUID() },
          })),
        })),
      );
    }
  }

  it('given one broker down and injected produce errors during relaying, then after recovery every event is published, in stream order, as a valid envelope', async () => {
    const errors: unknown[] = [];
    const relay = new OutboxRelay(store, {
      topic: LEDGER_EVENTS_TOPIC,
      publisher: new KafkaMessageBus({ kafka, producer }).publisher,
      batchEvents: 200,
      pollIntervalMs: 20,
      onError: (error) => errors.push(error),
    });
    await appendRound(1);
    relay.start();
    // More errors than kafkajs retries (PRODUCER_RETRIES): some sends fail, and the relay itself must retry.
    await broker.command(`errors Produce ${(PRODUCER_RETRIES + 1) * 4} NOT_LEADER_FOR_PARTITION`);
    await broker.command('down 2');
    await appendRound(2);
    await sleep(1_500);
    await broker.command('up 2');
    await appendRound(3);

    const head = await store.headPosition();
    for (
      let waitedMs = 0;
      (await relay.checkpoint()) < head && waitedMs < CATCH_UP_WAIT_MS;
      waitedMs += 50
    )
      await sleep(50);
    await relay.stop();
    expect(await relay.checkpoint()).toBe(head);
    expect(errors.length).toBeGreaterThan(0); // the faults did reach the relay

    const stored = await store.readAll({ maxCount: 10_000 });
    const storedIds = new Set(stored.map((event) => event.eventId));
    const received = (
      await readTopic(kafka, LEDGER_EVENTS_TOPIC, {
        until: (messages) =>
          new Set(
            messages.map(
              (message) =>
                (JSON.parse(message.value?.toString() ?? '{}') as { eventId: string }).eventId,
            ),
          ).size >= storedIds.size,
        waitMs: CONSUME_WAIT_MS,
      })
    ).map((message) => ({
      key: message.key?.toString() ?? '',
      value: message.value?.toString() ?? '',
    }));
    const envelopes = received.map(({ key, value }) => ({
      key,
      envelope: JSON.parse(value) as { eventId: string; streamId: string; streamVersion: string },
    }));

    // every stored event arrived (duplicates allowed, gaps not)
    expect(new Set(envelopes.map(({ envelope }) => envelope.eventId))).toEqual(
      new Set(stored.map((event) => event.eventId)),
    );
    // keyed by stream id, and each stream's versions arrive in order (a duplicate may repeat an earlier one)
    const highest = new Map<string, number>();
    for (const { key, envelope } of envelopes) {
      expect(key).toBe(envelope.streamId);
      const version = Number(envelope.streamVersion);
      const before = highest.get(envelope.streamId) ?? 0;
      expect(version <= before || version === before + 1).toBe(true);
      highest.set(envelope.streamId, Math.max(before, version));
    }
    // each message is a valid contract envelope
    const invalid = received.filter(
      ({ value }) => !validateMessage(LEDGER_EVENTS_TOPIC, JSON.parse(value)).ok,
    );
    expect(invalid).toEqual([]);
  });
});
