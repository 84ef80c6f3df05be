// custody.deadletter.v1 / MessageDeadLettered v1. PUBLISHED: frozen. The original bytes travel
// as base64 so a message that is not even valid UTF-8 or JSON can be replayed byte for byte.
import { z } from 'zod/v4';
import { envelopeSchema } from '../envelope';
import { VALIDATION_CODES } from '../issues';
import { base64Schema, identifierSchema, offsetSchema, timestampSchema } from '../primitives';

export const MESSAGE_DEAD_LETTERED_TYPE = 'MessageDeadLettered';
export const MESSAGE_DEAD_LETTERED_SCHEMA_VERSION = 1;
/** Kafka messages are capped at 1 MiB by default; base64 grows by 4/3. */
export const ORIGINAL_VALUE_BASE64_LENGTH_MAX = 1_400_000;
export const KEY_BASE64_LENGTH_MAX = 4_096;
export const REASON_TEXT_LENGTH_MAX = 4_096;
export const PARTITION_MAX = 100_000;
/** Reasons outside validation (the bytes were not JSON, the topic is not known to the consumer). */
export const DEAD_LETTER_REASON_CODES = ['NOT_JSON', 'NOT_UTF8', ...VALIDATION_CODES] as const;

export const deadLetterDataV1Schema = z.strictObject({
  originalTopic: identifierSchema,
  partition: z.int().min(0).max(PARTITION_MAX),
  offset: offsetSchema,
  /** Null when the original message had no key. */
  keyBase64: base64Schema.max(KEY_BASE64_LENGTH_MAX).nullable(),
  originalValueBase64: base64Schema.max(ORIGINAL_VALUE_BASE64_LENGTH_MAX),
  reasonCode: z.enum(DEAD_LETTER_REASON_CODES),
  reasonText: z.string().max(REASON_TEXT_LENGTH_MAX),
  failedAt: timestampSchema,
});

export const deadLetterV1Schema = envelopeSchema(
  MESSAGE_DEAD_LETTERED_TYPE,
  MESSAGE_DEAD_LETTERED_SCHEMA_VERSION,
  deadLetterDataV1Schema,
);

export type DeadLetterV1 = z.infer<typeof deadLetterV1Schema>;
