import type { EventSourcedStreams, Executed } from '@custody/event-store';
import {
  governanceDecider,
  type GovernanceCommand,
  type GovernanceEvent,
  type GovernanceState,
  type Jurisdiction,
  type PolicyError,
} from '@custody/policy-domain';
import { GOVERNANCE_STREAM_ID } from './governance-stream';

/** A governance command as asked: a proposal names no jurisdictions (the deployment's apply). */
export type GovernanceRequest =
  | Exclude<GovernanceCommand, { type: 'ProposePolicyVersion' }>
  | Omit<Extract<GovernanceCommand, { type: 'ProposePolicyVersion' }>, 'licensedJurisdictions'>;

/**
 * Maker-checker over policy versions and asset classifications (propose, then approve or reject
 * by another person): the four commands share one stream and one decide.
 */
export class GovernHandler {
  constructor(
    private readonly streams: EventSourcedStreams,
    /** The jurisdictions this deployment is licensed in: a proposal is checked against them. */
    private readonly jurisdictions: readonly Jurisdiction[],
  ) {}

  handle(
    request: GovernanceRequest,
  ): Promise<Executed<GovernanceState, GovernanceEvent, PolicyError>> {
    const command: GovernanceCommand =
      request.type === 'ProposePolicyVersion'
        ? { ...request, licensedJurisdictions: this.jurisdictions }
        : request;
    return this.streams.execute(
      GOVERNANCE_STREAM_ID,
      governanceDecider,
      (state) => governanceDecider.decide(command, state),
      { actor: command.by },
    );
  }
}
