import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { PolicyController } from './http/policy.controller';
import { parsePolicyConfig, POLICY_CONFIG } from './policy-config';
import { PolicyRuntime } from './policy-runtime';

/**
 * The policy service: policy versions and asset classification (maker-checker), commingling
 * exceptions, continuous compliance (TW-3/4, HK-11g/j) with breaches detected once and resolved,
 * capital report (BC-1..4). The host gives it authentication, probes, metrics, its event store
 * (schema 'policy'), the relay to custody.policy.events.v1 and the auditor's event-log endpoints.
 */
@Module({
  controllers: [PolicyController],
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
    PolicyRuntime,
  ],
})
export class PolicyModule {}
