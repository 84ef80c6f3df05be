import { DEAD_LETTER_TOPIC, type DeadLetterV1, type DeadLetterV2 } from '@custody/contracts';
import { randomUUID } from 'node:crypto';
import type { Consumer, ConsumerConfig, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { ORIGINAL_HEADER_PREFIX, REDRIVEN_HEADER } from './consumer';
import { EXCHANGE_SIGNATURE_HEADERS } from './exchange-signature';
import { headersAsText } from './ports';

/** Each original topic has its own re-drive position: re-driving one never passes over another's letters. */
export const REDRIVE_GROUP_ID_PREFIX = 'custody-dead-letter-redrive';
/** The re-drive stops once no dead letter has arrived for this long. */
export const REDRIVE_IDLE_MS_DEFAULT = 3_000;
export const REDRIVE_RUN_MS_MAX = 600_000;
/** How long the look-up of one letter's original record may take (a broker that does not answer fails the run, nothing skipped). */
export const REDRIVE_ORIGINAL_READ_MS = 30_000;
/** At most this many refused letters are named in the result (all are counted). */
export const REDRIVE_REFUSED_NAMED_MAX = 100;

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
  /**
   * Letters whose key and value are not the record at their original topic, partition and
   * offset: a letter any dead-letter writer could have forged (every service may write
   * custody.deadletter.v1) is never put on a topic its writer may not produce to.
   */
  readonly refused: number;
  /** The first REDRIVE_REFUSED_NAMED_MAX refused letters' ids, to look at. */
  readonly refusedLetters: readonly string[];
}

/**
 * After a fix, puts dead-lettered messages back on their original topic, byte for byte with
 * their original key and the original's own headers the letter kept (only the exchange's
 * signature: a re-driven exchange message verifies again), marked with headers naming the dead
 * letter. A letter is re-driven only when its key and value are exactly the record still at its
 * original topic, partition and offset (topics keep their records forever): the dead-letter
 * topic is writable by every service, so a letter alone proves nothing. A consumer group per original
 * topic keeps the position, so a second run re-drives only letters that arrived since; a
 * letter's offset is committed only after the original topic acknowledged the message.
 * Known limit: a re-driven message arrives after newer messages of its key, so a consumer
 * that needs per-stream order must check stream versions itself.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedriveResult> {
  const consumer = options.kafka.consumer({
    ...options.consumerTuning,
    groupId: options.groupId ?? `${REDRIVE_GROUP_ID_PREFIX}.${options.originalTopic}`,
  });
  const idleMs = options.idleMs ?? REDRIVE_IDLE_MS_DEFAULT;
  let redriven = 0;
  let passedOver = 0;
  let unreadable = 0;
  let duplicates = 0;
  let refused = 0;
  const refusedLetters: string[] = [];
  const seen = new Set<string>();
  const originals = new OriginalRecords(
    options.kafka,
    options.originalTopic,
    options.consumerTuning,
  );
  let failure: Error | undefined;
  let lastActivity = Number.POSITIVE_INFINITY; // idleness counts from the moment the group is joined
  consumer.on(consumer.events.GROUP_JOIN, () => (lastActivity = Date.now()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        // busy while a letter is handled (its original's look-up takes seconds): the run is not idle then
        lastActivity = Number.POSITIVE_INFINITY;
        try {
          if (failure !== undefined) return; // a look-up failed: nothing after it is re-driven in this run
          const letter = readLetter(message.value);
          if (letter === null) {
            unreadable += 1;
          } else if (letter.data.originalTopic !== options.originalTopic) {
            passedOver += 1;
          } else if (seen.has(letter.eventId)) {
            duplicates += 1;
          } else if (
            !(await originals.matches(
              letter.data.partition,
              letter.data.offset,
              letter.data.keyBase64,
              letter.data.originalValueBase64,
            ))
          ) {
            refused += 1;
            if (refusedLetters.length < REDRIVE_REFUSED_NAMED_MAX)
              refusedLetters.push(letter.eventId);
          } else {
            seen.add(letter.eventId);
            await options.producer.send({
              topic: letter.data.originalTopic,
              acks: -1,
              messages: [
                {
                  key:
                    letter.data.keyBase64 === null
                      ? null
                      : Buffer.from(letter.data.keyBase64, 'base64'),
                  value: Buffer.from(letter.data.originalValueBase64, 'base64'),
                  headers: {
                    ...originalHeaders(headersAsText(message.headers)),
                    [REDRIVEN_HEADER]: letter.eventId,
                    'x-original-offset': letter.data.offset,
                  },
                },
              ],
            });
            redriven += 1;
          }
          await consumer.commitOffsets([
            {
              topic: DEAD_LETTER_TOPIC,
              partition,
              offset: (BigInt(message.offset) + 1n).toString(),
            },
          ]);
        } catch (error) {
          failure = error as Error; // this letter stays uncommitted: the next run starts with it
        } finally {
          lastActivity = Date.now();
        }
      },
    });
    const started = Date.now();
    while (!(Date.now() - lastActivity >= idleMs) && Date.now() - started < REDRIVE_RUN_MS_MAX) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
    await originals.close();
  }
  if (failure !== undefined) throw failure;
  return { redriven, passedOver, unreadable, duplicates, refused, refusedLetters };
}

function readLetter(value: Buffer | null): DeadLetterV1 | DeadLetterV2 | null {
  try {
    const letter = JSON.parse(value?.toString() ?? '') as DeadLetterV1 | DeadLetterV2; // both versions carry the original bytes alike
    return typeof letter?.data?.originalTopic === 'string' &&
      typeof letter.data.originalValueBase64 === 'string'
      ? letter
      : null;
  } catch {
    return null;
  }
}

/** The exchange's signature a dead letter carries as `x-original-<name>`: nothing else of a letter's headers goes back (the audit's provenance headers, a trace, are not a letter-writer's to set). */
function originalHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const original: Record<string, string> = {};
  for (const name of EXCHANGE_SIGNATURE_HEADERS) {
    const value = headers[`${ORIGINAL_HEADER_PREFIX}${name}`];
    if (value !== undefined) original[name] = value;
  }
  return original;
}

/**
 * Reads single records of one topic by partition and offset (a consumer of its own, in a group
 * of its own that commits nothing, sought to each offset asked for), to hold a letter to the
 * record it claims to be.
 */
class OriginalRecords {
  private consumer: Consumer | undefined;
  private joined: Promise<void> | undefined;
  private wanted:
    | { partition: number; offset: string; resolve: (message: KafkaMessage | undefined) => void }
    | undefined;
  private ends: Map<number, { low: bigint; high: bigint }> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly tuning: Omit<ConsumerConfig, 'groupId'> | undefined,
  ) {}

  async matches(
    partition: number,
    offset: string,
    keyBase64: string | null,
    valueBase64: string,
  ): Promise<boolean> {
    const record = await this.read(partition, offset);
    if (record === undefined) return false;
    const key = keyBase64 === null ? null : Buffer.from(keyBase64, 'base64');
    const sameKey =
      key === null ? record.key === null : record.key !== null && record.key.equals(key);
    return (
      sameKey && record.value !== null && record.value.equals(Buffer.from(valueBase64, 'base64'))
    );
  }

  /**
   * The record at that position; undefined when there is none (beyond the end, before the start,
   * a partition the topic does not have). Topics keep their records forever and hold no
   * transaction markers, so every offset between the ends is a record.
   */
  private async read(partition: number, offset: string): Promise<KafkaMessage | undefined> {
    const ends = await this.partitionEnds();
    const end = ends.get(partition);
    const position = BigInt(offset);
    if (end === undefined || position < end.low || position >= end.high) return undefined;
    const consumer = await this.started();
    return new Promise<KafkaMessage | undefined>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `re-drive: the record at ${this.topic}/${partition}@${offset} was not read within ${REDRIVE_ORIGINAL_READ_MS} ms`,
            ),
          ),
        REDRIVE_ORIGINAL_READ_MS,
      );
      this.wanted = {
        partition,
        offset,
        resolve: (message) => {
          clearTimeout(timer);
          this.wanted = undefined;
          consumer.pause([{ topic: this.topic }]);
          resolve(message);
        },
      };
      consumer.seek({ topic: this.topic, partition, offset });
      consumer.resume([{ topic: this.topic }]);
    });
  }

  private async partitionEnds(): Promise<Map<number, { low: bigint; high: bigint }>> {
    if (this.ends !== undefined) return this.ends;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      this.ends = new Map(
        offsets.map((entry) => [
          entry.partition,
          { low: BigInt(entry.low), high: BigInt(entry.high) },
        ]),
      );
      return this.ends;
    } finally {
      await admin.disconnect();
    }
  }

  private started(): Promise<Consumer> {
    this.joined ??= (async () => {
      const consumer = this.kafka.consumer({
        ...this.tuning,
        groupId: `${REDRIVE_GROUP_ID_PREFIX}.verify.${randomUUID()}`,
      });
      this.consumer = consumer;
      const joined = new Promise<void>((resolve) =>
        consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
      );
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const wanted = this.wanted;
          if (wanted === undefined || partition !== wanted.partition) return;
          // only the exact record: a message of a batch fetched before the seek is passed over
          if (message.offset === wanted.offset) wanted.resolve(message);
        },
      });
      await joined;
      consumer.pause([{ topic: this.topic }]); // read only what is asked for
    })();
    return this.joined.then(() => this.consumer as Consumer);
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
