import {
  handlerRetryBackoffMs,
  type BatchHandler,
  type InboundMessage,
  type MessageBus,
  type MessagePublisher,
  type MessageSubscriber,
  type OutboundMessage,
  type SubscriberOptions,
} from './ports';

export const IN_PROCESS_PARTITIONS_DEFAULT = 4;
export const IN_PROCESS_BATCH_MESSAGES_MAX = 1_000;
/**
 * Per partition, messages kept once every group that ever subscribed to the topic has
 * committed past them. A message some known group has not committed is never dropped: the
 * partition grows up to IN_PROCESS_PARTITION_MESSAGES_MAX, then publish() fails (the caller,
 * the outbox relay, retries later) rather than losing anything silently.
 */
export const IN_PROCESS_RETENTION_MESSAGES = 200_000;
const IN_PROCESS_RETENTION_SLACK = 10_000;
export const IN_PROCESS_PARTITION_MESSAGES_MAX = 1_000_000;
/** publish() waits at most this long for the running groups to apply the messages. */
export const IN_PROCESS_DELIVERY_TIMEOUT_MS = 30_000;

export interface InProcessMessageBusOptions {
  readonly partitions?: number;
  readonly batchMessagesMax?: number;
  readonly deliveryTimeoutMs?: number;
  /** Messages kept per partition once every group committed them (default IN_PROCESS_RETENTION_MESSAGES). */
  readonly retentionMessages?: number;
  /** Hard limit per partition; publish() fails beyond it (default IN_PROCESS_PARTITION_MESSAGES_MAX). */
  readonly partitionMessagesMax?: number;
}

/** Wakes everyone waiting for a change. */
class Signal {
  private waiters: (() => void)[] = [];
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      });
    });
  }
  fire(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

class PartitionLog {
  /** Offset of messages[0]. */
  base = 0n;
  readonly messages: InboundMessage[] = [];
  readonly appended = new Signal();
  get end(): bigint {
    return this.base + BigInt(this.messages.length);
  }
}

class Group {
  readonly committed = new Map<string, bigint>();
  /** Topics this group has subscribed to, ever: their messages are kept until it commits them. */
  readonly topics = new Set<string>();
  readonly progressed = new Signal();
  member: InProcessSubscriber | undefined;
  position(topic: string, partition: number): bigint {
    return this.committed.get(`${topic}/${partition}`) ?? 0n;
  }
}

/**
 * The messaging ports inside one process, for the embedded mode. Topics are partitioned logs
 * (per-key order, like Kafka), groups keep committed positions, a failed batch is retried
 * after a backoff and never skipped, and a stopped group resumes from its committed position.
 *
 * Durability is the caller's, not the bus's: the log lives in memory. So that the outbox
 * relay's checkpoint is still a promise kept across a restart, publish() resolves only once
 * every running group subscribed to the topic has applied (committed) the messages; a group
 * that is not running gets them later from the retained log. One member per group.
 */
export class InProcessMessageBus implements MessageBus {
  readonly publisher: MessagePublisher;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private readonly partitions: number;
  readonly batchMessagesMax: number;
  private readonly deliveryTimeoutMs: number;
  private readonly retentionMessages: number;
  private readonly retentionSlack: number;
  private readonly partitionMessagesMax: number;
  private roundRobin = 0;

  constructor(options: InProcessMessageBusOptions = {}) {
    this.partitions = options.partitions ?? IN_PROCESS_PARTITIONS_DEFAULT;
    this.batchMessagesMax = options.batchMessagesMax ?? IN_PROCESS_BATCH_MESSAGES_MAX;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? IN_PROCESS_DELIVERY_TIMEOUT_MS;
    this.retentionMessages = options.retentionMessages ?? IN_PROCESS_RETENTION_MESSAGES;
    this.retentionSlack = Math.min(IN_PROCESS_RETENTION_SLACK, this.retentionMessages);
    this.partitionMessagesMax = options.partitionMessagesMax ?? IN_PROCESS_PARTITION_MESSAGES_MAX;
    if (this.partitionMessagesMax <= this.retentionMessages)
      throw new Error('assertion: partitionMessagesMax must exceed retentionMessages');
    if (!Number.isInteger(this.partitions) || this.partitions < 1)
      throw new Error('assertion: partitions must be a positive integer');
    this.publisher = { publish: (topic, messages) => this.publish(topic, messages) };
  }

  subscriber(
    groupId: string,
    topics: readonly string[],
    options: SubscriberOptions = {},
  ): MessageSubscriber {
    return new InProcessSubscriber(this, groupId, topics, options);
  }

  /** Creates a topic with its own partition count (topics otherwise appear on first use, with the default). */
  createTopic(topic: string, partitions: number): void {
    if (this.topics.has(topic)) throw new Error(`in-process bus: topic '${topic}' exists`);
    if (!Number.isInteger(partitions) || partitions < 1)
      throw new Error('assertion: partitions must be a positive integer');
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => new PartitionLog()),
    );
  }

  /** @internal */
  log(topic: string): PartitionLog[] {
    let logs = this.topics.get(topic);
    if (logs === undefined) {
      logs = Array.from({ length: this.partitions }, () => new PartitionLog());
      this.topics.set(topic, logs);
    }
    return logs;
  }

  /** @internal */
  group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new Group();
      this.groups.set(groupId, group);
    }
    return group;
  }

  private async publish(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    const logs = this.log(topic);
    const routed = messages.map((message) => {
      const key = message.key === null ? null : Buffer.from(message.key);
      return {
        message,
        key,
        partition: key === null ? this.roundRobin++ % logs.length : partitionOf(key, logs.length),
      };
    });
    for (const [partition, count] of countBy(routed.map((entry) => entry.partition))) {
      const log = logs[partition] as PartitionLog;
      this.trim(topic, partition, log);
      if (log.messages.length + count > this.partitionMessagesMax) {
        throw new Error(
          `in-process bus: ${topic}/${partition} holds ${log.messages.length} messages not yet committed by every group; publish later`,
        );
      }
    }
    const touched = new Map<number, bigint>();
    for (const { message, key, partition } of routed) {
      const log = logs[partition] as PartitionLog;
      log.messages.push({
        key,
        value: Buffer.from(message.value),
        offset: log.end.toString(),
        headers: { ...message.headers },
      });
      touched.set(partition, log.end);
    }
    for (const partition of touched.keys()) logs[partition]?.appended.fire();
    await this.awaitDelivery(topic, touched);
  }

  /** Drops the oldest messages beyond retention, never one that a known group has not committed. */
  private trim(topic: string, partition: number, log: PartitionLog): void {
    if (log.messages.length <= this.retentionMessages + this.retentionSlack) return;
    let floor = log.end;
    for (const group of this.groups.values()) {
      if (group.topics.has(topic))
        floor = group.position(topic, partition) < floor ? group.position(topic, partition) : floor;
    }
    const dropped = Math.min(
      log.messages.length - this.retentionMessages,
      Number(floor - log.base),
    );
    if (dropped <= 0) return;
    log.messages.splice(0, dropped); // in chunks: one splice per RETENTION_SLACK messages, not one shift each
    log.base += BigInt(dropped);
  }

  private async awaitDelivery(topic: string, ends: ReadonlyMap<number, bigint>): Promise<void> {
    const deadline = Date.now() + this.deliveryTimeoutMs;
    for (const group of this.groups.values()) {
      for (;;) {
        const member = group.member;
        if (member === undefined || !member.running || !member.topics.includes(topic)) break;
        const behind = [...ends].some(([partition, end]) => group.position(topic, partition) < end);
        if (!behind) break;
        const leftMs = deadline - Date.now();
        if (leftMs <= 0)
          throw new Error(
            `in-process bus: group '${member.groupId}' has not applied ${topic} within ${this.deliveryTimeoutMs} ms`,
          );
        await group.progressed.wait(leftMs);
      }
    }
  }
}

class InProcessSubscriber implements MessageSubscriber {
  running = false;
  private pumps: Promise<void>[] = [];
  private readonly stopped = new Signal();

  constructor(
    private readonly bus: InProcessMessageBus,
    readonly groupId: string,
    readonly topics: readonly string[],
    private readonly options: SubscriberOptions,
  ) {}

  async start(handler: BatchHandler): Promise<void> {
    const group = this.bus.group(this.groupId);
    if (group.member?.running === true)
      throw new Error(`in-process bus: group '${this.groupId}' already has a running member`);
    group.member = this;
    for (const topic of this.topics) group.topics.add(topic);
    this.running = true;
    this.pumps = this.topics.flatMap((topic) =>
      this.bus.log(topic).map((log, partition) => this.pump(group, topic, partition, log, handler)),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped.fire();
    for (const log of this.topics.flatMap((topic) => this.bus.log(topic))) log.appended.fire();
    await Promise.all(this.pumps);
    const group = this.bus.group(this.groupId);
    if (group.member === this) group.member = undefined;
    group.progressed.fire();
  }

  private async pump(
    group: Group,
    topic: string,
    partition: number,
    log: PartitionLog,
    handler: BatchHandler,
  ): Promise<void> {
    const key = `${topic}/${partition}`;
    while (this.running) {
      const from =
        group.position(topic, partition) < log.base ? log.base : group.position(topic, partition);
      if (from >= log.end) {
        await log.appended.wait();
        continue;
      }
      const start = Number(from - log.base);
      const batch = {
        topic,
        partition,
        messages: log.messages.slice(start, start + this.bus.batchMessagesMax),
      };
      const next = from + BigInt(batch.messages.length);
      for (let attempt = 1; this.running; attempt += 1) {
        try {
          await handler(batch, { heartbeat: async () => undefined });
          if (!this.running) return; // stopped while handling: abandoned, uncommitted
          group.committed.set(key, next);
          group.progressed.fire();
          break;
        } catch (error) {
          this.options.onError?.(error, attempt, batch);
          await this.stopped.wait(handlerRetryBackoffMs(attempt));
        }
      }
    }
  }
}

function countBy(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** FNV-1a over the key's bytes: the same key, the same partition. */
function partitionOf(key: Buffer, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % partitions;
}
