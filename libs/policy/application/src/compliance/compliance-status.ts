import { evaluateCompliance, type OpenBreach, type RuleResult } from '@custody/policy-domain';
import type { PolicyProfiles } from '../governance/policy-profiles';
import type { PolicyClock } from '../policy-clock';
import type { ComplianceEvaluation } from './compliance-evaluation';
import type { ComplianceFactsLoader } from './compliance-facts';

export interface ComplianceStatus {
  readonly asOf: string;
  readonly policyVersion: string;
  /** 'approved' when a version went through maker-checker; 'default' while none has (the texts' thresholds). */
  readonly policySource: 'approved' | 'default';
  readonly results: readonly RuleResult[];
  readonly openBreaches: readonly OpenBreach[];
}

/** The rules' answers with their evidence and the open breaches, now or as they were at a past instant. */
export class ComplianceStatusQuery {
  constructor(
    private readonly clock: PolicyClock,
    private readonly profiles: PolicyProfiles,
    private readonly facts: ComplianceFactsLoader,
    private readonly evaluation: ComplianceEvaluation,
  ) {}

  /** The rules' answers now (not recorded) and the open breaches. */
  async status(): Promise<ComplianceStatus> {
    const asOf = this.clock.at();
    const { profile, source } = await this.profiles.profile();
    return {
      asOf,
      policyVersion: profile.version,
      policySource: source,
      results: evaluateCompliance(await this.facts.facts(asOf), profile),
      openBreaches: [...(await this.evaluation.openBreaches()).values()],
    };
  }

  /**
   * The status as it was at a past instant, from history: the rules (this code) over the facts as
   * they had been recorded by then, under the policy version in force then, and the breaches
   * open then. For an instant the service had evaluated, equal to what its status said at that
   * instant (facts are recorded at the instant of the evaluation that took them in).
   */
  async statusAt(instant: string): Promise<ComplianceStatus> {
    const { profile, source } = await this.profiles.profile(undefined, instant);
    return {
      asOf: instant,
      policyVersion: profile.version,
      policySource: source,
      results: evaluateCompliance(await this.facts.facts(instant, undefined, true), profile),
      openBreaches: await this.evaluation.breachesAt(instant),
    };
  }
}
