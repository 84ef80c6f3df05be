// No NestJS here: this lib is loaded before Nest so instrumentation can patch http first.
export { createLogger, LOG_LEVELS, type LogLevel, type Logger } from './logger';
export { createServiceMetrics, type ServiceMetrics } from './metrics';
export { isHttpUrl, startTelemetry, type Telemetry, type TelemetryOptions } from './telemetry';
