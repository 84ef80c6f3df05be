import type { Transaction } from '@custody/event-store';
import {
  decideDeposit,
  type ObservedTransfer,
  type TransferThresholds,
} from '@custody/wallet-domain';
import type { RecordMicroPaymentProofs } from '../allow-list/record-micro-payment-proofs';
import type { AllowListFacts } from '../allow-list/allow-list-facts';
import type { ChainAdapter, ChainTransfer } from '../chain-adapter';
import { EVM_SCAN_BLOCKS_MAX } from '../evm-chain-adapter';
import { keptAllInStep } from '../shared/lookup-table';
import type { TransferAlerts } from '../shared/transfer-alerts';
import { instantOf, SYSTEM_ACTOR, type WalletContext } from '../shared/wallet-context';
import { DEPOSIT_AGGREGATE, depositStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';
import { DEPOSIT_REVIEW_TABLE, DEPOSIT_WATCH_TABLE } from './deposit-tables';

export interface ObserveDepositsDependencies {
  readonly context: WalletContext;
  readonly wallets: WalletFacts;
  readonly allowLists: AllowListFacts;
  readonly microPaymentProofs: RecordMicroPaymentProofs;
  readonly alerts: TransferAlerts;
  readonly thresholds: TransferThresholds;
  /** First block to scan on a chain with no cursor yet (a deployment sets it to the height it went live). */
  readonly scanStartBlock?: bigint;
}

/**
 * The chain watch: scans a chain from its cursor for transfers into our addresses (micro-payment
 * proofs first, then deposits), the cursor moving in the same transaction.
 */
export class ObserveDeposits {
  constructor(private readonly dependencies: ObserveDepositsDependencies) {}

  async scan(
    chain: ChainAdapter,
    head: bigint,
  ): Promise<{ scannedTo: bigint | undefined; observed: number }> {
    const { context, scanStartBlock } = this.dependencies;
    const { schema, store } = context;
    const { rows } = await store.pool.query<{ next_block: string }>(
      `select next_block from ${schema}.chain_cursors where chain = $1`,
      [chain.chain],
    );
    const from = rows[0] === undefined ? (scanStartBlock ?? 0n) : BigInt(rows[0].next_block);
    // Only blocks as deep as the strictest wallet's confirmations: a transaction is observed where it will stay
    // (a reorganisation above that depth moves it before it is ever seen, so it is never seen twice).
    const final = head - BigInt(await this.finalityDepth(chain)) + 1n;
    if (from > final) return { scannedTo: undefined, observed: 0 };
    const to = final - from + 1n > EVM_SCAN_BLOCKS_MAX ? from + EVM_SCAN_BLOCKS_MAX - 1n : final;
    const { rows: addressRows } = await store.pool.query<{ address: string }>(
      `select address from ${schema}.wallet_addresses where chain = $1`,
      [chain.chain],
    );
    const transfers = await chain.transfersTo(
      addressRows.map((row) => row.address),
      from,
      to,
    );
    let observed = 0;
    await store.withTransaction(async (transaction) => {
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
    const { wallets } = this.dependencies;
    let depth = 1;
    for (const walletId of await wallets.walletIds(chain.chain)) {
      const wallet = await wallets.wallet(walletId);
      if (wallet !== undefined) depth = Math.max(depth, wallet.confirmationsRequired);
    }
    return depth;
  }

  private async observe(
    chain: ChainAdapter,
    transfer: ChainTransfer,
    transaction: Transaction,
  ): Promise<boolean> {
    const { context, wallets, allowLists, microPaymentProofs, alerts, thresholds } =
      this.dependencies;
    const { schema } = context;
    const at = instantOf(context);
    const { rows: ourWallets } = await transaction.client.query<{ wallet_id: string }>(
      `select wallet_id from ${schema}.wallet_addresses where chain = $1 and address = $2`,
      [chain.chain, transfer.toAddress.toLowerCase()],
    );
    const walletId = ourWallets[0]?.wallet_id;
    if (walletId === undefined) return false;
    // from one of our own wallets: an internal transfer (TW-15.4), recorded on its own stream, not a client's deposit
    const { rowCount: ours } = await transaction.client.query(
      `select 1 from ${schema}.wallet_addresses where chain = $1 and address = $2`,
      [chain.chain, transfer.fromAddress.toLowerCase()],
    );
    if ((ours ?? 0) > 0) return false;
    const wallet = await wallets.wallet(walletId, transaction);
    if (wallet === undefined) return false;
    await microPaymentProofs.execute(chain.chain, transfer, at, transaction);
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
    const senderAllowListedFor = await allowLists.clientsListing(
      chain.chain,
      transfer.fromAddress,
      transaction,
    );
    const command = {
      type: 'ObserveDeposit' as const,
      transfer: observed,
      senderAllowListedFor,
      at,
    };
    const executed = await context.streams.execute(
      depositStreamId(depositId),
      DEPOSIT_AGGREGATE,
      (state) => decideDeposit(command, state, { wallet, thresholds }),
      { actor: SYSTEM_ACTOR },
      {
        transaction,
        afterAppend: keptAllInStep([DEPOSIT_WATCH_TABLE, DEPOSIT_REVIEW_TABLE], schema),
      },
    );
    if (executed.ok) await alerts.deliver(executed.events);
    return executed.ok && executed.events.length > 0;
  }
}
