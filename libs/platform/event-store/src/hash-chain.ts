import { createHash } from 'node:crypto';

/** Hash of the (virtual) record before the first one. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every field of a stored record that the chain protects, in stored (serialised) form. */
export interface HashedRecord {
  readonly globalPosition: bigint;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly type: string;
  readonly schemaVersion: number;
  /** The exact JSON text stored for data and metadata. */
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: Date;
}

/**
 * The canonical bytes of a record: a JSON array of strings and numbers, so no field can
 * bleed into the next. Prefixed with a format tag so a future layout can coexist.
 */
export function canonicalRecord(record: HashedRecord): string {
  return JSON.stringify([
    'custody-event-v1',
    record.globalPosition.toString(),
    record.eventId,
    record.streamId,
    record.streamVersion.toString(),
    record.type,
    record.schemaVersion,
    record.dataJson,
    record.metadataJson,
    record.recordedAt.toISOString(),
  ]);
}

/** SHA-256 over the previous record's hash (32 bytes) followed by this record's canonical bytes. */
export function chainHash(previousHash: string, record: HashedRecord): string {
  if (!/^[0-9a-f]{64}$/.test(previousHash)) {
    throw new Error(`assertion: previous hash must be 64 hex characters, got '${previousHash}'`);
  }
  return createHash('sha256')
    .update(Buffer.from(previousHash, 'hex'))
    .update(canonicalRecord(record), 'utf8')
    .digest('hex');
}
