import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  CLIENT_STREAM_PREFIX,
  HOUSE_STREAM_PREFIX,
  LedgerCommandHandler,
} from '@custody/ledger-application';
import type { AssetDecimals, LedgerCommand } from '@custody/ledger-domain';
import {
  createLedgerReadModelDataSource,
  dumpReadModels,
  migrateLedgerReadModels,
} from '@custody/ledger-read-models';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import type { DataSource } from 'typeorm';
import {
  LEDGER_PROJECTION_NAME,
  LedgerProjector,
} from '../../apps/ledger/src/read-models/ledger-projector';
import { EXIT_CODE_USAGE, LEDGER_SCHEMA } from './rebuild-read-models';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');
const CLIENTS = 12;
const ASSETS = ['BTC', 'ETH', 'USDT'] as const;
const TRADES = 300;
const SCRIPT_TIMEOUT_MS = 60_000;
const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;

/** Onboarding, deposits in every asset, trades between clients, withdrawals held, settled and released: every read model gets rows. */
function commands(from: number, count: number): LedgerCommand[] {
  const client = (n: number) => `client-${n % CLIENTS}`;
  const metadata = (step: number) => ({
    at: new Date(Date.UTC(2026, 10, 24, 9) + step * 1_000).toISOString(),
  });
  const out: LedgerCommand[] = [];
  if (from === 0) {
    for (let n = 0; n < CLIENTS; n += 1) {
      out.push({ type: 'OnboardClient', clientId: client(n), metadata: metadata(0) });
      for (const asset of ASSETS)
        out.push({
          type: 'BookDeposit',
          depositId: `D-${n}-${asset}`,
          clientId: client(n),
          asset,
          amountMinor: 10n ** BigInt((decimals(asset) ?? 0) + 4),
          walletId: 'wallet-hot-1',
          metadata: metadata(0),
        });
    }
  }
  for (let step = from; step < from + count; step += 1) {
    const base = ASSETS[step % 2] as string; // BTC or ETH, quoted in USDT
    const quantityMinor = (10n ** BigInt(decimals(base) ?? 0) * BigInt(1 + (step % 5))) / 100n; // 0.01 to 0.05 units
    const priceCents = BigInt(100 + (step % 50));
    const quoteAmountMinor =
      (quantityMinor * priceCents * 10n ** BigInt(decimals('USDT') ?? 0)) /
      (10n ** BigInt(decimals(base) ?? 0) * 100n);
    out.push({
      type: 'SettleTrade',
      trade: {
        tradeId: `T-${step}`,
        base,
        quote: 'USDT',
        buyerClientId: client(step),
        sellerClientId: client(step + 1),
        quantityMinor,
        price: `${priceCents / 100n}.${(priceCents % 100n).toString().padStart(2, '0')}`,
        quoteAmountMinor,
        buyerFee: { asset: base, amountMinor: 3n },
        sellerFee: { asset: 'USDT', amountMinor: 5n },
      },
      metadata: metadata(step + 1),
    });
    if (step % 10 === 0) {
      const withdrawal = {
        withdrawalId: `W-${step}`,
        clientId: client(step + 2),
        asset: 'ETH',
        amountMinor: BigInt(7_000 + step),
        walletId: 'wallet-hot-1',
      };
      out.push({
        type: 'HoldWithdrawal',
        ...withdrawal,
        destinationAllowListedForClientId: withdrawal.clientId,
        metadata: metadata(step + 1),
      });
      if (step % 20 === 0)
        out.push({
          type: 'SettleWithdrawal',
          ...withdrawal,
          networkFeeMinor: 11n,
          metadata: metadata(step + 1),
        });
      else if (step % 30 === 0)
        out.push({
          type: 'ReleaseWithdrawal',
          withdrawalId: withdrawal.withdrawalId,
          clientId: withdrawal.clientId,
          reason: 'failed',
          metadata: metadata(step + 1),
        });
    }
  }
  return out;
}

/** The real command, as an operator runs it: `npm run -s read-models:rebuild -- <args>`. */
async function rebuild(
  url: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      'npm',
      ['run', '-s', 'read-models:rebuild', '--', ...args],
      { cwd: REPO, env: { ...process.env, DATABASE_URL: url }, timeout: SCRIPT_TIMEOUT_MS },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

describe('npm run read-models:rebuild (the ledger, real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: LedgerCommandHandler;
  let live: DataSource;
  let projected: Record<string, string>;

  const checkpoint = async () =>
    (
      await db.pool.query<{ global_position: string }>(
        `select global_position from ${LEDGER_SCHEMA}.subscription_checkpoints where subscription_name = $1`,
        [LEDGER_PROJECTION_NAME],
      )
    ).rows[0]?.global_position;
  const lastLedgerPosition = async () =>
    (
      await db.pool.query<{ last: string }>(
        `select max(global_position)::text as last from ${LEDGER_SCHEMA}.events where starts_with(stream_id, $1) or starts_with(stream_id, $2)`,
        [CLIENT_STREAM_PREFIX, HOUSE_STREAM_PREFIX],
      )
    ).rows[0]?.last;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema: LEDGER_SCHEMA });
    await store.migrate();
    handler = new LedgerCommandHandler(store, decimals);
    await handler.migrate();
    live = createLedgerReadModelDataSource({ url: db.url, schema: LEDGER_SCHEMA });
    await migrateLedgerReadModels(live);
    const booked = await store.withTransaction((transaction) =>
      handler.handleBatch(commands(0, TRADES), transaction),
    );
    expect(booked.filter((result) => !result.ok)).toEqual([]);
    await new LedgerProjector(store).catchUp();
    projected = await dumpReadModels(db.pool, LEDGER_SCHEMA);
  }, 120_000);

  afterAll(async () => {
    await live?.destroy();
    await db?.drop();
  });

  it('seeded every read model (balances, statement lines, totals, holds)', () => {
    for (const table of [
      'rm_account_balances',
      'rm_statement_lines',
      'rm_asset_totals',
      'rm_withdrawal_holds',
    ])
      expect(projected[table]?.length ?? 0).toBeGreaterThan(0);
    expect(projected['rm_statement_lines']?.split('\n').length).toBeGreaterThan(TRADES * 2);
  });

  describe('with read-model rows corrupted and the checkpoint wrong', () => {
    beforeAll(async () => {
      await db.pool.query(
        `update ${LEDGER_SCHEMA}.rm_account_balances set posted_minor = posted_minor + 1, available_minor = available_minor + 1 where account_key = (select min(account_key) from ${LEDGER_SCHEMA}.rm_account_balances where kind = 'client')`,
      );
      await db.pool.query(
        `delete from ${LEDGER_SCHEMA}.rm_statement_lines where (client_id, global_position, line) = (select client_id, global_position, line from ${LEDGER_SCHEMA}.rm_statement_lines order by global_position desc limit 1)`,
      );
      await db.pool.query(
        `update ${LEDGER_SCHEMA}.rm_asset_totals set custody_minor = custody_minor - 5 where asset = 'ETH'`,
      );
      await db.pool.query(
        `update ${LEDGER_SCHEMA}.rm_withdrawal_holds set status = 'held' where status = 'settled'`,
      );
      await db.pool.query(
        `update ${LEDGER_SCHEMA}.subscription_checkpoints set global_position = 3 where subscription_name = $1`,
        [LEDGER_PROJECTION_NAME],
      );
      const corrupted = await dumpReadModels(db.pool, LEDGER_SCHEMA);
      for (const table of Object.keys(projected))
        expect(corrupted[table]).not.toEqual(projected[table]);
    });

    it(
      'refuses without --confirm (non-zero exit, says why) and changes nothing',
      async () => {
        const before = await dumpReadModels(db.pool, LEDGER_SCHEMA);
        const refused = await rebuild(db.url, []);
        expect(refused.code).toBe(EXIT_CODE_USAGE);
        expect(refused.stderr).toMatch(/refusing without --confirm/);
        expect(await dumpReadModels(db.pool, LEDGER_SCHEMA)).toEqual(before);
        expect(await checkpoint()).toBe('3');
        const misspelt = await rebuild(db.url, ['--confrim']);
        expect(misspelt.code).toBe(EXIT_CODE_USAGE);
        expect(misspelt.stderr).toMatch(/unknown argument --confrim/);
      },
      SCRIPT_TIMEOUT_MS * 2,
    );

    it(
      "with --confirm rebuilds every row to the projector's, sets the checkpoint to the last event folded, and prints progress and a JSON result",
      async () => {
        const done = await rebuild(db.url, ['--confirm']);
        expect(done.stderr).toMatch(/checkpoint 'ledger-read-models' locked at 3/);
        expect(done.code).toBe(0);
        const result = JSON.parse(done.stdout.trim().split('\n').at(-1) ?? '') as {
          events: number;
          lines: number;
          checkpoint: string;
          previousCheckpoint: string;
        };
        expect(result.previousCheckpoint).toBe('3');
        expect(result.checkpoint).toBe(await lastLedgerPosition());
        expect(await checkpoint()).toBe(result.checkpoint);
        expect(result.lines).toBe(projected['rm_statement_lines']?.split('\n').length);
        expect(await dumpReadModels(db.pool, LEDGER_SCHEMA)).toEqual(projected);
      },
      SCRIPT_TIMEOUT_MS,
    );

    it(
      'the live projector resumes after the checkpoint: new events once, equal to a full replay',
      async () => {
        const more = await store.withTransaction((transaction) =>
          handler.handleBatch(commands(TRADES, 50), transaction),
        );
        expect(more.filter((result) => !result.ok)).toEqual([]);
        await new LedgerProjector(store).catchUp();
        const replay = createLedgerReadModelDataSource({ url: db.url, schema: 'ledger_replay' });
        try {
          await migrateLedgerReadModels(replay);
          await new LedgerProjector(store, {
            name: 'ledger-read-models-replay',
            schema: 'ledger_replay',
          }).catchUp();
          expect(await dumpReadModels(db.pool, LEDGER_SCHEMA)).toEqual(
            await dumpReadModels(db.pool, 'ledger_replay'),
          );
          expect(await checkpoint()).toBe(
            (
              await db.pool.query<{ last: string }>(
                `select max(global_position)::text as last from ${LEDGER_SCHEMA}.events`,
              )
            ).rows[0]?.last,
          );
        } finally {
          await replay.destroy();
        }
      },
      SCRIPT_TIMEOUT_MS,
    );

    it(
      'needs no stopped service: with the projector running and trades arriving meanwhile, the rows end equal to a full replay',
      async () => {
        const projector = new LedgerProjector(store);
        projector.start();
        let appending = true;
        let appended = 0;
        const appender = (async () => {
          for (let step = TRADES + 100; appending; step += 5) {
            await store.withTransaction((transaction) =>
              handler.handleBatch(commands(step, 5), transaction),
            );
            appended += 5;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })();
        try {
          const done = await rebuild(db.url, ['--confirm']);
          expect(done.stderr).toMatch(/committing/);
          expect(done.code).toBe(0);
        } finally {
          appending = false;
          await appender;
          await projector.stop();
        }
        expect(appended).toBeGreaterThan(0);
        await new LedgerProjector(store).catchUp();
        const replay = createLedgerReadModelDataSource({ url: db.url, schema: 'ledger_replay' });
        try {
          await migrateLedgerReadModels(replay);
          await new LedgerProjector(store, {
            name: 'ledger-read-models-replay',
            schema: 'ledger_replay',
          }).catchUp();
          expect(await dumpReadModels(db.pool, LEDGER_SCHEMA)).toEqual(
            await dumpReadModels(db.pool, 'ledger_replay'),
          );
        } finally {
          await replay.destroy();
        }
      },
      SCRIPT_TIMEOUT_MS,
    );
  });
});
