import type { BusinessCalendar } from './business-calendar';
import { dailyBalances, roundUpToUnit, type BalanceMovement } from './daily-balances';

// Taiwan: UTC+8, cut-off 15:30 local, weekends, and 2026-10-09/10 (National Day bridge) as holidays
const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(['2026-10-09', '2026-10-10']),
};

describe('TW-13 daily balances', () => {
  const move = (
    clientId: string,
    asset: string,
    amountMinor: bigint,
    at: string,
    journalId = `${clientId}-${at}`,
  ): BalanceMovement => ({ clientId, asset, amountMinor, at, journalId });
  const units = new Map([['USDT', 10_000n]]); // a minimum unit of 0.01 USDT (6 decimals)

  it('TW-13 (2) given a balance with a fraction of the minimum unit, then the total counts a whole unit; the line shows the real figure', () => {
    const run = dailyBalances(
      [move('alice', 'USDT', 1_234_567n, '2026-11-24T01:00:00.000Z')],
      '2026-11-24',
      TW,
      units,
    );
    expect(run.lines).toEqual([
      { clientId: 'alice', asset: 'USDT', balanceMinor: 1_234_567n, countedMinor: 1_240_000n },
    ]);
    expect(run.totalsMinor.get('USDT')).toBe(1_240_000n);
    expect(roundUpToUnit(1_230_000n, 10_000n)).toBe(1_230_000n);
  });

  it('TW-13 (3) given a negative balance, then its line shows it and the total counts it as zero', () => {
    const run = dailyBalances(
      [
        move('alice', 'USDT', 500_000n, '2026-11-24T01:00:00.000Z'),
        move('bob', 'USDT', -20_000n, '2026-11-24T02:00:00.000Z'),
      ],
      '2026-11-24',
      TW,
      units,
    );
    expect(run.lines.map((line) => [line.clientId, line.balanceMinor, line.countedMinor])).toEqual([
      ['alice', 500_000n, 500_000n],
      ['bob', -20_000n, 0n],
    ]);
    expect(run.totalsMinor.get('USDT')).toBe(500_000n);
  });

  it('TW-13 (4) given a receipt confirmed after the cut-off, then it counts on the next business day, and every client still has a line', () => {
    const movements = [
      move('alice', 'USDT', 100_000n, '2026-11-24T01:00:00.000Z'),
      move('carol', 'USDT', 70_000n, '2026-11-24T08:00:00.000Z'),
    ];
    const today = dailyBalances(movements, '2026-11-24', TW, units);
    expect(today.lines.map((line) => [line.clientId, line.balanceMinor])).toEqual([
      ['alice', 100_000n],
      ['carol', 0n],
    ]);
    expect([today.movementsCounted, today.movementsDeferred]).toEqual([1, 1]);
    expect(dailyBalances(movements, '2026-11-25', TW, units).totalsMinor.get('USDT')).toBe(
      170_000n,
    );
  });

  it('TW-13 (6) a correction is a correcting entry: the run shows its effect, and running the same day again gives the same numbers', () => {
    const movements = [
      move('alice', 'USDT', 100_000n, '2026-11-24T01:00:00.000Z', 'J-1'),
      move('alice', 'USDT', -30_000n, '2026-11-24T03:00:00.000Z', 'J-1-correction'),
    ];
    const first = dailyBalances(movements, '2026-11-24', TW, units);
    expect(first.lines[0]?.balanceMinor).toBe(70_000n);
    expect(dailyBalances([...movements].reverse(), '2026-11-24', TW, units)).toEqual(first); // reproducible, whatever the read order
  });

  it('TW-13 (1) given clients and assets in any order, then one line per client and asset, by client then asset, and a total per asset', () => {
    const movements = [
      move('carol', 'USDT', 10_000n, '2026-11-24T01:00:00.000Z'),
      move('alice', 'USDT', 20_000n, '2026-11-24T01:00:00.000Z'),
      move('alice', 'ETH', 3n, '2026-11-24T01:00:00.000Z'),
      move('al', 'USDT', 30_000n, '2026-11-24T01:00:00.000Z'),
    ];
    const run = dailyBalances(movements, '2026-11-24', TW, units);
    expect(run.lines.map((line) => [line.clientId, line.asset, line.countedMinor])).toEqual([
      ['al', 'USDT', 30_000n],
      ['alice', 'ETH', 3n],
      ['alice', 'USDT', 20_000n],
      ['carol', 'USDT', 10_000n],
    ]);
    expect(run.totalsMinor).toEqual(
      new Map([
        ['USDT', 60_000n],
        ['ETH', 3n],
      ]),
    );
    expect(run).toMatchObject({
      businessDay: '2026-11-24',
      jurisdiction: 'TW',
      movementsCounted: 4,
      movementsDeferred: 0,
    });
  });

  it('TW-13 (4) given many movements within the same minutes, either side of the cut-off, then each counts on its own business day', () => {
    const movements = [
      move('alice', 'USDT', 1n, '2026-11-24T07:29:00.000Z'),
      move('alice', 'USDT', 2n, '2026-11-24T07:29:59.999Z'),
      move('alice', 'USDT', 4n, '2026-11-24T07:30:00.000Z'),
      move('alice', 'USDT', 8n, '2026-11-24T07:30:59.000Z'),
    ];
    expect(dailyBalances(movements, '2026-11-24', TW, new Map()).lines[0]?.balanceMinor).toBe(3n);
    expect(dailyBalances(movements, '2026-11-25', TW, new Map()).lines[0]?.balanceMinor).toBe(15n);
  });

  it('TW-13 (2) a minimum unit is positive: rounding to zero or a negative unit is an assertion failure', () => {
    expect(() => roundUpToUnit(5n, 0n)).toThrow('a minimum unit is positive');
    expect(() => roundUpToUnit(5n, -1n)).toThrow('a minimum unit is positive');
    expect(roundUpToUnit(5n, 1n)).toBe(5n);
    expect(roundUpToUnit(-15_000n, 10_000n)).toBe(-10_000n); // towards +infinity, also below zero
  });
});
