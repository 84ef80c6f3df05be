// exchange.withdrawal-requests.v1 / WithdrawalRequested v1. PUBLISHED: frozen.
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import {
  assetSchema,
  checkAmountDigits,
  coded,
  identifierSchema,
  positiveAmountMinorSchema,
  timestampSchema,
} from '../primitives';

export const WITHDRAWAL_REQUESTED_TYPE = 'WithdrawalRequested';
export const WITHDRAWAL_REQUESTED_SCHEMA_VERSION = 1;
/** Chain names are lower-case slugs (`bitcoin`, `ethereum`, `solana`, `tron`). */
export const CHAIN_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Printable, no whitespace; the wallet service validates the address for its chain. */
export const DESTINATION_ADDRESS_PATTERN = /^[A-Za-z0-9:._-]{1,128}$/;

export function withdrawalRequestedDataV1Schema(registry: AssetRegistry) {
  return z
    .strictObject({
      requestId: identifierSchema,
      clientId: identifierSchema,
      asset: assetSchema(registry),
      amountMinor: positiveAmountMinorSchema(registry),
      destinationAddress: z
        .string()
        .regex(
          DESTINATION_ADDRESS_PATTERN,
          coded('INVALID_FORMAT', `must match ${DESTINATION_ADDRESS_PATTERN.source}`),
        ),
      chain: z
        .string()
        .regex(CHAIN_PATTERN, coded('INVALID_FORMAT', `must match ${CHAIN_PATTERN.source}`)),
      requestedAt: timestampSchema,
    })
    .superRefine((request, context) =>
      checkAmountDigits(registry, request.asset, request.amountMinor, context, ['amountMinor']),
    );
}

export function withdrawalRequestedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    WITHDRAWAL_REQUESTED_TYPE,
    WITHDRAWAL_REQUESTED_SCHEMA_VERSION,
    withdrawalRequestedDataV1Schema(registry),
  );
}

export type WithdrawalRequestedV1 = z.infer<ReturnType<typeof withdrawalRequestedV1Schema>>;
