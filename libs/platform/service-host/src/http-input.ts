import { HttpException } from '@nestjs/common';
import { REFUSAL_STATUS, validateWith, type RefusalCode } from '@custody/contracts';
import { z } from 'zod/v4';
import { POSITION_REASON, positionFromText, ValidationFailedException } from './validation';

/** A position (global position, ledger position, record number) as decimal text in a parseInput schema: positionFromText's rule, as a bigint. */
export const positionText = z.string().transform((text, context) => {
  const position = positionFromText(text);
  if (position === undefined) {
    context.addIssue({ code: 'custom', message: POSITION_REASON });
    return z.NEVER;
  }
  return position;
});

/** The body (or query, or path) as the schema says, or 400 with every field error (each at `<prefix>.<path>`, with its code). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: 'body' | 'query' | 'path' = 'body',
): z.infer<S> {
  const result = validateWith(schema, input);
  if (!result.ok)
    throw new ValidationFailedException(
      result.issues.map((issue) => ({
        path: issue.path === '' ? prefix : `${prefix}.${issue.path}`,
        reason: `${issue.code}: ${issue.reason}`,
      })),
    );
  return result.message as z.infer<S>;
}

/** A refusal as the domain (or the HTTP layer) states it: a stable code, the field at fault, why. */
export interface CommandRefusal {
  readonly code: RefusalCode;
  readonly path: string;
  readonly reason: string;
}

/**
 * A refusal answered with its status from the one table (REFUSAL_STATUS: 404 unknown id, 409
 * conflict with what is recorded, 422 rule) and the body every refusal has: `statusCode`, `code`,
 * `path` (when a field is at fault), `reason`, and any details the caller adds (e.g. `problems`).
 */
export function refusal<Body extends { readonly code: RefusalCode; readonly reason: string }>(
  body: Body & { readonly path?: string },
): HttpException {
  const statusCode = REFUSAL_STATUS[body.code];
  return new HttpException({ statusCode, ...body }, statusCode);
}

/** A refused command (a domain error with a stable code): its status, the code, the field at fault (under `prefix`) and why; nothing was recorded. */
export function refusedCommand(error: CommandRefusal, prefix = 'body'): HttpException {
  return refusal({
    code: error.code,
    path: error.path === '' ? prefix : `${prefix}.${error.path}`,
    reason: error.reason,
  });
}

/** The accepted result of a command, or the refusal of it (refusedCommand). */
export function acceptedOrRefused<
  T extends { readonly ok: true } | { readonly ok: false; readonly error: CommandRefusal },
>(result: T, prefix = 'body'): Extract<T, { ok: true }> {
  if (!result.ok) throw refusedCommand((result as Extract<T, { ok: false }>).error, prefix);
  return result as Extract<T, { ok: true }>;
}

/** JSON of domain values: bigint as decimal text, Maps and Sets as arrays. */
export function jsonView(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') return item.toString();
      if (item instanceof Map) return [...item.values()];
      if (item instanceof Set) return [...item];
      return item;
    }),
  ) as unknown;
}
