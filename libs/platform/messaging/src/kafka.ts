import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';

export const PRODUCER_RETRIES = 5;
export const PRODUCER_INITIAL_RETRY_MS = 100;
export const PRODUCER_MAX_RETRY_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 10_000;

export interface KafkaOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** kafkajs's own logging; WARN by default. Tests that take brokers down on purpose use NOTHING. */
  readonly logLevel?: logLevel;
}

export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: options.logLevel ?? logLevel.WARN,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { retries: PRODUCER_RETRIES, initialRetryTime: PRODUCER_INITIAL_RETRY_MS, maxRetryTime: PRODUCER_MAX_RETRY_MS },
  });
}

/**
 * A producer for the outbox relay. Idempotence is ON by default (production): the broker then
 * drops a retried batch it already has. The test broker (librdkafka's mock) cannot serve
 * idempotent producers (its metadata names controller id 0), so tests turn it off; delivery is
 * at-least-once either way and consumers are idempotent (inbox). Without idempotence, one
 * request in flight keeps a retried batch from overtaking the next: per-stream order holds.
 */
export function createOutboxProducer(kafka: Kafka, options: { idempotent?: boolean } = {}): Producer {
  const idempotent = options.idempotent ?? true;
  return kafka.producer({
    idempotent,
    // Bounded even when idempotent (kafkajs would retry an idempotent send forever, so a Kafka
    // outage would hold the relay's transaction open and its stop() hostage, with no error
    // reported). kafkajs warns that this "may invalidate EoS": we rely on at-least-once plus
    // idempotent consumers, not on exactly-once producing; a failed send is retried by the relay.
    retry: { retries: PRODUCER_RETRIES, initialRetryTime: PRODUCER_INITIAL_RETRY_MS, maxRetryTime: PRODUCER_MAX_RETRY_MS },
    maxInFlightRequests: idempotent ? 5 : 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
