import type { ClientDebitRefusal } from './client-debit-guard';
import { fromDebitRefusal, LEDGER_ERROR_CODES, ledgerError } from './ledger-errors';

describe('ledger refusals: stable codes, the field they are about, a reason for people', () => {
  it('the codes are the contract: this exact list, in this order, each once (never renamed, reused or renumbered)', () => {
    expect(LEDGER_ERROR_CODES).toEqual([
      'CLIENT_UNKNOWN',
      'CLIENT_ALREADY_ONBOARDED',
      'ASSET_UNKNOWN',
      'ASSET_PAIR_SAME',
      'AMOUNT_NOT_POSITIVE',
      'FEE_NEGATIVE',
      'FEE_ASSET_MISMATCH',
      'TRADE_SELF_MATCH',
      'TRADE_PRICE_MALFORMED',
      'TRADE_PRICE_MISMATCH',
      'TRADE_ID_CONFLICT',
      'DEPOSIT_ID_CONFLICT',
      'WITHDRAWAL_ID_CONFLICT',
      'WITHDRAWAL_UNKNOWN',
      'WITHDRAWAL_ALREADY_SETTLED',
      'WITHDRAWAL_ALREADY_RELEASED',
      'INSUFFICIENT_AVAILABLE_BALANCE',
      'ADJUSTMENT_ID_CONFLICT',
      'ADJUSTMENT_UNKNOWN',
      'ADJUSTMENT_NOT_PENDING',
      'ADJUSTMENT_DEBIT_REASON_MISSING',
      'MAKER_CHECKER_SAME_PERSON',
      'ACTOR_MISSING',
      'HK7_DEBIT_REASON_NOT_PERMITTED',
      'HK7_CONSENT_REFERENCE_MISSING',
      'HK7_LEGAL_ORDER_REFERENCE_MISSING',
      'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS',
      'WITHDRAWAL_CONFIRMATION_MISMATCH',
      'JOURNAL_ID_CONFLICT',
      'TRANSFER_SAME_WALLET',
      'ADJUSTMENT_EXPIRED',
      'ADJUSTMENT_NOT_EXPIRED',
      'REASON_REQUIRED',
      'WALLET_UNKNOWN',
      'WALLET_REGISTRATION_CONFLICT',
      'WALLET_NOT_CLIENT_SEGREGATED',
      'WALLET_NOT_HOUSE',
      'ENTITLEMENT_ID_CONFLICT',
      'ENTITLEMENT_KIND_INVALID',
      'ENTITLEMENT_RATIO_INVALID',
      'ENTITLEMENT_SNAPSHOT_INVALID',
      'ENTITLEMENT_DISCLOSURE_MISSING',
      'ENTITLEMENT_NOT_SUPPORTED',
      'ENTITLEMENT_UNKNOWN',
      'ENTITLEMENT_NOT_PENDING',
    ]);
    expect(new Set(LEDGER_ERROR_CODES).size).toBe(LEDGER_ERROR_CODES.length);
  });

  it('a refusal carries its code, path and reason as given', () => {
    expect(ledgerError('AMOUNT_NOT_POSITIVE', 'trade.quantityMinor', 'must be positive')).toEqual({
      code: 'AMOUNT_NOT_POSITIVE',
      path: 'trade.quantityMinor',
      reason: 'must be positive',
    });
  });

  it.each<[ClientDebitRefusal, RegExp]>([
    [{ code: 'HK7_DEBIT_REASON_NOT_PERMITTED', reason: 'lending' }, /'lending'/],
    [{ code: 'HK7_CONSENT_REFERENCE_MISSING' }, /consent reference/],
    [{ code: 'HK7_LEGAL_ORDER_REFERENCE_MISSING' }, /order reference/],
    [{ code: 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', clientId: 'alice' }, /client alice/],
  ])("HK-7 the guard's refusal %o keeps its code at the path given", (refusal, reason) => {
    const error = fromDebitRefusal(refusal, 'debitReason');
    expect({ code: error.code, path: error.path }).toEqual({
      code: refusal.code,
      path: 'debitReason',
    });
    expect(error.reason).toMatch(reason);
  });

  it('a refusal of no known code is a programmer error', () => {
    expect(() =>
      fromDebitRefusal(
        { code: 'HK7_SOMETHING_ELSE' } as unknown as ClientDebitRefusal,
        'debitReason',
      ),
    ).toThrow('assertion: unknown refusal {"code":"HK7_SOMETHING_ELSE"}');
  });
});
