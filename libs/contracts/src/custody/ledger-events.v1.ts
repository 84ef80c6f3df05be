// custody.ledger.events.v1 / WithdrawalHoldPlaced v1: the ledger holds a client's withdrawal;
// the wallet service signs nothing before it. PUBLISHED: frozen. A change is a new file (v2)
// plus an upcaster, never an edit of this one. The ledger topic carries other event types too
// (journals, adjustments): they are not defined here and pass at envelope level.
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import { assetSchema, checkAmountDigits, identifierSchema, positiveAmountMinorSchema, timestampSchema } from '../primitives';

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
    .superRefine((hold, context) => checkAmountDigits(registry, hold.asset, hold.amountMinor, context, ['amountMinor']));
}

export function withdrawalHoldPlacedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(WITHDRAWAL_HOLD_PLACED_TYPE, WITHDRAWAL_HOLD_PLACED_SCHEMA_VERSION, withdrawalHoldPlacedDataV1Schema(registry));
}

export type WithdrawalHoldPlacedV1 = z.infer<ReturnType<typeof withdrawalHoldPlacedV1Schema>>;
