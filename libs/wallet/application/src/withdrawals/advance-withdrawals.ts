import {
  signingProblem,
  walletError,
  type WalletError,
  type WithdrawalProgressFacts,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { Hex } from 'viem';
import { confirmationsAt, type ChainAdapter } from '../chain-adapter';
import type { KeyVault } from '../key-vault';
import {
  instantOf,
  SYSTEM_ACTOR,
  type Refusal,
  type WalletContext,
} from '../shared/wallet-context';
import type { ProgressWithdrawal, WithdrawalExecuted } from './progress-withdrawal';
import type { TransactionNumbers } from './transaction-numbers';
import type { WithdrawalFacts } from './withdrawal-facts';

/** Withdrawals advanced per processing round (the rest wait for the next round; the closest to the chain go first). */
export const WITHDRAWALS_PER_ROUND_MAX = 1_000;

export interface AdvanceWithdrawalsDependencies {
  readonly context: WalletContext;
  readonly vault: KeyVault;
  readonly withdrawals: WithdrawalFacts;
  readonly progress: ProgressWithdrawal;
  readonly transactionNumbers: TransactionNumbers;
  /** A withdrawal step failed on the chain or the HSM (retried next round). */
  readonly onError?: (error: unknown, context: Record<string, unknown>) => void;
}

export type WaitingMovement = { readonly withdrawalId: string; readonly error: WalletError };

/** True when something was appended; the refusal's error otherwise. */
const moved = (result: WithdrawalExecuted | Refusal) =>
  result.ok ? result.events.length > 0 : result.error;

/**
 * Moves each open withdrawal of a chain one step per round: prepares its transaction for review,
 * signs it in the HSM once the quorum and the ledger's hold allow, broadcasts it, and settles it
 * when the chain has confirmed it.
 */
export class AdvanceWithdrawals {
  constructor(private readonly dependencies: AdvanceWithdrawalsDependencies) {}

  async round(
    chain: ChainAdapter,
    head: bigint,
  ): Promise<{ advanced: number; waiting: WaitingMovement[] }> {
    const { context, onError } = this.dependencies;
    const { rows } = await context.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${context.schema}.withdrawal_queue where chain = $1
        order by case status when 'broadcast' then 0 when 'signed' then 1 when 'awaiting-payload' then 2 else 3 end, withdrawal_id
        limit ${WITHDRAWALS_PER_ROUND_MAX}`,
      [chain.chain],
    );
    let advanced = 0;
    const waiting: WaitingMovement[] = [];
    for (const { withdrawal_id: withdrawalId } of rows) {
      try {
        const step = await this.advance(chain, head, withdrawalId);
        if (step === true) advanced += 1;
        else if (step !== false) waiting.push({ withdrawalId, error: step });
      } catch (error) {
        onError?.(error, { withdrawalId, chain: chain.chain });
      }
    }
    return { advanced, waiting };
  }

  /** One step of one withdrawal: true (moved), false (nothing to do yet), or why it waits. */
  private async advance(
    chain: ChainAdapter,
    head: bigint,
    withdrawalId: string,
  ): Promise<boolean | WalletError> {
    const { withdrawals } = this.dependencies;
    const state = await withdrawals.withdrawal(withdrawalId);
    if (state === undefined) return false;
    const facts = await withdrawals.progressFacts(state);
    if (facts === undefined)
      return walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${state.request.walletId}`);
    switch (state.status) {
      case 'awaiting-payload':
        return moved(await this.prepare(chain, state, facts.wallet.registration.address));
      case 'awaiting-approval':
        return this.sign(chain, state, facts);
      case 'signed':
        return this.broadcast(chain, state);
      case 'broadcast':
        return this.settle(chain, head, state, facts);
      default:
        return false;
    }
  }

  /**
   * Prepares the withdrawal's transaction with the next transaction number of its wallet that no
   * other open withdrawal of that wallet holds.
   */
  private async prepare(chain: ChainAdapter, state: WithdrawalState, fromAddress: string) {
    const { context, progress, transactionNumbers } = this.dependencies;
    const { request } = state;
    const minimumNonce = await transactionNumbers.next(
      chain,
      request.walletId,
      request.withdrawalId,
    );
    const prepared = await chain.prepareTransfer(
      fromAddress,
      request.asset,
      request.amountMinor,
      request.destinationAddress,
      minimumNonce,
    );
    // what the custodians review is read back from the transaction's bytes, not taken from the builder's word;
    // the domain then refuses it unless it is exactly the request (asset, amount, destination)
    const payload = chain.describe(prepared.unsignedTransaction);
    const withdrawalId = request.withdrawalId;
    const at = instantOf(context);
    const command = { type: 'PrepareSigningPayload' as const, withdrawalId, payload, at };
    return progress.execute(withdrawalId, command, SYSTEM_ACTOR);
  }

  private async sign(
    chain: ChainAdapter,
    state: WithdrawalState,
    facts: WithdrawalProgressFacts,
  ): Promise<boolean | WalletError> {
    const { context, vault, progress, transactionNumbers } = this.dependencies;
    const withdrawalId = state.request.withdrawalId;
    const at = instantOf(context);
    const address = facts.wallet.registration.address;
    if (state.payload !== undefined && (await transactionNumbers.unusable(chain, state, address))) {
      // its transaction number was taken, or one before it will never be sent (a cancelled withdrawal): prepared
      // again, which voids the approvals of the old payload (the custodians review the new one)
      return moved(await this.prepare(chain, state, address));
    }
    const problem = signingProblem(state, facts, at);
    if (problem !== undefined) return problem; // the HSM is not asked
    const payload = state.payload;
    if (payload === undefined) return false;
    const keyId = facts.wallet.registration.key.keyId;
    const payloadHash = payload.payloadHash;
    // on record before the HSM is asked (HK-11c); refused here if anything changed since the check above
    const started = await progress.execute(
      withdrawalId,
      { type: 'StartSigning', withdrawalId, payloadHash, at },
      SYSTEM_ACTOR,
    );
    if (!started.ok) return started.error;
    const signature = await vault.signDigest(keyId, payloadHash as Hex);
    const { signedTransaction, transactionHash } = chain.assembleSigned(
      payload.unsignedTransaction as Hex,
      signature,
    );
    const command = {
      type: 'RecordSignature' as const,
      withdrawalId,
      keyId,
      payloadHash,
      transactionHash,
      signedTransaction,
      at,
    };
    return moved(await progress.execute(withdrawalId, command, SYSTEM_ACTOR));
  }

  private async broadcast(
    chain: ChainAdapter,
    state: WithdrawalState,
  ): Promise<boolean | WalletError> {
    const { context, progress } = this.dependencies;
    const signed = state.signedTransaction;
    const transactionHash = state.transactionHash;
    if (signed === undefined || transactionHash === undefined) return false;
    try {
      await chain.broadcast(signed as Hex);
    } catch (error) {
      // a broadcast retried after a crash: accepted only if the chain has OUR transaction (mined, or in its pool);
      // anything else (another transaction took the number, no funds) is an error reported every round
      const mined = (await chain.outcome(transactionHash as Hex).catch(() => null)) !== null;
      if (!mined && !/already known/i.test((error as Error).message)) throw error;
    }
    const withdrawalId = state.request.withdrawalId;
    const at = instantOf(context);
    const command = { type: 'RecordBroadcast' as const, withdrawalId, transactionHash, at };
    return moved(await progress.execute(withdrawalId, command, SYSTEM_ACTOR));
  }

  private async settle(
    chain: ChainAdapter,
    head: bigint,
    state: WithdrawalState,
    facts: WithdrawalProgressFacts,
  ): Promise<boolean | WalletError> {
    const { context, progress } = this.dependencies;
    const withdrawalId = state.request.withdrawalId;
    const transactionHash = state.transactionHash;
    if (transactionHash === undefined || state.payload === undefined) return false;
    const outcome = await chain.outcome(transactionHash as Hex);
    if (outcome === null) {
      // never mined, and its transaction number taken by another transaction that is final: it never will be
      const finalBlock = head - BigInt(facts.wallet.confirmationsRequired) + 1n;
      const nonce = chain.transactionNonce(state.payload.unsignedTransaction as Hex);
      if (
        finalBlock < 0n ||
        (await chain.nonceAt(facts.wallet.registration.address, finalBlock)) <= nonce
      )
        return false;
      const at = instantOf(context);
      const command = {
        type: 'RecordTransactionDropped' as const,
        withdrawalId,
        transactionHash,
        at,
      };
      return moved(await progress.execute(withdrawalId, command, SYSTEM_ACTOR));
    }
    const command = {
      type: 'RecordChainOutcome' as const,
      withdrawalId,
      outcome: {
        status: outcome.status,
        confirmations: confirmationsAt(head, outcome.blockNumber),
        feeAsset: chain.feeAsset,
        feeMinor: outcome.feeMinor,
      },
      at: instantOf(context),
    };
    return moved(await progress.execute(withdrawalId, command, SYSTEM_ACTOR));
  }
}
