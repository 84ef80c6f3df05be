import { Inject, Injectable, ServiceUnavailableException, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PostgresEventStore } from '@custody/event-store';
import { createKafka, createOutboxProducer, InboxConsumer, KafkaMessageBus } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { DailyRuns, RECONCILIATION_CONSUMED_TOPICS } from '@custody/reconciliation-application';
import { DATABASE_POOL, DatabaseReadiness, EVENT_STORE, RateLimitedWarning, retryUntilDone, SERVICE_CONFIG, SERVICE_LOGGER, type ServiceConfig } from '@custody/service-host';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from './reconciliation-config';

export const RECONCILIATION_CONSUMER_GROUP = 'reconciliation';

/** The daily runs once their tables exist, fed by the ledger's journals (with KAFKA_BROKERS). */
@Injectable()
export class ReconciliationRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly runs: DailyRuns;
  private ready = false;
  private consumer: InboxConsumer | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(RECONCILIATION_CONFIG) readonly config: ReconciliationConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) readonly store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.runs = new DailyRuns(store, config.calendar, config.minimumUnits);
  }

  dailyRuns(): DailyRuns {
    if (!this.ready) throw new ServiceUnavailableException({ statusCode: 503, code: 'RECONCILIATION_NOT_READY', reason: 'the reconciliation tables are being prepared' });
    return this.runs;
  }

  onApplicationBootstrap(): void {
    this.starting = this.readiness.prepare('reconciliation tables', () => this.runs.migrate(this.pool)).then(async () => {
      if (this.stopping.signal.aborted) return;
      this.ready = true;
      await this.startConsumer();
    });
  }

  private async startConsumer(): Promise<void> {
    const kafkaConfig = this.serviceConfig.kafka;
    if (kafkaConfig === undefined) {
      this.logger.warn('KAFKA_BROKERS is not set: reconciliation does not receive the ledger\'s journals');
      return;
    }
    const kafka = createKafka({ clientId: `${this.serviceConfig.serviceName}-consumer`, brokers: kafkaConfig.brokers });
    const producer = createOutboxProducer(kafka, { idempotent: kafkaConfig.producerIdempotent });
    this.producer = producer;
    const consumer = new InboxConsumer({
      bus: new KafkaMessageBus({ kafka, producer, ...(kafkaConfig.consumerMaxWaitMs === undefined ? {} : { consumerTuning: { maxWaitTimeInMs: kafkaConfig.consumerMaxWaitMs } }) }),
      groupId: RECONCILIATION_CONSUMER_GROUP,
      topics: [...RECONCILIATION_CONSUMED_TOPICS],
      pool: this.pool,
      schema: this.serviceConfig.databaseSchema,
      apply: this.runs.apply(),
      onError: (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, 'reconciliation consumer: batch failed; retrying it'),
      onRestart: (error, restart) => this.logger.warn({ error: (error as Error).message, restart }, 'reconciliation consumer: Kafka consumer restarted'),
    });
    this.consumer = consumer;
    await consumer.migrate();
    const started = await retryUntilDone(
      async () => {
        await producer.connect();
        await consumer.start();
      },
      this.stopping.signal,
      (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, 'reconciliation consumer: Kafka not reachable; retrying'),
    );
    if (started) this.logger.info({ topics: RECONCILIATION_CONSUMED_TOPICS }, 'reconciliation consumer started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.starting.catch(() => undefined);
    await this.consumer?.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
