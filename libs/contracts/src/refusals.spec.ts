import { REFUSAL_STATUS, type RefusalCode, type RefusalStatus } from './refusals';

const statusOf = (code: RefusalCode): RefusalStatus => REFUSAL_STATUS[code];

describe('REFUSAL_STATUS: one HTTP status per refusal code', () => {
  it('gives every code 404, 409 or 422, and codes are upper snake case', () => {
    const entries = Object.entries(REFUSAL_STATUS);
    for (const [code, status] of entries) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect([404, 409, 422]).toContain(status);
    }
  });

  it.each<RefusalCode>([
    'CLIENT_UNKNOWN',
    'WALLET_UNKNOWN',
    'WITHDRAWAL_UNKNOWN',
    'ADJUSTMENT_UNKNOWN',
    'POLICY_VERSION_UNKNOWN',
    'TRUST_ACCOUNT_UNKNOWN',
    'DISCREPANCY_UNKNOWN',
    'CHECKPOINT_UNKNOWN',
  ])('an unknown id is 404: %s', (code) => {
    expect(statusOf(code)).toBe(404);
  });

  it.each<RefusalCode>([
    'TRADE_ID_CONFLICT',
    'DEPOSIT_ID_CONFLICT',
    'ADJUSTMENT_ID_CONFLICT',
    'WALLET_ALREADY_REGISTERED',
    'POLICY_VERSION_TAKEN',
    'POLICY_VERSION_SUPERSEDED',
    'WITHDRAWAL_DECISION_CONFLICT',
    'ADJUSTMENT_NOT_PENDING',
    'STATEMENT_NOT_PENDING',
    'DISCREPANCY_CLOSED',
    'SIGNING_PAYLOAD_CHANGED',
    'EVENT_STORE_WRONG_EXPECTED_VERSION',
  ])('an idempotency, version or decision conflict is 409: %s', (code) => {
    expect(statusOf(code)).toBe(409);
  });

  it.each<RefusalCode>([
    'MAKER_CHECKER_SAME_PERSON',
    'INSUFFICIENT_AVAILABLE_BALANCE',
    'AMOUNT_NOT_POSITIVE',
    'ASSET_UNKNOWN',
    'HK7_DEBIT_REASON_NOT_PERMITTED',
    'ADJUSTMENT_NOT_EXPIRED',
    'OPENING_BALANCE_MISMATCH',
    'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
    'EVIDENCE_RANGE_INVALID',
    'RUN_DAY_IN_THE_FUTURE',
  ])('a rule refusal is 422: %s', (code) => {
    expect(statusOf(code)).toBe(422);
  });
});
