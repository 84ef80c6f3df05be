import type { Fold } from '@custody/event-store';
import {
  evolveBreaches,
  evolveCommingling,
  initialComminglingState,
  type BreachEvent,
  type ComminglingEvent,
  type ComminglingState,
  type OpenBreach,
} from '@custody/policy-domain';

/** TW-4: the commingling exceptions recorded before house assets enter a client wallet. */
export const COMMINGLING_STREAM_ID = 'policy-commingling-exceptions';
/** Every breach detected and resolved (relayed to custody.policy.events.v1). */
export const BREACHES_STREAM_ID = 'policy-breaches';

export const COMMINGLING_FOLD: Fold<ComminglingState, ComminglingEvent> = {
  initialState: initialComminglingState,
  eventTypes: new Set(['ComminglingExceptionRecorded']),
  evolve: evolveCommingling,
};

export const BREACHES_FOLD: Fold<ReadonlyMap<string, OpenBreach>, BreachEvent> = {
  initialState: new Map(),
  eventTypes: new Set(['ComplianceBreachDetected', 'ComplianceBreachResolved']),
  evolve: evolveBreaches,
};
