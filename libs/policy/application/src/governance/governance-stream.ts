import type { Fold } from '@custody/event-store';
import {
  evolveGovernance,
  initialGovernanceState,
  type GovernanceEvent,
  type GovernanceState,
} from '@custody/policy-domain';

/** One stream holds every policy version and asset classification, proposed and decided. */
export const GOVERNANCE_STREAM_ID = 'policy-governance';

export const GOVERNANCE_FOLD: Fold<GovernanceState, GovernanceEvent> = {
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
