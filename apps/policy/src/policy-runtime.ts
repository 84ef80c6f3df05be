import { Inject, Injectable, ServiceUnavailableException, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import { createKafka, createOutboxProducer, InboxConsumer, KafkaMessageBus } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { applyPolicyMessages, POLICY_CONSUMED_TOPICS, PolicyService } from '@custody/policy-application';
import { DATABASE_POOL, DatabaseReadiness, EVENT_STORE, RateLimitedWarning, retryUntilDone, SERVICE_CONFIG, SERVICE_LOGGER, type ServiceConfig } from '@custody/service-host';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { POLICY_CONFIG, type PolicyConfig } from './policy-config';

export const POLICY_CONSUMER_GROUP = 'policy';
const decimals = new Map(Object.entries(DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>).map(([asset, { decimals: places }]) => [asset, places]));

/**
 * The policy service's moving parts once its tables are ready: the consumer of wallet movements
 * and prices (with KAFKA_BROKERS), and a scheduled re-evaluation (a price goes stale with time
 * alone, with no event to say so).
 */
@Injectable()
export class PolicyRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly service: PolicyService;
  private ready = false;
  private consumer: InboxConsumer | undefined;
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private starting: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(POLICY_CONFIG) readonly config: PolicyConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.service = new PolicyService({ store, jurisdictions: config.jurisdictions, reportCurrency: config.reportCurrency, decimals, insurance: config.insurance, ...(config.tier1Capital === undefined ? {} : { tier1Capital: config.tier1Capital }) });
  }

  /** The service once its tables exist (503 before). */
  policy(): PolicyService {
    if (!this.ready) throw new ServiceUnavailableException({ statusCode: 503, code: 'POLICY_NOT_READY', reason: 'the policy tables are being prepared' });
    return this.service;
  }

  onApplicationBootstrap(): void {
    this.starting = this.readiness.prepare('policy tables', () => this.service.migrate(this.pool)).then(async () => {
      if (this.stopping.signal.aborted) return;
      this.ready = true;
      this.schedule();
      await this.startConsumer();
    });
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.service.store
        .withTransaction((transaction) => this.service.evaluateAndRecord(undefined, transaction))
        .then(() => undefined)
        .catch((error: unknown) => this.warning.warn({ error: (error as Error).message }, 'policy: scheduled evaluation failed; retried next interval'))
        .finally(() => this.schedule());
    }, this.config.evaluationIntervalMs);
  }

  private async startConsumer(): Promise<void> {
    const kafkaConfig = this.serviceConfig.kafka;
    if (kafkaConfig === undefined) {
      this.logger.warn('KAFKA_BROKERS is not set: the policy service does not consume wallet movements or prices');
      return;
    }
    const kafka = createKafka({ clientId: `${this.serviceConfig.serviceName}-consumer`, brokers: kafkaConfig.brokers });
    const producer = createOutboxProducer(kafka, { idempotent: kafkaConfig.producerIdempotent });
    this.producer = producer;
    const consumer = new InboxConsumer({
      bus: new KafkaMessageBus({ kafka, producer, ...(kafkaConfig.consumerMaxWaitMs === undefined ? {} : { consumerTuning: { maxWaitTimeInMs: kafkaConfig.consumerMaxWaitMs } }) }),
      groupId: POLICY_CONSUMER_GROUP,
      topics: [...POLICY_CONSUMED_TOPICS],
      pool: this.pool,
      schema: this.serviceConfig.databaseSchema,
      apply: applyPolicyMessages(this.service),
      onError: (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, 'policy consumer: batch failed; retrying it'),
      onRestart: (error, restart) => this.logger.warn({ error: (error as Error).message, restart }, 'policy consumer: Kafka consumer restarted'),
    });
    this.consumer = consumer;
    await consumer.migrate();
    const started = await retryUntilDone(
      async () => {
        await producer.connect();
        await consumer.start();
      },
      this.stopping.signal,
      (error, attempt) => this.warning.warn({ error: (error as Error).message, attempt }, 'policy consumer: Kafka not reachable; retrying'),
    );
    if (started) this.logger.info({ topics: POLICY_CONSUMED_TOPICS }, 'policy consumer started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.starting.catch(() => undefined);
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.consumer?.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
