import { addBusinessDays, businessDayOf, calendarProblems, cutOffInstant, isBusinessDay, previousBusinessDay, type BusinessCalendar } from './business-calendar';
import { dailyBalances, roundUpToUnit, type BalanceMovement } from './daily-balances';

// Taiwan: UTC+8, cut-off 15:30 local, weekends, and 2026-10-09/10 (National Day bridge) as holidays
const TW: BusinessCalendar = { jurisdiction: 'TW', timeZone: 'Asia/Taipei', cutOff: '15:30', weekendDays: [0, 6], holidays: new Set(['2026-10-09', '2026-10-10']) };

describe('business calendar (TW-13, TW-14)', () => {
  it('given an instant before the local cut-off, then it counts on its local day; at or after it, on the next business day', () => {
    expect(businessDayOf('2026-11-24T07:29:59.999Z', TW)).toBe('2026-11-24'); // 15:29:59 in Taipei
    expect(businessDayOf('2026-11-24T07:30:00.000Z', TW)).toBe('2026-11-25'); // 15:30 in Taipei
    expect(businessDayOf('2026-11-23T17:00:00.000Z', TW)).toBe('2026-11-24'); // 01:00 on the 24th in Taipei, though the 23rd in UTC
  });

  it('given a Friday after the cut-off or a holiday, then the next business day after the weekend and holidays', () => {
    expect(businessDayOf('2026-11-27T09:00:00.000Z', TW)).toBe('2026-11-30'); // Friday 17:00 -> Monday
    expect(businessDayOf('2026-10-08T08:00:00.000Z', TW)).toBe('2026-10-12'); // Thursday 16:00 -> Friday holiday, Saturday holiday and weekend -> Monday
    expect(isBusinessDay('2026-10-09', TW)).toBe(false);
  });

  it('TW-14.3 given a shortfall found on Thursday, then the top-up is due 5 business days from the next day: the following Thursday', () => {
    expect(addBusinessDays('2026-11-26', 5, TW)).toBe('2026-12-03');
    expect(previousBusinessDay('2026-11-30', TW)).toBe('2026-11-27');
  });

  it('TW-14 a business day closes at its local cut-off: the instant one millisecond before counts on it, the instant itself on the next', () => {
    expect(cutOffInstant('2026-11-24', TW)).toBe('2026-11-24T07:30:00.000Z');
    expect(businessDayOf('2026-11-24T07:29:59.999Z', TW)).toBe('2026-11-24');
    expect(businessDayOf(cutOffInstant('2026-11-24', TW), TW)).toBe('2026-11-25');
    expect(cutOffInstant('2026-12-31', { ...TW, timeZone: 'Asia/Hong_Kong', cutOff: '23:59' })).toBe('2026-12-31T15:59:00.000Z'); // year end
  });

  it('given a zone that changes its offset (New York, 8 March 2026), then the cut-off is the local wall time on each side of the change', () => {
    const NY: BusinessCalendar = { ...TW, timeZone: 'America/New_York', cutOff: '16:00' };
    expect(cutOffInstant('2026-03-06', NY)).toBe('2026-03-06T21:00:00.000Z'); // EST, UTC-5
    expect(cutOffInstant('2026-03-09', NY)).toBe('2026-03-09T20:00:00.000Z'); // EDT, UTC-4
  });

  it('given a bad zone, cut-off or holiday, then every problem is named', () => {
    expect(calendarProblems({ ...TW, timeZone: 'Mars/Olympus', cutOff: '25:00', holidays: new Set(['2026-13-40']) })).toHaveLength(3);
    expect(calendarProblems(TW)).toEqual([]);
  });
});

describe('TW-13 daily balances', () => {
  const move = (clientId: string, asset: string, amountMinor: bigint, at: string, journalId = `${clientId}-${at}`): BalanceMovement => ({ clientId, asset, amountMinor, at, journalId });
  const units = new Map([['USDT', 10_000n]]); // a minimum unit of 0.01 USDT (6 decimals)

  it('TW-13 (2) given a balance with a fraction of the minimum unit, then the total counts a whole unit; the line shows the real figure', () => {
    const run = dailyBalances([move('alice', 'USDT', 1_234_567n, '2026-11-24T01:00:00.000Z')], '2026-11-24', TW, units);
    expect(run.lines).toEqual([{ clientId: 'alice', asset: 'USDT', balanceMinor: 1_234_567n, countedMinor: 1_240_000n }]);
    expect(run.totalsMinor.get('USDT')).toBe(1_240_000n);
    expect(roundUpToUnit(1_230_000n, 10_000n)).toBe(1_230_000n);
  });

  it('TW-13 (3) given a negative balance, then its line shows it and the total counts it as zero', () => {
    const run = dailyBalances([move('alice', 'USDT', 500_000n, '2026-11-24T01:00:00.000Z'), move('bob', 'USDT', -20_000n, '2026-11-24T02:00:00.000Z')], '2026-11-24', TW, units);
    expect(run.lines.map((line) => [line.clientId, line.balanceMinor, line.countedMinor])).toEqual([['alice', 500_000n, 500_000n], ['bob', -20_000n, 0n]]);
    expect(run.totalsMinor.get('USDT')).toBe(500_000n);
  });

  it('TW-13 (4) given a receipt confirmed after the cut-off, then it counts on the next business day, and every client still has a line', () => {
    const movements = [move('alice', 'USDT', 100_000n, '2026-11-24T01:00:00.000Z'), move('carol', 'USDT', 70_000n, '2026-11-24T08:00:00.000Z')];
    const today = dailyBalances(movements, '2026-11-24', TW, units);
    expect(today.lines.map((line) => [line.clientId, line.balanceMinor])).toEqual([['alice', 100_000n], ['carol', 0n]]);
    expect([today.movementsCounted, today.movementsDeferred]).toEqual([1, 1]);
    expect(dailyBalances(movements, '2026-11-25', TW, units).totalsMinor.get('USDT')).toBe(170_000n);
  });

  it('TW-13 (6) a correction is a correcting entry: the run shows its effect, and running the same day again gives the same numbers', () => {
    const movements = [move('alice', 'USDT', 100_000n, '2026-11-24T01:00:00.000Z', 'J-1'), move('alice', 'USDT', -30_000n, '2026-11-24T03:00:00.000Z', 'J-1-correction')];
    const first = dailyBalances(movements, '2026-11-24', TW, units);
    expect(first.lines[0]?.balanceMinor).toBe(70_000n);
    expect(dailyBalances([...movements].reverse(), '2026-11-24', TW, units)).toEqual(first); // reproducible, whatever the read order
  });
});
