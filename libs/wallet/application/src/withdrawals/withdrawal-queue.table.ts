import type { Queryable, Transaction } from '@custody/event-store';
import type { WithdrawalEvent, WithdrawalState } from '@custody/wallet-domain';
import type { LookupTable } from '../shared/lookup-table';

/** Open withdrawals and internal transfers (not confirmed or failed) with their status, from the withdrawal streams. */
export const WITHDRAWAL_QUEUE_TABLE: LookupTable<WithdrawalState | undefined, WithdrawalEvent> = {
  name: 'withdrawal_queue',
  ddl: (schema) => `
  create table if not exists ${schema}.withdrawal_queue (
    withdrawal_id text primary key,
    chain text not null,
    wallet_id text not null,
    status text not null
  );
  create index if not exists withdrawal_queue_status on ${schema}.withdrawal_queue (status);
  create index if not exists withdrawal_queue_wallet on ${schema}.withdrawal_queue (wallet_id, status);`,
  write: writeWithdrawalQueue,
};

async function writeWithdrawalQueue(
  schema: string,
  _events: readonly WithdrawalEvent[],
  state: WithdrawalState | undefined,
  transaction: Transaction,
): Promise<void> {
  if (state === undefined) return;
  const { withdrawalId, chain } = state.request;
  if (state.status === 'confirmed' || state.status === 'failed') {
    await transaction.client.query(
      `delete from ${schema}.withdrawal_queue where withdrawal_id = $1`,
      [withdrawalId],
    );
    return;
  }
  await transaction.client.query(
    `insert into ${schema}.withdrawal_queue (withdrawal_id, chain, wallet_id, status) values ($1, $2, $3, $4) on conflict (withdrawal_id) do update set status = excluded.status`,
    [withdrawalId, chain, state.request.walletId, state.status],
  );
}

/** One open movement of the wallet, if any. */
export async function anOpenMovementOf(
  db: Queryable,
  schema: string,
  walletId: string,
): Promise<string | undefined> {
  const { rows } = await db.query<{ withdrawal_id: string }>(
    `select withdrawal_id from ${schema}.withdrawal_queue where wallet_id = $1 limit 1`,
    [walletId],
  );
  return rows[0]?.withdrawal_id;
}
