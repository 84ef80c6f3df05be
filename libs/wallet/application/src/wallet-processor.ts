import type { Transaction } from '@custody/event-store';
import {
  decideAllowList,
  decideDeposit,
  signingProblem,
  walletError,
  type AdditionFacts,
  type AllowListState,
  type ObservedTransfer,
  type WalletError,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { Hex } from 'viem';
import { confirmationsAt, type ChainAdapter, type ChainTransfer } from './chain-adapter';
import { EVM_SCAN_BLOCKS_MAX } from './evm-chain-adapter';
import type { WalletService } from './wallet-service';
import { DEPOSIT_AGGREGATE, depositStreamId } from './wallet-streams';

/** Withdrawals advanced per processing round (the rest wait for the next round; the closest to the chain go first). */
export const WITHDRAWALS_PER_ROUND_MAX = 1_000;
/** Open movements of one wallet the nonce reservation considers; more is a programmer's or an operator's error. */
export const OPEN_MOVEMENTS_PER_WALLET_MAX = 10_000;
/** Unconfirmed deposits re-checked per round. */
export const DEPOSITS_PER_ROUND_MAX = 1_000;
/** The system acts as this actor on what it does by itself (preparing, signing after the quorum, broadcasting, observing). */
export const SYSTEM_ACTOR = 'wallet-service';

/** The PostgreSQL advisory lock (by `hashtext`) that serialises processor rounds of one chain in one wallet schema. */
export function processorLockName(schema: string, chain: string): string {
  return `custody.wallet-processor.${schema}.${chain}`;
}

export interface ProcessorReport {
  readonly scannedTo: bigint | undefined;
  readonly depositsObserved: number;
  /** Flagged deposits attributed this round, their sender having been proven since. */
  readonly depositsAttributed: number;
  readonly depositsConfirmed: number;
  readonly withdrawalsAdvanced: number;
  /** Withdrawals that could not move now, with why (waiting for approvals or the hold is normal). */
  readonly waiting: readonly { readonly withdrawalId: string; readonly error: WalletError }[];
}

export interface WalletProcessorOptions {
  /** First block to scan on a chain with no cursor yet (a deployment sets it to the height it went live). */
  readonly scanStartBlock?: bigint;
  /** A withdrawal step failed on the chain or the HSM (retried next round). */
  readonly onError?: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * The wallet's work that the chain and the HSM drive, one round at a time (a host calls
 * `runRound` on an interval): scan each chain from its cursor for transfers into our addresses
 * (micro-payment proofs first, then deposits, the cursor moving in the same transaction), count
 * confirmations of open deposits, and move each open withdrawal one step: prepare its
 * transaction for review, sign it in the HSM once the quorum and the ledger's hold allow,
 * broadcast it, and settle it when the chain has confirmed it.
 */
export class WalletProcessor {
  constructor(
    private readonly service: WalletService,
    private readonly options: WalletProcessorOptions = {},
  ) {}

  /**
   * One round on one chain, or `undefined` when another process (a second replica) is running
   * one on that chain: rounds of a chain are serialised by a PostgreSQL session lock, so a
   * withdrawal is never prepared or signed by two processors at once (a second signature would
   * be a use of the key the record does not show).
   */
  async runRound(chainName: string): Promise<ProcessorReport | undefined> {
    const chain = this.service.chain(chainName);
    if (chain === undefined) throw new Error(`assertion: no chain adapter for ${chainName}`);
    const lockHolder = await this.service.store.pool.connect();
    const lockName = processorLockName(this.service.schema, chain.chain);
    try {
      const { rows } = await lockHolder.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as locked',
        [lockName],
      );
      if (rows[0]?.locked !== true) return undefined;
      try {
        return await this.round(chain);
      } finally {
        await lockHolder.query('select pg_advisory_unlock(hashtext($1))', [lockName]);
      }
    } finally {
      lockHolder.release();
    }
  }

  private async round(chain: ChainAdapter): Promise<ProcessorReport> {
    const head = await chain.head();
    const scan = await this.scan(chain, head);
    const depositsAttributed = await this.reattributeDeposits(chain);
    const depositsConfirmed = await this.confirmDeposits(chain, head);
    const { advanced, waiting } = await this.advanceWithdrawals(chain, head);
    return {
      scannedTo: scan.scannedTo,
      depositsObserved: scan.observed,
      depositsAttributed,
      depositsConfirmed,
      withdrawalsAdvanced: advanced,
      waiting,
    };
  }

  // ---- deposits ----

  private async scan(
    chain: ChainAdapter,
    head: bigint,
  ): Promise<{ scannedTo: bigint | undefined; observed: number }> {
    const pool = this.service.store.pool;
    const schema = this.service.schema;
    const { rows } = await pool.query<{ next_block: string }>(
      `select next_block from ${schema}.chain_cursors where chain = $1`,
      [chain.chain],
    );
    const from =
      rows[0] === undefined ? (this.options.scanStartBlock ?? 0n) : BigInt(rows[0].next_block);
    // Only blocks as deep as the strictest wallet's confirmations: a transaction is observed where it will stay
    // (a reorganisation above that depth moves it before it is ever seen, so it is never seen twice).
    const final = head - BigInt(await this.finalityDepth(chain)) + 1n;
    if (from > final) return { scannedTo: undefined, observed: 0 };
    const to = final - from + 1n > EVM_SCAN_BLOCKS_MAX ? from + EVM_SCAN_BLOCKS_MAX - 1n : final;
    const { rows: addressRows } = await pool.query<{ address: string }>(
      `select address from ${schema}.wallet_addresses where chain = $1`,
      [chain.chain],
    );
    const transfers = await chain.transfersTo(
      addressRows.map((row) => row.address),
      from,
      to,
    );
    let observed = 0;
    await this.service.store.withTransaction(async (transaction) => {
      // the cursor row is locked first: two processors of one chain take turns, neither skips nor repeats a slice
      await transaction.client.query(
        `insert into ${schema}.chain_cursors (chain, next_block) values ($1, $2) on conflict do nothing`,
        [chain.chain, from.toString()],
      );
      const { rows: locked } = await transaction.client.query<{ next_block: string }>(
        `select next_block from ${schema}.chain_cursors where chain = $1 for update`,
        [chain.chain],
      );
      if (locked[0] === undefined || BigInt(locked[0].next_block) !== from) return; // another processor moved it meanwhile
      for (const transfer of transfers)
        if (await this.observe(chain, transfer, transaction)) observed += 1;
      await transaction.client.query(
        `update ${schema}.chain_cursors set next_block = $2 where chain = $1`,
        [chain.chain, (to + 1n).toString()],
      );
    });
    return { scannedTo: to, observed };
  }

  /** The most confirmations any wallet on this chain asks for (at least 1). */
  private async finalityDepth(chain: ChainAdapter): Promise<number> {
    let depth = 1;
    for (const walletId of await this.service.walletIds(chain.chain)) {
      const wallet = await this.service.wallet(walletId);
      if (wallet !== undefined) depth = Math.max(depth, wallet.confirmationsRequired);
    }
    return depth;
  }

  private async observe(
    chain: ChainAdapter,
    transfer: ChainTransfer,
    transaction: Transaction,
  ): Promise<boolean> {
    const schema = this.service.schema;
    const at = this.service.at();
    const { rows: wallets } = await transaction.client.query<{ wallet_id: string }>(
      `select wallet_id from ${schema}.wallet_addresses where chain = $1 and address = $2`,
      [chain.chain, transfer.toAddress.toLowerCase()],
    );
    const walletId = wallets[0]?.wallet_id;
    if (walletId === undefined) return false;
    // from one of our own wallets: an internal transfer (TW-15.4), recorded on its own stream, not a client's deposit
    const { rowCount: ours } = await transaction.client.query(
      `select 1 from ${schema}.wallet_addresses where chain = $1 and address = $2`,
      [chain.chain, transfer.fromAddress.toLowerCase()],
    );
    if ((ours ?? 0) > 0) return false;
    const wallet = await this.service.wallet(walletId, transaction);
    if (wallet === undefined) return false;
    // HK-11h micro-payment test: an open challenge for this sender, this asset and this wallet address
    const { rows: challenges } = await transaction.client.query<{
      challenge_id: string;
      client_id: string;
    }>(
      `select challenge_id, client_id from ${schema}.allow_list_index
        where chain = $1 and address = $2 and method = 'micro-payment' and status = 'open' and asset = $3 and to_address = $4 and amount_minor = $5`,
      [
        chain.chain,
        transfer.fromAddress.toLowerCase(),
        transfer.asset,
        transfer.toAddress.toLowerCase(),
        transfer.amountMinor.toString(),
      ],
    );
    for (const challenge of challenges) {
      await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [
        this.service.addressLockName(chain.chain, transfer.fromAddress),
      ]);
      const facts = await this.service.additionFacts(
        chain.chain,
        transfer.fromAddress,
        challenge.client_id,
        transaction,
      );
      const context = {
        submittedBy: SYSTEM_ACTOR,
        facts,
        coolingOffMs: this.service.addressCoolingOffMs,
      };
      await this.service.appendAllowList(
        challenge.client_id,
        (state) => microPaymentProof(state, challenge.challenge_id, transfer, at, context),
        { actor: SYSTEM_ACTOR },
        transaction,
      );
    }
    const depositId = `${chain.chain}:${transfer.transactionHash}:${transfer.logIndex ?? 'native'}`;
    const observed: ObservedTransfer = {
      depositId,
      walletId,
      chain: chain.chain,
      asset: transfer.asset,
      amountMinor: transfer.amountMinor,
      fromAddress: transfer.fromAddress,
      toAddress: transfer.toAddress,
      transactionHash: transfer.transactionHash,
      blockNumber: transfer.blockNumber,
    };
    const senderAllowListedFor = await this.service.clientsListing(
      chain.chain,
      transfer.fromAddress,
      transaction,
    );
    const executed = await this.service.streams.execute(
      depositStreamId(depositId),
      DEPOSIT_AGGREGATE,
      (state) =>
        decideDeposit(
          { type: 'ObserveDeposit', transfer: observed, senderAllowListedFor, at },
          state,
          { wallet, thresholds: this.service.thresholds },
        ),
      { actor: SYSTEM_ACTOR },
      {
        transaction,
        afterAppend: (events, state, tx) => this.service.trackDeposit(events, state, tx),
      },
    );
    if (executed.ok) await this.service.notifyAlerts(executed.events);
    return executed.ok && executed.events.length > 0;
  }

  /** HK-11h: a flagged deposit whose sender has since been proven to be exactly one client's address becomes theirs. */
  private async reattributeDeposits(chain: ChainAdapter): Promise<number> {
    const schema = this.service.schema;
    const { rows } = await this.service.store.pool.query<{
      deposit_id: string;
      from_address: string;
    }>(
      `select r.deposit_id, r.from_address from ${schema}.deposit_review r
        where r.chain = $1 and exists (select 1 from ${schema}.allow_list_index a where a.chain = r.chain and a.address = r.from_address and a.status = 'proven')
        order by r.deposit_id limit ${DEPOSITS_PER_ROUND_MAX}`,
      [chain.chain],
    );
    let attributed = 0;
    for (const row of rows) {
      const executed = await this.service.store.withTransaction(async (transaction) => {
        const deposit = await this.service.streams.load(
          depositStreamId(row.deposit_id),
          DEPOSIT_AGGREGATE,
          transaction,
        );
        const wallet =
          deposit.state === undefined
            ? undefined
            : await this.service.wallet(deposit.state.transfer.walletId, transaction);
        if (wallet === undefined) return undefined;
        const senderAllowListedFor = await this.service.clientsListing(
          chain.chain,
          row.from_address,
          transaction,
        );
        return this.service.streams.execute(
          depositStreamId(row.deposit_id),
          DEPOSIT_AGGREGATE,
          (state) =>
            decideDeposit(
              {
                type: 'ReattributeDeposit',
                depositId: row.deposit_id,
                senderAllowListedFor,
                at: this.service.at(),
              },
              state,
              { wallet, thresholds: this.service.thresholds },
            ),
          { actor: SYSTEM_ACTOR },
          {
            transaction,
            afterAppend: (events, state, tx) => this.service.trackDeposit(events, state, tx),
          },
        );
      });
      if (executed?.ok === true && executed.events.length > 0) attributed += 1;
    }
    return attributed;
  }

  private async confirmDeposits(chain: ChainAdapter, head: bigint): Promise<number> {
    const schema = this.service.schema;
    const { rows } = await this.service.store.pool.query<{
      deposit_id: string;
      block_number: string;
    }>(
      `select deposit_id, block_number from ${schema}.deposit_watch where chain = $1 order by block_number limit ${DEPOSITS_PER_ROUND_MAX}`,
      [chain.chain],
    );
    let confirmed = 0;
    for (const row of rows) {
      const confirmations = confirmationsAt(head, BigInt(row.block_number));
      const transactionHash = row.deposit_id.split(':')[1] as Hex;
      const onChain = await chain.outcome(transactionHash);
      if (
        onChain === null ||
        onChain.status !== 'success' ||
        onChain.blockNumber !== BigInt(row.block_number)
      ) {
        // not (or no longer) where it was observed: never credited on the strength of a block that is gone
        this.options.onError?.(
          new Error(`deposit ${row.deposit_id} is not in block ${row.block_number} any more`),
          { depositId: row.deposit_id, chain: chain.chain },
        );
        continue;
      }
      const at = this.service.at();
      const executed = await this.service.store.withTransaction(async (transaction) => {
        const deposit = await this.service.streams.load(
          depositStreamId(row.deposit_id),
          DEPOSIT_AGGREGATE,
          transaction,
        );
        const wallet =
          deposit.state === undefined
            ? undefined
            : await this.service.wallet(deposit.state.transfer.walletId, transaction);
        if (wallet === undefined) return undefined;
        return this.service.streams.execute(
          depositStreamId(row.deposit_id),
          DEPOSIT_AGGREGATE,
          (state) =>
            decideDeposit(
              { type: 'ConfirmDeposit', depositId: row.deposit_id, confirmations, at },
              state,
              { wallet, thresholds: this.service.thresholds },
            ),
          { actor: SYSTEM_ACTOR },
          {
            transaction,
            afterAppend: async (_events, state, tx) => {
              if (state?.confirmed === true)
                await tx.client.query(`delete from ${schema}.deposit_watch where deposit_id = $1`, [
                  row.deposit_id,
                ]);
            },
          },
        );
      });
      if (
        executed?.ok === true &&
        executed.events.some((event) => event.type === 'DepositConfirmed')
      )
        confirmed += 1;
    }
    return confirmed;
  }

  // ---- withdrawals ----

  /**
   * Prepares the withdrawal's transaction with the next transaction number of its wallet that no
   * other open withdrawal of that wallet holds: two withdrawals prepared before either is sent
   * never share a number.
   */
  private async prepare(chain: ChainAdapter, state: WithdrawalState, fromAddress: string) {
    const { request } = state;
    const taken = await this.openNonces(chain, request.walletId, request.withdrawalId);
    const minimumNonce = taken.length === 0 ? 0 : Math.max(...taken) + 1;
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
    return this.service.progress(
      request.withdrawalId,
      {
        type: 'PrepareSigningPayload',
        withdrawalId: request.withdrawalId,
        payload,
        at: this.service.at(),
      },
      SYSTEM_ACTOR,
    );
  }

  /** Transaction numbers held by the wallet's other open withdrawals (prepared, not final). */
  private async openNonces(
    chain: ChainAdapter,
    walletId: string,
    except: string,
  ): Promise<number[]> {
    const { rows } = await this.service.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${this.service.schema}.withdrawal_queue where wallet_id = $1 and withdrawal_id <> $2 and status in ('awaiting-approval', 'signed', 'broadcast') limit ${OPEN_MOVEMENTS_PER_WALLET_MAX + 1}`,
      [walletId, except],
    );
    if (rows.length > OPEN_MOVEMENTS_PER_WALLET_MAX)
      throw new Error(
        `${walletId} has more than ${OPEN_MOVEMENTS_PER_WALLET_MAX} open movements: transaction numbers are not reserved beyond that`,
      );
    const nonces: number[] = [];
    for (const row of rows) {
      const other = await this.service.withdrawal(row.withdrawal_id);
      if (other?.payload !== undefined)
        nonces.push(chain.transactionNonce(other.payload.unsignedTransaction as Hex));
    }
    return nonces;
  }

  /** The payload's number was used by another transaction, or a number before it is held by no open withdrawal (it would wait forever). */
  private async nonceUnusable(
    chain: ChainAdapter,
    state: WithdrawalState,
    fromAddress: string,
  ): Promise<boolean> {
    if (state.payload === undefined) return false;
    const nonce = chain.transactionNonce(state.payload.unsignedTransaction as Hex);
    const next = await chain.nextNonce(fromAddress);
    if (nonce < next) return true;
    const taken = new Set(
      await this.openNonces(chain, state.request.walletId, state.request.withdrawalId),
    );
    for (let number = next; number < nonce; number += 1) if (!taken.has(number)) return true;
    return false;
  }

  private async advanceWithdrawals(
    chain: ChainAdapter,
    head: bigint,
  ): Promise<{ advanced: number; waiting: { withdrawalId: string; error: WalletError }[] }> {
    const { rows } = await this.service.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${this.service.schema}.withdrawal_queue where chain = $1
        order by case status when 'broadcast' then 0 when 'signed' then 1 when 'awaiting-payload' then 2 else 3 end, withdrawal_id
        limit ${WITHDRAWALS_PER_ROUND_MAX}`,
      [chain.chain],
    );
    let advanced = 0;
    const waiting: { withdrawalId: string; error: WalletError }[] = [];
    for (const { withdrawal_id: withdrawalId } of rows) {
      try {
        const step = await this.advance(chain, head, withdrawalId);
        if (step === true) advanced += 1;
        else if (step !== false) waiting.push({ withdrawalId, error: step });
      } catch (error) {
        this.options.onError?.(error, { withdrawalId, chain: chain.chain });
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
    const state = await this.service.withdrawal(withdrawalId);
    if (state === undefined) return false;
    const facts = await this.service.progressFacts(state);
    if (facts === undefined)
      return walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${state.request.walletId}`);
    const moved = (
      result:
        | { readonly ok: true; readonly events: readonly unknown[] }
        | { readonly ok: false; readonly error: WalletError },
    ) => (result.ok ? result.events.length > 0 : result.error);
    switch (state.status) {
      case 'awaiting-payload':
        return moved(await this.prepare(chain, state, facts.wallet.registration.address));
      case 'awaiting-approval': {
        const at = this.service.at();
        if (
          state.payload !== undefined &&
          (await this.nonceUnusable(chain, state, facts.wallet.registration.address))
        ) {
          // its transaction number was taken, or one before it will never be sent (a cancelled withdrawal): prepared
          // again, which voids the approvals of the old payload (the custodians review the new one)
          return moved(await this.prepare(chain, state, facts.wallet.registration.address));
        }
        const problem = signingProblem(state, facts, at);
        if (problem !== undefined) return problem; // the HSM is not asked
        const payload = state.payload;
        if (payload === undefined) return false;
        const keyId = facts.wallet.registration.key.keyId;
        // on record before the HSM is asked (HK-11c); refused here if anything changed since the check above
        const started = await this.service.progress(
          withdrawalId,
          { type: 'StartSigning', withdrawalId, payloadHash: payload.payloadHash, at },
          SYSTEM_ACTOR,
        );
        if (!started.ok) return started.error;
        const signature = await this.service.vault.signDigest(keyId, payload.payloadHash as Hex);
        const { signedTransaction, transactionHash } = chain.assembleSigned(
          payload.unsignedTransaction as Hex,
          signature,
        );
        return moved(
          await this.service.progress(
            withdrawalId,
            {
              type: 'RecordSignature',
              withdrawalId,
              keyId,
              payloadHash: payload.payloadHash,
              transactionHash,
              signedTransaction,
              at,
            },
            SYSTEM_ACTOR,
          ),
        );
      }
      case 'signed': {
        const signed = state.signedTransaction;
        if (signed === undefined || state.transactionHash === undefined) return false;
        try {
          await chain.broadcast(signed as Hex);
        } catch (error) {
          // a broadcast retried after a crash: accepted only if the chain has OUR transaction (mined, or in its pool);
          // anything else (another transaction took the number, no funds) is an error reported every round
          const mined =
            (await chain.outcome(state.transactionHash as Hex).catch(() => null)) !== null;
          if (!mined && !/already known/i.test((error as Error).message)) throw error;
        }
        return moved(
          await this.service.progress(
            withdrawalId,
            {
              type: 'RecordBroadcast',
              withdrawalId,
              transactionHash: state.transactionHash,
              at: this.service.at(),
            },
            SYSTEM_ACTOR,
          ),
        );
      }
      case 'broadcast': {
        if (state.transactionHash === undefined || state.payload === undefined) return false;
        const outcome = await chain.outcome(state.transactionHash as Hex);
        if (outcome === null) {
          // never mined, and its transaction number taken by another transaction that is final: it never will be
          const finalBlock = head - BigInt(facts.wallet.confirmationsRequired) + 1n;
          const nonce = chain.transactionNonce(state.payload.unsignedTransaction as Hex);
          if (
            finalBlock < 0n ||
            (await chain.nonceAt(facts.wallet.registration.address, finalBlock)) <= nonce
          )
            return false;
          return moved(
            await this.service.progress(
              withdrawalId,
              {
                type: 'RecordTransactionDropped',
                withdrawalId,
                transactionHash: state.transactionHash,
                at: this.service.at(),
              },
              SYSTEM_ACTOR,
            ),
          );
        }
        const confirmations = confirmationsAt(head, outcome.blockNumber);
        const command = {
          type: 'RecordChainOutcome' as const,
          withdrawalId,
          outcome: {
            status: outcome.status,
            confirmations,
            feeAsset: chain.feeAsset,
            feeMinor: outcome.feeMinor,
          },
          at: this.service.at(),
        };
        return moved(await this.service.progress(withdrawalId, command, SYSTEM_ACTOR));
      }
      default:
        return false;
    }
  }
}

/** HK-11h: the payment itself is the proof; it counts through the channel the challenge was asked for in (the client's, or staff's: then an approver decides). */
function microPaymentProof(
  state: AllowListState,
  challengeId: string,
  transfer: ChainTransfer,
  at: string,
  context: {
    readonly submittedBy: string;
    readonly facts: AdditionFacts;
    readonly coolingOffMs: number;
  },
) {
  const challenge = state.challenges.get(challengeId);
  const clientId = challenge?.clientId ?? '';
  const channel = challenge?.channel === 'client' ? 'client' : 'staff';
  return decideAllowList(
    {
      type: 'ProveByMicroPayment',
      challengeId,
      transactionHash: transfer.transactionHash,
      fromAddress: transfer.fromAddress,
      toAddress: transfer.toAddress,
      asset: transfer.asset,
      amountMinor: transfer.amountMinor,
      blockNumber: transfer.blockNumber,
      at,
      channel,
      ...context,
    },
    state,
    clientId,
  );
}
