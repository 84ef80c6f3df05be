import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = LevelWithSilent;

/**
 * Structured JSON logs, one object a line, each carrying the active trace and span id so a
 * log line can be found from a trace and back. Keys that could hold secrets are redacted.
 */
export function createLogger(
  serviceName: string,
  level: LogLevel = 'info',
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service: serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.secret',
          '*.password',
          'secret',
          'password',
        ],
        censor: '[redacted]',
      },
      mixin() {
        const spanContext = trace.getActiveSpan()?.spanContext();
        return spanContext === undefined
          ? {}
          : { trace_id: spanContext.traceId, span_id: spanContext.spanId };
      },
    },
    destination,
  );
}

export type { Logger };
