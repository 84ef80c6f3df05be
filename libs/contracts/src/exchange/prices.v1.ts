// exchange.prices.v1 / PriceObserved v1. PUBLISHED: frozen.
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import {
  assetSchema,
  coded,
  decimalSchema,
  identifierSchema,
  timestampSchema,
} from '../primitives';

export const PRICE_OBSERVED_TYPE = 'PriceObserved';
export const PRICE_OBSERVED_SCHEMA_VERSION = 1;
/** ISO 4217 currency code: USD, HKD, TWD. */
export const QUOTE_CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function priceObservedDataV1Schema(registry: AssetRegistry) {
  return z.strictObject({
    asset: assetSchema(registry),
    quoteCurrency: z
      .string()
      .regex(QUOTE_CURRENCY_PATTERN, coded('INVALID_FORMAT', 'must be an ISO 4217 currency code')),
    /** Quote currency per one display unit of the asset, exact decimal. */
    price: decimalSchema,
    observedAt: timestampSchema,
    source: identifierSchema,
  });
}

export function priceObservedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    PRICE_OBSERVED_TYPE,
    PRICE_OBSERVED_SCHEMA_VERSION,
    priceObservedDataV1Schema(registry),
  );
}

export type PriceObservedV1 = z.infer<ReturnType<typeof priceObservedV1Schema>>;
