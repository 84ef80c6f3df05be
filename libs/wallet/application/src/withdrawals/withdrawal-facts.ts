import type { Transaction } from '@custody/event-store';
import {
  hasKeyAccess,
  isAllowListed,
  type WithdrawalProgressFacts,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { AllowListFacts } from '../allow-list/allow-list-facts';
import { loadRoster } from '../roster/roster-facts';
import { assertPageLimit, type WalletContext } from '../shared/wallet-context';
import { WITHDRAWAL_AGGREGATE, withdrawalStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';

/** Withdrawals and internal transfers as read, and what a decision on one needs from elsewhere. */
export class WithdrawalFacts {
  constructor(
    private readonly context: WalletContext,
    private readonly wallets: WalletFacts,
    private readonly allowLists: AllowListFacts,
  ) {}

  async withdrawal(
    withdrawalId: string,
    transaction?: Transaction,
  ): Promise<WithdrawalState | undefined> {
    const streamId = withdrawalStreamId(withdrawalId);
    return (await this.context.streams.load(streamId, WITHDRAWAL_AGGREGATE, transaction)).state;
  }

  /**
   * Open withdrawals and internal transfers (not confirmed or failed), oldest id first, optionally
   * in one status: the custodians' approval queue is `awaiting-approval`.
   */
  async openWithdrawals(
    status: WithdrawalState['status'] | undefined,
    limit: number,
  ): Promise<WithdrawalState[]> {
    assertPageLimit(limit);
    const { rows } = await this.context.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${this.context.schema}.withdrawal_queue where ($1::text is null or status = $1) order by withdrawal_id limit $2`,
      [status ?? null, limit],
    );
    const states: WithdrawalState[] = [];
    for (const row of rows) {
      const state = await this.withdrawal(row.withdrawal_id);
      if (state !== undefined) states.push(state);
    }
    return states;
  }

  /** What a decision on this movement needs now: its wallet, who may approve, whether its destination is still allowed. */
  async progressFacts(
    movement: WithdrawalState,
    transaction?: Transaction,
  ): Promise<WithdrawalProgressFacts | undefined> {
    const { walletId, clientId, chain, destinationAddress, destinationWalletId } = movement.request;
    const wallet = await this.wallets.wallet(walletId, transaction);
    if (wallet === undefined) return undefined;
    const roster = await loadRoster(this.context, transaction);
    const keyHolders = new Set(
      [...roster.custodians.keys()].filter((custodianId) =>
        hasKeyAccess(roster, walletId, custodianId),
      ),
    );
    const destinationStillAllowed =
      clientId === null
        ? destinationWalletId !== null &&
          (await this.wallets.wallet(destinationWalletId, transaction)) !== undefined
        : isAllowListed(
            await this.allowLists.allowList(clientId, transaction),
            chain,
            destinationAddress,
          );
    return {
      wallet,
      quorum: { custodians: roster.custodians, keyHolders },
      destinationStillAllowed,
    };
  }
}
