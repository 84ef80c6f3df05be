import { startTelemetry } from '@custody/observability';

/** Loaded first by main.ts, before NestJS and http, so the instrumentation can patch them. */
export const telemetry = startTelemetry({
  serviceName: 'ledger',
  otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'],
});
