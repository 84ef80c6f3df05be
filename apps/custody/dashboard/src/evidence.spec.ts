import { discoveredText, figureRows } from './evidence';

describe('evidence as the pages show it', () => {
  it('HK-6 each amount in units of its asset is on one line with its minor units, in the order of the evidence', () => {
    expect(
      figureRows({
        clientLiabilityMinor: '1000000000000',
        clientLiability: '1000000.000000',
        shortfallMinor: '1',
        shortfall: '0.000001',
      }),
    ).toEqual([
      { name: 'clientLiability', value: '1000000.000000', minor: '1000000000000' },
      { name: 'shortfall', value: '0.000001', minor: '1' },
    ]);
  });

  it('HK-6 a figure in minor units alone (evidence recorded before units were given) and any other figure stay as they are', () => {
    expect(
      figureRows({
        shortfallMinor: '1',
        houseShare: '20.0001%',
        'house.USDT': '200000.000001',
      }),
    ).toEqual([
      { name: 'shortfallMinor', value: '1' },
      { name: 'houseShare', value: '20.0001%' },
      { name: 'house.USDT', value: '200000.000001' },
    ]);
  });

  it('TW-14.3 a discrepancy found by a late run shows the day it was found and the day its run was about', () => {
    expect(discoveredText({ discoveredOn: '2026-11-27', businessDay: '2026-11-24' })).toBe(
      '2026-11-27 (by the run about 2026-11-24)',
    );
    expect(discoveredText({ discoveredOn: '2026-11-24', businessDay: '2026-11-24' })).toBe(
      '2026-11-24',
    );
  });
});
