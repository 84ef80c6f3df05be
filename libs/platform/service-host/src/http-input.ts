import { UnprocessableEntityException } from '@nestjs/common';
import { validateWith } from '@custody/contracts';
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

/** A refused command (a domain error with a stable code): 422 with the code, the field at fault and why; nothing was recorded. */
export function refusedCommand(
  error: { readonly code: string; readonly path: string; readonly reason: string },
  prefix = 'body',
): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    code: error.code,
    path: error.path === '' ? prefix : `${prefix}.${error.path}`,
    reason: error.reason,
  });
}

/** The accepted result of a command, or the 422 of its refusal. */
export function acceptedOr422<T extends { readonly ok: boolean }>(
  result: T,
  prefix = 'body',
): Extract<T, { ok: true }> {
  if (!result.ok)
    throw refusedCommand(
      (result as unknown as { error: { code: string; path: string; reason: string } }).error,
      prefix,
    );
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
