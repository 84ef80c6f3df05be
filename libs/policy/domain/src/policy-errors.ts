import type { RefusalCodes } from '@custody/contracts';
import type { Decision, Refusal } from '@custody/decider';

/** Expected refusals of the policy service: stable codes. */
export const POLICY_ERROR_CODES = [
  'PROFILE_INVALID',
  'POLICY_VERSION_TAKEN',
  'POLICY_VERSION_UNKNOWN',
  'POLICY_VERSION_NOT_PENDING',
  'MAKER_CHECKER_SAME_PERSON',
  'REASON_REQUIRED',
  'CLASSIFICATION_CHANGE_TAKEN',
  'CLASSIFICATION_CHANGE_UNKNOWN',
  'CLASSIFICATION_CHANGE_NOT_PENDING',
  'ASSET_INVALID',
  'COMMINGLING_ID_TAKEN',
  'COMMINGLING_WALLET_NOT_CLIENT',
  'COMMINGLING_COLD_NOT_GAS',
  'COMMINGLING_PURPOSE_INVALID',
  'AMOUNT_NOT_POSITIVE',
  'WALLET_UNKNOWN',
  'POLICY_VERSION_SUPERSEDED',
  'PROFILE_JURISDICTION_MISSING',
  'PRICE_FROM_THE_FUTURE',
  'PRICE_NOT_POSITIVE',
  'WITHDRAWAL_DECISION_CONFLICT',
  'ENTITLEMENT_TREATMENT_INVALID',
  'ENTITLEMENT_CHANGE_TAKEN',
  'ENTITLEMENT_CHANGE_UNKNOWN',
  'ENTITLEMENT_CHANGE_NOT_PENDING',
  'ENTITLEMENT_DISCLOSURE_MISSING',
  'ENTITLEMENT_NOT_SUPPORTED',
  'VOTE_POSITION_INVALID',
  'VOTE_ID_TAKEN',
] as const;
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

export interface PolicyError extends Refusal<PolicyErrorCode> {
  /** Path of the offending field in the command, e.g. `profile.version`. */
  readonly path: string;
}

export type PolicyDecision<E> = Decision<E, PolicyError>;

/**
 * Every code has its HTTP status in the contract's one table (REFUSAL_STATUS): a code added
 * above without one fails typecheck.
 */
export type PolicyRefusalCode = RefusalCodes<PolicyErrorCode>;
