import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
}

describe('structured logger', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('writes one JSON object per line with service, level and message', () => {
    const { lines, destination } = capture();
    createLogger('ledger', 'info', destination).info({ port: 3001 }, 'listening');
    expect(lines[0]).toMatchObject({
      service: 'ledger',
      level: 'info',
      message: 'listening',
      port: 3001,
    });
  });

  it('given an active span, then the line carries its trace and span ids', () => {
    const { lines, destination } = capture();
    const logger = createLogger('ledger', 'info', destination);
    trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info('inside');
      span.end();
      expect(lines[0]).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
    });
    logger.info('outside');
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('redacts authorization headers, secrets and passwords', () => {
    const { lines, destination } = capture();
    createLogger('ledger', 'info', destination).info(
      {
        headers: { authorization: 'Bearer abc.def.ghi' },
        config: { secret: 's3cr3t', password: 'hunter2' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/abc\.def\.ghi|s3cr3t|hunter2/);
    expect(text).toContain('[redacted]');
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger('ledger', 'warn', destination);
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((line) => line['message'])).toEqual(['kept']);
  });
});
