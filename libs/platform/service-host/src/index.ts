export { formatConfigProblems, KAFKA_BROKERS_MAX, parseServiceConfig, type ConfigProblem, type KafkaConfig, type ServiceConfig, type ServiceConfigResult } from './config';
export { DatabaseReadiness } from './database-readiness';
export { EventRelayHost, LAG_COLLECT_TIMEOUT_MS } from './event-relay';
export { RateLimitedWarning, retryUntilDone, RETRY_DELAY_MS_MAX, RETRY_DELAY_MS_MIN, WARNING_LOG_INTERVAL_MS, withTimeout } from './resilience';
export { EVENT_LOG_PAGE_DEFAULT, EVENT_LOG_PAGE_MAX } from './event-log.controller';
export { EXIT_CODE_CONFIG, runService, type RunServiceOptions } from './run-service';
export { ServiceHostModule, type ServiceHostModuleOptions } from './service-host.module';
export * from './tokens';
export { optionalBigIntQuery, optionalIntegerQuery, ValidationFailedException, type FieldError } from './validation';
