import {
  addBusinessDays,
  BUSINESS_DAY_SEARCH_MAX,
  businessDayOf,
  businessDayOnOrAfter,
  calendarProblems,
  cutOffInstant,
  isBusinessDay,
  localParts,
  previousBusinessDay,
  type BusinessCalendar,
} from './business-calendar';

// Taiwan: UTC+8, cut-off 15:30 local, weekends, the National Day bridge (2026-10-09/10) and New Year's Day 2027 as holidays
const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(['2026-10-09', '2026-10-10', '2027-01-01']),
};
const NY: BusinessCalendar = {
  jurisdiction: 'US',
  timeZone: 'America/New_York',
  cutOff: '16:00',
  weekendDays: [0, 6],
  holidays: new Set(),
};
/** Every day from `first` for `count` days (UTC calendar arithmetic, independent of the code under test). */
const daysFrom = (first: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) =>
    new Date(Date.parse(`${first}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10),
  );
/** A calendar without weekends whose only non-business days are the given holidays. */
const holidaysOnly = (holidays: readonly string[]): BusinessCalendar => ({
  ...TW,
  weekendDays: [],
  holidays: new Set(holidays),
});

describe('business calendar configuration (TW-13, TW-14: business days per jurisdiction)', () => {
  it('given a valid calendar, then no problem', () => {
    expect(calendarProblems(TW)).toEqual([]);
    expect(calendarProblems({ ...TW, weekendDays: [0, 1, 2, 3, 6] })).toEqual([]); // five weekend days are allowed
  });

  it('given a zone that is not an IANA zone, then it is named', () => {
    expect(calendarProblems({ ...TW, timeZone: 'Mars/Olympus' })).toEqual([
      'timeZone Mars/Olympus is not an IANA zone',
    ]);
  });

  it('given cut-offs from 00:00 to 23:59, then accepted; 24:00, a minute of 60, or anything not HH:MM, refused', () => {
    for (const cutOff of ['00:00', '09:59', '10:00', '19:59', '20:00', '23:59'])
      expect(calendarProblems({ ...TW, cutOff })).toEqual([]);
    for (const cutOff of [
      '24:00',
      '29:00',
      '23:60',
      '9:30',
      '09:3',
      '09:30:00',
      'x09:30',
      '09:30x',
      'ab:cd',
      '',
    ])
      expect([cutOff, calendarProblems({ ...TW, cutOff })]).toEqual([cutOff, ['cutOff is HH:MM']]);
  });

  it('given weekend days outside 0..6, not whole, or more than five of them, then refused', () => {
    for (const weekendDays of [[-1], [7], [0, 7], [1.5], [0, 1, 2, 3, 4, 5]])
      expect([weekendDays, calendarProblems({ ...TW, weekendDays })]).toEqual([
        weekendDays,
        ['weekendDays are 0..6, at most 5 of them'],
      ]);
    expect(calendarProblems({ ...TW, weekendDays: [0, 6] })).toEqual([]);
  });

  it('given a holiday that is not a YYYY-MM-DD day, then each one is named', () => {
    const holidays = new Set(['2026-12-25', '2026-13-01', '26-12-25', '2026-1-01', 'x2026-12-25']);
    expect(calendarProblems({ ...TW, holidays })).toEqual([
      'holiday 2026-13-01 is not YYYY-MM-DD',
      'holiday 26-12-25 is not YYYY-MM-DD',
      'holiday 2026-1-01 is not YYYY-MM-DD',
      'holiday x2026-12-25 is not YYYY-MM-DD',
    ]);
  });

  it('given several problems, then every one, in the order zone, cut-off, weekend, holidays', () => {
    expect(
      calendarProblems({
        ...TW,
        timeZone: 'Mars/Olympus',
        cutOff: '25:00',
        weekendDays: [8],
        holidays: new Set(['2026-13-40']),
      }),
    ).toEqual([
      'timeZone Mars/Olympus is not an IANA zone',
      'cutOff is HH:MM',
      'weekendDays are 0..6, at most 5 of them',
      'holiday 2026-13-40 is not YYYY-MM-DD',
    ]);
  });
});

describe('local date and time of an instant', () => {
  it('given an instant, then its date and 24-hour time in the zone (midnight is 00, not 24)', () => {
    expect(localParts('2026-11-23T16:00:00.000Z', 'Asia/Taipei')).toEqual({
      day: '2026-11-24',
      time: '00:00:00',
    });
    expect(localParts('2026-12-31T15:59:59.000Z', 'Asia/Taipei')).toEqual({
      day: '2026-12-31',
      time: '23:59:59',
    });
    expect(localParts('2027-01-01T04:05:06.000Z', 'America/New_York')).toEqual({
      day: '2026-12-31',
      time: '23:05:06',
    });
  });

  it('given something that is not an instant, then an assertion fails', () => {
    expect(() => localParts('yesterday', 'Asia/Taipei')).toThrow('not an instant');
  });
});

describe('business days: weekends and holidays', () => {
  it('given a weekday, a weekend day and a holiday, then only the weekday is a business day', () => {
    expect(isBusinessDay('2026-10-08', TW)).toBe(true); // Thursday
    expect(isBusinessDay('2026-10-09', TW)).toBe(false); // Friday, holiday
    expect(isBusinessDay('2026-10-11', TW)).toBe(false); // Sunday
    expect(isBusinessDay('2026-10-17', TW)).toBe(false); // Saturday
    expect(isBusinessDay('2026-10-12', TW)).toBe(true); // Monday
  });

  it('given something that is not a YYYY-MM-DD day, then an assertion fails', () => {
    for (const day of ['2026-10-081', 'x2026-10-08', '2026-10-8', ''])
      expect(() => isBusinessDay(day, TW)).toThrow('is not YYYY-MM-DD');
  });

  it('given a business day, then it is its own first business day; a holiday weekend leads to the Monday after', () => {
    expect(businessDayOnOrAfter('2026-10-08', TW)).toBe('2026-10-08');
    expect(businessDayOnOrAfter('2026-10-09', TW)).toBe('2026-10-12');
    expect(businessDayOnOrAfter('2026-12-31', TW)).toBe('2026-12-31');
    expect(businessDayOnOrAfter('2027-01-01', TW)).toBe('2027-01-04'); // New Year's Day, then the weekend
  });

  it(`given ${BUSINESS_DAY_SEARCH_MAX} days without business, then the one after them is found; one more, and the calendar is broken`, () => {
    expect(BUSINESS_DAY_SEARCH_MAX).toBe(31);
    expect(businessDayOnOrAfter('2026-01-01', holidaysOnly(daysFrom('2026-01-01', 31)))).toBe(
      '2026-02-01',
    );
    expect(() =>
      businessDayOnOrAfter('2026-01-01', holidaysOnly(daysFrom('2026-01-01', 32))),
    ).toThrow('no business day within 31 days');
  });
});

describe('the business day an instant counts on (TW-13 (4))', () => {
  it('given an instant before the local cut-off, then it counts on its local day; at or after it, on the next business day', () => {
    expect(businessDayOf('2026-11-24T07:29:59.999Z', TW)).toBe('2026-11-24'); // 15:29:59.999 in Taipei
    expect(businessDayOf('2026-11-24T07:30:00.000Z', TW)).toBe('2026-11-25'); // 15:30 in Taipei
    expect(businessDayOf('2026-11-23T17:00:00.000Z', TW)).toBe('2026-11-24'); // 01:00 on the 24th in Taipei, though the 23rd in UTC
  });

  it('given a Friday after the cut-off, a holiday, or the last day of the year after the cut-off, then the next business day after the weekend and holidays', () => {
    expect(businessDayOf('2026-11-27T09:00:00.000Z', TW)).toBe('2026-11-30'); // Friday 17:00 -> Monday
    expect(businessDayOf('2026-10-08T08:00:00.000Z', TW)).toBe('2026-10-12'); // Thursday 16:00 -> holidays and the weekend -> Monday
    expect(businessDayOf('2026-10-10T02:00:00.000Z', TW)).toBe('2026-10-12'); // Saturday morning, a holiday too
    expect(businessDayOf('2026-12-31T08:00:00.000Z', TW)).toBe('2027-01-04'); // Thursday 16:00 -> New Year's Day, the weekend -> Monday
  });
});

describe('TW-14.3 adding business days', () => {
  it('TW-14.3 given a shortfall found on Thursday, then 5 business days from the next day end on the following Thursday', () => {
    expect(addBusinessDays('2026-11-26', 5, TW)).toBe('2026-12-03');
  });

  it('TW-14.3 given no business days to add, then the day itself', () => {
    expect(addBusinessDays('2026-11-26', 0, TW)).toBe('2026-11-26');
  });

  it('TW-14.3 given a Friday, then one business day is the Monday; over holidays, the days after them', () => {
    expect(addBusinessDays('2026-11-27', 1, TW)).toBe('2026-11-30');
    expect(addBusinessDays('2026-10-08', 1, TW)).toBe('2026-10-12'); // Friday and Saturday are holidays, Sunday a weekend day
    expect(addBusinessDays('2026-10-08', 2, TW)).toBe('2026-10-13');
  });

  it('TW-14.3 across a month end, a leap day and a year end, then the calendar days in between are counted right', () => {
    expect(addBusinessDays('2026-02-27', 1, TW)).toBe('2026-03-02'); // Friday 27 February -> Monday 2 March
    expect(addBusinessDays('2028-02-28', 1, TW)).toBe('2028-02-29'); // a leap year
    expect(addBusinessDays('2028-02-28', 2, TW)).toBe('2028-03-01');
    expect(addBusinessDays('2026-12-30', 5, TW)).toBe('2027-01-07'); // Wed: Thu 31, (Fri 1 holiday, weekend), Mon 4, Tue 5, Wed 6, Thu 7
  });

  it('TW-14.3 given a count that is negative, not whole, or over a year, then an assertion fails; 366 is allowed', () => {
    for (const count of [-1, 1.5, 367, Number.NaN, Number.MAX_SAFE_INTEGER + 1])
      expect(() => addBusinessDays('2026-11-26', count, TW)).toThrow('0 to 366 business days');
    expect(addBusinessDays('2026-01-01', 366, holidaysOnly([]))).toBe('2027-01-02');
  });

  it('given a Monday, the first day of a month or of a year, then the business day before is the one before the weekend and holidays', () => {
    expect(previousBusinessDay('2026-11-30', TW)).toBe('2026-11-27');
    expect(previousBusinessDay('2026-11-25', TW)).toBe('2026-11-24');
    expect(previousBusinessDay('2026-10-12', TW)).toBe('2026-10-08'); // over the holidays and the weekend
    expect(previousBusinessDay('2026-03-02', TW)).toBe('2026-02-27');
    expect(previousBusinessDay('2027-01-04', TW)).toBe('2026-12-31');
    expect(previousBusinessDay('2026-03-01', holidaysOnly([]))).toBe('2026-02-28');
  });

  it(`given ${BUSINESS_DAY_SEARCH_MAX} days without business before a day, then the one before them is found; one more, and the calendar is broken`, () => {
    expect(previousBusinessDay('2026-02-01', holidaysOnly(daysFrom('2026-01-01', 31)))).toBe(
      '2025-12-31',
    );
    expect(() =>
      previousBusinessDay('2026-02-01', holidaysOnly(daysFrom('2025-12-31', 32))),
    ).toThrow('no business day within 31 days before 2026-02-01');
  });
});

describe('TW-14 the instant a business day closes', () => {
  it('TW-14 a business day closes at its local cut-off: one millisecond before counts on it, the instant itself on the next', () => {
    expect(cutOffInstant('2026-11-24', TW)).toBe('2026-11-24T07:30:00.000Z');
    expect(businessDayOf('2026-11-24T07:29:59.999Z', TW)).toBe('2026-11-24');
    expect(businessDayOf(cutOffInstant('2026-11-24', TW), TW)).toBe('2026-11-25');
    expect(
      cutOffInstant('2026-12-31', { ...TW, timeZone: 'Asia/Hong_Kong', cutOff: '23:59' }),
    ).toBe('2026-12-31T15:59:00.000Z'); // year end
    expect(cutOffInstant('2027-01-01', { ...TW, cutOff: '00:00' })).toBe(
      '2026-12-31T16:00:00.000Z',
    ); // local midnight is the UTC day before
  });

  it('given a zone that changes its offset (New York, 8 March 2026), then the cut-off is the local wall time on each side of the change', () => {
    expect(cutOffInstant('2026-03-06', NY)).toBe('2026-03-06T21:00:00.000Z'); // EST, UTC-5
    expect(cutOffInstant('2026-03-09', NY)).toBe('2026-03-09T20:00:00.000Z'); // EDT, UTC-4
    expect(cutOffInstant('2026-03-08', { ...NY, cutOff: '03:30' })).toBe(
      '2026-03-08T07:30:00.000Z',
    ); // just after the change: the guess is corrected twice
  });

  it('given a cut-off the clocks skip (02:30 on 8 March 2026 in New York), then an assertion fails; one they show twice, then its first time', () => {
    expect(() => cutOffInstant('2026-03-08', { ...NY, cutOff: '02:30' })).toThrow(
      'does not exist in America/New_York',
    );
    expect(cutOffInstant('2026-11-01', { ...NY, cutOff: '01:30' })).toBe(
      '2026-11-01T05:30:00.000Z',
    ); // 01:30 EDT, before the clocks go back
  });

  it('given something that is not a YYYY-MM-DD day, then an assertion fails', () => {
    for (const day of ['2026-11-241', 'x2026-11-24', '2026-11-4'])
      expect(() => cutOffInstant(day, TW)).toThrow('is not YYYY-MM-DD');
  });
});
