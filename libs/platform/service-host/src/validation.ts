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

/** Parses an optional non-negative integer query value into a bigint, collecting errors. */
export function optionalBigIntQuery(value: unknown, path: string, fallback: bigint, errors: FieldError[]): bigint {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^(0|[1-9]\d{0,18})$/.test(value)) {
    errors.push({ path, reason: 'must be a non-negative integer (at most 19 digits)' });
    return fallback;
  }
  return BigInt(value);
}

/** Parses an optional integer query value within [min, max], collecting errors. */
export function optionalIntegerQuery(value: unknown, path: string, fallback: number, min: number, max: number, errors: FieldError[]): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    errors.push({ path, reason: `must be an integer from ${min} to ${max}` });
    return fallback;
  }
  return parsed;
}
