// custody.wallet.events.v1 / HouseDepositConfirmed v1: a deposit into a HOUSE wallet, final by the
// wallet's confirmations: the institution's own assets (BC-1..BC-4 weigh them; the ledger books
// them to house inventory). No client: a client's deposit is DepositConfirmed. PUBLISHED: frozen.
// A change is a new file (v2) plus an upcaster, never an edit of this one.
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
  timestampSchema,
} from '../primitives';
import { CONFIRMATIONS_MAX, TRANSACTION_HASH_PATTERN } from './wallet-events.v1';

export const HOUSE_DEPOSIT_CONFIRMED_TYPE = 'HouseDepositConfirmed';
export const HOUSE_DEPOSIT_CONFIRMED_SCHEMA_VERSION = 1;

/** An on-chain deposit to a house wallet, final by the wallet's confirmation policy. */
export function houseDepositConfirmedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      depositId: identifierSchema,
      /** The house wallet that received the deposit. */
      walletId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      chain: z
        .string()
        .regex(CHAIN_PATTERN, coded('INVALID_FORMAT', `must match ${CHAIN_PATTERN.source}`)),
      transactionHash: z
        .string()
        .regex(
          TRANSACTION_HASH_PATTERN,
          coded('INVALID_FORMAT', `must match ${TRANSACTION_HASH_PATTERN.source}`),
        ),
      confirmations: z.int().min(0).max(CONFIRMATIONS_MAX),
      confirmedAt: timestampSchema,
    })
    .superRefine((deposit, context) =>
      checkAmountDigits(registry, deposit.asset, deposit.amountMinor, context, ['amountMinor']),
    );
}

export function houseDepositConfirmedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    HOUSE_DEPOSIT_CONFIRMED_TYPE,
    HOUSE_DEPOSIT_CONFIRMED_SCHEMA_VERSION,
    houseDepositConfirmedDataV1Schema(registry),
  );
}

export type HouseDepositConfirmedV1 = z.infer<ReturnType<typeof houseDepositConfirmedV1Schema>>;
