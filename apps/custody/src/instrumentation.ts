import { startTelemetry } from '@custody/observability';

/** Loaded first by main.ts, before NestJS and http, so the instrumentation can patch them: one SDK for the five services of the process. */
export const telemetry = startTelemetry({
  serviceName: 'custody',
  otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'],
});
