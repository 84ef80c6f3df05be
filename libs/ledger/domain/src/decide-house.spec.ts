import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { foldEvents, type Decision } from '@custody/decider';
import { custodyAccount, houseAccount, postedBalance } from './accounts';
import { assetBooks } from './books';
import {
  decideHouse,
  evolveHouse,
  houseDecider,
  type HouseCommand,
  type HouseEvent,
  type HouseJournals,
} from './decide-house';
import { fingerprintOf } from './decide-trade';
import type { AssetDecimals } from './ledger-decision';
import type { LedgerError, LedgerErrorCode } from './ledger-errors';
import { balanceOf, evolveLedger, initialLedgerState } from './ledger-state';

type HouseDecision = Decision<HouseEvent, LedgerError>;

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const at = '2026-11-24T09:00:00.000Z';
const nothingBooked: HouseJournals = new Map();

/** Cold to hot: 1 BTC moves from wallet-cold-1 to wallet-hot-1. */
const coldToHot = (
  overrides: Partial<Extract<HouseCommand, { type: 'BookCustodyTransfer' }>> = {},
): HouseCommand => ({
  type: 'BookCustodyTransfer',
  transferId: 'TR-1',
  fromWalletId: 'wallet-cold-1',
  toWalletId: 'wallet-hot-1',
  asset: 'BTC',
  amountMinor: 100_000_000n,
  at,
  ...overrides,
});
/** Gas of an ERC-20 withdrawal, paid in ETH from wallet-hot-1. */
const gas = (
  overrides: Partial<Extract<HouseCommand, { type: 'BookNetworkFee' }>> = {},
): HouseCommand => ({
  type: 'BookNetworkFee',
  feeId: 'FEE-1',
  walletId: 'wallet-hot-1',
  asset: 'ETH',
  amountMinor: 21_000n * 30_000_000_000n,
  at,
  ...overrides,
});

/** 3 ETH deposited into the house wallet wallet-house-1: the institution's own. */
const houseDeposit = (
  overrides: Partial<Extract<HouseCommand, { type: 'BookHouseDeposit' }>> = {},
): HouseCommand => ({
  type: 'BookHouseDeposit',
  depositId: 'ethereum:0xfeed:native',
  walletId: 'wallet-house-1',
  asset: 'ETH',
  amountMinor: 3n * 10n ** 18n,
  at,
  ...overrides,
});

/** The journals a decision booked, as the write path records them (journal id -> fingerprint). */
function bookedBy(decision: HouseDecision): HouseJournals {
  if (!decision.ok) throw new Error(`given: refused with ${decision.error.code}`);
  return foldEvents(houseDecider, decision.events);
}

function refusal(decision: HouseDecision): { code: LedgerErrorCode; path: string } | 'accepted' {
  return decision.ok ? 'accepted' : { code: decision.error.code, path: decision.error.path };
}

describe('house movements: custody transfers between our wallets (TW-15.4)', () => {
  it("TW-15.4: the receiving wallet's custody account is debited, the sending one credited, in one journal under the transfer id", () => {
    expect(decideHouse(coldToHot(), nothingBooked, decimals)).toEqual({
      ok: true,
      events: [
        {
          type: 'JournalPosted',
          data: {
            journalId: 'custody-transfer:TR-1',
            kind: 'custody-transfer',
            sourceReference: 'TR-1',
            fingerprint: fingerprintOf([
              'TR-1',
              'wallet-cold-1',
              'wallet-hot-1',
              'BTC',
              100_000_000n,
            ]),
            entries: [
              {
                account: custodyAccount('wallet-hot-1', 'BTC'),
                side: 'debit',
                amountMinor: 100_000_000n,
              },
              {
                account: custodyAccount('wallet-cold-1', 'BTC'),
                side: 'credit',
                amountMinor: 100_000_000n,
              },
            ],
            at,
          },
        },
      ],
    });
  });

  it('TW-15.4: one minor unit is the smallest transfer booked', () => {
    const decision = decideHouse(coldToHot({ amountMinor: 1n }), nothingBooked, decimals);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['JournalPosted']);
  });

  it.each([0n, -1n])(
    'TW-15.4: a transfer of %p minor units is refused with AMOUNT_NOT_POSITIVE',
    (amountMinor) => {
      expect(refusal(decideHouse(coldToHot({ amountMinor }), nothingBooked, decimals))).toEqual({
        code: 'AMOUNT_NOT_POSITIVE',
        path: 'amountMinor',
      });
    },
  );

  it('TW-15.4: a transfer from a wallet to itself is refused with TRANSFER_SAME_WALLET', () => {
    expect(
      refusal(decideHouse(coldToHot({ toWalletId: 'wallet-cold-1' }), nothingBooked, decimals)),
    ).toEqual({ code: 'TRANSFER_SAME_WALLET', path: 'toWalletId' });
  });

  it('a transfer in an asset not in the registry is refused with ASSET_UNKNOWN', () => {
    expect(refusal(decideHouse(coldToHot({ asset: 'DOGE' }), nothingBooked, decimals))).toEqual({
      code: 'ASSET_UNKNOWN',
      path: 'asset',
    });
  });

  describe('given the transfer is booked already', () => {
    const booked = () => bookedBy(decideHouse(coldToHot(), nothingBooked, decimals));

    it('the same transfer again (a replay) books nothing', () => {
      expect(decideHouse(coldToHot(), booked(), decimals)).toEqual({ ok: true, events: [] });
    });

    it.each<[string, Partial<Extract<HouseCommand, { type: 'BookCustodyTransfer' }>>]>([
      ['another amount', { amountMinor: 100_000_001n }],
      ['another receiving wallet', { toWalletId: 'wallet-hot-2' }],
      ['another sending wallet', { fromWalletId: 'wallet-cold-2' }],
      ['another asset', { asset: 'ETH' }],
    ])('the same transfer id with %s is refused with JOURNAL_ID_CONFLICT', (_case, overrides) => {
      expect(refusal(decideHouse(coldToHot(overrides), booked(), decimals))).toEqual({
        code: 'JOURNAL_ID_CONFLICT',
        path: 'reference',
      });
    });

    it("a network fee whose id is the transfer's is its own journal, not a replay or a conflict", () => {
      const decision = decideHouse(gas({ feeId: 'TR-1' }), booked(), decimals);
      expect(
        decision.ok &&
          decision.events.map((event) => event.type === 'JournalPosted' && event.data.journalId),
      ).toEqual(['network-fee:TR-1']);
    });
  });
});

describe('house movements: network fees no client movement carried', () => {
  it("the fee is the house's expense (debited), paid out of the wallet's custody account (credited)", () => {
    expect(decideHouse(gas(), nothingBooked, decimals)).toEqual({
      ok: true,
      events: [
        {
          type: 'JournalPosted',
          data: {
            journalId: 'network-fee:FEE-1',
            kind: 'network-fee',
            sourceReference: 'FEE-1',
            fingerprint: fingerprintOf(['FEE-1', 'wallet-hot-1', 'ETH', 630_000_000_000_000n]),
            entries: [
              {
                account: houseAccount('network-fee-expense', 'ETH'),
                side: 'debit',
                amountMinor: 630_000_000_000_000n,
              },
              {
                account: custodyAccount('wallet-hot-1', 'ETH'),
                side: 'credit',
                amountMinor: 630_000_000_000_000n,
              },
            ],
            at,
          },
        },
      ],
    });
  });

  it('a fee of zero (a transaction that cost nothing) books nothing and is not refused', () => {
    expect(decideHouse(gas({ amountMinor: 0n }), nothingBooked, decimals)).toEqual({
      ok: true,
      events: [],
    });
  });

  it('a negative fee is refused with AMOUNT_NOT_POSITIVE', () => {
    expect(refusal(decideHouse(gas({ amountMinor: -1n }), nothingBooked, decimals))).toEqual({
      code: 'AMOUNT_NOT_POSITIVE',
      path: 'amountMinor',
    });
  });

  it('a fee in an asset not in the registry is refused with ASSET_UNKNOWN', () => {
    expect(refusal(decideHouse(gas({ asset: 'DOGE' }), nothingBooked, decimals))).toEqual({
      code: 'ASSET_UNKNOWN',
      path: 'asset',
    });
  });

  describe('given the fee is booked already', () => {
    const booked = () => bookedBy(decideHouse(gas(), nothingBooked, decimals));

    it('the same fee again (a replay) books nothing', () => {
      expect(decideHouse(gas(), booked(), decimals)).toEqual({ ok: true, events: [] });
    });

    it.each<[string, Partial<Extract<HouseCommand, { type: 'BookNetworkFee' }>>]>([
      ['another amount', { amountMinor: 1n }],
      ['another wallet', { walletId: 'wallet-hot-2' }],
      ['another asset', { asset: 'USDT' }],
    ])('the same fee id with %s is refused with JOURNAL_ID_CONFLICT', (_case, overrides) => {
      expect(refusal(decideHouse(gas(overrides), booked(), decimals))).toEqual({
        code: 'JOURNAL_ID_CONFLICT',
        path: 'reference',
      });
    });
  });
});

describe("house deposits: the institution's own, into a house wallet (issue 25, BC-1..BC-4, HK-8)", () => {
  it("BC-1 the house wallet's custody account is debited and house inventory credited, in one balanced journal under the deposit id", () => {
    expect(decideHouse(houseDeposit(), nothingBooked, decimals)).toEqual({
      ok: true,
      events: [
        {
          type: 'JournalPosted',
          data: {
            journalId: 'deposit:ethereum:0xfeed:native',
            kind: 'deposit',
            sourceReference: 'ethereum:0xfeed:native',
            fingerprint: fingerprintOf([
              'ethereum:0xfeed:native',
              'wallet-house-1',
              'ETH',
              3n * 10n ** 18n,
            ]),
            entries: [
              {
                account: custodyAccount('wallet-house-1', 'ETH'),
                side: 'debit',
                amountMinor: 3n * 10n ** 18n,
              },
              {
                account: houseAccount('inventory', 'ETH'),
                side: 'credit',
                amountMinor: 3n * 10n ** 18n,
              },
            ],
            at,
          },
        },
      ],
    });
  });

  it('HK-8 replayed into the books, the wallet holds it, the house owns it, no client is owed it, and custody = clients + house', () => {
    const decision = decideHouse(houseDeposit(), nothingBooked, decimals);
    const books = (decision.ok ? decision.events : []).reduce(evolveLedger, initialLedgerState());
    const wallet = custodyAccount('wallet-house-1', 'ETH');
    const inventory = houseAccount('inventory', 'ETH');
    expect(postedBalance(wallet, balanceOf(books, wallet))).toBe(3n * 10n ** 18n);
    expect(postedBalance(inventory, balanceOf(books, inventory))).toBe(3n * 10n ** 18n);
    expect(assetBooks(books)).toEqual([
      {
        asset: 'ETH',
        custodyMinor: 3n * 10n ** 18n,
        clientLiabilitiesMinor: 0n,
        clientLiabilitiesFlooredMinor: 0n,
        houseMinor: 3n * 10n ** 18n,
        differenceMinor: 0n,
      },
    ]);
  });

  it('BC-1 one minor unit is the smallest house deposit booked; zero or less is refused with AMOUNT_NOT_POSITIVE (never booked as nothing, unlike a fee)', () => {
    const decision = decideHouse(houseDeposit({ amountMinor: 1n }), nothingBooked, decimals);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['JournalPosted']);
    for (const amountMinor of [0n, -1n])
      expect(refusal(decideHouse(houseDeposit({ amountMinor }), nothingBooked, decimals))).toEqual({
        code: 'AMOUNT_NOT_POSITIVE',
        path: 'amountMinor',
      });
  });

  it('a house deposit in an asset not in the registry is refused with ASSET_UNKNOWN', () => {
    expect(refusal(decideHouse(houseDeposit({ asset: 'DOGE' }), nothingBooked, decimals))).toEqual({
      code: 'ASSET_UNKNOWN',
      path: 'asset',
    });
  });

  describe('given the house deposit is booked already (idempotent by its deposit id)', () => {
    const booked = () => bookedBy(decideHouse(houseDeposit(), nothingBooked, decimals));

    it('the same deposit again (a redelivery, a replay) books nothing', () => {
      expect(decideHouse(houseDeposit(), booked(), decimals)).toEqual({ ok: true, events: [] });
    });

    it.each<[string, Partial<Extract<HouseCommand, { type: 'BookHouseDeposit' }>>]>([
      ['another amount', { amountMinor: 3n * 10n ** 18n + 1n }],
      ['another wallet', { walletId: 'wallet-house-2' }],
      ['another asset', { asset: 'USDT' }],
    ])('the same deposit id with %s is refused with JOURNAL_ID_CONFLICT', (_case, overrides) => {
      expect(refusal(decideHouse(houseDeposit(overrides), booked(), decimals))).toEqual({
        code: 'JOURNAL_ID_CONFLICT',
        path: 'reference',
      });
    });

    it("a network fee or a transfer whose id is the deposit's is its own journal, not a replay or a conflict", () => {
      for (const [command, journalId] of [
        [gas({ feeId: 'ethereum:0xfeed:native' }), 'network-fee:ethereum:0xfeed:native'],
        [
          coldToHot({ transferId: 'ethereum:0xfeed:native' }),
          'custody-transfer:ethereum:0xfeed:native',
        ],
      ] as const) {
        const decision = decideHouse(command, booked(), decimals);
        expect(
          decision.ok &&
            decision.events.map((event) => event.type === 'JournalPosted' && event.data.journalId),
        ).toEqual([journalId]);
      }
    });
  });
});

describe('the house books as a Decider', () => {
  it('its stream holds journals only, and a booked journal is remembered by id with its fingerprint', () => {
    expect([...houseDecider.eventTypes]).toEqual(['JournalPosted']);
    expect(houseDecider.initialState).toEqual(new Map());
    expect(houseDecider.decide).toBe(decideHouse);
    expect(bookedBy(decideHouse(gas(), houseDecider.initialState, decimals))).toEqual(
      new Map([
        [
          'network-fee:FEE-1',
          fingerprintOf(['FEE-1', 'wallet-hot-1', 'ETH', 630_000_000_000_000n]),
        ],
      ]),
    );
  });

  it('a command of no known type is a programmer error', () => {
    expect(() =>
      decideHouse({ type: 'BookGift' } as unknown as HouseCommand, new Map(), decimals),
    ).toThrow('assertion: unhandled {"type":"BookGift"}');
  });

  it('an event of no known type is a programmer error', () => {
    expect(() => evolveHouse(new Map(), { type: 'Forgotten' } as unknown as HouseEvent)).toThrow(
      'assertion: unhandled "Forgotten"',
    );
  });
});
