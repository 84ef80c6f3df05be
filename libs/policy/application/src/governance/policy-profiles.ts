import type { EventSourcedStreams, Transaction } from '@custody/event-store';
import {
  activeProfile,
  defaultProfile,
  governanceDecider,
  type GovernanceState,
  type Jurisdiction,
  type PolicyProfile,
} from '@custody/policy-domain';
import { GOVERNANCE_STREAM_ID } from './governance-stream';

export interface ProfileInForce {
  readonly profile: PolicyProfile;
  /** 'approved' when a version went through maker-checker; 'default' while none has (the texts' thresholds). */
  readonly source: 'approved' | 'default';
}

/**
 * The governance record and the policy version in force, now or as of a past instant: what every
 * evaluation and decision of the other slices is taken under.
 */
export class PolicyProfiles {
  constructor(
    private readonly streams: EventSourcedStreams,
    /** The jurisdictions whose default thresholds apply until a policy version is approved. */
    private readonly jurisdictions: readonly Jurisdiction[],
  ) {}

  /** The governance record now, or as of a past instant (the decisions taken by then). */
  async governance(transaction?: Transaction, asOf?: string): Promise<GovernanceState> {
    return (
      await this.streams.load(
        GOVERNANCE_STREAM_ID,
        governanceDecider,
        transaction,
        asOf === undefined ? undefined : (event) => Date.parse(event.data.at) <= Date.parse(asOf),
      )
    ).state;
  }

  /** The approved version in force, or the default thresholds of the configured jurisdictions. */
  async profile(transaction?: Transaction, asOf?: string): Promise<ProfileInForce> {
    const approved = activeProfile(await this.governance(transaction, asOf));
    return approved === undefined
      ? { profile: defaultProfile(this.jurisdictions), source: 'default' }
      : { profile: approved, source: 'approved' };
  }
}
