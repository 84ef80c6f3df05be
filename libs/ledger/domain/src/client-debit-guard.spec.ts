import { refuseClientDebit, type ClientDebitReason } from './client-debit-guard';

describe('HK-7 client debit guard: why a client account may be debited', () => {
  describe("given a debit that settles the client's own trade or a fee they owe", () => {
    it('HK-7(i): a trade settlement is permitted', () => {
      expect(
        refuseClientDebit('alice', { kind: 'trade-settlement', tradeId: 'T-1' }),
      ).toBeUndefined();
    });

    it('HK-7(i): a fee the client owes is permitted', () => {
      expect(refuseClientDebit('alice', { kind: 'fee', tradeId: 'T-1' })).toBeUndefined();
    });
  });

  describe('given a withdrawal', () => {
    it("HK-7: to an address on the client's own allow-list it is permitted", () => {
      expect(
        refuseClientDebit('alice', {
          kind: 'withdrawal',
          withdrawalId: 'W-1',
          destinationAllowListedForClientId: 'alice',
        }),
      ).toBeUndefined();
    });

    it("HK-7: to an address on another client's allow-list it is refused, naming the client", () => {
      expect(
        refuseClientDebit('alice', {
          kind: 'withdrawal',
          withdrawalId: 'W-1',
          destinationAllowListedForClientId: 'bob',
        }),
      ).toEqual({ code: 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', clientId: 'alice' });
    });

    it('HK-7: to an address on no allow-list it is refused', () => {
      expect(
        refuseClientDebit('alice', {
          kind: 'withdrawal',
          withdrawalId: 'W-1',
          destinationAllowListedForClientId: null,
        }),
      ).toEqual({ code: 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', clientId: 'alice' });
    });
  });

  describe("given a debit on the client's written consent", () => {
    it('HK-7(ii): with a recorded consent reference it is permitted', () => {
      expect(
        refuseClientDebit('alice', {
          kind: 'written-consent',
          consentReference: 'CONSENT-2026-118',
        }),
      ).toBeUndefined();
    });

    it('HK-7(ii): a reference with spaces around it is still a reference', () => {
      expect(
        refuseClientDebit('alice', {
          kind: 'written-consent',
          consentReference: ' CONSENT-2026-118 ',
        }),
      ).toBeUndefined();
    });

    it.each(['', '   ', '\t\n'])(
      'HK-7(ii): a consent reference of only %j is missing: refused',
      (consentReference) => {
        expect(refuseClientDebit('alice', { kind: 'written-consent', consentReference })).toEqual({
          code: 'HK7_CONSENT_REFERENCE_MISSING',
        });
      },
    );
  });

  describe('given a debit by legal requirement', () => {
    it('HK-7(iii): with a recorded order reference it is permitted', () => {
      expect(
        refuseClientDebit('alice', { kind: 'legal-order', orderReference: 'HCMP 1234/2026' }),
      ).toBeUndefined();
    });

    it.each(['', '   ', '\t\n'])(
      'HK-7(iii): an order reference of only %j is missing: refused',
      (orderReference) => {
        expect(refuseClientDebit('alice', { kind: 'legal-order', orderReference })).toEqual({
          code: 'HK7_LEGAL_ORDER_REFERENCE_MISSING',
        });
      },
    );
  });

  it.each<ClientDebitReason['kind']>(['lending', 'pledge', 'rehypothecation', 'other'])(
    'HK-7: %s is never a reason to debit a client: refused, naming the reason',
    (kind) => {
      expect(
        refuseClientDebit('alice', {
          kind,
          description: 'prime broker facility',
        } as ClientDebitReason),
      ).toEqual({ code: 'HK7_DEBIT_REASON_NOT_PERMITTED', reason: kind });
    },
  );

  it('given a reason of a kind the guard does not know (a programmer error), it throws rather than permit', () => {
    expect(() =>
      refuseClientDebit('alice', {
        kind: 'gift',
        description: 'x',
      } as unknown as ClientDebitReason),
    ).toThrow();
  });
});
