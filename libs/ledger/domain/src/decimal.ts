/** Exact decimals for prices (never `number`): digits as a bigint and a power of ten. */
export interface ExactDecimal {
  readonly mantissa: bigint;
  readonly scale: number;
}

const DECIMAL_PATTERN = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
export const DECIMAL_DIGITS_MAX = 64;

export function parseExactDecimal(text: string): ExactDecimal | undefined {
  if (text.length > DECIMAL_DIGITS_MAX) return undefined;
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  return { mantissa: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

export function powerOfTen(exponent: number): bigint {
  if (!Number.isInteger(exponent) || exponent < 0)
    throw new Error(`assertion: 10^${exponent} is not a whole power`);
  return 10n ** BigInt(exponent);
}
