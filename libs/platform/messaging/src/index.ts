export { toEnvelope } from './envelope';
export { createKafka, createOutboxProducer, PRODUCER_RETRIES, type KafkaOptions } from './kafka';
export { OutboxRelay, RELAY_BATCH_EVENTS_DEFAULT, RELAY_POLL_INTERVAL_MS_DEFAULT, type OutboxRelayOptions } from './outbox-relay';
export { deterministicUuid, InboxConsumer, type ConsumedMessage, type InboxConsumerOptions } from './consumer';
export { redriveDeadLetters, REDRIVE_GROUP_ID_PREFIX, REDRIVE_IDLE_MS_DEFAULT, type RedriveOptions, type RedriveResult } from './redrive';
