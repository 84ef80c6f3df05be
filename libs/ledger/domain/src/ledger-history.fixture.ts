import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { clientAccount, custodyAccount, houseAccount } from './accounts';
import { fingerprintOf } from './decide-trade';
import type { AssetDecimals, LedgerDecision } from './ledger-decision';
import type { LedgerCommand, TradeExecution } from './ledger-commands';
import type { LedgerEvent } from './ledger-events';
import { evolveLedger, type LedgerState } from './ledger-state';

/**
 * Spec-only: the facts, commands and recorded events the ledger's decider specs share (not
 * exported from index.ts). Each event is what the command of the same parameters decides; the
 * tests that decide those commands compare with these.
 */

export const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
export const at = '2026-11-24T09:00:00.000Z';
export const metadata = { at };

/** The events a decision emits; a refusal fails the test, naming its code. */
export function eventsOf(decision: LedgerDecision): readonly LedgerEvent[] {
  if (!decision.ok)
    throw new Error(`expected events, got ${decision.error.code}: ${decision.error.reason}`);
  return decision.events;
}
/** The books after a decision's events. */
export const after = (state: LedgerState, decision: LedgerDecision): LedgerState =>
  eventsOf(decision).reduce(evolveLedger, state);

/** alice buys 0.5 BTC from bob at 64,000.25 USDT: 32,000.125 USDT = 32000125000 USDT minor units. */
export const trade: TradeExecution = {
  tradeId: 'T-1',
  base: 'BTC',
  quote: 'USDT',
  buyerClientId: 'alice',
  sellerClientId: 'bob',
  quantityMinor: 50_000_000n,
  price: '64000.25',
  quoteAmountMinor: 32_000_125_000n,
  buyerFee: { asset: 'BTC', amountMinor: 50_000n },
  sellerFee: { asset: 'USDT', amountMinor: 32_000_000n },
};
export const settle = (overrides: Partial<TradeExecution> = {}): LedgerCommand => ({
  type: 'SettleTrade',
  trade: { ...trade, ...overrides },
  metadata,
});

export const onboarded = (clientId: string): LedgerEvent => ({
  type: 'ClientOnboarded',
  data: { clientId, at },
});
/** A deposit into the cold wallet as booked: custody debited, the client credited. */
export const deposited = (
  depositId: string,
  clientId: string,
  asset: string,
  amountMinor: bigint,
): LedgerEvent => ({
  type: 'JournalPosted',
  data: {
    journalId: `deposit:${depositId}`,
    kind: 'deposit',
    sourceReference: depositId,
    fingerprint: fingerprintOf([depositId, clientId, asset, amountMinor, 'wallet-cold-1']),
    entries: [
      { account: custodyAccount('wallet-cold-1', asset), side: 'debit', amountMinor },
      { account: clientAccount(clientId, asset), side: 'credit', amountMinor },
    ],
    at,
  },
});
/** Withdrawal W-1 held (to the client's own address): the client's available balance falls. */
export const held = (clientId: string, asset: string, amountMinor: bigint): LedgerEvent => ({
  type: 'WithdrawalHoldPlaced',
  data: {
    withdrawalId: 'W-1',
    clientId,
    asset,
    amountMinor,
    walletId: 'wallet-hot-1',
    fingerprint: fingerprintOf(['W-1', clientId, asset, amountMinor, 'wallet-hot-1', clientId]),
    at,
  },
});
/** `settle({ tradeId })` as booked: base bob -> alice, quote alice -> bob, each fee -> the house. */
export const tradeSettled = (tradeId = 'T-1'): LedgerEvent => ({
  type: 'JournalPosted',
  data: {
    journalId: `trade:${tradeId}`,
    kind: 'trade',
    sourceReference: tradeId,
    fingerprint: fingerprintOf([
      tradeId,
      'BTC',
      'USDT',
      'alice',
      'bob',
      50_000_000n,
      '64000.25',
      32_000_125_000n,
      'BTC',
      50_000n,
      'USDT',
      32_000_000n,
    ]),
    entries: [
      { account: clientAccount('bob', 'BTC'), side: 'debit', amountMinor: 50_000_000n },
      { account: clientAccount('alice', 'BTC'), side: 'credit', amountMinor: 50_000_000n },
      { account: clientAccount('alice', 'USDT'), side: 'debit', amountMinor: 32_000_125_000n },
      { account: clientAccount('bob', 'USDT'), side: 'credit', amountMinor: 32_000_125_000n },
      { account: clientAccount('alice', 'BTC'), side: 'debit', amountMinor: 50_000n },
      { account: houseAccount('fee-revenue', 'BTC'), side: 'credit', amountMinor: 50_000n },
      { account: clientAccount('bob', 'USDT'), side: 'debit', amountMinor: 32_000_000n },
      { account: houseAccount('fee-revenue', 'USDT'), side: 'credit', amountMinor: 32_000_000n },
    ],
    at,
  },
});
