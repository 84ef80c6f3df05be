import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { leafHash, verifyInclusion, type Hash } from './merkle';

/** Hash before the first audit record. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
const RECORD_FORMAT = 'custody-audit-record-v1';
const CHECKPOINT_FORMAT = 'custody-audit-checkpoint-v1';

/**
 * One message as the audit service received it, independent of its producer: where it came from
 * (topic, partition, offset), its bytes exactly, and the source store's own position and hash of
 * the event (from the relay's headers; null for upstream topics, which have no store here).
 */
export interface AuditEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The message value as received, base64 (exact bytes, whatever they say). */
  readonly valueBase64: string;
  readonly sourcePosition: string | null;
  readonly sourceHash: string | null;
}

export interface AuditRecord extends AuditEntry {
  /** 1-based, gapless position in the audit record. */
  readonly position: bigint;
  readonly previousHash: string;
  /** SHA-256 chained on previousHash over the canonical bytes of the entry. */
  readonly hash: string;
}

/** The text's UTF-8 bytes (Buffer.from's encoding, as for every text signed or hashed here) after their length as 4 bytes big-endian. */
const lengthPrefixed = (value: string): Buffer => {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
};

/** The entry's canonical bytes: its Merkle leaf, and what its chain hash covers. Every field length-prefixed: no two entries share bytes. */
export function entryBytes(entry: AuditEntry): Buffer {
  return Buffer.concat(
    [
      entry.topic,
      String(entry.partition),
      entry.offset,
      entry.key ?? '\u0000',
      entry.valueBase64,
      entry.sourcePosition ?? '\u0000',
      entry.sourceHash ?? '\u0000',
    ].map(lengthPrefixed),
  );
}

export function recordHash(previousHash: string, position: bigint, entry: AuditEntry): string {
  return createHash('sha256')
    .update(RECORD_FORMAT)
    .update(Buffer.from(previousHash, 'hex'))
    .update(lengthPrefixed(position.toString()))
    .update(entryBytes(entry))
    .digest('hex');
}

export function entryLeaf(entry: AuditEntry): Hash {
  return leafHash(entryBytes(entry));
}

export type ChainBreak = {
  readonly position: bigint;
  readonly problem: 'gap' | 'broken-link' | 'hash-mismatch';
};

/** Walks records in order from `previousHash` (genesis by default): the first position where the chain does not hold, or none. */
export function verifyAuditChain(
  records: readonly AuditRecord[],
  previousHash = AUDIT_GENESIS_HASH,
  previousPosition = 0n,
): ChainBreak | undefined {
  let previous = previousHash;
  let expected = previousPosition + 1n;
  for (const record of records) {
    if (record.position !== expected) return { position: expected, problem: 'gap' };
    if (record.previousHash !== previous)
      return { position: record.position, problem: 'broken-link' };
    if (recordHash(previous, record.position, record) !== record.hash)
      return { position: record.position, problem: 'hash-mismatch' };
    previous = record.hash;
    expected += 1n;
  }
  return undefined;
}

/**
 * A signed statement of the audit record at a moment: its size (records 1..treeSize), the Merkle
 * root over their entries, the chain's head hash, when, and by which key. Anyone holding the
 * checkpoint file and the public key can check that a record belongs to it, and that a later
 * checkpoint extends it, without the database.
 */
export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly chainHead: string;
  readonly at: string;
  /** First 16 hex of SHA-256 over the public key (SPKI DER). */
  readonly keyId: string;
  /** Ed25519 over the signed text, base64. */
  readonly signature: string;
}

export function checkpointText(checkpoint: Omit<Checkpoint, 'signature'>): string {
  return [
    checkpoint.format,
    checkpoint.treeSize,
    checkpoint.rootHash,
    checkpoint.chainHead,
    checkpoint.at,
    checkpoint.keyId,
  ].join('\n');
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Who signs checkpoints: an Ed25519 key held outside the database, in a file (a mounted secret)
 * or in an HSM (the signature made inside it). The public key names the checkpoint (keyId).
 */
export interface CheckpointSigner {
  readonly publicKey: KeyObject;
  /** The Ed25519 signature (64 bytes) of `message`. */
  sign(message: Buffer): Buffer | Promise<Buffer>;
}

/** A signer over a private key object (a file's key). */
export function keyObjectSigner(privateKey: KeyObject): CheckpointSigner {
  return {
    publicKey: createPublicKey(privateKey),
    sign: (message) => sign(null, message, privateKey),
  };
}

/** Signs with an Ed25519 private key (held outside the database). */
export function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject): Checkpoint {
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    ...fields,
    keyId: keyIdOf(createPublicKey(privateKey)),
  } as const;
  return {
    ...unsigned,
    signature: sign(null, Buffer.from(checkpointText(unsigned)), privateKey).toString('base64'),
  };
}

export interface CheckpointFields {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly chainHead: string;
  readonly at: string;
}

/** Signs with any signer (an HSM's too); the signature is checked against the signer's public key before it is returned. */
export async function signCheckpointWith(
  fields: CheckpointFields,
  signer: CheckpointSigner,
): Promise<Checkpoint> {
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    ...fields,
    keyId: keyIdOf(signer.publicKey),
  } as const;
  const checkpoint = {
    ...unsigned,
    signature: (await signer.sign(Buffer.from(checkpointText(unsigned)))).toString('base64'),
  };
  if (!verifyCheckpoint(checkpoint, signer.publicKey))
    throw new Error("assertion: the signer's signature does not verify against its own public key");
  return checkpoint;
}

/** The checkpoint is signed by this key, and says what it says. */
export function verifyCheckpoint(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  if (checkpoint.format !== CHECKPOINT_FORMAT || checkpoint.keyId !== keyIdOf(publicKey))
    return false;
  const { signature, ...unsigned } = checkpoint;
  return verify(
    null,
    Buffer.from(checkpointText(unsigned)),
    publicKey,
    Buffer.from(signature, 'base64'),
  );
}

/** One record proved to be in a checkpoint: the entry and its audit path. */
export interface InclusionEvidence {
  readonly position: string;
  readonly entry: AuditEntry;
  /** Hex hashes, leaf to root. */
  readonly proof: readonly string[];
}

export type EvidenceVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly position: string; readonly reason: string };

/** Checks a record against a checkpoint whose signature was verified: its position, its bytes, its path to the root. */
export function verifyEvidence(
  evidence: InclusionEvidence,
  checkpoint: Checkpoint,
): EvidenceVerdict {
  const index = Number(evidence.position) - 1;
  if (!/^[1-9][0-9]*$/.test(evidence.position) || index >= checkpoint.treeSize)
    return {
      ok: false,
      position: evidence.position,
      reason: `position ${evidence.position} is not in a checkpoint of ${checkpoint.treeSize} records`,
    };
  const proved = verifyInclusion(
    entryLeaf(evidence.entry),
    index,
    checkpoint.treeSize,
    evidence.proof.map((step) => Buffer.from(step, 'hex')),
    Buffer.from(checkpoint.rootHash, 'hex'),
  );
  return proved
    ? { ok: true }
    : {
        ok: false,
        position: evidence.position,
        reason: `record ${evidence.position} is not the one the checkpoint of ${checkpoint.treeSize} records holds (altered, moved or forged proof)`,
      };
}
