import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  availableBalance,
  balanceOf,
  clientAccount,
  clientBooks,
  evolveLedger,
  initialLedgerState,
  postedBalance,
  type AssetDecimals,
  type LedgerCommand,
  type TradeExecution,
} from '@custody/ledger-domain';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { SNAPSHOT_TABLE } from './client-books/client-snapshots';
import { clientStreamId } from './client-books/client-streams';
import { LedgerCommandHandler } from './ledger-command-handler';
import { ledgerEventOf } from './stored-events';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const metadata = { at: '2026-11-24T09:00:00.000Z' };
const RACING_WITHDRAWALS = 12;

const onboard = (clientId: string): LedgerCommand => ({
  type: 'OnboardClient',
  clientId,
  metadata,
});
const deposit = (
  depositId: string,
  clientId: string,
  asset: string,
  amountMinor: bigint,
): LedgerCommand => ({
  type: 'BookDeposit',
  depositId,
  clientId,
  asset,
  amountMinor,
  walletId: 'wallet-cold-1',
  metadata,
});
const hold = (withdrawalId: string, clientId: string, amountMinor: bigint): LedgerCommand => ({
  type: 'HoldWithdrawal',
  withdrawalId,
  clientId,
  asset: 'USDT',
  amountMinor,
  walletId: 'wallet-hot-1',
  destinationAllowListedForClientId: clientId,
  metadata,
});
const trade = (tradeId: string, overrides: Partial<TradeExecution> = {}): LedgerCommand => ({
  type: 'SettleTrade',
  trade: {
    tradeId,
    base: 'BTC',
    quote: 'USDT',
    buyerClientId: 'alice',
    sellerClientId: 'bob',
    quantityMinor: 10_000_000n,
    price: '60000',
    quoteAmountMinor: 6_000_000_000n,
    buyerFee: { asset: 'BTC', amountMinor: 10_000n },
    sellerFee: { asset: 'USDT', amountMinor: 6_000_000n },
    ...overrides,
  },
  metadata,
});

/** The ledger's write path against the real PostgreSQL event store: per-client streams, expected versions, idempotent ids. */
describe('ledger command handler (PostgreSQL event store)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: LedgerCommandHandler;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
    handler = new LedgerCommandHandler(store, decimals, { snapshotEveryEvents: 3 });
    await handler.migrate();
    for (const command of [
      onboard('alice'),
      onboard('bob'),
      onboard('carol'),
      deposit('D-1', 'alice', 'USDT', 10_000_000_000n),
      deposit('D-2', 'bob', 'BTC', 100_000_000n),
    ]) {
      expect((await handler.handle(command)).ok).toBe(true);
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("records a trade in both clients' streams (their statements), once, and the books load it once", async () => {
    expect(await handler.handle(trade('T-1'))).toMatchObject({ ok: true });
    const aliceStream = await store.readStream(clientStreamId('alice'));
    const bobStream = await store.readStream(clientStreamId('bob'));
    expect(
      aliceStream
        .filter((event) => event.type === 'JournalPosted')
        .map((event) => event.data['journalId']),
    ).toEqual(['deposit:D-1', 'trade:T-1']);
    expect(
      bobStream
        .filter((event) => event.type === 'JournalPosted')
        .map((event) => event.data['journalId']),
    ).toEqual(['deposit:D-2', 'trade:T-1']);
    // amounts are stored as decimal text, never JSON numbers
    expect(JSON.stringify(aliceStream.at(-1)?.data)).toContain('"amountMinor":"6000000000"');

    const { state } = await handler.load(['alice', 'bob']);
    const alice = clientAccount('alice', 'USDT');
    expect(postedBalance(alice, balanceOf(state, alice))).toBe(4_000_000_000n);
    const bobBtc = clientAccount('bob', 'BTC');
    expect(postedBalance(bobBtc, balanceOf(state, bobBtc))).toBe(90_000_000n);
  });

  it('given the same trade again (redelivery), then nothing is appended; other content under its id is TRADE_ID_CONFLICT', async () => {
    const head = await store.headPosition();
    expect(await handler.handle(trade('T-1'))).toEqual({ ok: true, events: [], attempts: 1 });
    expect(await store.headPosition()).toBe(head);
    const conflict = await handler.handle(
      trade('T-1', { quantityMinor: 20_000_000n, quoteAmountMinor: 12_000_000_000n }),
    );
    expect(conflict).toMatchObject({
      ok: false,
      error: { code: 'TRADE_ID_CONFLICT', path: 'trade.tradeId' },
    });
    expect(await store.headPosition()).toBe(head);
  });

  it(`given ${RACING_WITHDRAWALS} withdrawals racing for one balance, then exactly those the balance covers are held and it never goes below zero`, async () => {
    await handler.handle(deposit('D-3', 'carol', 'USDT', 1_000n));
    const results = await Promise.all(
      Array.from({ length: RACING_WITHDRAWALS }, (_, index) =>
        handler.handle(hold(`W-race-${index}`, 'carol', 300n)),
      ),
    );
    const held = results.filter((result) => result.ok);
    const refused = results.filter((result) => !result.ok);
    expect(held).toHaveLength(3); // 3 x 300 <= 1,000 < 4 x 300
    expect(
      refused.every(
        (result) => !result.ok && result.error.code === 'INSUFFICIENT_AVAILABLE_BALANCE',
      ),
    ).toBe(true);
    expect(results.some((result) => result.attempts > 1)).toBe(true); // the race really happened
    const { state } = await handler.load(['carol']);
    const carol = clientAccount('carol', 'USDT');
    expect(availableBalance(carol, balanceOf(state, carol))).toBe(100n);
  });

  it('given an id already used by other clients (a deposit, a trade, a withdrawal), then it is a conflict, not a second booking', async () => {
    await handler.handle(onboard('dave'));
    expect(await handler.handle(deposit('D-9', 'carol', 'USDT', 5n))).toMatchObject({ ok: true });
    expect(await handler.handle(deposit('D-9', 'dave', 'USDT', 5n))).toMatchObject({
      ok: false,
      error: { code: 'DEPOSIT_ID_CONFLICT' },
    });
    expect(
      await handler.handle(trade('T-1', { buyerClientId: 'carol', sellerClientId: 'dave' })),
    ).toMatchObject({ ok: false, error: { code: 'TRADE_ID_CONFLICT' } });
    // (which racing hold won is up to the race: a hold known to be placed is reused)
    expect(await handler.handle(hold('W-owned', 'carol', 1n))).toMatchObject({ ok: true });
    expect(await handler.handle(hold('W-owned', 'dave', 1n))).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_ID_CONFLICT' },
    });
    const { state } = await handler.load(['dave']);
    expect(
      postedBalance(clientAccount('dave', 'USDT'), balanceOf(state, clientAccount('dave', 'USDT'))),
    ).toBe(0n);
  });

  it('given the same command racing itself with different business times, then one records it and the others change nothing', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        handler.handle({
          type: 'OnboardClient',
          clientId: 'erin',
          metadata: { at: `2026-11-24T09:00:0${index}.000Z` },
        }),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.filter((result) => result.ok && result.events.length > 0)).toHaveLength(1);
    expect((await store.readStream(clientStreamId('erin'))).map((event) => event.type)).toEqual([
      'ClientOnboarded',
    ]);
  });

  it('given a refused command, then nothing is appended', async () => {
    const head = await store.headPosition();
    const refusal = await handler.handle(hold('W-too-much', 'carol', 1_000n));
    expect(refusal).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_AVAILABLE_BALANCE' } });
    expect(await store.headPosition()).toBe(head);
  });

  it('given a batch, then each command is decided on what the earlier ones did, refusals change nothing, and the same trade twice books once', async () => {
    const results = await store.withTransaction((transaction) =>
      handler.handleBatch(
        [
          onboard('frank'),
          onboard('gina'),
          deposit('D-f', 'frank', 'USDT', 1_000n),
          hold('W-f1', 'frank', 700n),
          hold('W-f2', 'frank', 700n),
          deposit('D-g', 'gina', 'BTC', 50n),
          trade('T-fg', {
            buyerClientId: 'frank',
            sellerClientId: 'gina',
            quantityMinor: 1n,
            price: '1',
            quoteAmountMinor: 0n,
          }),
          trade('T-fg2', {
            buyerClientId: 'frank',
            sellerClientId: 'gina',
            quantityMinor: 10n,
            price: '600000',
            quoteAmountMinor: 60_000n,
            buyerFee: { asset: 'BTC', amountMinor: 0n },
            sellerFee: { asset: 'USDT', amountMinor: 0n },
          }),
          trade('T-fg2', {
            buyerClientId: 'frank',
            sellerClientId: 'gina',
            quantityMinor: 10n,
            price: '600000',
            quoteAmountMinor: 60_000n,
            buyerFee: { asset: 'BTC', amountMinor: 0n },
            sellerFee: { asset: 'USDT', amountMinor: 0n },
          }),
        ],
        transaction,
      ),
    );
    expect(
      results.map((result) =>
        result.ok
          ? result.events.map((event) => event.type).join('+') || 'no-op'
          : result.error.code,
      ),
    ).toEqual([
      'ClientOnboarded',
      'ClientOnboarded',
      'JournalPosted',
      'WithdrawalHoldPlaced',
      'INSUFFICIENT_AVAILABLE_BALANCE', // the first hold left 300 available
      'JournalPosted',
      'AMOUNT_NOT_POSITIVE',
      'JournalPosted+ClientBalanceWentNegative', // a trade is authoritative: frank pays 60,000 with 300 available
      'no-op', // the same trade again, in the same batch
    ]);
    const { state } = await handler.load(['frank']);
    const frank = clientAccount('frank', 'USDT');
    expect(postedBalance(frank, balanceOf(state, frank))).toBe(1_000n - 60_000n);
    expect(availableBalance(frank, balanceOf(state, frank))).toBe(1_000n - 60_000n - 700n);
  });

  it('HK-21 loads books from the latest snapshot plus the tail, equal to folding the whole stream, at every past position too', async () => {
    for (let index = 0; index < 7; index += 1)
      await handler.handle(
        trade(`T-snap-${index}`, {
          quantityMinor: 1_000n,
          price: '60000',
          quoteAmountMinor: 600_000n,
        }),
      );
    const snapshots = await db.pool.query<{ stream_version: string }>(
      `select stream_version from ledger.${SNAPSHOT_TABLE} where client_id = 'alice' order by stream_version`,
    );
    expect(snapshots.rows.length).toBeGreaterThanOrEqual(2); // every 3 events here
    const stream = await store.readStream(clientStreamId('alice'));
    const fold = (events: typeof stream) =>
      clientBooks(events.map(ledgerEventOf).reduce(evolveLedger, initialLedgerState()), 'alice');
    const positions = [0n, ...stream.map((event) => event.globalPosition)];
    for (const position of positions) {
      const loaded = (await handler.loadBooks(['alice'], position)).get('alice');
      expect(loaded?.books).toEqual(
        fold(stream.filter((event) => event.globalPosition <= position)),
      );
      expect(loaded?.position).toBe(
        stream.filter((event) => event.globalPosition <= position).at(-1)?.globalPosition ?? 0n,
      );
    }
    const now = (await handler.loadBooks(['alice'])).get('alice');
    expect(now?.snapshotVersion).toBeGreaterThan(0n); // it really started from a snapshot
    expect(now?.books).toEqual(fold(stream));
  });

  it('given another writer (a replica) spent the balance a handler has cached, then the handler decides on the books as stored', async () => {
    const replica = new LedgerCommandHandler(store, decimals);
    const cached = new LedgerCommandHandler(store, decimals);
    expect(await cached.handle(onboard('harriet'))).toMatchObject({ ok: true });
    expect(await cached.handle(deposit('D-harriet', 'harriet', 'USDT', 100n))).toMatchObject({
      ok: true,
    }); // cached: available 100
    expect(await replica.handle(hold('W-harriet-1', 'harriet', 80n))).toMatchObject({ ok: true });
    expect(await cached.handle(hold('W-harriet-2', 'harriet', 50n))).toMatchObject({
      ok: false,
      error: { code: 'INSUFFICIENT_AVAILABLE_BALANCE' },
    });
    expect(await cached.handle(hold('W-harriet-3', 'harriet', 20n))).toMatchObject({
      ok: true,
      attempts: 1,
    });
  });

  it('given a batch whose transaction rolled back and another event stored at the same version since, then the cached books are not used (same version, other hash)', async () => {
    const cached = new LedgerCommandHandler(store, decimals);
    const other = new LedgerCommandHandler(store, decimals);
    expect(await cached.handle(onboard('ivan'))).toMatchObject({ ok: true });
    // the cached handler books 100 in a transaction that rolls back: it remembered books with 100 at version 2
    await expect(
      store.withTransaction(async (transaction) => {
        expect(
          await cached.handleBatch([deposit('D-ivan-lost', 'ivan', 'USDT', 100n)], transaction),
        ).toMatchObject([{ ok: true }]);
        throw new Error("the consumer's transaction failed after the handler appended");
      }),
    ).rejects.toThrow('failed after the handler appended');
    // another writer stores a different event as version 2
    expect(await other.handle(deposit('D-ivan-real', 'ivan', 'USDT', 30n))).toMatchObject({
      ok: true,
    });
    expect(
      (await store.readStream(clientStreamId('ivan'))).map((event) => event.streamVersion),
    ).toEqual([1n, 2n]);
    expect(await cached.handle(hold('W-ivan', 'ivan', 50n))).toMatchObject({
      ok: false,
      error: { code: 'INSUFFICIENT_AVAILABLE_BALANCE' },
    });
    expect(await cached.handle(hold('W-ivan', 'ivan', 30n))).toMatchObject({ ok: true });
  });

  it("given another writer books the same deposit between this batch's claim read and its books read, then the batch decides again and the writer's books count the deposit once (a hold it cannot cover is refused)", async () => {
    /** The real store, paused once just before the books are read: where READ COMMITTED lets another commit in. */
    class PausingStore extends PostgresEventStore {
      beforeHeads: (() => Promise<void>) | undefined;
      override async streamHeads(
        streamIds: readonly string[],
        transaction?: Parameters<PostgresEventStore['streamHeads']>[1],
      ) {
        const pause = this.beforeHeads;
        this.beforeHeads = undefined;
        await pause?.();
        return super.streamHeads(streamIds, transaction);
      }
    }
    const pausing = new PausingStore({ pool: db.pool, schema: 'ledger' });
    const late = new LedgerCommandHandler(pausing, decimals);
    const other = new LedgerCommandHandler(store, decimals);
    expect(await other.handle(onboard('kim'))).toMatchObject({ ok: true });
    pausing.beforeHeads = async () => {
      expect(await other.handle(deposit('D-kim', 'kim', 'USDT', 100n))).toMatchObject({
        ok: true,
        events: [expect.anything()],
      });
    };
    // the same deposit, redelivered to this writer: its claim read missed the other commit, its books read saw it
    const results = await pausing.withTransaction((transaction) =>
      late.handleBatch([deposit('D-kim', 'kim', 'USDT', 100n)], transaction),
    );
    expect(results).toMatchObject([{ ok: true, events: [], attempts: 2 }]); // the second round saw the claim: already booked
    // what this writer decides next rests on books where the deposit counts once
    expect(await late.handle(hold('W-kim', 'kim', 150n))).toMatchObject({
      ok: false,
      error: { code: 'INSUFFICIENT_AVAILABLE_BALANCE' },
    });
    expect(await late.handle(hold('W-kim', 'kim', 100n))).toMatchObject({ ok: true });
    const { state } = await other.load(['kim']);
    expect(
      postedBalance(clientAccount('kim', 'USDT'), balanceOf(state, clientAccount('kim', 'USDT'))),
    ).toBe(100n);
    expect(
      availableBalance(
        clientAccount('kim', 'USDT'),
        balanceOf(state, clientAccount('kim', 'USDT')),
      ),
    ).toBe(0n);
  });
});
