import { withSchemaDdl, type Queryable, type Transaction } from '@custody/event-store';
import type { Pool } from 'pg';

/**
 * Write-side lookup tables of the wallet service, kept in step with the streams in the append's
 * own transaction and rebuildable from them: which addresses are ours, whose allow-list holds an
 * address, where each chain was scanned up to, which movements still wait for the chain. They
 * answer "which stream?" questions; every decision still reads its stream.
 */
export const WALLET_TABLES_SQL = (schema: string) => `
  create table if not exists ${schema}.wallet_registry (
    wallet_id text primary key,
    chain text not null,
    address text not null,
    registered_position int8 not null
  );
  create table if not exists ${schema}.wallet_addresses (
    chain text not null,
    address text not null,
    wallet_id text not null,
    primary key (chain, address)
  );
  create table if not exists ${schema}.allow_list_index (
    challenge_id text primary key,
    client_id text not null,
    chain text not null,
    address text not null,
    method text not null,
    status text not null,
    expires_at timestamptz not null,
    asset text,
    amount_minor numeric(78, 0),
    to_address text
  );
  create index if not exists allow_list_index_address on ${schema}.allow_list_index (chain, address, status);
  -- held: proven, waiting for an approver; rejected: an approver said no (issue 22). The check is replaced in place, so a table of before keeps its rows.
  alter table ${schema}.allow_list_index drop constraint if exists allow_list_index_status_check;
  alter table ${schema}.allow_list_index add constraint allow_list_index_status_check check (status in ('open', 'held', 'proven', 'rejected', 'removed'));
  create table if not exists ${schema}.chain_cursors (
    chain text primary key,
    next_block int8 not null
  );
  create table if not exists ${schema}.deposit_watch (
    deposit_id text primary key,
    chain text not null,
    block_number int8 not null
  );
  create table if not exists ${schema}.deposit_review (
    deposit_id text primary key,
    chain text not null,
    from_address text not null
  );
  create table if not exists ${schema}.withdrawal_queue (
    withdrawal_id text primary key,
    chain text not null,
    wallet_id text not null,
    status text not null
  );
  create index if not exists withdrawal_queue_status on ${schema}.withdrawal_queue (status);
  create index if not exists withdrawal_queue_wallet on ${schema}.withdrawal_queue (wallet_id, status);
`;

export async function migrateWalletTables(pool: Pool, schema: string): Promise<void> {
  await withSchemaDdl(pool, schema, async (client) => {
    await client.query(WALLET_TABLES_SQL(schema));
  });
}

export function queryable(pool: Pool, transaction?: Transaction): Queryable {
  return transaction?.client ?? pool;
}
