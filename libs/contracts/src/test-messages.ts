// Valid sample messages for the specs of this lib (not exported from index.ts).
import type { DeadLetterV1 } from './custody/deadletter.v1';
import type { WithdrawalHoldPlacedV1 } from './custody/ledger-events.v1';
import type {
  DepositConfirmedV1,
  WithdrawalApprovedV1,
  WithdrawalConfirmedV1,
  WithdrawalFailedV1,
} from './custody/wallet-events.v1';
import type { HouseDepositConfirmedV1 } from './custody/wallet-events.v1-house';
import type { FiatMovementRecordedV1 } from './exchange/fiat.v1';
import type { PriceObservedV1 } from './exchange/prices.v1';
import type { TradeExecutedV1 } from './exchange/trades.v1';
import type { WithdrawalRequestedV1 } from './exchange/withdrawal-requests.v1';

const envelope = {
  eventId: '0190f1a2-7b3c-7d4e-8f50-6a7b8c9d0e1f',
  streamId: 'trade-T-1001',
  streamVersion: '1',
  occurredAt: '2026-01-31T09:30:00.123Z',
  causationId: null,
  correlationId: '0190f1a2-7b3c-7d4e-8f50-6a7b8c9d0e1f',
  traceContext: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
};

export function aTradeExecuted(): TradeExecutedV1 {
  return {
    ...envelope,
    type: 'TradeExecuted',
    schemaVersion: 1,
    data: {
      tradeId: 'T-1001',
      occurredAt: '2026-01-31T09:30:00.100Z',
      instrument: { base: 'BTC', quote: 'USDT' },
      buyerClientId: 'client-1',
      sellerClientId: 'client-2',
      quantityMinor: '150000000',
      price: '64250.125',
      quoteAmountMinor: '96375187500',
      buyerFee: { asset: 'BTC', amountMinor: '150000' },
      sellerFee: { asset: 'USDT', amountMinor: '96375188' },
    },
  };
}

export function aWithdrawalRequested(): WithdrawalRequestedV1 {
  return {
    ...envelope,
    streamId: 'withdrawal-W-7',
    type: 'WithdrawalRequested',
    schemaVersion: 1,
    data: {
      requestId: 'W-7',
      clientId: 'client-1',
      asset: 'ETH',
      amountMinor: '1500000000000000000',
      destinationAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
      chain: 'ethereum',
      requestedAt: '2026-01-31T09:31:00.000Z',
    },
  };
}

export function aFiatReceived(): FiatMovementRecordedV1 {
  const { traceContext: _untraced, ...envelopeWithoutTrace } = envelope;
  return {
    ...envelopeWithoutTrace,
    streamId: 'fiat-R-1',
    type: 'FiatMovementRecorded',
    schemaVersion: 1,
    data: {
      kind: 'received',
      movementId: 'R-1',
      clientId: 'alice',
      currency: 'TWD',
      amountMinor: '150000',
      channel: 'third-party-collector',
      collectorId: 'cvs-7',
      occurredAt: '2026-01-31T09:30:00.000Z',
    },
  };
}

export function aPriceObserved(): PriceObservedV1 {
  const { traceContext: _untraced, ...envelopeWithoutTrace } = envelope;
  return {
    ...envelopeWithoutTrace,
    streamId: 'price-BTC-USD',
    type: 'PriceObserved',
    schemaVersion: 1,
    data: {
      asset: 'BTC',
      quoteCurrency: 'USD',
      price: '64250.12',
      observedAt: '2026-01-31T09:30:00.000Z',
      source: 'exchange-index',
    },
  };
}

export function aDeadLetter(): DeadLetterV1 {
  return {
    ...envelope,
    streamId: 'deadletter-exchange.trades.v1-0-42',
    type: 'MessageDeadLettered',
    schemaVersion: 1,
    data: {
      originalTopic: 'exchange.trades.v1',
      partition: 0,
      offset: '42',
      keyBase64: 'VC0xMDAx',
      originalValueBase64: 'eyJub3QiOiJ2YWxpZCJ9',
      reasonCode: 'AMOUNT_NOT_INTEGER',
      reasonText: 'data.quantityMinor: amount must be an integer in the asset smallest unit',
      failedAt: '2026-01-31T09:30:01.000Z',
    },
  };
}

export function aDepositConfirmed(): DepositConfirmedV1 {
  return {
    ...envelope,
    streamId: 'deposit-D-42',
    type: 'DepositConfirmed',
    schemaVersion: 1,
    data: {
      depositId: 'D-42',
      clientId: 'client-1',
      asset: 'BTC',
      amountMinor: '250000000',
      walletId: 'wallet-client-btc-1',
      chain: 'bitcoin',
      transactionHash: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16',
      confirmations: 6,
      confirmedAt: '2026-01-31T10:00:00.000Z',
    },
  };
}

/** 3 ETH into a house wallet: the institution's own. */
export function aHouseDepositConfirmed(): HouseDepositConfirmedV1 {
  return {
    ...envelope,
    streamId: 'wallet-deposit-HD-7',
    type: 'HouseDepositConfirmed',
    schemaVersion: 1,
    data: {
      depositId: 'HD-7',
      walletId: 'wallet-house-eth-1',
      asset: 'ETH',
      amountMinor: '3000000000000000000',
      chain: 'ethereum',
      transactionHash: `0x${'4e'.repeat(32)}`,
      confirmations: 12,
      confirmedAt: '2026-01-31T10:05:00.000Z',
    },
  };
}

export function aWithdrawalApproved(): WithdrawalApprovedV1 {
  return {
    ...envelope,
    streamId: 'withdrawal-WD-7',
    type: 'WithdrawalApproved',
    schemaVersion: 1,
    data: {
      withdrawalId: 'WD-7',
      requestId: 'W-7',
      clientId: 'client-1',
      asset: 'ETH',
      amountMinor: '1500000000000000000',
      walletId: 'wallet-client-eth-hot-1',
      destinationAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
      chain: 'ethereum',
      destinationAllowListedForClientId: 'client-1',
      approvedAt: '2026-01-31T09:35:00.000Z',
    },
  };
}

export function aWithdrawalHoldPlaced(): WithdrawalHoldPlacedV1 {
  return {
    ...envelope,
    streamId: 'ledger-client-client-1',
    type: 'WithdrawalHoldPlaced',
    schemaVersion: 1,
    data: {
      withdrawalId: 'WD-7',
      clientId: 'client-1',
      asset: 'ETH',
      amountMinor: '1500000000000000000',
      walletId: 'wallet-client-eth-hot-1',
      fingerprint: 'a'.repeat(64),
      at: '2026-01-31T09:35:01.000Z',
    },
  };
}

export function aWithdrawalConfirmed(): WithdrawalConfirmedV1 {
  return {
    ...envelope,
    streamId: 'withdrawal-WD-7',
    streamVersion: '3',
    type: 'WithdrawalConfirmed',
    schemaVersion: 1,
    data: {
      withdrawalId: 'WD-7',
      clientId: 'client-1',
      asset: 'ETH',
      amountMinor: '1500000000000000000',
      networkFeeMinor: '420000000000000',
      walletId: 'wallet-client-eth-hot-1',
      chain: 'ethereum',
      transactionHash: '0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b',
      confirmedAt: '2026-01-31T09:40:00.000Z',
    },
  };
}

export function aWithdrawalFailed(): WithdrawalFailedV1 {
  return {
    ...envelope,
    streamId: 'withdrawal-WD-8',
    type: 'WithdrawalFailed',
    schemaVersion: 1,
    data: {
      withdrawalId: 'WD-8',
      clientId: 'client-2',
      reason: 'broadcast-failed',
      failedAt: '2026-01-31T09:41:00.000Z',
    },
  };
}

/** A deep copy with `patch` applied to `data`; undefined in the patch removes the field. */
export function withData<T extends { data: object }>(
  message: T,
  patch: Record<string, unknown>,
): unknown {
  const copy = structuredClone(message) as { data: Record<string, unknown> };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete copy.data[key];
    else copy.data[key] = value;
  }
  return copy;
}
