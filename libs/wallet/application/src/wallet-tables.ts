import type { Pool } from 'pg';
import { ALLOW_LIST_INDEX_TABLE } from './allow-list/allow-list.table';
import {
  CHAIN_CURSORS_TABLE,
  DEPOSIT_REVIEW_TABLE,
  DEPOSIT_WATCH_TABLE,
} from './deposits/deposit-tables';
import { migrateLookupTables } from './shared/lookup-table';
import { WALLET_REGISTRY_TABLE } from './wallets/wallet-registry.table';
import { WITHDRAWAL_QUEUE_TABLE } from './withdrawals/withdrawal-queue.table';

/**
 * Every write-side lookup table of the wallet service, each declared beside its slice: which
 * addresses are ours, whose allow-list holds an address, where each chain was scanned up to,
 * which movements still wait for the chain.
 */
export const WALLET_LOOKUP_TABLES = [
  WALLET_REGISTRY_TABLE,
  ALLOW_LIST_INDEX_TABLE,
  CHAIN_CURSORS_TABLE,
  DEPOSIT_WATCH_TABLE,
  DEPOSIT_REVIEW_TABLE,
  WITHDRAWAL_QUEUE_TABLE,
] as const;

/** Creates (or brings up to date) the wallet's lookup tables. Idempotent. */
export async function migrateWalletTables(pool: Pool, schema: string): Promise<void> {
  await migrateLookupTables(pool, schema, WALLET_LOOKUP_TABLES);
}
