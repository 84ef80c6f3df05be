import type { Transaction } from '@custody/event-store';
import type { DepositState } from '@custody/wallet-domain';
import { assertPageLimit, type WalletContext } from '../shared/wallet-context';
import { DEPOSIT_AGGREGATE, depositStreamId } from '../shared/wallet-streams';

/** Deposits as read: one deposit's stream, and the reviewers' queue. */
export class DepositFacts {
  constructor(private readonly context: WalletContext) {}

  async deposit(depositId: string, transaction?: Transaction): Promise<DepositState | undefined> {
    const streamId = depositStreamId(depositId);
    return (await this.context.streams.load(streamId, DEPOSIT_AGGREGATE, transaction)).state;
  }

  /** The deposits flagged for review, oldest id first: the reviewers' queue. */
  async flaggedDeposits(limit: number): Promise<DepositState[]> {
    assertPageLimit(limit);
    const { rows } = await this.context.store.pool.query<{ deposit_id: string }>(
      `select deposit_id from ${this.context.schema}.deposit_review order by deposit_id limit $1`,
      [limit],
    );
    const deposits: DepositState[] = [];
    for (const row of rows) {
      const state = await this.deposit(row.deposit_id);
      if (state !== undefined) deposits.push(state);
    }
    return deposits;
  }
}
