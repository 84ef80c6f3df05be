import type { RefusalCodes } from '@custody/contracts';
import type { Decision, Refusal } from '@custody/decider';

/**
 * Expected refusals of the wallet service: a stable code (never renamed or reused), the field it
 * is about, and a reason for people. The codes are the contract; the reasons may be reworded.
 */
export const WALLET_ERROR_CODES = [
  // wallets and keys (HK-11a, HK-11b, HK-11f)
  'WALLET_ASSETS_EMPTY',
  'KEY_LOCATION_OUTSIDE_JURISDICTIONS',
  'KEY_BACKUP_MISSING',
  'KEY_BACKUP_SAME_SITE',
  'KEY_ROTATION_DUE_INVALID',
  'KEY_ROTATION_OVERDUE',
  'WALLET_ALREADY_REGISTERED',
  'WALLET_UNKNOWN',
  'QUORUM_POLICY_INVALID',
  'CHAIN_UNSUPPORTED',
  'WALLET_ID_INVALID',
  'KEY_ROTATION_BLOCKED',
  'KEY_ROTATION_PENDING',
  'KEY_ROTATION_UNKNOWN',
  'ADDRESS_INVALID',
  // custodians and key access, maker-checker (TW-18, HK-11c)
  'CUSTODIAN_ALREADY_REGISTERED',
  'CUSTODIAN_UNKNOWN',
  'KEY_ACCESS_ALREADY_GRANTED',
  'KEY_ACCESS_NOT_GRANTED',
  'KEY_ACCESS_CHANGE_ID_TAKEN',
  'KEY_ACCESS_CHANGE_UNKNOWN',
  'KEY_ACCESS_CHANGE_NOT_PENDING',
  'MAKER_CHECKER_SAME_PERSON',
  'CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS',
  'REASON_REQUIRED',
  // quorum signing (HK-11d, HK-11e, TW-17.4)
  'SIGNING_REQUESTER_CANNOT_APPROVE',
  'SIGNING_CUSTODIAN_ALREADY_APPROVED',
  'SIGNING_CUSTODIAN_NOT_AUTHORISED',
  'SIGNING_PAYLOAD_CHANGED',
  'SIGNING_PAYLOAD_MISMATCH',
  'SIGNING_NOT_AWAITING_APPROVAL',
  'SIGNING_QUORUM_NOT_MET',
  // withdrawals (HK-11h, TW-15)
  'WITHDRAWAL_ID_TAKEN',
  'WITHDRAWAL_UNKNOWN',
  'WITHDRAWAL_WALLET_NOT_CLIENT_SEGREGATED',
  'WITHDRAWAL_ASSET_NOT_IN_WALLET',
  'WITHDRAWAL_AMOUNT_NOT_POSITIVE',
  'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
  'WITHDRAWAL_REFUSED_BY_POLICY',
  'WITHDRAWAL_NOT_HELD',
  'WITHDRAWAL_NO_SOURCE_WALLET',
  'WITHDRAWAL_WALLET_NOT_HOT',
  'WITHDRAWAL_HOLD_MISMATCH',
  'TRANSFER_SAME_WALLET',
  'TRANSFER_WALLETS_MISMATCH',
  'WITHDRAWAL_STATE_INVALID',
  'WITHDRAWAL_DESTINATION_COOLING_OFF',
  // allow-lists with proof of ownership (HK-11h)
  'CHALLENGE_ID_TAKEN',
  'CHALLENGE_UNKNOWN',
  'CHALLENGE_EXPIRED',
  'CHALLENGE_SETTLED',
  'CHALLENGE_METHOD_MISMATCH',
  'CHALLENGE_EXPIRY_INVALID',
  'OWNERSHIP_SIGNATURE_INVALID',
  'OWNERSHIP_PAYMENT_MISMATCH',
  'ALLOWLIST_ADDRESS_NOT_LISTED',
  'ADDRESS_ADDITION_NOT_PENDING',
  // deposits
  'DEPOSIT_ID_CONFLICT',
  'DEPOSIT_UNKNOWN',
  'DEPOSIT_NOT_UNDER_REVIEW',
  'DEPOSIT_ATTRIBUTION_PENDING',
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export interface WalletError extends Refusal<WalletErrorCode> {
  /** Path of the offending field in the command, e.g. `key.backups[1].site`. */
  readonly path: string;
}

export function walletError(code: WalletErrorCode, path: string, reason: string): WalletError {
  return { code, path, reason };
}

/** What a `decide` returns: the events to append (none: nothing to do, e.g. a retried command), or why not. */
export type WalletDecision<E> = Decision<E, WalletError>;

export function accept<E>(...events: E[]): WalletDecision<E> {
  return { ok: true, events };
}

export function refuse<E>(code: WalletErrorCode, path: string, reason: string): WalletDecision<E> {
  return { ok: false, error: walletError(code, path, reason) };
}

/** ISO 8601 instants compare as instants (the command's clock, never the process's). */
export function isAtOrAfter(at: string, reference: string): boolean {
  return Date.parse(at) >= Date.parse(reference);
}

/** EVM addresses compare without case (checksum casing is presentation). */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * JSON of a command or state part with keys sorted and amounts (bigint) as decimal text: for
 * "same content?" checks of retried commands (stored JSON does not keep key order).
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      // keys in UTF-16 code unit order (the default sort of strings)
      return Object.fromEntries(
        Object.keys(item)
          .sort()
          .map((key) => [key, (item as Record<string, unknown>)[key]]),
      );
    }
    return item;
  });
}

/**
 * Every code has its HTTP status in the contract's one table (REFUSAL_STATUS): a code added
 * above without one fails typecheck.
 */
export type WalletRefusalCode = RefusalCodes<WalletErrorCode>;
