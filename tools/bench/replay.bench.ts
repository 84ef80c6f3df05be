/**
 * Benchmark of replay (HK-22: rebuild from history) and of chain verification.
 *
 *   npm run bench:replay                        # full run (1,000,000 events)
 *   BENCH_EVENTS=50000 npm run bench:replay     # quick smoke run
 *
 * In one fresh database (dropped at the end, also on failure or Ctrl-C):
 *   1. seeding (not timed): EVENTS ledger events in the ledger's own stored form, appended through
 *      the event store (hash chain and all): balanced trade journals (JournalPosted, four entries:
 *      two clients, two assets) spread over CLIENTS client streams and five assets;
 *   2. replay: every balance read model (account balances, statement lines, asset totals, holds)
 *      rebuilt from position 0 by `rebuildLedgerReadModels` (the operator's rebuild: the events
 *      read by one streamed COPY of one snapshot, folded in memory batch by batch, statement
 *      lines streamed into one COPY while their key is dropped, in one transaction); checked at
 *      the end (every statement line, books balanced per asset). With
 *      BENCH_PROJECTOR=1 also the live projector's path (pages of 5,000 events, each with its
 *      checkpoint in one transaction) into a second schema;
 *   3. a naive baseline: the same projection applied one event per transaction (NAIVE_EVENTS);
 *   4. verification of the event store's hash chain from the first event to the last.
 * The two last lines printed are JSON: {"bench":"verify","eventsPerSec":N} then
 * {"bench":"replay","eventsPerSec":N}.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PostgresEventStore, type NewEvent, type StreamAppend } from '@custody/event-store';
import { CLIENT_STREAM_PREFIX } from '@custody/ledger-application';
import {
  applyLedgerProjection,
  createLedgerReadModelDataSource,
  migrateLedgerReadModels,
  rebuildLedgerReadModels,
} from '@custody/ledger-read-models';
import { createTestDatabase } from '@custody/testing';
import {
  LedgerProjector,
  projectedEvents,
  projectedPages,
} from '../../apps/ledger/src/read-models/ledger-projector';
import { positiveIntegerFromEnv, round } from './bench-env';

/** Events seeded and replayed (override with BENCH_EVENTS for a smoke run). */
const EVENTS_DEFAULT = 1_000_000;
/** Client streams the journals are spread over. */
const CLIENTS = 10_000;
/** Events per seeding append (one transaction). */
const SEED_BATCH_EVENTS = 5_000;
/** Events the naive baseline applies, one transaction each. */
const NAIVE_EVENTS = 5_000;
const ASSETS = ['BTC', 'ETH', 'USDC', 'USDT', 'SOL'] as const;
const SCHEMA = 'ledger';

const EVENTS = positiveIntegerFromEnv('BENCH_EVENTS', EVENTS_DEFAULT);

/** A balanced trade journal: buyer pays quote, receives base; seller the opposite (client accounts are credit-normal). */
function journal(sequence: number): { streamClientId: string; event: NewEvent } {
  const buyer = `c${String(sequence % CLIENTS).padStart(5, '0')}`;
  const seller = `c${String((sequence * 7 + 1) % CLIENTS).padStart(5, '0')}`;
  const base = ASSETS[sequence % ASSETS.length] ?? 'BTC';
  const quote = ASSETS[(sequence + 1) % ASSETS.length] ?? 'USDT';
  const baseMinor = String(1_000 + (sequence % 997));
  const quoteMinor = String(5_000 + (sequence % 991));
  const journalId = `trade:T-${sequence}`;
  const entries = [
    {
      account: { kind: 'client', clientId: seller, asset: base },
      side: 'debit',
      amountMinor: baseMinor,
    },
    {
      account: { kind: 'client', clientId: buyer, asset: base },
      side: 'credit',
      amountMinor: baseMinor,
    },
    {
      account: { kind: 'client', clientId: buyer, asset: quote },
      side: 'debit',
      amountMinor: quoteMinor,
    },
    {
      account: { kind: 'client', clientId: seller, asset: quote },
      side: 'credit',
      amountMinor: quoteMinor,
    },
  ];
  return {
    streamClientId: buyer,
    event: {
      eventId: randomUUID(),
      type: 'JournalPosted',
      schemaVersion: 1,
      data: {
        journalId,
        kind: 'trade',
        sourceReference: `T-${sequence}`,
        fingerprint: journalId,
        entries,
        at: new Date(Date.UTC(2026, 0, 1) + sequence * 1_000).toISOString(),
      },
      metadata: { actor: 'bench' },
    },
  };
}

async function main(): Promise<void> {
  const db = await createTestDatabase('custody_bench_replay');
  const dataSource = createLedgerReadModelDataSource({ url: db.url, schema: SCHEMA });
  const stop = async () => {
    await dataSource.destroy().catch(() => undefined);
    await db.drop();
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    const store = new PostgresEventStore({ pool: db.pool, schema: SCHEMA });
    await store.migrate();
    await migrateLedgerReadModels(dataSource);

    // 1. seed (not timed)
    const versions = new Map<string, bigint>();
    const seedStarted = performance.now();
    for (let start = 0; start < EVENTS; start += SEED_BATCH_EVENTS) {
      const byStream = new Map<string, NewEvent[]>();
      for (
        let sequence = start;
        sequence < Math.min(EVENTS, start + SEED_BATCH_EVENTS);
        sequence += 1
      ) {
        const { streamClientId, event } = journal(sequence);
        const streamId = `${CLIENT_STREAM_PREFIX}${streamClientId}`;
        byStream.set(streamId, [...(byStream.get(streamId) ?? []), event]);
      }
      const appends: StreamAppend[] = [...byStream].map(([streamId, events]) => {
        const current = versions.get(streamId) ?? 0n;
        return { streamId, expectedVersion: current === 0n ? 'no-stream' : current, events };
      });
      for (const result of await store.append(appends))
        versions.set(result.streamId, result.nextExpectedVersion);
      if ((start / SEED_BATCH_EVENTS) % 40 === 0)
        process.stdout.write(`seeded ${start + SEED_BATCH_EVENTS} of ${EVENTS} events\n`);
    }
    process.stdout.write(
      `seeded ${EVENTS} events in ${round((performance.now() - seedStarted) / 1_000, 1)} s\n`,
    );

    // 2. replay from position 0 (timed): the bulk rebuild
    const replayStarted = performance.now();
    const rebuilt = await store.withTransaction(({ client }) =>
      rebuildLedgerReadModels(client, SCHEMA, projectedPages(store)),
    );
    const replaySeconds = (performance.now() - replayStarted) / 1_000;
    const { rows: totals } = await db.pool.query<{ n: string; lines: string }>(
      `select (select count(*) from ${SCHEMA}.rm_account_balances)::text as n, (select count(*) from ${SCHEMA}.rm_statement_lines)::text as lines`,
    );
    const lines = Number(totals[0]?.lines ?? '0');
    if (lines !== EVENTS * 4 || rebuilt.lines !== lines)
      throw new Error(`replay wrote ${lines} statement lines, expected ${EVENTS * 4}`);
    const { rows: unbalanced } = await db.pool.query<{ asset: string }>(
      `select asset from ${SCHEMA}.rm_account_balances group by asset having sum(debits_posted_minor) <> sum(credits_posted_minor)`,
    );
    if (unbalanced.length > 0)
      throw new Error(
        `the rebuilt books do not balance for ${unbalanced.map((row) => row.asset).join(', ')}`,
      );
    process.stdout.write(
      `replay (bulk rebuild): ${EVENTS} events -> ${totals[0]?.n ?? '?'} balances, ${lines} statement lines in ${round(replaySeconds, 2)} s\n`,
    );
    if (process.env['BENCH_PROJECTOR'] === '1') {
      const projectorSource = createLedgerReadModelDataSource({ url: db.url, schema: 'projector' });
      await migrateLedgerReadModels(projectorSource);
      await projectorSource.destroy();
      const projectorStarted = performance.now();
      await new LedgerProjector(store, { name: 'bench-replay', schema: 'projector' }).catchUp();
      const projectorSeconds = (performance.now() - projectorStarted) / 1_000;
      process.stdout.write(
        `replay (the live projector's path): ${EVENTS} events in ${round(projectorSeconds, 2)} s = ${round(EVENTS / projectorSeconds)} events/s\n`,
      );
    }

    // 3. naive: one event per transaction, into a second schema's read models
    const naiveSchema = 'naive';
    const naiveSource = createLedgerReadModelDataSource({ url: db.url, schema: naiveSchema });
    await migrateLedgerReadModels(naiveSource);
    await naiveSource.destroy();
    const naive = Math.min(NAIVE_EVENTS, EVENTS);
    const page = await store.readAll({ after: 0n, maxCount: naive });
    const naiveStarted = performance.now();
    for (const event of page) {
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        await applyLedgerProjection(client, naiveSchema, projectedEvents([event]));
        await client.query('commit');
      } finally {
        client.release();
      }
    }
    const naiveSeconds = (performance.now() - naiveStarted) / 1_000;

    // 4. verify the chain (timed)
    const verifyStarted = performance.now();
    const verified = await store.verifyChain();
    const verifySeconds = (performance.now() - verifyStarted) / 1_000;
    if (!verified.ok)
      throw new Error(
        `the seeded chain does not verify: ${JSON.stringify(verified, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`,
      );

    const replayPerSec = round(EVENTS / replaySeconds);
    const naivePerSec = round(naive / naiveSeconds);
    process.stdout.write(
      `naive (one event per transaction): ${naive} events in ${round(naiveSeconds, 2)} s = ${naivePerSec} events/s\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ bench: 'verify', events: EVENTS, seconds: round(verifySeconds, 2), eventsPerSec: round(EVENTS / verifySeconds) })}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ bench: 'replay', events: EVENTS, seconds: round(replaySeconds, 2), eventsPerSec: replayPerSec, naiveEventsPerSec: naivePerSec, speedup: round(replayPerSec / naivePerSec, 1) })}\n`,
    );
  } finally {
    await stop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
