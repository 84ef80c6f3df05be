import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@custody/observability';
import { ComplianceEvaluation } from '@custody/policy-application';
import { scrapedGauge, SERVICE_LOGGER, SERVICE_METRICS } from '@custody/service-host';
import { PolicyTables } from './policy-tables';

/** custody_policy_open_breaches: read from the breach record on each scrape, once the tables exist. */
@Injectable()
export class OpenBreachesGauge implements OnModuleInit {
  constructor(
    @Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(ComplianceEvaluation) private readonly evaluation: ComplianceEvaluation,
  ) {}

  onModuleInit(): void {
    scrapedGauge(this.metrics, this.logger, {
      name: 'custody_policy_open_breaches',
      help: 'Compliance breaches detected and not yet resolved, by rule (TW-3, TW-4, HK-6, ...).',
      labelNames: ['rule'] as const,
      read: async () => {
        if (!this.tables.isReady) return undefined;
        const byRule = new Map<string, number>();
        for (const breach of (await this.evaluation.openBreaches()).values())
          byRule.set(breach.ruleId, (byRule.get(breach.ruleId) ?? 0) + 1);
        return [...byRule].map(([rule, count]) => [{ rule }, count] as const);
      },
    });
  }
}
