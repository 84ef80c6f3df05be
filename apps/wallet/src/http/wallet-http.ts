import { z } from 'zod/v4';
import { httpIdentifierSchema } from '@custody/contracts';

export const identifier = httpIdentifierSchema;
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
export const location = z.strictObject({
  site: z.string().min(1).max(64),
  jurisdiction: z.string().regex(/^[A-Z]{2}$/),
});
/** A key is backed up in a handful of places, not hundreds. */
export const BACKUPS_MAX = 8;
/** Assets of one wallet. */
export const WALLET_ASSETS_MAX = 32;

export {
  acceptedOrRefused as orRefused,
  jsonView as view,
  parseInput as parseBody,
} from '@custody/service-host';
