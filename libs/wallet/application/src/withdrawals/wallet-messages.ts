import {
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WITHDRAWAL_HOLD_PLACED_TYPE,
  WITHDRAWAL_REQUESTED_TYPE,
  type WithdrawalHoldPlacedV1,
  type WithdrawalRequestedV1,
} from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage, Rejection } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { ProgressWithdrawal } from './progress-withdrawal';
import type { RequestWithdrawal, WithdrawalInput } from './request-withdrawal';
import type { SourceWallets } from './source-wallet';
import type { WithdrawalFacts } from './withdrawal-facts';

/** The withdrawal slices a consumed message is applied through. */
export interface WalletMessageHandlers {
  readonly withdrawalFacts: WithdrawalFacts;
  readonly sourceWallets: SourceWallets;
  readonly withdrawalRequests: RequestWithdrawal;
  readonly withdrawalProgress: ProgressWithdrawal;
}

/** What the wallet consumes: the exchange's withdrawal requests and the ledger's holds. */
export const WALLET_CONSUMED_TOPICS = [
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
] as const;
/** Who asked, for withdrawals that arrive from the exchange's topic. */
export const EXCHANGE_ACTOR = 'exchange';

/**
 * The inbox consumer's `apply` for the wallet, inside the batch's transaction: an exchange
 * withdrawal request is recorded (the withdrawal id is the request id: one withdrawal per
 * request) or refused with its code (parked as a dead letter, nothing recorded); a ledger hold
 * lets its withdrawal be signed. Other ledger events are not the wallet's business.
 */
export function applyWalletMessages(handlers: WalletMessageHandlers) {
  return async (
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<ApplyOutcome> => {
    const rejected: Rejection[] = [];
    const transaction = { client };
    // Source wallets first, for the whole batch: they read balances on chain, which must not happen while this
    // transaction holds the store's append lock (taken at its first append, held to the commit).
    const requests = new Map<string, WithdrawalInput>();
    for (const message of messages) {
      if (
        message.topic !== EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC ||
        message.value.type !== WITHDRAWAL_REQUESTED_TYPE
      )
        continue;
      const { data } = message.value as unknown as WithdrawalRequestedV1;
      const input: WithdrawalInput = {
        withdrawalId: data.requestId,
        requestId: data.requestId,
        clientId: data.clientId,
        asset: data.asset,
        amountMinor: BigInt(data.amountMinor),
        chain: data.chain,
        destinationAddress: data.destinationAddress,
      };
      const known = await handlers.withdrawalFacts.withdrawal(input.withdrawalId, transaction);
      const walletId =
        known?.request.walletId ?? (await handlers.sourceWallets.choose(input, transaction));
      requests.set(message.messageId, { ...input, walletId: walletId ?? null }); // null: resolved, none can pay
    }
    for (const message of messages) {
      const request = requests.get(message.messageId);
      if (request !== undefined) {
        const result = await handlers.withdrawalRequests.execute(
          request,
          EXCHANGE_ACTOR,
          transaction,
        );
        if (!result.ok)
          rejected.push({
            messageId: message.messageId,
            code: result.error.code,
            path: result.error.path === '' ? '' : `data.${result.error.path}`,
            reason: result.error.reason,
          });
      } else if (
        message.topic === LEDGER_EVENTS_TOPIC &&
        message.value.type === WITHDRAWAL_HOLD_PLACED_TYPE
      ) {
        // validated against custody.ledger.events.v1 WithdrawalHoldPlaced v1 by the consumer before it gets here
        const { data } = message.value as unknown as WithdrawalHoldPlacedV1;
        const hold = {
          clientId: data.clientId,
          asset: data.asset,
          amountMinor: BigInt(data.amountMinor),
          walletId: data.walletId,
        };
        const result = await handlers.withdrawalProgress.recordLedgerHold(
          data.withdrawalId,
          hold,
          data.at,
          transaction,
        );
        // a hold of a withdrawal this wallet never recorded is not ours to act on (another deployment's, or a test's)
        if (!result.ok && result.error.code !== 'WITHDRAWAL_UNKNOWN')
          rejected.push({
            messageId: message.messageId,
            code: result.error.code,
            path: `data.${result.error.path}`,
            reason: result.error.reason,
          });
      }
    }
    return { rejected };
  };
}
