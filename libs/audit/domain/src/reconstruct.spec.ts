import { reconstructClientBalances, type AuditedLedgerEvent } from './reconstruct';

const journal = (
  position: bigint,
  journalId: string,
  kind: string,
  entries: [string, string, 'debit' | 'credit', string][],
  sourceReference = journalId,
): AuditedLedgerEvent => ({
  sourcePosition: position,
  type: 'JournalPosted',
  data: {
    journalId,
    kind,
    sourceReference,
    entries: entries.map(([clientId, asset, side, amountMinor]) => ({
      account:
        clientId === 'custody'
          ? { kind: 'custody', walletId: 'w', asset }
          : { kind: 'client', clientId, asset },
      side,
      amountMinor,
    })),
  },
});
const events: AuditedLedgerEvent[] = [
  journal(1n, 'deposit:D-1', 'deposit', [
    ['custody', 'ETH', 'debit', '100'],
    ['alice', 'ETH', 'credit', '100'],
  ]),
  journal(2n, 'trade:T-1', 'trade', [
    ['alice', 'ETH', 'debit', '30'],
    ['bob', 'ETH', 'credit', '30'],
  ]),
  journal(3n, 'trade:T-1', 'trade', [
    ['alice', 'ETH', 'debit', '30'],
    ['bob', 'ETH', 'credit', '30'],
  ]), // the copy in bob's stream
  {
    sourcePosition: 4n,
    type: 'WithdrawalHoldPlaced',
    data: { withdrawalId: 'W-1', clientId: 'alice', asset: 'ETH', amountMinor: '20' },
  },
  journal(
    5n,
    'withdrawal:W-1',
    'withdrawal',
    [
      ['alice', 'ETH', 'debit', '20'],
      ['custody', 'ETH', 'credit', '20'],
    ],
    'W-1',
  ),
];

describe("HK-22 a client's balances rebuilt from the audit record as of a ledger position", () => {
  it("given a deposit and a trade published in both clients' streams, then the trade counts once", () => {
    expect(reconstructClientBalances(events, 'alice', 3n)).toEqual([
      { asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 0n, availableMinor: 70n },
    ]);
    expect(reconstructClientBalances(events, 'bob', 3n)).toEqual([
      { asset: 'ETH', postedMinor: 30n, pendingDebitsMinor: 0n, availableMinor: 30n },
    ]);
  });

  it('given a withdrawal held, then pending until it settles; once settled, posted', () => {
    expect(reconstructClientBalances(events, 'alice', 4n)).toEqual([
      { asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 20n, availableMinor: 50n },
    ]);
    expect(reconstructClientBalances(events, 'alice', 5n)).toEqual([
      { asset: 'ETH', postedMinor: 50n, pendingDebitsMinor: 0n, availableMinor: 50n },
    ]);
  });

  it('given a position before anything, then nothing', () => {
    expect(reconstructClientBalances(events, 'alice', 0n)).toEqual([]);
  });
});

describe('HK-22 rebuilt balances: order, holds and assets', () => {
  const hold = (
    position: bigint,
    withdrawalId: string,
    clientId: string,
    asset: string,
    amountMinor: string,
  ): AuditedLedgerEvent => ({
    sourcePosition: position,
    type: 'WithdrawalHoldPlaced',
    data: { withdrawalId, clientId, asset, amountMinor },
  });
  const released = (position: bigint, withdrawalId: string): AuditedLedgerEvent => ({
    sourcePosition: position,
    type: 'WithdrawalHoldReleased',
    data: { withdrawalId },
  });

  it("HK-22 given the events in any order, then they are applied in the store's order: the same balances at every position", () => {
    const reversed = [...events].reverse();
    for (const position of [3n, 4n, 5n])
      expect(reconstructClientBalances(reversed, 'alice', position)).toEqual(
        reconstructClientBalances(events, 'alice', position),
      );
    expect(reconstructClientBalances(reversed, 'alice', 4n)).toEqual([
      { asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 20n, availableMinor: 50n },
    ]);
  });

  it("HK-22 given another client's hold and withdrawal, then they are not this client's: bob's balance keeps no pending debit", () => {
    expect(reconstructClientBalances(events, 'bob', 4n)).toEqual([
      { asset: 'ETH', postedMinor: 30n, pendingDebitsMinor: 0n, availableMinor: 30n },
    ]);
    expect(reconstructClientBalances(events, 'bob', 5n)).toEqual([
      { asset: 'ETH', postedMinor: 30n, pendingDebitsMinor: 0n, availableMinor: 30n },
    ]);
  });

  it("HK-22 given the client's other events (onboarded, a negative balance), or an event of a type it does not know that names the withdrawal, then no hold is placed or released by them", () => {
    const others: AuditedLedgerEvent[] = [
      ...events.slice(0, 4),
      {
        sourcePosition: 5n,
        type: 'ClientOnboarded',
        data: { clientId: 'alice', at: '2026-11-24T09:00:00.000Z' },
      },
      {
        sourcePosition: 6n,
        type: 'ClientBalanceWentNegative',
        data: {
          clientId: 'alice',
          asset: 'ETH',
          balanceMinor: '-1',
          availableMinor: '-1',
          journalId: 'x',
          at: '2026-11-24T09:00:00.000Z',
        },
      },
      {
        sourcePosition: 7n,
        type: 'WithdrawalHoldExtended',
        data: { withdrawalId: 'W-1', clientId: 'alice', asset: 'ETH', amountMinor: '20' },
      }, // a type from a later version of the ledger
    ];
    expect(reconstructClientBalances(others, 'alice', 7n)).toEqual([
      { asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 20n, availableMinor: 50n },
    ]);
  });

  it('HK-22 given a hold released (the withdrawal failed or was cancelled), then it is no longer pending; a release of a hold never placed changes nothing', () => {
    const later = [...events.slice(0, 4), released(5n, 'W-1'), released(6n, 'W-unknown')];
    expect(reconstructClientBalances(later, 'alice', 4n)).toEqual([
      { asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 20n, availableMinor: 50n },
    ]);
    expect(reconstructClientBalances(later, 'alice', 6n)).toEqual([
      { asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 0n, availableMinor: 70n },
    ]);
  });

  it('HK-22 given a hold in an asset never posted, then that asset shows with nothing posted and the hold pending; each asset keeps its own holds, assets in order', () => {
    const more = [
      ...events,
      hold(6n, 'W-2', 'alice', 'USDT', '5'),
      journal(7n, 'deposit:D-2', 'deposit', [
        ['custody', 'BTC', 'debit', '9'],
        ['alice', 'BTC', 'credit', '9'],
      ]),
    ];
    expect(reconstructClientBalances(more, 'alice', 7n)).toEqual([
      { asset: 'BTC', postedMinor: 9n, pendingDebitsMinor: 0n, availableMinor: 9n },
      { asset: 'ETH', postedMinor: 50n, pendingDebitsMinor: 0n, availableMinor: 50n },
      { asset: 'USDT', postedMinor: 0n, pendingDebitsMinor: 5n, availableMinor: -5n },
    ]);
    // a second hold in an asset already posted keeps what was posted
    expect(
      reconstructClientBalances([...more, hold(8n, 'W-3', 'alice', 'ETH', '7')], 'alice', 8n),
    ).toContainEqual({
      asset: 'ETH',
      postedMinor: 50n,
      pendingDebitsMinor: 7n,
      availableMinor: 43n,
    });
  });

  it("HK-22 given a journal of another kind whose reference equals a held withdrawal's id, then the hold stays (only the withdrawal's own journal settles it)", () => {
    const clash = [
      ...events.slice(0, 4),
      journal(
        5n,
        'deposit:W-1',
        'deposit',
        [
          ['custody', 'ETH', 'debit', '1'],
          ['alice', 'ETH', 'credit', '1'],
        ],
        'W-1',
      ),
    ];
    expect(reconstructClientBalances(clash, 'alice', 5n)).toEqual([
      { asset: 'ETH', postedMinor: 71n, pendingDebitsMinor: 20n, availableMinor: 51n },
    ]);
  });

  it("HK-22 given an entry on an account of another kind that names the client, then only client accounts count as the client's", () => {
    const other: AuditedLedgerEvent = {
      sourcePosition: 6n,
      type: 'JournalPosted',
      data: {
        journalId: 'adjustment:A-1',
        kind: 'adjustment',
        sourceReference: 'A-1',
        entries: [
          {
            account: { kind: 'house', clientId: 'alice', asset: 'ETH' },
            side: 'credit',
            amountMinor: '1000',
          },
        ],
      },
    };
    expect(reconstructClientBalances([...events, other], 'alice', 6n)).toEqual([
      { asset: 'ETH', postedMinor: 50n, pendingDebitsMinor: 0n, availableMinor: 50n },
    ]);
  });
});
