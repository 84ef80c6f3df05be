import type { Transaction } from '@custody/event-store';
import {
  decideDeposit,
  type DepositCommand,
  type DepositEvent,
  type DepositState,
  type TransferThresholds,
} from '@custody/wallet-domain';
import type { Hex } from 'viem';
import type { AllowListFacts } from '../allow-list/allow-list-facts';
import { confirmationsAt, type ChainAdapter } from '../chain-adapter';
import type { Executed } from '../shared/event-sourced';
import { keptAllInStep } from '../shared/lookup-table';
import { instantOf, SYSTEM_ACTOR, type WalletContext } from '../shared/wallet-context';
import { DEPOSIT_AGGREGATE, depositStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';
import { DEPOSIT_REVIEW_TABLE, DEPOSIT_WATCH_TABLE } from './deposit-tables';

/** Unconfirmed deposits re-checked per round. */
export const DEPOSITS_PER_ROUND_MAX = 1_000;

export interface ConfirmDepositsDependencies {
  readonly context: WalletContext;
  readonly wallets: WalletFacts;
  readonly allowLists: AllowListFacts;
  readonly thresholds: TransferThresholds;
  /** A deposit is not (or no longer) where it was observed. */
  readonly onError?: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * The chain watch's deposit steps after the scan: flagged deposits whose sender has since been
 * proven, and confirmations of attributed deposits and house deposits counted against the chain's
 * head.
 */
export class ConfirmDeposits {
  constructor(private readonly dependencies: ConfirmDepositsDependencies) {}

  /** HK-11h: a flagged deposit whose sender has since been proven to be exactly one client's address becomes theirs. */
  async reattribute(chain: ChainAdapter): Promise<number> {
    const { context, allowLists } = this.dependencies;
    const { schema } = context;
    const { rows } = await context.store.pool.query<{
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
      const executed = await this.decideInTransaction(row.deposit_id, async (transaction) => {
        const senderAllowListedFor = await allowLists.clientsListing(
          chain.chain,
          row.from_address,
          transaction,
        );
        return {
          type: 'ReattributeDeposit',
          depositId: row.deposit_id,
          senderAllowListedFor,
          at: instantOf(context),
        };
      });
      if (executed?.ok === true && executed.events.length > 0) attributed += 1;
    }
    return attributed;
  }

  async confirm(chain: ChainAdapter, head: bigint): Promise<number> {
    const { context, onError } = this.dependencies;
    const { rows } = await context.store.pool.query<{
      deposit_id: string;
      block_number: string;
    }>(
      `select deposit_id, block_number from ${context.schema}.deposit_watch where chain = $1 order by block_number limit ${DEPOSITS_PER_ROUND_MAX}`,
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
        onError?.(
          new Error(`deposit ${row.deposit_id} is not in block ${row.block_number} any more`),
          {
            depositId: row.deposit_id,
            chain: chain.chain,
          },
        );
        continue;
      }
      const at = instantOf(context);
      const executed = await this.decideInTransaction(row.deposit_id, () =>
        Promise.resolve({ type: 'ConfirmDeposit', depositId: row.deposit_id, confirmations, at }),
      );
      if (
        executed?.ok === true &&
        executed.events.some(
          (event) => event.type === 'DepositConfirmed' || event.type === 'HouseDepositConfirmed',
        )
      )
        confirmed += 1;
    }
    return confirmed;
  }

  /** Loads the deposit and its wallet, then decides `command` on it, all in one transaction; undefined when either is unknown. */
  private decideInTransaction(
    depositId: string,
    command: (transaction: Transaction) => Promise<DepositCommand>,
  ): Promise<Executed<DepositState | undefined, DepositEvent> | undefined> {
    const { context, wallets, thresholds } = this.dependencies;
    const streamId = depositStreamId(depositId);
    return context.store.withTransaction(async (transaction) => {
      const deposit = await context.streams.load(streamId, DEPOSIT_AGGREGATE, transaction);
      const wallet =
        deposit.state === undefined
          ? undefined
          : await wallets.wallet(deposit.state.transfer.walletId, transaction);
      if (wallet === undefined) return undefined;
      const decided = await command(transaction);
      return context.streams.execute(
        streamId,
        DEPOSIT_AGGREGATE,
        (state) => decideDeposit(decided, state, { wallet, thresholds }),
        { actor: SYSTEM_ACTOR },
        {
          transaction,
          afterAppend: keptAllInStep([DEPOSIT_WATCH_TABLE, DEPOSIT_REVIEW_TABLE], context.schema),
        },
      );
    });
  }
}
