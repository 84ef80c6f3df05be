// custody.wallet.events.v1 / WalletRegistered v1, InternalTransferConfirmed v1, NetworkFeePaid v1:
// what the policy and reconciliation services need to know which wallet holds what (tier and
// owner class; movements between our wallets; fees paid from a wallet). PUBLISHED: frozen. A
// change is a new file (v2) plus an upcaster, never an edit of this one.
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import { CHAIN_PATTERN } from '../exchange/withdrawal-requests.v1';
import {
  assetSchema,
  checkAmountDigits,
  coded,
  identifierSchema,
  positiveAmountMinorSchema,
  amountMinorSchema,
  timestampSchema,
} from '../primitives';
import { TRANSACTION_HASH_PATTERN } from './wallet-events.v1';

export const WALLET_REGISTERED_TYPE = 'WalletRegistered';
export const WALLET_REGISTERED_SCHEMA_VERSION = 1;
export const INTERNAL_TRANSFER_CONFIRMED_TYPE = 'InternalTransferConfirmed';
export const INTERNAL_TRANSFER_CONFIRMED_SCHEMA_VERSION = 1;
export const NETWORK_FEE_PAID_TYPE = 'NetworkFeePaid';
export const NETWORK_FEE_PAID_SCHEMA_VERSION = 1;

/** Sites are named by the institution; jurisdictions are ISO 3166-1 alpha-2. */
const locationSchema = z.strictObject({
  site: z.string().min(1).max(64),
  jurisdiction: z.string().regex(/^[A-Z]{2}$/, coded('INVALID_FORMAT', 'ISO 3166-1 alpha-2')),
});
const chainSchema = z
  .string()
  .regex(CHAIN_PATTERN, coded('INVALID_FORMAT', `must match ${CHAIN_PATTERN.source}`));
const transactionHashSchema = z
  .string()
  .regex(
    TRANSACTION_HASH_PATTERN,
    coded('INVALID_FORMAT', `must match ${TRANSACTION_HASH_PATTERN.source}`),
  );
/** Wallets, quorums and confirmations are counts, not money: JSON integers, bounded. */
const COUNT_MAX = 1_000_000;

/** A wallet of the institution: its tier (cold/hot), whose assets it holds, its address and where its key is kept (HK-11a/b/f). */
export function walletRegisteredDataV1Schema(registry: AssetRegistry) {
  return z.strictObject({
    walletId: identifierSchema,
    tier: z.enum(['cold', 'hot']),
    ownerClass: z.enum(['client-segregated', 'house']),
    chain: chainSchema,
    assets: z.array(assetSchema(registry)).min(1).max(64),
    address: z.string().min(1).max(128),
    key: z.strictObject({
      keyId: z.string().min(1).max(64),
      location: locationSchema,
      backups: z.array(locationSchema).max(16),
      rotationDueAt: timestampSchema,
    }),
    quorum: z.strictObject({
      required: z.int().min(1).max(COUNT_MAX),
      spanDepartmentsOrSites: z.boolean(),
      approvalTtlMs: z
        .int()
        .min(1)
        .max(24 * 60 * 60 * 1000),
    }),
    confirmationsRequired: z.int().min(1).max(COUNT_MAX),
    registeredBy: identifierSchema,
    at: timestampSchema,
  });
}

/** TW-15.4: a movement between two of our wallets, final on chain (the client total does not change; the wallets' shares do). */
export function internalTransferConfirmedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      withdrawalId: identifierSchema,
      sourceWalletId: identifierSchema,
      destinationWalletId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      transactionHash: transactionHashSchema,
      confirmedAt: timestampSchema,
    })
    .superRefine((transfer, context) =>
      checkAmountDigits(registry, transfer.asset, transfer.amountMinor, context, ['amountMinor']),
    );
}

/**
 * What the network charged a wallet for a movement, in the chain's fee asset (the house's
 * expense, paid from that wallet), when no WithdrawalConfirmed carries it: a fee in the withdrawn
 * asset itself is reported there (networkFeeMinor) and never again here.
 */
export function networkFeePaidDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      walletId: identifierSchema,
      reference: identifierSchema,
      transactionHash: transactionHashSchema,
      feeAsset: assetSchema(registry),
      feeMinor: amountMinorSchema(registry),
      at: timestampSchema,
    })
    .superRefine((fee, context) =>
      checkAmountDigits(registry, fee.feeAsset, fee.feeMinor, context, ['feeMinor']),
    );
}

export function walletRegisteredV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    WALLET_REGISTERED_TYPE,
    WALLET_REGISTERED_SCHEMA_VERSION,
    walletRegisteredDataV1Schema(registry),
  );
}
export function internalTransferConfirmedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    INTERNAL_TRANSFER_CONFIRMED_TYPE,
    INTERNAL_TRANSFER_CONFIRMED_SCHEMA_VERSION,
    internalTransferConfirmedDataV1Schema(registry),
  );
}
export function networkFeePaidV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    NETWORK_FEE_PAID_TYPE,
    NETWORK_FEE_PAID_SCHEMA_VERSION,
    networkFeePaidDataV1Schema(registry),
  );
}

export type WalletRegisteredV1 = z.infer<ReturnType<typeof walletRegisteredV1Schema>>;
export type InternalTransferConfirmedV1 = z.infer<
  ReturnType<typeof internalTransferConfirmedV1Schema>
>;
export type NetworkFeePaidV1 = z.infer<ReturnType<typeof networkFeePaidV1Schema>>;
