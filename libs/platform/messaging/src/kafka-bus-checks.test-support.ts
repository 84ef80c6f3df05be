import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_TOPIC, LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { readTopic, TEST_CONSUMER_TUNING } from '@custody/testing';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { redriveDeadLetters } from './redrive';

/**
 * What the Kafka adapter promises beyond the shared contract (bus-contract.test-support.ts), for
 * any Kafka: registered after the contract by kafka-bus.int.spec.ts (the test broker) and
 * kafka-bus.containers.spec.ts (Apache Kafka in a container). They rely on what the contract
 * tests left behind: the contract-projection group and three dead letters from LEDGER_EVENTS_TOPIC.
 */
export interface KafkaChecksFixture {
  readonly kafka: Kafka;
  /** The connected producer the bus publishes with. */
  readonly producer: Producer;
}

const WAIT_MS = 30_000;

export function itCommittedEveryPartitionToTheEnd(fixture: () => KafkaChecksFixture): void {
  it('given the inbox consumer above, then its group committed every partition up to the end', async () => {
    const admin = fixture().kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({
        groupId: 'contract-projection',
        topics: [LEDGER_EVENTS_TOPIC],
      });
      const ends = await admin.fetchTopicOffsets(LEDGER_EVENTS_TOPIC);
      const byPartition = (offsets: readonly { partition: number; offset: string }[]) =>
        Object.fromEntries(offsets.map(({ partition, offset }) => [partition, offset]));
      expect(byPartition(committed?.partitions ?? [])).toEqual(byPartition(ends));
    } finally {
      await admin.disconnect();
    }
  });
}

export function itRedrivesDeadLettersOnce(fixture: () => KafkaChecksFixture): void {
  it('given the dead letters above (decode, validation and handler refusals), when re-driven after a fix, then their original bytes and keys are back on the original topic, once', async () => {
    const { kafka, producer } = fixture();
    // issue 22: a letter any dead-letter writer made up (a DepositConfirmed-like value at an offset of the
    // topic that holds another record, and one beyond its end) is refused, never put on the topic
    const forged = (offset: string) => ({
      ...JSON.parse(JSON.stringify(first0Letter)),
      eventId: randomUUID(),
      streamId: `deadletter:forged:${offset}`,
      data: {
        ...first0Letter.data,
        offset,
        originalValueBase64: Buffer.from('{"forged":true}').toString('base64'),
      },
    });
    const [sample] = await readTopic(kafka, DEAD_LETTER_TOPIC, {
      until: (messages) => messages.length >= 1,
      waitMs: WAIT_MS,
    });
    const first0Letter = JSON.parse(sample?.value?.toString() ?? '{}') as {
      data: Record<string, unknown>;
    };
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      acks: -1,
      messages: [forged('0'), forged('999999')].map((letter) => ({
        key: LEDGER_EVENTS_TOPIC,
        value: JSON.stringify(letter),
      })),
    });
    const first = await redriveDeadLetters({
      kafka,
      producer,
      originalTopic: LEDGER_EVENTS_TOPIC,
      groupId: 'redrive-test',
      idleMs: 2_000,
      consumerTuning: TEST_CONSUMER_TUNING,
    });
    expect(first).toMatchObject({ redriven: 3, passedOver: 0, unreadable: 0, refused: 2 });
    const again = await redriveDeadLetters({
      kafka,
      producer,
      originalTopic: LEDGER_EVENTS_TOPIC,
      groupId: 'redrive-test',
      idleMs: 2_000,
      consumerTuning: TEST_CONSUMER_TUNING,
    });
    expect(again).toEqual({
      redriven: 0,
      passedOver: 0,
      unreadable: 0,
      duplicates: 0,
      refused: 0,
      refusedLetters: [],
    });

    const isRedriven = (message: KafkaMessage) =>
      message.headers?.['x-redriven-dead-letter'] !== undefined;
    const redriven = (
      await readTopic(kafka, LEDGER_EVENTS_TOPIC, {
        until: (messages) => messages.filter(isRedriven).length >= 3,
        waitMs: WAIT_MS,
      })
    )
      .filter(isRedriven)
      .map((message) => ({
        key: message.key?.toString() ?? '',
        value: message.value ?? Buffer.alloc(0),
      }));
    expect(redriven.map((message) => message.value.toString())).not.toContain('{"forged":true}');
    expect(redriven.map((message) => message.value.toString())).toEqual(
      expect.arrayContaining([
        '{"eventId": oops',
        expect.stringContaining('"streamVersion":"-3"'),
        expect.stringContaining('"type":"AmountDisputed"'),
      ]),
    );
    expect(redriven.every((message) => /^account-\d$/.test(message.key))).toBe(true);
    // the dead-letter topic itself is untouched: history is not edited
    const letters = await readTopic(kafka, DEAD_LETTER_TOPIC, {
      until: (messages) => messages.length >= 3,
      waitMs: WAIT_MS,
    });
    expect(letters.length).toBeGreaterThanOrEqual(3);
  }, 120_000);
}
