import { createPublicKey, type KeyObject } from 'node:crypto';
import type * as Pkcs11 from 'pkcs11js';
import {
  acquireModule,
  openUserSession,
  Pkcs11Failure,
  pkcs11Code,
  pkcs11js,
  releaseModule,
} from './pkcs11-module';

/** PKCS#11 3.0 Edwards-curve constants (pkcs11js 2.1 does not name them). */
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
const CKK_EC_EDWARDS = 0x40;
/** DER of the Ed25519 OID 1.3.101.112 (CKA_EC_PARAMS). */
const ED25519_EC_PARAMS = Buffer.from('06032b6570', 'hex');
/** CKA_EC_POINT of an Ed25519 key: a DER OCTET STRING of the 32-byte public key. */
const ED25519_POINT_DER_PREFIX = Buffer.from('0420', 'hex');
const ED25519_PUBLIC_KEY_BYTES = 32;
/** SubjectPublicKeyInfo of Ed25519 up to the key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_SIGNATURE_BYTES = 64;
/** A label names one key pair; more matches than this means the token is not ours to trust. */
const FIND_OBJECTS_MAX = 2;
export const HSM_KEY_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export interface HsmKeyOptions {
  /** PKCS#11 module (SoftHSM2 here; a network HSM's client library in production). */
  readonly modulePath: string;
  readonly tokenLabel: string;
  /** The user PIN: from a secret, never logged, never stored. */
  readonly pin: string;
  /** CKA_LABEL (and CKA_ID) of the key pair. */
  readonly keyLabel: string;
}

/**
 * An Ed25519 key pair inside an HSM over PKCS#11 (CKM_EDDSA): the private half sensitive, never
 * extractable, persistent in the token; this process holds a handle, the public key and the
 * signatures it asks for. Used for the audit's checkpoints (HK-22).
 */
export class HsmEd25519Signer {
  private closed = false;

  private constructor(
    private readonly options: HsmKeyOptions,
    private readonly module: Pkcs11.PKCS11,
    private readonly session: Buffer,
    private readonly privateKey: Buffer,
    readonly publicKey: KeyObject,
  ) {}

  /** Opens the token and finds the key pair by label (HSM_KEY_NOT_FOUND when it is not there). */
  static open(options: HsmKeyOptions): HsmEd25519Signer {
    assertLabel(options.keyLabel);
    const module = acquireModule(options.modulePath);
    let session: Buffer | undefined;
    try {
      session = openUserSession(module, options.modulePath, options.tokenLabel, options.pin);
      const privateKey = findKey(module, session, options.keyLabel, pkcs11js.CKO_PRIVATE_KEY);
      const publicHandle = findKey(module, session, options.keyLabel, pkcs11js.CKO_PUBLIC_KEY);
      if (privateKey === undefined || publicHandle === undefined)
        throw new Pkcs11Failure(
          'HSM_KEY_NOT_FOUND',
          `no Ed25519 key pair labelled '${options.keyLabel}' on token '${options.tokenLabel}'`,
        );
      return new HsmEd25519Signer(
        options,
        module,
        session,
        privateKey,
        publicKeyOf(module, session, publicHandle, options.keyLabel),
      );
    } catch (error) {
      if (session !== undefined) module.C_CloseSession(session);
      releaseModule(options.modulePath);
      throw error;
    }
  }

  /**
   * Generates the key pair inside the token (an operator's one-time step; `pkcs11-tool --keypairgen
   * --key-type EC:edwards25519` does the same). Refuses a label already in use.
   */
  static generate(options: HsmKeyOptions): KeyObject {
    assertLabel(options.keyLabel);
    const module = acquireModule(options.modulePath);
    try {
      const session = openUserSession(module, options.modulePath, options.tokenLabel, options.pin);
      try {
        if (findKey(module, session, options.keyLabel, pkcs11js.CKO_PRIVATE_KEY) !== undefined)
          throw new Pkcs11Failure(
            'HSM_OPERATION_FAILED',
            `a key labelled '${options.keyLabel}' already exists`,
          );
        const id = Buffer.from(options.keyLabel, 'utf8');
        const pair = call('generate Ed25519 key pair', () =>
          module.C_GenerateKeyPair(
            session,
            { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
            [
              { type: pkcs11js.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
              { type: pkcs11js.CKA_TOKEN, value: true },
              { type: pkcs11js.CKA_VERIFY, value: true },
              { type: pkcs11js.CKA_EC_PARAMS, value: ED25519_EC_PARAMS },
              { type: pkcs11js.CKA_LABEL, value: options.keyLabel },
              { type: pkcs11js.CKA_ID, value: id },
            ],
            [
              { type: pkcs11js.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
              { type: pkcs11js.CKA_TOKEN, value: true },
              { type: pkcs11js.CKA_PRIVATE, value: true },
              { type: pkcs11js.CKA_SENSITIVE, value: true },
              { type: pkcs11js.CKA_EXTRACTABLE, value: false },
              { type: pkcs11js.CKA_SIGN, value: true },
              { type: pkcs11js.CKA_LABEL, value: options.keyLabel },
              { type: pkcs11js.CKA_ID, value: id },
            ],
          ),
        );
        return publicKeyOf(module, session, pair.publicKey, options.keyLabel);
      } finally {
        module.C_CloseSession(session);
      }
    } finally {
      releaseModule(options.modulePath);
    }
  }

  /** The Ed25519 signature of `message`, made inside the HSM. */
  sign(message: Buffer): Buffer {
    if (this.closed) throw new Error('assertion: the HSM signer is closed');
    const signature = call('sign', () => {
      this.module.C_SignInit(this.session, { mechanism: CKM_EDDSA }, this.privateKey);
      return this.module.C_Sign(this.session, message, Buffer.alloc(ED25519_SIGNATURE_BYTES));
    });
    if (signature.length !== ED25519_SIGNATURE_BYTES)
      throw new Pkcs11Failure(
        'HSM_OPERATION_FAILED',
        `the HSM returned a ${signature.length}-byte signature`,
      );
    return Buffer.from(signature);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.module.C_CloseSession(this.session);
    } finally {
      releaseModule(this.options.modulePath);
    }
  }
}

function assertLabel(label: string): void {
  if (!HSM_KEY_LABEL_PATTERN.test(label))
    throw new Pkcs11Failure(
      'HSM_OPERATION_FAILED',
      "a key label is 1 to 64 letters, digits, '.', '_', ':' or '-'",
    );
}

function findKey(
  module: Pkcs11.PKCS11,
  session: Buffer,
  label: string,
  objectClass: number,
): Buffer | undefined {
  const handles = call('find key', () => {
    module.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: objectClass },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    try {
      return module.C_FindObjects(session, FIND_OBJECTS_MAX);
    } finally {
      module.C_FindObjectsFinal(session);
    }
  });
  if (handles.length > 1)
    throw new Pkcs11Failure(
      'HSM_OPERATION_FAILED',
      `the HSM holds more than one key labelled '${label}'`,
    );
  return handles[0];
}

function publicKeyOf(
  module: Pkcs11.PKCS11,
  session: Buffer,
  handle: Buffer,
  label: string,
): KeyObject {
  const [attribute] = call('read public key', () =>
    module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_EC_POINT }]),
  );
  const point = attribute?.value;
  // SoftHSM gives the DER OCTET STRING; some HSMs give the 32 bytes bare
  const raw =
    Buffer.isBuffer(point) &&
    point.length === ED25519_POINT_DER_PREFIX.length + ED25519_PUBLIC_KEY_BYTES &&
    point.subarray(0, 2).equals(ED25519_POINT_DER_PREFIX)
      ? point.subarray(2)
      : point;
  if (!Buffer.isBuffer(raw) || raw.length !== ED25519_PUBLIC_KEY_BYTES)
    throw new Pkcs11Failure('HSM_OPERATION_FAILED', `key '${label}' is not an Ed25519 public key`);
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

function call<T>(operation: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Pkcs11Failure) throw error;
    throw new Pkcs11Failure(
      'HSM_OPERATION_FAILED',
      `HSM ${operation} failed: ${pkcs11Code(error)}`,
    );
  }
}
