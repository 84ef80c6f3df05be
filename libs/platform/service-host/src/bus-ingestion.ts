import { DEAD_LETTER_STAGES, DEAD_LETTER_TOPIC, type Topic } from '@custody/contracts';
import {
  createKafka,
  createOutboxProducer,
  EXCHANGE_SIGNATURE_CODES,
  EXCHANGE_TOPIC_PREFIX,
  InboxConsumer,
  MESSAGE_ID_CONFLICT_CODE,
  KafkaMessageBus,
  type InboxConsumerOptions,
  type MessageBus,
} from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import type { Admin, Producer } from 'kafkajs';
import { Counter } from 'prom-client';
import type { Pool } from 'pg';

import type { ServiceConfig } from './config';
import { RateLimitedWarning, retryUntilDone } from './resilience';
import { scrapedGauge } from './scraped-gauge';

export interface BusIngestionOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly pool: Pool;
  /** Names the consumer in logs and in its Kafka client id (`ledger ingestion`, `wallet consumer`). */
  readonly name: string;
  readonly groupId: string;
  readonly topics: readonly Topic[];
  /** What the service's inbox consumer applies, in each batch's transaction. */
  readonly apply: InboxConsumerOptions['apply'];
  /** Refusal codes a re-driven message is tried again for (InboxConsumerOptions.retryableRefusals). */
  readonly retryableRefusals?: ReadonlySet<string>;
  /** Where the consumer's lag and dead letters are exported (custody_consumer_lag_messages, custody_dead_letters_total). */
  readonly metrics?: ServiceMetrics;
  /**
   * The bus shared by the services of one process (the all-in-one runner, EMBEDDED_BUS): when
   * given, the group consumes from it and parks its dead letters on it, and Kafka is not used.
   */
  readonly embeddedBus?: MessageBus | null;
}

/**
 * A service's consumer group, the same for every service: an inbox consumer (exactly-once effects
 * in the service's schema) with a producer for its dead letters, started once the caller's schema
 * is ready, stopped before the pool closes. On Kafka (KAFKA_BROKERS) its first connection is
 * retried until it works or the service stops (kafkajs does not retry a failed first connect); in
 * the all-in-one runner it consumes from the process's own bus. With neither it says so and
 * consumes nothing.
 */
export class BusIngestion {
  private consumer: InboxConsumer | undefined;
  private producer: Producer | undefined;
  /** Reads the group's committed offsets and the partitions' ends on each scrape (connected on the first). */
  private admin: Admin | undefined;
  private adminConnected: Promise<void> | undefined;
  private consuming = false;
  private readonly deadLetters: Counter<'stage' | 'topic'> | undefined;
  private readonly idConflicts: Counter<'topic'> | undefined;
  private readonly signatureRefusals: Counter<'topic' | 'code'> | undefined;
  private readonly stopping = new AbortController();
  private starting: Promise<boolean> = Promise.resolve(false);
  private readonly warning: RateLimitedWarning;

  constructor(private readonly options: BusIngestionOptions) {
    this.warning = new RateLimitedWarning(options.logger);
    const { metrics, logger, groupId } = options;
    if (metrics === undefined) return;
    this.deadLetters = new Counter({
      name: 'custody_dead_letters_total',
      help: 'Messages this consumer group parked in custody.deadletter.v1, by stage (decode, validate, handle) and original topic.',
      labelNames: ['stage', 'topic'] as const,
      registers: [metrics.registry],
    });
    // every series from zero: increase() over a series that appears at 1 is 0, and the first letter would raise no alert
    for (const stage of DEAD_LETTER_STAGES)
      for (const topic of options.topics) this.deadLetters.labels({ stage, topic }).inc(0);
    this.idConflicts = new Counter({
      name: 'custody_inbox_id_conflicts_total',
      help: 'Messages parked because their id was already taken by another payload (MESSAGE_ID_CONFLICT): a forged or broken producer claiming an id, never a redelivery.',
      labelNames: ['topic'] as const,
      registers: [metrics.registry],
    });
    for (const topic of options.topics) this.idConflicts.labels({ topic }).inc(0);
    this.signatureRefusals = new Counter({
      name: 'custody_exchange_signature_refusals_total',
      help: 'Exchange messages parked for want of a valid signature by a trusted exchange key (EXCHANGE_SIGNATURE_*), by topic and code: nothing of them was booked.',
      labelNames: ['topic', 'code'] as const,
      registers: [metrics.registry],
    });
    for (const topic of options.topics.filter((topic) => topic.startsWith(EXCHANGE_TOPIC_PREFIX)))
      for (const code of EXCHANGE_SIGNATURE_CODES)
        this.signatureRefusals.labels({ topic, code }).inc(0);
    scrapedGauge(metrics, logger, {
      name: 'custody_consumer_lag_messages',
      help: "Messages on each consumed partition beyond the group's committed offset (what it has yet to apply), read from Kafka on each scrape.",
      labelNames: ['group', 'topic', 'partition'] as const,
      read: () => this.readLag(groupId),
    });
  }

  /** Per partition: end offset minus the committed one (the partition's start when nothing is committed yet). */
  private async readLag(
    groupId: string,
  ): Promise<Array<[{ group: string; topic: string; partition: string }, number]> | undefined> {
    const admin = this.admin;
    if (admin === undefined || !this.consuming || this.stopping.signal.aborted) return undefined;
    // a failed connect is forgotten, so the next scrape tries again (a broker blip must not blind the lag alerts)
    this.adminConnected ??= admin.connect().catch((error: unknown) => {
      this.adminConnected = undefined;
      throw error;
    });
    await this.adminConnected;
    const topics = [...this.options.topics];
    const committed = await admin.fetchOffsets({ groupId, topics });
    const lag: Array<[{ group: string; topic: string; partition: string }, number]> = [];
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const offsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const commit = BigInt(
          offsets.find((entry) => entry.partition === end.partition)?.offset ?? '-1',
        );
        const from = commit >= 0n ? commit : BigInt(end.low);
        lag.push([
          { group: groupId, topic, partition: String(end.partition) },
          Number(BigInt(end.high) - from),
        ]);
      }
    }
    return lag;
  }

  /** True once consuming; false when Kafka is not configured or the service stopped first. */
  start(): Promise<boolean> {
    this.starting = this.startConsuming();
    return this.starting;
  }

  private async startConsuming(): Promise<boolean> {
    if (this.stopping.signal.aborted) return false; // the service stopped before its schema was ready
    const { config, logger, name } = this.options;
    const embeddedBus = this.options.embeddedBus ?? null;
    if (embeddedBus !== null && !config.migrateOnly) {
      const consumer = this.inboxConsumer(embeddedBus);
      this.consumer = consumer;
      await consumer.migrate();
      if (this.stopping.signal.aborted) return false;
      await consumer.start();
      logger.info(
        {
          topics: this.options.topics,
          groupId: this.options.groupId,
          exchangeKeys: this.exchangeKeys(),
        },
        `${name} started on the in-process bus`,
      );
      this.consuming = true;
      return true;
    }
    const kafkaConfig = config.kafka;
    if (kafkaConfig === undefined) {
      if (!config.migrateOnly)
        logger.warn(
          { topics: this.options.topics },
          `KAFKA_BROKERS is not set: ${name} consumes nothing`,
        );
      return false;
    }
    const kafka = createKafka({
      clientId: `${config.serviceName}-${name.replace(/\W+/g, '-')}`,
      brokers: kafkaConfig.brokers,
      security: kafkaConfig.security,
    });
    const producer = createOutboxProducer(kafka, { idempotent: kafkaConfig.producerIdempotent }); // dead letters
    this.producer = producer;
    if (this.options.metrics !== undefined) this.admin = kafka.admin();
    const consumer = this.inboxConsumer(
      new KafkaMessageBus({
        kafka,
        producer,
        ...(kafkaConfig.consumerMaxWaitMs === undefined
          ? {}
          : { consumerTuning: { maxWaitTimeInMs: kafkaConfig.consumerMaxWaitMs } }),
      }),
    );
    this.consumer = consumer;
    await consumer.migrate();
    const started = await retryUntilDone(
      async () => {
        await producer.connect();
        await consumer.start();
      },
      this.stopping.signal,
      (error, attempt) =>
        this.warning.warn(
          { error: (error as Error).message, attempt },
          `${name}: Kafka not reachable; retrying`,
        ),
    );
    if (started)
      logger.info(
        {
          topics: this.options.topics,
          groupId: this.options.groupId,
          exchangeKeys: this.exchangeKeys(),
        },
        `${name} started`,
      );
    this.consuming = started;
    return started;
  }

  /** Which exchange keys this consumer trusts, for its start line ('signatures off' said plainly). */
  private exchangeKeys(): readonly string[] | 'signatures off' {
    return this.options.config.exchangeSignatures?.keyIds ?? 'signatures off';
  }

  private inboxConsumer(bus: MessageBus): InboxConsumer {
    const { logger, name } = this.options;
    return new InboxConsumer({
      bus,
      groupId: this.options.groupId,
      topics: [...this.options.topics],
      pool: this.options.pool,
      schema: this.options.config.databaseSchema,
      apply: this.options.apply,
      onError: (error, attempt) =>
        this.warning.warn(
          { error: (error as Error).message, attempt },
          `${name}: batch failed; retrying it`,
        ),
      onRestart: (error, restart) =>
        logger.warn({ error: (error as Error).message, restart }, `${name}: consumer restarted`),
      ...(this.options.config.exchangeSignatures === undefined
        ? {}
        : { exchangeSignatures: this.options.config.exchangeSignatures }),
      ...(this.options.retryableRefusals === undefined
        ? {}
        : { retryableRefusals: this.options.retryableRefusals }),
      onParked: (letters) => {
        for (const letter of letters) {
          const { stage, originalTopic, partition, offset, reasonCode, reasonPath, reasonText } =
            letter.data;
          this.deadLetters?.inc({ stage, topic: originalTopic });
          if (reasonCode === MESSAGE_ID_CONFLICT_CODE)
            this.idConflicts?.inc({ topic: originalTopic });
          if ((EXCHANGE_SIGNATURE_CODES as readonly string[]).includes(reasonCode))
            this.signatureRefusals?.inc({ topic: originalTopic, code: reasonCode });
          // every parked message is a log line with its code (nothing vanishes without one)
          // a decode failure's reason may quote the payload (client data): the letter keeps it, the log does not
          const reason = stage === 'decode' ? undefined : reasonText;
          logger.warn(
            {
              deadLetter: letter.eventId,
              stage,
              code: reasonCode,
              path: reasonPath,
              reason,
              topic: originalTopic,
              partition,
              offset,
              groupId: this.options.groupId,
            },
            `${name}: message parked in ${DEAD_LETTER_TOPIC} (${reasonCode})`,
          );
        }
      },
    });
  }

  /** Ends a start still retrying, waits for it, then stops consuming (the batch in hand is not committed). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.starting.catch(() => false);
    await this.consumer?.stop();
    await this.producer?.disconnect().catch(() => undefined);
    if (this.adminConnected !== undefined) await this.admin?.disconnect().catch(() => undefined);
  }
}
