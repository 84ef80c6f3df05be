import { parseDecimal } from '@custody/exact';

/** Exact decimals for prices (never `number`): digits as a bigint and a power of ten. */
export interface ExactDecimal {
  readonly mantissa: bigint;
  readonly scale: number;
}

export const DECIMAL_DIGITS_MAX = 64;

/**
 * A price as written, unreduced (1.50 is 150 x 10^-2), read by the one decimal parser
 * (@custody/exact parseDecimal); a price has no sign and at most DECIMAL_DIGITS_MAX characters.
 */
export function parseExactDecimal(text: string): ExactDecimal | undefined {
  if (text.length > DECIMAL_DIGITS_MAX || text.startsWith('-')) return undefined;
  const value = parseDecimal(text);
  if (value === undefined) return undefined;
  const point = text.indexOf('.');
  const scale = point === -1 ? 0 : text.length - point - 1;
  // the reduced denominator divides 10^scale: the mantissa is a whole number
  return { mantissa: (value.numerator * powerOfTen(scale)) / value.denominator, scale };
}

export function powerOfTen(exponent: number): bigint {
  if (!Number.isInteger(exponent) || exponent < 0)
    throw new Error(`assertion: 10^${exponent} is not a whole power`);
  return 10n ** BigInt(exponent);
}
