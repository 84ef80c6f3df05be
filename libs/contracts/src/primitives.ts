// Wire primitives shared by every message. Amounts and prices are strings, never numbers
// (ARCHITECTURE.md "No `number` for money"; HK-8: integers of the asset's smallest unit).
import { z } from 'zod/v4';
import { AMOUNT_DIGITS_MAX, type AssetRegistry, largestIntegerDigits } from './assets';
import { codedMessage, type ValidationCode } from './issues';

export const AMOUNT_MINOR_PATTERN = /^(0|[1-9][0-9]*)$/;
export const DECIMAL_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
/** Prices and values: digits before and after the point, all included. */
export const DECIMAL_TEXT_LENGTH_MAX = 64;
/** W3C Trace Context version 00: all-zero trace and span ids are invalid. */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
export const TRACESTATE_LENGTH_MAX = 512;
/** A positive signed 64-bit integer (PostgreSQL bigint), as decimal text. */
export const POSITIVE_INT64_PATTERN = /^[1-9][0-9]{0,18}$/;
export const NON_NEGATIVE_INT64_PATTERN = /^(0|[1-9][0-9]{0,18})$/;
export const INT64_MAX = 9_223_372_036_854_775_807n;
export const IDENTIFIER_LENGTH_MAX = 128;
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._\-/]*$/;
/**
 * The identifier of the HTTP APIs (ids in paths, queries and bodies): IDENTIFIER_PATTERN with its
 * length bound written in, so one check refuses both (INVALID_FORMAT, "must match pattern ...").
 * Deliberately different ids keep their own patterns: a fiat trust account id (a bank's,
 * `[A-Za-z0-9._-]`, at most 64), config subjects (also `@`, e-mail-like), exchange key ids and
 * HSM key labels (at most 64).
 */
export const HTTP_IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._\-/]{0,127}$/;
if (
  HTTP_IDENTIFIER_PATTERN.source !==
  IDENTIFIER_PATTERN.source.replace(/\*\$$/, `{0,${IDENTIFIER_LENGTH_MAX - 1}}$`)
)
  throw new Error('assertion: the HTTP identifier is IDENTIFIER_PATTERN with its length bound');
export const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Error parameter for a check: its stable code, or REQUIRED when the field is absent. */
export function coded(
  code: ValidationCode,
  reason: string,
): { error: (issue: { input?: unknown }) => string } {
  return {
    error: (issue) =>
      issue.input === undefined
        ? codedMessage('REQUIRED', 'field is required')
        : codedMessage(code, reason),
  };
}

/** Why a text is not a valid amount in minor units: one stable code per mistake. */
export function classifyAmountText(text: unknown): { code: ValidationCode; reason: string } {
  if (typeof text !== 'string')
    return { code: 'INVALID_TYPE', reason: 'amount must be a string of digits' };
  if (/^-/.test(text)) return { code: 'AMOUNT_NEGATIVE', reason: 'amount must not be negative' };
  if (/[eE]/.test(text) && /^[0-9.+-]*[eE][+-]?[0-9]+$/.test(text)) {
    return { code: 'AMOUNT_EXPONENT', reason: 'amount must not use exponent notation' };
  }
  if (/^[0-9]+\.[0-9]*$/.test(text)) {
    return {
      code: 'AMOUNT_NOT_INTEGER',
      reason: 'amount must be an integer in the asset smallest unit',
    };
  }
  if (/^0[0-9]+$/.test(text))
    return { code: 'AMOUNT_LEADING_ZERO', reason: 'amount must not have leading zeros' };
  return { code: 'AMOUNT_NOT_DECIMAL', reason: `amount must match ${AMOUNT_MINOR_PATTERN.source}` };
}

function amountFormatError(issue: { input?: unknown }): string {
  const { code, reason } = classifyAmountText(issue.input);
  return codedMessage(code, reason);
}

/**
 * Amount in an asset's smallest unit, as decimal text. The per-asset digit limit needs the
 * asset, so it is checked by `checkAmountDigits` on the object holding both; here, the
 * largest limit of the registry.
 */
export function amountMinorSchema(registry: AssetRegistry) {
  const digitsMax = Math.min(largestIntegerDigits(registry), AMOUNT_DIGITS_MAX);
  return z
    .string(coded('INVALID_TYPE', 'amount must be a string of digits'))
    .regex(AMOUNT_MINOR_PATTERN, { error: amountFormatError })
    .max(digitsMax, coded('AMOUNT_TOO_MANY_DIGITS', `amount has more than ${digitsMax} digits`));
}

export function positiveAmountMinorSchema(registry: AssetRegistry) {
  return amountMinorSchema(registry).refine(
    (text) => text !== '0',
    coded('AMOUNT_ZERO', 'amount must be positive'),
  );
}

export function assetSchema(registry: AssetRegistry) {
  const codes = Object.keys(registry);
  return z.enum(codes as [string, ...string[]], {
    error: (issue) => {
      if (issue.input === undefined) return codedMessage('REQUIRED', 'field is required');
      if (typeof issue.input !== 'string')
        return codedMessage('INVALID_TYPE', 'asset must be a string code');
      return codedMessage(
        'ASSET_UNKNOWN',
        `asset ${JSON.stringify(issue.input)} is not one of ${codes.join(', ')}`,
      );
    },
  });
}

/** The per-asset digit limit, checked where the asset and the amount meet. */
export function checkAmountDigits(
  registry: AssetRegistry,
  asset: string,
  amountMinor: string,
  context: z.RefinementCtx,
  path: PropertyKey[],
): void {
  const definition = registry[asset];
  if (definition === undefined || !AMOUNT_MINOR_PATTERN.test(amountMinor)) return;
  // Longer than every asset allows: already reported by `amountMinorSchema`.
  if (
    amountMinor.length <= definition.integerDigitsMax ||
    amountMinor.length > largestIntegerDigits(registry)
  )
    return;
  context.addIssue({
    code: 'custom',
    path,
    message: codedMessage(
      'AMOUNT_TOO_MANY_DIGITS',
      `${asset} amount has ${amountMinor.length} digits, at most ${definition.integerDigitsMax} allowed`,
    ),
  });
}

export const decimalSchema = z
  .string(coded('INVALID_TYPE', 'decimal must be a string, never a number'))
  .regex(DECIMAL_PATTERN, coded('DECIMAL_INVALID', `decimal must match ${DECIMAL_PATTERN.source}`))
  .max(
    DECIMAL_TEXT_LENGTH_MAX,
    coded('TOO_LONG', `decimal has more than ${DECIMAL_TEXT_LENGTH_MAX} characters`),
  );

export const uuidSchema = z.uuid(coded('UUID_INVALID', 'must be an RFC 9562 UUID'));

/** ISO-8601 UTC with exactly millisecond precision: `2026-01-31T09:30:00.000Z`. */
export const timestampSchema = z.iso.datetime({
  precision: 3,
  offset: false,
  local: false,
  ...coded(
    'TIMESTAMP_INVALID',
    'must be an ISO-8601 UTC timestamp with milliseconds, e.g. 2026-01-31T09:30:00.000Z',
  ),
});

/** An identifier in an HTTP request: HTTP_IDENTIFIER_PATTERN (zod's own message names the pattern). */
export const httpIdentifierSchema = z.string().regex(HTTP_IDENTIFIER_PATTERN);

export const identifierSchema = z
  .string()
  .min(1)
  .max(IDENTIFIER_LENGTH_MAX)
  .regex(IDENTIFIER_PATTERN, coded('INVALID_FORMAT', `must match ${IDENTIFIER_PATTERN.source}`));

function isInt64(text: string): boolean {
  return BigInt(text) <= INT64_MAX;
}

export const streamVersionSchema = z
  .string(coded('INVALID_TYPE', 'stream version must be a string (64-bit)'))
  .regex(
    POSITIVE_INT64_PATTERN,
    coded('STREAM_VERSION_INVALID', 'must be a positive integer as decimal text'),
  )
  .refine(
    (text) => !POSITIVE_INT64_PATTERN.test(text) || isInt64(text),
    coded('OUT_OF_RANGE', 'exceeds 2^63-1'),
  );

export const offsetSchema = z
  .string(coded('INVALID_TYPE', 'offset must be a string (64-bit)'))
  .regex(
    NON_NEGATIVE_INT64_PATTERN,
    coded('INVALID_FORMAT', 'must be a non-negative integer as decimal text'),
  )
  .refine(
    (text) => !NON_NEGATIVE_INT64_PATTERN.test(text) || isInt64(text),
    coded('OUT_OF_RANGE', 'exceeds 2^63-1'),
  );

export const base64Schema = z
  .string()
  .regex(BASE64_PATTERN, coded('BASE64_INVALID', 'must be standard padded base64'));

export const traceContextSchema = z.strictObject({
  traceparent: z
    .string()
    .regex(
      TRACEPARENT_PATTERN,
      coded('TRACEPARENT_INVALID', 'must be a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>'),
    ),
  tracestate: z.string().max(TRACESTATE_LENGTH_MAX).optional(),
});

/** Parses an amount already validated on the wire; throws on anything else (programmer error). */
export function parseAmountMinor(text: string): bigint {
  if (!AMOUNT_MINOR_PATTERN.test(text) || text.length > AMOUNT_DIGITS_MAX) {
    throw new Error(`not an amount in minor units: ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}

export function formatAmountMinor(amountMinor: bigint): string {
  if (amountMinor < 0n) throw new Error('amounts in minor units are never negative');
  return amountMinor.toString(10);
}
