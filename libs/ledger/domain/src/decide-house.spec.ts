import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { foldEvents, type Decision } from '@custody/decider';
import { custodyAccount, houseAccount } from './accounts';
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

  it('an event of no known type is a programmer error', () => {
    expect(() => evolveHouse(new Map(), { type: 'Forgotten' } as unknown as HouseEvent)).toThrow(
      'assertion: unhandled "Forgotten"',
    );
  });
});
