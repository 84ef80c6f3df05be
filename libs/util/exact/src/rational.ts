/**
 * Exact arithmetic for values and ratios (never `number` for money): a rational number as two
 * bigints, always reduced, denominator positive. Prices arrive as decimal text; amounts as
 * bigint minor units with the asset's decimals; ratios compare by cross multiplication.
 */
export interface Rational {
  readonly numerator: bigint;
  /** > 0 */
  readonly denominator: bigint;
}

const DECIMAL_PATTERN = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
/** Longest decimal text accepted (digits, sign and point). */
export const DECIMAL_TEXT_MAX = 80;

/** Greatest common divisor, never negative (Euclid: the remainder keeps the dividend's sign, so the sign is dropped once, at the end). */
function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x < 0n ? -x : x;
}

export function rational(numerator: bigint, denominator = 1n): Rational {
  if (denominator < 0n) return rational(-numerator, -denominator);
  if (denominator === 0n) throw new Error('assertion: a rational with denominator 0');
  const divisor = gcd(numerator, denominator); // > 0: the denominator is not 0
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

export const ZERO: Rational = rational(0n);
export const ONE: Rational = rational(1n);

/** Decimal text (`60000.125`, `-0.5`) exactly, or undefined when it is not one. */
export function parseDecimal(text: string): Rational | undefined {
  if (text.length > DECIMAL_TEXT_MAX) return undefined;
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const fraction = match[3] ?? '';
  const magnitude = BigInt(`${match[2]}${fraction}`);
  return rational(match[1] === '-' ? -magnitude : magnitude, 10n ** BigInt(fraction.length));
}

/** An amount in minor units as a quantity of the asset (`1_500_000n`, 6 decimals -> 1.5). */
export function fromMinor(amountMinor: bigint, decimals: number): Rational {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36)
    throw new Error(`assertion: ${decimals} decimals`);
  return rational(amountMinor, 10n ** BigInt(decimals));
}

export function add(a: Rational, b: Rational): Rational {
  return rational(
    a.numerator * b.denominator + b.numerator * a.denominator,
    a.denominator * b.denominator,
  );
}

export function subtract(a: Rational, b: Rational): Rational {
  return add(a, { numerator: -b.numerator, denominator: b.denominator });
}

export function multiply(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

export function divide(a: Rational, b: Rational): Rational {
  if (b.numerator === 0n) throw new Error('assertion: division by zero');
  return rational(a.numerator * b.denominator, a.denominator * b.numerator);
}

export function sum(values: readonly Rational[]): Rational {
  return values.reduce(add, ZERO);
}

/** -1, 0 or 1. */
export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isZero(value: Rational): boolean {
  return value.numerator === 0n;
}

export function min(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? a : b;
}

/**
 * Decimal text with exactly `digits` places, rounded toward zero (a report shows what is sure:
 * 74.999...% is never shown as 75.00%). Evidence keeps the exact value beside it.
 */
export function toDecimalText(value: Rational, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 36)
    throw new Error(`assertion: ${digits} digits`);
  return scaledText((value.numerator * 10n ** BigInt(digits)) / value.denominator, digits); // bigint division truncates toward zero
}

/** `scaled` / 10^digits as decimal text with exactly `digits` places. */
function scaledText(scaled: bigint, digits: number): string {
  const negative = scaled < 0n; // a value that truncates to zero shows no sign: -0.001 at 2 digits is 0.00
  const magnitude = (negative ? -scaled : scaled).toString().padStart(digits + 1, '0');
  const text =
    digits === 0 ? magnitude : `${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

/**
 * An amount in minor units as units of the asset with all its decimals, exactly (`1n`, 6 ->
 * `0.000001`; `200_000_000_001n`, 6 -> `200000.000001`): evidence shows amounts this way, beside
 * the minor units, never rounded.
 */
export function unitsText(amountMinor: bigint, decimals: number): string {
  return toDecimalText(fromMinor(amountMinor, decimals), decimals);
}

/**
 * A value exactly, as decimal text with as many places as it needs (`0.000001`, `-0.125`, `5`)
 * when it has a finite decimal expansion (its denominator has no prime factor but 2 and 5, as
 * every amount in minor units, decimal price and policy ratio, and their sums and products, has);
 * any other value as `numerator/denominator` (`toExactText`). Nothing is rounded.
 */
export function toExactDecimalText(value: Rational): string {
  let rest = value.denominator;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos += 1;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives += 1;
  }
  if (rest !== 1n) return toExactText(value);
  const digits = Math.max(twos, fives);
  return scaledText((value.numerator * 10n ** BigInt(digits)) / value.denominator, digits);
}

/** Decimal text with exactly `digits` places, rounded up (away from zero for positives): for what is owed or missing. */
export function toDecimalTextUp(value: Rational, digits: number): string {
  const scaled = ceilToMinor(value, digits);
  return toDecimalText(rational(scaled, 10n ** BigInt(digits)), digits);
}

/** The smallest whole number of minor units at or above `value` (in units of the asset): TW-13 rounds up. */
export function ceilToMinor(value: Rational, decimals: number): bigint {
  const scaled = multiply(value, rational(10n ** BigInt(decimals)));
  const quotient = scaled.numerator / scaled.denominator; // toward zero: up for a negative value, down for a positive one
  // The remainder has the sign of the numerator: above zero only for a positive value with a fraction left over.
  return scaled.numerator % scaled.denominator > 0n ? quotient + 1n : quotient;
}

/** Exact text of a rational (`numerator/denominator`) for evidence that must be recomputable. */
export function toExactText(value: Rational): string {
  return value.denominator === 1n
    ? value.numerator.toString()
    : `${value.numerator}/${value.denominator}`;
}
