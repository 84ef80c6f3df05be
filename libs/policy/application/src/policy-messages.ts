import {
  DEPOSIT_CONFIRMED_TYPE,
  EXCHANGE_PRICES_TOPIC,
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  JOURNAL_POSTED_TYPE,
  LEDGER_EVENTS_TOPIC,
  NETWORK_FEE_PAID_TYPE,
  PRICE_OBSERVED_TYPE,
  WALLET_EVENTS_TOPIC,
  WALLET_REGISTERED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  WITHDRAWAL_FAILED_TYPE,
  type DepositConfirmedV1,
  type InternalTransferConfirmedV1,
  type JournalPostedV1,
  type NetworkFeePaidV1,
  type PriceObservedV1,
  type WalletRegisteredV1,
  type WithdrawalConfirmedV1,
  type WithdrawalFailedV1,
} from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage, Rejection } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { PolicyService } from './policy-service';

/**
 * What the policy service consumes: the wallet's movements (which wallet holds what), the
 * ledger's journals (what clients are owed, what each wallet's custody account holds: HK-6) and
 * the exchange's prices.
 */
export const POLICY_CONSUMED_TOPICS = [WALLET_EVENTS_TOPIC, LEDGER_EVENTS_TOPIC, EXCHANGE_PRICES_TOPIC] as const;

/**
 * The inbox consumer's `apply` for the policy service: each relevant message moves the facts
 * (wallets and their tiers, client and house holdings per wallet and asset, latest prices) in the
 * batch's transaction; then the rules run once over the new facts and what changed is recorded
 * (a breach detected or resolved), in the same transaction. Messages validate against the
 * published contracts before they get here.
 */
export function applyPolicyMessages(service: PolicyService) {
  return async (messages: readonly ConsumedMessage[], client: PoolClient): Promise<ApplyOutcome> => {
    let relevant = 0;
    const rejected: Rejection[] = [];
    // the facts of this batch are recorded at the instant of the evaluation that takes them in
    const instant = await service.evaluationInstant({ client });
    for (const message of messages) {
      const value = message.value;
      if (message.topic === EXCHANGE_PRICES_TOPIC && value.type === PRICE_OBSERVED_TYPE) {
        const { data } = value as unknown as PriceObservedV1;
        const refused = await service.observePrice(client, instant, data);
        if (refused !== undefined) rejected.push({ messageId: message.messageId, code: refused.code, path: `data.${refused.path}`, reason: refused.reason });
        else relevant += 1;
        continue;
      }
      if (message.topic === LEDGER_EVENTS_TOPIC) {
        if (value.type !== JOURNAL_POSTED_TYPE) continue;
        const { data } = value as unknown as JournalPostedV1;
        if (!(await service.postJournal(client, instant, data))) continue;
        if (data.kind === 'withdrawal') await service.withdrawals.settle(client, data.sourceReference);
        relevant += 1;
        continue;
      }
      if (message.topic !== WALLET_EVENTS_TOPIC) continue;
      switch (value.type) {
        case WALLET_REGISTERED_TYPE: {
          const { data } = value as unknown as WalletRegisteredV1;
          await service.registerWallet(client, instant, data);
          break;
        }
        case DEPOSIT_CONFIRMED_TYPE: {
          const { data } = value as unknown as DepositConfirmedV1;
          await service.addHolding(client, instant, data.walletId, data.asset, BigInt(data.amountMinor), 0n);
          break;
        }
        case WITHDRAWAL_CONFIRMED_TYPE: {
          const { data } = value as unknown as WithdrawalConfirmedV1;
          // the amount leaves the client share; a fee in the same asset (carried here, not as NetworkFeePaid) the house share
          await service.addHolding(client, instant, data.walletId, data.asset, -BigInt(data.amountMinor), -BigInt(data.networkFeeMinor));
          break;
        }
        case INTERNAL_TRANSFER_CONFIRMED_TYPE: {
          const { data } = value as unknown as InternalTransferConfirmedV1;
          await service.addHolding(client, instant, data.sourceWalletId, data.asset, -BigInt(data.amountMinor), 0n);
          await service.addHolding(client, instant, data.destinationWalletId, data.asset, BigInt(data.amountMinor), 0n);
          break;
        }
        case WITHDRAWAL_FAILED_TYPE: {
          // nothing left the wallet: what the policy allowed for it is available again
          await service.withdrawals.release(client, (value as unknown as WithdrawalFailedV1).data.withdrawalId);
          continue;
        }
        case NETWORK_FEE_PAID_TYPE: {
          // the house's expense, paid from the wallet: it comes out of the house share (pre-funded by a commingling exception)
          const { data } = value as unknown as NetworkFeePaidV1;
          await service.addHolding(client, instant, data.walletId, data.feeAsset, 0n, -BigInt(data.feeMinor));
          break;
        }
        default:
          continue;
      }
      relevant += 1;
    }
    if (relevant > 0) await service.evaluateAndRecord(instant, { client });
    return { rejected };
  };
}
