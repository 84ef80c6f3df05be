import { businessDayOf, type BusinessCalendar } from './business-calendar';

/** One posted change of a client's balance, as the ledger recorded it, with its business time. */
export interface BalanceMovement {
  readonly clientId: string;
  readonly asset: string;
  /** Signed: a credit is positive, a debit negative (minor units). */
  readonly amountMinor: bigint;
  /** When it happened in business terms (a deposit: its confirmation time; a trade: its execution time). */
  readonly at: string;
  /** Journal id: what a correcting entry refers to, and where each line of the run came from. */
  readonly journalId: string;
}

export interface DailyBalanceLine {
  readonly clientId: string;
  readonly asset: string;
  /** The client's real balance at the day's close (may be negative: TW-13 shows it). */
  readonly balanceMinor: bigint;
  /** What counts towards the total: rounded UP to the asset's minimum unit; a negative balance counts as zero. */
  readonly countedMinor: bigint;
}

export interface DailyBalanceRun {
  readonly businessDay: string;
  readonly jurisdiction: string;
  readonly lines: readonly DailyBalanceLine[];
  /** asset -> the total the segregated wallets must hold (TW-13, compared by TW-14). */
  readonly totalsMinor: ReadonlyMap<string, bigint>;
  /** Movements counted, and those left for a later business day (after the cut-off). */
  readonly movementsCounted: number;
  readonly movementsDeferred: number;
}

/** asset -> the institution's minimum unit, in minor units (e.g. USDT with 6 decimals, a minimum unit of 0.01: 10,000). */
export type MinimumUnits = ReadonlyMap<string, bigint>;

/** Rounds up to a multiple of `unit` (TW-13 (2): a fraction of a unit counts as a whole unit). */
export function roundUpToUnit(amountMinor: bigint, unit: bigint): bigint {
  if (unit <= 0n) throw new Error('assertion: a minimum unit is positive');
  const remainder = ((amountMinor % unit) + unit) % unit;
  return remainder === 0n ? amountMinor : amountMinor + (unit - remainder);
}

/**
 * TW-13 for one business day: every client's balance per asset from every movement that counts
 * on or before the day (a receipt confirmed after the cut-off counts on the next business day;
 * corrections are movements too, so they appear as correcting entries, never as edits); each
 * line shows the real balance, and counts towards the total rounded UP to the asset's minimum
 * unit, a negative balance counting as zero. Every client with any movement has a line (TW-13
 * (1)), a zero balance included. Pure: the same movements and calendar give the same run.
 */
export function dailyBalances(
  movements: readonly BalanceMovement[],
  businessDay: string,
  calendar: BusinessCalendar,
  minimumUnits: MinimumUnits,
): DailyBalanceRun {
  const balances = new Map<string, { clientId: string; asset: string; balanceMinor: bigint }>();
  let counted = 0;
  let deferred = 0;
  // The business day of an instant depends on its minute only (cut-offs are HH:MM, zones shift by whole minutes):
  // remembered per minute, so a day of a million movements asks the time-zone rules a few thousand times.
  const dayOfMinute = new Map<string, string>();
  const rememberDay = (minute: string): string => {
    const day = businessDayOf(minute, calendar);
    dayOfMinute.set(minute, day);
    return day;
  };
  const businessDayAt = (at: string): string => {
    const minute = new Date(Math.floor(Date.parse(at) / 60_000) * 60_000).toISOString();
    return dayOfMinute.get(minute) ?? rememberDay(minute);
  };
  for (const movement of movements) {
    const key = `${movement.clientId}\u0000${movement.asset}`;
    const line = balances.get(key) ?? {
      clientId: movement.clientId,
      asset: movement.asset,
      balanceMinor: 0n,
    };
    balances.set(key, line);
    if (businessDayAt(movement.at) > businessDay) {
      deferred += 1;
      continue;
    }
    line.balanceMinor += movement.amountMinor;
    counted += 1;
  }
  // by client, then asset: the key's separator sorts before any character
  const lines = [...balances]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, line]) => {
      const unit = minimumUnits.get(line.asset) ?? 1n;
      return {
        ...line,
        countedMinor: line.balanceMinor <= 0n ? 0n : roundUpToUnit(line.balanceMinor, unit),
      };
    });
  const totalsMinor = new Map<string, bigint>();
  for (const line of lines)
    totalsMinor.set(line.asset, (totalsMinor.get(line.asset) ?? 0n) + line.countedMinor);
  return {
    businessDay,
    jurisdiction: calendar.jurisdiction,
    lines,
    totalsMinor,
    movementsCounted: counted,
    movementsDeferred: deferred,
  };
}
