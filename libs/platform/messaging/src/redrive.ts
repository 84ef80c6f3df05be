import { DEAD_LETTER_TOPIC, type DeadLetterV1 } from '@custody/contracts';
import type { Kafka, Producer } from 'kafkajs';

export const REDRIVE_GROUP_ID_DEFAULT = 'custody-dead-letter-redrive';
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
}

export interface RedriveResult {
  readonly redriven: number;
  readonly passedOver: number;
}

/**
 * After a fix, puts dead-lettered messages back on their original topic, byte for byte with
 * their original key, marked with headers naming the dead letter. Its own consumer group keeps
 * the position, so a second run re-drives only letters that arrived since; a letter's offset
 * is committed only after the original topic acknowledged the message.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedriveResult> {
  const consumer = options.kafka.consumer({ groupId: options.groupId ?? REDRIVE_GROUP_ID_DEFAULT });
  const idleMs = options.idleMs ?? REDRIVE_IDLE_MS_DEFAULT;
  let redriven = 0;
  let passedOver = 0;
  let lastActivity = Number.POSITIVE_INFINITY; // idleness counts from the moment the group is joined
  consumer.on(consumer.events.GROUP_JOIN, () => (lastActivity = Date.now()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        lastActivity = Date.now();
        const letter = JSON.parse(message.value?.toString() ?? '{}') as DeadLetterV1;
        if (letter.data?.originalTopic === options.originalTopic) {
          await options.producer.send({
            topic: letter.data.originalTopic,
            acks: -1,
            messages: [
              {
                key: letter.data.keyBase64 === null ? null : Buffer.from(letter.data.keyBase64, 'base64'),
                value: Buffer.from(letter.data.originalValueBase64, 'base64'),
                headers: { 'x-redriven-dead-letter': letter.eventId, 'x-original-offset': letter.data.offset },
              },
            ],
          });
          redriven += 1;
        } else {
          passedOver += 1;
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
  return { redriven, passedOver };
}
