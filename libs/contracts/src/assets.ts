// Asset registry as data (HK-8: amounts are integers of the asset's smallest unit). The
// shipped defaults below are configuration: build schemas against another registry with
// `createContracts(registry)`.
//
// `integerDigitsMax` bounds the number of decimal digits of an amount in minor units. It is
// the total supply expressed in minor units, rounded up with headroom, so that:
// - a unit mix-up (wei sent for a BTC amount, a value already scaled twice) is refused at the
//   boundary instead of being booked;
// - every amount fits in PostgreSQL NUMERIC columns and bigint arithmetic stays small;
// - parsing work per message is bounded (TigerBeetle style: a limit on everything).
// BTC: 21e6 BTC * 1e8 sat = 2.1e15 (16 digits). ETH: ~1.2e8 ETH * 1e18 wei = 1.2e26 (27 digits),
// 28 leaves room for issuance. USDT/USDC: 6 decimals, 20 digits = 1e14 tokens (supply ~1e11).
// SOL: ~6e8 SOL * 1e9 lamports = 6e17 (18 digits), 20 leaves room for inflation.

export interface AssetDefinition {
  /** Number of decimals between the display unit and the smallest unit (BTC: 8, satoshi). */
  readonly decimals: number;
  /** Largest number of decimal digits an amount in the smallest unit may have. */
  readonly integerDigitsMax: number;
}

export type AssetRegistry = Readonly<Record<string, AssetDefinition>>;

export const DEFAULT_ASSET_REGISTRY = {
  BTC: { decimals: 8, integerDigitsMax: 16 },
  ETH: { decimals: 18, integerDigitsMax: 28 },
  USDT: { decimals: 6, integerDigitsMax: 20 },
  USDC: { decimals: 6, integerDigitsMax: 20 },
  SOL: { decimals: 9, integerDigitsMax: 20 },
} as const satisfies AssetRegistry;

export type DefaultAssetCode = keyof typeof DEFAULT_ASSET_REGISTRY;

/** Asset codes are upper-case tickers: a registry key must match this. */
export const ASSET_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,15}$/;
/** No amount anywhere may exceed this many digits, whatever the registry says. */
export const AMOUNT_DIGITS_MAX = 40;

/** Programmer error when a configured registry is malformed: crash loudly at startup. */
export function assertValidAssetRegistry(registry: AssetRegistry): void {
  const codes = Object.keys(registry);
  if (codes.length === 0) throw new Error('asset registry is empty');
  for (const code of codes) {
    const definition = registry[code];
    if (!ASSET_CODE_PATTERN.test(code))
      throw new Error(`asset code ${code} does not match ${ASSET_CODE_PATTERN}`);
    if (definition === undefined) throw new Error(`asset ${code} has no definition`);
    if (!Number.isInteger(definition.decimals) || definition.decimals < 0) {
      throw new Error(`asset ${code}: decimals must be a non-negative integer`);
    }
    const digits = definition.integerDigitsMax;
    if (!Number.isInteger(digits) || digits < 1 || digits > AMOUNT_DIGITS_MAX) {
      throw new Error(
        `asset ${code}: integerDigitsMax must be an integer in 1..${AMOUNT_DIGITS_MAX}`,
      );
    }
  }
}

export function largestIntegerDigits(registry: AssetRegistry): number {
  return Math.max(...Object.values(registry).map((definition) => definition.integerDigitsMax));
}
