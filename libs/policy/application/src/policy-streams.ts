import type { Fold, StreamCodec } from '@custody/event-store';
import type { ChainBalance, RuleResult } from '@custody/policy-domain';
import {
  evolveBreaches,
  evolveCommingling,
  evolveGovernance,
  initialComminglingState,
  initialGovernanceState,
  type BreachEvent,
  type ComminglingEvent,
  type ComminglingState,
  type GovernanceEvent,
  type GovernanceState,
  type OpenBreach,
} from '@custody/policy-domain';

/** Policy events store amounts (`...Minor`) as decimal text; every policy event at schema version 1. */
export const POLICY_CODEC: StreamCodec = { bigintFields: /Minor$/, schemaVersion: 1 };

export const GOVERNANCE_STREAM_ID = 'policy-governance';
export const COMMINGLING_STREAM_ID = 'policy-commingling-exceptions';
export const BREACHES_STREAM_ID = 'policy-breaches';

export const GOVERNANCE_AGGREGATE: Fold<GovernanceState, GovernanceEvent> = {
  initialState: initialGovernanceState,
  eventTypes: new Set([
    'PolicyVersionProposed',
    'PolicyVersionApproved',
    'PolicyVersionRejected',
    'AssetClassificationProposed',
    'AssetClassificationApproved',
    'AssetClassificationRejected',
  ]),
  evolve: evolveGovernance,
};

export const COMMINGLING_AGGREGATE: Fold<ComminglingState, ComminglingEvent> = {
  initialState: initialComminglingState,
  eventTypes: new Set(['ComminglingExceptionRecorded']),
  evolve: evolveCommingling,
};

export const BREACHES_AGGREGATE: Fold<ReadonlyMap<string, OpenBreach>, BreachEvent> = {
  initialState: new Map(),
  eventTypes: new Set(['ComplianceBreachDetected', 'ComplianceBreachResolved']),
  evolve: evolveBreaches,
};

export const ONCHAIN_CHECKS_STREAM_ID = 'policy-onchain-checks';

/** TW-14 (last paragraph): one check of the ratios and the cap on chain, with the heights read and every rule's evidence. */
export interface OnChainCheckRecorded {
  readonly type: 'OnChainComplianceChecked';
  readonly data: {
    readonly checkId: string;
    readonly at: string;
    readonly policyVersion: string;
    readonly heights: readonly { readonly chain: string; readonly blockNumber: string }[];
    readonly unread: readonly string[];
    readonly balances: readonly ChainBalance[];
    readonly results: readonly RuleResult[];
  };
}

export const ONCHAIN_CHECKS_AGGREGATE: Fold<
  readonly OnChainCheckRecorded['data'][],
  OnChainCheckRecorded
> = {
  initialState: [],
  eventTypes: new Set(['OnChainComplianceChecked']),
  evolve: (checks, event) => [...checks, event.data],
};
