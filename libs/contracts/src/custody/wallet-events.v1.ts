// custody.wallet.events.v1 / DepositConfirmed v1, WithdrawalApproved v1, WithdrawalConfirmed v1,
// WithdrawalFailed v1: the wallet service's events that move client assets, consumed by the
// ledger. PUBLISHED: frozen. A change is a new file (v2) plus an upcaster, never an edit of this
// one. The wallet topic carries other event types too (key access, signing): they are not
// defined here and pass at envelope level (custody/wallet-events.ts).
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import { CHAIN_PATTERN, DESTINATION_ADDRESS_PATTERN } from '../exchange/withdrawal-requests.v1';
import {
  amountMinorSchema,
  assetSchema,
  checkAmountDigits,
  coded,
  identifierSchema,
  positiveAmountMinorSchema,
  timestampSchema,
} from '../primitives';

export const DEPOSIT_CONFIRMED_TYPE = 'DepositConfirmed';
export const DEPOSIT_CONFIRMED_SCHEMA_VERSION = 1;
export const WITHDRAWAL_APPROVED_TYPE = 'WithdrawalApproved';
export const WITHDRAWAL_APPROVED_SCHEMA_VERSION = 1;
export const WITHDRAWAL_CONFIRMED_TYPE = 'WithdrawalConfirmed';
export const WITHDRAWAL_CONFIRMED_SCHEMA_VERSION = 1;
export const WITHDRAWAL_FAILED_TYPE = 'WithdrawalFailed';
export const WITHDRAWAL_FAILED_SCHEMA_VERSION = 1;

/**
 * Printable, no whitespace or separators: hex (bitcoin, ethereum, tron; `0x` allowed) or base58
 * (solana signatures, 87 to 88 characters). The wallet service checks the format per chain;
 * the bounds catch a truncated or unrelated value.
 */
export const TRANSACTION_HASH_PATTERN = /^[A-Za-z0-9]{16,128}$/;
/** Confirmations are a count, not money: a JSON integer, bounded. */
export const CONFIRMATIONS_MAX = 1_000_000;
/**
 * Why a withdrawal did not leave: the approval quorum refused it (`rejected`: never approved,
 * so never held), the transaction could not be broadcast, it was mined but reverted, or it was
 * cancelled before broadcast. In every case nothing left the wallet.
 */
export const WITHDRAWAL_FAILURE_REASONS = [
  'rejected',
  'broadcast-failed',
  'reverted',
  'cancelled',
] as const;
export type WithdrawalFailureReason = (typeof WITHDRAWAL_FAILURE_REASONS)[number];

const chainSchema = z
  .string()
  .regex(CHAIN_PATTERN, coded('INVALID_FORMAT', `must match ${CHAIN_PATTERN.source}`));
const transactionHashSchema = z
  .string()
  .regex(
    TRANSACTION_HASH_PATTERN,
    coded('INVALID_FORMAT', `must match ${TRANSACTION_HASH_PATTERN.source}`),
  );

/** An on-chain deposit to a client-segregated wallet, final by the wallet's confirmation policy. */
export function depositConfirmedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      depositId: identifierSchema,
      clientId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      /** The client-segregated wallet that received the deposit. */
      walletId: identifierSchema,
      chain: chainSchema,
      transactionHash: transactionHashSchema,
      confirmations: z.int().min(0).max(CONFIRMATIONS_MAX),
      confirmedAt: timestampSchema,
    })
    .superRefine((deposit, context) =>
      checkAmountDigits(registry, deposit.asset, deposit.amountMinor, context, ['amountMinor']),
    );
}

/**
 * The approval quorum passed; nothing is signed yet. The ledger places a hold on the amount.
 * `destinationAllowListedForClientId` names whose allow-list holds the destination address;
 * the ledger refuses the hold unless it is `clientId` (HK-7, HK-11h). The contract carries the
 * fact and does not judge it, so a mismatch is a recorded refusal, not a dead letter.
 */
export function withdrawalApprovedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      withdrawalId: identifierSchema,
      /** The exchange's WithdrawalRequested v1 requestId this withdrawal executes. */
      requestId: identifierSchema,
      clientId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      /** The client-segregated wallet the amount leaves from. */
      walletId: identifierSchema,
      destinationAddress: z
        .string()
        .regex(
          DESTINATION_ADDRESS_PATTERN,
          coded('INVALID_FORMAT', `must match ${DESTINATION_ADDRESS_PATTERN.source}`),
        ),
      chain: chainSchema,
      destinationAllowListedForClientId: identifierSchema,
      approvedAt: timestampSchema,
    })
    .superRefine((withdrawal, context) =>
      checkAmountDigits(registry, withdrawal.asset, withdrawal.amountMinor, context, [
        'amountMinor',
      ]),
    );
}

/**
 * Mined and final: the held amount left the wallet. `networkFeeMinor` is what the wallet paid
 * the network on top, in the SAME asset (0 when none). A fee in another asset (an ERC-20
 * withdrawal whose gas is paid in ETH) cannot be expressed in v1: it needs a later version.
 */
export function withdrawalConfirmedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      withdrawalId: identifierSchema,
      clientId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      networkFeeMinor: amountMinorSchema(registry),
      walletId: identifierSchema,
      chain: chainSchema,
      transactionHash: transactionHashSchema,
      confirmedAt: timestampSchema,
    })
    .superRefine((withdrawal, context) => {
      checkAmountDigits(registry, withdrawal.asset, withdrawal.amountMinor, context, [
        'amountMinor',
      ]);
      checkAmountDigits(registry, withdrawal.asset, withdrawal.networkFeeMinor, context, [
        'networkFeeMinor',
      ]);
    });
}

/** The withdrawal will not leave (see WITHDRAWAL_FAILURE_REASONS); a hold, if any, is released. */
export const withdrawalFailedDataV1Schema = z.strictObject({
  withdrawalId: identifierSchema,
  clientId: identifierSchema,
  reason: z.enum(
    WITHDRAWAL_FAILURE_REASONS,
    coded('INVALID_VALUE', `must be one of ${WITHDRAWAL_FAILURE_REASONS.join(', ')}`),
  ),
  failedAt: timestampSchema,
});

export function depositConfirmedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    DEPOSIT_CONFIRMED_TYPE,
    DEPOSIT_CONFIRMED_SCHEMA_VERSION,
    depositConfirmedDataV1Schema(registry),
  );
}

export function withdrawalApprovedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    WITHDRAWAL_APPROVED_TYPE,
    WITHDRAWAL_APPROVED_SCHEMA_VERSION,
    withdrawalApprovedDataV1Schema(registry),
  );
}

export function withdrawalConfirmedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    WITHDRAWAL_CONFIRMED_TYPE,
    WITHDRAWAL_CONFIRMED_SCHEMA_VERSION,
    withdrawalConfirmedDataV1Schema(registry),
  );
}

export const withdrawalFailedV1Schema = envelopeSchema(
  WITHDRAWAL_FAILED_TYPE,
  WITHDRAWAL_FAILED_SCHEMA_VERSION,
  withdrawalFailedDataV1Schema,
);

export type DepositConfirmedV1 = z.infer<ReturnType<typeof depositConfirmedV1Schema>>;
export type WithdrawalApprovedV1 = z.infer<ReturnType<typeof withdrawalApprovedV1Schema>>;
export type WithdrawalConfirmedV1 = z.infer<ReturnType<typeof withdrawalConfirmedV1Schema>>;
export type WithdrawalFailedV1 = z.infer<typeof withdrawalFailedV1Schema>;
