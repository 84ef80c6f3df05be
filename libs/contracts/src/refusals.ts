// The HTTP status of every refusal code of every service, in one table. A refusal's code is part
// of the public contract (it is what a caller branches on), and so is its class:
//   404  the id the request names (in its path, or the resource a command acts on) does not exist;
//   409  the request conflicts with what is recorded: the same id re-used with other content, a
//        version or optimistic-concurrency race lost for good, a decision someone already took
//        (not pending any more, already settled, closed);
//   422  a rule refuses the command as it stands (nothing conflicting is recorded; asking again
//        the same way is refused again).
// Each service's code list is checked against this table where it is declared (RefusalCodes), so
// a new code without a status fails typecheck. A code shared by services has one meaning and one
// status. Exceptions that are not refusals (HSM and chain failures, readiness) are not here.

export type RefusalStatus = 404 | 409 | 422;

export const REFUSAL_STATUS = {
  // shared by several services
  MAKER_CHECKER_SAME_PERSON: 422,
  REASON_REQUIRED: 422,
  ACTOR_MISSING: 422,
  AMOUNT_NOT_POSITIVE: 422,
  TRANSFER_SAME_WALLET: 422,
  /** No wallet of that id (ledger, policy, wallet). */
  WALLET_UNKNOWN: 404,
  /** No withdrawal of that id (ledger, wallet). */
  WITHDRAWAL_UNKNOWN: 404,
  /** The same deposit id with other content (ledger, wallet). */
  DEPOSIT_ID_CONFLICT: 409,
  /** A lost append race, retried STREAM_COMMAND_ATTEMPTS_MAX times (event store). */
  EVENT_STORE_WRONG_EXPECTED_VERSION: 409,
  EVENT_STORE_EVENT_ID_CONFLICT: 409,

  // ledger (LEDGER_ERROR_CODES)
  CLIENT_UNKNOWN: 404,
  CLIENT_ALREADY_ONBOARDED: 409,
  /** Not in the asset registry: a rule on the value, not an id of a resource. */
  ASSET_UNKNOWN: 422,
  ASSET_PAIR_SAME: 422,
  FEE_NEGATIVE: 422,
  FEE_ASSET_MISMATCH: 422,
  TRADE_SELF_MATCH: 422,
  TRADE_PRICE_MALFORMED: 422,
  TRADE_PRICE_MISMATCH: 422,
  TRADE_ID_CONFLICT: 409,
  WITHDRAWAL_ID_CONFLICT: 409,
  WITHDRAWAL_ALREADY_SETTLED: 409,
  WITHDRAWAL_ALREADY_RELEASED: 409,
  INSUFFICIENT_AVAILABLE_BALANCE: 422,
  ADJUSTMENT_ID_CONFLICT: 409,
  ADJUSTMENT_UNKNOWN: 404,
  /** Approved, rejected or expired already: someone decided it. */
  ADJUSTMENT_NOT_PENDING: 409,
  ADJUSTMENT_DEBIT_REASON_MISSING: 422,
  HK7_DEBIT_REASON_NOT_PERMITTED: 422,
  HK7_CONSENT_REFERENCE_MISSING: 422,
  HK7_LEGAL_ORDER_REFERENCE_MISSING: 422,
  HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS: 422,
  WITHDRAWAL_CONFIRMATION_MISMATCH: 422,
  JOURNAL_ID_CONFLICT: 409,
  /** The approval window closed: a rule of time, not a conflict. */
  ADJUSTMENT_EXPIRED: 422,
  ADJUSTMENT_NOT_EXPIRED: 422,
  WALLET_REGISTRATION_CONFLICT: 409,
  WALLET_NOT_CLIENT_SEGREGATED: 422,
  /** The ledger: a house deposit names a client-segregated wallet (house assets never enter one by a deposit). */
  WALLET_NOT_HOUSE: 422,

  // policy (POLICY_ERROR_CODES, and the HTTP layer's)
  PROFILE_INVALID: 422,
  POLICY_VERSION_TAKEN: 409,
  POLICY_VERSION_UNKNOWN: 404,
  POLICY_VERSION_NOT_PENDING: 409,
  CLASSIFICATION_CHANGE_TAKEN: 409,
  CLASSIFICATION_CHANGE_UNKNOWN: 404,
  CLASSIFICATION_CHANGE_NOT_PENDING: 409,
  ASSET_INVALID: 422,
  COMMINGLING_ID_TAKEN: 409,
  COMMINGLING_WALLET_NOT_CLIENT: 422,
  COMMINGLING_COLD_NOT_GAS: 422,
  COMMINGLING_PURPOSE_INVALID: 422,
  /** A newer version came into force since this one was proposed: a version conflict. */
  POLICY_VERSION_SUPERSEDED: 409,
  PROFILE_JURISDICTION_MISSING: 422,
  PRICE_FROM_THE_FUTURE: 422,
  PRICE_NOT_POSITIVE: 422,
  /** The same withdrawal id asked again with another request. */
  WITHDRAWAL_DECISION_CONFLICT: 409,
  WITHDRAWAL_DECISION_UNKNOWN: 404,
  INSTANT_IN_THE_FUTURE: 422,
  // policy and ledger: HK-20 forks, airdrops and votes
  ENTITLEMENT_TREATMENT_INVALID: 422,
  ENTITLEMENT_CHANGE_TAKEN: 409,
  ENTITLEMENT_CHANGE_UNKNOWN: 404,
  ENTITLEMENT_CHANGE_NOT_PENDING: 409,
  /** No approved HK-20 disclosure for the asset: nothing can be booked or voted under it. */
  ENTITLEMENT_DISCLOSURE_MISSING: 422,
  /** The asset's HK-20 disclosure says forks, airdrops and votes are not supported. */
  ENTITLEMENT_NOT_SUPPORTED: 422,
  VOTE_POSITION_INVALID: 422,
  VOTE_ID_TAKEN: 409,
  /** The ledger: the same fork or airdrop id recorded with other content. */
  ENTITLEMENT_ID_CONFLICT: 409,
  ENTITLEMENT_KIND_INVALID: 422,
  ENTITLEMENT_RATIO_INVALID: 422,
  ENTITLEMENT_SNAPSHOT_INVALID: 422,
  ENTITLEMENT_UNKNOWN: 404,
  ENTITLEMENT_NOT_PENDING: 409,

  // wallet (WALLET_ERROR_CODES): wallets and keys
  WALLET_ASSETS_EMPTY: 422,
  KEY_LOCATION_OUTSIDE_JURISDICTIONS: 422,
  KEY_BACKUP_MISSING: 422,
  KEY_BACKUP_SAME_SITE: 422,
  KEY_ROTATION_DUE_INVALID: 422,
  KEY_ROTATION_OVERDUE: 422,
  /** The same wallet id with other content. */
  WALLET_ALREADY_REGISTERED: 409,
  QUORUM_POLICY_INVALID: 422,
  CHAIN_UNSUPPORTED: 422,
  WALLET_ID_INVALID: 422,
  /** Open movements or funds left on the old key: a rule, cleared by finishing them. */
  KEY_ROTATION_BLOCKED: 422,
  /** Another rotation request is waiting for approval. */
  KEY_ROTATION_PENDING: 409,
  KEY_ROTATION_UNKNOWN: 404,
  ADDRESS_INVALID: 422,
  // wallet: custodians and key access
  CUSTODIAN_ALREADY_REGISTERED: 409,
  CUSTODIAN_UNKNOWN: 404,
  KEY_ACCESS_ALREADY_GRANTED: 409,
  KEY_ACCESS_NOT_GRANTED: 422,
  KEY_ACCESS_CHANGE_ID_TAKEN: 409,
  KEY_ACCESS_CHANGE_UNKNOWN: 404,
  KEY_ACCESS_CHANGE_NOT_PENDING: 409,
  CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS: 422,
  // wallet: quorum signing
  SIGNING_REQUESTER_CANNOT_APPROVE: 422,
  SIGNING_CUSTODIAN_ALREADY_APPROVED: 409,
  SIGNING_CUSTODIAN_NOT_AUTHORISED: 422,
  /** An approval of a payload hash that is no longer the payload's: a version conflict. */
  SIGNING_PAYLOAD_CHANGED: 409,
  SIGNING_PAYLOAD_MISMATCH: 422,
  SIGNING_NOT_AWAITING_APPROVAL: 409,
  SIGNING_QUORUM_NOT_MET: 422,
  // wallet: withdrawals and transfers
  WITHDRAWAL_ID_TAKEN: 409,
  WITHDRAWAL_WALLET_NOT_CLIENT_SEGREGATED: 422,
  WITHDRAWAL_ASSET_NOT_IN_WALLET: 422,
  WITHDRAWAL_AMOUNT_NOT_POSITIVE: 422,
  WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED: 422,
  WITHDRAWAL_REFUSED_BY_POLICY: 422,
  /** Nothing is signed before the ledger holds the funds: a rule, not a conflict. */
  WITHDRAWAL_NOT_HELD: 422,
  WITHDRAWAL_NO_SOURCE_WALLET: 422,
  WITHDRAWAL_WALLET_NOT_HOT: 422,
  WITHDRAWAL_HOLD_MISMATCH: 422,
  TRANSFER_WALLETS_MISMATCH: 422,
  /** The withdrawal moved on (signed, sent, cancelled) before this act. */
  WITHDRAWAL_STATE_INVALID: 409,
  WITHDRAWAL_DESTINATION_COOLING_OFF: 422,
  // wallet: allow-lists with proof of ownership
  CHALLENGE_ID_TAKEN: 409,
  CHALLENGE_UNKNOWN: 404,
  CHALLENGE_EXPIRED: 422,
  /** Answered already. */
  CHALLENGE_SETTLED: 409,
  CHALLENGE_METHOD_MISMATCH: 422,
  CHALLENGE_EXPIRY_INVALID: 422,
  OWNERSHIP_SIGNATURE_INVALID: 422,
  OWNERSHIP_PAYMENT_MISMATCH: 422,
  /** An address (a value), not an id: the rule that it be listed. */
  ALLOWLIST_ADDRESS_NOT_LISTED: 422,
  ADDRESS_ADDITION_NOT_PENDING: 409,
  // wallet: deposits
  DEPOSIT_UNKNOWN: 404,
  DEPOSIT_NOT_UNDER_REVIEW: 409,
  DEPOSIT_ATTRIBUTION_PENDING: 422,

  // reconciliation: fiat trust accounts (TRUST_ACCOUNT_ERROR_CODES) and statements
  TRUST_ACCOUNT_UNKNOWN: 404,
  TRUST_ACCOUNT_NOT_APPROVED: 422,
  TRUST_ACCOUNT_ID_TAKEN: 409,
  TRUST_ACCOUNT_NOT_PENDING: 409,
  STATEMENT_UNKNOWN: 404,
  STATEMENT_NOT_PENDING: 409,
  STATEMENT_PERIOD_INVALID: 422,
  /** A statement already recorded covers part of the period. */
  STATEMENT_OVERLAPS: 409,
  STATEMENT_OUT_OF_ORDER: 422,
  STATEMENT_CURRENCY_MISMATCH: 422,
  OPENING_BALANCE_MISMATCH: 422,
  STATEMENT_INVALID: 422,
  // reconciliation: discrepancies (DiscrepancyErrorCode) and runs
  DISCREPANCY_UNKNOWN: 404,
  DISCREPANCY_CLOSED: 409,
  DISCREPANCY_EXISTS: 409,
  TEXT_REQUIRED: 422,
  TOP_UP_NOT_A_SHORTFALL: 422,
  RECONCILIATION_RUN_UNKNOWN: 404,
  DAILY_RUN_UNKNOWN: 404,
  FIAT_RUN_UNKNOWN: 404,
  RUN_DAY_IN_THE_FUTURE: 422,

  // audit
  CHECKPOINT_UNKNOWN: 404,
  EVIDENCE_RANGE_INVALID: 422,
} as const satisfies Record<string, RefusalStatus>;

export type RefusalCode = keyof typeof REFUSAL_STATUS;

/**
 * A service's refusal codes, checked against REFUSAL_STATUS: `RefusalCodes<LedgerErrorCode>` fails
 * typecheck while a ledger code has no status in the table.
 */
export type RefusalCodes<Code extends RefusalCode> = Code;
