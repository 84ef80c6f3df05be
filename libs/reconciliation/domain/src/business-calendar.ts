/**
 * Business days per jurisdiction (TW-13, TW-14): a time zone, a daily cut-off in local time,
 * weekends and holidays (from configuration, a file per year). Days are `YYYY-MM-DD` in the
 * calendar's zone; instants are ISO 8601 UTC. Pure: the zone rules come with the runtime's
 * time-zone data, the holidays with the calendar.
 */
export interface BusinessCalendar {
  readonly jurisdiction: string;
  /** IANA zone, e.g. `Asia/Hong_Kong`, `Asia/Taipei`. */
  readonly timeZone: string;
  /** Local time at which a business day closes, `HH:MM` (24 h). Something at or after it belongs to the next business day. */
  readonly cutOff: string;
  /** Local days of the week that are never business days (0 Sunday .. 6 Saturday). */
  readonly weekendDays: readonly number[];
  /** `YYYY-MM-DD` days that are not business days. */
  readonly holidays: ReadonlySet<string>;
}

/** A calendar looks this far for the next business day before it calls itself broken (a year of holidays is not a calendar). */
export const BUSINESS_DAY_SEARCH_MAX = 31;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const CUT_OFF_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function calendarProblems(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: calendar.timeZone });
  } catch {
    problems.push(`timeZone ${calendar.timeZone} is not an IANA zone`);
  }
  if (!CUT_OFF_PATTERN.test(calendar.cutOff)) problems.push('cutOff is HH:MM');
  if (
    calendar.weekendDays.some((day) => !Number.isInteger(day) || day < 0 || day > 6) ||
    calendar.weekendDays.length > 5
  )
    problems.push('weekendDays are 0..6, at most 5 of them');
  for (const holiday of calendar.holidays)
    if (!DAY_PATTERN.test(holiday) || Number.isNaN(Date.parse(`${holiday}T00:00:00Z`)))
      problems.push(`holiday ${holiday} is not YYYY-MM-DD`);
  return problems;
}

/** The local date and time of an instant in the calendar's zone. */
export function localParts(
  instant: string,
  timeZone: string,
): { readonly day: string; readonly time: string } {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`assertion: ${instant} is not an instant`);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return {
    day: `${parts['year']}-${parts['month']}-${parts['day']}`,
    time: `${parts['hour']}:${parts['minute']}:${parts['second']}`,
  };
}

/** The calendar day `days` after `day` (before it when negative): month and year ends and leap days by the UTC calendar. */
function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const nextDay = (day: string): string => shiftDay(day, 1);
const previousDay = (day: string): string => shiftDay(day, -1);

export function isBusinessDay(day: string, calendar: BusinessCalendar): boolean {
  if (!DAY_PATTERN.test(day)) throw new Error(`assertion: ${day} is not YYYY-MM-DD`);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return !calendar.weekendDays.includes(weekday) && !calendar.holidays.has(day);
}

/** The first business day on or after `day`. */
export function businessDayOnOrAfter(day: string, calendar: BusinessCalendar): string {
  let candidate = day;
  for (let step = 0; step <= BUSINESS_DAY_SEARCH_MAX; step += 1) {
    if (isBusinessDay(candidate, calendar)) return candidate;
    candidate = nextDay(candidate);
  }
  throw new Error(
    `assertion: no business day within ${BUSINESS_DAY_SEARCH_MAX} days of ${day} in ${calendar.jurisdiction}`,
  );
}

/**
 * The business day an instant counts on (TW-13 (4)): its local date, or the next business day
 * when it falls at or after the cut-off or on a weekend or holiday.
 */
export function businessDayOf(instant: string, calendar: BusinessCalendar): string {
  const { day, time } = localParts(instant, calendar.timeZone);
  const afterCutOff = time >= `${calendar.cutOff}:00`;
  return businessDayOnOrAfter(afterCutOff ? nextDay(day) : day, calendar);
}

/** `day` plus `count` business days (count >= 0); TW-14.3: a shortfall is made good within 5 business days from the day after discovery. */
export function addBusinessDays(day: string, count: number, calendar: BusinessCalendar): string {
  if (!Number.isSafeInteger(count) || count < 0 || count > 366)
    throw new Error('assertion: 0 to 366 business days');
  let current = day;
  for (let added = 0; added < count;) {
    current = nextDay(current);
    if (isBusinessDay(current, calendar)) added += 1;
  }
  return current;
}

/** The business day before `day`. */
export function previousBusinessDay(day: string, calendar: BusinessCalendar): string {
  let candidate = previousDay(day);
  for (let step = 0; step <= BUSINESS_DAY_SEARCH_MAX; step += 1) {
    if (isBusinessDay(candidate, calendar)) return candidate;
    candidate = previousDay(candidate);
  }
  throw new Error(
    `assertion: no business day within ${BUSINESS_DAY_SEARCH_MAX} days before ${day}`,
  );
}

/**
 * The instant a business day closes: its cut-off in local time, as UTC. What happens before it
 * counts on that day or earlier; at or after it, on a later one (TW-13 (4)).
 */
export function cutOffInstant(day: string, calendar: BusinessCalendar): string {
  if (!DAY_PATTERN.test(day)) throw new Error(`assertion: ${day} is not YYYY-MM-DD`);
  const wanted = Date.parse(`${day}T${calendar.cutOff}:00.000Z`); // the local wall time, read as if it were UTC
  /** The wall time the zone shows at an instant, read as if it were UTC. */
  const shownAt = (instant: number): number => {
    const { day: localDay, time } = localParts(new Date(instant).toISOString(), calendar.timeZone);
    return Date.parse(`${localDay}T${time}.000Z`);
  };
  // the zone's offset at a first guess, then again at the corrected guess (the offset may change in between)
  const guess = wanted - (shownAt(wanted) - wanted);
  const instant = wanted - (shownAt(guess) - guess);
  // a wall time the clocks skip (put forward) is shown at no instant
  if (shownAt(instant) !== wanted)
    throw new Error(`assertion: ${day} ${calendar.cutOff} does not exist in ${calendar.timeZone}`);
  return new Date(instant).toISOString();
}
