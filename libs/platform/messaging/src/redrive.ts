import { DEAD_LETTER_TOPIC, type DeadLetterV1, type DeadLetterV2 } from '@custody/contracts';
import type { ConsumerConfig, Kafka, Producer } from 'kafkajs';
import { ORIGINAL_HEADER_PREFIX, REDRIVEN_HEADER } from './consumer';
import { headersAsText } from './ports';

/** Each original topic has its own re-drive position: re-driving one never passes over another's letters. */
export const REDRIVE_GROUP_ID_PREFIX = 'custody-dead-letter-redrive';
/** The re-drive stops once no dead letter has arrived for this long. */
export const REDRIVE_IDLE_MS_DEFAULT = 3_000;
export const REDRIVE_RUN_MS_MAX = 600_000;

export interface RedriveOptions {
  readonly kafka: Kafka;
  readonly producer: Producer;
  /** Only letters from this topic are re-driven; the others are passed over (and stay passed). */
  readonly originalTopic: string;
  readonly groupId?: string;
  readonly idleMs?: number;
  /** Consumer settings (session and rebalance timeouts); kafkajs's defaults when absent. */
  readonly consumerTuning?: Omit<ConsumerConfig, 'groupId'>;
}

export interface RedriveResult {
  readonly redriven: number;
  /** Letters of other topics (left for their own re-drive). */
  readonly passedOver: number;
  /** Letters that could not be read (not JSON, or no original bytes): reported, not re-driven. */
  readonly unreadable: number;
  /** Copies of a letter already re-driven in this run (the same message dead-lettered twice). */
  readonly duplicates: number;
}

/**
 * After a fix, puts dead-lettered messages back on their original topic, byte for byte with
 * their original key and the original's own headers the letter kept (the exchange's signature:
 * a re-driven exchange message verifies again), marked with headers naming the dead letter. A consumer group per original
 * topic keeps the position, so a second run re-drives only letters that arrived since; a
 * letter's offset is committed only after the original topic acknowledged the message.
 * Known limit: a re-driven message arrives after newer messages of its key, so a consumer
 * that needs per-stream order must check stream versions itself.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedriveResult> {
  const consumer = options.kafka.consumer({ ...options.consumerTuning, groupId: options.groupId ?? `${REDRIVE_GROUP_ID_PREFIX}.${options.originalTopic}` });
  const idleMs = options.idleMs ?? REDRIVE_IDLE_MS_DEFAULT;
  let redriven = 0;
  let passedOver = 0;
  let unreadable = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  let lastActivity = Number.POSITIVE_INFINITY; // idleness counts from the moment the group is joined
  consumer.on(consumer.events.GROUP_JOIN, () => (lastActivity = Date.now()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        lastActivity = Date.now();
        const letter = readLetter(message.value);
        if (letter === null) {
          unreadable += 1;
        } else if (letter.data.originalTopic !== options.originalTopic) {
          passedOver += 1;
        } else if (seen.has(letter.eventId)) {
          duplicates += 1;
        } else {
          seen.add(letter.eventId);
          await options.producer.send({
            topic: letter.data.originalTopic,
            acks: -1,
            messages: [
              {
                key: letter.data.keyBase64 === null ? null : Buffer.from(letter.data.keyBase64, 'base64'),
                value: Buffer.from(letter.data.originalValueBase64, 'base64'),
                headers: { ...originalHeaders(headersAsText(message.headers)), [REDRIVEN_HEADER]: letter.eventId, 'x-original-offset': letter.data.offset },
              },
            ],
          });
          redriven += 1;
        }
        await consumer.commitOffsets([{ topic: DEAD_LETTER_TOPIC, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    const started = Date.now();
    while (!(Date.now() - lastActivity >= idleMs) && Date.now() - started < REDRIVE_RUN_MS_MAX) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return { redriven, passedOver, unreadable, duplicates };
}

function readLetter(value: Buffer | null): DeadLetterV1 | DeadLetterV2 | null {
  try {
    const letter = JSON.parse(value?.toString() ?? '') as DeadLetterV1 | DeadLetterV2; // both versions carry the original bytes alike
    return typeof letter?.data?.originalTopic === 'string' && typeof letter.data.originalValueBase64 === 'string' ? letter : null;
  } catch {
    return null;
  }
}

/** The original message's headers a dead letter carries as `x-original-<name>` (not the re-drive's own marks). */
function originalHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const original: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(ORIGINAL_HEADER_PREFIX) && name !== 'x-original-offset') original[name.slice(ORIGINAL_HEADER_PREFIX.length)] = value;
  }
  return original;
}
