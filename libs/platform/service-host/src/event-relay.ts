import { SERVICE_EVENTS_TOPICS, type ServiceEventsTopic } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import { createKafka, createOutboxProducer, KafkaMessageBus, OutboxRelay } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import type { Producer } from 'kafkajs';
import { Counter, Gauge } from 'prom-client';
import type { KafkaConfig } from './config';

/** Errors of the relay are logged at most this often (it retries with backoff meanwhile). */
export const RELAY_ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The service's outbox relay to Kafka (ARCHITECTURE.md: the event table is the outbox): from
 * the moment its event store is prepared, every event is published to
 * custody.<service>.events.v1, keyed by stream id, at least once and in stream order. Exposes
 * relay lag (events stored but not yet acknowledged by Kafka) and published/failed counters.
 */
export class EventRelayHost {
  private readonly producer: Producer;
  private readonly relay: OutboxRelay;
  private stopped = false;
  private started = false;
  private lastErrorLogAt = 0;
  private readonly topic: ServiceEventsTopic;

  constructor(
    serviceName: string,
    private readonly store: PostgresEventStore,
    config: KafkaConfig,
    private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    const kafka = createKafka({ clientId: serviceName, brokers: config.brokers });
    this.producer = createOutboxProducer(kafka, { idempotent: config.producerIdempotent });
    const topic = SERVICE_EVENTS_TOPICS[serviceName as keyof typeof SERVICE_EVENTS_TOPICS];
    if (topic === undefined) throw new Error(`assertion: '${serviceName}' has no events topic in @custody/contracts`);
    this.topic = topic;
    const published = new Counter({ name: 'custody_outbox_relay_published_events_total', help: 'Events the outbox relay has published and Kafka acknowledged.', registers: [metrics.registry] });
    const failures = new Counter({ name: 'custody_outbox_relay_failures_total', help: 'Failed publish attempts of the outbox relay (each is retried).', registers: [metrics.registry] });
    const lag: Gauge = new Gauge({
      name: 'custody_outbox_relay_lag_events',
      help: 'Events in the store not yet acknowledged by Kafka (head global position minus the relay checkpoint).',
      registers: [metrics.registry],
      collect: (): Promise<void> => this.collectLag(lag),
    });
    this.relay = new OutboxRelay(store, {
      topic,
      publisher: new KafkaMessageBus({ kafka, producer: this.producer }).publisher,
      onPublished: (events) => published.inc(events.length),
      onError: (error, attempt) => {
        failures.inc();
        if (Date.now() - this.lastErrorLogAt < RELAY_ERROR_LOG_INTERVAL_MS) return;
        this.lastErrorLogAt = Date.now();
        this.logger.warn({ error: (error as Error).message, attempt, topic }, 'outbox relay: publish failed; retrying');
      },
    });
  }

  private async collectLag(lag: Gauge): Promise<void> {
    if (!this.started) return;
    const [head, checkpoint] = await Promise.all([this.store.headPosition(), this.relay.checkpoint()]);
    lag.set(Number(head - checkpoint)); // a count of events, far below 2^53
  }

  /** Starts relaying once `ready` resolves (the event store's schema is prepared). */
  start(ready: Promise<void>): void {
    void ready.then(async () => {
      if (this.stopped) return;
      await this.producer.connect().catch((error: unknown) => this.logger.warn({ error: (error as Error).message }, 'outbox relay: Kafka not reachable yet; the relay retries'));
      if (this.stopped) return;
      this.relay.start();
      this.started = true;
      this.logger.info({ topic: this.topic }, 'outbox relay started');
    });
  }

  /** Stops after the batch in hand (its checkpoint commits only if Kafka acknowledged it). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.started) await this.relay.stop();
    await this.producer.disconnect().catch(() => undefined);
  }
}
