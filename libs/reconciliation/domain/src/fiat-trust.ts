import { parseDecimal } from '@custody/exact';
import { businessDayOf, cutOffInstant, type BusinessCalendar } from './business-calendar';
import { differenceOf, type Difference } from './reconcile';

/** A client fiat movement as the exchange recorded it (exchange.fiat.v1), amounts in the currency's minor unit. */
export interface FiatMovement {
  readonly movementId: string;
  readonly kind: 'received' | 'paid-out' | 'collector-settled';
  /** The client (null for a collector's settlement). */
  readonly clientId: string | null;
  readonly currency: string;
  readonly amountMinor: bigint;
  /** A receipt through a third-party collector: counted from collection (TW-11), in transit until settled. */
  readonly throughCollector: boolean;
  /** The receipts a settlement brings into the trust account. */
  readonly receiptIds: readonly string[];
  readonly occurredAt: string;
}

/** An imported bank statement of a trust account for a period: its opening balance and its booked lines (signed). */
export interface TrustStatement {
  readonly accountId: string;
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly openingBalanceMinor: bigint;
  readonly lines: readonly {
    readonly bookedAt: string;
    readonly reference: string;
    readonly amountMinor: bigint;
  }[];
}

export interface FiatTrustRun {
  readonly businessDay: string;
  readonly currency: string;
  readonly cutOff: string;
  /** Per client: the real balance, and what counts (a negative balance counts as zero). */
  readonly lines: readonly {
    readonly clientId: string;
    readonly balanceMinor: bigint;
    readonly countedMinor: bigint;
  }[];
  readonly owedMinor: bigint;
  /** Collected by third parties by the close and not yet settled into the trust account: counted as held (TW-11). */
  readonly inTransitMinor: bigint;
  /** The trust accounts' balance at the close, from the statements; null when no statement covers the close. */
  readonly trustBalanceMinor: bigint | null;
  readonly accounts: readonly { readonly accountId: string; readonly balanceMinor: bigint }[];
  readonly difference: Difference | null;
  readonly movementsCounted: number;
  readonly movementsDeferred: number;
}

/** The balance of one statement's account at an instant inside its period (lines booked before it), or undefined outside. */
export function statementBalanceAt(statement: TrustStatement, instant: string): bigint | undefined {
  const at = Date.parse(instant);
  if (at < Date.parse(statement.from) || at > Date.parse(statement.to)) return undefined;
  return statement.lines.reduce(
    (balance, line) => (Date.parse(line.bookedAt) < at ? balance + line.amountMinor : balance),
    statement.openingBalanceMinor,
  );
}

/**
 * TW-10 / TW-11 for one currency and business day: each client's fiat (receipts less payouts
 * counted by the day's cut-off; a receipt through a collector counts from collection), the total
 * owed with negatives as zero; held = every trust account's balance at the close (the statement
 * covering it) plus what collectors hold for clients and have not yet settled. Less held than owed
 * is a shortfall (to be topped up within 2 business days), more a surplus; no statement covering
 * the close: nothing can be said (no difference, `trustBalanceMinor` null). Pure.
 */
export function fiatTrustRun(
  movements: readonly FiatMovement[],
  statements: readonly TrustStatement[],
  businessDay: string,
  currency: string,
  calendar: BusinessCalendar,
): FiatTrustRun {
  const cutOff = cutOffInstant(businessDay, calendar);
  const balances = new Map<string, bigint>();
  const settled = new Set<string>();
  const collected: FiatMovement[] = [];
  let counted = 0;
  let deferred = 0;
  for (const movement of movements) {
    if (movement.currency !== currency) continue;
    if (businessDayOf(movement.occurredAt, calendar) > businessDay) {
      deferred += 1;
      continue;
    }
    counted += 1;
    if (movement.kind === 'collector-settled') {
      for (const receipt of movement.receiptIds) settled.add(receipt);
      continue;
    }
    if (movement.clientId === null)
      throw new Error(`assertion: ${movement.kind} ${movement.movementId} names no client`);
    const signed = movement.kind === 'received' ? movement.amountMinor : -movement.amountMinor;
    balances.set(movement.clientId, (balances.get(movement.clientId) ?? 0n) + signed);
    if (movement.kind === 'received' && movement.throughCollector) collected.push(movement);
  }
  const lines = [...balances.keys()].sort().map((clientId) => {
    const balanceMinor = balances.get(clientId) ?? 0n;
    return { clientId, balanceMinor, countedMinor: balanceMinor > 0n ? balanceMinor : 0n };
  });
  const owedMinor = lines.reduce((total, line) => total + line.countedMinor, 0n);
  const inTransitMinor = collected
    .filter((receipt) => !settled.has(receipt.movementId))
    .reduce((total, receipt) => total + receipt.amountMinor, 0n);
  const accountIds = [
    ...new Set(
      statements
        .filter((statement) => statement.currency === currency)
        .map((statement) => statement.accountId),
    ),
  ].sort();
  const accounts: { accountId: string; balanceMinor: bigint }[] = [];
  let covered = accountIds.length > 0;
  for (const accountId of accountIds) {
    // the balance just before the close: the statement whose period holds the cut-off
    const balance = statements
      .filter((statement) => statement.accountId === accountId && statement.currency === currency)
      .map((statement) => statementBalanceAt(statement, cutOff))
      .find((value) => value !== undefined);
    if (balance === undefined) covered = false;
    else accounts.push({ accountId, balanceMinor: balance });
  }
  const trustBalanceMinor = covered
    ? accounts.reduce((total, account) => total + account.balanceMinor, 0n)
    : null;
  // held: the trust accounts and what collectors hold for clients
  const difference =
    trustBalanceMinor === null
      ? null
      : differenceOf(
          currency,
          'trust-account',
          owedMinor,
          trustBalanceMinor + inTransitMinor,
          accountIds,
        );
  return {
    businessDay,
    currency,
    cutOff,
    lines,
    owedMinor,
    inTransitMinor,
    trustBalanceMinor,
    accounts,
    difference,
    movementsCounted: counted,
    movementsDeferred: deferred,
  };
}

/** Decimals of a currency's minor unit (ISO 4217) for the ones a trust account is kept in here. */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  TWD: 2,
  HKD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  CNY: 2,
  JPY: 0,
};
/** Lines one statement holds at most (a busy month of a trust account). */
export const STATEMENT_LINES_MAX = 100_000;

export type StatementProblem = {
  readonly line: number;
  readonly column: string;
  readonly reason: string;
};

/**
 * A bank statement in CSV: the header `booked_at,reference,amount,balance` (other columns
 * ignored), amounts and balances in the currency's major unit with at most its decimals
 * (`1500.00`, `-250.5`), instants in ISO 8601 with a zone. Each line's balance must be the
 * previous one plus its amount, starting from the opening balance: a statement that does not
 * add up is refused with every line that does not. Pure.
 */
export function parseTrustStatementCsv(
  text: string,
  currency: string,
  openingBalanceMinor: bigint,
):
  | { readonly ok: true; readonly lines: TrustStatement['lines'] }
  | { readonly ok: false; readonly problems: readonly StatementProblem[] } {
  const decimals = CURRENCY_DECIMALS[currency];
  if (decimals === undefined)
    return {
      ok: false,
      problems: [{ line: 0, column: 'currency', reason: `no minor unit known for ${currency}` }],
    };
  const rows = text.split(/\r?\n/).filter((row) => row.trim() !== '');
  // the limit before any other work, the header included
  if (rows.length - 1 > STATEMENT_LINES_MAX)
    return {
      ok: false,
      problems: [{ line: 0, column: '', reason: `more than ${STATEMENT_LINES_MAX} lines` }],
    };
  // Stryker disable next-line StringLiteral: an empty text's header, whatever its default text, lacks the four columns and is refused alike
  const headerRow = rows[0] ?? '';
  const header = headerRow.split(',').map((cell) => cell.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const missing = ['booked_at', 'reference', 'amount', 'balance'].filter(
    (name) => column(name) < 0,
  );
  if (missing.length > 0)
    return {
      ok: false,
      problems: missing.map((name) => ({
        line: 1,
        column: name,
        reason: 'missing from the header',
      })),
    };
  const toMinor = (cell: string): bigint | undefined => {
    const value = parseDecimal(cell); // one minus sign at most, digits, one point with digits after it
    if (value === undefined) return undefined;
    const scale = 10n ** BigInt(decimals);
    if ((value.numerator * scale) % value.denominator !== 0n) return undefined; // finer than the currency's minor unit
    return (value.numerator * scale) / value.denominator;
  };
  const problems: StatementProblem[] = [];
  const lines: { bookedAt: string; reference: string; amountMinor: bigint }[] = [];
  let balance = openingBalanceMinor;
  for (const [index, row] of rows.slice(1).entries()) {
    const cells = row.split(',').map((cell) => cell.trim());
    const lineNumber = index + 2;
    const cell = (name: string): string => cells[column(name)] ?? ''; // a short row: the cells it lacks are empty
    const booked = cell('booked_at');
    const reference = cell('reference');
    const amount = toMinor(cell('amount'));
    const stated = toMinor(cell('balance'));
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(booked) || Number.isNaN(Date.parse(booked)))
      problems.push({
        line: lineNumber,
        column: 'booked_at',
        reason: 'an ISO 8601 instant with its zone',
      });
    if (reference === '' || reference.length > 200)
      problems.push({ line: lineNumber, column: 'reference', reason: '1 to 200 characters' });
    if (amount === undefined)
      problems.push({
        line: lineNumber,
        column: 'amount',
        reason: `a decimal with at most ${decimals} decimals`,
      });
    if (stated === undefined)
      problems.push({
        line: lineNumber,
        column: 'balance',
        reason: `a decimal with at most ${decimals} decimals`,
      });
    if (amount === undefined || stated === undefined) continue;
    balance += amount;
    if (stated !== balance)
      problems.push({
        line: lineNumber,
        column: 'balance',
        reason: `the running balance is ${balance} minor units, the statement says ${stated}`,
      });
    balance = stated; // one wrong line is reported once, not on every line after it
    if (!Number.isNaN(Date.parse(booked)))
      lines.push({ bookedAt: new Date(booked).toISOString(), reference, amountMinor: amount });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, lines };
}
