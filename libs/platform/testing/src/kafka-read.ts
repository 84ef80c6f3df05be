import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export const READ_TOPIC_WAIT_MS_DEFAULT = 25_000;

/**
 * Consumer group timeouts for tests against the Kafka test broker: with kafkajs's defaults
 * (session 30 s, rebalance 60 s) the mock coordinator takes tens of seconds to complete a
 * join; with these, one to three, and an idle fetch returns after 250 ms rather than 5 s.
 * Production keeps the defaults.
 */
export const TEST_CONSUMER_TUNING = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 3_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 250,
} as const;
const POLL_MS = 50;

export interface ReadTopicOptions {
  /** Stop as soon as this holds for the messages read so far. */
  readonly until: (messages: readonly KafkaMessage[]) => boolean;
  /** Give up waiting after this long and return what was read. */
  readonly waitMs?: number;
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `until` holds or the wait
 * runs out, then leaves the group. What a test sees is exactly what a new subscriber would see.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: ReadTopicOptions,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({
    ...TEST_CONSUMER_TUNING,
    groupId: `test-reader-${randomUUID()}`,
  });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const waitMs = options.waitMs ?? READ_TOPIC_WAIT_MS_DEFAULT;
    for (let waitedMs = 0; !options.until(messages) && waitedMs < waitMs; waitedMs += POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
