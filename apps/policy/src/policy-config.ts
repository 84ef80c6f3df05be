import { parseEvmChainConfig, type EvmChainOptions } from '@custody/chain';
import type { ConfigProblem } from '@custody/service-host';
import type { InsurancePolicy, Jurisdiction, WithdrawalLimits } from '@custody/policy-domain';
import { z } from 'zod/v4';
import { parseDecimal } from '@custody/exact';

export const POLICY_CONFIG = Symbol('custody.policy.config');
export const POLICY_EVALUATION_INTERVAL_MS_DEFAULT = 60_000;
export const POLICY_EVALUATION_INTERVAL_MS_MIN = 1_000;
export const POLICY_EVALUATION_INTERVAL_MS_MAX = 3_600_000;
/** Insurance arrangements a deployment lists (a handful). */
export const INSURANCE_POLICIES_MAX = 100;

/** Quorum tiers a deployment configures (a few per asset). */
export const WITHDRAWAL_QUORUM_TIERS_MAX = 100;
/** No quorum above this: more custodians than any roster holds is a typo. */
export const WITHDRAWAL_QUORUM_MAX = 20;

const minorUnits = z.string().regex(/^(0|[1-9][0-9]{0,37})$/);
const withdrawalLimitsSchema = z.strictObject({
  baseQuorum: z.int().min(2).max(WITHDRAWAL_QUORUM_MAX).default(2),
  dailyPerClientMinor: z.record(z.string().regex(/^[A-Z0-9]{2,16}$/), minorUnits).default({}),
  quorumTiers: z
    .array(
      z.strictObject({
        asset: z.string().regex(/^[A-Z0-9]{2,16}$/),
        aboveMinor: minorUnits,
        quorum: z.int().min(2).max(WITHDRAWAL_QUORUM_MAX),
      }),
    )
    .max(WITHDRAWAL_QUORUM_TIERS_MAX)
    .default([]),
});

/** TW-14 (last paragraph): the on-chain check at least monthly. */
export const ONCHAIN_CHECK_INTERVAL_MS_DEFAULT = 30 * 24 * 60 * 60 * 1000;
export const ONCHAIN_CHECK_INTERVAL_MS_MIN = 60_000;
export const ONCHAIN_CHECK_INTERVAL_MS_MAX = 31 * 24 * 60 * 60 * 1000;

/** The token subject the wallet's service identity (role custody-service) has when POLICY_DECISION_SUBJECTS is not set: npm start's and the e2e tests' wallet. */
export const DECISION_SUBJECTS_DEFAULT = ['wallet-service'];
/** Subjects a deployment lists (the wallet's identity, one per rotation). */
export const DECISION_SUBJECTS_MAX = 16;
/** Token subjects: as identifiers everywhere (the wallet's WALLET_EXCHANGE_SUBJECTS alike). */
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9:._\-/@]{0,127}$/;

export interface PolicyConfig {
  readonly jurisdictions: readonly Jurisdiction[];
  readonly reportCurrency: string;
  /** BC-3: Tier 1 capital in the report currency; absent: no capital report (503). */
  readonly tier1Capital: string | undefined;
  readonly insurance: readonly InsurancePolicy[];
  /** Re-evaluation on a schedule, besides after each batch of events (prices go stale with time alone). */
  readonly evaluationIntervalMs: number;
  /** Client withdrawals: daily limits per asset and quorum tiers (minor units). */
  readonly withdrawalLimits: WithdrawalLimits;
  /** The chain the wallets live on, read by the on-chain check; absent: the check names every wallet unread. */
  readonly evm: EvmChainOptions | undefined;
  /** The on-chain check runs when the last one is older than this. */
  readonly onChainCheckIntervalMs: number;
  /**
   * POLICY_DECISION_SUBJECTS: the token subjects (role custody-service) that may ask for a client
   * withdrawal decision, i.e. the wallet. Any other custody-service identity (the exchange's) is
   * refused: a decision reserves the client's balance and daily limit under its withdrawal id.
   */
  readonly decisionSubjects: readonly string[];
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * POLICY_INSURANCE is a JSON array of {policyId, insurer, limit, expiresAt}: configuration, not a
 * secret. Every problem is reported, named by its variable.
 */
export function parsePolicyConfig(
  env: Environment,
): { ok: true; config: PolicyConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const jurisdictions = (env['POLICY_JURISDICTIONS'] || 'HK').split(',').map((code) => code.trim());
  if (
    jurisdictions.some((code) => code !== 'HK' && code !== 'TW') ||
    new Set(jurisdictions).size !== jurisdictions.length
  )
    problems.push({ variable: 'POLICY_JURISDICTIONS', reason: 'HK, TW or HK,TW' });
  const reportCurrency = env['POLICY_REPORT_CURRENCY'] || 'USD';
  if (!/^[A-Z]{3}$/.test(reportCurrency))
    problems.push({ variable: 'POLICY_REPORT_CURRENCY', reason: 'an ISO 4217 code' });
  const tier1 = env['POLICY_TIER1_CAPITAL'];
  if (
    tier1 !== undefined &&
    tier1 !== '' &&
    (parseDecimal(tier1) === undefined || tier1.startsWith('-') || /^0(\.0*)?$/.test(tier1))
  )
    problems.push({
      variable: 'POLICY_TIER1_CAPITAL',
      reason: 'a positive decimal in the report currency',
    });
  let insurance: InsurancePolicy[] = [];
  const insuranceText = env['POLICY_INSURANCE'];
  if (insuranceText !== undefined && insuranceText !== '') {
    try {
      const parsed = JSON.parse(insuranceText) as unknown;
      if (!Array.isArray(parsed) || parsed.length > INSURANCE_POLICIES_MAX)
        throw new Error('not an array');
      insurance = parsed.map((entry: Record<string, unknown>) => {
        const { policyId, insurer, limit, expiresAt } = entry;
        if (
          typeof policyId !== 'string' ||
          typeof insurer !== 'string' ||
          typeof limit !== 'string' ||
          parseDecimal(limit) === undefined ||
          typeof expiresAt !== 'string' ||
          Number.isNaN(Date.parse(expiresAt))
        )
          throw new Error('bad entry');
        return { policyId, insurer, limit, expiresAt: new Date(expiresAt).toISOString() };
      });
    } catch {
      problems.push({
        variable: 'POLICY_INSURANCE',
        reason: `a JSON array (at most ${INSURANCE_POLICIES_MAX}) of {"policyId","insurer","limit":"<decimal>","expiresAt":"<ISO instant>"}`,
      });
    }
  }
  const intervalText = env['POLICY_EVALUATION_INTERVAL_MS'];
  const evaluationIntervalMs =
    intervalText === undefined || intervalText === ''
      ? POLICY_EVALUATION_INTERVAL_MS_DEFAULT
      : Number(intervalText);
  if (
    !Number.isSafeInteger(evaluationIntervalMs) ||
    evaluationIntervalMs < POLICY_EVALUATION_INTERVAL_MS_MIN ||
    evaluationIntervalMs > POLICY_EVALUATION_INTERVAL_MS_MAX
  ) {
    problems.push({
      variable: 'POLICY_EVALUATION_INTERVAL_MS',
      reason: `${POLICY_EVALUATION_INTERVAL_MS_MIN} to ${POLICY_EVALUATION_INTERVAL_MS_MAX}`,
    });
  }
  let withdrawalLimits: WithdrawalLimits = {
    dailyPerClientMinor: new Map(),
    quorumTiers: [],
    baseQuorum: 2,
  };
  const limitsText = env['POLICY_WITHDRAWAL_LIMITS'];
  if (limitsText !== undefined && limitsText !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(limitsText);
    } catch {
      parsed = undefined;
    }
    const limits = withdrawalLimitsSchema.safeParse(parsed);
    if (limits.success) {
      withdrawalLimits = {
        baseQuorum: limits.data.baseQuorum,
        dailyPerClientMinor: new Map(
          Object.entries(limits.data.dailyPerClientMinor).map(([asset, amount]) => [
            asset,
            BigInt(amount),
          ]),
        ),
        quorumTiers: limits.data.quorumTiers.map((tier) => ({
          asset: tier.asset,
          aboveMinor: BigInt(tier.aboveMinor),
          quorum: tier.quorum,
        })),
      };
    } else {
      problems.push({
        variable: 'POLICY_WITHDRAWAL_LIMITS',
        reason: `JSON {"baseQuorum":2..${WITHDRAWAL_QUORUM_MAX},"dailyPerClientMinor":{"ETH":"<minor units>"},"quorumTiers":[{"asset","aboveMinor":"<minor units>","quorum"}]}`,
      });
    }
  }
  const chain = parseEvmChainConfig(env, 'POLICY_EVM');
  problems.push(...chain.problems);
  const checkText = env['POLICY_ONCHAIN_CHECK_INTERVAL_MS'];
  const onChainCheckIntervalMs =
    checkText === undefined || checkText === ''
      ? ONCHAIN_CHECK_INTERVAL_MS_DEFAULT
      : Number(checkText);
  if (
    !Number.isSafeInteger(onChainCheckIntervalMs) ||
    onChainCheckIntervalMs < ONCHAIN_CHECK_INTERVAL_MS_MIN ||
    onChainCheckIntervalMs > ONCHAIN_CHECK_INTERVAL_MS_MAX
  ) {
    problems.push({
      variable: 'POLICY_ONCHAIN_CHECK_INTERVAL_MS',
      reason: `${ONCHAIN_CHECK_INTERVAL_MS_MIN} to ${ONCHAIN_CHECK_INTERVAL_MS_MAX} (TW-14: at least monthly)`,
    });
  }
  const subjectsText = env['POLICY_DECISION_SUBJECTS'];
  const decisionSubjects =
    subjectsText === undefined || subjectsText.trim() === ''
      ? DECISION_SUBJECTS_DEFAULT
      : subjectsText.split(',').map((item) => item.trim());
  if (
    decisionSubjects.length > DECISION_SUBJECTS_MAX ||
    decisionSubjects.some((subject) => !SUBJECT.test(subject))
  ) {
    problems.push({
      variable: 'POLICY_DECISION_SUBJECTS',
      reason: `comma-separated token subjects (${SUBJECT.source}), at most ${DECISION_SUBJECTS_MAX}: the wallet's identity`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      jurisdictions: jurisdictions as Jurisdiction[],
      reportCurrency,
      tier1Capital: tier1 === undefined || tier1 === '' ? undefined : tier1,
      insurance,
      evaluationIntervalMs,
      withdrawalLimits,
      evm: chain.options,
      onChainCheckIntervalMs,
      decisionSubjects,
    },
  };
}
