import { max, parseDecimal, type Rational } from '@custody/exact';

/** Where the institution is licensed: each jurisdiction's rules apply; with both, the stricter result wins. */
export type Jurisdiction = 'HK' | 'TW';

/**
 * Every threshold of REQUIREMENTS.md as data, versioned. Ratios are exact decimals as text
 * ('0.98'); a policy version is immutable once approved (a change is a new version, maker-checker).
 */
export interface PolicyThresholds {
  /** HK-11g: share of each asset's client holdings in cold storage, by quantity. */
  readonly hkColdQuantityMin: string;
  /** TW-3 (1): share in cold by quantity (per asset). */
  readonly twColdQuantityMin: string;
  /** TW-3 (2): share in cold by value (all client assets). */
  readonly twColdValueMin: string;
  /** TW-4: house assets in a client hot wallet at most this share of the client assets in it. */
  readonly twHouseInHotMax: string;
  /** HK-11j: insurance cover of client assets in cold storage, by value. */
  readonly hkInsuranceColdMin: string;
  /** HK-11j: insurance cover of client assets in hot (and other) storage, by value. */
  readonly hkInsuranceHotMin: string;
  /** Age (ms) after which a price is stale: a value-based rule on it is indeterminate, never a pass. A duration, not an amount. */
  readonly staleAfterMs: number;
  /** BC-3: Group 2 exposure of own holdings, share of Tier 1 capital: normal limit and hard limit. */
  readonly group2SoftLimit: string;
  readonly group2HardLimit: string;
}

export interface PolicyProfile {
  /** `HK-2026.1`: named by every decision that used it. */
  readonly version: string;
  readonly jurisdictions: readonly Jurisdiction[];
  readonly thresholds: PolicyThresholds;
}

/** The texts' own figures (REQUIREMENTS.md): HK-11g 98%, TW-3 75%/85%, TW-4 20%, HK-11j 50%/100%, BC-3 1%/2%. */
export const DEFAULT_THRESHOLDS: PolicyThresholds = {
  hkColdQuantityMin: '0.98',
  twColdQuantityMin: '0.75',
  twColdValueMin: '0.85',
  twHouseInHotMax: '0.20',
  hkInsuranceColdMin: '0.50',
  hkInsuranceHotMin: '1.00',
  staleAfterMs: 15 * 60 * 1000,
  group2SoftLimit: '0.01',
  group2HardLimit: '0.02',
};

/** A price older than this is never accepted as fresh, whatever a profile says. */
export const PRICE_STALENESS_MS_MAX = 24 * 60 * 60 * 1000;

export function defaultProfile(jurisdictions: readonly Jurisdiction[]): PolicyProfile {
  return {
    version: `${[...jurisdictions].sort().join('+')}-default-1`,
    jurisdictions: [...jurisdictions].sort(),
    thresholds: DEFAULT_THRESHOLDS,
  };
}

export interface ProfileProblem {
  readonly path: string;
  readonly reason: string;
}

const RATIO_FIELDS = [
  'hkColdQuantityMin',
  'twColdQuantityMin',
  'twColdValueMin',
  'twHouseInHotMax',
  'hkInsuranceColdMin',
  'hkInsuranceHotMin',
  'group2SoftLimit',
  'group2HardLimit',
] as const;

/** Every reason a proposed profile cannot become a policy version (all of them). */
export function profileProblems(profile: PolicyProfile): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(profile.version))
    problems.push({
      path: 'version',
      reason: 'a version is 1 to 64 letters, digits, ., _, + or -',
    });
  if (
    profile.jurisdictions.length === 0 ||
    profile.jurisdictions.some((code) => code !== 'HK' && code !== 'TW')
  )
    problems.push({ path: 'jurisdictions', reason: 'HK, TW or both' });
  for (const field of RATIO_FIELDS) {
    const value = parseDecimal(profile.thresholds[field]);
    if (
      value === undefined ||
      value.numerator < 0n ||
      value.numerator > value.denominator * (field === 'hkInsuranceHotMin' ? 10n : 1n)
    ) {
      problems.push({
        path: `thresholds.${field}`,
        reason: 'a share as a decimal from 0 to 1 (insurance of hot storage up to 10)',
      });
    }
  }
  const soft = parseDecimal(profile.thresholds.group2SoftLimit);
  const hard = parseDecimal(profile.thresholds.group2HardLimit);
  if (
    soft !== undefined &&
    hard !== undefined &&
    soft.numerator * hard.denominator > hard.numerator * soft.denominator
  )
    problems.push({
      path: 'thresholds.group2SoftLimit',
      reason: 'the normal Group 2 limit is at most the hard limit (BC-3)',
    });
  const staleness = profile.thresholds.staleAfterMs;
  if (!Number.isSafeInteger(staleness) || staleness <= 0 || staleness > PRICE_STALENESS_MS_MAX)
    problems.push({ path: 'thresholds.staleAfterMs', reason: `1 to ${PRICE_STALENESS_MS_MAX} ms` });
  return problems;
}

/** A threshold as an exact rational (a profile is checked by `profileProblems` before it is used). */
export function threshold(profile: PolicyProfile, field: (typeof RATIO_FIELDS)[number]): Rational {
  const value = parseDecimal(profile.thresholds[field]);
  if (value === undefined)
    throw new Error(`assertion: threshold ${field} of ${profile.version} is not a decimal`);
  return value;
}

/** The larger of two minimum shares: with both jurisdictions, the stricter wins. */
export function stricterMinimum(a: Rational, b: Rational): Rational {
  return max(a, b);
}
