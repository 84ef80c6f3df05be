import type { Transaction } from '@custody/event-store';
import {
  allowListedAddress,
  decideRequestWithdrawal,
  isAllowListed,
  ownWithdrawalChecks,
  walletError,
  type TransferThresholds,
  type WithdrawalEvent,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { AllowListFacts } from '../allow-list/allow-list-facts';
import type { WithdrawalPolicyPort } from '../ports';
import type { Executed } from '../shared/event-sourced';
import { keptInStep } from '../shared/lookup-table';
import type { TransferAlerts } from '../shared/transfer-alerts';
import { instantOf, refusal, type Refusal, type WalletContext } from '../shared/wallet-context';
import { WITHDRAWAL_AGGREGATE, withdrawalStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';
import type { SourceWallets } from './source-wallet';
import type { WithdrawalFacts } from './withdrawal-facts';
import { WITHDRAWAL_QUEUE_TABLE } from './withdrawal-queue.table';

export interface WithdrawalInput {
  readonly withdrawalId: string;
  readonly requestId: string;
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly chain: string;
  readonly destinationAddress: string;
  /** The wallet to pay from; absent: the service picks a hot client-segregated one with enough on chain; null: already looked for, none can pay. */
  readonly walletId?: string | null;
}

export interface RequestWithdrawalDependencies {
  readonly context: WalletContext;
  readonly wallets: WalletFacts;
  readonly allowLists: AllowListFacts;
  readonly withdrawals: WithdrawalFacts;
  readonly sourceWallets: SourceWallets;
  readonly policy: WithdrawalPolicyPort;
  readonly thresholds: TransferThresholds;
  readonly alerts: TransferAlerts;
}

/** HK-11d/e/h, TW-15: records a withdrawal request (allow-list, wallet, policy checked); the processor then prepares the transaction for review. */
export class RequestWithdrawal {
  constructor(private readonly dependencies: RequestWithdrawalDependencies) {}

  async execute(
    input: WithdrawalInput,
    actor: string,
    transaction?: Transaction,
  ): Promise<Executed<WithdrawalState | undefined, WithdrawalEvent> | Refusal> {
    const { context, wallets, allowLists, withdrawals, sourceWallets, thresholds } =
      this.dependencies;
    const at = instantOf(context);
    const existing = await withdrawals.withdrawal(input.withdrawalId, transaction);
    const walletId =
      existing?.request.walletId ??
      (input.walletId === null
        ? undefined
        : (input.walletId ?? (await sourceWallets.choose(input, transaction))));
    if (walletId === undefined)
      return refusal(
        walletError(
          'WITHDRAWAL_NO_SOURCE_WALLET',
          'amountMinor',
          `no hot client-segregated wallet on ${input.chain} holds ${input.amountMinor} ${input.asset}`,
        ),
      );
    const wallet = await wallets.wallet(walletId, transaction);
    const allowList = await allowLists.allowList(input.clientId, transaction);
    const request = {
      withdrawalId: input.withdrawalId,
      requestId: input.requestId,
      clientId: input.clientId,
      asset: input.asset,
      amountMinor: input.amountMinor,
      walletId,
      destinationAddress: input.destinationAddress,
      destinationWalletId: null,
      requestedBy: actor,
    };
    const command = { type: 'RequestWithdrawal' as const, ...request, at };
    const chainOfWallet = wallet?.registration.chain ?? input.chain;
    const destination = input.destinationAddress;
    const destinationAllowListedFor = isAllowListed(allowList, chainOfWallet, destination)
      ? [input.clientId]
      : [];
    const destinationUsableFrom =
      allowListedAddress(allowList, chainOfWallet, destination)?.usableFrom ?? null;
    const facts = { wallet, destinationAllowListedFor, destinationUsableFrom, thresholds };
    if (existing === undefined) {
      // the wallet's own checks first: the policy service reserves what it allows, so it is asked
      // only about a withdrawal the wallet would take
      const checked = ownWithdrawalChecks(command, facts);
      if (!checked.ok) return refusal(checked.error);
    }
    // a request on record names a registered wallet, and wallets are never removed
    if (wallet === undefined)
      return refusal(walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${walletId}`));
    const policy = await this.dependencies.policy.decide(request, wallet, {
      destinationAllowListed: destinationAllowListedFor.includes(input.clientId),
    });
    const executed = await context.streams.execute(
      withdrawalStreamId(input.withdrawalId),
      WITHDRAWAL_AGGREGATE,
      (state) => decideRequestWithdrawal(command, state, { ...facts, policy }),
      { actor, correlationId: input.requestId },
      {
        ...(transaction === undefined ? {} : { transaction }),
        afterAppend: keptInStep(WITHDRAWAL_QUEUE_TABLE, context.schema),
      },
    );
    if (executed.ok) await this.dependencies.alerts.deliver(executed.events);
    return executed;
  }
}
