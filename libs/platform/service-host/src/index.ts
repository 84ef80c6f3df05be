export { formatConfigProblems, KAFKA_BROKERS_MAX, parseServiceConfig, type ConfigProblem, type KafkaConfig, type ServiceConfig, type ServiceConfigResult } from './config';
export { DatabaseReadiness } from './database-readiness';
export { EventRelayHost, RELAY_ERROR_LOG_INTERVAL_MS } from './event-relay';
export { EVENT_LOG_PAGE_DEFAULT, EVENT_LOG_PAGE_MAX } from './event-log.controller';
export { EXIT_CODE_CONFIG, runService, type RunServiceOptions } from './run-service';
export { ServiceHostModule, type ServiceHostModuleOptions } from './service-host.module';
export * from './tokens';
export { optionalBigIntQuery, optionalIntegerQuery, ValidationFailedException, type FieldError } from './validation';
