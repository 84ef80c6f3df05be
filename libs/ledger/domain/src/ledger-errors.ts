import type { RefusalCodes } from '@custody/contracts';
import type { Refusal } from '@custody/decider';
import type { ClientDebitRefusal } from './client-debit-guard';

/**
 * Expected refusals: a stable code (never renamed or reused), the command field it is about,
 * and a reason for people. The codes are the contract; the reasons may be reworded.
 */
export const LEDGER_ERROR_CODES = [
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
] as const;

export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export interface LedgerError extends Refusal<LedgerErrorCode> {
  /** The command field, e.g. `trade.buyerFee.asset`. */
  readonly path: string;
}

export function ledgerError(code: LedgerErrorCode, path: string, reason: string): LedgerError {
  return { code, path, reason };
}

export function fromDebitRefusal(refusal: ClientDebitRefusal, path: string): LedgerError {
  switch (refusal.code) {
    case 'HK7_DEBIT_REASON_NOT_PERMITTED':
      return ledgerError(
        refusal.code,
        path,
        `HK-7: '${refusal.reason}' is not a reason to debit a client's assets`,
      );
    case 'HK7_CONSENT_REFERENCE_MISSING':
      return ledgerError(
        refusal.code,
        path,
        "HK-7: a debit on the client's written consent needs the consent reference",
      );
    case 'HK7_LEGAL_ORDER_REFERENCE_MISSING':
      return ledgerError(
        refusal.code,
        path,
        'HK-7: a debit by legal requirement needs the order reference',
      );
    case 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS':
      return ledgerError(
        refusal.code,
        path,
        `HK-7: the destination is not on the allow-list of client ${refusal.clientId}`,
      );
    default: {
      const unreachable: never = refusal;
      throw new Error(`assertion: unknown refusal ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Every code has its HTTP status in the contract's one table (REFUSAL_STATUS): a code added
 * above without one fails typecheck.
 */
export type LedgerRefusalCode = RefusalCodes<LedgerErrorCode>;
