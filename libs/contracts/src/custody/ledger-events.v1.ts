// custody.ledger.events.v1 / WithdrawalHoldPlaced v1: the ledger holds a client's withdrawal;
// the wallet service signs nothing before it. PUBLISHED: frozen. A change is a new file (v2)
// plus an upcaster, never an edit of this one. The ledger topic carries other event types too
// (journals, adjustments): they are not defined here and pass at envelope level.
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import {
  assetSchema,
  checkAmountDigits,
  identifierSchema,
  positiveAmountMinorSchema,
  timestampSchema,
} from '../primitives';

export const WITHDRAWAL_HOLD_PLACED_TYPE = 'WithdrawalHoldPlaced';
export const WITHDRAWAL_HOLD_PLACED_SCHEMA_VERSION = 1;
/**
 * The ledger's fingerprint of what it held: opaque to consumers (the ledger compares it to refuse
 * the same withdrawal id with other content). Bounded: its parts are identifiers and an amount.
 */
export const HOLD_FINGERPRINT_LENGTH_MAX = 1_024;

/** The amount of an approved withdrawal is held (a pending debit of the client): it cannot be spent twice. */
export function withdrawalHoldPlacedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      withdrawalId: identifierSchema,
      clientId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      walletId: identifierSchema,
      fingerprint: z.string().min(1).max(HOLD_FINGERPRINT_LENGTH_MAX),
      at: timestampSchema,
    })
    .superRefine((hold, context) =>
      checkAmountDigits(registry, hold.asset, hold.amountMinor, context, ['amountMinor']),
    );
}

export function withdrawalHoldPlacedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    WITHDRAWAL_HOLD_PLACED_TYPE,
    WITHDRAWAL_HOLD_PLACED_SCHEMA_VERSION,
    withdrawalHoldPlacedDataV1Schema(registry),
  );
}

export type WithdrawalHoldPlacedV1 = z.infer<ReturnType<typeof withdrawalHoldPlacedV1Schema>>;

export const JOURNAL_POSTED_TYPE = 'JournalPosted';
export const JOURNAL_POSTED_SCHEMA_VERSION = 1;
/** A journal has at most this many entries (the ledger's JOURNAL_ENTRIES_MAX). */
export const JOURNAL_ENTRIES_MAX = 64;
export const JOURNAL_KINDS = [
  'trade',
  'deposit',
  'withdrawal',
  'adjustment',
  'custody-transfer',
  'network-fee',
] as const;
export const HOUSE_ACCOUNT_PURPOSES = ['fee-revenue', 'inventory', 'network-fee-expense'] as const;

/**
 * A balanced double-entry journal (HK-8): what moved between which accounts, why (kind and source
 * reference) and when in business terms (`at`: a deposit's confirmation, a trade's execution).
 * The ledger publishes one copy per client it touches (in each client's stream) and house-only
 * journals once: consumers count a journal once by its `journalId`.
 */
export function journalPostedDataV1Schema(registry: AssetRegistry) {
  const asset = assetSchema(registry);
  const account = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('client'), clientId: identifierSchema, asset }),
    z.strictObject({ kind: z.literal('house'), purpose: z.enum(HOUSE_ACCOUNT_PURPOSES), asset }),
    z.strictObject({ kind: z.literal('custody'), walletId: identifierSchema, asset }),
  ]);
  return z.strictObject({
    journalId: z.string().min(1).max(300),
    kind: z.enum(JOURNAL_KINDS),
    sourceReference: z.string().min(1).max(300),
    fingerprint: z.string().min(1).max(HOLD_FINGERPRINT_LENGTH_MAX),
    entries: z
      .array(
        z.strictObject({
          account,
          side: z.enum(['debit', 'credit']),
          amountMinor: positiveAmountMinorSchema(registry),
        }),
      )
      .min(1)
      .max(JOURNAL_ENTRIES_MAX),
    at: timestampSchema,
  });
}

export function journalPostedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    JOURNAL_POSTED_TYPE,
    JOURNAL_POSTED_SCHEMA_VERSION,
    journalPostedDataV1Schema(registry),
  );
}

export type JournalPostedV1 = z.infer<ReturnType<typeof journalPostedV1Schema>>;
