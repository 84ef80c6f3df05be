import {
  EXCHANGE_TRADES_TOPIC,
  TRADE_EXECUTED_TYPE,
  type TradeExecutedV1,
} from '@custody/contracts';
import type { LedgerCommand } from '@custody/ledger-domain';
import type { ConsumedMessage } from '@custody/messaging';

/**
 * The exchange's trade as the command that settles it in ONE journal (both sides' balances and
 * fees); undefined for any other message. Business time is the trade's own, never the clock.
 */
export function settleTradeOf(message: ConsumedMessage): LedgerCommand | undefined {
  const value = message.value as unknown as { type: string };
  if (message.topic !== EXCHANGE_TRADES_TOPIC || value.type !== TRADE_EXECUTED_TYPE)
    return undefined;
  const { data } = message.value as unknown as TradeExecutedV1;
  return {
    type: 'SettleTrade',
    trade: {
      tradeId: data.tradeId,
      base: data.instrument.base,
      quote: data.instrument.quote,
      buyerClientId: data.buyerClientId,
      sellerClientId: data.sellerClientId,
      quantityMinor: BigInt(data.quantityMinor),
      price: data.price,
      quoteAmountMinor: BigInt(data.quoteAmountMinor),
      buyerFee: { asset: data.buyerFee.asset, amountMinor: BigInt(data.buyerFee.amountMinor) },
      sellerFee: { asset: data.sellerFee.asset, amountMinor: BigInt(data.sellerFee.amountMinor) },
    },
    metadata: { at: data.occurredAt },
  };
}
