import { accountKey, clientAccount, houseAccount, postedBalance, type Account } from './accounts';
import { parseExactDecimal, powerOfTen } from './decimal';
import { transfer, type JournalEntry } from './journal';
import type { TradeExecution } from './ledger-commands';
import { ledgerError, type LedgerError } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { balanceOf, journalIdOf, type LedgerState } from './ledger-state';
import type { AssetDecimals, LedgerDecision } from './ledger-decision';

/** Canonical content of a record: the same id with other content is a conflict. */
export function fingerprintOf(values: readonly (string | bigint | null)[]): string {
  return values.map((value) => (value === null ? '\u2400' : String(value))).join('\u001f');
}

function tradeFingerprint(trade: TradeExecution): string {
  const {
    tradeId,
    base,
    quote,
    buyerClientId,
    sellerClientId,
    quantityMinor,
    price,
    quoteAmountMinor,
    buyerFee,
    sellerFee,
  } = trade;
  return fingerprintOf([
    tradeId,
    base,
    quote,
    buyerClientId,
    sellerClientId,
    quantityMinor,
    canonicalDecimal(price),
    quoteAmountMinor,
    buyerFee.asset,
    buyerFee.amountMinor,
    sellerFee.asset,
    sellerFee.amountMinor,
  ]);
}

/** 60000, 60000.0 and 60000.000 are one price: the same trade re-sent with another spelling is not a conflict. */
function canonicalDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** The first reason a trade cannot be booked as it stands (bad input), if any. */
function refuseTrade(
  trade: TradeExecution,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerError | undefined {
  if (decimals(trade.base) === undefined)
    return ledgerError('ASSET_UNKNOWN', 'trade.base', `asset ${trade.base} is not in the registry`);
  if (decimals(trade.quote) === undefined)
    return ledgerError(
      'ASSET_UNKNOWN',
      'trade.quote',
      `asset ${trade.quote} is not in the registry`,
    );
  if (trade.base === trade.quote)
    return ledgerError('ASSET_PAIR_SAME', 'trade.quote', 'base and quote must differ');
  if (trade.buyerClientId === trade.sellerClientId)
    return ledgerError(
      'TRADE_SELF_MATCH',
      'trade.sellerClientId',
      'the buyer and the seller are the same client',
    );
  for (const side of ['buyerClientId', 'sellerClientId'] as const) {
    if (!state.clients.has(trade[side]))
      return ledgerError(
        'CLIENT_UNKNOWN',
        `trade.${side}`,
        `client ${trade[side]} is not onboarded`,
      );
  }
  if (trade.quantityMinor <= 0n)
    return ledgerError('AMOUNT_NOT_POSITIVE', 'trade.quantityMinor', 'quantity must be positive');
  if (trade.quoteAmountMinor <= 0n)
    return ledgerError(
      'AMOUNT_NOT_POSITIVE',
      'trade.quoteAmountMinor',
      'quote amount must be positive',
    );
  for (const side of ['buyerFee', 'sellerFee'] as const) {
    const fee = trade[side];
    if (fee.asset !== trade.base && fee.asset !== trade.quote)
      return ledgerError(
        'FEE_ASSET_MISMATCH',
        `trade.${side}.asset`,
        `fee asset ${fee.asset} is neither ${trade.base} nor ${trade.quote}`,
      );
    if (fee.amountMinor < 0n)
      return ledgerError('FEE_NEGATIVE', `trade.${side}.amountMinor`, 'a fee cannot be negative');
  }
  return refusePrice(trade, decimals(trade.base) as number, decimals(trade.quote) as number);
}

/**
 * The quote amount must be quantity x price, converted between the two assets' smallest units,
 * within one quote minor unit (the exchange rounds once, either way). Exact: bigint only.
 */
function refusePrice(
  trade: TradeExecution,
  baseDecimals: number,
  quoteDecimals: number,
): LedgerError | undefined {
  const price = parseExactDecimal(trade.price);
  if (price === undefined || price.mantissa === 0n)
    return ledgerError(
      'TRADE_PRICE_MALFORMED',
      'trade.price',
      'price must be a positive decimal such as 64250.5',
    );
  // exact quote minor = quantityMinor * price * 10^quoteDecimals / 10^baseDecimals
  const numerator = trade.quantityMinor * price.mantissa * powerOfTen(quoteDecimals);
  const denominator = powerOfTen(baseDecimals) * powerOfTen(price.scale);
  const difference = trade.quoteAmountMinor * denominator - numerator;
  if (difference >= denominator || -difference >= denominator) {
    return ledgerError(
      'TRADE_PRICE_MISMATCH',
      'trade.price',
      `quote amount ${trade.quoteAmountMinor} is not quantity ${trade.quantityMinor} x price ${trade.price} within one minor unit`,
    );
  }
  return undefined;
}

/** Both legs and both fees in ONE journal; fees credited to the house fee-revenue account. */
function tradeEntries(trade: TradeExecution): JournalEntry[] {
  const { base, quote, buyerClientId: buyer, sellerClientId: seller } = trade;
  const entries = [
    ...transfer(clientAccount(seller, base), clientAccount(buyer, base), trade.quantityMinor),
    ...transfer(clientAccount(buyer, quote), clientAccount(seller, quote), trade.quoteAmountMinor),
  ];
  if (trade.buyerFee.amountMinor > 0n)
    entries.push(
      ...transfer(
        clientAccount(buyer, trade.buyerFee.asset),
        houseAccount('fee-revenue', trade.buyerFee.asset),
        trade.buyerFee.amountMinor,
      ),
    );
  if (trade.sellerFee.amountMinor > 0n)
    entries.push(
      ...transfer(
        clientAccount(seller, trade.sellerFee.asset),
        houseAccount('fee-revenue', trade.sellerFee.asset),
        trade.sellerFee.amountMinor,
      ),
    );
  return entries;
}

/**
 * A trade from the exchange is authoritative: booked even when it takes a client below zero
 * (posted, or available: what is left once held withdrawals are counted); then
 * ClientBalanceWentNegative says by how much (reconciliation counts it as zero, TW-13.3).
 * The trade id is the idempotency key: the same trade again changes nothing; the same id with
 * other content is TRADE_ID_CONFLICT.
 */
export function decideSettleTrade(
  trade: TradeExecution,
  at: string,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerDecision {
  const journalId = journalIdOf('trade', trade.tradeId);
  const fingerprint = tradeFingerprint(trade);
  const booked = state.journals.get(journalId);
  if (booked !== undefined) {
    return booked === fingerprint
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError(
            'TRADE_ID_CONFLICT',
            'trade.tradeId',
            `trade ${trade.tradeId} was booked with other content`,
          ),
        };
  }
  const refusal = refuseTrade(trade, state, decimals);
  if (refusal !== undefined) return { ok: false, error: refusal };
  const entries = tradeEntries(trade);
  const events: LedgerEvent[] = [
    {
      type: 'JournalPosted',
      data: { journalId, kind: 'trade', sourceReference: trade.tradeId, fingerprint, entries, at },
    },
  ];
  events.push(...wentNegative(entries, state, journalId, at));
  return { ok: true, events };
}

/** ClientBalanceWentNegative for each client account this journal debits into an available balance below zero. */
export function wentNegative(
  entries: readonly JournalEntry[],
  state: LedgerState,
  journalId: string,
  at: string,
  releasedHoldMinor = 0n,
): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const account of debitedClientAccounts(entries)) {
    const balance = balanceOf(state, account);
    const key = accountKey(account);
    const movedMinor = entries.reduce(
      (sum, entry) =>
        accountKey(entry.account) === key
          ? sum + (entry.side === 'credit' ? entry.amountMinor : -entry.amountMinor)
          : sum,
      0n,
    );
    const balanceMinor = postedBalance(account, balance) + movedMinor;
    const availableMinor = balanceMinor - (balance.debitsPending - releasedHoldMinor);
    if (availableMinor < 0n)
      events.push({
        type: 'ClientBalanceWentNegative',
        data: {
          clientId: account.clientId,
          asset: account.asset,
          balanceMinor,
          availableMinor,
          journalId,
          at,
        },
      });
  }
  return events;
}

type ClientAccount = Extract<Account, { kind: 'client' }>;

function debitedClientAccounts(entries: readonly JournalEntry[]): ClientAccount[] {
  const seen = new Map<string, ClientAccount>();
  for (const { account, side } of entries) {
    if (side === 'debit' && account.kind === 'client') seen.set(accountKey(account), account);
  }
  return [...seen.values()];
}
