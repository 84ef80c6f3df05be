import { hexToBytes, isHex, type Address, type Hex } from 'viem';

/** A key pair generated inside the HSM: only its public half and the address leave it. */
export interface GeneratedKey {
  readonly keyId: string;
  /** Uncompressed secp256k1 public key, 0x04 || x || y. */
  readonly publicKey: Hex;
  /** EVM address of the public key (checksummed). */
  readonly address: Address;
}

/** An ECDSA signature as EVM wants it: low s, and the recovery bit. */
export interface EvmSignature {
  readonly r: Hex;
  readonly s: Hex;
  readonly yParity: 0 | 1;
}

/**
 * The HSM port (HK-11a): keys are generated inside it, never leave it, and sign 32-byte digests.
 * Whether a key may sign (rotation due, quorum) is decided before; the vault only signs.
 */
export interface KeyVault {
  generateKey(keyId: string): Promise<GeneratedKey>;
  publicKey(keyId: string): Promise<GeneratedKey>;
  signDigest(keyId: string, digest: Hex): Promise<EvmSignature>;
  close(): Promise<void>;
}

export const KEY_VAULT_ERROR_CODES = [
  'HSM_TOKEN_NOT_FOUND',
  'HSM_LOGIN_FAILED',
  'HSM_KEY_NOT_FOUND',
  'HSM_KEY_ID_TAKEN',
  'HSM_DIGEST_INVALID',
  'HSM_OPERATION_FAILED',
] as const;
export type KeyVaultErrorCode = (typeof KEY_VAULT_ERROR_CODES)[number];

/** A refusal or failure of the HSM, with a stable code; never carries a PIN or key material. */
export class KeyVaultError extends Error {
  constructor(
    readonly code: KeyVaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyVaultError';
  }
}

/** Longest key id accepted (an HSM's CKA_ID and CKA_LABEL). */
export const KEY_ID_LENGTH_MAX = 64;
export const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const DIGEST_BYTES = 32;

export function assertKeyId(keyId: string): void {
  if (keyId.length > KEY_ID_LENGTH_MAX || !KEY_ID_PATTERN.test(keyId))
    throw new KeyVaultError(
      'HSM_OPERATION_FAILED',
      `a key id is 1 to ${KEY_ID_LENGTH_MAX} letters, digits, '.', '_', ':' or '-'`,
    );
}

export function assertDigest(digest: Hex): void {
  if (!isHex(digest, { strict: true }) || hexToBytes(digest).length !== DIGEST_BYTES)
    throw new KeyVaultError('HSM_DIGEST_INVALID', `a digest is ${DIGEST_BYTES} bytes of hex`);
}
