import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Paths whose requests are not traced: probes and scrapes would drown real traffic. */
const UNTRACED_PATHS = ['/health/live', '/health/ready', '/metrics'];

export interface TelemetryOptions {
  readonly serviceName: string;
  /** OTLP/HTTP traces endpoint base, e.g. http://otel-collector:4318. No exporter when absent. */
  readonly otlpEndpoint?: string;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK. Call it before NestJS, express or http are loaded, so the
 * http instrumentation can patch them. Without an endpoint, spans still get trace ids (for
 * the logs) but nothing is exported: nothing leaves the process unless configured.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint !== undefined && isHttpUrl(options.otlpEndpoint)) {
    const url = new URL('/v1/traces', options.otlpEndpoint).toString();
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors,
    metricReaders: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) =>
          UNTRACED_PATHS.includes((request.url ?? '').split('?')[0] ?? ''),
      }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** True for an absolute http: or https: URL (an OTLP endpoint, for example). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
