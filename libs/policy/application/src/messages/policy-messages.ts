import {
  EXCHANGE_PRICES_TOPIC,
  JOURNAL_POSTED_TYPE,
  LEDGER_EVENTS_TOPIC,
  PRICE_OBSERVED_TYPE,
  WALLET_EVENTS_TOPIC,
  WALLET_REGISTERED_TYPE,
  WITHDRAWAL_FAILED_TYPE,
  WITHDRAWAL_HOLD_PLACED_TYPE,
  walletHoldingDeltas,
  type JournalPostedV1,
  type PriceObservedV1,
  type WalletRegisteredV1,
  type WithdrawalFailedV1,
  type WithdrawalHoldPlacedV1,
} from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage, Rejection } from '@custody/messaging';
import type { PoolClient } from 'pg';
import type { ComplianceEvaluation } from '../compliance/compliance-evaluation';
import type { FactsRecorder } from '../facts/facts-recorder';
import type { WithdrawalReservations } from '../withdrawal-decisions/withdrawal-reservations';

/** What the consumer moves: the facts, the withdrawal reservations, and the evaluation after. */
export interface PolicyMessageTargets {
  readonly facts: FactsRecorder;
  readonly reservations: WithdrawalReservations;
  readonly evaluation: ComplianceEvaluation;
}

/**
 * What the policy service consumes: the wallet's movements (which wallet holds what), the
 * ledger's journals (what clients are owed, what each wallet's custody account holds: HK-6) and
 * the exchange's prices.
 */
export const POLICY_CONSUMED_TOPICS = [
  WALLET_EVENTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  EXCHANGE_PRICES_TOPIC,
] as const;

/**
 * The inbox consumer's `apply` for the policy service: each relevant message moves the facts
 * (wallets and their tiers, client and house holdings per wallet and asset, latest prices) in the
 * batch's transaction; then the rules run once over the new facts and what changed is recorded
 * (a breach detected or resolved), in the same transaction. Messages validate against the
 * published contracts before they get here.
 */
export function applyPolicyMessages({ facts, reservations, evaluation }: PolicyMessageTargets) {
  return async (
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<ApplyOutcome> => {
    let relevant = 0;
    const rejected: Rejection[] = [];
    // the facts of this batch are recorded at the instant of the evaluation that takes them in
    const instant = await evaluation.evaluationInstant({ client });
    for (const message of messages) {
      const value = message.value;
      if (message.topic === EXCHANGE_PRICES_TOPIC && value.type === PRICE_OBSERVED_TYPE) {
        const { data } = value as unknown as PriceObservedV1;
        const refused = await facts.observePrice(client, instant, data);
        if (refused !== undefined)
          rejected.push({
            messageId: message.messageId,
            code: refused.code,
            path: `data.${refused.path}`,
            reason: refused.reason,
          });
        else relevant += 1;
        continue;
      }
      if (message.topic === LEDGER_EVENTS_TOPIC) {
        if (value.type === WITHDRAWAL_HOLD_PLACED_TYPE) {
          await reservations.hold(
            client,
            (value as unknown as WithdrawalHoldPlacedV1).data.withdrawalId,
          );
          continue;
        }
        if (value.type !== JOURNAL_POSTED_TYPE) continue;
        const { data } = value as unknown as JournalPostedV1;
        if (!(await facts.postJournal(client, instant, data))) continue;
        if (data.kind === 'withdrawal') await reservations.settle(client, data.sourceReference);
        relevant += 1;
        continue;
      }
      if (message.topic !== WALLET_EVENTS_TOPIC) continue;
      switch (value.type) {
        case WALLET_REGISTERED_TYPE: {
          const { data } = value as unknown as WalletRegisteredV1;
          await facts.registerWallet(client, instant, data);
          break;
        }
        case WITHDRAWAL_FAILED_TYPE: {
          // nothing left the wallet: what the policy allowed for it is available again
          await reservations.release(
            client,
            (value as unknown as WithdrawalFailedV1).data.withdrawalId,
          );
          continue;
        }
        default: {
          // the movements that change what a wallet holds (the contract's own reading, shared with reconciliation)
          const deltas = walletHoldingDeltas(value);
          if (deltas.length === 0) continue;
          for (const delta of deltas)
            await facts.addHolding(
              client,
              instant,
              delta.walletId,
              delta.asset,
              delta.clientDeltaMinor,
              delta.houseDeltaMinor,
            );
        }
      }
      relevant += 1;
    }
    if (relevant > 0) await evaluation.evaluateAndRecord(instant, { client });
    return { rejected };
  };
}
