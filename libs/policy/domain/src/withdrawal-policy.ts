import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { PolicyDecision, PolicyError } from './policy-errors';
import type { PolicyProfile } from './policy-profile';

/** Per asset: the most a client may withdraw in a business day, and the quorum by amount tier (amounts in minor units). */
export interface WithdrawalLimits {
  readonly dailyPerClientMinor: ReadonlyMap<string, bigint>;
  /** Sorted or not: the highest tier the amount exceeds applies. */
  readonly quorumTiers: readonly {
    readonly asset: string;
    readonly aboveMinor: bigint;
    readonly quorum: number;
  }[];
  /** The quorum when no tier applies (never below 2: HK-11d). */
  readonly baseQuorum: number;
}

export interface WithdrawalPolicyFacts {
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  /** HK-11h: the destination is on the client's own proven allow-list. */
  readonly destinationAllowListed: boolean;
  /** The client's available balance (posted minus held) in the ledger. */
  readonly availableMinor: bigint;
  /** What the client already withdrew (or has held for withdrawal) today. */
  readonly withdrawnTodayMinor: bigint;
}

export interface WithdrawalPolicyVerdict {
  readonly allowed: boolean;
  readonly quorumRequired: number;
  readonly reason: string;
  readonly policyVersion: string;
  /** Every check with its inputs: the evidence of the decision. */
  readonly checks: readonly {
    readonly check: string;
    readonly passed: boolean;
    readonly detail: string;
  }[];
}

/** HK-11d: never fewer than two people. */
export const QUORUM_FLOOR = 2;

/**
 * The withdrawal decision: allowed only to the client's own proven address (HK-11h), within the
 * available balance (HK-7: never below zero) and the client's daily limit for the asset; the
 * quorum grows with the amount by tier. Every check is reported, passed or not.
 */
export function decideWithdrawalPolicy(
  facts: WithdrawalPolicyFacts,
  limits: WithdrawalLimits,
  profile: PolicyProfile,
): WithdrawalPolicyVerdict {
  const daily = limits.dailyPerClientMinor.get(facts.asset);
  const checks = [
    { check: 'amount', passed: facts.amountMinor > 0n, detail: `${facts.amountMinor} minor units` },
    {
      check: 'HK-11h allow-listed destination',
      passed: facts.destinationAllowListed,
      detail: facts.destinationAllowListed
        ? "on the client's proven allow-list"
        : "not on the client's proven allow-list",
    },
    {
      check: 'HK-7 available balance',
      passed: facts.availableMinor >= facts.amountMinor,
      detail: `${facts.availableMinor} available, ${facts.amountMinor} asked`,
    },
    {
      check: 'daily limit',
      passed: daily === undefined || facts.withdrawnTodayMinor + facts.amountMinor <= daily,
      detail:
        daily === undefined
          ? `no daily limit for ${facts.asset}`
          : `${facts.withdrawnTodayMinor} already today + ${facts.amountMinor} against ${daily}`,
    },
  ];
  const tier = limits.quorumTiers
    .filter((entry) => entry.asset === facts.asset && facts.amountMinor > entry.aboveMinor)
    .sort((a, b) => b.quorum - a.quorum)[0];
  if (!Number.isSafeInteger(limits.baseQuorum) || limits.baseQuorum < 1)
    throw new Error('assertion: a base quorum is a positive integer');
  const quorumRequired = Math.max(QUORUM_FLOOR, limits.baseQuorum, tier?.quorum ?? 0);
  const failed = checks.filter((entry) => !entry.passed);
  return {
    allowed: failed.length === 0,
    quorumRequired,
    reason:
      failed.length === 0
        ? `allowed with a quorum of ${quorumRequired}${tier === undefined ? '' : ` (above ${tier.aboveMinor} ${facts.asset})`}`
        : failed.map((entry) => `${entry.check}: ${entry.detail}`).join('; '),
    policyVersion: profile.version,
    checks,
  };
}

/** What the wallet asks about one withdrawal: the wallet knows the allow-list, the policy service the books and limits. */
export interface WithdrawalDecisionRequest {
  readonly withdrawalId: string;
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly destinationAllowListed: boolean;
}

/** The decision as recorded (`WithdrawalPolicyDecided`): the request, the facts it was taken on, the verdict with its checks. */
export interface WithdrawalPolicyDecided {
  readonly type: 'WithdrawalPolicyDecided';
  readonly data: WithdrawalDecisionRequest & {
    readonly allowed: boolean;
    readonly quorumRequired: number;
    readonly reason: string;
    readonly policyVersion: string;
    readonly checks: WithdrawalPolicyVerdict['checks'];
    readonly availableMinor: bigint;
    readonly withdrawnTodayMinor: bigint;
    readonly at: string;
    /** The authenticated caller (token `sub`) who asked (issue 22). Absent in decisions recorded before it was kept. */
    readonly requestedBy?: string;
  };
}

/**
 * A withdrawal is decided once: asked again with the same request (a retry, a redelivered
 * message), the recorded decision stands and nothing new is recorded; asked with a different
 * request under the same id, refused (an id names one withdrawal).
 */
export function decideWithdrawal(
  recorded: WithdrawalPolicyDecided['data'] | undefined,
  request: WithdrawalDecisionRequest,
  facts: Pick<WithdrawalPolicyFacts, 'availableMinor' | 'withdrawnTodayMinor'>,
  limits: WithdrawalLimits,
  profile: PolicyProfile,
  at: string,
): PolicyDecision<WithdrawalPolicyDecided> {
  if (recorded !== undefined) {
    const same =
      recorded.clientId === request.clientId &&
      recorded.asset === request.asset &&
      recorded.amountMinor === request.amountMinor &&
      recorded.destinationAllowListed === request.destinationAllowListed;
    return same
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: {
            code: 'WITHDRAWAL_DECISION_CONFLICT',
            path: 'withdrawalId',
            reason: `${request.withdrawalId} was decided at ${recorded.at} for ${recorded.amountMinor} ${recorded.asset} of ${recorded.clientId}`,
          },
        };
  }
  const verdict = decideWithdrawalPolicy({ ...request, ...facts }, limits, profile);
  return {
    ok: true,
    events: [
      {
        type: 'WithdrawalPolicyDecided',
        data: {
          ...request,
          allowed: verdict.allowed,
          quorumRequired: verdict.quorumRequired,
          reason: verdict.reason,
          policyVersion: verdict.policyVersion,
          checks: verdict.checks,
          availableMinor: facts.availableMinor,
          withdrawnTodayMinor: facts.withdrawnTodayMinor,
          at,
        },
      },
    ],
  };
}

/** Decide one withdrawal asked for at `at`. */
export interface DecideWithdrawalPolicy {
  readonly type: 'DecideWithdrawalPolicy';
  readonly request: WithdrawalDecisionRequest;
  readonly at: string;
}

/**
 * What a withdrawal is decided on besides its request: the client's books now, the limits, the
 * policy in force.
 */
export interface WithdrawalDecisionFacts extends Pick<
  WithdrawalPolicyFacts,
  'availableMinor' | 'withdrawnTodayMinor'
> {
  readonly limits: WithdrawalLimits;
  readonly profile: PolicyProfile;
}

/**
 * A withdrawal's decision stream (`policy-withdrawal-<withdrawalId>`): decided once, the recorded
 * decision its state.
 */
export const withdrawalDecisionDecider: Decider<
  DecideWithdrawalPolicy,
  WithdrawalPolicyDecided,
  WithdrawalPolicyDecided['data'] | undefined,
  PolicyError,
  WithdrawalDecisionFacts
> = {
  initialState: undefined,
  eventTypes: eventTypesOf<WithdrawalPolicyDecided>({ WithdrawalPolicyDecided: true }),
  decide(command, recorded, { availableMinor, withdrawnTodayMinor, limits, profile }) {
    const books = { availableMinor, withdrawnTodayMinor };
    return decideWithdrawal(recorded, command.request, books, limits, profile, command.at);
  },
  evolve(_recorded, event) {
    switch (event.type) {
      case 'WithdrawalPolicyDecided':
        return event.data;
      default:
        return unhandled(event.type);
    }
  },
};
