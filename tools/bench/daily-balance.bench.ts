// npm run bench:daily-balance: the TW-13 run for one business day over 100,000 clients x 5 assets
// and 1,000,000 ledger movements (issue 7; target: the whole run within 30 s), against a naive
// baseline in the same run (per-movement time-zone conversion, one INSERT per line) over a
// tenth of the clients. Last line: {"bench":"daily-balance","clientsPerSec":N,"seconds":S,...}.
import { PostgresEventStore } from '@custody/event-store';
import { DailyRuns } from '@custody/reconciliation-application';
import { businessDayOf, type BusinessCalendar } from '@custody/reconciliation-domain';
import { createTestDatabase } from '@custody/testing';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { assertDurable, nowMs, positiveIntegerFromEnv, round } from './bench-env';

const CLIENTS = positiveIntegerFromEnv('BENCH_CLIENTS', 100_000);
const MOVEMENTS = positiveIntegerFromEnv('BENCH_MOVEMENTS', 1_000_000);
const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC', 'SOL'];
const NAIVE_SHARE = 10;
const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(),
};
const DAY = '2026-11-24';
const DAY_START_MS = Date.parse('2026-11-23T07:30:00.000Z'); // the previous cut-off, in UTC

/** Deterministic pseudo-random numbers (the same data every run). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function* movementRows(clients: number, movements: number): Generator<string> {
  const random = generator(20_261_124);
  for (let index = 0; index < movements; index += 1) {
    const clientId = `client-${index < clients * ASSETS.length ? Math.floor(index / ASSETS.length) : Math.floor(random() * clients)}`;
    const asset = ASSETS[index % ASSETS.length] as string;
    // credits mostly, some debits, some taking a client below zero; over 26 hours: some after the cut-off
    const amount =
      BigInt(Math.floor(random() * 1_000_000_000)) - (random() < 0.2 ? 800_000_000n : 0n);
    const at = new Date(DAY_START_MS + Math.floor(random() * 26 * 3_600_000)).toISOString();
    yield `J-${index}\t0\t${clientId}\t${asset}\t${amount}\t${at}\n`;
  }
}

async function main(): Promise<void> {
  const db = await createTestDatabase('custody_bench');
  try {
    await assertDurable(db.pool, 'bench database');
    const store = new PostgresEventStore({ pool: db.pool, schema: 'reconciliation' });
    await store.migrate();
    const units = new Map(ASSETS.map((asset) => [asset, 100n]));
    const runs = new DailyRuns(store, TW, units);
    await runs.migrate();

    const seedStart = nowMs();
    const client = await db.pool.connect();
    try {
      await pipeline(
        Readable.from(movementRows(CLIENTS, MOVEMENTS)),
        client.query(
          copyFrom(
            'copy reconciliation.recon_movements (journal_id, line, client_id, asset, amount_minor, at) from stdin',
          ),
        ),
      );
    } finally {
      client.release();
    }
    await db.pool.query('analyze reconciliation.recon_movements');
    const seedSeconds = (nowMs() - seedStart) / 1000;

    const start = nowMs();
    const { run, recorded } = await runs.run(DAY);
    const seconds = (nowMs() - start) / 1000;
    const clientsCounted = new Set(run.lines.map((line) => line.clientId)).size;
    if (clientsCounted !== CLIENTS)
      throw new Error(`the run counted ${clientsCounted} clients, ${CLIENTS} were seeded`);
    const again = await runs.run(DAY, BigInt(recorded.upToReceived));
    if (again.recorded.linesDigest !== recorded.linesDigest)
      throw new Error('the same day over the same input came out different');

    // naive: every movement's business day asked of the time-zone rules, one INSERT per line, a tenth of the clients
    const naiveClients = Math.max(1, Math.floor(CLIENTS / NAIVE_SHARE));
    const naiveStart = nowMs();
    const { rows } = await db.pool.query<{
      client_id: string;
      asset: string;
      amount_minor: string;
      at: Date;
    }>(
      `select client_id, asset, amount_minor::text, at from reconciliation.recon_movements where client_id = any($1::text[])`,
      [Array.from({ length: naiveClients }, (_unused, index) => `client-${index}`)],
    );
    const balances = new Map<string, bigint>();
    for (const row of rows) {
      if (businessDayOf(row.at.toISOString(), TW) > DAY) continue;
      const key = `${row.client_id}\u0000${row.asset}`;
      balances.set(key, (balances.get(key) ?? 0n) + BigInt(row.amount_minor));
    }
    await db.pool.query(
      'create table reconciliation.naive_lines (client_id text, asset text, balance_minor numeric, counted_minor numeric)',
    );
    for (const [key, balance] of balances) {
      const [clientId, asset] = key.split('\u0000');
      const counted = balance <= 0n ? 0n : ((balance + 99n) / 100n) * 100n;
      await db.pool.query('insert into reconciliation.naive_lines values ($1, $2, $3, $4)', [
        clientId,
        asset,
        balance.toString(),
        counted.toString(),
      ]);
    }
    const naiveSeconds = (nowMs() - naiveStart) / 1000;

    const result = {
      bench: 'daily-balance',
      clients: CLIENTS,
      assets: ASSETS.length,
      movements: MOVEMENTS,
      lines: run.lines.length,
      deferredAfterCutOff: run.movementsDeferred,
      seconds: round(seconds, 2),
      clientsPerSec: round(CLIENTS / seconds),
      targetSeconds: 30,
      seedSeconds: round(seedSeconds, 1),
      naiveClients,
      naiveSeconds: round(naiveSeconds, 2),
      naiveClientsPerSec: round(naiveClients / naiveSeconds),
      speedup: round(CLIENTS / seconds / (naiveClients / naiveSeconds), 1),
    };
    console.log(JSON.stringify(result));
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
