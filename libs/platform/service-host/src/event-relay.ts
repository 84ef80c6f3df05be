import { SERVICE_EVENTS_TOPICS, type ServiceEventsTopic } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import {
  createKafka,
  createOutboxProducer,
  KafkaMessageBus,
  OutboxRelay,
  type MessageBus,
  type MessagePublisher,
} from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import type { Producer } from 'kafkajs';
import { Counter } from 'prom-client';
import type { KafkaConfig } from './config';
import { RateLimitedWarning, retryUntilDone } from './resilience';
import { scrapedGauge } from './scraped-gauge';

/** Where the relay publishes: Kafka, or the bus the services of one process share (the all-in-one runner). */
export type RelayTransport = { readonly kafka: KafkaConfig } | { readonly embeddedBus: MessageBus };

/**
 * The service's outbox relay (ARCHITECTURE.md: the event table is the outbox): from the moment
 * its event store is prepared, every event is published to custody.<service>.events.v1 on Kafka
 * or the in-process bus, keyed by stream id, at least once and in stream order. Exposes
 * relay lag (events stored but not yet acknowledged by Kafka) and published/failed counters.
 */
export class EventRelayHost {
  /** Kafka's producer; none on the in-process bus. */
  private readonly producer: Producer | undefined;
  private readonly relay: OutboxRelay;
  private started = false;
  private starting: Promise<void> = Promise.resolve();
  /** The lag is measured from the moment the schema exists, also while Kafka is unreachable. */
  private schemaReady = false;
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;
  private readonly topic: ServiceEventsTopic;

  constructor(
    serviceName: string,
    private readonly store: PostgresEventStore,
    transport: RelayTransport,
    private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.warning = new RateLimitedWarning(logger);
    let publisher: MessagePublisher;
    if ('kafka' in transport) {
      const kafka = createKafka({
        clientId: serviceName,
        brokers: transport.kafka.brokers,
        security: transport.kafka.security,
      });
      this.producer = createOutboxProducer(kafka, {
        idempotent: transport.kafka.producerIdempotent,
      });
      publisher = new KafkaMessageBus({ kafka, producer: this.producer }).publisher;
    } else {
      publisher = transport.embeddedBus.publisher;
    }
    const topic = SERVICE_EVENTS_TOPICS[serviceName as keyof typeof SERVICE_EVENTS_TOPICS];
    if (topic === undefined)
      throw new Error(`assertion: '${serviceName}' has no events topic in @custody/contracts`);
    this.topic = topic;
    const published = new Counter({
      name: 'custody_outbox_relay_published_events_total',
      help: 'Events the outbox relay has published and Kafka acknowledged.',
      registers: [metrics.registry],
    });
    const failures = new Counter({
      name: 'custody_outbox_relay_failures_total',
      help: 'Failed publish attempts of the outbox relay (each is retried).',
      registers: [metrics.registry],
    });
    scrapedGauge(metrics, logger, {
      name: 'custody_outbox_relay_lag_events',
      help: 'Events in the store not yet acknowledged by Kafka (head global position minus the relay checkpoint).',
      // measured from the moment the schema exists, also while Kafka is unreachable; not while stopping (the pool closes)
      read: async () => {
        if (!this.schemaReady || this.stopping.signal.aborted) return undefined;
        const [head, checkpoint] = await Promise.all([
          this.store.headPosition(),
          this.relay.checkpoint(),
        ]);
        return [[{}, Number(head - checkpoint)]]; // a count of events, far below 2^53
      },
    });
    this.relay = new OutboxRelay(store, {
      topic,
      publisher,
      onPublished: (events) => published.inc(events.length),
      onError: (error, attempt) => {
        failures.inc();
        this.warning.warn(
          { error: (error as Error).message, attempt, topic },
          'outbox relay: publish failed; retrying',
        );
      },
    });
  }

  /**
   * Starts relaying once `ready` resolves (the event store's schema is prepared) and Kafka has
   * accepted the producer's connection: kafkajs never reconnects a producer whose first
   * connect() failed, so the connection is retried here with a capped backoff.
   */
  start(ready: Promise<void>): void {
    this.starting = ready.then(async () => {
      this.schemaReady = true;
      const producer = this.producer;
      const connected =
        producer === undefined
          ? !this.stopping.signal.aborted
          : await retryUntilDone(
              () => producer.connect(),
              this.stopping.signal,
              (error, attempt) =>
                this.warning.warn(
                  { error: (error as Error).message, attempt },
                  'outbox relay: Kafka not reachable; retrying the connection',
                ),
            );
      if (!connected) return;
      this.relay.start();
      this.started = true;
      this.logger.info({ topic: this.topic }, 'outbox relay started');
    });
  }

  /**
   * Stops the relay and disconnects the producer together: a send in flight then fails at once,
   * its transaction rolls back and its events are published again after the restart (the
   * checkpoint only moves after an acknowledgement).
   */
  async stop(): Promise<void> {
    this.stopping.abort(); // a connection retry waiting out its backoff ends at once
    await this.starting;
    await Promise.all([
      this.started ? this.relay.stop() : undefined,
      this.producer?.disconnect().catch(() => undefined),
    ]);
  }
}
