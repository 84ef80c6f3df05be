import { deciderSpecification } from '@custody/decider/testing';
import { clientAccount, houseAccount } from './accounts';
import { fingerprintOf } from './decide-trade';
import { decideLedger, ledgerDecider } from './ledger';
import type { LedgerDecision as Decision } from './ledger-decision';
import type { TradeExecution } from './ledger-commands';
import type { LedgerErrorCode } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import type { LedgerState } from './ledger-state';
import {
  at,
  decimals,
  deposited,
  held,
  onboarded,
  settle,
  tradeSettled,
} from './ledger-history.fixture';

const spec = deciderSpecification(ledgerDecider);
/** The books after this history of recorded events. */
const given = (...history: LedgerEvent[]): LedgerState => spec.given(history).state;

function refusal(decision: Decision): { code: LedgerErrorCode; path: string } | 'accepted' {
  return decision.ok ? 'accepted' : { code: decision.error.code, path: decision.error.path };
}

const types = (decision: Decision) =>
  decision.ok ? decision.events.map((event) => event.type) : decision.error.code;
const wentNegative = (decision: Decision) =>
  decision.ok
    ? decision.events
        .filter((event) => event.type === 'ClientBalanceWentNegative')
        .map((event) => event.data)
    : decision.error.code;

const noFees = {
  buyerFee: { asset: 'BTC', amountMinor: 0n },
  sellerFee: { asset: 'USDT', amountMinor: 0n },
};
/** One satoshi (0.00000001 BTC) at `price`, no fees: the smallest trade, where one USDT minor unit is a lot. */
const oneSatoshi = (price: string, quoteAmountMinor: bigint) =>
  settle({ quantityMinor: 1n, price, quoteAmountMinor, ...noFees });

/** `oneSatoshi('60000', 600n)` as booked: one satoshi for 600 USDT minor units, no fees. */
const oneSatoshiAt60000Settled: LedgerEvent = {
  type: 'JournalPosted',
  data: {
    journalId: 'trade:T-1',
    kind: 'trade',
    sourceReference: 'T-1',
    fingerprint: fingerprintOf([
      'T-1',
      'BTC',
      'USDT',
      'alice',
      'bob',
      1n,
      '60000',
      600n,
      'BTC',
      0n,
      'USDT',
      0n,
    ]),
    entries: [
      { account: clientAccount('bob', 'BTC'), side: 'debit', amountMinor: 1n },
      { account: clientAccount('alice', 'BTC'), side: 'credit', amountMinor: 1n },
      { account: clientAccount('alice', 'USDT'), side: 'debit', amountMinor: 600n },
      { account: clientAccount('bob', 'USDT'), side: 'credit', amountMinor: 600n },
    ],
    at,
  },
};

const clients = [onboarded('alice'), onboarded('bob')];
const funded = [
  ...clients,
  deposited('D-1', 'alice', 'USDT', 40_000_000_000n),
  deposited('D-2', 'bob', 'BTC', 100_000_000n),
];

describe('trades: one journal for both legs and both fees', () => {
  it('HK-8: base seller -> buyer, quote buyer -> seller, each fee client -> house fee revenue, under the trade id', () => {
    expect(decideLedger(settle(), given(...funded), decimals)).toEqual({
      ok: true,
      events: [tradeSettled()],
    });
  });

  it('one satoshi at 60000 with no fees: both legs, no fee lines', () => {
    expect(decideLedger(oneSatoshi('60000', 600n), given(...funded), decimals)).toEqual({
      ok: true,
      events: [oneSatoshiAt60000Settled],
    });
  });

  it('fees of zero add no lines; a fee of one minor unit is booked', () => {
    const entriesOf = (decision: Decision) =>
      decision.ok
        ? decision.events.flatMap((event) =>
            event.type === 'JournalPosted'
              ? event.data.entries.map((entry) => entry.amountMinor)
              : [],
          )
        : decision.error.code;
    expect(entriesOf(decideLedger(settle(noFees), given(...funded), decimals))).toEqual([
      50_000_000n,
      50_000_000n,
      32_000_125_000n,
      32_000_125_000n,
    ]);
    expect(
      entriesOf(
        decideLedger(
          settle({
            buyerFee: { asset: 'BTC', amountMinor: 1n },
            sellerFee: { asset: 'USDT', amountMinor: 1n },
          }),
          given(...funded),
          decimals,
        ),
      ),
    ).toEqual([50_000_000n, 50_000_000n, 32_000_125_000n, 32_000_125_000n, 1n, 1n, 1n, 1n]);
  });

  it('each fee may be in the base or the quote asset', () => {
    const swapped = settle({
      buyerFee: { asset: 'USDT', amountMinor: 32_000_125n },
      sellerFee: { asset: 'BTC', amountMinor: 50_000n },
    });
    const decision = decideLedger(swapped, given(...funded), decimals);
    expect(
      decision.ok &&
        decision.events.flatMap((event) =>
          event.type === 'JournalPosted' ? event.data.entries.slice(4) : [],
        ),
    ).toEqual([
      { account: clientAccount('alice', 'USDT'), side: 'debit', amountMinor: 32_000_125n },
      { account: houseAccount('fee-revenue', 'USDT'), side: 'credit', amountMinor: 32_000_125n },
      { account: clientAccount('bob', 'BTC'), side: 'debit', amountMinor: 50_000n },
      { account: houseAccount('fee-revenue', 'BTC'), side: 'credit', amountMinor: 50_000n },
    ]);
  });
});

describe('trades: the trade id is the idempotency key', () => {
  it.each(['64000.25', '64000.2500', '64000.250'])(
    'the same trade again with its price spelled %s changes nothing',
    (price) => {
      expect(decideLedger(settle({ price }), given(...funded, tradeSettled()), decimals)).toEqual({
        ok: true,
        events: [],
      });
    },
  );

  it.each(['60000.0', '60000.000', '60000'])(
    'a whole price booked as 60000, then re-sent as %s, changes nothing',
    (price) => {
      expect(
        decideLedger(oneSatoshi(price, 600n), given(...funded, oneSatoshiAt60000Settled), decimals),
      ).toEqual({ ok: true, events: [] });
    },
  );

  it('a whole price is not trimmed: 60000 re-sent as 6 is another price, TRADE_ID_CONFLICT', () => {
    expect(
      refusal(
        decideLedger(oneSatoshi('6', 600n), given(...funded, oneSatoshiAt60000Settled), decimals),
      ),
    ).toEqual({ code: 'TRADE_ID_CONFLICT', path: 'trade.tradeId' });
  });

  it('only the decimal point goes, not the digits around it: 64000.25 re-sent as 6400025 is TRADE_ID_CONFLICT', () => {
    expect(
      refusal(
        decideLedger(settle({ price: '6400025' }), given(...funded, tradeSettled()), decimals),
      ),
    ).toEqual({ code: 'TRADE_ID_CONFLICT', path: 'trade.tradeId' });
  });

  it.each<[string, Partial<TradeExecution>]>([
    ['another quantity', { quantityMinor: 50_000_001n, quoteAmountMinor: 32_000_125_640n }],
    ['another buyer fee', { buyerFee: { asset: 'BTC', amountMinor: 50_001n } }],
    [
      'the seller fee in the other asset',
      { sellerFee: { asset: 'BTC', amountMinor: 32_000_000n } },
    ],
  ])('the same trade id with %s is refused with TRADE_ID_CONFLICT', (_case, overrides) => {
    expect(
      refusal(decideLedger(settle(overrides), given(...funded, tradeSettled()), decimals)),
    ).toEqual({
      code: 'TRADE_ID_CONFLICT',
      path: 'trade.tradeId',
    });
  });
});

describe('trades: bad input is refused and nothing is booked', () => {
  it.each<[string, Partial<TradeExecution>, LedgerErrorCode, string]>([
    ['a base asset not in the registry', { base: 'DOGE' }, 'ASSET_UNKNOWN', 'trade.base'],
    ['a quote asset not in the registry', { quote: 'DOGE' }, 'ASSET_UNKNOWN', 'trade.quote'],
    ['the same asset on both sides', { quote: 'BTC' }, 'ASSET_PAIR_SAME', 'trade.quote'],
    [
      'the buyer as the seller',
      { sellerClientId: 'alice' },
      'TRADE_SELF_MATCH',
      'trade.sellerClientId',
    ],
    ['a buyer not onboarded', { buyerClientId: 'carol' }, 'CLIENT_UNKNOWN', 'trade.buyerClientId'],
    [
      'a seller not onboarded',
      { sellerClientId: 'carol' },
      'CLIENT_UNKNOWN',
      'trade.sellerClientId',
    ],
    ['a zero quantity', { quantityMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'trade.quantityMinor'],
    ['a negative quantity', { quantityMinor: -1n }, 'AMOUNT_NOT_POSITIVE', 'trade.quantityMinor'],
    [
      'a zero quote amount',
      { quoteAmountMinor: 0n },
      'AMOUNT_NOT_POSITIVE',
      'trade.quoteAmountMinor',
    ],
    [
      'a negative quote amount',
      { quoteAmountMinor: -1n },
      'AMOUNT_NOT_POSITIVE',
      'trade.quoteAmountMinor',
    ],
    [
      'a buyer fee in a third asset',
      { buyerFee: { asset: 'ETH', amountMinor: 1n } },
      'FEE_ASSET_MISMATCH',
      'trade.buyerFee.asset',
    ],
    [
      'a seller fee in a third asset',
      { sellerFee: { asset: 'ETH', amountMinor: 1n } },
      'FEE_ASSET_MISMATCH',
      'trade.sellerFee.asset',
    ],
    [
      'a negative buyer fee',
      { buyerFee: { asset: 'BTC', amountMinor: -1n } },
      'FEE_NEGATIVE',
      'trade.buyerFee.amountMinor',
    ],
    [
      'a negative seller fee',
      { sellerFee: { asset: 'USDT', amountMinor: -1n } },
      'FEE_NEGATIVE',
      'trade.sellerFee.amountMinor',
    ],
    ['a price in exponent notation', { price: '6.4e4' }, 'TRADE_PRICE_MALFORMED', 'trade.price'],
    ['an empty price', { price: '' }, 'TRADE_PRICE_MALFORMED', 'trade.price'],
    ['a price of zero', { price: '0' }, 'TRADE_PRICE_MALFORMED', 'trade.price'],
    ['a price of zero with decimals', { price: '0.000' }, 'TRADE_PRICE_MALFORMED', 'trade.price'],
  ])('given %s', (_case, overrides, code, path) => {
    expect(refusal(decideLedger(settle(overrides), given(...funded), decimals))).toEqual({
      code,
      path,
    });
  });
});

describe('trades: the quote amount is quantity x price within one quote minor unit (the exchange rounds once)', () => {
  it('a price that is not quote/base is refused with TRADE_PRICE_MISMATCH', () => {
    expect(refusal(decideLedger(settle({ price: '64001' }), given(...funded), decimals))).toEqual({
      code: 'TRADE_PRICE_MISMATCH',
      path: 'trade.price',
    });
  });

  it('1 satoshi at 64000 is exactly 640 USDT minor units: 640 passes, exactly one unit more or less is refused', () => {
    expect(types(decideLedger(oneSatoshi('64000', 640n), given(...funded), decimals))).toEqual([
      'JournalPosted',
    ]);
    expect(refusal(decideLedger(oneSatoshi('64000', 641n), given(...funded), decimals))).toEqual({
      code: 'TRADE_PRICE_MISMATCH',
      path: 'trade.price',
    });
    expect(refusal(decideLedger(oneSatoshi('64000', 639n), given(...funded), decimals))).toEqual({
      code: 'TRADE_PRICE_MISMATCH',
      path: 'trade.price',
    });
  });

  it('1 satoshi at 64000.01 is 640.0001: rounded up to 641 (0.9999 off) it passes; 639 (1.0001 off) is refused', () => {
    expect(types(decideLedger(oneSatoshi('64000.01', 641n), given(...funded), decimals))).toEqual([
      'JournalPosted',
    ]);
    expect(types(decideLedger(oneSatoshi('64000.01', 640n), given(...funded), decimals))).toEqual([
      'JournalPosted',
    ]);
    expect(refusal(decideLedger(oneSatoshi('64000.01', 639n), given(...funded), decimals))).toEqual(
      { code: 'TRADE_PRICE_MISMATCH', path: 'trade.price' },
    );
  });

  it('1 satoshi at 63999.99 is 639.9999: rounded down to 639 (0.9999 off) it passes; 641 (1.0001 off) is refused', () => {
    expect(types(decideLedger(oneSatoshi('63999.99', 639n), given(...funded), decimals))).toEqual([
      'JournalPosted',
    ]);
    expect(types(decideLedger(oneSatoshi('63999.99', 640n), given(...funded), decimals))).toEqual([
      'JournalPosted',
    ]);
    expect(refusal(decideLedger(oneSatoshi('63999.99', 641n), given(...funded), decimals))).toEqual(
      { code: 'TRADE_PRICE_MISMATCH', path: 'trade.price' },
    );
  });

  it("the conversion uses each asset's own decimals: 1 ETH (10^18 wei) at 3000.5 USDT is 3000500000 USDT minor units", () => {
    const eth = settle({
      base: 'ETH',
      quantityMinor: 10n ** 18n,
      price: '3000.5',
      quoteAmountMinor: 3_000_500_000n,
      buyerFee: { asset: 'USDT', amountMinor: 0n },
      sellerFee: { asset: 'USDT', amountMinor: 0n },
    });
    expect(
      types(
        decideLedger(eth, given(...funded, deposited('D-3', 'bob', 'ETH', 10n ** 18n)), decimals),
      ),
    ).toEqual(['JournalPosted']);
  });
});

describe('TW-13.3: a trade is authoritative, booked even below zero, and says by how much', () => {
  /** The seller pays its fee in BTC and the buyer in USDT: each debits one account twice. */
  const feesOnDebitedSide = {
    buyerFee: { asset: 'USDT', amountMinor: 32_000_125n },
    sellerFee: { asset: 'BTC', amountMinor: 50_000n },
  };
  const sellerOwes = 50_000_000n + 50_000n;
  const buyerOwes = 32_000_125_000n + 32_000_125n;
  const negative = (
    clientId: string,
    asset: string,
    balanceMinor: bigint,
    availableMinor = balanceMinor,
  ): Extract<LedgerEvent, { type: 'ClientBalanceWentNegative' }>['data'] => ({
    clientId,
    asset,
    balanceMinor,
    availableMinor,
    journalId: 'trade:T-1',
    at,
  });

  it('given nothing in either account, one event per debited account, each counting every line of it (leg and fee)', () => {
    const decision = decideLedger(settle(feesOnDebitedSide), given(...clients), decimals);
    expect(types(decision)).toEqual([
      'JournalPosted',
      'ClientBalanceWentNegative',
      'ClientBalanceWentNegative',
    ]);
    expect(wentNegative(decision)).toEqual([
      negative('bob', 'BTC', -sellerOwes),
      negative('alice', 'USDT', -buyerOwes),
    ]);
  });

  it('given exactly what each owes, both end at zero, which is not below zero', () => {
    const exactly = [
      ...clients,
      deposited('D-1', 'alice', 'USDT', buyerOwes),
      deposited('D-2', 'bob', 'BTC', sellerOwes),
    ];
    expect(types(decideLedger(settle(feesOnDebitedSide), given(...exactly), decimals))).toEqual([
      'JournalPosted',
    ]);
  });

  it('given one minor unit less than each owes, each ends at -1', () => {
    const short = [
      ...clients,
      deposited('D-1', 'alice', 'USDT', buyerOwes - 1n),
      deposited('D-2', 'bob', 'BTC', sellerOwes - 1n),
    ];
    expect(
      wentNegative(decideLedger(settle(feesOnDebitedSide), given(...short), decimals)),
    ).toEqual([negative('bob', 'BTC', -1n), negative('alice', 'USDT', -1n)]);
  });

  it("an account credited more than it is debited in the same journal (the buyer's base, less its fee) does not go negative", () => {
    // alice has no BTC: she receives 0.5 BTC and pays 0.0005 BTC of it as fee
    expect(wentNegative(decideLedger(settle(), given(...funded), decimals))).toEqual([]);
  });

  it('an account only credited is not reported, even if it stays below zero', () => {
    // after T-1 bob is 0.5 BTC short; buying 0.1 BTC back leaves him 0.4 BTC short, but T-2 debits only his USDT
    const buyBack = settle({
      tradeId: 'T-2',
      buyerClientId: 'bob',
      sellerClientId: 'alice',
      quantityMinor: 10_000_000n,
      quoteAmountMinor: 6_400_025_000n,
      ...noFees,
    });
    expect(
      types(
        decideLedger(
          buyBack,
          given(...clients, deposited('D-1', 'alice', 'USDT', 40_000_000_000n), tradeSettled()),
          decimals,
        ),
      ),
    ).toEqual(['JournalPosted']);
  });

  describe('given a held withdrawal', () => {
    const heldFunds = [
      ...clients,
      deposited('D-1', 'alice', 'USDT', buyerOwes + 1_000_000n),
      deposited('D-2', 'bob', 'BTC', sellerOwes),
    ];

    it('a trade that spends held funds takes available below zero though posted is not: reported with both figures', () => {
      const decision = decideLedger(
        settle(feesOnDebitedSide),
        given(...heldFunds, held('alice', 'USDT', 1_000_001n)),
        decimals,
      );
      expect(wentNegative(decision)).toEqual([negative('alice', 'USDT', 1_000_000n, -1n)]);
    });

    it('a trade that leaves exactly the held amount leaves available at zero: not reported', () => {
      expect(
        wentNegative(
          decideLedger(
            settle(feesOnDebitedSide),
            given(...heldFunds, held('alice', 'USDT', 1_000_000n)),
            decimals,
          ),
        ),
      ).toEqual([]);
    });
  });
});

describe('fingerprintOf: the canonical content of a record', () => {
  it('tells apart values that only a separator distinguishes', () => {
    expect(fingerprintOf(['ab', 'c'])).not.toBe(fingerprintOf(['a', 'bc']));
  });

  it('tells a missing value (null) apart from an empty one and from the text "null"', () => {
    expect(
      new Set([
        fingerprintOf(['W-1', null]),
        fingerprintOf(['W-1', '']),
        fingerprintOf(['W-1', 'null']),
      ]).size,
    ).toBe(3);
  });
});
