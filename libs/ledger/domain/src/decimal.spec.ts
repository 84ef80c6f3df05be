import { DECIMAL_DIGITS_MAX, parseExactDecimal, powerOfTen } from './decimal';

describe('exact decimals for prices (never number)', () => {
  it('reads whole numbers and fractions as digits and a scale, keeping trailing zeros', () => {
    expect(parseExactDecimal('0')).toEqual({ mantissa: 0n, scale: 0 });
    expect(parseExactDecimal('7')).toEqual({ mantissa: 7n, scale: 0 });
    expect(parseExactDecimal('64000')).toEqual({ mantissa: 64000n, scale: 0 });
    expect(parseExactDecimal('64000.25')).toEqual({ mantissa: 6400025n, scale: 2 });
    expect(parseExactDecimal('0.001')).toEqual({ mantissa: 1n, scale: 3 });
    expect(parseExactDecimal('1.50')).toEqual({ mantissa: 150n, scale: 2 });
    expect(parseExactDecimal('10.0')).toEqual({ mantissa: 100n, scale: 1 });
  });

  it.each([
    ['empty text', ''],
    ['a leading zero', '01'],
    ['a leading zero before a fraction', '00.5'],
    ['no whole part', '.5'],
    ['a point without a fraction', '1.'],
    ['a sign', '-1'],
    ['a plus sign', '+1'],
    ['an exponent', '6.4e4'],
    ['a letter before', 'a1'],
    ['a letter after', '1a'],
    ['a letter in the fraction', '1.5a'],
    ['a letter in the middle', '1x5'],
    ['a space', ' 1'],
    ['a trailing space', '1 '],
    ['a comma', '1,5'],
    ['two points', '1.2.3'],
    ['a newline after', '1\n'],
  ])('refuses %s', (_case, text) => {
    expect(parseExactDecimal(text)).toBeUndefined();
  });

  it(`reads at most DECIMAL_DIGITS_MAX (${DECIMAL_DIGITS_MAX}) characters: exactly that many pass, one more is refused`, () => {
    expect(DECIMAL_DIGITS_MAX).toBe(64);
    expect(parseExactDecimal('9'.repeat(64))).toEqual({ mantissa: 10n ** 64n - 1n, scale: 0 });
    expect(parseExactDecimal('9'.repeat(65))).toBeUndefined();
    expect(parseExactDecimal(`0.${'1'.repeat(62)}`)).toEqual({
      mantissa: BigInt('1'.repeat(62)),
      scale: 62,
    });
  });

  it('a power of ten is exact, from 10^0', () => {
    expect(powerOfTen(0)).toBe(1n);
    expect(powerOfTen(1)).toBe(10n);
    expect(powerOfTen(18)).toBe(1_000_000_000_000_000_000n);
  });

  it('a negative or fractional exponent is a programmer error', () => {
    expect(() => powerOfTen(-1)).toThrow('assertion: 10^-1 is not a whole power');
    expect(() => powerOfTen(1.5)).toThrow('assertion: 10^1.5 is not a whole power');
    expect(() => powerOfTen(Number.NaN)).toThrow('assertion: 10^NaN is not a whole power');
  });
});
