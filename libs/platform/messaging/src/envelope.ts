import type { AnyEnvelope } from '@custody/contracts';
import type { RecordedEvent } from '@custody/event-store';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The wire envelope of a stored event (libs/contracts). Business time, causation, correlation
 * and trace context come from the metadata the command wrote; when absent: the time the store
 * recorded it, no cause, and the event as its own correlation.
 */
export function toEnvelope(event: RecordedEvent): AnyEnvelope {
  const metadata = event.metadata;
  const text = (key: string): string | undefined =>
    typeof metadata[key] === 'string' ? (metadata[key] as string) : undefined;
  const occurredAt = text('occurredAt');
  const causationId = text('causationId');
  const correlationId = text('correlationId');
  const traceparent = text('traceparent');
  const tracestate = text('tracestate');
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion.toString(),
    occurredAt:
      occurredAt !== undefined && TIMESTAMP_PATTERN.test(occurredAt)
        ? occurredAt
        : event.recordedAt.toISOString(),
    causationId: causationId !== undefined && UUID_PATTERN.test(causationId) ? causationId : null,
    correlationId:
      correlationId !== undefined && UUID_PATTERN.test(correlationId)
        ? correlationId
        : event.eventId,
    ...(traceparent === undefined
      ? {}
      : { traceContext: { traceparent, ...(tracestate === undefined ? {} : { tracestate }) } }),
    data: event.data,
  };
}
