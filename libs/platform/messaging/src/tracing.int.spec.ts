import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LEDGER_EVENTS_TOPIC, type Topic } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  createTestDatabase,
  readTopic,
  startKafkaTestBroker,
  TEST_CONSUMER_TUNING,
  waitFor,
  type KafkaTestBroker,
  type TestDatabase,
} from '@custody/testing';
import {
  context,
  createTraceState,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { logLevel, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { InboxConsumer } from './consumer';
import { createKafka, createOutboxProducer } from './kafka';
import { KafkaMessageBus } from './kafka-bus';
import { OutboxRelay } from './outbox-relay';

const WAIT_MS = 20_000;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const POLICY_GROUP = 'policy-ledger-projection';

const parentOf = (span: ReadableSpan): SpanContext | undefined => span.parentSpanContext;
const header = (message: KafkaMessage, name: string): string | undefined =>
  message.headers?.[name]?.toString();

/**
 * Issue 3 item 6: one W3C trace from an HTTP command in the ledger service through its event
 * store, its outbox relay and Kafka, to the inbox consumer of another service (policy). The
 * spans are real: the HTTP server span comes from OpenTelemetry's http instrumentation (as
 * startTelemetry installs it), the rest from the event store, the relay and the consumer.
 */
describe('trace context from an HTTP command to a consumer in another service (PostgreSQL + Kafka test broker)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  // Incoming requests only: the one outgoing call (fetch) is undici, which this does not trace anyway.
  const httpInstrumentation = new HttpInstrumentation({
    enabled: false,
    disableOutgoingRequestInstrumentation: true,
  });
  const httpModule = () => {
    const definition = httpInstrumentation
      .getModuleDefinitions()
      .find((module) => module.name === 'http');
    if (definition === undefined)
      throw new Error('assertion: the http instrumentation defines no http module');
    return definition;
  };
  const clientTracer = trace.getTracer('test.upstream-client');
  const consumerErrors: unknown[] = [];
  /** The trace the policy handler ran in, per message: what it does next continues that trace. */
  const handlerTraceIds = new Map<string, string | undefined>();

  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let server: http.Server;
  let commandUrl: string;
  // service A: ledger
  let ledgerKafka: Kafka;
  let ledgerProducer: Producer;
  let ledgerStore: PostgresEventStore;
  let relay: OutboxRelay;
  // service B: policy (its own pool, schema, Kafka client and consumer group)
  let policyPool: Pool;
  let policyKafka: Kafka;
  let policyProducer: Producer;
  let policyConsumer: InboxConsumer;

  const appliedIds = async (): Promise<string[]> =>
    (
      await policyPool.query<{ event_id: string }>(
        'select event_id from policy.ledger_bookings order by event_id',
      )
    ).rows.map((row) => row.event_id);
  const consumerSpanOf = (eventId: string): ReadableSpan | undefined =>
    exporter
      .getFinishedSpans()
      .find(
        (span) =>
          span.kind === SpanKind.CONSUMER && span.attributes['messaging.message.id'] === eventId,
      );

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    httpInstrumentation.setTracerProvider(provider);
    // Jest's module registry bypasses require hooks, so the instrumentation's own patch of
    // node:http is applied directly (startTelemetry's NodeSDK applies it through the hook).
    httpModule().patch?.(http);

    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    await broker.command(`topic ${LEDGER_EVENTS_TOPIC} 3 3`);

    ledgerKafka = createKafka({
      clientId: 'ledger',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    ledgerProducer = createOutboxProducer(ledgerKafka, { idempotent: false }); // the mock cannot serve idempotent producers
    ledgerStore = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    policyPool = new Pool({ connectionString: db.url, max: 4 });
    policyKafka = createKafka({
      clientId: 'policy',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    policyProducer = createOutboxProducer(policyKafka, { idempotent: false });
    await Promise.all([ledgerProducer.connect(), policyProducer.connect(), ledgerStore.migrate()]);

    // Service A's command endpoint: POST /v1/bookings appends AmountBooked to the ledger's store.
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          const command = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            accountId: string;
            amountMinor: string;
          };
          const eventId = randomUUID();
          await ledgerStore.append([
            {
              streamId: `account-${command.accountId}`,
              expectedVersion: 'any',
              events: [
                {
                  eventId,
                  type: 'AmountBooked',
                  schemaVersion: 1,
                  data: { amountMinor: command.amountMinor },
                  metadata: { correlationId: randomUUID() },
                },
              ],
            },
          ]);
          response
            .writeHead(202, { 'content-type': 'application/json' })
            .end(JSON.stringify({ eventId }));
        })().catch((error: Error) => response.writeHead(500).end(error.message));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    commandUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/bookings`;

    relay = new OutboxRelay(ledgerStore, {
      topic: LEDGER_EVENTS_TOPIC,
      publisher: new KafkaMessageBus({ kafka: ledgerKafka, producer: ledgerProducer }).publisher,
      pollIntervalMs: 20,
    });
    relay.start();

    policyConsumer = new InboxConsumer({
      bus: new KafkaMessageBus({
        kafka: policyKafka,
        producer: policyProducer,
        consumerTuning: TEST_CONSUMER_TUNING,
      }),
      groupId: POLICY_GROUP,
      topics: [LEDGER_EVENTS_TOPIC as Topic],
      pool: policyPool,
      schema: 'policy',
      onError: (error) => consumerErrors.push(error),
      apply: async (messages, client) => {
        for (const message of messages)
          handlerTraceIds.set(message.messageId, trace.getActiveSpan()?.spanContext().traceId);
        await client.query(
          'insert into policy.ledger_bookings (event_id, amount_minor) select * from unnest($1::uuid[], $2::numeric[])',
          [
            messages.map((message) => message.messageId),
            messages.map((message) => (message.value.data as { amountMinor: string }).amountMinor),
          ],
        );
      },
    });
    await policyConsumer.migrate();
    await policyPool.query(
      'create table policy.ledger_bookings (event_id uuid primary key, amount_minor numeric not null)',
    );
    await policyConsumer.start();
  });

  afterAll(async () => {
    await policyConsumer?.stop();
    await relay?.stop();
    await new Promise((resolve) =>
      server === undefined ? resolve(undefined) : server.close(resolve),
    );
    await Promise.all([ledgerProducer?.disconnect(), policyProducer?.disconnect()]);
    await policyPool?.end();
    await broker?.stop();
    await db?.drop();
    httpModule().unpatch?.(http);
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('given an upstream caller with a trace, when it sends an HTTP command to the ledger, then the HTTP server, the append, the relay publish and the policy consumer all join its ONE trace, each the child of the one before, and the Kafka message carries that trace in W3C headers', async () => {
    // The upstream caller is itself part of a trace that carries vendor state (tracestate).
    const upstream = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState('upstream=exchange-7'),
    });
    // A fresh reader of the topic, as any other subscriber would read it; it joins its group meanwhile.
    let eventId = '';
    let done = false;
    const isOurs = (read: KafkaMessage) => eventId !== '' && header(read, 'event-id') === eventId;
    const reading = readTopic(ledgerKafka, LEDGER_EVENTS_TOPIC, {
      until: (messages) => done || messages.some(isOurs),
      waitMs: WAIT_MS,
    });

    try {
      const clientSpan = clientTracer.startSpan(
        'POST /v1/bookings',
        { kind: SpanKind.CLIENT },
        upstream,
      );
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      propagation.inject(trace.setSpan(upstream, clientSpan), headers);
      expect(headers['traceparent']).toMatch(TRACEPARENT);
      // fetch (undici) is not instrumented: the only client span is the caller's own.
      const response = await fetch(commandUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ accountId: 'c-1', amountMinor: '1250' }),
      });
      clientSpan.end();
      expect(response.status).toBe(202);
      ({ eventId } = (await response.json()) as { eventId: string });

      await waitFor(
        async () => (await appliedIds()).includes(eventId) && consumerSpanOf(eventId) !== undefined,
        'the policy consumer to apply the event',
        WAIT_MS,
      );
      const traceId = clientSpan.spanContext().traceId;
      const spans = exporter.getFinishedSpans();
      const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
      const appendSpan = spans.find(
        (span) =>
          span.name === 'event-store.append' && span.attributes['event_store.schema'] === 'ledger',
      );
      const publishSpan = spans.find(
        (span) =>
          span.kind === SpanKind.PRODUCER && span.attributes['messaging.message.id'] === eventId,
      );
      const consumerSpan = consumerSpanOf(eventId);
      expect(serverSpan?.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http'); // real HTTP handling, not a hand-made span
      expect(publishSpan?.name).toBe(`${LEDGER_EVENTS_TOPIC} publish`);
      expect(consumerSpan?.name).toBe(`${LEDGER_EVENTS_TOPIC} process`);
      expect(consumerSpan?.attributes['messaging.consumer.group.name']).toBe(POLICY_GROUP);
      expect(consumerSpan?.attributes['custody.inbox.duplicate']).toBe(false);

      // ONE trace, the caller's
      const chain = [serverSpan, appendSpan, publishSpan, consumerSpan];
      expect(chain.map((span) => span?.spanContext().traceId)).toEqual([
        traceId,
        traceId,
        traceId,
        traceId,
      ]);
      // each the child of the one before: caller -> HTTP server -> append -> publish -> consumer
      expect(parentOf(serverSpan as ReadableSpan)?.spanId).toBe(clientSpan.spanContext().spanId);
      expect(parentOf(serverSpan as ReadableSpan)?.isRemote).toBe(true);
      expect(parentOf(appendSpan as ReadableSpan)?.spanId).toBe(serverSpan?.spanContext().spanId);
      expect(parentOf(publishSpan as ReadableSpan)?.spanId).toBe(appendSpan?.spanContext().spanId);
      expect(parentOf(consumerSpan as ReadableSpan)?.spanId).toBe(
        publishSpan?.spanContext().spanId,
      );
      expect(parentOf(consumerSpan as ReadableSpan)?.isRemote).toBe(true);
      // the handler ran inside that trace: what the policy service does next continues it
      expect(handlerTraceIds.get(eventId)).toBe(traceId);
      // the vendor state travelled the whole way
      expect(consumerSpan?.spanContext().traceState?.get('upstream')).toBe('exchange-7');

      // the stored event remembers the append span's context (what the relay continues)
      const [stored] = (await ledgerStore.readAll({ maxCount: 1_000 })).filter(
        (event) => event.eventId === eventId,
      );
      expect(stored?.metadata['traceparent']).toBe(
        `00-${traceId}-${appendSpan?.spanContext().spanId}-01`,
      );

      // the message on the topic: W3C headers naming the publish span
      const [message] = (await reading).filter(isOurs);
      expect(message).toBeDefined();
      const traceparent = header(message as KafkaMessage, 'traceparent');
      expect(traceparent).toMatch(TRACEPARENT);
      expect(traceparent).toBe(`00-${traceId}-${publishSpan?.spanContext().spanId}-01`);
      expect(header(message as KafkaMessage, 'tracestate')).toBe('upstream=exchange-7');
      expect(consumerErrors).toEqual([]);
    } finally {
      done = true; // a failed assertion must not leave the reader behind
      await reading;
    }
  });

  it('given messages whose traceparent header is malformed or all zeros (and no trace in the envelope), when the policy consumer takes them, then each is applied under a new root trace and nothing fails', async () => {
    const earlierTraces = new Set(
      exporter.getFinishedSpans().map((span) => span.spanContext().traceId),
    );
    const bad = [
      '00-not-a-trace-parent',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    ];
    const envelopes = bad.map((_, index) => ({
      eventId: randomUUID(),
      type: 'AmountBooked',
      schemaVersion: 1,
      streamId: `account-upstream-${index}`,
      streamVersion: '1',
      occurredAt: '2026-11-24T00:00:00.000Z',
      causationId: null,
      correlationId: randomUUID(),
      data: { amountMinor: '7' },
    }));
    await new KafkaMessageBus({ kafka: ledgerKafka, producer: ledgerProducer }).publisher.publish(
      LEDGER_EVENTS_TOPIC,
      envelopes.map((envelope, index) => ({
        key: envelope.streamId,
        value: JSON.stringify(envelope),
        headers: { traceparent: bad[index] as string, 'event-id': envelope.eventId },
      })),
    );

    await waitFor(
      async () => {
        const applied = await appliedIds();
        return envelopes.every(
          (envelope) =>
            applied.includes(envelope.eventId) && consumerSpanOf(envelope.eventId) !== undefined,
        );
      },
      'the policy consumer to apply both messages',
      WAIT_MS,
    );
    const consumerSpans = envelopes.map(
      (envelope) => consumerSpanOf(envelope.eventId) as ReadableSpan,
    );
    for (const span of consumerSpans) {
      expect(parentOf(span)).toBeUndefined(); // a root: no parent at all
      expect(span.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(earlierTraces.has(span.spanContext().traceId)).toBe(false);
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    expect(new Set(consumerSpans.map((span) => span.spanContext().traceId)).size).toBe(2); // one new trace each
    expect(consumerErrors).toEqual([]);
  });
});
