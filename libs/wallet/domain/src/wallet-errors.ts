/**
 * Expected refusals of the wallet service: a stable code (never renamed or reused), the field it
 * is about, and a reason for people. The codes are the contract; the reasons may be reworded.
 */
export const WALLET_ERROR_CODES = [
  'WALLET_ASSETS_EMPTY',
  'KEY_LOCATION_OUTSIDE_JURISDICTIONS',
  'KEY_BACKUP_MISSING',
  'KEY_BACKUP_SAME_SITE',
  'KEY_ROTATION_DUE_INVALID',
  'KEY_ROTATION_OVERDUE',
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export interface WalletError {
  readonly code: WalletErrorCode;
  /** Path of the offending field in the command, e.g. `key.backups[1].site`. */
  readonly path: string;
  readonly reason: string;
}

export function walletError(code: WalletErrorCode, path: string, reason: string): WalletError {
  return { code, path, reason };
}
