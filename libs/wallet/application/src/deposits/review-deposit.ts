import {
  decideDeposit,
  walletError,
  type DepositCommand,
  type DepositEvent,
  type DepositState,
  type TransferThresholds,
} from '@custody/wallet-domain';
import type { Executed } from '../shared/event-sourced';
import { keptAllInStep } from '../shared/lookup-table';
import { instantOf, refusal, type Refusal, type WalletContext } from '../shared/wallet-context';
import { DEPOSIT_AGGREGATE, depositStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';
import type { DepositFacts } from './deposit-facts';
import { DEPOSIT_REVIEW_TABLE, DEPOSIT_WATCH_TABLE } from './deposit-tables';

export interface ReviewDepositDependencies {
  readonly context: WalletContext;
  readonly wallets: WalletFacts;
  readonly deposits: DepositFacts;
  readonly thresholds: TransferThresholds;
}

type DepositExecuted = Executed<DepositState | undefined, DepositEvent>;
type ReviewCommand = Extract<
  DepositCommand,
  { type: 'ProposeDepositAttribution' | 'DecideDepositAttribution' }
>;

/** HK-11h: a deposit whose sender is on several clients' proven lists: one reviewer proposes whose it is, a different one decides. */
export class ReviewDeposit {
  constructor(private readonly dependencies: ReviewDepositDependencies) {}

  propose(
    depositId: string,
    clientId: string,
    reason: string,
    actor: string,
  ): Promise<DepositExecuted | Refusal> {
    const at = instantOf(this.dependencies.context);
    const command = {
      type: 'ProposeDepositAttribution' as const,
      depositId,
      clientId,
      reason,
      proposedBy: actor,
      at,
    };
    return this.review(depositId, command, actor);
  }

  decide(
    depositId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ): Promise<DepositExecuted | Refusal> {
    const at = instantOf(this.dependencies.context);
    const command = {
      type: 'DecideDepositAttribution' as const,
      depositId,
      decision,
      reason,
      decidedBy: actor,
      at,
    };
    return this.review(depositId, command, actor);
  }

  private async review(
    depositId: string,
    command: ReviewCommand,
    actor: string,
  ): Promise<DepositExecuted | Refusal> {
    const { context, wallets, deposits, thresholds } = this.dependencies;
    const current = await deposits.deposit(depositId);
    if (current === undefined)
      return refusal(walletError('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${depositId}`));
    const wallet = await wallets.wallet(current.transfer.walletId);
    if (wallet === undefined)
      return refusal(
        walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${current.transfer.walletId}`),
      );
    return context.streams.execute(
      depositStreamId(depositId),
      DEPOSIT_AGGREGATE,
      (state) => decideDeposit(command, state, { wallet, thresholds }),
      { actor },
      {
        afterAppend: keptAllInStep([DEPOSIT_WATCH_TABLE, DEPOSIT_REVIEW_TABLE], context.schema),
      },
    );
  }
}
