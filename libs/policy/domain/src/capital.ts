import {
  add,
  compare,
  divide,
  min,
  multiply,
  parseDecimal,
  rational,
  subtract,
  sum,
  toDecimalText,
  toDecimalTextUp,
  toExactDecimalText,
  ZERO,
  type Rational,
} from '@custody/exact';
import { valueOf, type ComplianceFacts, type PriceProblem } from './facts';
import { threshold, type PolicyProfile } from './policy-profile';
import type { OpenBreach } from './breaches';

/** BC-1: the Basel crypto-asset groups. */
export type CryptoAssetGroup = '1a' | '1b' | '2a' | '2b';
export const CRYPTO_ASSET_GROUPS: readonly CryptoAssetGroup[] = ['1a', '1b', '2a', '2b'];

/** BC-2: Group 2b (and Group 2 above the limits) takes 1250%. */
export const RISK_WEIGHT_1250 = rational(125n, 10n);
/**
 * Risk weights of the other groups in this report: 100% each, a stated simplification (Group 1a
 * and 1b follow their underlying exposure's weight, Group 2a the market-risk treatment); the
 * classification registry may later carry a weight per asset.
 */
export const RISK_WEIGHT_DEFAULT = rational(1n);

export type Group2Status = 'within 1%' | 'above 1%' | 'above 2% limit';

/** The report's risk-weighted lines, in this order: each group, and BC-3's excess above the soft limit on its own. */
export type RwaLineId =
  'group-1a' | 'group-1b' | 'group-2a' | 'group-2b' | 'group-2-above-soft-limit';

/**
 * One line of the risk-weighted assets: an exposure (report currency), its weight and their
 * product. The lines' exposures add up to the own holdings' value, their products to the total.
 * Figures are rounded up to the cent (a capital charge is never shown smaller than it is).
 */
export interface RwaLine {
  readonly line: RwaLineId;
  /** What the line weighs and why at that weight, in words. */
  readonly basis: string;
  readonly exposure: string;
  readonly riskWeight: '100%' | '1250%';
  readonly riskWeightedAssets: string;
}

/** An own holding in one wallet: a house wallet's whole balance, or the house share of a client wallet (a TW-4 exception). */
export interface OwnHolding {
  readonly walletId: string;
  readonly ownerClass: 'client-segregated' | 'house';
  readonly asset: string;
  readonly amountMinor: string;
}

export interface CapitalReport {
  readonly asOf: string;
  readonly policyVersion: string;
  readonly reportCurrency: string;
  /**
   * 'complete', or why a figure is missing (a stale or missing price, own balances not observed):
   * then no status is claimed and no Group 2 total, share or risk-weighted figure is given (null).
   */
  readonly valuation: 'complete' | 'indeterminate';
  readonly valuationGaps: readonly string[];
  readonly priceProblems: readonly PriceProblem[];
  readonly exposures: readonly {
    readonly asset: string;
    readonly group: CryptoAssetGroup;
    readonly classified: boolean;
    readonly amountMinor: string;
    readonly value: string;
  }[];
  /** Per wallet and asset (in the facts' order: by wallet, then asset), what of it is the institution's own; the exposures sum these per asset. */
  readonly ownHoldings: readonly OwnHolding[];
  readonly byGroup: Readonly<Record<CryptoAssetGroup, string>> | null;
  readonly tier1Capital: string;
  readonly group2Exposure: string | null;
  /** Rounded up (a share held against a limit is never shown below it). */
  readonly group2ShareOfTier1: string | null;
  readonly group2Status: Group2Status | 'indeterminate';
  /** The sum of the lines, rounded up; null while valuation is indeterminate (never "0.00" for unknown). */
  readonly riskWeightedAssets: string | null;
  readonly riskWeightedAssetLines: readonly RwaLine[] | null;
  /** BC-4: client custody assets, shown apart, with whether segregation holds. */
  readonly clientCustody: {
    readonly holdings: readonly { readonly asset: string; readonly amountMinor: string }[];
    /** 'not evaluated': the policy in force does not check commingling (no TW-4 rule), so nothing is claimed. */
    readonly segregation: 'holds' | 'in doubt' | 'not evaluated';
    readonly statement: string;
    readonly openBreaches: readonly string[];
  };
}

/** The rules whose open breach puts segregation, and so the BC-4 relief, in doubt. */
export const SEGREGATION_RULES: ReadonlySet<string> = new Set(['TW-4', 'HK-6', 'TW-12']);

/**
 * BC-1..BC-4 over the institution's OWN holdings (house wallets and house shares in client
 * wallets): exposure per group at current prices; Group 2 exposure as a share of Tier 1; within
 * 1% normal weights (2b at 1250%), above 1% the excess at 1250% on a line of its own (taken from
 * Group 2a first: 2b is at 1250% already), above 2% all Group 2 at 1250%. An unclassified asset
 * is 2b. While any own balance or price is unknown, no Group 2 total, share, status or
 * risk-weighted figure is given. Client custody assets are listed apart: segregated, they carry
 * no credit or market risk capital, unless an open TW-4 / HK-6 breach puts that in doubt.
 */
export function capitalReport(
  facts: ComplianceFacts,
  profile: PolicyProfile,
  classification: ReadonlyMap<string, CryptoAssetGroup>,
  tier1Capital: string,
  openBreaches: readonly OpenBreach[],
): CapitalReport {
  const tier1 = parseDecimal(tier1Capital);
  if (tier1 === undefined || tier1.numerator <= 0n)
    throw new Error('assertion: Tier 1 capital is a positive decimal');
  const own = new Map<string, bigint>();
  const client = new Map<string, bigint>();
  const ownHoldings: OwnHolding[] = [];
  for (const holding of facts.holdings) {
    const house =
      holding.ownerClass === 'house'
        ? holding.clientMinor + holding.houseMinor
        : holding.houseMinor;
    own.set(holding.asset, (own.get(holding.asset) ?? 0n) + house);
    if (house !== 0n)
      ownHoldings.push({
        walletId: holding.walletId,
        ownerClass: holding.ownerClass,
        asset: holding.asset,
        amountMinor: house.toString(),
      });
    if (holding.ownerClass === 'client-segregated')
      client.set(holding.asset, (client.get(holding.asset) ?? 0n) + holding.clientMinor);
  }
  const priceProblems: PriceProblem[] = [];
  const exposures: {
    asset: string;
    group: CryptoAssetGroup;
    classified: boolean;
    amountMinor: bigint;
    value: Rational;
  }[] = [];
  // Stryker disable next-line EqualityOperator: the keys of a Map are unique, so a and b are never equal and a <= b is a < b
  for (const [asset, amountMinor] of [...own].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (amountMinor === 0n) continue;
    const group = classification.get(asset) ?? '2b';
    const valued = valueOf(facts, asset, amountMinor, profile.thresholds.staleAfterMs);
    if (!('value' in valued)) priceProblems.push(valued);
    exposures.push({
      asset,
      group,
      classified: classification.has(asset),
      amountMinor,
      value: 'value' in valued ? valued.value : ZERO,
    });
  }
  const byGroup = Object.fromEntries(
    CRYPTO_ASSET_GROUPS.map((group) => [
      group,
      sum(exposures.filter((entry) => entry.group === group).map((entry) => entry.value)),
    ]),
  ) as Record<CryptoAssetGroup, Rational>;
  const group2 = add(byGroup['2a'], byGroup['2b']);
  const share = divide(group2, tier1);
  const soft = threshold(profile, 'group2SoftLimit');
  const hard = threshold(profile, 'group2HardLimit');
  const status: Group2Status =
    compare(share, soft) <= 0
      ? 'within 1%'
      : compare(share, hard) <= 0
        ? 'above 1%'
        : 'above 2% limit';
  const lines = rwaLines(byGroup, group2, tier1, soft, hard, status);
  const segregationBreaches = openBreaches.filter((breach) => SEGREGATION_RULES.has(breach.ruleId));
  // Own balances are complete only when the facts miss nothing and no own holding is negative.
  const valuationGaps = [
    ...(facts.gaps ?? []),
    ...[...own]
      .filter(([, amount]) => amount < 0n)
      .map(
        ([asset, amount]) =>
          `own ${asset} is negative (${amount}): fees paid without a recorded house float`,
      ),
    ...priceProblems.map((problem) => `${problem.asset} price ${problem.problem}`),
  ];
  const indeterminate = valuationGaps.length > 0;
  // TW-4 checks commingling per wallet; HK-6 / TW-12 check the books' client assets are in client wallets
  const segregationChecked = profile.jurisdictions.includes('TW') || facts.books !== undefined;
  const money = (value: Rational) => toDecimalText(value, 2);
  const charge = (value: Rational) => toDecimalTextUp(value, 2);
  return {
    asOf: facts.asOf,
    policyVersion: profile.version,
    reportCurrency: facts.reportCurrency,
    valuation: indeterminate ? 'indeterminate' : 'complete',
    valuationGaps,
    priceProblems,
    exposures: exposures.map((entry) => ({
      asset: entry.asset,
      group: entry.group,
      classified: entry.classified,
      amountMinor: entry.amountMinor.toString(),
      value: money(entry.value),
    })),
    ownHoldings,
    byGroup: indeterminate
      ? null
      : (Object.fromEntries(
          CRYPTO_ASSET_GROUPS.map((group) => [group, money(byGroup[group])]),
        ) as Record<CryptoAssetGroup, string>),
    tier1Capital,
    group2Exposure: indeterminate ? null : money(group2),
    group2ShareOfTier1: indeterminate ? null : percent(share),
    group2Status: indeterminate ? 'indeterminate' : status,
    riskWeightedAssets: indeterminate ? null : charge(sum(lines.map((line) => line.rwa))),
    riskWeightedAssetLines: indeterminate
      ? null
      : lines.map((line) => ({
          line: line.line,
          basis: line.basis,
          exposure: charge(line.exposure),
          riskWeight: line.riskWeight,
          riskWeightedAssets: charge(line.rwa),
        })),
    clientCustody: {
      holdings: [...client]
        .filter(([, amount]) => amount !== 0n)
        // Stryker disable next-line EqualityOperator: the keys of a Map are unique, so a and b are never equal and a <= b is a < b
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([asset, amountMinor]) => ({ asset, amountMinor: amountMinor.toString() })),
      segregation:
        segregationBreaches.length > 0
          ? 'in doubt'
          : segregationChecked
            ? 'holds'
            : 'not evaluated',
      statement:
        segregationBreaches.length === 0
          ? segregationChecked
            ? 'Client assets are held in segregated client wallets and accounts: no credit or market risk capital is held against them (BC-4).'
            : "The policy in force does not check commingling (no TW-4 rule) and the ledger's books are not read (no HK-6 rule): whether client assets are segregated is not evaluated here, so the BC-4 relief is not asserted."
          : `Segregation is in doubt while these breaches are open: ${segregationBreaches.map((breach) => `${breach.ruleId} ${breach.subject} since ${breach.detectedAt}`).join('; ')}. The BC-4 relief for client assets may not apply.`,
      openBreaches: segregationBreaches.map((breach) => breach.breachId),
    },
  };
}

/** A share as a percentage with 4 decimals, rounded up: 1.00001% shows 1.0001%, never 1.0000%. */
function percent(share: Rational): string {
  return `${toDecimalTextUp(multiply(share, rational(100n)), 4)}%`;
}

interface ComputedLine {
  readonly line: RwaLineId;
  readonly basis: string;
  readonly exposure: Rational;
  readonly riskWeight: RwaLine['riskWeight'];
  readonly rwa: Rational;
}

const WEIGHTS: Readonly<Record<RwaLine['riskWeight'], Rational>> = {
  '100%': RISK_WEIGHT_DEFAULT,
  '1250%': RISK_WEIGHT_1250,
};

/**
 * BC-2 / BC-3 as lines: Group 1 at 100% (the stated simplification), Group 2a at 100% and 2b at
 * 1250% up to the soft limit, the Group 2 exposure above the soft limit (1% of Tier 1) at 1250%
 * on its own line, taken from 2a first (2b is at 1250% either way); above the hard limit (2%)
 * every Group 2 line takes 1250%.
 */
function rwaLines(
  byGroup: Readonly<Record<CryptoAssetGroup, Rational>>,
  group2: Rational,
  tier1: Rational,
  soft: Rational,
  hard: Rational,
  status: Group2Status,
): ComputedLine[] {
  const softLimit = multiply(tier1, soft);
  const excess = status === 'within 1%' ? ZERO : subtract(group2, softLimit);
  const fromTwoA = min(excess, byGroup['2a']);
  const fromTwoB = subtract(excess, fromTwoA);
  const pastHard = status === 'above 2% limit';
  const limits = `${percent(soft)} of Tier 1 (${toExactDecimalText(softLimit)})`;
  const line = (
    id: RwaLineId,
    basis: string,
    exposure: Rational,
    riskWeight: RwaLine['riskWeight'],
  ): ComputedLine => ({
    line: id,
    basis,
    exposure,
    riskWeight,
    rwa: multiply(exposure, WEIGHTS[riskWeight]),
  });
  return [
    line('group-1a', 'Group 1a (BC-1) at 100%', byGroup['1a'], '100%'),
    line('group-1b', 'Group 1b (BC-1) at 100%', byGroup['1b'], '100%'),
    pastHard
      ? line(
          'group-2a',
          `Group 2a up to ${limits} at 1250%: Group 2 is above ${percent(hard)} of Tier 1, all of it takes 1250% (BC-3)`,
          subtract(byGroup['2a'], fromTwoA),
          '1250%',
        )
      : line(
          'group-2a',
          `Group 2a up to ${limits} at 100%`,
          subtract(byGroup['2a'], fromTwoA),
          '100%',
        ),
    line(
      'group-2b',
      `Group 2b, unclassified included (BC-1), up to ${limits} at 1250% (BC-2)`,
      subtract(byGroup['2b'], fromTwoB),
      '1250%',
    ),
    line('group-2-above-soft-limit', `Group 2 above ${limits} at 1250% (BC-3)`, excess, '1250%'),
  ];
}
