import fc from 'fast-check';
import { add, ceilToMinor, compare, divide, fromMinor, multiply, parseDecimal, rational, subtract, toDecimalText, toExactText } from './rational';

const anyRational = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 20n })).map(([n, d]) => rational(n, d));

describe('exact rationals (values and ratios never use number)', () => {
  it('parses decimal text exactly and refuses anything else', () => {
    expect(parseDecimal('60000.125')).toEqual(rational(60000125n, 1000n));
    expect(parseDecimal('-0.5')).toEqual(rational(-1n, 2n));
    for (const bad of ['1e3', '01.5', '.5', '1.', ' 1', 'NaN', '1,5']) expect(parseDecimal(bad)).toBeUndefined();
  });

  it('values an amount of minor units at a price exactly: 1.5 ETH at 3000.10 is 4500.15', () => {
    const value = multiply(fromMinor(1_500_000_000_000_000_000n, 18), parseDecimal('3000.10') ?? rational(0n));
    expect(toExactText(value)).toBe('90003/20');
    expect(toDecimalText(value, 2)).toBe('4500.15');
  });

  it('shows a ratio rounded toward zero: 0.749999 as 74.99%, never 75.00%', () => {
    expect(toDecimalText(multiply(rational(749_999n, 1_000_000n), rational(100n)), 2)).toBe('74.99');
    expect(toDecimalText(rational(-1n, 3n), 3)).toBe('-0.333');
    expect(toDecimalText(rational(-1n, 3000n), 2)).toBe('0.00');
  });

  it('TW-13 rounds a fraction of a minor unit up', () => {
    expect(ceilToMinor(rational(1_000_001n, 1_000_000n), 0)).toBe(2n);
    expect(ceilToMinor(rational(3n, 2n), 1)).toBe(15n);
    expect(ceilToMinor(rational(2n), 0)).toBe(2n);
  });

  it('property: addition and subtraction undo each other; compare is antisymmetric; division inverts multiplication', () => {
    fc.assert(
      fc.property(anyRational, anyRational, (a, b) => {
        expect(subtract(add(a, b), b)).toEqual(a);
        expect(compare(a, b)).toBe(-compare(b, a) || 0);
        if (b.numerator !== 0n) expect(divide(multiply(a, b), b)).toEqual(a);
      }),
      { seed: 20261124, numRuns: 500 },
    );
  });
});
