export {
  formatConfigProblems,
  KAFKA_BROKERS_MAX,
  parseInteger,
  parseServiceConfig,
  SHUTDOWN_DRAIN_MS_LIMIT,
  type ConfigProblem,
  type KafkaConfig,
  type ServiceConfig,
  type ServiceConfigResult,
} from './config';
export { DatabaseReadiness } from './database-readiness';
export { PreparedGate, type PreparedGateOptions } from './prepared-gate';
export { slice } from './slice-provider';
export { EventRelayHost, type RelayTransport } from './event-relay';
export { SCRAPE_COLLECT_TIMEOUT_MS, scrapedGauge, type ScrapedGaugeOptions } from './scraped-gauge';
export {
  RateLimitedWarning,
  retryUntilDone,
  RETRY_DELAY_MS_MAX,
  RETRY_DELAY_MS_MIN,
  WARNING_LOG_INTERVAL_MS,
  withTimeout,
} from './resilience';
export { EVENT_LOG_PAGE_DEFAULT, EVENT_LOG_PAGE_MAX } from './event-log.controller';
export {
  createServiceApp,
  EXIT_CODE_CONFIG,
  problemsOf,
  runService,
  SHUTDOWN_TIMEOUT_MS,
  type CreateServiceAppOptions,
  type RunServiceOptions,
  type ServiceApp,
  type ServiceDefinition,
  type ServiceAppResult,
} from './run-service';
export { ServiceHostModule, type ServiceHostModuleOptions } from './service-host.module';
export * from './tokens';
export {
  optionalBigIntQuery,
  optionalIntegerQuery,
  POSITION_MAX,
  POSITION_REASON,
  positionFromText,
  ValidationFailedException,
  type FieldError,
} from './validation';
export {
  acceptedOrRefused,
  jsonView,
  parseInput,
  positionText,
  refusal,
  refusedCommand,
  type CommandRefusal,
} from './http-input';
export { LOST_RACE_REASON, LostRaceFilter } from './lost-race.filter';
export { BusIngestion, type BusIngestionOptions } from './bus-ingestion';
export {
  connectInboxTransport,
  handledTopics,
  INBOX_TRANSPORT,
  inboxTransportProvider,
  InboxContext,
  InboxTransport,
  MessageController,
  RethrowToInbox,
  type InboxBatch,
  type InboxHandlerResult,
  type InboxTransportOptions,
} from './inbox-transport';
export { JsonWebhook, WEBHOOK_TIMEOUT_MS } from './json-webhook';
export { ensureDatabase } from './ensure-database';
export {
  migrateSecurityEvents,
  SECURITY_EVENT_RECORDER,
  SECURITY_EVENTS_PAGE_MAX,
  SECURITY_EVENTS_QUEUE_MAX,
  SecurityEventRecorder,
  SecurityEventsController,
  type SecurityEventRecord,
} from './security-events';
export { ClientData, ClientDataInterceptor } from './client-data';
