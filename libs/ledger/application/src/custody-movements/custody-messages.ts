import {
  DEPOSIT_CONFIRMED_TYPE,
  WALLET_EVENTS_TOPIC,
  WITHDRAWAL_APPROVED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  WITHDRAWAL_FAILED_TYPE,
  type DepositConfirmedV1,
  type WithdrawalApprovedV1,
  type WithdrawalConfirmedV1,
  type WithdrawalFailedV1,
} from '@custody/contracts';
import type { LedgerCommand } from '@custody/ledger-domain';
import type { ConsumedMessage } from '@custody/messaging';

/**
 * A client's movement in or out of custody, as the wallet reports it: a confirmed deposit is
 * booked; an approved withdrawal is held, then settled once confirmed or released once it failed
 * or was cancelled. Undefined for a message the ledger does not act on (another wallet event type,
 * or a failure of a withdrawal that was never approved and so never held). Business time is the
 * message's own (confirmation or approval time), never the clock.
 */
export function custodyMovementOf(message: ConsumedMessage): LedgerCommand | undefined {
  if (message.topic !== WALLET_EVENTS_TOPIC) return undefined;
  const value = message.value as unknown as { type: string };
  switch (value.type) {
    case DEPOSIT_CONFIRMED_TYPE: {
      const { data } = message.value as unknown as DepositConfirmedV1;
      return {
        type: 'BookDeposit',
        depositId: data.depositId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        walletId: data.walletId,
        metadata: { at: data.confirmedAt },
      };
    }
    case WITHDRAWAL_APPROVED_TYPE: {
      const { data } = message.value as unknown as WithdrawalApprovedV1;
      return {
        type: 'HoldWithdrawal',
        withdrawalId: data.withdrawalId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        walletId: data.walletId,
        destinationAllowListedForClientId: data.destinationAllowListedForClientId,
        metadata: { at: data.approvedAt },
      };
    }
    case WITHDRAWAL_CONFIRMED_TYPE: {
      const { data } = message.value as unknown as WithdrawalConfirmedV1;
      return {
        type: 'SettleWithdrawal',
        withdrawalId: data.withdrawalId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        walletId: data.walletId,
        networkFeeMinor: BigInt(data.networkFeeMinor),
        metadata: { at: data.confirmedAt },
      };
    }
    case WITHDRAWAL_FAILED_TYPE: {
      const { data } = message.value as unknown as WithdrawalFailedV1;
      if (data.reason === 'rejected') return undefined; // never approved: nothing was held
      return {
        type: 'ReleaseWithdrawal',
        withdrawalId: data.withdrawalId,
        clientId: data.clientId,
        reason: data.reason === 'cancelled' ? 'cancelled' : 'failed',
        metadata: { at: data.failedAt },
      };
    }
    default:
      return undefined;
  }
}
