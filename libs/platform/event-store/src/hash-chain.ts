import { createHash, type Hash } from 'node:crypto';

/** Hash of the (virtual) record before the first one. */
export const GENESIS_HASH = '0'.repeat(64);
const HASH_BYTES = 32;
const CONTENT_FORMAT = 'custody-event-content-v1';
const RECORD_FORMAT = 'custody-event-record-v1';

/** What the writer chose: identical for a retried append, whatever position it lands at. */
export interface HashedContent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** The exact JSON text stored for data and metadata. */
  readonly dataJson: string;
  readonly metadataJson: string;
}

/** Where and when the store put it. */
export interface HashedPlacement {
  readonly globalPosition: bigint;
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly recordedAt: Date;
}

export type HashedRecord = HashedContent & HashedPlacement;

const CONTENT_TAG = Buffer.from(CONTENT_FORMAT, 'utf8');
const RECORD_TAG = Buffer.from(RECORD_FORMAT, 'utf8');
/** Scratch space for one length prefix; hash.update copies it at once, so reuse is safe. */
const lengthPrefix = Buffer.alloc(4);

function updateField(hash: Hash, value: string): void {
  lengthPrefix.writeUInt32BE(Buffer.byteLength(value, 'utf8'), 0);
  hash.update(lengthPrefix).update(value, 'utf8');
}

/**
 * Digest of the event's content, computed before the append lock is taken: SHA-256 over a
 * format tag and length-prefixed fields (4-byte big-endian byte length, then UTF-8 bytes), so
 * no field can bleed into its neighbour, whatever characters it holds.
 */
export function contentDigest(content: HashedContent): Buffer {
  const hash = createHash('sha256').update(CONTENT_TAG);
  updateField(hash, content.eventId);
  updateField(hash, content.type);
  updateField(hash, String(content.schemaVersion));
  updateField(hash, content.dataJson);
  updateField(hash, content.metadataJson);
  return hash.digest();
}

/**
 * The chain link: SHA-256 over a format tag, the previous record's hash, this record's
 * placement (position, stream version and recorded time as 64-bit big-endian integers, the
 * length-prefixed stream id) and its content digest. Changing, removing or moving any record
 * breaks the link after it.
 */
export function chainLink(
  previousHash: Buffer,
  placement: HashedPlacement,
  content: Buffer,
): Buffer {
  if (previousHash.length !== HASH_BYTES || content.length !== HASH_BYTES) {
    throw new Error('assertion: chain hashes and content digests are 32 bytes');
  }
  const numbers = Buffer.allocUnsafe(24);
  numbers.writeBigUInt64BE(placement.globalPosition, 0);
  numbers.writeBigUInt64BE(placement.streamVersion, 8);
  numbers.writeBigInt64BE(BigInt(placement.recordedAt.getTime()), 16);
  const hash = createHash('sha256').update(RECORD_TAG).update(previousHash).update(numbers);
  updateField(hash, placement.streamId);
  return hash.update(content).digest();
}

/** Hex form of the link for a whole record (used by verification and tests). */
export function chainHash(previousHash: string, record: HashedRecord): string {
  if (!/^[0-9a-f]{64}$/.test(previousHash)) {
    throw new Error(`assertion: previous hash must be 64 hex characters, got '${previousHash}'`);
  }
  return chainLink(Buffer.from(previousHash, 'hex'), record, contentDigest(record)).toString('hex');
}
