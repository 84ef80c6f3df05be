import { rational, toExactText } from '@custody/exact';
import {
  DEFAULT_THRESHOLDS,
  PRICE_STALENESS_MS_MAX,
  defaultProfile,
  profileProblems,
  stricterMinimum,
  threshold,
  type PolicyProfile,
  type PolicyThresholds,
} from './policy-profile';

const BOTH = defaultProfile(['HK', 'TW']);
const paths = (profile: PolicyProfile) => profileProblems(profile).map((problem) => problem.path);
const withThresholds = (thresholds: Partial<PolicyThresholds>): PolicyProfile => ({
  ...BOTH,
  thresholds: { ...BOTH.thresholds, ...thresholds },
});
const RATIOS = [
  'hkColdQuantityMin',
  'twColdQuantityMin',
  'twColdValueMin',
  'twHouseInHotMax',
  'hkInsuranceColdMin',
  'hkInsuranceHotMin',
  'group2SoftLimit',
  'group2HardLimit',
] as const;

describe("default profiles carry the texts' own figures", () => {
  it('HK-11g 98%, TW-3 75% / 85%, TW-4 20%, HK-11j 50% / 100%, BC-3 1% / 2%, prices stale after 15 minutes', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({
      hkColdQuantityMin: '0.98',
      twColdQuantityMin: '0.75',
      twColdValueMin: '0.85',
      twHouseInHotMax: '0.20',
      hkInsuranceColdMin: '0.50',
      hkInsuranceHotMin: '1.00',
      staleAfterMs: 900_000,
      group2SoftLimit: '0.01',
      group2HardLimit: '0.02',
    });
    expect(PRICE_STALENESS_MS_MAX).toBe(86_400_000);
  });

  it('given the jurisdictions in any order, then one profile named by them in order; the list given is left as it was', () => {
    const given: ('HK' | 'TW')[] = ['TW', 'HK'];
    expect(defaultProfile(given)).toEqual({
      version: 'HK+TW-default-1',
      jurisdictions: ['HK', 'TW'],
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(given).toEqual(['TW', 'HK']);
    expect(defaultProfile(['TW'])).toEqual({
      version: 'TW-default-1',
      jurisdictions: ['TW'],
      thresholds: DEFAULT_THRESHOLDS,
    });
  });
});

describe('profileProblems: every reason a proposed profile cannot become a policy version', () => {
  it('given each default profile, then no problem', () => {
    for (const jurisdictions of [['HK'], ['TW'], ['HK', 'TW']] as const)
      expect(profileProblems(defaultProfile(jurisdictions))).toEqual([]);
  });

  it('given versions of 1 to 64 letters, digits, ".", "_", "+" or "-" starting with a letter or digit, then accepted', () => {
    for (const version of [
      'A',
      'Z',
      'a',
      'z',
      '0',
      '9',
      'xAZaz09._+-',
      'HK-2026.1',
      'v'.repeat(64),
    ])
      expect(paths({ ...BOTH, version })).toEqual([]);
  });

  it('given an empty version, one of 65, one starting with a sign, or holding another character anywhere, then refused at version', () => {
    for (const version of [
      '',
      'v'.repeat(65),
      '-1',
      '.1',
      '_1',
      '+1',
      'a b',
      '!ab',
      'ab!',
      'a/b',
      'HK\n1',
    ])
      expect(paths({ ...BOTH, version })).toEqual(['version']);
  });

  it('given no jurisdiction, or one that is neither HK nor TW, then refused at jurisdictions', () => {
    expect(paths({ ...BOTH, jurisdictions: [] })).toEqual(['jurisdictions']);
    expect(paths({ ...BOTH, jurisdictions: ['HK', 'SG' as 'HK'] })).toEqual(['jurisdictions']);
  });

  it('given each ratio at 0 and at 1, then accepted; above 1, below 0 or not a decimal, then refused at its own path', () => {
    for (const field of RATIOS) {
      expect(paths(withThresholds({ [field]: '0', group2SoftLimit: '0' }))).toEqual([]);
      expect(paths(withThresholds({ [field]: '1', group2HardLimit: '1' }))).toEqual([]);
      for (const bad of ['x', '0.5%'])
        expect(paths(withThresholds({ [field]: bad }))).toEqual([`thresholds.${field}`]);
    }
    for (const field of RATIOS.filter((name) => !name.startsWith('group2'))) {
      expect(paths(withThresholds({ [field]: '-0.01' }))).toEqual([`thresholds.${field}`]);
      if (field !== 'hkInsuranceHotMin')
        expect(paths(withThresholds({ [field]: '1.01' }))).toEqual([`thresholds.${field}`]);
    }
  });

  it('BC-3 given a Group 2 limit below 0 or above 1, then refused at its path (and a normal limit then above the hard one at that too)', () => {
    expect(paths(withThresholds({ group2SoftLimit: '-0.01' }))).toEqual([
      'thresholds.group2SoftLimit',
    ]);
    expect(paths(withThresholds({ group2SoftLimit: '1.01', group2HardLimit: '1.01' }))).toEqual([
      'thresholds.group2SoftLimit',
      'thresholds.group2HardLimit',
    ]);
    expect(paths(withThresholds({ group2HardLimit: '1.01' }))).toEqual([
      'thresholds.group2HardLimit',
    ]);
    expect(paths(withThresholds({ group2HardLimit: '-0.01' }))).toEqual([
      'thresholds.group2HardLimit',
      'thresholds.group2SoftLimit',
    ]);
  });

  it('HK-11j given insurance of hot storage up to 10 times its value, then accepted; above 10, then refused', () => {
    expect(paths(withThresholds({ hkInsuranceHotMin: '10' }))).toEqual([]);
    expect(paths(withThresholds({ hkInsuranceHotMin: '1.5' }))).toEqual([]);
    expect(paths(withThresholds({ hkInsuranceHotMin: '10.01' }))).toEqual([
      'thresholds.hkInsuranceHotMin',
    ]);
    expect(paths(withThresholds({ hkInsuranceColdMin: '1.5' }))).toEqual([
      'thresholds.hkInsuranceColdMin',
    ]);
  });

  it('BC-3 given a normal Group 2 limit equal to or under the hard limit, then accepted; over it, then refused at the normal limit', () => {
    expect(paths(withThresholds({ group2SoftLimit: '0.02', group2HardLimit: '0.020' }))).toEqual(
      [],
    );
    expect(paths(withThresholds({ group2SoftLimit: '0.015', group2HardLimit: '0.02' }))).toEqual(
      [],
    );
    expect(paths(withThresholds({ group2SoftLimit: '0.021', group2HardLimit: '0.02' }))).toEqual([
      'thresholds.group2SoftLimit',
    ]);
    expect(paths(withThresholds({ group2SoftLimit: '0.3', group2HardLimit: '0.25' }))).toEqual([
      'thresholds.group2SoftLimit',
    ]);
    expect(paths(withThresholds({ group2SoftLimit: 'x', group2HardLimit: '0.02' }))).toEqual([
      'thresholds.group2SoftLimit',
    ]);
    expect(paths(withThresholds({ group2SoftLimit: '0.01', group2HardLimit: 'x' }))).toEqual([
      'thresholds.group2HardLimit',
    ]);
  });

  it('given staleness of 1 ms and of the maximum, then accepted; 0, below 0, a fraction, past the maximum or not a number, then refused', () => {
    for (const staleAfterMs of [1, PRICE_STALENESS_MS_MAX])
      expect(paths(withThresholds({ staleAfterMs }))).toEqual([]);
    for (const staleAfterMs of [0, -1, 1.5, PRICE_STALENESS_MS_MAX + 1, Number.NaN])
      expect(paths(withThresholds({ staleAfterMs }))).toEqual(['thresholds.staleAfterMs']);
  });

  it('given several problems, then all of them in order', () => {
    const profile: PolicyProfile = {
      version: '',
      jurisdictions: [],
      thresholds: {
        ...DEFAULT_THRESHOLDS,
        twColdValueMin: '2',
        group2SoftLimit: '0.5',
        staleAfterMs: 0,
      },
    };
    expect(paths(profile)).toEqual([
      'version',
      'jurisdictions',
      'thresholds.twColdValueMin',
      'thresholds.group2SoftLimit',
      'thresholds.staleAfterMs',
    ]);
  });
});

describe('thresholds as exact rationals', () => {
  it('given a profile, then each threshold as the exact ratio it names', () => {
    expect(toExactText(threshold(BOTH, 'hkColdQuantityMin'))).toBe('49/50');
    expect(toExactText(threshold(BOTH, 'twHouseInHotMax'))).toBe('1/5');
  });

  it('given a threshold that is not a decimal (a profile used unchecked), then a programmer error', () => {
    expect(() => threshold(withThresholds({ twColdValueMin: 'most' }), 'twColdValueMin')).toThrow(
      /threshold twColdValueMin of HK\+TW-default-1 is not a decimal/,
    );
  });

  it('given two minimum shares, then the stricter (larger) one, whichever comes first', () => {
    expect(stricterMinimum(rational(3n, 4n), rational(49n, 50n))).toEqual(rational(49n, 50n));
    expect(stricterMinimum(rational(49n, 50n), rational(3n, 4n))).toEqual(rational(49n, 50n));
  });
});
