import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEAD_LETTER_TOPIC,
  LEDGER_EVENTS_TOPIC,
  validateMessage,
  type Topic,
} from '@custody/contracts';
import { waitFor as waitForCondition, type TestDatabase } from '@custody/testing';
import { InboxConsumer } from './consumer';
import type { InboundBatch, InboundMessage, MessageBus, MessageSubscriber } from './ports';

/**
 * The contract every MessageBus adapter passes (Kafka, in-process): the same tests, run by
 * kafka-bus.int.spec.ts and in-process-bus.int.spec.ts against their own adapter.
 */
export interface BusContractFixture {
  readonly bus: MessageBus;
  readonly db: TestDatabase;
  /** Makes a topic with this many partitions (Kafka: the test broker's `topic` command). */
  createTopic(topic: string, partitions: number): Promise<void>;
}

export const CONTRACT_WAIT_MS = 40_000;
const POLL_MS = 25;

/** @custody/testing's waitFor with the contract's defaults (a fine poll: in-process deliveries are fast). */
export function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  waitMs = CONTRACT_WAIT_MS,
  pollMs = POLL_MS,
): Promise<void> {
  return waitForCondition(condition, what, waitMs, pollMs);
}

interface Numbered {
  readonly key: string;
  readonly sequence: number;
}

const numbered = (message: InboundMessage): Numbered =>
  JSON.parse(message.value.toString('utf8')) as Numbered;

/** Collects everything a group is handed, batch by batch. */
async function collect(
  bus: MessageBus,
  groupId: string,
  topic: string,
  onBatch?: (batch: InboundBatch, attempt: number) => void,
) {
  const batches: InboundBatch[] = [];
  const attempts = new Map<string, number>();
  const subscriber: MessageSubscriber = bus.subscriber(groupId, [topic]);
  await subscriber.start(async (batch) => {
    const first = `${batch.partition}/${batch.messages[0]?.offset ?? ''}`;
    const attempt = (attempts.get(first) ?? 0) + 1;
    attempts.set(first, attempt);
    onBatch?.(batch, attempt); // may throw: the batch must come again
    batches.push(batch);
  });
  const messages = () => batches.flatMap((batch) => batch.messages);
  return { subscriber, batches, messages };
}

async function publishNumbered(
  bus: MessageBus,
  topic: string,
  from: number,
  count: number,
  keys: number,
): Promise<Numbered[]> {
  const sent = Array.from({ length: count }, (_, index) => ({
    key: `stream-${(from + index) % keys}`,
    sequence: from + index,
  }));
  await bus.publisher.publish(
    topic,
    sent.map((message) => ({
      key: message.key,
      value: JSON.stringify(message),
      headers: { 'x-sequence': String(message.sequence) },
    })),
  );
  return sent;
}

function expectPerKeyOrder(received: readonly Numbered[]): void {
  const lastByKey = new Map<string, number>();
  for (const message of received) {
    expect(message.sequence).toBeGreaterThan(lastByKey.get(message.key) ?? -1);
    lastByKey.set(message.key, message.sequence);
  }
}

/**
 * `adapterSpecific` registers the adapter's own tests in the same suite, after the contract's
 * (they may rely on what the contract tests left behind: the contract-projection group and
 * two dead letters from LEDGER_EVENTS_TOPIC).
 */
export function describeMessageBusContract(
  adapter: string,
  setUp: () => Promise<BusContractFixture>,
  tearDown: () => Promise<void>,
  adapterSpecific?: (fixture: () => BusContractFixture) => void,
): void {
  describe(`MessageBus contract: ${adapter}`, () => {
    let fixture: BusContractFixture;
    beforeAll(async () => {
      fixture = await setUp();
    });
    afterAll(tearDown);

    it('given messages published under several keys, then each group receives every one, byte for byte with its headers, in publish order per key', async () => {
      const topic = `contract.order.${randomUUID().slice(0, 8)}`;
      await fixture.createTopic(topic, 3);
      const sent = [
        ...(await publishNumbered(fixture.bus, topic, 0, 150, 7)),
        ...(await publishNumbered(fixture.bus, topic, 150, 150, 7)),
      ];
      const started = await Promise.allSettled([
        collect(fixture.bus, 'contract-a', topic),
        collect(fixture.bus, 'contract-b', topic),
      ]);
      const groups = started.flatMap((result) =>
        result.status === 'fulfilled' ? [result.value] : [],
      );
      if (groups.length < started.length) {
        await Promise.all(groups.map((group) => group.subscriber.stop()));
        throw (started.find((result) => result.status === 'rejected') as PromiseRejectedResult)
          .reason;
      }
      try {
        await waitFor(
          () => groups.every((group) => group.messages().length >= sent.length),
          'both groups to receive 300 messages',
        );
        for (const group of groups) {
          const received = group.messages();
          expect(received.map(numbered).sort((a, b) => a.sequence - b.sequence)).toEqual(sent);
          expect(
            received.every(
              (message) => message.headers['x-sequence'] === String(numbered(message).sequence),
            ),
          ).toBe(true);
          expect(
            received.every((message) => message.key?.toString() === numbered(message).key),
          ).toBe(true);
          expectPerKeyOrder(received.map(numbered));
          // one key, one partition
          const partitionsByKey = new Map<string, Set<number>>();
          for (const batch of group.batches)
            for (const message of batch.messages)
              partitionsByKey.set(
                numbered(message).key,
                (partitionsByKey.get(numbered(message).key) ?? new Set()).add(batch.partition),
              );
          expect([...partitionsByKey.values()].every((partitions) => partitions.size === 1)).toBe(
            true,
          );
        }
      } finally {
        await Promise.all(groups.map((group) => group.subscriber.stop()));
      }
    });

    it('given a handler that throws on a batch, then the same batch comes again after a backoff until it succeeds, and no message is skipped', async () => {
      const topic = `contract.retry.${randomUUID().slice(0, 8)}`;
      await fixture.createTopic(topic, 1);
      const sent = await publishNumbered(fixture.bus, topic, 0, 40, 1);
      const failures: { attempt: number; at: number; firstOffset: string }[] = [];
      const group = await collect(fixture.bus, 'contract-retry', topic, (batch, attempt) => {
        if (attempt <= 3) {
          failures.push({ attempt, at: Date.now(), firstOffset: batch.messages[0]?.offset ?? '' });
          throw new Error(`handler failure ${attempt}`);
        }
      });
      try {
        await waitFor(
          () => group.messages().length >= sent.length,
          'all 40 messages after the retries',
        );
        // the first batch failed three times, always at the same first offset, with a growing wait
        expect(
          failures
            .filter((failure) => failure.firstOffset === '0')
            .map((failure) => failure.attempt),
        ).toEqual([1, 2, 3]);
        const waits = failures
          .slice(1)
          .map((failure, index) => failure.at - (failures[index]?.at ?? 0));
        expect(waits.every((waitMs) => waitMs >= 90)).toBe(true);
        expect(group.messages().map(numbered)).toEqual(sent); // in order, none skipped, none twice
      } finally {
        await group.subscriber.stop();
      }
    });

    it('given a group that stopped, when it starts again, then it resumes after the batches it completed: no gap and nothing from before', async () => {
      const topic = `contract.resume.${randomUUID().slice(0, 8)}`;
      await fixture.createTopic(topic, 2);
      const first = await publishNumbered(fixture.bus, topic, 0, 60, 5);
      const before = await collect(fixture.bus, 'contract-resume', topic);
      try {
        await waitFor(() => before.messages().length >= first.length, 'the first 60 messages');
      } finally {
        await before.subscriber.stop();
      }
      const second = await publishNumbered(fixture.bus, topic, 60, 60, 5);
      const after = await collect(fixture.bus, 'contract-resume', topic);
      try {
        await waitFor(() => after.messages().length >= second.length, 'the next 60 messages');
        await sleep(300);
        expect(
          after
            .messages()
            .map(numbered)
            .sort((a, b) => a.sequence - b.sequence),
        ).toEqual(second);
      } finally {
        await after.subscriber.stop();
      }
    });

    it('given redelivered messages, poison and a message the handler refuses in the middle, then the inbox consumer applies every valid message exactly once and parks the poison and the refusal, once, with their original bytes, stage, code and path', async () => {
      const { bus, db } = fixture;
      await fixture.createTopic(LEDGER_EVENTS_TOPIC, 3);
      await fixture.createTopic(DEAD_LETTER_TOPIC, 1);
      await db.pool.query(
        'create schema if not exists contract; create table contract.applied (event_id uuid not null, amount_minor numeric not null)',
      );
      const valid = Array.from({ length: 200 }, (_, index) => testEnvelope(index));
      const notJson = Buffer.from('{"eventId": oops');
      const invalid = Buffer.from(JSON.stringify({ ...testEnvelope(999), streamVersion: '-3' }));
      const refused = Buffer.from(JSON.stringify({ ...testEnvelope(998), type: 'AmountDisputed' }));
      const values = [
        ...valid.slice(0, 100).map((message) => Buffer.from(JSON.stringify(message))),
        notJson,
        invalid,
        refused,
        ...valid.slice(100).map((message) => Buffer.from(JSON.stringify(message))),
        ...valid.slice(0, 40).map((message) => Buffer.from(JSON.stringify(message))), // at-least-once: again
        refused, // again: the inbox has it, so it is neither refused nor parked twice
      ];
      await bus.publisher.publish(
        LEDGER_EVENTS_TOPIC,
        values.map((value, index) => ({ key: `account-${index % 10}`, value })),
      );
      const consumer = new InboxConsumer({
        bus,
        groupId: 'contract-projection',
        topics: [LEDGER_EVENTS_TOPIC as Topic],
        pool: db.pool,
        schema: 'contract',
        apply: async (messages, client) => {
          const accepted = messages.filter((message) => message.value.type !== 'AmountDisputed');
          await client.query(
            'insert into contract.applied (event_id, amount_minor) select * from unnest($1::uuid[], $2::numeric[])',
            [
              accepted.map((message) => message.messageId),
              accepted.map(
                (message) => (message.value.data as { amountMinor: string }).amountMinor,
              ),
            ],
          );
          const disputed = messages.filter((message) => message.value.type === 'AmountDisputed');
          return {
            rejected: disputed.map((message) => ({
              messageId: message.messageId,
              code: 'AMOUNT_DISPUTED',
              path: 'data.amountMinor',
              reason: 'the amount is disputed',
            })),
          };
        },
      });
      await consumer.migrate();
      const letters = await collect(bus, 'contract-dead-letter-reader', DEAD_LETTER_TOPIC);
      const expectedSum = (200n * 201n) / 2n;
      const sum = async () =>
        BigInt(
          (
            await db.pool.query<{ total: string | null }>(
              'select sum(amount_minor)::text as total from contract.applied',
            )
          ).rows[0]?.total ?? '0',
        );
      try {
        await consumer.start();
        await waitFor(
          async () => (await sum()) >= expectedSum && letters.messages().length >= 3,
          'the valid messages applied and three dead letters',
        );
        await sleep(500); // the redelivered tail too
        expect(await sum()).toBe(expectedSum); // applied has no unique key: only the inbox dedupes
        type Parked = {
          eventId: string;
          schemaVersion: number;
          data: {
            originalValueBase64: string;
            stage: string;
            reasonCode: string;
            reasonPath: string;
            originalTopic: string;
            consumerGroup: string;
          };
        };
        const parked = letters
          .messages()
          .map((message) => JSON.parse(message.value.toString('utf8')) as Parked);
        expect(parked.every((letter) => validateMessage(DEAD_LETTER_TOPIC, letter).ok)).toBe(true);
        // the same letter may be parked twice if its batch is handled again: count distinct letters
        const distinct = [...new Map(parked.map((letter) => [letter.eventId, letter])).values()];
        expect(distinct).toHaveLength(3);
        const byStage = Object.fromEntries(
          distinct.map((letter) => [letter.data.stage, letter.data]),
        );
        expect(byStage['decode']).toMatchObject({ reasonCode: 'NOT_JSON', reasonPath: '' });
        expect(byStage['validate']).toMatchObject({ reasonPath: 'streamVersion' });
        expect(byStage['handle']).toMatchObject({
          reasonCode: 'AMOUNT_DISPUTED',
          reasonPath: 'data.amountMinor',
          consumerGroup: 'contract-projection',
        });
        const originals = (stage: string) =>
          Buffer.from(byStage[stage]?.originalValueBase64 ?? '', 'base64');
        expect([originals('decode'), originals('validate'), originals('handle')]).toEqual([
          notJson,
          invalid,
          refused,
        ]);
        expect(
          distinct.every(
            (letter) =>
              letter.data.originalTopic === LEDGER_EVENTS_TOPIC && letter.schemaVersion === 2,
          ),
        ).toBe(true);
      } finally {
        await consumer.stop();
        await letters.subscriber.stop();
      }
    });

    adapterSpecific?.(() => fixture);
  });
}

/** A valid ledger-topic envelope booking `index + 1` minor units on one of `streams` streams. */
export function testEnvelope(index: number, streams = 10) {
  return {
    eventId: randomUUID(),
    type: 'AmountBooked',
    schemaVersion: 1,
    streamId: `account-${index % streams}`,
    streamVersion: String(Math.floor(index / streams) + 1),
    occurredAt: '2026-11-22T00:00:00.000Z',
    causationId: null,
    correlationId: randomUUID(),
    data: { amountMinor: String(index + 1) },
  };
}
