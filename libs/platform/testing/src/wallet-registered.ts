import { randomUUID } from 'node:crypto';
import { WALLET_REGISTERED_TYPE, type WalletRegisteredV1 } from '@custody/contracts';
import type { Pool } from 'pg';

const LEDGER_WALLETS_POLL_MS = 50;

/**
 * A WalletRegistered message as the wallet service publishes it: the ledger books movements only
 * for wallets it saw registered (issue 22), so a test that feeds it deposits registers the wallet first.
 */
export function aWalletRegistered(
  walletId: string,
  options: { tier?: 'cold' | 'hot'; ownerClass?: 'client-segregated' | 'house'; at?: string } = {},
): WalletRegisteredV1 {
  const eventId = randomUUID();
  const at = options.at ?? '2026-01-01T00:00:00.000Z';
  return {
    eventId,
    type: WALLET_REGISTERED_TYPE,
    schemaVersion: 1,
    streamId: `wallet-${walletId}`,
    streamVersion: '1',
    occurredAt: at,
    causationId: null,
    correlationId: eventId,
    data: {
      walletId,
      tier: options.tier ?? (walletId.includes('hot') ? 'hot' : 'cold'),
      ownerClass: options.ownerClass ?? 'client-segregated',
      chain: 'ethereum',
      assets: ['ETH', 'USDT', 'BTC'],
      address: `0x${'1'.repeat(40)}`,
      key: {
        keyId: `key-${walletId}`,
        location: { site: 'hk-dc-1', jurisdiction: 'HK' },
        backups: [{ site: 'hk-dc-2', jurisdiction: 'HK' }],
        rotationDueAt: '2027-01-01T00:00:00.000Z',
      },
      quorum: { required: 2, spanDepartmentsOrSites: true, approvalTtlMs: 3_600_000 },
      confirmationsRequired: 12,
      registeredBy: 'admin-1',
      at,
    },
  };
}

/** Resolves once the ledger (schema `ledger` of `pool`'s database) recognised every one of `walletIds`. */
export async function waitForLedgerWallets(
  pool: Pool,
  walletIds: readonly string[],
  waitMs: number,
): Promise<void> {
  const recognised = async () =>
    (
      await pool.query<{ n: number }>(
        `select count(distinct data->>'walletId')::int as n from ledger.events where stream_id = 'ledger-custody-wallets' and data->>'walletId' = any($1::text[])`,
        [walletIds],
      )
    ).rows[0]?.n === walletIds.length;
  const deadline = Date.now() + waitMs;
  while (!(await recognised().catch(() => false))) {
    if (Date.now() > deadline)
      throw new Error(
        `the ledger did not recognise wallets ${walletIds.join(', ')} within ${waitMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, LEDGER_WALLETS_POLL_MS));
  }
}
