import type { Transaction } from '@custody/event-store';
import type { DepositEvent, DepositState } from '@custody/wallet-domain';
import type { LookupTable } from '../shared/lookup-table';

type DepositTable = LookupTable<DepositState | undefined, DepositEvent>;

/** Attributed deposits and house deposits not yet confirmed: the chain watcher counts their confirmations each round. */
export const DEPOSIT_WATCH_TABLE: DepositTable = {
  name: 'deposit_watch',
  ddl: (schema) => `
  create table if not exists ${schema}.deposit_watch (
    deposit_id text primary key,
    chain text not null,
    block_number int8 not null
  );`,
  write: writeDepositWatch,
};

/** Deposits flagged for review and not yet attributed: the reviewers' queue. */
export const DEPOSIT_REVIEW_TABLE: DepositTable = {
  name: 'deposit_review',
  ddl: (schema) => `
  create table if not exists ${schema}.deposit_review (
    deposit_id text primary key,
    chain text not null,
    from_address text not null
  );`,
  write: writeDepositReview,
};

/** Where the chain watcher scanned each chain up to (its own progress, not a stream's). */
export const CHAIN_CURSORS_TABLE = {
  name: 'chain_cursors',
  ddl: (schema: string) => `
  create table if not exists ${schema}.chain_cursors (
    chain text primary key,
    next_block int8 not null
  );`,
};

async function writeDepositWatch(
  schema: string,
  _events: readonly DepositEvent[],
  state: DepositState | undefined,
  transaction: Transaction,
): Promise<void> {
  if (state === undefined) return;
  const { depositId, chain, blockNumber } = state.transfer;
  if (state.confirmed) {
    await transaction.client.query(`delete from ${schema}.deposit_watch where deposit_id = $1`, [
      depositId,
    ]);
  } else if (state.clientId !== null || state.house) {
    await transaction.client.query(
      `insert into ${schema}.deposit_watch (deposit_id, chain, block_number) values ($1, $2, $3) on conflict do nothing`,
      [depositId, chain, blockNumber.toString()],
    );
  }
}

async function writeDepositReview(
  schema: string,
  events: readonly DepositEvent[],
  state: DepositState | undefined,
  transaction: Transaction,
): Promise<void> {
  if (state === undefined) return;
  const { depositId, chain, fromAddress } = state.transfer;
  if (events.some((event) => event.type === 'DepositFlaggedForReview')) {
    await transaction.client.query(
      `insert into ${schema}.deposit_review (deposit_id, chain, from_address) values ($1, $2, $3) on conflict do nothing`,
      [depositId, chain, fromAddress.toLowerCase()],
    );
  }
  if (events.some((event) => event.type === 'DepositAttributed'))
    await transaction.client.query(`delete from ${schema}.deposit_review where deposit_id = $1`, [
      depositId,
    ]);
}
