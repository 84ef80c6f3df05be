export { toEnvelope } from './envelope';
export {
  createKafka,
  createOutboxProducer,
  KAFKA_INLINE_SECRET_VARIABLES,
  KAFKA_PASSWORD_FILE_BYTES_MAX,
  KAFKA_PEM_FILE_BYTES_MAX,
  KAFKA_PLAINTEXT,
  KAFKA_SASL_MECHANISMS,
  kafkaClientConfig,
  KafkaSecret,
  kafkaTransportSecurityOrThrow,
  parseKafkaTransportSecurity,
  PRODUCER_RETRIES,
  type KafkaOptions,
  type KafkaSasl,
  type KafkaSaslMechanism,
  type KafkaSecurityProblem,
  type KafkaSecurityResult,
  type KafkaTls,
  type KafkaTransportSecurity,
} from './kafka';
export {
  KafkaMessageBus,
  CONSUMER_RETRIES,
  type KafkaConsumerTuning,
  type KafkaMessageBusOptions,
} from './kafka-bus';
export {
  InProcessMessageBus,
  IN_PROCESS_BATCH_MESSAGES_MAX,
  IN_PROCESS_DELIVERY_TIMEOUT_MS,
  IN_PROCESS_PARTITIONS_DEFAULT,
  IN_PROCESS_PARTITION_MESSAGES_MAX,
  IN_PROCESS_RETENTION_MESSAGES,
  type InProcessMessageBusOptions,
} from './in-process-bus';
export * from './ports';
export {
  OutboxRelay,
  RELAY_BATCH_EVENTS_DEFAULT,
  RELAY_POLL_INTERVAL_MS_DEFAULT,
  type OutboxRelayOptions,
} from './outbox-relay';
export {
  deterministicUuid,
  EXCHANGE_TOPIC_PREFIX,
  InboxConsumer,
  MESSAGE_ID_CONFLICT_CODE,
  migrateInbox,
  payloadDigest,
  type ApplyOutcome,
  type ConsumedMessage,
  type InboxConsumerOptions,
  type Rejection,
} from './consumer';
export {
  redriveDeadLetters,
  REDRIVE_GROUP_ID_PREFIX,
  REDRIVE_IDLE_MS_DEFAULT,
  type RedriveOptions,
  type RedriveResult,
} from './redrive';
export {
  EXCHANGE_KEY_ID_PATTERN,
  EXCHANGE_PUBLIC_KEYS_MAX,
  EXCHANGE_SIGNATURE_CODES,
  EXCHANGE_SIGNATURE_HEADER,
  EXCHANGE_SIGNATURE_KEY_ID_HEADER,
  ExchangeKeyFileError,
  ExchangeSignatureVerifier,
  exchangeSignedBytes,
  readExchangePublicKeys,
  readExchangeSigningKey,
  signExchangeMessage,
  type ExchangePublicKey,
  type ExchangeSignatureCode,
  type ExchangeSigningKey,
  type SignatureCheck,
} from './exchange-signature';
