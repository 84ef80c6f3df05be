import { BadRequestException } from '@nestjs/common';

export interface FieldError {
  /** Where the bad value is, e.g. 'query.limit'. */
  readonly path: string;
  readonly reason: string;
}

/** 400 with a stable code and every field error at once. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly errors: readonly FieldError[]) {
    super({ statusCode: 400, code: 'VALIDATION_FAILED', reason: 'the request is invalid', errors });
  }
}

/**
 * Largest global position, stream version or record number: PostgreSQL's bigint (2^63 - 1). A
 * 19-digit number above it passes a digits check and then fails in SQL (a 500): refuse it here.
 */
export const POSITION_MAX = 9_223_372_036_854_775_807n;
/** The reason every refused position gives (one wording, one rule: positionFromText). */
export const POSITION_REASON = `must be a non-negative integer, at most ${POSITION_MAX}`;

/** The one parser of positions on the wire: decimal digits, no sign or leading zero, 0..POSITION_MAX; undefined otherwise. */
export function positionFromText(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !/^(0|[1-9]\d{0,18})$/.test(value)) return undefined;
  const position = BigInt(value);
  return position <= POSITION_MAX ? position : undefined;
}

/** Parses an optional position query value into a bigint (positionFromText), collecting errors. */
export function optionalBigIntQuery(
  value: unknown,
  path: string,
  fallback: bigint,
  errors: FieldError[],
): bigint {
  if (value === undefined) return fallback;
  const position = positionFromText(value);
  if (position === undefined) {
    errors.push({ path, reason: POSITION_REASON });
    return fallback;
  }
  return position;
}

/** Parses an optional integer query value within [min, max], collecting errors. */
export function optionalIntegerQuery(
  value: unknown,
  path: string,
  fallback: number,
  min: number,
  max: number,
  errors: FieldError[],
): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    errors.push({ path, reason: `must be an integer from ${min} to ${max}` });
    return fallback;
  }
  return parsed;
}
