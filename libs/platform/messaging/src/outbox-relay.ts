import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { PostgresEventStore, RecordedEvent } from '@custody/event-store';
import { formatTraceparent, parseTraceparent, Subscription } from '@custody/event-store';
import { toEnvelope } from './envelope';
import type { MessagePublisher, OutboundMessage } from './ports';

export const RELAY_BATCH_EVENTS_DEFAULT = 500;
export const RELAY_POLL_INTERVAL_MS_DEFAULT = 100;

const tracer = trace.getTracer('custody.messaging');

export interface OutboxRelayOptions {
  /** The service's own topic, e.g. custody.ledger.events.v1. */
  readonly topic: string;
  readonly publisher: MessagePublisher;
  readonly batchEvents?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown, attempt: number) => void;
  /**
   * After each batch is durable in the bus, before its checkpoint commits (metrics): if that
   * commit fails the batch is published, and reported, again.
   */
  readonly onPublished?: (events: readonly RecordedEvent[]) => void;
}

/**
 * The event table is the outbox: this relay tails it by global position and publishes each
 * batch to the service's topic, keyed by stream id (per-stream order), and the publisher
 * resolves only when the bus holds it durably (Kafka: acks from every in-sync replica). Its
 * checkpoint advances only in the transaction that follows a successful publish, so a failed
 * or interrupted publish is retried from the same position: at-least-once, duplicates
 * possible, gaps never. Each message carries W3C trace context in its headers: a producer span
 * that continues the trace the event was appended in.
 */
export class OutboxRelay {
  private readonly subscription: Subscription;

  constructor(
    store: PostgresEventStore,
    private readonly options: OutboxRelayOptions,
  ) {
    this.subscription = new Subscription(store, {
      name: `outbox-relay:${options.topic}`,
      batchEvents: options.batchEvents ?? RELAY_BATCH_EVENTS_DEFAULT,
      pollIntervalMs: options.pollIntervalMs ?? RELAY_POLL_INTERVAL_MS_DEFAULT,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      handler: async (events) => {
        const spans: Span[] = [];
        const messages = events.map((event) => this.toMessage(event, spans));
        try {
          await this.options.publisher.publish(this.options.topic, messages);
        } catch (error) {
          for (const span of spans)
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          for (const span of spans) span.end();
        }
        this.options.onPublished?.(events);
      },
    });
  }

  private toMessage(event: RecordedEvent, spans: Span[]): OutboundMessage {
    const envelope = toEnvelope(event);
    // the source store's position and hash travel beside the event: the audit record keeps them, a cross-check compares them
    const headers: Record<string, string> = {
      'event-type': event.type,
      'event-id': event.eventId,
      'source-position': event.globalPosition.toString(),
      'source-hash': event.hash,
    };
    const stored = parseTraceparent(
      envelope.traceContext?.traceparent,
      envelope.traceContext?.tracestate,
    );
    if (stored !== undefined) {
      const span = tracer.startSpan(
        `${this.options.topic} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'custody',
            'messaging.destination.name': this.options.topic,
            'messaging.message.id': event.eventId,
          },
        },
        trace.setSpanContext(ROOT_CONTEXT, stored),
      );
      spans.push(span);
      const own = span.spanContext();
      // Not traced here (no SDK): pass the stored context on unchanged, so the trace still joins up.
      headers['traceparent'] = span.isRecording()
        ? formatTraceparent(own)
        : (envelope.traceContext?.traceparent as string);
      if (envelope.traceContext?.tracestate !== undefined)
        headers['tracestate'] = envelope.traceContext.tracestate;
    }
    return { key: event.streamId, value: JSON.stringify(envelope), headers };
  }

  start(): void {
    this.subscription.start();
  }

  stop(): Promise<void> {
    return this.subscription.stop();
  }

  /** Last global position whose publication was acknowledged. */
  checkpoint(): Promise<bigint> {
    return this.subscription.checkpoint();
  }
}
