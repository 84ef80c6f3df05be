import type { Fold } from '@custody/event-store';
import type { WithdrawalPolicyDecided } from '@custody/policy-domain';

export type WithdrawalDecided = WithdrawalPolicyDecided['data'];

/** Each decision is an event in its own stream: the evidence, with the policy version. */
export const withdrawalDecisionStreamId = (withdrawalId: string) =>
  `policy-withdrawal-${withdrawalId}`;

export const WITHDRAWAL_DECISION_FOLD: Fold<
  WithdrawalDecided | undefined,
  WithdrawalPolicyDecided
> = {
  initialState: undefined,
  eventTypes: new Set(['WithdrawalPolicyDecided']),
  evolve: (_state, event) => event.data,
};
