import { context, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  activeTraceContext,
  formatTraceparent,
  parseTraceparent,
  withTraceContext,
} from './tracing';
import type { JsonObject } from './types';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  it.each([
    ['sampled', TraceFlags.SAMPLED, '01'],
    ['not sampled', TraceFlags.NONE, '00'],
  ])(
    'given a %s span context, when formatted and parsed back, then the same context returns, as a remote parent',
    (_case, traceFlags, flags) => {
      const local: SpanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags };
      const traceparent = formatTraceparent(local);
      expect(traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-${flags}`);
      expect(parseTraceparent(traceparent)).toEqual({ ...local, isRemote: true });
    },
  );

  it('given a tracestate with the traceparent, when parsed, then the vendor entries are kept', () => {
    const parsed = parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`, 'vendor=abc,other=1');
    expect(parsed?.traceState?.get('vendor')).toBe('abc');
    expect(parsed?.traceState?.serialize()).toBe('vendor=abc,other=1');
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not a traceparent', 'not-a-traceparent'],
    ['uppercase hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['a short span id', `00-${TRACE_ID}-${SPAN_ID.slice(1)}-01`],
    ['trailing data', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['surrounding space', ` 00-${TRACE_ID}-${SPAN_ID}-01`],
    ['the invalid version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
  ])(
    'given a traceparent that is %s, when parsed, then there is no parent (the consumer starts a new trace)',
    (_case, traceparent) => {
      expect(parseTraceparent(traceparent)).toBeUndefined();
    },
  );
});

describe('trace context of appended events', () => {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();

  afterEach(() => {
    trace.disable();
    context.disable();
  });

  const events: readonly { eventId: string; metadata: JsonObject }[] = [
    { eventId: 'a', metadata: { correlationId: 'c-1' } },
    { eventId: 'b', metadata: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` } },
  ];

  it('given no active span, then events are left as they are', () => {
    expect(activeTraceContext()).toEqual({});
    expect(withTraceContext(events)).toBe(events);
  });

  it('given an active span, then each event without a traceparent gets the span context, and one naming its own keeps it', async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    await trace.getTracer('test').startActiveSpan('command', async (span) => {
      await Promise.resolve(); // still inside after an await
      const own = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
      expect(activeTraceContext()).toEqual({ traceparent: own });
      expect(withTraceContext(events)).toEqual([
        { eventId: 'a', metadata: { correlationId: 'c-1', traceparent: own } },
        { eventId: 'b', metadata: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` } },
      ]);
      span.end();
    });
  });
});
