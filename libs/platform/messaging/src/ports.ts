/**
 * The messaging ports. Two adapters implement them: Kafka (kafka-bus.ts, the distributed
 * deployment) and an in-process bus (in-process-bus.ts, the single-process embedded mode).
 * Both pass the same contract tests (bus-contract.ts).
 */

/** Message headers: W3C trace context, event type and id, re-drive marks. */
export type MessageHeaders = Readonly<Record<string, string>>;

export interface OutboundMessage {
  /** Messages with the same key keep their order (Kafka: the same partition). */
  readonly key: string | Buffer | null;
  readonly value: string | Buffer;
  readonly headers?: MessageHeaders;
}

export interface MessagePublisher {
  /**
   * Resolves once every message is durable in the bus (Kafka: acknowledged by every in-sync
   * replica). A rejection means any of them may or may not be there: retry the whole call;
   * consumers are idempotent.
   */
  publish(topic: string, messages: readonly OutboundMessage[]): Promise<void>;
}

export interface InboundMessage {
  readonly key: Buffer | null;
  /** The exact bytes published. */
  readonly value: Buffer;
  /** Position in the partition, a decimal string. */
  readonly offset: string;
  readonly headers: MessageHeaders;
}

/** Consecutive messages of one partition of one topic, in offset order. */
export interface InboundBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly InboundMessage[];
}

export interface BatchControl {
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
}

/**
 * Handles one batch. Resolving commits the batch's position for the group; rejecting retries
 * the same batch after a capped backoff, for as long as the subscriber runs: a batch is never
 * skipped. After a stop or a crash the group resumes from its last committed position, so a
 * batch may be delivered again (at-least-once).
 */
export type BatchHandler = (batch: InboundBatch, control: BatchControl) => Promise<void>;

export interface MessageSubscriber {
  readonly groupId: string;
  /** Joins the group and delivers batches until stopped; resolves once delivery has started. */
  start(handler: BatchHandler): Promise<void>;
  /** Stops delivery; a batch in progress is abandoned without committing its position. */
  stop(): Promise<void>;
}

export interface SubscriberOptions {
  /** Called on each failed attempt of a batch, before its backoff. */
  readonly onError?: (error: unknown, attempt: number, batch: InboundBatch) => void;
  /** Called when the bus's client failed and is restarted (number `restart` in a row) after a backoff. */
  readonly onRestart?: (error: unknown, restart: number) => void;
}

export interface MessageBus {
  readonly publisher: MessagePublisher;
  subscriber(
    groupId: string,
    topics: readonly string[],
    options?: SubscriberOptions,
  ): MessageSubscriber;
}

export const HANDLER_RETRY_BACKOFF_MS_INITIAL = 100;
export const HANDLER_RETRY_BACKOFF_MS_MAX = 5_000;

/** The backoff before retry number `attempt` (1-based) of a failed batch. */
export function handlerRetryBackoffMs(attempt: number): number {
  return Math.min(
    HANDLER_RETRY_BACKOFF_MS_INITIAL * 2 ** Math.min(attempt - 1, 16),
    HANDLER_RETRY_BACKOFF_MS_MAX,
  );
}

/** Header values as text (Kafka hands out Buffers, arrays for repeated keys: the last wins). */
export function headersAsText(
  headers: Readonly<Record<string, unknown>> | undefined,
): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (typeof value === 'string') text[name] = value;
    else if (Buffer.isBuffer(value)) text[name] = value.toString('utf8');
  }
  return text;
}
