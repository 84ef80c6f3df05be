import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import {
  handlerRetryBackoffMs,
  headersAsText,
  type BatchHandler,
  type InboundBatch,
  type MessageBus,
  type MessagePublisher,
  type MessageSubscriber,
  type OutboundMessage,
  type SubscriberOptions,
} from './ports';

export const CONSUMER_RETRIES = 10;
/** A backoff between attempts of a failed batch is cut into slices with a heartbeat between. */
export const BACKOFF_HEARTBEAT_SLICE_MS = 1_000;

/** Consumer settings a deployment or a test may tune (session timeout, fetch sizes, ...). */
export type KafkaConsumerTuning = Omit<ConsumerConfig, 'groupId' | 'retry'>;

export interface KafkaMessageBusOptions {
  readonly kafka: Kafka;
  /** A connected producer (createOutboxProducer). */
  readonly producer: Producer;
  readonly consumerTuning?: KafkaConsumerTuning;
}

/** The messaging ports over Kafka (kafkajs). */
export class KafkaMessageBus implements MessageBus {
  readonly publisher: MessagePublisher;

  constructor(private readonly options: KafkaMessageBusOptions) {
    this.publisher = {
      publish: async (topic: string, messages: readonly OutboundMessage[]) => {
        if (messages.length === 0) return;
        // acks -1: every in-sync replica has the batch before the caller moves on.
        await options.producer.send({
          topic,
          acks: -1,
          messages: messages.map((message) => ({ ...message, headers: { ...message.headers } })),
        });
      },
    };
  }

  subscriber(
    groupId: string,
    topics: readonly string[],
    subscriberOptions: SubscriberOptions = {},
  ): MessageSubscriber {
    return new KafkaSubscriber(
      this.options.kafka,
      groupId,
      topics,
      subscriberOptions,
      this.options.consumerTuning ?? {},
    );
  }
}

/**
 * One group member. kafkajs restarts its consumer after a retriable crash but gives up on a
 * non-retriable one (a commit or sync refused mid-rebalance, an unexpected protocol error):
 * the process would stay up and consume nothing, its partitions idle until it is restarted.
 * So a crash kafkajs will not restart is restarted here, with a fresh consumer after a capped
 * backoff, for as long as the subscriber runs.
 */
class KafkaSubscriber implements MessageSubscriber {
  private consumer: Consumer | undefined;
  private running = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The (re)start in progress: stop() waits for it, so no consumer joins after stop() resolved. */
  private runInProgress: Promise<void> = Promise.resolve();
  /** The batch being applied: stop() lets it finish and commit before the consumer disconnects. */
  private batchInHand: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly options: SubscriberOptions,
    private readonly tuning: KafkaConsumerTuning,
  ) {}

  async start(handler: BatchHandler): Promise<void> {
    if (this.running)
      throw new Error(`assertion: subscriber of group '${this.groupId}' started twice`);
    this.running = true;
    try {
      this.runInProgress = this.run(handler);
      await this.runInProgress;
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  /**
   * Lets the batch in hand finish and commit its offsets, then leaves the group. The order
   * matters: kafkajs silently skips commitOffsets() once its consumer is stopping, so a batch
   * applied while disconnect() runs would keep its effects but lose its commit and be delivered
   * again after the restart (harmless behind the inbox, but a shutdown should commit what it did;
   * found by the SIGTERM-under-load test).
   */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    await this.batchInHand?.catch(() => undefined);
    await this.runInProgress.catch(() => undefined); // run() sees `running` false and disconnects what it started
    await this.consumer?.disconnect();
  }

  private async run(handler: BatchHandler): Promise<void> {
    const consumer = this.kafka.consumer({
      ...this.tuning,
      groupId: this.groupId,
      // kafkajs schedules its own restart of a retriable crash even when the crash races stop().
      retry: { retries: CONSUMER_RETRIES, restartOnFailure: async () => this.running },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return; // kafkajs restarts this one itself
      this.restartLater(handler, payload.error);
    });
    const stopped = async () => {
      if (this.running) return false;
      await consumer.disconnect().catch(() => undefined);
      return true;
    };
    try {
      await consumer.connect();
      if (await stopped()) return;
      for (const topic of this.topics) await consumer.subscribe({ topic, fromBeginning: true });
      if (await stopped()) return;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const batch = this.handleBatch(consumer, payload, handler);
          this.batchInHand = batch;
          try {
            await batch;
          } finally {
            if (this.batchInHand === batch) this.batchInHand = undefined;
          }
          this.restarts = 0;
        },
      });
      await stopped();
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private restartLater(handler: BatchHandler, error: unknown): void {
    if (!this.running) return;
    this.restarts += 1;
    this.options.onRestart?.(error, this.restarts);
    this.restartTimer = setTimeout(() => {
      if (!this.running) return;
      this.runInProgress = this.run(handler).catch((failure: unknown) =>
        this.restartLater(handler, failure),
      );
    }, handlerRetryBackoffMs(this.restarts));
  }

  private async handleBatch(
    consumer: Consumer,
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
    handler: BatchHandler,
  ): Promise<void> {
    const last = batch.messages.at(-1);
    if (last === undefined) return;
    const inbound: InboundBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.map((message) => ({
        key: message.key,
        value: message.value ?? Buffer.alloc(0),
        offset: message.offset,
        headers: headersAsText(message.headers),
      })),
    };
    // Our own retry loop rather than kafkajs's crash-and-restart: the same batch, never a later one.
    for (let attempt = 1; ; attempt += 1) {
      // Stopping, or the partition was taken away or re-seeked: leave the batch uncommitted.
      if (!this.running || !isRunning() || isStale()) return;
      try {
        await handler(inbound, { heartbeat });
        break;
      } catch (error) {
        this.options.onError?.(error, attempt, inbound);
        for (
          let waitedMs = 0, backoffMs = handlerRetryBackoffMs(attempt);
          waitedMs < backoffMs && this.running && isRunning();
          waitedMs += BACKOFF_HEARTBEAT_SLICE_MS
        ) {
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(BACKOFF_HEARTBEAT_SLICE_MS, backoffMs - waitedMs)),
          );
          await heartbeat();
        }
      }
    }
    resolveOffset(last.offset);
    // Explicitly: with autoCommit off, commitOffsetsIfNecessary() would never commit.
    await consumer.commitOffsets([
      {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(last.offset) + 1n).toString(),
      },
    ]);
    await heartbeat();
  }
}
