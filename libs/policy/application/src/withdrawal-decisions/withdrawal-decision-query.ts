import type { EventSourcedStreams } from '@custody/event-store';
import { withdrawalDecisionDecider } from '@custody/policy-domain';
import { withdrawalDecisionStreamId, type WithdrawalDecided } from './withdrawal-decision-stream';

/** A recorded withdrawal decision with the facts it was taken on and the policy version. */
export class WithdrawalDecisionQuery {
  constructor(private readonly streams: EventSourcedStreams) {}

  /** The recorded decision for a withdrawal (the evidence), or undefined. */
  async decision(withdrawalId: string): Promise<WithdrawalDecided | undefined> {
    return (
      await this.streams.load(withdrawalDecisionStreamId(withdrawalId), withdrawalDecisionDecider)
    ).state;
  }
}
