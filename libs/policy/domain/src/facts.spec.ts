import { rational, toExactText } from '@custody/exact';
import {
  COMMINGLING_PURPOSES,
  PRICE_CLOCK_SKEW_MS,
  valueOf,
  type ComplianceFacts,
  type PriceObservation,
} from './facts';

const asOf = '2026-11-24T09:00:00.000Z';
const STALE_AFTER_MS = 15 * 60 * 1000;
const at = (offsetMs: number) => new Date(Date.parse(asOf) + offsetMs).toISOString();

function facts(
  observation: Partial<PriceObservation> = {},
  overrides: Partial<ComplianceFacts> = {},
): ComplianceFacts {
  return {
    asOf,
    reportCurrency: 'USD',
    holdings: [],
    prices: new Map([
      ['ETH', { asset: 'ETH', price: '3000.5', observedAt: at(-60_000), ...observation }],
    ]),
    decimals: new Map([['ETH', 18]]),
    exceptions: [],
    insurance: [],
    ...overrides,
  };
}
const valued = (value: ReturnType<typeof valueOf>) =>
  'value' in value ? toExactText(value.value) : value;

describe('valueOf: an amount at its price, or why it cannot be valued (fail safe)', () => {
  it('given a fresh price, then the exact value of the minor units at it', () => {
    // 1.5 ETH at 3000.5 = 4500.75
    expect(valued(valueOf(facts(), 'ETH', 1_500_000_000_000_000_000n, STALE_AFTER_MS))).toBe(
      toExactText(rational(450_075n, 100n)),
    );
    expect(valued(valueOf(facts(), 'ETH', 1n, STALE_AFTER_MS))).toBe(`6001/${2n * 10n ** 18n}`);
  });

  it('given no price for the asset, then missing', () => {
    expect(valueOf(facts(), 'BTC', 1n, STALE_AFTER_MS)).toEqual({
      asset: 'BTC',
      problem: 'missing',
    });
  });

  it('given a price that is not a decimal, zero or below zero, then invalid with when it was observed', () => {
    for (const price of ['3,000', '0', '-1', '']) {
      expect(valueOf(facts({ price }), 'ETH', 1n, STALE_AFTER_MS)).toEqual({
        asset: 'ETH',
        problem: 'invalid',
        observedAt: at(-60_000),
      });
    }
    expect(valued(valueOf(facts({ price: '0.000001' }), 'ETH', 10n ** 18n, STALE_AFTER_MS))).toBe(
      '1/1000000',
    );
  });

  it('given no decimals known for the asset, then invalid', () => {
    expect(valueOf(facts({}, { decimals: new Map() }), 'ETH', 1n, STALE_AFTER_MS)).toEqual({
      asset: 'ETH',
      problem: 'invalid',
      observedAt: at(-60_000),
    });
  });

  it('given an observation time, or a facts instant, that does not parse, then invalid', () => {
    expect(valueOf(facts({ observedAt: 'yesterday' }), 'ETH', 1n, STALE_AFTER_MS)).toEqual({
      asset: 'ETH',
      problem: 'invalid',
      observedAt: 'yesterday',
    });
    expect(valueOf({ ...facts(), asOf: 'now' }, 'ETH', 1n, STALE_AFTER_MS)).toMatchObject({
      problem: 'invalid',
    });
  });

  it('given a price observed exactly the clock skew ahead of the facts, then valued; one millisecond further ahead, then invalid', () => {
    expect(PRICE_CLOCK_SKEW_MS).toBe(5_000);
    expect(
      valued(valueOf(facts({ observedAt: at(5_000) }), 'ETH', 10n ** 18n, STALE_AFTER_MS)),
    ).toBe('6001/2');
    expect(valueOf(facts({ observedAt: at(5_001) }), 'ETH', 10n ** 18n, STALE_AFTER_MS)).toEqual({
      asset: 'ETH',
      problem: 'invalid',
      observedAt: at(5_001),
    });
  });

  it('given a price exactly the staleness limit old, then valued; one millisecond older, then stale, never valued', () => {
    expect(
      valued(
        valueOf(facts({ observedAt: at(-STALE_AFTER_MS) }), 'ETH', 10n ** 18n, STALE_AFTER_MS),
      ),
    ).toBe('6001/2');
    expect(
      valueOf(facts({ observedAt: at(-STALE_AFTER_MS - 1) }), 'ETH', 10n ** 18n, STALE_AFTER_MS),
    ).toEqual({ asset: 'ETH', problem: 'stale', observedAt: at(-STALE_AFTER_MS - 1) });
  });
});

describe('TW-4 commingling purposes', () => {
  it('TW-4 the four purposes house assets may be in a client wallet for, and no other', () => {
    expect(COMMINGLING_PURPOSES).toEqual([
      'network-fee',
      'trading-fees-held',
      'prefunded-rewards',
      'settlement-prefunding',
    ]);
  });
});
