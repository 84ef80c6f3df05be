import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DEAD_LETTER_TOPIC } from '@custody/contracts';
import { applyLedgerMessages, LEDGER_CONSUMED_TOPICS, type LedgerCommandHandler } from '@custody/ledger-application';
import { createKafka, createOutboxProducer, InboxConsumer, KafkaMessageBus } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { DATABASE_POOL, DatabaseReadiness, SERVICE_CONFIG, SERVICE_LOGGER, type ServiceConfig } from '@custody/service-host';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { LEDGER_COMMAND_HANDLER } from '../ledger-tokens';

/** The consumer group of the ledger's books: one per deployment, members are the replicas. */
export const LEDGER_CONSUMER_GROUP = 'ledger-books';
/** Failed batches are logged at most this often (each is retried, never skipped). */
export const INGESTION_ERROR_LOG_INTERVAL_MS = 10_000;
export const CONNECT_RETRY_MS_MIN = 250;
export const CONNECT_RETRY_MS_MAX = 10_000;

/**
 * When KAFKA_BROKERS is set: consumes the exchange's trades and the wallet's movements into the
 * books (exactly-once effects through the inbox, in the ledger's schema), from the moment the
 * event store's schema is ready. Refusals are parked in custody.deadletter.v1.
 */
@Injectable()
export class LedgerIngestion implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: InboxConsumer | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastErrorLogAt = 0;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
    @Inject(LEDGER_COMMAND_HANDLER) private readonly handler: LedgerCommandHandler,
  ) {}

  onApplicationBootstrap(): void {
    const kafkaConfig = this.config.kafka;
    if (kafkaConfig === undefined) {
      this.logger.warn('KAFKA_BROKERS is not set: the ledger does not consume trades or wallet movements');
      return;
    }
    const kafka = createKafka({ clientId: `${this.config.serviceName}-books`, brokers: kafkaConfig.brokers });
    const producer = createOutboxProducer(kafka, { idempotent: kafkaConfig.producerIdempotent }); // dead letters
    this.producer = producer;
    const consumer = new InboxConsumer({
      bus: new KafkaMessageBus({ kafka, producer }),
      groupId: LEDGER_CONSUMER_GROUP,
      topics: [...LEDGER_CONSUMED_TOPICS],
      pool: this.pool,
      schema: this.config.databaseSchema,
      apply: applyLedgerMessages(this.handler),
      onError: (error, attempt) => this.logRateLimited('ledger ingestion: batch failed; retrying it', { error: (error as Error).message, attempt }),
      onRestart: (error, restart) => this.logger.warn({ error: (error as Error).message, restart }, 'ledger ingestion: Kafka consumer restarted'),
    });
    this.consumer = consumer;
    this.starting = this.readiness.migratedOnce.then(async () => {
      await consumer.migrate();
      // kafkajs does not retry a failed first connect: retried here until it works or we stop.
      for (let attempt = 1; !this.stopped; attempt += 1) {
        try {
          await producer.connect();
          await consumer.start();
          this.logger.info({ topics: LEDGER_CONSUMED_TOPICS, deadLetters: DEAD_LETTER_TOPIC }, 'ledger ingestion started');
          return;
        } catch (error) {
          this.logRateLimited('ledger ingestion: Kafka not reachable; retrying', { error: (error as Error).message, attempt });
          await new Promise((resolve) => setTimeout(resolve, Math.min(CONNECT_RETRY_MS_MIN * 2 ** Math.min(attempt - 1, 10), CONNECT_RETRY_MS_MAX)));
        }
      }
    });
  }

  /** Before the host's own shutdown hooks: the consumer stops while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.starting.catch(() => undefined);
    await this.consumer?.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }

  private logRateLimited(message: string, fields: Record<string, unknown>): void {
    if (Date.now() - this.lastErrorLogAt < INGESTION_ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = Date.now();
    this.logger.warn(fields, message);
  }
}
