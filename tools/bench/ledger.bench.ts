/**
 * Benchmark of the ledger service: exchange trades from Kafka into durable balance read models,
 * then point-in-time balance queries over HTTP.
 *
 *   npm run bench:ledger                       # full run (100,000 trades, 10,000 clients)
 *   BENCH_TRADES=10000 npm run bench:ledger    # quick smoke run
 *
 * In one fresh database (dropped at the end, also on failure or Ctrl-C) and one Kafka test
 * broker (librdkafka's mock cluster, 3 brokers):
 *   1. seeding (not timed): CLIENTS clients onboarded and each funded in the five assets through
 *      the ledger's one write path (LedgerCommandHandler.handleBatch, the code the service runs);
 *   2. the real ledger service (`apps/ledger/src/main.ts`) as two processes, LEDGER_ROLES=ingest
 *      (inbox consumer, the write path, outbox relay) and LEDGER_ROLES=read-models (projector, HK-6
 *      check after each batch, outbox relay idle), or one doing both (BENCH_SPLIT_ROLES=false);
 *      started, caught up and warmed up with WARM_UP_TRADES trades that go the whole way first;
 *   3. TRADES TradeExecuted envelopes produced into exchange.trades.v1 at TRADE_RATE (acks from
 *      every replica), over CLIENTS clients and five assets; HOT_TRADE_SHARE of the trades are
 *      between two of the HOT_CLIENTS (1%) clients. The clock runs from the first send to the
 *      moment the projector's checkpoint (committed with the read models, synchronous_commit on)
 *      covered the last trade's journal. A trade's latency: its send started -> the first sample
 *      of that checkpoint covering its journal (sampled every CHECKPOINT_POLL_MS: latency is
 *      exact to that). Checked at the end, else the run fails: every client's balance in the read
 *      model equals what this file computed from the funding and the trades, every message is in
 *      the inbox, none was dead-lettered, and the HK-6 invariant holds;
 *   4. POINT_IN_TIME_QUERIES GET /v1/clients/:id/balances?at=<instant> (auditor token), one at a
 *      time, at uniformly random instants of the timed window, for a client drawn like the
 *      trades' (HOT_TRADE_SHARE hot); latency measured by this process around each request;
 *   5. a naive baseline, the service stopped: a plain kafkajs consumer, eachMessage, one database
 *      transaction per trade (idempotency row, SELECT ... FOR UPDATE of the involved balance
 *      rows, one UPDATE per row, journal lines), over NAIVE_TRADES trades produced beforehand on
 *      a separate topic. Its clock runs from the first message handed to it to the last commit.
 * Figures on the 2-core development box (2026-11-24, 100,000 trades): the ingest process is
 * CPU-bound at ~1,900 trades/s (~500 us of its CPU per trade: Kafka fetch and envelope checks,
 * inbox, claims, books, decision, append of 3 events with their hashes, relay of those 3 events).
 * At 1,800/s it is at the edge: 1,704 to 1,777 trades/s, p99 0.9 to 3.4 s (two runs); at 6,000/s a backlog
 * builds past the mock broker's 5 MiB a partition and messages are lost (the run fails). One
 * process doing both: ~1,650/s. Naive: ~450/s. Point-in-time: p99 28 ms.
 * The two last lines printed are JSON: {"bench":"ledger-point-in-time",...} then
 * {"bench":"ledger-ingest","tradesPerSec",...}; detail lines before them.
 * Limits of the mock broker (see pipeline.bench.ts): a partition keeps only 5 MiB (a consumer
 * lagging further behind loses messages: the final check says so), an empty Fetch is held for
 * the consumer's whole max wait (KAFKA_CONSUMER_MAX_WAIT_MS of the service, set to 20 ms here).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  DEFAULT_ASSET_REGISTRY,
  EXCHANGE_TRADES_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { LedgerCommandHandler } from '@custody/ledger-application';
import type { LedgerCommand } from '@custody/ledger-domain';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import {
  createTestDatabase,
  signingProducer,
  startKafkaTestBroker,
  startService,
  testExchangeSigner,
  waitFor,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';
import { logLevel, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { Pool, type PoolClient } from 'pg';
import {
  assertDurable,
  nonNegativeIntegerFromEnv,
  nowMs,
  percentiles,
  positiveIntegerFromEnv,
  round,
  type Percentiles,
} from './bench-env';
import { randomSource } from '@custody/exchange-simulator';

/** Trades of the timed run (BENCH_TRADES for a smoke run). */
const TRADES_DEFAULT = 100_000;
const CLIENTS = 10_000;
/** 1% of the clients are hot: HOT_TRADE_SHARE of the trades are between two of them. */
const HOT_CLIENTS = 100;
const HOT_TRADE_SHARE = 0.2;
/**
 * Pace of the exchange, trades/s (BENCH_TRADE_RATE; 0 = as fast as the broker takes them). The
 * throughput is this pace as long as the service keeps up; beyond it a backlog builds and the
 * latency measures the backlog (and past 5 MiB a partition the mock broker drops messages).
 */
const TRADE_RATE_DEFAULT = 1_800;
/** Trades per producer.send (BENCH_PRODUCE_BATCH): one produced batch per partition per send. */
const PRODUCE_BATCH_DEFAULT = 500;
/** Partitions of exchange.trades.v1 and of the baseline's topic (BENCH_PARTITIONS). */
const PARTITIONS_DEFAULT = 3;
const REPLICATION = 3;
/** Trades that go the whole way before the clock starts (group joined, JIT warm, snapshots taken). */
const WARM_UP_TRADES_DEFAULT = 5_000;
const NAIVE_TRADES = 5_000;
const POINT_IN_TIME_QUERIES = 1_000;
const POINT_IN_TIME_WARM_UP_QUERIES = 50;
/** Commands per handleBatch while seeding (the handler's own cap is BATCH_COMMANDS_MAX). */
const SEED_BATCH_COMMANDS = 1_000;
/** How often the projector's checkpoint is sampled while the trades flow. */
const CHECKPOINT_POLL_MS = 5;
/** How often the inbox is counted while waiting for the trades to be booked. */
const INBOX_POLL_MS = 250;
/** The service's consumer Fetch wait: the mock broker holds an empty Fetch for all of it. */
const SERVICE_CONSUMER_MAX_WAIT_MS = 20;
const NAIVE_CONSUMER_MAX_WAIT_MS = 20;
/** Longest the service may take to book and project everything, or to catch up, before the run fails. */
const DRAIN_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 120_000;
const DATABASE_PREFIX = 'custody_bench';
const STORE_SCHEMA = 'ledger';
const NAIVE_SCHEMA = 'naive';
const NAIVE_TOPIC = 'bench.naive-trades.v1';
const NAIVE_GROUP = 'bench-naive-ledger';
const LEDGER_CONSUMER_GROUP = 'ledger-books';
const PROJECTION_NAME = 'ledger-read-models';
const ISSUER = 'custody-bench';
const AUDIENCE = 'custody';
const SEED_AT = '2026-11-24T00:00:00.000Z';
const TRADES_FROM_MS = Date.parse('2026-11-24T01:00:00.000Z');
const PRNG_SEED = 20_261_124;

const TRADES = positiveIntegerFromEnv('BENCH_TRADES', TRADES_DEFAULT);
const TRADE_RATE = nonNegativeIntegerFromEnv('BENCH_TRADE_RATE', TRADE_RATE_DEFAULT);
const PRODUCE_BATCH = positiveIntegerFromEnv('BENCH_PRODUCE_BATCH', PRODUCE_BATCH_DEFAULT);
const PARTITIONS = positiveIntegerFromEnv('BENCH_PARTITIONS', PARTITIONS_DEFAULT);
const WARM_UP_TRADES = nonNegativeIntegerFromEnv(
  'BENCH_WARM_UP_TRADES',
  Math.min(WARM_UP_TRADES_DEFAULT, TRADES),
);
const NAIVE = Math.min(NAIVE_TRADES, TRADES);
/** BENCH_SPLIT_ROLES=false: one ledger process ingests and projects; default: one process each (LEDGER_ROLES). */
const SPLIT_ROLES = process.env['BENCH_SPLIT_ROLES'] !== 'false';

type Asset = keyof typeof DEFAULT_ASSET_REGISTRY;
/** Each client's deposit per asset: ample for its share of trades (no balance goes negative). */
const FUNDING: Readonly<Record<Asset, bigint>> = {
  BTC: 10n ** 9n,
  ETH: 10n ** 20n,
  SOL: 10n ** 13n,
  USDT: 10n ** 12n,
  USDC: 10n ** 12n,
};
const ASSETS = Object.keys(FUNDING) as Asset[];
/** Instruments: integer prices, quantities in steps of `unit` (1 to 100 steps). */
const INSTRUMENTS: readonly { base: Asset; quote: Asset; price: bigint; unit: bigint }[] = [
  { base: 'BTC', quote: 'USDT', price: 60_000n, unit: 10_000n },
  { base: 'ETH', quote: 'USDT', price: 3_000n, unit: 10n ** 15n },
  { base: 'SOL', quote: 'USDT', price: 150n, unit: 10n ** 8n },
  { base: 'BTC', quote: 'USDC', price: 60_000n, unit: 10_000n },
  { base: 'ETH', quote: 'USDC', price: 3_000n, unit: 10n ** 15n },
];
/** Fees: 10 bp, the buyer's in the base asset, the seller's in the quote asset. */
const FEE_DIVISOR = 1_000n;

const assetDecimals = (asset: string): number | undefined =>
  (DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>)[asset]?.decimals;

function clientId(index: number): string {
  return `client-${String(index).padStart(5, '0')}`;
}

interface Trade {
  readonly tradeId: string;
  readonly base: Asset;
  readonly quote: Asset;
  readonly buyer: string;
  readonly seller: string;
  readonly quantityMinor: bigint;
  readonly price: string;
  readonly quoteAmountMinor: bigint;
  readonly buyerFeeMinor: bigint;
  readonly sellerFeeMinor: bigint;
  readonly occurredAt: string;
}

/** Two distinct clients: both hot (HOT_TRADE_SHARE of the time) or both among the others. */
function pickPair(random: () => number): [string, string] {
  const hot = random() < HOT_TRADE_SHARE;
  const [from, size] = hot ? [0, HOT_CLIENTS] : [HOT_CLIENTS, CLIENTS - HOT_CLIENTS];
  const first = Math.floor(random() * size);
  const second = (first + 1 + Math.floor(random() * (size - 1))) % size;
  return [clientId(from + first), clientId(from + second)];
}

function generateTrades(prefix: string, count: number, random: () => number): Trade[] {
  return Array.from({ length: count }, (_, index) => {
    const instrument = INSTRUMENTS[Math.floor(random() * INSTRUMENTS.length)] ?? INSTRUMENTS[0];
    if (instrument === undefined) throw new Error('assertion: no instruments');
    const [buyer, seller] = pickPair(random);
    const quantityMinor = instrument.unit * BigInt(1 + Math.floor(random() * 100));
    const baseDecimals = BigInt(assetDecimals(instrument.base) ?? 0);
    const quoteDecimals = BigInt(assetDecimals(instrument.quote) ?? 0);
    const quoteAmountMinor =
      (quantityMinor * instrument.price * 10n ** quoteDecimals) / 10n ** baseDecimals;
    return {
      tradeId: `${prefix}-${index}`,
      base: instrument.base,
      quote: instrument.quote,
      buyer,
      seller,
      quantityMinor,
      price: instrument.price.toString(),
      quoteAmountMinor,
      buyerFeeMinor: quantityMinor / FEE_DIVISOR,
      sellerFeeMinor: quoteAmountMinor / FEE_DIVISOR,
      occurredAt: new Date(TRADES_FROM_MS + index).toISOString(),
    };
  });
}

/** exchange.trades.v1 TradeExecuted, keyed by its stream (the trade). */
function tradeMessage(trade: Trade): { key: string; value: string } {
  const eventId = randomUUID();
  const streamId = `trade-${trade.tradeId}`;
  const envelope = {
    eventId,
    type: 'TradeExecuted',
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt: trade.occurredAt,
    causationId: null,
    correlationId: eventId,
    data: {
      tradeId: trade.tradeId,
      occurredAt: trade.occurredAt,
      instrument: { base: trade.base, quote: trade.quote },
      buyerClientId: trade.buyer,
      sellerClientId: trade.seller,
      quantityMinor: trade.quantityMinor.toString(),
      price: trade.price,
      quoteAmountMinor: trade.quoteAmountMinor.toString(),
      buyerFee: { asset: trade.base, amountMinor: trade.buyerFeeMinor.toString() },
      sellerFee: { asset: trade.quote, amountMinor: trade.sellerFeeMinor.toString() },
    },
  };
  return { key: streamId, value: JSON.stringify(envelope) };
}

/** Client balances expected after funding and the trades: `client|asset` -> minor units. */
function expectedBalances(trades: readonly Trade[]): Map<string, bigint> {
  const balances = new Map<string, bigint>();
  const add = (client: string, asset: Asset, amount: bigint) =>
    balances.set(`${client}|${asset}`, (balances.get(`${client}|${asset}`) ?? 0n) + amount);
  for (let index = 0; index < CLIENTS; index += 1)
    for (const asset of ASSETS) add(clientId(index), asset, FUNDING[asset]);
  for (const trade of trades) {
    add(trade.seller, trade.base, -trade.quantityMinor);
    add(trade.buyer, trade.base, trade.quantityMinor - trade.buyerFeeMinor);
    add(trade.buyer, trade.quote, -trade.quoteAmountMinor);
    add(trade.seller, trade.quote, trade.quoteAmountMinor - trade.sellerFeeMinor);
  }
  return balances;
}

/** Sends the trades at TRADE_RATE, PRODUCE_BATCH per send; `sentAt[i]` = when trade i's send started. */
async function producePaced(
  producer: Producer,
  topic: string,
  trades: readonly Trade[],
  rate: number,
): Promise<Float64Array> {
  const sentAt = new Float64Array(trades.length);
  const started = nowMs();
  for (let from = 0; from < trades.length; from += PRODUCE_BATCH) {
    if (rate > 0) {
      const waitMs = started + (from / rate) * 1_000 - nowMs();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    const batch = trades.slice(from, from + PRODUCE_BATCH);
    sentAt.fill(nowMs(), from, from + batch.length);
    await producer.send({ topic, acks: -1, messages: batch.map(tradeMessage) });
  }
  return sentAt;
}

// ---------------------------------------------------------------------------------------------
// Seeding through the one write path
// ---------------------------------------------------------------------------------------------

async function seed(db: TestDatabase): Promise<void> {
  const store = new PostgresEventStore({ pool: db.pool, schema: STORE_SCHEMA });
  await store.migrate();
  const handler = new LedgerCommandHandler(store, assetDecimals);
  await handler.migrate();
  const commands: LedgerCommand[] = [];
  for (let index = 0; index < CLIENTS; index += 1)
    commands.push({ type: 'OnboardClient', clientId: clientId(index), metadata: { at: SEED_AT } });
  for (let index = 0; index < CLIENTS; index += 1) {
    for (const asset of ASSETS) {
      commands.push({
        type: 'BookDeposit',
        depositId: `D-${index}-${asset}`,
        clientId: clientId(index),
        asset,
        amountMinor: FUNDING[asset],
        walletId: 'wallet-client-cold-1',
        metadata: { at: SEED_AT },
      });
    }
  }
  const started = nowMs();
  for (let from = 0; from < commands.length; from += SEED_BATCH_COMMANDS) {
    const results = await store.withTransaction((transaction) =>
      handler.handleBatch(commands.slice(from, from + SEED_BATCH_COMMANDS), transaction),
    );
    const refused = results.find((result) => !result.ok);
    if (refused !== undefined && !refused.ok)
      throw new Error(`seeding refused a command: ${JSON.stringify(refused.error)}`);
  }
  console.log(
    `seeded ${CLIENTS} clients and ${CLIENTS * ASSETS.length} deposits through the write path in ${Math.round(nowMs() - started)} ms (not timed)`,
  );
}

// ---------------------------------------------------------------------------------------------
// The timed run against the service
// ---------------------------------------------------------------------------------------------

interface IngestFigures {
  readonly trades: number;
  readonly seconds: number;
  readonly tradesPerSec: number;
  readonly produceSeconds: number;
  /** Until every trade was in the inbox (booked in the event store), sampled every INBOX_POLL_MS. */
  readonly bookedSeconds: number;
  readonly latencyMs: Percentiles;
  readonly eventsAppended: number;
}

async function checkpoint(client: PoolClient | Pool): Promise<bigint> {
  const { rows } = await client.query<{ global_position: string }>(
    `select global_position from ${STORE_SCHEMA}.subscription_checkpoints where subscription_name = $1`,
    [PROJECTION_NAME],
  );
  return BigInt(rows[0]?.global_position ?? '0');
}

async function headPosition(pool: Pool): Promise<bigint> {
  const { rows } = await pool.query<{ head: string | null }>(
    `select max(global_position)::text as head from ${STORE_SCHEMA}.events`,
  );
  return BigInt(rows[0]?.head ?? '0');
}

async function inboxCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `select count(*)::text as count from ${STORE_SCHEMA}.inbox where consumer_group = $1`,
    [LEDGER_CONSUMER_GROUP],
  );
  return Number(rows[0]?.count ?? 0);
}

/** Every checkpoint (projector and relay) at the head: the service has caught up. */
async function caughtUp(pool: Pool): Promise<boolean> {
  const head = await headPosition(pool);
  const { rows } = await pool.query<{ behind: string }>(
    `select count(*)::text as behind from ${STORE_SCHEMA}.subscription_checkpoints where global_position < $1`,
    [head.toString()],
  );
  const { rows: projector } = await pool.query(
    `select 1 from ${STORE_SCHEMA}.subscription_checkpoints where subscription_name = $1`,
    [PROJECTION_NAME],
  );
  return rows[0]?.behind === '0' && projector.length === 1;
}

/** Books `trades` through the service and waits until all are in the inbox and the read models. */
async function bookThroughService(
  pool: Pool,
  producer: Producer,
  trades: readonly Trade[],
  inboxBefore: number,
  rate: number,
): Promise<{
  sentAt: Float64Array;
  samples: { at: number; position: bigint }[];
  started: number;
  bookedAt: number;
}> {
  const sampler = await pool.connect();
  const samples: { at: number; position: bigint }[] = [];
  let sampling = true;
  const sampling$ = (async () => {
    while (sampling) {
      const position = await checkpoint(sampler);
      samples.push({ at: nowMs(), position });
      await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_POLL_MS));
    }
  })();
  try {
    const started = nowMs();
    const sentAt = await producePaced(producer, EXCHANGE_TRADES_TOPIC, trades, rate);
    await waitFor(
      async () => (await inboxCount(pool)) >= inboxBefore + trades.length,
      `${trades.length} trades in the ledger's inbox`,
      DRAIN_TIMEOUT_MS,
      INBOX_POLL_MS,
    );
    const bookedAt = nowMs();
    const head = await headPosition(pool);
    await waitFor(
      () => (samples.at(-1)?.position ?? 0n) >= head,
      `the projector at position ${head}`,
      DRAIN_TIMEOUT_MS,
      CHECKPOINT_POLL_MS,
    );
    return { sentAt, samples, started, bookedAt };
  } finally {
    sampling = false;
    await sampling$;
    sampler.release();
  }
}

async function benchIngest(
  db: TestDatabase,
  producer: Producer,
  random: () => number,
): Promise<{ figures: IngestFigures; window: { from: Date; to: Date }; booked: Trade[] }> {
  const warmUp = generateTrades('W', WARM_UP_TRADES, random);
  const timed = generateTrades('T', TRADES, random);
  if (WARM_UP_TRADES > 0) {
    const warmStarted = nowMs();
    await bookThroughService(db.pool, producer, warmUp, 0, TRADE_RATE);
    console.log(
      `warm-up: ${WARM_UP_TRADES} trades booked and projected in ${Math.round(nowMs() - warmStarted)} ms (not timed)`,
    );
  }
  const headBefore = await headPosition(db.pool);
  const { sentAt, samples, started, bookedAt } = await bookThroughService(
    db.pool,
    producer,
    timed,
    WARM_UP_TRADES,
    TRADE_RATE,
  );
  const produceSeconds = ((sentAt.at(-1) ?? started) - started) / 1_000;

  // each trade's journal: the position of its last copy (a journal counts from its last copy)
  const { rows } = await db.pool.query<{ ref: string; position: string }>(
    `select data->>'sourceReference' as ref, max(global_position)::text as position from ${STORE_SCHEMA}.events
      where global_position > $1 and event_type = 'JournalPosted' and data->>'kind' = 'trade' group by 1`,
    [headBefore.toString()],
  );
  if (rows.length !== TRADES)
    throw new Error(`expected ${TRADES} trade journals after the warm-up, found ${rows.length}`);
  const latency = new Float64Array(TRADES);
  let finished = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const index = Number(row.ref.slice(2));
    const position = BigInt(row.position);
    // first sample whose checkpoint covers the journal (samples are in time order, positions never go back)
    let low = 0;
    let high = samples.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((samples[middle]?.position ?? 0n) >= position) high = middle;
      else low = middle + 1;
    }
    const sample = samples[low];
    if (sample === undefined || sample.position < position)
      throw new Error(`assertion: no checkpoint sample covers ${row.ref}`);
    latency[index] = sample.at - (sentAt[index] ?? Number.NaN);
    finished = Math.max(finished, sample.at);
  }
  if (latency.some(Number.isNaN)) throw new Error('assertion: a trade lacks its send time');
  const seconds = (finished - started) / 1_000;
  const window = await db.pool.query<{ from: Date; to: Date; events: string }>(
    `select min(recorded_at) as from, max(recorded_at) as to, count(*)::text as events from ${STORE_SCHEMA}.events where global_position > $1`,
    [headBefore.toString()],
  );
  const span = window.rows[0];
  if (span === undefined) throw new Error('assertion: no events in the timed window');
  return {
    figures: {
      trades: TRADES,
      seconds: round(seconds, 2),
      tradesPerSec: Math.round(TRADES / seconds),
      produceSeconds: round(produceSeconds, 2),
      bookedSeconds: round((bookedAt - started) / 1_000, 2),
      latencyMs: percentiles(latency),
      eventsAppended: Number(span.events),
    },
    window: { from: span.from, to: span.to },
    booked: [...warmUp, ...timed],
  };
}

/** The read models equal what the trades imply, nothing was refused, the books balance. */
async function verifyBooks(
  db: TestDatabase,
  service: ServiceProcess,
  token: string,
  trades: readonly Trade[],
): Promise<void> {
  const expected = expectedBalances(trades);
  const { rows } = await db.pool.query<{ owner_id: string; asset: string; posted: string }>(
    `select owner_id, asset, posted_minor::text as posted from ${STORE_SCHEMA}.rm_account_balances where kind = 'client'`,
  );
  if (rows.length !== expected.size)
    throw new Error(`read model has ${rows.length} client balances, expected ${expected.size}`);
  let wrong = 0;
  for (const row of rows)
    if (expected.get(`${row.owner_id}|${row.asset}`) !== BigInt(row.posted)) wrong += 1;
  if (wrong > 0)
    throw new Error(`${wrong} client balances in the read model differ from the trades booked`);
  const refused = await db.pool.query<{ count: string }>(
    `select count(*)::text as count from ${STORE_SCHEMA}.events where event_type = 'JournalPosted' and data->>'kind' = 'trade'`,
  );
  if (Number(refused.rows[0]?.count) !== 2 * trades.length)
    throw new Error(
      `expected ${2 * trades.length} trade journal copies, found ${refused.rows[0]?.count} (some trades were dead-lettered)`,
    );
  const invariants = (await (
    await fetch(`${service.baseUrl}/v1/books/invariants`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json()) as { ok?: boolean };
  if (invariants.ok !== true)
    throw new Error(`HK-6 invariant fails after the run: ${JSON.stringify(invariants)}`);
  console.log(
    `verified: ${rows.length} client balances equal the funding plus ${trades.length} trades; every trade journalled once; HK-6 holds`,
  );
}

async function benchPointInTime(
  service: ServiceProcess,
  token: string,
  window: { from: Date; to: Date },
  random: () => number,
): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; hotP99Ms: number }> {
  const from = window.from.getTime();
  const span = window.to.getTime() - from;
  const query = async (): Promise<{ ms: number; hot: boolean }> => {
    const hot = random() < HOT_TRADE_SHARE;
    const client = hot
      ? clientId(Math.floor(random() * HOT_CLIENTS))
      : clientId(HOT_CLIENTS + Math.floor(random() * (CLIENTS - HOT_CLIENTS)));
    const at = new Date(from + Math.floor(random() * (span + 1))).toISOString();
    const started = nowMs();
    const response = await fetch(
      `${service.baseUrl}/v1/clients/${client}/balances?at=${encodeURIComponent(at)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const body = (await response.json()) as { balances?: unknown[] };
    const ms = nowMs() - started;
    if (response.status !== 200 || body.balances?.length !== ASSETS.length)
      throw new Error(
        `point-in-time query for ${client} at ${at}: ${response.status} ${JSON.stringify(body)}`,
      );
    return { ms, hot };
  };
  for (let index = 0; index < POINT_IN_TIME_WARM_UP_QUERIES; index += 1) await query();
  const all: number[] = [];
  const hot: number[] = [];
  for (let index = 0; index < POINT_IN_TIME_QUERIES; index += 1) {
    const result = await query();
    all.push(result.ms);
    if (result.hot) hot.push(result.ms);
  }
  const overall = percentiles(Float64Array.from(all));
  return {
    p50Ms: overall.p50,
    p99Ms: overall.p99,
    maxMs: overall.max,
    hotP99Ms: percentiles(Float64Array.from(hot)).p99,
  };
}

// ---------------------------------------------------------------------------------------------
// Naive baseline: one transaction per trade, row locks
// ---------------------------------------------------------------------------------------------

async function migrateNaive(pool: Pool): Promise<void> {
  await pool.query(`create schema ${NAIVE_SCHEMA};
    create table ${NAIVE_SCHEMA}.balances (account text not null, asset text not null, balance_minor numeric(40, 0) not null, primary key (account, asset));
    create table ${NAIVE_SCHEMA}.trades (trade_id text primary key, fingerprint text not null);
    create table ${NAIVE_SCHEMA}.journal_lines (trade_id text not null, line int not null, account text not null, asset text not null, amount_minor numeric(40, 0) not null, primary key (trade_id, line))`);
  const accounts: string[] = [];
  const assets: string[] = [];
  const amounts: string[] = [];
  for (let index = 0; index < CLIENTS; index += 1) {
    for (const asset of ASSETS) {
      accounts.push(clientId(index));
      assets.push(asset);
      amounts.push(FUNDING[asset].toString());
    }
  }
  for (const asset of ASSETS) {
    accounts.push('house-fee-revenue');
    assets.push(asset);
    amounts.push('0');
  }
  await pool.query(
    `insert into ${NAIVE_SCHEMA}.balances select * from unnest($1::text[], $2::text[], $3::numeric[])`,
    [accounts, assets, amounts],
  );
}

/** One trade, one transaction: claim the id, lock the rows, update each, write the journal. */
async function applyNaive(client: PoolClient, trade: Trade): Promise<void> {
  const lines: [string, Asset, bigint][] = [
    [trade.seller, trade.base, -trade.quantityMinor],
    [trade.buyer, trade.base, trade.quantityMinor],
    [trade.buyer, trade.quote, -trade.quoteAmountMinor],
    [trade.seller, trade.quote, trade.quoteAmountMinor],
    [trade.buyer, trade.base, -trade.buyerFeeMinor],
    ['house-fee-revenue', trade.base, trade.buyerFeeMinor],
    [trade.seller, trade.quote, -trade.sellerFeeMinor],
    ['house-fee-revenue', trade.quote, trade.sellerFeeMinor],
  ];
  const fingerprint = JSON.stringify(
    lines.map(([account, asset, amount]) => [account, asset, amount.toString()]),
  );
  await client.query('begin');
  try {
    const claimed = await client.query(
      `insert into ${NAIVE_SCHEMA}.trades (trade_id, fingerprint) values ($1, $2) on conflict do nothing`,
      [trade.tradeId, fingerprint],
    );
    if (claimed.rowCount === 1) {
      const keys = [...new Set(lines.map(([account, asset]) => `${account}|${asset}`))].sort();
      const locked = await client.query(
        `select account, asset from ${NAIVE_SCHEMA}.balances where (account, asset) in (select * from unnest($1::text[], $2::text[])) order by account, asset for update`,
        [keys.map((key) => key.split('|')[0]), keys.map((key) => key.split('|')[1])],
      );
      if (locked.rowCount !== keys.length)
        throw new Error(`naive: trade ${trade.tradeId} names an unknown account`);
      for (const key of keys) {
        const [account, asset] = key.split('|');
        const change = lines
          .filter(([lineAccount, lineAsset]) => `${lineAccount}|${lineAsset}` === key)
          .reduce((sum, [, , amount]) => sum + amount, 0n);
        await client.query(
          `update ${NAIVE_SCHEMA}.balances set balance_minor = balance_minor + $3 where account = $1 and asset = $2`,
          [account, asset, change.toString()],
        );
      }
      await client.query(
        `insert into ${NAIVE_SCHEMA}.journal_lines select $1, line, account, asset, amount from unnest($2::int[], $3::text[], $4::text[], $5::numeric[]) as l(line, account, asset, amount)`,
        [
          trade.tradeId,
          lines.map((_, line) => line),
          lines.map(([account]) => account),
          lines.map(([, asset]) => asset),
          lines.map(([, , amount]) => amount.toString()),
        ],
      );
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

async function benchNaive(
  db: TestDatabase,
  kafka: Kafka,
  producer: Producer,
  random: () => number,
): Promise<{ trades: number; seconds: number; tradesPerSec: number }> {
  await migrateNaive(db.pool);
  const trades = generateTrades('N', NAIVE, random);
  await producePaced(producer, NAIVE_TOPIC, trades, 0);
  const byId = new Map(trades.map((trade) => [trade.tradeId, trade]));
  const client = await db.pool.connect();
  const consumer: Consumer = kafka.consumer({
    groupId: NAIVE_GROUP,
    maxWaitTimeInMs: NAIVE_CONSUMER_MAX_WAIT_MS,
    sessionTimeout: 6_000,
    rebalanceTimeout: 3_000,
    heartbeatInterval: 500,
  });
  let first = Number.NaN;
  let last = Number.NaN;
  let applied = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: NAIVE_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (Number.isNaN(first)) first = nowMs();
        const tradeId =
          (JSON.parse(message.value?.toString() ?? '{}') as { data?: { tradeId?: string } }).data
            ?.tradeId ?? '';
        const trade = byId.get(tradeId);
        if (trade === undefined) throw new Error(`naive: unknown trade '${tradeId}'`);
        await applyNaive(client, trade);
        applied += 1;
        last = nowMs();
      },
    });
    await waitFor(
      () => applied >= NAIVE,
      `the naive consumer to apply ${NAIVE} trades`,
      DRAIN_TIMEOUT_MS,
      INBOX_POLL_MS,
    );
  } finally {
    await consumer.disconnect();
    client.release();
  }
  const expected = expectedBalances(trades);
  const { rows } = await db.pool.query<{ account: string; asset: string; balance: string }>(
    `select account, asset, balance_minor::text as balance from ${NAIVE_SCHEMA}.balances where account <> 'house-fee-revenue'`,
  );
  const wrong = rows.filter(
    (row) => expected.get(`${row.account}|${row.asset}`) !== BigInt(row.balance),
  ).length;
  if (wrong > 0 || rows.length !== expected.size)
    throw new Error(`naive baseline booked wrong balances (${wrong} differ)`);
  const seconds = (last - first) / 1_000;
  return { trades: NAIVE, seconds: round(seconds, 2), tradesPerSec: Math.round(NAIVE / seconds) };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const random = randomSource(PRNG_SEED); // mulberry32: every run books the same trades
  let db: TestDatabase | undefined;
  let broker: KafkaTestBroker | undefined;
  let producer: Producer | undefined;
  let services: ServiceProcess[] = [];
  const cleanUp = async () => {
    await Promise.all(services.map((service) => service.stop().catch(() => undefined)));
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop().catch(() => undefined);
    if (process.env['BENCH_KEEP_DATABASE'] === 'true') console.log(`kept database ${db?.url}`);
    else await db?.drop().catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    [db, broker] = await Promise.all([createTestDatabase(DATABASE_PREFIX), startKafkaTestBroker()]);
    await assertDurable(db.pool, 'bench pool');
    for (const topic of [EXCHANGE_TRADES_TOPIC, NAIVE_TOPIC])
      await broker.command(`topic ${topic} ${PARTITIONS} ${REPLICATION}`);
    for (const topic of [WALLET_EVENTS_TOPIC, DEAD_LETTER_TOPIC])
      await broker.command(`topic ${topic} 1 ${REPLICATION}`);
    const kafka = createKafka({
      clientId: 'bench-ledger',
      brokers: broker.brokers,
      logLevel: logLevel.ERROR,
    });
    producer = signingProducer(createOutboxProducer(kafka, { idempotent: false })); // the mock cannot serve idempotent producers
    await producer.connect();
    console.log(
      `ledger bench: ${TRADES} trades at ${TRADE_RATE || 'max'}/s over ${CLIENTS} clients (${HOT_CLIENTS} hot: ${HOT_TRADE_SHARE * 100}% of trades), ${ASSETS.length} assets, ${PARTITIONS} partitions, ${PRODUCE_BATCH} per send`,
    );

    await seed(db);
    const secret = randomBytes(32).toString('hex');
    const startedAt = nowMs();
    const environment = {
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_SECRET: secret,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PRODUCER_IDEMPOTENT: 'false',
      KAFKA_CONSUMER_MAX_WAIT_MS: String(SERVICE_CONSUMER_MAX_WAIT_MS),
      LOG_LEVEL: 'warn',
      EXCHANGE_PUBLIC_KEYS_FILE: testExchangeSigner().publicKeysFile, // the trades are signed as the exchange signs them
      // e.g. BENCH_SERVICE_NODE_OPTIONS='--require ./profile-hook.js' (--cpu-prof is not allowed in NODE_OPTIONS)
      ...(process.env['BENCH_SERVICE_NODE_OPTIONS']
        ? { NODE_OPTIONS: process.env['BENCH_SERVICE_NODE_OPTIONS'] }
        : {}),
    };
    // the write side and the read side in their own processes (LEDGER_ROLES), or one process doing both
    const roles = SPLIT_ROLES ? ['ingest', 'read-models'] : ['ingest,read-models'];
    services = await Promise.all(
      roles.map((role) => startService('ledger', { ...environment, LEDGER_ROLES: role })),
    );
    const running = services;
    await waitFor(
      async () =>
        (
          await Promise.all(
            running.map(async (service) => (await fetch(`${service.baseUrl}/health/ready`)).status),
          )
        ).every((status) => status === 200),
      'the ledger service to be ready',
      START_TIMEOUT_MS,
    );
    const pool = db.pool;
    await waitFor(
      () => caughtUp(pool),
      'the service to project and relay the seeded events',
      START_TIMEOUT_MS,
      INBOX_POLL_MS,
    );
    const reader = running.at(-1) as ServiceProcess;
    console.log(
      `ledger service ready and caught up in ${Math.round(nowMs() - startedAt)} ms (not timed)`,
    );

    const { figures, window, booked } = await benchIngest(db, producer, random);
    console.log(JSON.stringify({ detail: 'ledger-ingest', ...figures }));
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: 'bench-auditor',
      roles: ['auditor'],
    });
    await verifyBooks(db, reader, token, booked);
    const pointInTime = await benchPointInTime(reader, token, window, random);
    console.log(
      JSON.stringify({
        detail: 'ledger-point-in-time',
        queries: POINT_IN_TIME_QUERIES,
        ...pointInTime,
      }),
    );
    await Promise.all(running.map((service) => service.stop()));
    services = [];

    const naive = await benchNaive(db, kafka, producer, random);
    console.log(JSON.stringify({ detail: 'naive', ...naive }));
    console.log(JSON.stringify({ bench: 'ledger-point-in-time', p99Ms: pointInTime.p99Ms }));
    console.log(
      JSON.stringify({
        bench: 'ledger-ingest',
        tradesPerSec: figures.tradesPerSec,
        naiveTradesPerSec: naive.tradesPerSec,
        ratio: round(figures.tradesPerSec / naive.tradesPerSec, 1),
        p99LatencyMs: figures.latencyMs.p99,
      }),
    );
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
