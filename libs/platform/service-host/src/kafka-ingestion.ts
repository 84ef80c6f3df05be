import type { Topic } from '@custody/contracts';
import { createKafka, createOutboxProducer, InboxConsumer, KafkaMessageBus, type InboxConsumerOptions } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { ServiceConfig } from './config';
import { RateLimitedWarning, retryUntilDone } from './resilience';

export interface KafkaIngestionOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly pool: Pool;
  /** Names the consumer in logs and in its Kafka client id (`ledger ingestion`, `wallet consumer`). */
  readonly name: string;
  readonly groupId: string;
  readonly topics: readonly Topic[];
  /** What the service's inbox consumer applies, in each batch's transaction. */
  readonly apply: InboxConsumerOptions['apply'];
}

/**
 * A service's consumer group on Kafka, the same for every service: an inbox consumer (exactly-once
 * effects in the service's schema) with a producer for its dead letters, started once the caller's
 * schema is ready, its first connection retried until it works or the service stops (kafkajs does
 * not retry a failed first connect), stopped before the pool closes. Without KAFKA_BROKERS it says
 * so and consumes nothing.
 */
export class KafkaIngestion {
  private consumer: InboxConsumer | undefined;
  private producer: Producer | undefined;
  private readonly stopping = new AbortController();
  private starting: Promise<boolean> = Promise.resolve(false);
  private readonly warning: RateLimitedWarning;

  constructor(private readonly options: KafkaIngestionOptions) {
    this.warning = new RateLimitedWarning(options.logger);
  }

  /** True once consuming; false when Kafka is not configured or the service stopped first. */
  start(): Promise<boolean> {
    this.starting = this.startConsuming();
    return this.starting;
  }

  private async startConsuming(): Promise<boolean> {
    if (this.stopping.signal.aborted) return false; // the service stopped before its schema was ready
    const { config, logger, name } = this.options;
    const kafkaConfig = config.kafka;
    if (kafkaConfig === undefined) {
      logger.warn({ topics: this.options.topics }, `KAFKA_BROKERS is not set: ${name} consumes nothing`);
      return false;
    }
    const kafka = createKafka({ clientId: `${config.serviceName}-${name.replace(/\W+/g, '-')}`, brokers: kafkaConfig.brokers });
    const producer = createOutboxProducer(kafka, { idempotent: kafkaConfig.producerIdempotent }); // dead letters
    this.producer = producer;
    const consumer = new InboxConsumer({
      bus: new KafkaMessageBus({ kafka, producer, ...(kafkaConfig.consumerMaxWaitMs === undefined ? {} : { consumerTuning: { maxWaitTimeInMs: kafkaConfig.consumerMaxWaitMs } }) }),
      groupId: this.options.groupId,
      topics: [...this.options.topics],
      pool: this.options.pool,
      schema: config.databaseSchema,
      apply: this.options.apply,
      onError: (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, `${name}: batch failed; retrying it`),
      onRestart: (error, restart) => logger.warn({ error: (error as Error).message, restart }, `${name}: Kafka consumer restarted`),
    });
    this.consumer = consumer;
    await consumer.migrate();
    const started = await retryUntilDone(
      async () => {
        await producer.connect();
        await consumer.start();
      },
      this.stopping.signal,
      (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, `${name}: Kafka not reachable; retrying`),
    );
    if (started) logger.info({ topics: this.options.topics, groupId: this.options.groupId }, `${name} started`);
    return started;
  }

  /** Ends a start still retrying, waits for it, then stops consuming (the batch in hand is not committed). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.starting.catch(() => false);
    await this.consumer?.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
