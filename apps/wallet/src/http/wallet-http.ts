import { UnprocessableEntityException } from '@nestjs/common';
import { validateWith } from '@custody/contracts';
import { ValidationFailedException } from '@custody/service-host';
import type { WalletError } from '@custody/wallet-domain';
import { z } from 'zod/v4';

/** Identifiers as everywhere on the wire (contracts: identifiers). */
export const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._\-/]{0,127}$/);
export const asset = z.string().regex(/^[A-Z0-9]{2,16}$/);
export const chain = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
export const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
/** An amount in minor units as decimal text (never a JSON number). */
export const amountMinor = z.string().regex(/^[1-9][0-9]{0,37}$/);
/** ISO-8601 UTC with milliseconds, as the domain records times. */
export const instant = z.iso.datetime({ precision: 3, offset: false, local: false });
export const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
/** Reasons, notes: bounded. */
export const REASON_LENGTH_MAX = 500;
export const reason = z.string().min(1).max(REASON_LENGTH_MAX);
export const location = z.strictObject({ site: z.string().min(1).max(64), jurisdiction: z.string().regex(/^[A-Z]{2}$/) });
/** A key is backed up in a handful of places, not hundreds. */
export const BACKUPS_MAX = 8;
/** Assets of one wallet. */
export const WALLET_ASSETS_MAX = 32;

/** The body (or query, or path) as the schema says, or 400 with every field error (each at `<prefix>.<path>`, with its code). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, prefix: 'body' | 'query' | 'path' = 'body'): z.infer<S> {
  const result = validateWith(schema, body);
  if (!result.ok) throw new ValidationFailedException(result.issues.map((issue) => ({ path: issue.path === '' ? prefix : `${prefix}.${issue.path}`, reason: `${issue.code}: ${issue.reason}` })));
  return result.message as z.infer<S>;
}

/** A refused command: 422 with the domain's stable code, the field at fault and why; nothing was recorded. */
export function refused(error: WalletError, prefix = 'body'): UnprocessableEntityException {
  return new UnprocessableEntityException({ statusCode: 422, code: error.code, path: error.path === '' ? prefix : `${prefix}.${error.path}`, reason: error.reason });
}

export function orRefused<T extends { ok: boolean }>(result: T, prefix = 'body'): Extract<T, { ok: true }> {
  if (!result.ok) throw refused((result as unknown as { error: WalletError }).error, prefix);
  return result as Extract<T, { ok: true }>;
}

/** JSON of domain values: bigint as decimal text, Maps and Sets as arrays. */
export function view<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') return item.toString();
      if (item instanceof Map) return [...item.values()];
      if (item instanceof Set) return [...item];
      return item;
    }),
  ) as unknown;
}
