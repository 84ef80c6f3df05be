import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InboundMessage, MessageHeaders, OutboundMessage } from './ports';

/**
 * Messages from the exchange (exchange.* topics) are another party's word: each carries a
 * detached Ed25519 signature over its topic, key and value bytes, made with a key whose id
 * travels beside it. The custody side holds the exchange's public keys (several at once, so a
 * key can be rotated without a gap) and books nothing it cannot verify.
 *
 * What is signed (`exchangeSignedBytes`), byte for byte:
 *   "custody-exchange-signature-v1\n"            domain separation (30 bytes, ASCII)
 *   uint32 big-endian length of the topic, topic (UTF-8)
 *   int32 big-endian length of the key (-1 for no key), key bytes
 *   uint32 big-endian length of the value, value bytes
 * The lengths make the framing unambiguous: no topic, key and value of one message read as
 * another's. Headers travel unsigned (trace context may change on the way).
 */
export const EXCHANGE_SIGNATURE_HEADER = 'custody-signature';
export const EXCHANGE_SIGNATURE_KEY_ID_HEADER = 'custody-signature-key-id';
export const EXCHANGE_SIGNATURE_HEADERS = [
  EXCHANGE_SIGNATURE_HEADER,
  EXCHANGE_SIGNATURE_KEY_ID_HEADER,
] as const;
const DOMAIN_TAG = Buffer.from('custody-exchange-signature-v1\n', 'ascii');
const ED25519_SIGNATURE_BYTES = 64;
/** Base64 of 64 bytes, padded. */
const SIGNATURE_BASE64_PATTERN = /^[A-Za-z0-9+/]{86}==$/;
export const EXCHANGE_KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** At most this many exchange keys are trusted at once (a rotation needs two). */
export const EXCHANGE_PUBLIC_KEYS_MAX = 16;
/** A public keys file larger than this is not a public keys file. */
export const EXCHANGE_PUBLIC_KEYS_FILE_BYTES_MAX = 64 * 1024;

/** Stable codes of a refused signature (dead letters, stage 'validate'). */
export const EXCHANGE_SIGNATURE_CODES = [
  'EXCHANGE_SIGNATURE_MISSING',
  'EXCHANGE_SIGNATURE_MALFORMED',
  'EXCHANGE_SIGNATURE_KEY_UNKNOWN',
  'EXCHANGE_SIGNATURE_INVALID',
] as const;
export type ExchangeSignatureCode = (typeof EXCHANGE_SIGNATURE_CODES)[number];

export type SignatureCheck =
  | { readonly ok: true; readonly keyId: string }
  | {
      readonly ok: false;
      readonly code: ExchangeSignatureCode;
      readonly path: string;
      readonly reason: string;
    };

export interface ExchangePublicKey {
  readonly keyId: string;
  readonly key: KeyObject;
}

export interface ExchangeSigningKey {
  readonly keyId: string;
  readonly key: KeyObject;
}

function asBuffer(bytes: string | Buffer | null): Buffer | null {
  if (bytes === null) return null;
  return typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
}

/** The exact bytes an exchange signature covers (see the module's comment). */
export function exchangeSignedBytes(
  topic: string,
  key: string | Buffer | null,
  value: string | Buffer,
): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const keyBytes = asBuffer(key);
  const valueBytes = asBuffer(value) as Buffer;
  const lengths = Buffer.alloc(12);
  lengths.writeUInt32BE(topicBytes.length, 0);
  lengths.writeInt32BE(keyBytes === null ? -1 : keyBytes.length, 4);
  lengths.writeUInt32BE(valueBytes.length, 8);
  return Buffer.concat([
    DOMAIN_TAG,
    lengths.subarray(0, 4),
    topicBytes,
    lengths.subarray(4, 8),
    keyBytes ?? Buffer.alloc(0),
    lengths.subarray(8, 12),
    valueBytes,
  ]);
}

/** The message with the exchange's signature headers added (what the exchange, or the simulator, produces). */
export function signExchangeMessage(
  signer: ExchangeSigningKey,
  topic: string,
  message: OutboundMessage,
): OutboundMessage {
  const signature = sign(null, exchangeSignedBytes(topic, message.key, message.value), signer.key);
  return {
    ...message,
    headers: {
      ...message.headers,
      [EXCHANGE_SIGNATURE_KEY_ID_HEADER]: signer.keyId,
      [EXCHANGE_SIGNATURE_HEADER]: signature.toString('base64'),
    },
  };
}

/**
 * Checks exchange signatures against the trusted public keys. Pure apart from the keys it was
 * given: no clock, no I/O.
 */
export class ExchangeSignatureVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(keys: readonly ExchangePublicKey[]) {
    if (keys.length > EXCHANGE_PUBLIC_KEYS_MAX)
      throw new Error(
        `assertion: at most ${EXCHANGE_PUBLIC_KEYS_MAX} exchange keys, got ${keys.length}`,
      );
    for (const { keyId, key } of keys) {
      if (!EXCHANGE_KEY_ID_PATTERN.test(keyId))
        throw new Error(
          `assertion: exchange key id '${keyId}' does not match ${EXCHANGE_KEY_ID_PATTERN.source}`,
        );
      if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519')
        throw new Error(`assertion: exchange key '${keyId}' is not an Ed25519 public key`);
    }
    this.keys = new Map(keys.map(({ keyId, key }) => [keyId, key]));
    if (this.keys.size !== keys.length)
      throw new Error('assertion: exchange key ids are not unique');
  }

  get keyIds(): readonly string[] {
    return [...this.keys.keys()];
  }

  check(topic: string, message: Pick<InboundMessage, 'key' | 'value' | 'headers'>): SignatureCheck {
    const keyId = message.headers[EXCHANGE_SIGNATURE_KEY_ID_HEADER];
    const signature = message.headers[EXCHANGE_SIGNATURE_HEADER];
    if (keyId === undefined && signature === undefined) {
      return {
        ok: false,
        code: 'EXCHANGE_SIGNATURE_MISSING',
        path: '',
        reason: `messages on ${topic} must carry the exchange's Ed25519 signature (headers ${EXCHANGE_SIGNATURE_KEY_ID_HEADER} and ${EXCHANGE_SIGNATURE_HEADER})`,
      };
    }
    if (keyId === undefined || !EXCHANGE_KEY_ID_PATTERN.test(keyId)) {
      return {
        ok: false,
        code: 'EXCHANGE_SIGNATURE_MALFORMED',
        path: `headers.${EXCHANGE_SIGNATURE_KEY_ID_HEADER}`,
        reason: `the key id must match ${EXCHANGE_KEY_ID_PATTERN.source}`,
      };
    }
    if (signature === undefined || !SIGNATURE_BASE64_PATTERN.test(signature)) {
      return {
        ok: false,
        code: 'EXCHANGE_SIGNATURE_MALFORMED',
        path: `headers.${EXCHANGE_SIGNATURE_HEADER}`,
        reason: `the signature must be the base64 of ${ED25519_SIGNATURE_BYTES} bytes (Ed25519)`,
      };
    }
    const key = this.keys.get(keyId);
    if (key === undefined) {
      return {
        ok: false,
        code: 'EXCHANGE_SIGNATURE_KEY_UNKNOWN',
        path: `headers.${EXCHANGE_SIGNATURE_KEY_ID_HEADER}`,
        reason: `key '${keyId}' is not among the exchange keys this service trusts`,
      };
    }
    const valid = verify(
      null,
      exchangeSignedBytes(topic, message.key, message.value),
      key,
      Buffer.from(signature, 'base64'),
    );
    if (!valid) {
      return {
        ok: false,
        code: 'EXCHANGE_SIGNATURE_INVALID',
        path: `headers.${EXCHANGE_SIGNATURE_HEADER}`,
        reason: `the signature does not verify with key '${keyId}' over this topic, key and value`,
      };
    }
    return { ok: true, keyId };
  }
}

/** The signature headers of a message (to travel with it into a dead letter and back on re-drive). */
export function exchangeSignatureHeaders(headers: MessageHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of EXCHANGE_SIGNATURE_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

export class ExchangeKeyFileError extends Error {}

/**
 * Reads the exchange's public keys: JSON `{"keys": [{"keyId": "...", "publicKeyPem": "-----BEGIN PUBLIC KEY-----..."}]}`
 * (SPKI PEM, Ed25519). Throws ExchangeKeyFileError with a reason that never quotes the file.
 */
export function readExchangePublicKeys(path: string): ExchangePublicKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ExchangeKeyFileError(
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (Buffer.byteLength(text) > EXCHANGE_PUBLIC_KEYS_FILE_BYTES_MAX)
    throw new ExchangeKeyFileError(`larger than ${EXCHANGE_PUBLIC_KEYS_FILE_BYTES_MAX} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ExchangeKeyFileError(
      'is not JSON: expected {"keys": [{"keyId": ..., "publicKeyPem": ...}]}',
    );
  }
  const entries = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries) || entries.length === 0)
    throw new ExchangeKeyFileError('must hold a non-empty "keys" array');
  if (entries.length > EXCHANGE_PUBLIC_KEYS_MAX)
    throw new ExchangeKeyFileError(`holds more than ${EXCHANGE_PUBLIC_KEYS_MAX} keys`);
  const keys = entries.map((entry: unknown, index: number): ExchangePublicKey => {
    const { keyId, publicKeyPem } = (entry ?? {}) as { keyId?: unknown; publicKeyPem?: unknown };
    if (typeof keyId !== 'string' || !EXCHANGE_KEY_ID_PATTERN.test(keyId))
      throw new ExchangeKeyFileError(
        `keys[${index}].keyId must match ${EXCHANGE_KEY_ID_PATTERN.source}`,
      );
    let key: KeyObject;
    try {
      key = createPublicKey({ key: String(publicKeyPem), format: 'pem' });
    } catch {
      throw new ExchangeKeyFileError(`keys[${index}].publicKeyPem is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new ExchangeKeyFileError(
        `keys[${index}] is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`,
      );
    return { keyId, key };
  });
  if (new Set(keys.map((key) => key.keyId)).size !== keys.length)
    throw new ExchangeKeyFileError('key ids must be unique');
  return keys;
}

/** Reads the exchange's private signing key (PKCS#8 PEM, Ed25519): the simulator's, or a test's. */
export function readExchangeSigningKey(keyId: string, path: string): ExchangeSigningKey {
  if (!EXCHANGE_KEY_ID_PATTERN.test(keyId))
    throw new ExchangeKeyFileError(`the key id must match ${EXCHANGE_KEY_ID_PATTERN.source}`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: readFileSync(path), format: 'pem' });
  } catch {
    throw new ExchangeKeyFileError('is not a readable PKCS#8 PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ExchangeKeyFileError(`is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`);
  return { keyId, key };
}
