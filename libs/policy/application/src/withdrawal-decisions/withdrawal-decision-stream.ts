import type { WithdrawalPolicyDecided } from '@custody/policy-domain';

export type WithdrawalDecided = WithdrawalPolicyDecided['data'];

/** Each decision is an event in its own stream (withdrawalDecisionDecider): the evidence, with the policy version. */
export const withdrawalDecisionStreamId = (withdrawalId: string) =>
  `policy-withdrawal-${withdrawalId}`;
