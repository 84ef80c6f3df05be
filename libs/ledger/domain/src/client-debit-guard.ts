/**
 * HK-7: client assets may leave a client's ownership only to settle that client's trades or
 * the fees the client owes, on the client's prior express written consent (a recorded consent
 * reference), or by a legal requirement (a recorded order reference); a withdrawal goes only to
 * an address allow-listed for that same client. Anything else is refused: lending, pledging and
 * re-hypothecation are never a reason.
 */
export type ClientDebitReason =
  | { readonly kind: 'trade-settlement'; readonly tradeId: string }
  | { readonly kind: 'fee'; readonly tradeId: string }
  | {
      readonly kind: 'withdrawal';
      readonly withdrawalId: string;
      readonly destinationAllowListedForClientId: string | null;
    }
  | { readonly kind: 'written-consent'; readonly consentReference: string }
  | { readonly kind: 'legal-order'; readonly orderReference: string }
  | {
      readonly kind: 'lending' | 'pledge' | 'rehypothecation' | 'other';
      readonly description: string;
    };

export type ClientDebitRefusal =
  | { readonly code: 'HK7_DEBIT_REASON_NOT_PERMITTED'; readonly reason: string }
  | { readonly code: 'HK7_CONSENT_REFERENCE_MISSING' }
  | { readonly code: 'HK7_LEGAL_ORDER_REFERENCE_MISSING' }
  | { readonly code: 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS'; readonly clientId: string };

/** Why this debit of `clientId`'s account is refused, or undefined when HK-7 permits it. */
export function refuseClientDebit(
  clientId: string,
  reason: ClientDebitReason,
): ClientDebitRefusal | undefined {
  switch (reason.kind) {
    case 'trade-settlement':
    case 'fee':
      return undefined;
    case 'withdrawal':
      return reason.destinationAllowListedForClientId === clientId
        ? undefined
        : { code: 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', clientId };
    case 'written-consent':
      return reason.consentReference.trim() === ''
        ? { code: 'HK7_CONSENT_REFERENCE_MISSING' }
        : undefined;
    case 'legal-order':
      return reason.orderReference.trim() === ''
        ? { code: 'HK7_LEGAL_ORDER_REFERENCE_MISSING' }
        : undefined;
    case 'lending':
    case 'pledge':
    case 'rehypothecation':
    case 'other':
      return { code: 'HK7_DEBIT_REASON_NOT_PERMITTED', reason: reason.kind };
    default: {
      const unreachable: never = reason;
      throw new Error(`assertion: unknown debit reason ${JSON.stringify(unreachable)}`);
    }
  }
}
