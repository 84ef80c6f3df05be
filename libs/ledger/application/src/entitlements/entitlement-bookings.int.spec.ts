import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  balanceOf,
  clientAccount,
  custodyAccount,
  houseAccount,
  postedBalance,
  type AssetDecimals,
  type EntitlementDisclosureInForce,
  type LedgerCommand,
} from '@custody/ledger-domain';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { LedgerCommandHandler } from '../ledger-command-handler';
import { EntitlementBookings } from './entitlement-bookings';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const ETH = 10n ** 18n;
const now = () => new Date().toISOString();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HK-20 a fork or airdrop booked through the ledger slice (PostgreSQL)', () => {
  let db: TestDatabase;
  let ledgerStore: PostgresEventStore;
  let handler: LedgerCommandHandler;
  /** The policy service's setting as the ledger reads it (its own maker-checker: entitlement-disclosures.int.spec.ts). */
  let disclosure: EntitlementDisclosureInForce | null = null;
  let bookings: EntitlementBookings;

  const deposit = (depositId: string, clientId: string, amountMinor: bigint): LedgerCommand => ({
    type: 'BookDeposit',
    depositId,
    clientId,
    asset: 'ETH',
    amountMinor,
    walletId: 'eth-cold-1',
    metadata: { at: now() },
  });
  const posted = async (clientId: string, asset: string) => {
    const loaded = (await handler.loadBooks([clientId])).get(clientId);
    const account = clientAccount(clientId, asset);
    return loaded === undefined ? 0n : postedBalance(account, balanceOf(loaded.books, account));
  };
  const houseEvents = () =>
    ledgerStore.readStream('ledger-house-entitlement-air-1', { fromVersion: 1n, maxCount: 10 });

  beforeAll(async () => {
    db = await createTestDatabase();
    ledgerStore = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await ledgerStore.migrate();
    handler = new LedgerCommandHandler(ledgerStore, decimals);
    await handler.migrate();
    bookings = new EntitlementBookings(
      ledgerStore,
      handler,
      decimals,
      async (asset) => (asset === 'ETH' ? disclosure : null),
      async () => ['alice', 'bob', 'carol', 'dave'],
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('HK-20: refused without a disclosure or when not supported; credits from the balances as at the snapshot; rounding to the house; replay adds nothing', async () => {
    // no disclosure yet: refused
    const record = {
      type: 'RecordEntitlement' as const,
      eventId: 'air-1',
      asset: 'ETH',
      kind: 'airdrop' as const,
      ratio: '1.5',
      newAsset: 'USDC',
      walletId: 'eth-cold-1',
      requestedBy: 'ops-1',
    };
    const early = await bookings.record({ ...record, snapshotAt: now(), at: now() });
    expect(early).toMatchObject({ ok: false, error: { code: 'ENTITLEMENT_DISCLOSURE_MISSING' } });

    disclosure = { treatment: 'not-supported', version: 1 };
    const unsupported = await bookings.record({ ...record, snapshotAt: now(), at: now() });
    expect(unsupported).toMatchObject({ ok: false, error: { code: 'ENTITLEMENT_NOT_SUPPORTED' } });
    disclosure = { treatment: 'clients-pro-rata', version: 2 };

    // balances before the snapshot: alice 1 ETH, bob and carol 0.000001000000000001 ETH each
    for (const clientId of ['alice', 'bob', 'carol', 'dave'])
      expect(
        (await handler.handle({ type: 'OnboardClient', clientId, metadata: { at: now() } })).ok,
      ).toBe(true);
    for (const command of [
      deposit('d-alice', 'alice', ETH),
      deposit('d-bob', 'bob', 1_000_000_000_001n),
      deposit('d-carol', 'carol', 1_000_000_000_001n),
    ])
      expect((await handler.handle(command)).ok).toBe(true);
    await pause(20);
    const snapshotAt = now();
    await pause(20);
    // after the snapshot: they do not count
    expect((await handler.handle(deposit('d-alice-2', 'alice', 5n * ETH))).ok).toBe(true);
    expect((await handler.handle(deposit('d-dave', 'dave', 2n * ETH))).ok).toBe(true);

    const recorded = await bookings.record({ ...record, snapshotAt, at: now() });
    expect(recorded).toMatchObject({
      ok: true,
      events: [
        {
          type: 'EntitlementRecorded',
          data: { treatment: 'clients-pro-rata', disclosureVersion: 2 },
        },
      ],
    });
    expect(
      await bookings.approve({
        type: 'ApproveEntitlement',
        eventId: 'air-1',
        approvedBy: 'ops-1',
        at: now(),
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'MAKER_CHECKER_SAME_PERSON' },
    });
    expect(await posted('alice', 'USDC')).toBe(0n);

    const approved = await bookings.approve({
      type: 'ApproveEntitlement',
      eventId: 'air-1',
      approvedBy: 'ops-2',
      at: now(),
    });
    // 1.000002000000000002 ETH x 1.5 = 1.500003000000000003 USDC -> 1,500,003 micro-USDC entitled;
    // alice 1,500,000, bob 1 and carol 1 (1.5 rounded down each), the house 1; dave (after the snapshot) nothing
    expect(approved).toMatchObject({
      ok: true,
      events: [
        {
          type: 'EntitlementApproved',
          data: {
            entitledMinor: 1_500_003n,
            credits: [
              { clientId: 'alice', amountMinor: 1_500_000n },
              { clientId: 'bob', amountMinor: 1n },
              { clientId: 'carol', amountMinor: 1n },
            ],
            houseMinor: 1n,
          },
        },
      ],
    });
    expect(await posted('alice', 'USDC')).toBe(1_500_000n);
    expect(await posted('bob', 'USDC')).toBe(1n);
    expect(await posted('carol', 'USDC')).toBe(1n);
    expect(await posted('dave', 'USDC')).toBe(0n);
    const house = await houseEvents();
    expect(house).toHaveLength(1);
    expect(house[0]?.type).toBe('JournalPosted');
    expect(house[0]?.data).toMatchObject({
      entries: [
        { account: custodyAccount('eth-cold-1', 'USDC'), side: 'debit', amountMinor: '1' },
        { account: houseAccount('inventory', 'USDC'), side: 'credit', amountMinor: '1' },
      ],
    });

    // the same approval again: nothing new anywhere
    const headBefore = await ledgerStore.headPosition();
    const again = await bookings.approve({
      type: 'ApproveEntitlement',
      eventId: 'air-1',
      approvedBy: 'ops-2',
      at: now(),
    });
    expect(again).toMatchObject({ ok: true, events: [] });
    expect(await ledgerStore.headPosition()).toBe(headBefore);
    expect(await posted('alice', 'USDC')).toBe(1_500_000n);
    expect(await houseEvents()).toHaveLength(1);
  });
});
