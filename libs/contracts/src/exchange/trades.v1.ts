// exchange.trades.v1 / TradeExecuted v1. PUBLISHED: frozen. A change is a new file (v2) plus an
// upcaster, never an edit of this one.
import { z } from 'zod/v4';
import type { AssetRegistry } from '../assets';
import { envelopeSchema } from '../envelope';
import { codedMessage } from '../issues';
import {
  amountMinorSchema,
  assetSchema,
  checkAmountDigits,
  decimalSchema,
  identifierSchema,
  positiveAmountMinorSchema,
  timestampSchema,
} from '../primitives';

export const TRADE_EXECUTED_TYPE = 'TradeExecuted';
export const TRADE_EXECUTED_SCHEMA_VERSION = 1;

/** A fee leg: what one side of the trade pays the exchange. Both legs are always present. */
export function feeLegSchema(registry: AssetRegistry) {
  return z
    .strictObject({ asset: assetSchema(registry), amountMinor: amountMinorSchema(registry) })
    .superRefine((leg, context) =>
      checkAmountDigits(registry, leg.asset, leg.amountMinor, context, ['amountMinor']),
    );
}

export function tradeExecutedDataV1Schema(registry: AssetRegistry) {
  const asset = assetSchema(registry);
  return z
    .strictObject({
      tradeId: identifierSchema,
      occurredAt: timestampSchema,
      instrument: z.strictObject({ base: asset, quote: asset }),
      buyerClientId: identifierSchema,
      sellerClientId: identifierSchema,
      /** Base asset, smallest unit. */
      quantityMinor: positiveAmountMinorSchema(registry),
      /** Quote units per one base display unit, exact decimal. */
      price: decimalSchema,
      /** Quote asset, smallest unit. */
      quoteAmountMinor: amountMinorSchema(registry),
      buyerFee: feeLegSchema(registry),
      sellerFee: feeLegSchema(registry),
    })
    .superRefine((trade, context) => {
      const { base, quote } = trade.instrument;
      if (base === quote) {
        context.addIssue({
          code: 'custom',
          path: ['instrument', 'quote'],
          message: codedMessage('ASSET_PAIR_SAME', 'base and quote assets must differ'),
        });
      }
      checkAmountDigits(registry, base, trade.quantityMinor, context, ['quantityMinor']);
      checkAmountDigits(registry, quote, trade.quoteAmountMinor, context, ['quoteAmountMinor']);
    });
}

export function tradeExecutedV1Schema(registry: AssetRegistry) {
  return envelopeSchema(
    TRADE_EXECUTED_TYPE,
    TRADE_EXECUTED_SCHEMA_VERSION,
    tradeExecutedDataV1Schema(registry),
  );
}

export type TradeExecutedV1 = z.infer<ReturnType<typeof tradeExecutedV1Schema>>;
