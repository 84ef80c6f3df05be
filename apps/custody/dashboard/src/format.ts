/**
 * Amounts on the wire are strings of minor units (never JSON numbers): formatted and parsed here
 * exactly, with string and bigint arithmetic only, never floating point.
 */

/** Decimals of the assets the system knows; an asset not listed is shown in minor units, saying so. */
export const ASSET_DECIMALS: Readonly<Record<string, number>> = {
  BTC: 8,
  ETH: 18,
  USDT: 6,
  USDC: 6,
};

const MINOR_PATTERN = /^-?\d+$/;
/** Digits, or digits grouped by commas in threes (a comma anywhere else, as a decimal comma, is refused: never guessed). */
const DECIMAL_PATTERN = /^(\d{1,38}|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/;

/** `"123456789", "BTC"` -> `"1.23456789"`; thousands separated; trailing zeros of the fraction dropped. */
export function formatMinor(minor: string, asset: string): string {
  const decimals = ASSET_DECIMALS[asset];
  if (decimals === undefined || !MINOR_PATTERN.test(minor)) return `${minor} (minor units)`;
  const negative = minor.startsWith('-');
  const digits = (negative ? minor.slice(1) : minor)
    .replace(/^0+(?=\d)/, '')
    .padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  const zero = /^[0,]+$/.test(whole) && fraction === '';
  return `${negative && !zero ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export type ParsedAmount =
  { readonly ok: true; readonly minor: string } | { readonly ok: false; readonly reason: string };

/** `"1.5", "ETH"` -> `"1500000000000000000"`: a positive amount with at most the asset's decimals. */
export function parseAmount(text: string, asset: string): ParsedAmount {
  const decimals = ASSET_DECIMALS[asset];
  if (decimals === undefined) return { ok: false, reason: `unknown asset ${asset}` };
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (match === null)
    return {
      ok: false,
      reason:
        'a positive decimal number, e.g. 0.25 (a point for decimals; commas only between groups of three digits)',
    };
  const whole = (match[1] ?? '').replace(/,/g, '');
  const fraction = match[2] ?? '';
  if (whole.length > 38) return { ok: false, reason: 'too many digits' };
  if (fraction.length > decimals)
    return { ok: false, reason: `${asset} has ${decimals} decimals at most` };
  const minor = `${whole}${fraction.padEnd(decimals, '0')}`.replace(/^0+/, '');
  if (minor === '') return { ok: false, reason: 'more than zero' };
  return { ok: true, minor };
}

/** Basis points (0..10000, rounded down) of part in part + rest, for drawing only; 10000 when both are zero. */
export function shareBasisPoints(partMinor: string, restMinor: string): number {
  if (!MINOR_PATTERN.test(partMinor) || !MINOR_PATTERN.test(restMinor)) return 0;
  const part = BigInt(partMinor);
  const total = part + BigInt(restMinor);
  if (total <= 0n) return 10_000;
  if (part <= 0n) return 0;
  return Number((part * 10_000n) / total);
}

/** A policy ratio (`"0.98"`, at most 12 decimals) in basis points, rounded down, for drawing only. */
export function ratioBasisPoints(ratio: string): number | undefined {
  const match = /^(\d{1,3})(?:\.(\d{1,12}))?$/.exec(ratio);
  if (match === null) return undefined;
  const fraction = (match[2] ?? '').padEnd(12, '0');
  return Number((BigInt(`${match[1]}${fraction}`) * 10_000n) / 10n ** 12n);
}
