import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { ComplianceController } from './http/compliance.controller';
import { EntitlementDisclosuresController } from './http/entitlement-disclosures.controller';
import { GovernanceController } from './http/governance.controller';
import { OnChainChecksController } from './http/onchain-checks.controller';
import { WithdrawalDecisionsController } from './http/withdrawal-decisions.controller';
import { POLICY_INBOX_TRANSPORT, PolicyMessagesController } from './messaging/policy-ingestion';
import { OpenBreachesGauge } from './open-breaches-gauge';
import { parsePolicyConfig, POLICY_CONFIG } from './policy-config';
import { POLICY_SLICES } from './policy-slices';
import { PolicyTables } from './policy-tables';
import { PolicySchedule } from './schedule/policy-schedule';

/**
 * The policy service: policy versions and asset classification (maker-checker), commingling
 * exceptions, continuous compliance (TW-3/4, HK-11g/j) with breaches detected once and resolved,
 * capital report (BC-1..4), withdrawal decisions, the on-chain check (TW-14). The host gives it
 * authentication, probes, metrics, its event store (schema 'policy'), the relay to
 * custody.policy.events.v1 and the auditor's event-log endpoints. Its composition root: each
 * slice is built by a factory (policy-slices.ts); the tables, the consumer and the schedule start
 * and stop with the application.
 */
@Module({
  controllers: [
    ComplianceController,
    GovernanceController,
    EntitlementDisclosuresController,
    OnChainChecksController,
    WithdrawalDecisionsController,
    PolicyMessagesController,
  ],
  providers: [
    {
      provide: POLICY_CONFIG,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) => {
        const parsed = parsePolicyConfig(environment);
        if (!parsed.ok) throw new Error(formatConfigProblems('policy', parsed.problems)); // checked before start-up (ownConfigProblems)
        return parsed.config;
      },
      inject: [SERVICE_ENVIRONMENT],
    },
    ...POLICY_SLICES,
    PolicyTables,
    POLICY_INBOX_TRANSPORT,
    PolicySchedule,
    OpenBreachesGauge,
  ],
})
export class PolicyModule {}
