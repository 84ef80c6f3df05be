import { capitalReport, type CapitalReport, type CryptoAssetGroup } from '@custody/policy-domain';
import type { ComplianceEvaluation } from '../compliance/compliance-evaluation';
import type { ComplianceFactsLoader } from '../compliance/compliance-facts';
import type { PolicyProfiles } from '../governance/policy-profiles';
import type { PolicyClock } from '../policy-clock';

/**
 * BC-1..BC-4: the capital report over the facts now, the approved asset classification and the
 * open breaches (segregation in doubt while one is open).
 */
export class CapitalReportQuery {
  constructor(
    private readonly clock: PolicyClock,
    private readonly profiles: PolicyProfiles,
    private readonly facts: ComplianceFactsLoader,
    private readonly evaluation: ComplianceEvaluation,
    /** BC-3: Tier 1 capital in the report currency, decimal text; absent: no capital report. */
    private readonly tier1Capital: string | undefined,
  ) {}

  /** BC-1..BC-4 as of now; undefined when no Tier 1 capital is configured. */
  async report(): Promise<CapitalReport | undefined> {
    const tier1 = this.tier1Capital;
    if (tier1 === undefined) return undefined;
    const asOf = this.clock.at();
    const [{ profile }, governance, open] = await Promise.all([
      this.profiles.profile(),
      this.profiles.governance(),
      this.evaluation.openBreaches(),
    ]);
    const classification: ReadonlyMap<string, CryptoAssetGroup> = governance.classification;
    return capitalReport(await this.facts.facts(asOf), profile, classification, tier1, [
      ...open.values(),
    ]);
  }
}
