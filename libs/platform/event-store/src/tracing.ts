import {
  createTraceState,
  isSpanContextValid,
  SpanStatusCode,
  trace,
  type Attributes,
  type SpanContext,
} from '@opentelemetry/api';
import type { JsonObject } from './types';

const tracer = trace.getTracer('custody.event-store');

/** Runs `work` inside a span named `event-store.<operation>`; records failures on the span. */
export async function withSpan<T>(
  operation: string,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(`event-store.${operation}`, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The W3C trace context of the active span, for the metadata of events appended inside it: the
 * outbox relay continues the trace from there. Empty when nothing is being traced.
 */
export function activeTraceContext(): { traceparent?: string; tracestate?: string } {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !isSpanContextValid(context)) return {};
  const tracestate = context.traceState?.serialize();
  return {
    traceparent: formatTraceparent(context),
    ...(tracestate === undefined || tracestate === '' ? {} : { tracestate }),
  };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A span context as a W3C traceparent (version 00). */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A remote span context from a W3C traceparent; undefined when absent, malformed or all zeros. */
export function parseTraceparent(
  traceparent: string | undefined,
  tracestate?: string,
): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent ?? '');
  if (match === null) return undefined;
  const context: SpanContext = {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: parseInt(match[3] as string, 16),
    isRemote: true,
    ...(tracestate === undefined ? {} : { traceState: createTraceState(tracestate) }),
  };
  return isSpanContextValid(context) ? context : undefined;
}

/** Events carrying the active trace context in their metadata, unless they name one already. */
export function withTraceContext<E extends { readonly metadata?: JsonObject }>(
  events: readonly E[],
): readonly E[] {
  const traceContext = activeTraceContext();
  if (traceContext.traceparent === undefined) return events;
  return events.map((event) =>
    event.metadata?.['traceparent'] === undefined
      ? { ...event, metadata: { ...event.metadata, ...traceContext } }
      : event,
  );
}
