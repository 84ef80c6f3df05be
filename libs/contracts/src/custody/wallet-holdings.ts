// What the wallet's published movements mean for what each wallet holds, split by whose it is:
// the one reading of custody.wallet.events.v1 that the policy service (ratios, commingling) and
// the reconciliation service (TW-14 wallet records) share. Pure; input validated by the contract.
import {
  DEPOSIT_CONFIRMED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  type DepositConfirmedV1,
  type WithdrawalConfirmedV1,
} from './wallet-events.v1';
import {
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  NETWORK_FEE_PAID_TYPE,
  type InternalTransferConfirmedV1,
  type NetworkFeePaidV1,
} from './wallet-events.v1-holdings';
import {
  HOUSE_DEPOSIT_CONFIRMED_TYPE,
  type HouseDepositConfirmedV1,
} from './wallet-events.v1-house';

export interface HoldingDelta {
  readonly walletId: string;
  readonly asset: string;
  /** Client assets in the wallet: up on a deposit, down on a withdrawal (minor units). */
  readonly clientDeltaMinor: bigint;
  /** The institution's own assets in the wallet: up on a house deposit, down by the network fees it pays from it. */
  readonly houseDeltaMinor: bigint;
  /** When, in business terms (the confirmation). */
  readonly at: string;
}

/**
 * A deposit adds to the client share; a withdrawal takes its amount from the client share and a
 * fee in the same asset (carried on WithdrawalConfirmed, never also as NetworkFeePaid) from the
 * house share; an internal transfer moves client assets between two of our wallets; any other
 * fee is the house's expense, paid from the wallet (its float, by a TW-4 exception); a deposit
 * into a house wallet adds to its house share. Other event types hold nothing: no deltas.
 */
export function walletHoldingDeltas(message: {
  readonly type: string;
  readonly data: unknown;
}): HoldingDelta[] {
  switch (message.type) {
    case DEPOSIT_CONFIRMED_TYPE: {
      const data = message.data as DepositConfirmedV1['data'];
      return [
        {
          walletId: data.walletId,
          asset: data.asset,
          clientDeltaMinor: BigInt(data.amountMinor),
          houseDeltaMinor: 0n,
          at: data.confirmedAt,
        },
      ];
    }
    case HOUSE_DEPOSIT_CONFIRMED_TYPE: {
      const data = message.data as HouseDepositConfirmedV1['data'];
      return [
        {
          walletId: data.walletId,
          asset: data.asset,
          clientDeltaMinor: 0n,
          houseDeltaMinor: BigInt(data.amountMinor),
          at: data.confirmedAt,
        },
      ];
    }
    case WITHDRAWAL_CONFIRMED_TYPE: {
      const data = message.data as WithdrawalConfirmedV1['data'];
      return [
        {
          walletId: data.walletId,
          asset: data.asset,
          clientDeltaMinor: -BigInt(data.amountMinor),
          houseDeltaMinor: -BigInt(data.networkFeeMinor),
          at: data.confirmedAt,
        },
      ];
    }
    case INTERNAL_TRANSFER_CONFIRMED_TYPE: {
      const data = message.data as InternalTransferConfirmedV1['data'];
      return [
        {
          walletId: data.sourceWalletId,
          asset: data.asset,
          clientDeltaMinor: -BigInt(data.amountMinor),
          houseDeltaMinor: 0n,
          at: data.confirmedAt,
        },
        {
          walletId: data.destinationWalletId,
          asset: data.asset,
          clientDeltaMinor: BigInt(data.amountMinor),
          houseDeltaMinor: 0n,
          at: data.confirmedAt,
        },
      ];
    }
    case NETWORK_FEE_PAID_TYPE: {
      const data = message.data as NetworkFeePaidV1['data'];
      return [
        {
          walletId: data.walletId,
          asset: data.feeAsset,
          clientDeltaMinor: 0n,
          houseDeltaMinor: -BigInt(data.feeMinor),
          at: data.at,
        },
      ];
    }
    default:
      return [];
  }
}
