import type { WithdrawalState } from '@custody/wallet-domain';
import type { Hex } from 'viem';
import type { ChainAdapter } from '../chain-adapter';
import type { WalletContext } from '../shared/wallet-context';
import type { WithdrawalFacts } from './withdrawal-facts';

/** Open movements of one wallet the nonce reservation considers; more is a programmer's or an operator's error. */
export const OPEN_MOVEMENTS_PER_WALLET_MAX = 10_000;

/**
 * Transaction numbers (nonces) of a wallet's open movements: two withdrawals prepared before
 * either is sent never share a number, and a payload whose number can never be sent is prepared
 * again.
 */
export class TransactionNumbers {
  constructor(
    private readonly context: WalletContext,
    private readonly withdrawals: WithdrawalFacts,
  ) {}

  /** The next number of the wallet that no other open withdrawal of it holds. */
  async next(chain: ChainAdapter, walletId: string, except: string): Promise<number> {
    const taken = await this.held(chain, walletId, except);
    return taken.length === 0 ? 0 : Math.max(...taken) + 1;
  }

  /** Transaction numbers held by the wallet's other open withdrawals (prepared, not final). */
  async held(chain: ChainAdapter, walletId: string, except: string): Promise<number[]> {
    const { rows } = await this.context.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${this.context.schema}.withdrawal_queue where wallet_id = $1 and withdrawal_id <> $2 and status in ('awaiting-approval', 'signed', 'broadcast') limit ${OPEN_MOVEMENTS_PER_WALLET_MAX + 1}`,
      [walletId, except],
    );
    if (rows.length > OPEN_MOVEMENTS_PER_WALLET_MAX)
      throw new Error(
        `${walletId} has more than ${OPEN_MOVEMENTS_PER_WALLET_MAX} open movements: transaction numbers are not reserved beyond that`,
      );
    const nonces: number[] = [];
    for (const row of rows) {
      const other = await this.withdrawals.withdrawal(row.withdrawal_id);
      if (other?.payload !== undefined)
        nonces.push(chain.transactionNonce(other.payload.unsignedTransaction as Hex));
    }
    return nonces;
  }

  /** The payload's number was used by another transaction, or a number before it is held by no open withdrawal (it would wait forever). */
  async unusable(
    chain: ChainAdapter,
    state: WithdrawalState,
    fromAddress: string,
  ): Promise<boolean> {
    if (state.payload === undefined) return false;
    const nonce = chain.transactionNonce(state.payload.unsignedTransaction as Hex);
    const next = await chain.nextNonce(fromAddress);
    if (nonce < next) return true;
    const taken = new Set(
      await this.held(chain, state.request.walletId, state.request.withdrawalId),
    );
    for (let number = next; number < nonce; number += 1) if (!taken.has(number)) return true;
    return false;
  }
}
