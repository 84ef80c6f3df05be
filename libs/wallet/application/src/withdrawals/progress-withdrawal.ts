import type { Transaction } from '@custody/event-store';
import {
  decideWithdrawal,
  walletError,
  type WithdrawalEvent,
  type WithdrawalProgressCommand,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { Executed } from '../shared/event-sourced';
import { keptInStep } from '../shared/lookup-table';
import { instantOf, refusal, type Refusal, type WalletContext } from '../shared/wallet-context';
import { WITHDRAWAL_AGGREGATE, withdrawalStreamId } from '../shared/wallet-streams';
import type { WithdrawalFacts } from './withdrawal-facts';
import { WITHDRAWAL_QUEUE_TABLE } from './withdrawal-queue.table';

export type WithdrawalExecuted = Executed<WithdrawalState | undefined, WithdrawalEvent>;

/** A ledger hold of a withdrawal's amount (custody.ledger.events.v1 WithdrawalHoldPlaced). */
export interface LedgerHold {
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly walletId: string;
}

/**
 * Any decision on a withdrawal or internal transfer after its request, with the wallet and the
 * current roster as facts (HK-11c/d/e, TW-17.4): custodians' approvals, cancellation, the
 * ledger's hold, and the processor's steps.
 */
export class ProgressWithdrawal {
  constructor(
    private readonly context: WalletContext,
    private readonly withdrawals: WithdrawalFacts,
  ) {}

  async execute(
    withdrawalId: string,
    command: WithdrawalProgressCommand,
    actor: string,
    transaction?: Transaction,
  ): Promise<WithdrawalExecuted | Refusal> {
    const current = await this.withdrawals.withdrawal(withdrawalId, transaction);
    if (current === undefined)
      return refusal(
        walletError('WITHDRAWAL_UNKNOWN', 'withdrawalId', `no withdrawal ${withdrawalId}`),
      );
    const facts = await this.withdrawals.progressFacts(current, transaction);
    if (facts === undefined)
      return refusal(
        walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${current.request.walletId}`),
      );
    return this.context.streams.execute(
      withdrawalStreamId(withdrawalId),
      WITHDRAWAL_AGGREGATE,
      (state) => decideWithdrawal(command, state, facts),
      { actor },
      {
        ...(transaction === undefined ? {} : { transaction }),
        afterAppend: keptInStep(WITHDRAWAL_QUEUE_TABLE, this.context.schema),
      },
    );
  }

  /** A custodian's approval of the payload hash they reviewed (the authenticated person is `custodianId`). */
  approveSigning(withdrawalId: string, payloadHash: string, custodianId: string) {
    const at = instantOf(this.context);
    const command = { type: 'ApproveSigning' as const, withdrawalId, custodianId, payloadHash, at };
    return this.execute(withdrawalId, command, custodianId);
  }

  cancel(withdrawalId: string, reason: string, actor: string) {
    const at = instantOf(this.context);
    const command = {
      type: 'CancelWithdrawal' as const,
      withdrawalId,
      cancelledBy: actor,
      reason,
      at,
    };
    return this.execute(withdrawalId, command, actor);
  }

  /** The ledger placed its hold: the HSM may now sign, quorum permitting. */
  recordLedgerHold(withdrawalId: string, hold: LedgerHold, at: string, transaction?: Transaction) {
    const command = { type: 'RecordLedgerHold' as const, withdrawalId, hold, at };
    return this.execute(withdrawalId, command, 'ledger', transaction);
  }
}
