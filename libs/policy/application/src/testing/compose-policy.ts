import type { PostgresEventStore } from '@custody/event-store';
import type { InsurancePolicy, Jurisdiction, WithdrawalLimits } from '@custody/policy-domain';
import { CapitalReportQuery } from '../capital/capital-report';
import { ComplianceEvaluation } from '../compliance/compliance-evaluation';
import { ComplianceFactsLoader } from '../compliance/compliance-facts';
import { ComplianceStatusQuery } from '../compliance/compliance-status';
import { RecordComminglingExceptionHandler } from '../compliance/record-commingling-exception';
import { FactsRecorder } from '../facts/facts-recorder';
import { GovernHandler } from '../governance/govern';
import { PolicyProfiles } from '../governance/policy-profiles';
import { applyPolicyMessages } from '../messages/policy-messages';
import { OnChainChecksQuery } from '../on-chain-check/onchain-checks-query';
import { RunOnChainCheckHandler } from '../on-chain-check/run-onchain-check';
import { PolicyClock } from '../policy-clock';
import { policyStreams } from '../policy-codec';
import { migratePolicyTables } from '../policy-tables';
import { DecideWithdrawalHandler } from '../withdrawal-decisions/decide-withdrawal';
import { WithdrawalDecisionQuery } from '../withdrawal-decisions/withdrawal-decision-query';
import { WithdrawalReservations } from '../withdrawal-decisions/withdrawal-reservations';

export interface ComposePolicyOptions {
  readonly store: PostgresEventStore;
  readonly jurisdictions: readonly Jurisdiction[];
  readonly reportCurrency: string;
  readonly decimals: ReadonlyMap<string, number>;
  readonly insurance: readonly InsurancePolicy[];
  readonly tier1Capital?: string;
  readonly withdrawalLimits?: WithdrawalLimits;
  readonly now?: () => Date;
}

/**
 * Every slice over one event store, wired as apps/policy's module wires them (for the specs: the
 * service's composition root is its Nest module).
 */
export function composePolicy(options: ComposePolicyOptions) {
  const { store } = options;
  const streams = policyStreams(store);
  const clock = new PolicyClock(options.now);
  const profiles = new PolicyProfiles(streams, options.jurisdictions);
  const facts = new FactsRecorder(store.schema);
  const factsLoader = new ComplianceFactsLoader(store, streams, options);
  const evaluation = new ComplianceEvaluation(store.schema, streams, clock, profiles, factsLoader);
  const reservations = new WithdrawalReservations(store.schema);
  return {
    store,
    clock,
    profiles,
    facts,
    factsLoader,
    evaluation,
    reservations,
    govern: new GovernHandler(streams, options.jurisdictions),
    compliance: new ComplianceStatusQuery(clock, profiles, factsLoader, evaluation),
    commingling: new RecordComminglingExceptionHandler(store, streams, evaluation, facts),
    capital: new CapitalReportQuery(clock, profiles, factsLoader, evaluation, options.tier1Capital),
    runOnChainCheck: new RunOnChainCheckHandler(store, streams, clock, profiles, factsLoader),
    onChainChecks: new OnChainChecksQuery(streams),
    decideWithdrawal: new DecideWithdrawalHandler(
      store,
      streams,
      clock,
      profiles,
      reservations,
      options.withdrawalLimits,
    ),
    withdrawalDecision: new WithdrawalDecisionQuery(streams),
    applyMessages: applyPolicyMessages({ facts, reservations, evaluation }),
    migrate: () => migratePolicyTables(store.pool, store.schema),
  };
}

export type ComposedPolicy = ReturnType<typeof composePolicy>;
