import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { PostgresEventStore } from './postgres-event-store';
import { testEvent } from './test-events';

describe('event store spans (OpenTelemetry)', () => {
  const exporter = new InMemorySpanExporter();
  let db: TestDatabase;

  beforeAll(async () => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    db = await createTestDatabase();
  });
  afterAll(async () => {
    trace.disable();
    await db.drop();
  });

  it('records a span for each append and read, with the schema and sizes, and marks failures', async () => {
    const store = new PostgresEventStore({ pool: db.pool, schema: 'wallet' });
    await store.migrate();
    await store.appendToStream('s', [testEvent(), testEvent()], 'no-stream');
    await store.readStream('s');
    await store.appendToStream('s', [testEvent()], 'no-stream').catch(() => undefined);

    const spans = exporter
      .getFinishedSpans()
      .map((span) => ({ name: span.name, attributes: span.attributes, status: span.status.code }));
    expect(spans).toEqual([
      {
        name: 'event-store.append',
        attributes: {
          'event_store.schema': 'wallet',
          'event_store.streams': 1,
          'event_store.events': 2,
        },
        status: 0,
      },
      {
        name: 'event-store.read-stream',
        attributes: { 'event_store.schema': 'wallet' },
        status: 0,
      },
      {
        name: 'event-store.append',
        attributes: {
          'event_store.schema': 'wallet',
          'event_store.streams': 1,
          'event_store.events': 1,
        },
        status: 2,
      },
    ]);
  });
});
