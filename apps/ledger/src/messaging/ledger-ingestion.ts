import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DEAD_LETTER_TOPIC } from '@custody/contracts';
import { applyLedgerMessages, LEDGER_CONSUMED_TOPICS, type LedgerCommandHandler } from '@custody/ledger-application';
import { createKafka, createOutboxProducer, InboxConsumer, KafkaMessageBus } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { DATABASE_POOL, RateLimitedWarning, retryUntilDone, SERVICE_CONFIG, SERVICE_LOGGER, type ServiceConfig } from '@custody/service-host';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { LEDGER_ROLES, type LedgerRoles } from '../ledger-roles';
import { LEDGER_COMMAND_HANDLER, LEDGER_WRITE_SIDE_READY, type WriteSideReady } from '../ledger-tokens';

/** The consumer group of the ledger's books: one per deployment, members are the replicas. */
export const LEDGER_CONSUMER_GROUP = 'ledger-books';

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
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(LEDGER_COMMAND_HANDLER) private readonly handler: LedgerCommandHandler,
    @Inject(LEDGER_WRITE_SIDE_READY) private readonly writeSide: WriteSideReady,
    @Inject(LEDGER_ROLES) private readonly roles: LedgerRoles,
  ) {
    this.warning = new RateLimitedWarning(logger);
  }

  onApplicationBootstrap(): void {
    if (!this.roles.ingest) {
      this.logger.info('LEDGER_ROLES leaves out ingest: this process does not consume trades or wallet movements');
      return;
    }
    const kafkaConfig = this.config.kafka;
    if (kafkaConfig === undefined) {
      this.logger.warn('KAFKA_BROKERS is not set: the ledger does not consume trades or wallet movements');
      return;
    }
    const kafka = createKafka({ clientId: `${this.config.serviceName}-books`, brokers: kafkaConfig.brokers });
    const producer = createOutboxProducer(kafka, { idempotent: kafkaConfig.producerIdempotent }); // dead letters
    this.producer = producer;
    const consumer = new InboxConsumer({
      bus: new KafkaMessageBus({ kafka, producer, ...(kafkaConfig.consumerMaxWaitMs === undefined ? {} : { consumerTuning: { maxWaitTimeInMs: kafkaConfig.consumerMaxWaitMs } }) }),
      groupId: LEDGER_CONSUMER_GROUP,
      topics: [...LEDGER_CONSUMED_TOPICS],
      pool: this.pool,
      schema: this.config.databaseSchema,
      apply: applyLedgerMessages(this.handler),
      onError: (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, 'ledger ingestion: batch failed; retrying it'),
      onRestart: (error, restart) => this.logger.warn({ error: (error as Error).message, restart }, 'ledger ingestion: Kafka consumer restarted'),
    });
    this.consumer = consumer;
    this.starting = this.writeSide.ready.then(async () => {
      await consumer.migrate();
      // kafkajs does not retry a failed first connect: retried until it works or we stop.
      const started = await retryUntilDone(
        async () => {
          await producer.connect();
          await consumer.start();
        },
        this.stopping.signal,
        (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, 'ledger ingestion: Kafka not reachable; retrying'),
      );
      if (started) this.logger.info({ topics: LEDGER_CONSUMED_TOPICS, deadLetters: DEAD_LETTER_TOPIC }, 'ledger ingestion started');
    });
  }

  /** Before the host's own shutdown hooks: the consumer stops while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.starting.catch(() => undefined);
    await this.consumer?.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
