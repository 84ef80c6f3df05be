import type { Provider } from '@nestjs/common';
import { EvmChainReader } from '@custody/chain';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { EventSourcedStreams, PostgresEventStore } from '@custody/event-store';
import {
  CapitalReportQuery,
  ComplianceEvaluation,
  ComplianceFactsLoader,
  ComplianceStatusQuery,
  DecideWithdrawalHandler,
  EntitlementDisclosures,
  FactsRecorder,
  GovernHandler,
  OnChainChecksQuery,
  PolicyClock,
  PolicyProfiles,
  policyStreams,
  RecordComminglingExceptionHandler,
  RunOnChainCheckHandler,
  WithdrawalDecisionQuery,
  WithdrawalReservations,
} from '@custody/policy-application';
import { EVENT_STORE } from '@custody/service-host';
import { POLICY_CONFIG, type PolicyConfig } from './policy-config';
import { POLICY_CHAIN_READERS, POLICY_STREAMS } from './policy-tokens';

const decimals = new Map(
  Object.entries(DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>).map(
    ([asset, { decimals: places }]) => [asset, places],
  ),
);

/** What the policy's slices share: its streams, its clock, the chains it reads. */
const SHARED: Provider[] = [
  { provide: POLICY_STREAMS, inject: [EVENT_STORE], useFactory: policyStreams },
  { provide: PolicyClock, useFactory: () => new PolicyClock() },
  {
    provide: POLICY_CHAIN_READERS,
    inject: [POLICY_CONFIG],
    useFactory: (config: PolicyConfig) =>
      config.evm === undefined ? [] : [new EvmChainReader(config.evm)],
  },
];

/** Governance (policy versions, asset classification, maker-checker) and the version in force. */
const GOVERNANCE: Provider[] = [
  {
    provide: PolicyProfiles,
    inject: [POLICY_STREAMS, POLICY_CONFIG],
    useFactory: (streams: EventSourcedStreams, config: PolicyConfig) =>
      new PolicyProfiles(streams, config.jurisdictions),
  },
  {
    provide: GovernHandler,
    inject: [POLICY_STREAMS, POLICY_CONFIG],
    useFactory: (streams: EventSourcedStreams, config: PolicyConfig) =>
      new GovernHandler(streams, config.jurisdictions),
  },
  {
    provide: EntitlementDisclosures,
    inject: [POLICY_STREAMS],
    useFactory: (streams: EventSourcedStreams) => new EntitlementDisclosures(streams),
  },
];

/** The facts kept from the consumed messages, the rules over them, breaches, commingling exceptions. */
const COMPLIANCE: Provider[] = [
  {
    provide: FactsRecorder,
    inject: [EVENT_STORE],
    useFactory: (store: PostgresEventStore) => new FactsRecorder(store.schema),
  },
  {
    provide: ComplianceFactsLoader,
    inject: [EVENT_STORE, POLICY_STREAMS, POLICY_CONFIG],
    useFactory: (store: PostgresEventStore, streams: EventSourcedStreams, config: PolicyConfig) =>
      new ComplianceFactsLoader(store, streams, {
        reportCurrency: config.reportCurrency,
        decimals,
        insurance: config.insurance,
      }),
  },
  {
    provide: ComplianceEvaluation,
    inject: [EVENT_STORE, POLICY_STREAMS, PolicyClock, PolicyProfiles, ComplianceFactsLoader],
    useFactory: (
      store: PostgresEventStore,
      streams: EventSourcedStreams,
      clock: PolicyClock,
      profiles: PolicyProfiles,
      facts: ComplianceFactsLoader,
    ) => new ComplianceEvaluation(store.schema, streams, clock, profiles, facts),
  },
  {
    provide: ComplianceStatusQuery,
    inject: [PolicyClock, PolicyProfiles, ComplianceFactsLoader, ComplianceEvaluation],
    useFactory: (
      clock: PolicyClock,
      profiles: PolicyProfiles,
      facts: ComplianceFactsLoader,
      evaluation: ComplianceEvaluation,
    ) => new ComplianceStatusQuery(clock, profiles, facts, evaluation),
  },
  {
    provide: RecordComminglingExceptionHandler,
    inject: [EVENT_STORE, POLICY_STREAMS, ComplianceEvaluation, FactsRecorder],
    useFactory: (
      store: PostgresEventStore,
      streams: EventSourcedStreams,
      evaluation: ComplianceEvaluation,
      facts: FactsRecorder,
    ) => new RecordComminglingExceptionHandler(store, streams, evaluation, facts),
  },
];

/** BC-1..BC-4. */
const CAPITAL: Provider[] = [
  {
    provide: CapitalReportQuery,
    inject: [
      PolicyClock,
      PolicyProfiles,
      ComplianceFactsLoader,
      ComplianceEvaluation,
      POLICY_CONFIG,
    ],
    useFactory: (
      clock: PolicyClock,
      profiles: PolicyProfiles,
      facts: ComplianceFactsLoader,
      evaluation: ComplianceEvaluation,
      config: PolicyConfig,
    ) => new CapitalReportQuery(clock, profiles, facts, evaluation, config.tier1Capital),
  },
];

/** TW-14 (last paragraph): the on-chain check. */
const ON_CHAIN_CHECK: Provider[] = [
  {
    provide: RunOnChainCheckHandler,
    inject: [EVENT_STORE, POLICY_STREAMS, PolicyClock, PolicyProfiles, ComplianceFactsLoader],
    useFactory: (
      store: PostgresEventStore,
      streams: EventSourcedStreams,
      clock: PolicyClock,
      profiles: PolicyProfiles,
      facts: ComplianceFactsLoader,
    ) => new RunOnChainCheckHandler(store, streams, clock, profiles, facts),
  },
  {
    provide: OnChainChecksQuery,
    inject: [POLICY_STREAMS],
    useFactory: (streams: EventSourcedStreams) => new OnChainChecksQuery(streams),
  },
];

/** The withdrawal decisions the wallet asks for (HK-11h, HK-7, daily limits, HK-11d quorum). */
const WITHDRAWAL_DECISIONS: Provider[] = [
  {
    provide: WithdrawalReservations,
    inject: [EVENT_STORE],
    useFactory: (store: PostgresEventStore) => new WithdrawalReservations(store.schema),
  },
  {
    provide: DecideWithdrawalHandler,
    inject: [
      EVENT_STORE,
      POLICY_STREAMS,
      PolicyClock,
      PolicyProfiles,
      WithdrawalReservations,
      POLICY_CONFIG,
    ],
    useFactory: (
      store: PostgresEventStore,
      streams: EventSourcedStreams,
      clock: PolicyClock,
      profiles: PolicyProfiles,
      reservations: WithdrawalReservations,
      config: PolicyConfig,
    ) =>
      new DecideWithdrawalHandler(
        store,
        streams,
        clock,
        profiles,
        reservations,
        config.withdrawalLimits,
      ),
  },
  {
    provide: WithdrawalDecisionQuery,
    inject: [POLICY_STREAMS],
    useFactory: (streams: EventSourcedStreams) => new WithdrawalDecisionQuery(streams),
  },
];

/** Every slice of the policy service, each built by its factory from what it needs. */
export const POLICY_SLICES: Provider[] = [
  ...SHARED,
  ...GOVERNANCE,
  ...COMPLIANCE,
  ...CAPITAL,
  ...ON_CHAIN_CHECK,
  ...WITHDRAWAL_DECISIONS,
];
