import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore, READ_PAGE_EVENTS_MAX, type RecordedEvent } from '@custody/event-store';
import {
  CLIENT_STREAM_PREFIX,
  ledgerEventOf,
  LedgerCommandHandler,
  ownersOf,
} from '@custody/ledger-application';
import {
  clientBooks,
  evolveLedger,
  initialLedgerState,
  postedBalance,
  type AssetDecimals,
  type LedgerCommand,
  type LedgerState,
} from '@custody/ledger-domain';
import {
  createLedgerReadModelDataSource,
  dumpReadModels,
  LedgerReadModels,
  migrateLedgerReadModels,
  rebuildLedgerReadModels,
} from '@custody/ledger-read-models';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { LedgerProjector, projectedPages } from './read-models/ledger-projector';

/** Seeded: a failure names its seed and reproduces exactly. */
const SEED = 4_242_026;
const COMMANDS = 10_000;
const CLIENTS = 40;
const HOT_CLIENTS = 3; // a third of the trades involve one of these
const ASSETS = ['BTC', 'ETH', 'USDT'] as const;
const WALLETS = ['wallet-cold-1', 'wallet-hot-1'] as const;
const BATCH_COMMANDS_MIN = 1;
const BATCH_COMMANDS_MAX = 400;
const INSTANTS = 100;
const SNAPSHOT_EVERY_EVENTS = 16;
const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;

type Intent =
  | { kind: 'deposit'; client: number; asset: number; wallet: number; amountMinor: bigint }
  | {
      kind: 'trade';
      hot: boolean;
      buyer: number;
      seller: number;
      base: number;
      quote: number;
      quantityMinor: bigint;
      priceCents: bigint;
      feeMinor: bigint;
    }
  | { kind: 'withdraw'; client: number; asset: number; wallet: number; amountMinor: bigint }
  | { kind: 'finish'; back: number; settle: boolean; networkFeeMinor: bigint };

const index = (size: number) => fc.integer({ min: 0, max: size - 1 });
const amount = fc.bigInt({ min: 1n, max: 10n ** 10n });
const intent: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      client: index(CLIENTS),
      asset: index(ASSETS.length),
      wallet: index(WALLETS.length),
      amountMinor: amount,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      hot: fc.boolean(),
      buyer: index(CLIENTS),
      seller: index(CLIENTS),
      base: index(ASSETS.length),
      quote: index(ASSETS.length),
      quantityMinor: amount,
      priceCents: fc.bigInt({ min: 1n, max: 10_000_000n }),
      feeMinor: fc.bigInt({ min: 0n, max: 10_000n }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      client: index(CLIENTS),
      asset: index(ASSETS.length),
      wallet: index(WALLETS.length),
      amountMinor: amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      back: fc.integer({ min: 1, max: 200 }),
      settle: fc.boolean(),
      networkFeeMinor: fc.bigInt({ min: 0n, max: 1_000n }),
    }),
  },
);

/** Commands from intents, without looking at any state: refusals (overdrafts, unknown holds) are part of the run. */
function commandsOf(intents: readonly Intent[]): LedgerCommand[] {
  const client = (n: number) => `client-${n}`;
  const at = (step: number) => new Date(Date.UTC(2026, 10, 24, 9) + step * 1_000).toISOString();
  const withdrawals: {
    withdrawalId: string;
    clientId: string;
    asset: string;
    amountMinor: bigint;
    walletId: string;
  }[] = [];
  const commands: LedgerCommand[] = Array.from({ length: CLIENTS }, (_, n) => ({
    type: 'OnboardClient',
    clientId: client(n),
    metadata: { at: at(0) },
  }));
  intents.forEach((next, step) => {
    const metadata = { at: at(step + 1) };
    switch (next.kind) {
      case 'deposit':
        commands.push({
          type: 'BookDeposit',
          depositId: `D-${step}`,
          clientId: client(next.client),
          asset: ASSETS[next.asset] as string,
          amountMinor: next.amountMinor,
          walletId: WALLETS[next.wallet] as string,
          metadata,
        });
        return;
      case 'trade': {
        const base = ASSETS[next.base] as string;
        const quote = ASSETS[next.quote] as string;
        const buyer = next.hot ? next.buyer % HOT_CLIENTS : next.buyer;
        const quoteAmountMinor =
          (next.quantityMinor * next.priceCents * 10n ** BigInt(decimals(quote) ?? 0)) /
          (10n ** BigInt(decimals(base) ?? 0) * 100n);
        const price = `${next.priceCents / 100n}.${(next.priceCents % 100n).toString().padStart(2, '0')}`;
        commands.push({
          type: 'SettleTrade',
          trade: {
            tradeId: `T-${step}`,
            base,
            quote,
            buyerClientId: client(buyer),
            sellerClientId: client(next.seller),
            quantityMinor: next.quantityMinor,
            price,
            quoteAmountMinor,
            buyerFee: { asset: base, amountMinor: next.feeMinor },
            sellerFee: { asset: quote, amountMinor: next.feeMinor },
          },
          metadata,
        });
        return;
      }
      case 'withdraw': {
        const withdrawal = {
          withdrawalId: `W-${step}`,
          clientId: client(next.client),
          asset: ASSETS[next.asset] as string,
          amountMinor: next.amountMinor,
          walletId: WALLETS[next.wallet] as string,
        };
        withdrawals.push(withdrawal);
        commands.push({
          type: 'HoldWithdrawal',
          ...withdrawal,
          destinationAllowListedForClientId: withdrawal.clientId,
          metadata,
        });
        return;
      }
      case 'finish': {
        const withdrawal = withdrawals[withdrawals.length - next.back];
        if (withdrawal === undefined) return;
        commands.push(
          next.settle
            ? {
                type: 'SettleWithdrawal',
                ...withdrawal,
                networkFeeMinor: next.networkFeeMinor,
                metadata,
              }
            : {
                type: 'ReleaseWithdrawal',
                withdrawalId: withdrawal.withdrawalId,
                clientId: withdrawal.clientId,
                reason: 'failed',
                metadata,
              },
        );
        return;
      }
    }
  });
  return commands;
}

async function readEverything(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0n; ;) {
    const page = await store.readAll({ after, maxCount: READ_PAGE_EVENTS_MAX });
    events.push(...page);
    if (page.length < READ_PAGE_EVENTS_MAX) return events;
    after = (page.at(-1) as RecordedEvent).globalPosition;
  }
}

/**
 * The full replay an auditor would do, from position 0, without snapshots: the whole ledger
 * folded event by event, a journal once, where its last copy is recorded (its copies sit at
 * adjacent positions); each client's books taken at each of the given positions (ascending).
 */
function fullReplayAt(
  events: readonly RecordedEvent[],
  positions: readonly bigint[],
  clientIds: readonly string[],
): Map<bigint, Map<string, LedgerState>> {
  const answers = new Map<bigint, Map<string, LedgerState>>();
  let state = initialLedgerState();
  let next = 0;
  const record = (position: bigint) =>
    answers.set(
      position,
      new Map(clientIds.map((clientId) => [clientId, clientBooks(state, clientId)])),
    );
  for (const recorded of events) {
    while (next < positions.length && (positions[next] as bigint) < recorded.globalPosition)
      record(positions[next++] as bigint);
    if (!recorded.streamId.startsWith(CLIENT_STREAM_PREFIX)) continue;
    const event = ledgerEventOf(recorded);
    if (
      event.type === 'JournalPosted' &&
      ownersOf(event, state).at(-1) !== recorded.streamId.slice(CLIENT_STREAM_PREFIX.length)
    )
      continue;
    state = { ...evolveLedger(state, event), journals: new Map() };
  }
  while (next < positions.length) record(positions[next++] as bigint);
  return answers;
}

describe(`ledger books under ${COMMANDS.toLocaleString('en')} random trades, deposits and withdrawals (fast-check, seeded; PostgreSQL)`, () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: LedgerCommandHandler;
  let live: DataSource;
  let projector: LedgerProjector;
  let events: RecordedEvent[];
  const clientIds = Array.from({ length: CLIENTS }, (_, n) => `client-${n}`);
  let outcomes: Map<string, number>;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
    handler = new LedgerCommandHandler(store, decimals, {
      snapshotEveryEvents: SNAPSHOT_EVERY_EVENTS,
    });
    await handler.migrate();
    live = createLedgerReadModelDataSource({ url: db.url, schema: 'ledger' });
    await migrateLedgerReadModels(live);
    projector = new LedgerProjector(store);

    const [intents] = fc.sample(fc.array(intent, { minLength: COMMANDS, maxLength: COMMANDS }), {
      seed: SEED,
      numRuns: 1,
    });
    const commands = commandsOf(intents ?? []);
    const batchSizes = fc.sample(fc.integer({ min: BATCH_COMMANDS_MIN, max: BATCH_COMMANDS_MAX }), {
      seed: SEED,
      numRuns: commands.length,
    });
    outcomes = new Map();
    // in batches of random sizes (as the consumer would get them), the projection catching up between some of them
    for (let start = 0, batch = 0; start < commands.length; batch += 1) {
      const size = batchSizes[batch % batchSizes.length] as number;
      const results = await store.withTransaction((transaction) =>
        handler.handleBatch(commands.slice(start, start + size), transaction),
      );
      for (const result of results) {
        const outcome = result.ok
          ? result.events.length === 0
            ? 'no-op'
            : 'booked'
          : result.error.code;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      if (batch % 3 === 0) await projector.catchUp();
      start += size;
    }
    await projector.catchUp();
    events = await readEverything(store);
  }, 300_000);

  afterAll(async () => {
    await live?.destroy();
    await db?.drop();
  });

  it('exercised what it claims: thousands booked, overdrafts and unknown holds refused, negatives from trades', () => {
    expect(outcomes.get('booked') ?? 0).toBeGreaterThan(5_000);
    expect(outcomes.get('INSUFFICIENT_AVAILABLE_BALANCE') ?? 0).toBeGreaterThan(100);
    expect(
      events.filter((event) => event.type === 'ClientBalanceWentNegative').length,
    ).toBeGreaterThan(100);
    expect(
      events.filter((event) => event.type === 'WithdrawalHoldReleased').length,
    ).toBeGreaterThan(50);
    expect(
      events.filter(
        (event) => event.type === 'JournalPosted' && event.data['kind'] === 'withdrawal',
      ).length,
    ).toBeGreaterThan(50);
  });

  it('HK-8 every journal sums to zero per asset', () => {
    const journals = events.filter((event) => event.type === 'JournalPosted').map(ledgerEventOf);
    expect(journals.length).toBeGreaterThan(5_000);
    for (const journal of journals) {
      if (journal.type !== 'JournalPosted') continue;
      const net = new Map<string, bigint>();
      for (const entry of journal.data.entries)
        net.set(
          entry.account.asset,
          (net.get(entry.account.asset) ?? 0n) +
            (entry.side === 'debit' ? entry.amountMinor : -entry.amountMinor),
        );
      expect([...net].filter(([, sum]) => sum !== 0n)).toEqual([]);
    }
  });

  it('HK-6 for every asset: client liabilities + house balances = custody assets recorded (running totals and recomputed from every account)', async () => {
    const invariants = await new LedgerReadModels(live).invariants();
    expect(invariants.map((invariant) => invariant.asset)).toEqual([...ASSETS].sort());
    expect(invariants.filter((invariant) => !invariant.holds)).toEqual([]);
  });

  it("the read models' client balances equal the write side's books, client by client", async () => {
    const readModels = new LedgerReadModels(live);
    const books = await handler.loadBooks(clientIds);
    for (const clientId of clientIds) {
      const state = books.get(clientId)?.books ?? initialLedgerState();
      const expected = [...state.accounts.values()]
        .map(({ account, balance }) => ({
          asset: account.asset,
          posted: postedBalance(account, balance).toString(),
          pending: balance.debitsPending.toString(),
        }))
        .sort((a, b) => (a.asset < b.asset ? -1 : 1));
      const actual = (await readModels.clientBalances(clientId)).map((row) => ({
        asset: row.asset,
        posted: row.postedMinor,
        pending: row.debitsPendingMinor,
      }));
      expect(actual).toEqual(expected);
    }
  });

  it('replaying the event history from position 0 reproduces the read models byte for byte', async () => {
    const rebuilt = createLedgerReadModelDataSource({ url: db.url, schema: 'ledger_replay' });
    try {
      await migrateLedgerReadModels(rebuilt);
      await new LedgerProjector(store, {
        name: 'ledger-read-models-replay',
        schema: 'ledger_replay',
      }).catchUp();
      const liveDump = await dumpReadModels(db.pool, 'ledger');
      const replayDump = await dumpReadModels(db.pool, 'ledger_replay');
      expect(liveDump['rm_statement_lines']?.length).toBeGreaterThan(100_000);
      expect(replayDump).toEqual(liveDump);
    } finally {
      await rebuilt.destroy();
    }
  });

  it('the bulk rebuild (state in memory, statement lines appended without their key) gives the same read models byte for byte', async () => {
    const rebuilt = createLedgerReadModelDataSource({ url: db.url, schema: 'ledger_rebuild' });
    try {
      await migrateLedgerReadModels(rebuilt);
      const result = await store.withTransaction(({ client }) =>
        rebuildLedgerReadModels(client, 'ledger_rebuild', projectedPages(store)),
      );
      const [rebuiltDump, liveDump] = [
        await dumpReadModels(db.pool, 'ledger_rebuild'),
        await dumpReadModels(db.pool, 'ledger'),
      ];
      expect(result.lines).toBe(
        liveDump['rm_statement_lines']?.split('\n').filter((line) => line !== '').length,
      );
      expect(rebuiltDump).toEqual(liveDump);
    } finally {
      await rebuilt.destroy();
    }
  });

  it(`HK-21 point-in-time books (snapshots plus events) equal a full replay at ${INSTANTS} random instants, by position and by time`, async () => {
    const head = events.at(-1)?.globalPosition ?? 0n;
    const randomPositions = fc.sample(fc.bigInt({ min: 0n, max: head }), {
      seed: SEED,
      numRuns: INSTANTS / 2,
    });
    // instants as times: each resolves to the prefix of the store recorded by then
    const times = fc
      .sample(fc.integer({ min: 0, max: events.length - 1 }), {
        seed: SEED + 1,
        numRuns: INSTANTS / 2,
      })
      .map((at) => (events[at] as RecordedEvent).recordedAt);
    const timePositions = await Promise.all(times.map((time) => store.positionAt(time)));
    for (const [index, time] of times.entries()) {
      const position = timePositions[index] as bigint;
      expect(events.filter((event) => event.recordedAt <= time).at(-1)?.globalPosition).toBe(
        position,
      );
    }
    const positions = [...new Set([...randomPositions, ...timePositions])].sort((a, b) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const replayed = fullReplayAt(events, positions, clientIds);
    let fromSnapshots = 0;
    for (const position of positions) {
      const loaded = await handler.loadBooks(clientIds, position);
      for (const clientId of clientIds) {
        const books = loaded.get(clientId);
        if ((books?.snapshotVersion ?? 0n) > 0n) fromSnapshots += 1;
        expect({ position, clientId, books: books?.books }).toEqual({
          position,
          clientId,
          books: replayed.get(position)?.get(clientId),
        });
      }
    }
    expect(fromSnapshots).toBeGreaterThan(positions.length * 10); // the answers really came from snapshots
  });

  it('HK-21 each statement, summed up to any of those instants, is the balance the point-in-time read gives there', async () => {
    const head = events.at(-1)?.globalPosition ?? 0n;
    for (const position of fc.sample(fc.bigInt({ min: 0n, max: head }), {
      seed: SEED + 2,
      numRuns: 20,
    })) {
      const sums = await db.pool.query<{ client_id: string; asset: string; sum: string }>(
        `select client_id, asset, sum(amount_minor)::text as sum from ledger.rm_statement_lines where global_position <= $1 group by client_id, asset`,
        [position.toString()],
      );
      const fromStatements = new Map(
        sums.rows.map((row) => [`${row.client_id}/${row.asset}`, row.sum]),
      );
      const loaded = await handler.loadBooks(clientIds, position);
      const fromBooks = new Map(
        [...loaded.values()].flatMap(({ books }) =>
          [...books.accounts.values()].map(
            ({ account, balance }) =>
              [
                `${account.kind === 'client' ? account.clientId : ''}/${account.asset}`,
                postedBalance(account, balance).toString(),
              ] as const,
          ),
        ),
      );
      expect({ position, balances: fromStatements }).toEqual({ position, balances: fromBooks });
    }
  });
});
