// custody.deadletter.v1 / MessageDeadLettered v2. PUBLISHED: frozen. v1 could only say why a
// message failed to decode or validate (its reason codes are a closed list); v2 also carries a
// consumer's refusal of a well-formed message (a trade id booked with other content, an unknown
// client) with the consumer's own stable code, the field path and the consumer group. The
// original bytes travel as base64, as in v1, so re-drive treats both versions alike.
import { z } from 'zod/v4';
import { envelopeSchema } from '../envelope';
import {
  base64Schema,
  coded,
  identifierSchema,
  offsetSchema,
  timestampSchema,
} from '../primitives';
import {
  KEY_BASE64_LENGTH_MAX,
  MESSAGE_DEAD_LETTERED_TYPE,
  ORIGINAL_VALUE_BASE64_LENGTH_MAX,
  PARTITION_MAX,
  REASON_TEXT_LENGTH_MAX,
} from './deadletter.v1';

export const MESSAGE_DEAD_LETTERED_V2_SCHEMA_VERSION = 2;
/** Where it failed: bytes not UTF-8 or JSON, the contract refused it, or the consumer's handler refused it. */
export const DEAD_LETTER_STAGES = ['decode', 'validate', 'handle'] as const;
export type DeadLetterStage = (typeof DEAD_LETTER_STAGES)[number];
/** A stable code: upper snake case (NOT_JSON, AMOUNT_NEGATIVE, TRADE_ID_CONFLICT). */
export const REASON_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;
export const REASON_PATH_LENGTH_MAX = 512;

export const deadLetterDataV2Schema = z.strictObject({
  originalTopic: identifierSchema,
  partition: z.int().min(0).max(PARTITION_MAX),
  offset: offsetSchema,
  /** Null when the original message had no key. */
  keyBase64: base64Schema.max(KEY_BASE64_LENGTH_MAX).nullable(),
  originalValueBase64: base64Schema.max(ORIGINAL_VALUE_BASE64_LENGTH_MAX),
  stage: z.enum(DEAD_LETTER_STAGES),
  reasonCode: z
    .string()
    .regex(
      REASON_CODE_PATTERN,
      coded('INVALID_FORMAT', `must match ${REASON_CODE_PATTERN.source}`),
    ),
  /** The field at fault, dotted from the message root (`data.trade.tradeId`); '' for the whole message. */
  reasonPath: z.string().max(REASON_PATH_LENGTH_MAX),
  reasonText: z.string().max(REASON_TEXT_LENGTH_MAX),
  /** The consumer group that parked it. */
  consumerGroup: identifierSchema,
  failedAt: timestampSchema,
});

export const deadLetterV2Schema = envelopeSchema(
  MESSAGE_DEAD_LETTERED_TYPE,
  MESSAGE_DEAD_LETTERED_V2_SCHEMA_VERSION,
  deadLetterDataV2Schema,
);

export type DeadLetterV2 = z.infer<typeof deadLetterV2Schema>;
