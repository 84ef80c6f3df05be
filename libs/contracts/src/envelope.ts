// The envelope every message on every topic carries (ARCHITECTURE.md, Messaging).
// - causationId: the id of the message or command that caused this one; null for a message
//   that starts a chain (an upstream trade). Always present, so a forgotten field is an error
//   rather than a silent "no cause".
// - correlationId: the id shared by every message of one business flow; an originating message
//   uses its own eventId. Always present.
// - traceContext: optional, because upstream producers may not trace; when present it must be a
//   valid W3C traceparent (a malformed one would break the trace silently).
// - streamVersion is a 64-bit value, so it travels as decimal text, never a JSON number.
import { z } from 'zod/v4';
import {
  coded,
  identifierSchema,
  streamVersionSchema,
  timestampSchema,
  traceContextSchema,
  uuidSchema,
} from './primitives';

export const MESSAGE_TYPE_PATTERN = /^[A-Z][A-Za-z0-9]{0,63}$/;
export const SCHEMA_VERSION_MAX = 1_000;

const envelopeFields = {
  eventId: uuidSchema,
  streamId: identifierSchema,
  streamVersion: streamVersionSchema,
  occurredAt: timestampSchema,
  causationId: uuidSchema.nullable(),
  correlationId: uuidSchema,
  traceContext: traceContextSchema.optional(),
};

/** One message type at one frozen schema version, with its typed `data`. */
export function envelopeSchema<Type extends string, Version extends number, Data extends z.ZodType>(
  type: Type,
  schemaVersion: Version,
  data: Data,
) {
  return z.strictObject({
    ...envelopeFields,
    type: z.literal(type),
    schemaVersion: z.literal(schemaVersion),
    data,
  });
}

/** Any message: the envelope checked, `data` only required to be an object. */
export const anyEnvelopeSchema = z.strictObject({
  ...envelopeFields,
  type: z
    .string()
    .regex(
      MESSAGE_TYPE_PATTERN,
      coded('INVALID_FORMAT', `must match ${MESSAGE_TYPE_PATTERN.source}`),
    ),
  schemaVersion: z.int().min(1).max(SCHEMA_VERSION_MAX),
  data: z.record(z.string(), z.unknown()),
});

export type AnyEnvelope = z.infer<typeof anyEnvelopeSchema>;
