import type * as Pkcs11 from 'pkcs11js';
import { bytesToHex, hexToBytes, numberToHex, recoverPublicKey, type Hex } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import {
  acquireModule,
  openUserSession,
  Pkcs11Failure,
  pkcs11Code,
  pkcs11js,
  releaseModule,
} from '@custody/hsm';
import {
  assertDigest,
  assertKeyId,
  KeyVaultError,
  type EvmSignature,
  type GeneratedKey,
  type KeyVault,
} from './key-vault';

/** DER of the secp256k1 curve OID 1.3.132.0.10 (CKA_EC_PARAMS). */
const SECP256K1_EC_PARAMS = Buffer.from('06052b8104000a', 'hex');
/** Order of secp256k1: EVM accepts only s <= N/2 (EIP-2). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** CKA_EC_POINT is a DER OCTET STRING (0x04, length 65) around the uncompressed point 0x04 || x || y. */
const EC_POINT_DER_PREFIX = Buffer.from('0441', 'hex');
const UNCOMPRESSED_POINT_BYTES = 65;
const SIGNATURE_BYTES = 64;
/** A key id names one key pair; more matches than this means the token is not ours to trust. */
const FIND_OBJECTS_MAX = 2;

export interface Pkcs11KeyVaultOptions {
  /** PKCS#11 module (SoftHSM2 here: /usr/lib/softhsm/libsofthsm2.so; a network HSM's client library in production). */
  readonly modulePath: string;
  readonly tokenLabel: string;
  /** The user PIN: from a secret, never logged, never stored. */
  readonly pin: string;
}

/**
 * Keys in an HSM over PKCS#11 (HK-11a). Key pairs are generated inside the token as secp256k1,
 * private halves sensitive, never extractable, persistent; this process sees only handles, the
 * public half and signatures. One logged-in session per vault; PKCS#11 calls are synchronous, so
 * an init/sign pair never interleaves with another.
 */
export class Pkcs11KeyVault implements KeyVault {
  private closed = false;

  private constructor(
    private readonly modulePath: string,
    private readonly module: Pkcs11.PKCS11,
    private readonly session: Buffer,
  ) {}

  static open(options: Pkcs11KeyVaultOptions): Pkcs11KeyVault {
    const module = asKeyVaultError(() => acquireModule(options.modulePath));
    try {
      const session = asKeyVaultError(() =>
        openUserSession(module, options.modulePath, options.tokenLabel, options.pin),
      );
      return new Pkcs11KeyVault(options.modulePath, module, session);
    } catch (error) {
      releaseModule(options.modulePath);
      throw error;
    }
  }

  async generateKey(keyId: string): Promise<GeneratedKey> {
    this.assertOpen();
    assertKeyId(keyId);
    if (this.findKey(keyId, pkcs11js.CKO_PRIVATE_KEY) !== undefined)
      throw new KeyVaultError('HSM_KEY_ID_TAKEN', `the HSM already holds a key '${keyId}'`);
    const id = Buffer.from(keyId, 'utf8');
    const { publicKey } = this.call('generate', () =>
      this.module.C_GenerateKeyPair(
        this.session,
        { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [
          { type: pkcs11js.CKA_EC_PARAMS, value: SECP256K1_EC_PARAMS },
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_VERIFY, value: true },
          { type: pkcs11js.CKA_ID, value: id },
          { type: pkcs11js.CKA_LABEL, value: keyId },
        ],
        [
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_SENSITIVE, value: true },
          { type: pkcs11js.CKA_EXTRACTABLE, value: false },
          { type: pkcs11js.CKA_SIGN, value: true },
          { type: pkcs11js.CKA_DERIVE, value: false },
          { type: pkcs11js.CKA_ID, value: id },
          { type: pkcs11js.CKA_LABEL, value: keyId },
        ],
      ),
    );
    return this.describe(keyId, publicKey);
  }

  async publicKey(keyId: string): Promise<GeneratedKey> {
    this.assertOpen();
    assertKeyId(keyId);
    const handle = this.findKey(keyId, pkcs11js.CKO_PUBLIC_KEY);
    if (handle === undefined)
      throw new KeyVaultError('HSM_KEY_NOT_FOUND', `the HSM holds no key '${keyId}'`);
    return this.describe(keyId, handle);
  }

  /** Signs a 32-byte digest inside the HSM (CKM_ECDSA), then makes the signature EVM-valid: low s, recovery bit. */
  async signDigest(keyId: string, digest: Hex): Promise<EvmSignature> {
    this.assertOpen();
    assertKeyId(keyId);
    assertDigest(digest);
    const privateKey = this.findKey(keyId, pkcs11js.CKO_PRIVATE_KEY);
    if (privateKey === undefined)
      throw new KeyVaultError('HSM_KEY_NOT_FOUND', `the HSM holds no key '${keyId}'`);
    const { publicKey } = await this.publicKey(keyId);
    const raw = this.call('sign', () => {
      this.module.C_SignInit(this.session, { mechanism: pkcs11js.CKM_ECDSA }, privateKey);
      return this.module.C_Sign(
        this.session,
        Buffer.from(hexToBytes(digest)),
        Buffer.alloc(SIGNATURE_BYTES),
      );
    });
    if (raw.length !== SIGNATURE_BYTES)
      throw new KeyVaultError(
        'HSM_OPERATION_FAILED',
        `the HSM returned a ${raw.length}-byte signature, expected r || s of ${SIGNATURE_BYTES}`,
      );
    const r = BigInt(bytesToHex(raw.subarray(0, SIGNATURE_BYTES / 2)));
    const highS = BigInt(bytesToHex(raw.subarray(SIGNATURE_BYTES / 2)));
    const s = highS > SECP256K1_N / 2n ? SECP256K1_N - highS : highS;
    for (const yParity of [0, 1] as const) {
      const signature = {
        r: numberToHex(r, { size: 32 }),
        s: numberToHex(s, { size: 32 }),
        yParity,
      };
      if (
        (await recoverPublicKey({ hash: digest, signature })).toLowerCase() ===
        publicKey.toLowerCase()
      )
        return signature;
    }
    throw new KeyVaultError(
      'HSM_OPERATION_FAILED',
      `the HSM's signature with '${keyId}' does not recover to its public key`,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.module.C_CloseSession(this.session);
    } finally {
      releaseModule(this.modulePath);
    }
  }

  private describe(keyId: string, publicKeyHandle: Buffer): GeneratedKey {
    const [attribute] = this.call('read public key', () =>
      this.module.C_GetAttributeValue(this.session, publicKeyHandle, [
        { type: pkcs11js.CKA_EC_POINT },
      ]),
    );
    const point = attribute?.value;
    if (
      !Buffer.isBuffer(point) ||
      point.length !== EC_POINT_DER_PREFIX.length + UNCOMPRESSED_POINT_BYTES ||
      !point.subarray(0, EC_POINT_DER_PREFIX.length).equals(EC_POINT_DER_PREFIX)
    ) {
      throw new KeyVaultError(
        'HSM_OPERATION_FAILED',
        `key '${keyId}' is not an uncompressed secp256k1 point`,
      );
    }
    const publicKey = bytesToHex(point.subarray(EC_POINT_DER_PREFIX.length));
    return { keyId, publicKey, address: publicKeyToAddress(publicKey) };
  }

  private findKey(keyId: string, objectClass: number): Buffer | undefined {
    const handles = this.call('find key', () => {
      this.module.C_FindObjectsInit(this.session, [
        { type: pkcs11js.CKA_CLASS, value: objectClass },
        { type: pkcs11js.CKA_ID, value: Buffer.from(keyId, 'utf8') },
      ]);
      try {
        return this.module.C_FindObjects(this.session, FIND_OBJECTS_MAX);
      } finally {
        this.module.C_FindObjectsFinal(this.session);
      }
    });
    if (handles.length > 1)
      throw new KeyVaultError('HSM_OPERATION_FAILED', `the HSM holds more than one key '${keyId}'`);
    return handles[0];
  }

  /** A PKCS#11 failure as a KeyVaultError naming the operation and the CKR_ code (nothing else: no PIN, no key material). */
  private call<T>(operation: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof KeyVaultError) throw error;
      throw new KeyVaultError(
        'HSM_OPERATION_FAILED',
        `HSM ${operation} failed: ${pkcs11Code(error)}`,
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('assertion: the key vault is closed');
  }
}

/** The shared PKCS#11 plumbing's failures as the wallet's KeyVaultError (same codes). */
function asKeyVaultError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Pkcs11Failure) throw new KeyVaultError(error.code, error.message);
    throw error;
  }
}
