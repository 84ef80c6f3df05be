import fc from 'fast-check';
import {
  add,
  ceilToMinor,
  compare,
  DECIMAL_TEXT_MAX,
  divide,
  fromMinor,
  isZero,
  max,
  min,
  multiply,
  ONE,
  parseDecimal,
  rational,
  subtract,
  sum,
  toDecimalText,
  toDecimalTextUp,
  toExactDecimalText,
  toExactText,
  unitsText,
  ZERO,
} from './rational';

const anyRational = fc
  .tuple(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    fc.bigInt({ min: 1n, max: 10n ** 20n }),
  )
  .map(([n, d]) => rational(n, d));

describe('exact rationals (values and ratios never use number)', () => {
  it('parses decimal text exactly and refuses anything else', () => {
    expect(parseDecimal('60000.125')).toEqual(rational(60000125n, 1000n));
    expect(parseDecimal('-0.5')).toEqual(rational(-1n, 2n));
    for (const bad of ['1e3', '01.5', '.5', '1.', ' 1', 'NaN', '1,5'])
      expect(parseDecimal(bad)).toBeUndefined();
  });

  it('values an amount of minor units at a price exactly: 1.5 ETH at 3000.10 is 4500.15', () => {
    const value = multiply(
      fromMinor(1_500_000_000_000_000_000n, 18),
      parseDecimal('3000.10') ?? rational(0n),
    );
    expect(toExactText(value)).toBe('90003/20');
    expect(toDecimalText(value, 2)).toBe('4500.15');
  });

  it('shows a ratio rounded toward zero: 0.749999 as 74.99%, never 75.00%', () => {
    expect(toDecimalText(multiply(rational(749_999n, 1_000_000n), rational(100n)), 2)).toBe(
      '74.99',
    );
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

describe('a rational is always reduced, with a positive denominator', () => {
  it('reduces by the greatest common divisor, whatever the signs', () => {
    expect(rational(6n, 4n)).toEqual({ numerator: 3n, denominator: 2n });
    expect(rational(-6n, 4n)).toEqual({ numerator: -3n, denominator: 2n });
    expect(rational(6n, -4n)).toEqual({ numerator: -3n, denominator: 2n });
    expect(rational(-6n, -4n)).toEqual({ numerator: 3n, denominator: 2n });
    expect(rational(12n, 18n)).toEqual({ numerator: 2n, denominator: 3n });
    expect(rational(7n, 13n)).toEqual({ numerator: 7n, denominator: 13n });
  });

  it('a whole number has denominator 1 (the default); zero is 0/1 whatever it was divided by', () => {
    expect(rational(5n)).toEqual({ numerator: 5n, denominator: 1n });
    expect(rational(10n, 5n)).toEqual({ numerator: 2n, denominator: 1n });
    expect(rational(0n, -7n)).toEqual({ numerator: 0n, denominator: 1n });
    expect(ZERO).toEqual({ numerator: 0n, denominator: 1n });
    expect(ONE).toEqual({ numerator: 1n, denominator: 1n });
  });

  it('a denominator of 0 is a programmer error', () => {
    expect(() => rational(1n, 0n)).toThrow('assertion: a rational with denominator 0');
    expect(() => rational(0n, 0n)).toThrow('assertion: a rational with denominator 0');
  });
});

describe('parsing decimal text', () => {
  it('reads whole numbers, fractions, zero and negatives exactly', () => {
    expect(parseDecimal('0')).toEqual(ZERO);
    expect(parseDecimal('-0')).toEqual(ZERO);
    expect(parseDecimal('42')).toEqual(rational(42n));
    expect(parseDecimal('-42')).toEqual(rational(-42n));
    expect(parseDecimal('0.05')).toEqual(rational(1n, 20n));
    expect(parseDecimal('-0.05')).toEqual(rational(-1n, 20n));
    expect(parseDecimal('10.10')).toEqual(rational(101n, 10n));
    expect(parseDecimal('1.000')).toEqual(ONE);
  });

  it.each([
    '',
    '-',
    '--1',
    '+1',
    '1-',
    '00',
    '-01',
    '1.2.3',
    '1.-2',
    '1.a',
    'a.1',
    '1a',
    'a1',
    '1 ',
    '1\n',
    '\n1',
    '∞',
    '1_000',
  ])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });

  it(`reads at most DECIMAL_TEXT_MAX (${DECIMAL_TEXT_MAX}) characters, sign and point included`, () => {
    expect(DECIMAL_TEXT_MAX).toBe(80);
    const eighty = `-1.${'0'.repeat(77)}`;
    expect(eighty).toHaveLength(80);
    expect(parseDecimal(eighty)).toEqual(rational(-1n));
    expect(parseDecimal(`${eighty}0`)).toBeUndefined();
  });
});

describe('amounts in minor units', () => {
  it('divides by ten to the asset decimals, from 0 to 36 decimals', () => {
    expect(fromMinor(1_500_000n, 6)).toEqual(rational(3n, 2n));
    expect(fromMinor(-25n, 2)).toEqual(rational(-1n, 4n));
    expect(fromMinor(7n, 0)).toEqual(rational(7n));
    expect(fromMinor(1n, 36)).toEqual(rational(1n, 10n ** 36n));
  });

  it('a count of decimals below 0, above 36 or not whole is a programmer error', () => {
    for (const decimals of [-1, 37, 1.5])
      expect(() => fromMinor(1n, decimals)).toThrow(`assertion: ${decimals} decimals`);
  });
});

describe('arithmetic', () => {
  const half = rational(1n, 2n);
  const third = rational(1n, 3n);

  it('adds, subtracts, multiplies and divides exactly, signs included', () => {
    expect(add(half, third)).toEqual(rational(5n, 6n));
    expect(add(half, rational(-1n, 2n))).toEqual(ZERO);
    expect(subtract(half, third)).toEqual(rational(1n, 6n));
    expect(subtract(third, half)).toEqual(rational(-1n, 6n));
    expect(multiply(half, rational(-2n, 3n))).toEqual(rational(-1n, 3n));
    expect(divide(half, third)).toEqual(rational(3n, 2n));
    expect(divide(half, rational(-1n, 4n))).toEqual(rational(-2n));
  });

  it('division by zero is a programmer error', () => {
    expect(() => divide(ONE, ZERO)).toThrow('assertion: division by zero');
  });

  it('sums a list exactly; the sum of nothing is zero', () => {
    expect(sum([])).toEqual(ZERO);
    expect(sum([half, third, rational(1n, 6n)])).toEqual(ONE);
    expect(sum([half, rational(-3n, 2n)])).toEqual(rational(-1n));
  });
});

describe('comparison', () => {
  it('orders by value: less, equal, greater, with negatives and zero', () => {
    expect(compare(rational(1n, 3n), rational(1n, 2n))).toBe(-1);
    expect(compare(rational(1n, 2n), rational(1n, 3n))).toBe(1);
    expect(compare(rational(2n, 4n), rational(1n, 2n))).toBe(0);
    expect(compare(rational(-1n, 2n), ZERO)).toBe(-1);
    expect(compare(ZERO, rational(-1n, 2n))).toBe(1);
    expect(compare(rational(-1n, 2n), rational(-1n, 3n))).toBe(-1);
    expect(compare(ZERO, ZERO)).toBe(0);
  });

  it('compares by cross multiplication, not by the numerators alone', () => {
    expect(compare(rational(3n, 4n), rational(2n, 3n))).toBe(1);
    expect(compare(rational(2n, 3n), rational(3n, 4n))).toBe(-1);
  });

  it('zero is zero, and only zero', () => {
    expect(isZero(ZERO)).toBe(true);
    expect(isZero(rational(0n, 5n))).toBe(true);
    expect(isZero(rational(1n, 10n ** 30n))).toBe(false);
    expect(isZero(rational(-1n, 2n))).toBe(false);
  });

  it('min and max pick by value; on a tie they keep the first argument', () => {
    const small = rational(-1n, 2n);
    const large = rational(1n, 3n);
    expect(min(small, large)).toBe(small);
    expect(min(large, small)).toBe(small);
    expect(max(small, large)).toBe(large);
    expect(max(large, small)).toBe(large);
    const first = rational(1n, 2n);
    const second = { numerator: 2n, denominator: 4n };
    expect(min(first, second)).toBe(first);
    expect(max(first, second)).toBe(first);
  });
});

describe('decimal text for reports', () => {
  it('shows exactly the digits asked, padded with zeros, rounded toward zero', () => {
    expect(toDecimalText(rational(5n), 2)).toBe('5.00');
    expect(toDecimalText(rational(1n, 20n), 2)).toBe('0.05');
    expect(toDecimalText(rational(1999n, 1000n), 2)).toBe('1.99');
    expect(toDecimalText(rational(-1999n, 1000n), 2)).toBe('-1.99');
    expect(toDecimalText(rational(-1n, 20n), 2)).toBe('-0.05');
    expect(toDecimalText(rational(123n, 10n), 0)).toBe('12');
    expect(toDecimalText(rational(-123n, 10n), 0)).toBe('-12');
    expect(toDecimalText(ZERO, 0)).toBe('0');
    expect(toDecimalText(ZERO, 3)).toBe('0.000');
  });

  it('a value that rounds to zero shows no minus sign', () => {
    expect(toDecimalText(rational(-1n, 1000n), 2)).toBe('0.00');
    expect(toDecimalText(rational(-1n, 2n), 0)).toBe('0');
  });

  it('from 0 to 36 digits; below 0, above 36 or not whole is a programmer error', () => {
    expect(toDecimalText(rational(1n, 10n ** 36n), 36)).toBe(`0.${'0'.repeat(35)}1`);
    for (const digits of [-1, 37, 0.5])
      expect(() => toDecimalText(ONE, digits)).toThrow(`assertion: ${digits} digits`);
  });

  it('rounded up for what is owed or missing: any fraction of the last digit adds one; exact values stay', () => {
    expect(toDecimalTextUp(rational(1001n, 1000n), 2)).toBe('1.01');
    expect(toDecimalTextUp(rational(101n, 100n), 2)).toBe('1.01');
    expect(toDecimalTextUp(rational(-1001n, 1000n), 2)).toBe('-1.00');
    expect(toDecimalTextUp(rational(1n, 3n), 0)).toBe('1');
    expect(toDecimalTextUp(ZERO, 2)).toBe('0.00');
  });

  it('exact text is the integer alone or numerator/denominator', () => {
    expect(toExactText(rational(-7n))).toBe('-7');
    expect(toExactText(ZERO)).toBe('0');
    expect(toExactText(rational(-1n, 2n))).toBe('-1/2');
    expect(toExactText(rational(90003n, 20n))).toBe('90003/20');
  });
});

describe('exact decimal text for evidence (issue 25: figures that show what they prove)', () => {
  it('an amount in minor units shows as units of the asset with all its decimals, nothing rounded', () => {
    expect(unitsText(200_000_000_001n, 6)).toBe('200000.000001');
    expect(unitsText(1_000_000_000_000n, 6)).toBe('1000000.000000');
    expect(unitsText(1n, 6)).toBe('0.000001');
    expect(unitsText(10n ** 18n, 18)).toBe('1.000000000000000000');
    expect(unitsText(-5n, 0)).toBe('-5');
    expect(unitsText(-1n, 2)).toBe('-0.01');
    expect(unitsText(0n, 2)).toBe('0.00');
  });

  it('a value with a finite decimal expansion shows with exactly the places it needs; any other as numerator/denominator', () => {
    expect(toExactDecimalText(rational(1n, 8n))).toBe('0.125'); // 2^3
    expect(toExactDecimalText(rational(1n, 25n))).toBe('0.04'); // 5^2
    expect(toExactDecimalText(rational(3n, 40n))).toBe('0.075'); // 2^3 x 5
    expect(toExactDecimalText(rational(-1n, 8n))).toBe('-0.125');
    expect(toExactDecimalText(rational(200_000_000_001n, 1_000_000n))).toBe('200000.000001');
    expect(toExactDecimalText(rational(5n))).toBe('5');
    expect(toExactDecimalText(ZERO)).toBe('0');
    expect(toExactDecimalText(rational(1n, 3n))).toBe('1/3');
    expect(toExactDecimalText(rational(-1n, 6n))).toBe('-1/6'); // a factor 2 and a 3
    expect(toExactDecimalText(rational(1n, 15n))).toBe('1/15'); // a factor 5 and a 3
    expect(toExactDecimalText(rational(1n, 10n ** 40n))).toBe(`0.${'0'.repeat(39)}1`); // no limit of places
  });
});

describe('TW-13.2 minor units rounded up (a fraction of a unit counts as a whole unit)', () => {
  it('exactly whole: unchanged; one part above: the next unit', () => {
    expect(ceilToMinor(rational(15n, 10n), 1)).toBe(15n);
    expect(ceilToMinor(rational(1_500_001n, 1_000_000n), 1)).toBe(16n);
    expect(ceilToMinor(rational(1n, 10n ** 18n), 0)).toBe(1n);
    expect(ceilToMinor(ZERO, 8)).toBe(0n);
  });

  it('a negative value rounds up toward zero', () => {
    expect(ceilToMinor(rational(-3n, 2n), 0)).toBe(-1n);
    expect(ceilToMinor(rational(-2n), 0)).toBe(-2n);
    expect(ceilToMinor(rational(-1n, 3n), 0)).toBe(0n);
    expect(ceilToMinor(rational(-15n, 100n), 1)).toBe(-1n);
  });
});
