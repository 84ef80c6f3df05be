import {
  HOUSE_DEPOSIT_CONFIRMED_TYPE,
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  NETWORK_FEE_PAID_TYPE,
  WALLET_EVENTS_TOPIC,
  type HouseDepositConfirmedV1,
  type InternalTransferConfirmedV1,
  type NetworkFeePaidV1,
} from '@custody/contracts';
import type { HouseCommand } from '@custody/ledger-domain';
import type { ConsumedMessage } from '@custody/messaging';

/**
 * The house-only journal a wallet message asks for: a transfer between two of our wallets, a
 * network fee no client movement carried (the wallet reports a withdrawal's same-asset fee on its
 * WithdrawalConfirmed instead, booked with the settlement), or a deposit into a house wallet
 * (booked to house inventory under its deposit id).
 */
export function houseCommandOf(message: ConsumedMessage): HouseCommand | undefined {
  if (message.topic !== WALLET_EVENTS_TOPIC) return undefined;
  if (message.value.type === INTERNAL_TRANSFER_CONFIRMED_TYPE) {
    const { data } = message.value as unknown as InternalTransferConfirmedV1;
    return {
      type: 'BookCustodyTransfer',
      transferId: data.withdrawalId,
      fromWalletId: data.sourceWalletId,
      toWalletId: data.destinationWalletId,
      asset: data.asset,
      amountMinor: BigInt(data.amountMinor),
      at: data.confirmedAt,
    };
  }
  if (message.value.type === NETWORK_FEE_PAID_TYPE) {
    const { data } = message.value as unknown as NetworkFeePaidV1;
    return {
      type: 'BookNetworkFee',
      feeId: `${data.reference}:${data.transactionHash}`,
      walletId: data.walletId,
      asset: data.feeAsset,
      amountMinor: BigInt(data.feeMinor),
      at: data.at,
    };
  }
  if (message.value.type === HOUSE_DEPOSIT_CONFIRMED_TYPE) {
    const { data } = message.value as unknown as HouseDepositConfirmedV1;
    return {
      type: 'BookHouseDeposit',
      depositId: data.depositId,
      walletId: data.walletId,
      asset: data.asset,
      amountMinor: BigInt(data.amountMinor),
      at: data.confirmedAt,
    };
  }
  return undefined;
}
