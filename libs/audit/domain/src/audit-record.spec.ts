import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import {
  AUDIT_GENESIS_HASH,
  checkpointText,
  entryBytes,
  entryLeaf,
  keyIdOf,
  keyObjectSigner,
  recordHash,
  signCheckpoint,
  signCheckpointWith,
  verifyAuditChain,
  verifyCheckpoint,
  verifyEvidence,
  type AuditEntry,
  type AuditRecord,
  type Checkpoint,
} from './audit-record';
import { inclusionProof, treeRoot } from './merkle';

const entry = (offset: number, value = `{"eventId":"e-${offset}"}`): AuditEntry => ({
  topic: 'custody.ledger.events.v1',
  partition: 0,
  offset: String(offset),
  key: 'ledger-client-alice',
  valueBase64: Buffer.from(value).toString('base64'),
  sourcePosition: String(offset + 1),
  sourceHash: 'ab'.repeat(32),
});
function chain(entries: AuditEntry[]): AuditRecord[] {
  let previous = AUDIT_GENESIS_HASH;
  return entries.map((item, index) => {
    const position = BigInt(index + 1);
    const hash = recordHash(previous, position, item);
    const record = { ...item, position, previousHash: previous, hash };
    previous = hash;
    return record;
  });
}
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const records = chain(Array.from({ length: 9 }, (_, index) => entry(index)));
const leaves = records.map(entryLeaf);
const checkpoint = signCheckpoint(
  {
    treeSize: 9,
    rootHash: treeRoot(leaves).toString('hex'),
    chainHead: records[8]?.hash ?? '',
    at: '2026-11-24T12:00:00.000Z',
  },
  privateKey,
);
const evidence = (index: number, item: AuditEntry = records[index] as AuditEntry) => ({
  position: String(index + 1),
  entry: item,
  proof: inclusionProof(leaves, index).map((step) => step.toString('hex')),
});

describe('the audit record: hash chain, signed checkpoints, evidence checked without the database', () => {
  it('HK-22 given an untouched chain, then it verifies; an altered, deleted, reordered or inserted record is found at its position', () => {
    expect(verifyAuditChain(records)).toBeUndefined();
    const altered = records.map((record) =>
      record.position === 4n
        ? { ...record, valueBase64: Buffer.from('{"eventId":"forged"}').toString('base64') }
        : record,
    );
    expect(verifyAuditChain(altered)).toEqual({ position: 4n, problem: 'hash-mismatch' });
    expect(verifyAuditChain(records.filter((record) => record.position !== 4n))).toEqual({
      position: 4n,
      problem: 'gap',
    });
    const reordered = [records[0], records[2], records[1], ...records.slice(3)] as AuditRecord[];
    expect(verifyAuditChain(reordered)).toEqual({ position: 2n, problem: 'gap' });
    const renumbered = reordered.map((record, index) => ({
      ...record,
      position: BigInt(index + 1),
    }));
    expect(verifyAuditChain(renumbered)).toEqual({ position: 2n, problem: 'broken-link' });
  });

  it('HK-22 given the checkpoint and the public key, then the signature holds; another key, or any field changed, and it does not', () => {
    expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
    expect(verifyCheckpoint(checkpoint, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, treeSize: 8 }, publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, rootHash: '00'.repeat(32) }, publicKey)).toBe(false);
  });

  it("HK-22 given any signer (a key file's, an HSM's), then its checkpoint is the key's own; a signer whose signature does not hold is refused before anything is returned", async () => {
    const fields = {
      treeSize: 9,
      rootHash: treeRoot(leaves).toString('hex'),
      chainHead: records[8]?.hash ?? '',
      at: '2026-11-24T12:00:00.000Z',
    };
    expect(await signCheckpointWith(fields, keyObjectSigner(privateKey))).toEqual(checkpoint);
    const other = generateKeyPairSync('ed25519');
    // a signer that signs with one key but claims another (a misconfigured HSM label)
    await expect(
      signCheckpointWith(fields, {
        publicKey,
        sign: (message) => keyObjectSigner(other.privateKey).sign(message),
      }),
    ).rejects.toThrow(/does not verify/);
  });

  it('HK-22 given a record and its proof, then it is in the checkpoint; altered, moved, beyond the checkpoint or with a forged proof, then not, with the position named', () => {
    expect(verifyEvidence(evidence(3), checkpoint)).toEqual({ ok: true });
    expect(
      verifyEvidence(evidence(3, entry(3, '{"eventId":"e-3","amountMinor":"999"}')), checkpoint),
    ).toMatchObject({ ok: false, position: '4' });
    expect(verifyEvidence({ ...evidence(3), position: '5' }, checkpoint)).toMatchObject({
      ok: false,
      position: '5',
    });
    expect(verifyEvidence({ ...evidence(3), position: '10' }, checkpoint)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not in a checkpoint of 9/),
    });
    expect(
      verifyEvidence(
        { ...evidence(3), proof: [...evidence(3).proof.slice(1), 'ff'.repeat(32)] },
        checkpoint,
      ),
    ).toMatchObject({ ok: false, position: '4' });
  });
});

/*
 * Known answers, derived outside this code: the bytes by hand from the encoding's definition (each field as a
 * 4-byte big-endian byte length then its UTF-8 bytes; an absent field as the one byte 0x00), the digests with
 * `xxd -r -p | openssl dgst -sha256` over those bytes (the leaf: 00 || bytes; the record: the ASCII text
 * custody-audit-record-v1 || 32 zero bytes || 00000001 31 || bytes) and cross-checked by a 20-line Python
 * hashlib script written from the same definition.
 */
describe('HK-22 the record encoding, pinned by known answers', () => {
  // topic 't', partition 0, offset '7', no key, value '{}' (base64 'e30='), no source position, no source hash
  const small: AuditEntry = {
    topic: 't',
    partition: 0,
    offset: '7',
    key: null,
    valueBase64: 'e30=',
    sourcePosition: null,
    sourceHash: null,
  };
  const smallBytes = [
    '00000001' + '74', // 't'
    '00000001' + '30', // '0'
    '00000001' + '37', // '7'
    '00000001' + '00', // no key
    '00000004' + '6533303d', // 'e30='
    '00000001' + '00', // no source position
    '00000001' + '00', // no source hash
  ].join('');
  // a multi-byte key ('é' is two bytes in UTF-8: the prefix counts bytes), partition 2, every field present
  const full: AuditEntry = {
    topic: 'custody.ledger.events.v1',
    partition: 2,
    offset: '41',
    key: 'ledger-client-clé',
    valueBase64: Buffer.from('{"eventId":"e-1"}').toString('base64'),
    sourcePosition: '42',
    sourceHash: 'ab'.repeat(32),
  };
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('HK-22 given an entry with absent fields, then its canonical bytes are every field length-prefixed, absent ones as one zero byte', () => {
    expect(entryBytes(small).toString('hex')).toBe(smallBytes);
  });

  it('HK-22 given an entry with every field and a multi-byte character, then its bytes, leaf and chain hashes are the known ones', () => {
    expect(full.valueBase64).toBe('eyJldmVudElkIjoiZS0xIn0=');
    expect(entryBytes(full).subarray(0, 4).toString('hex')).toBe('00000018'); // 24 bytes of topic
    expect(
      entryBytes(full).includes(
        Buffer.from('00000012' + Buffer.from('ledger-client-clé').toString('hex'), 'hex'),
      ),
    ).toBe(true); // 18 bytes, 17 characters
    expect(sha256(entryBytes(full))).toBe(
      '2661305033172f772c6f023582495f9c22e2c1c2d84f115bcd5a67d744cb091f',
    );
    expect(entryLeaf(full).toString('hex')).toBe(
      '60e710fc5a39214c4d2a1138626b9430c19e7461de8bbeb0d4e6d01585ef80ea',
    );
    expect(recordHash(AUDIT_GENESIS_HASH, 1n, full)).toBe(
      '4d8d6b4552abfeb8bb3d30be1bb5255a9b1ff3d9fcc1fa4f05eaeb547924e42b',
    );
  });

  it('HK-22 given the small entry first in the record, then its leaf and chain hash are the known ones; second after the full one, another known hash', () => {
    expect(AUDIT_GENESIS_HASH).toBe('00'.repeat(32));
    expect(entryLeaf(small).toString('hex')).toBe(
      '1de1db9e77ae0b6611e7dec8265fde6496eff515f4b259ea2444a38d10f9b7fd',
    );
    expect(recordHash(AUDIT_GENESIS_HASH, 1n, small)).toBe(
      '39ff093f8e9fa7df51b607dfbc5352562f69d8a3f2bf6b255b75bee6d5c3b2f0',
    );
    expect(
      recordHash('4d8d6b4552abfeb8bb3d30be1bb5255a9b1ff3d9fcc1fa4f05eaeb547924e42b', 2n, small),
    ).toBe('898453468099349ebfd0abefe51bbc95d607e6a32220b37e141f52c228bb7c1b');
  });

  it('HK-22 given bytes moved from one field to the next, then the encoding differs (no two entries share bytes)', () => {
    const moved = { ...small, topic: 'tx', offset: '' };
    const kept = { ...small, topic: 't', offset: 'x' };
    expect(entryBytes(moved).equals(entryBytes(kept))).toBe(false);
    expect(recordHash(AUDIT_GENESIS_HASH, 1n, moved)).not.toBe(
      recordHash(AUDIT_GENESIS_HASH, 1n, kept),
    );
  });
});

/*
 * The key of RFC 8032 section 7.1, test 1 (secret 9d61b1..7f60, public d75a98..511a). Its keyId is the first
 * 16 hex of `openssl pkey -pubout -outform DER | openssl dgst -sha256` (SPKI 302a300506032b6570032100 || public);
 * the signature is `openssl pkeyutl -sign -rawin` over the checkpoint text below (Ed25519 is deterministic).
 */
describe('HK-22 the checkpoint text and signature, pinned by known answers', () => {
  const rfc8032 = createPrivateKey({
    key: Buffer.from(
      '302e020100300506032b6570042204209d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      'hex',
    ),
    format: 'der',
    type: 'pkcs8',
  });
  const fields = {
    treeSize: 3,
    rootHash: 'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    chainHead: '11'.repeat(32),
    at: '2026-11-24T12:00:00.000Z',
  };
  const signature =
    'd51ucX+LVbgYIUJA63iMyMNDBbV55tYGE1y0XS2wI1ykW+Q6y/5p2Phr+JcirWeYgYtrq1CdA8WEpPsk7n0ADw==';

  it('HK-22 given the RFC 8032 key, then its keyId, the signed text and the signature are the known ones', () => {
    const publicOne = createPublicKey(rfc8032);
    expect(publicOne.export({ type: 'spki', format: 'der' }).toString('hex')).toBe(
      '302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(keyIdOf(publicOne)).toBe('06e3fd8fda29bb60');
    const signed = signCheckpoint(fields, rfc8032);
    expect(signed).toEqual({
      format: 'custody-audit-checkpoint-v1',
      ...fields,
      keyId: '06e3fd8fda29bb60',
      signature,
    });
    expect(checkpointText(signed)).toBe(
      [
        'custody-audit-checkpoint-v1',
        '3',
        fields.rootHash,
        fields.chainHead,
        fields.at,
        '06e3fd8fda29bb60',
      ].join('\n'),
    );
    expect(verifyCheckpoint(signed, publicOne)).toBe(true);
  });

  it('HK-22 given a checkpoint of another format, another keyId, another chain head or instant, or a signature of another text, then it does not verify', () => {
    const publicOne = createPublicKey(rfc8032);
    const signed = signCheckpoint(fields, rfc8032);
    expect(
      verifyCheckpoint(
        { ...signed, format: 'custody-audit-checkpoint-v0' as 'custody-audit-checkpoint-v1' },
        publicOne,
      ),
    ).toBe(false);
    expect(verifyCheckpoint({ ...signed, keyId: '0000000000000000' }, publicOne)).toBe(false);
    expect(verifyCheckpoint({ ...signed, chainHead: '22'.repeat(32) }, publicOne)).toBe(false);
    expect(verifyCheckpoint({ ...signed, at: '2026-11-24T12:00:00.001Z' }, publicOne)).toBe(false);
    expect(
      verifyCheckpoint(
        { ...signed, signature: signCheckpoint({ ...fields, treeSize: 4 }, rfc8032).signature },
        publicOne,
      ),
    ).toBe(false);
  });
});

describe('HK-22 what a verifier refuses though the signature or the hashes would hold', () => {
  it('HK-22 given a checkpoint of another format or naming another key, signed by this key over exactly those fields, then it does not verify', () => {
    const fields = {
      treeSize: 9,
      rootHash: treeRoot(leaves).toString('hex'),
      chainHead: records[8]?.hash ?? '',
      at: '2026-11-24T12:00:00.000Z',
    };
    const signedAs = (unsigned: Omit<Checkpoint, 'signature'>): Checkpoint => ({
      ...unsigned,
      signature: sign(null, Buffer.from(checkpointText(unsigned)), privateKey).toString('base64'),
    });
    const genuine = signedAs({
      format: 'custody-audit-checkpoint-v1',
      ...fields,
      keyId: keyIdOf(publicKey),
    });
    expect(genuine).toEqual(checkpoint);
    expect(
      verifyCheckpoint(
        signedAs({
          format: 'custody-audit-checkpoint-v2' as 'custody-audit-checkpoint-v1',
          ...fields,
          keyId: keyIdOf(publicKey),
        }),
        publicKey,
      ),
    ).toBe(false);
    expect(
      verifyCheckpoint(
        signedAs({ format: 'custody-audit-checkpoint-v1', ...fields, keyId: 'ffffffffffffffff' }),
        publicKey,
      ),
    ).toBe(false);
  });

  it('HK-22 given a position written other than as a plain number from 1 (a leading zero, a space, a decimal point, zero), then the evidence is refused though the record is there', () => {
    for (const position of ['04', '4 ', ' 4', '4.0', '+4', '0', ''])
      expect(verifyEvidence({ ...evidence(3), position }, checkpoint)).toMatchObject({
        ok: false,
        position,
      });
  });

  it('HK-22 given a checkpoint of 12 records, then the records at positions 10 and 12 are proved in it; position 13 is not', () => {
    const twelve = chain(Array.from({ length: 12 }, (_, index) => entry(index)));
    const twelveLeaves = twelve.map(entryLeaf);
    const signed = signCheckpoint(
      {
        treeSize: 12,
        rootHash: treeRoot(twelveLeaves).toString('hex'),
        chainHead: twelve[11]?.hash ?? '',
        at: '2026-11-24T13:00:00.000Z',
      },
      privateKey,
    );
    const at = (index: number) => ({
      position: String(index + 1),
      entry: twelve[index] as AuditEntry,
      proof: inclusionProof(twelveLeaves, index).map((step) => step.toString('hex')),
    });
    expect(verifyEvidence(at(9), signed)).toEqual({ ok: true });
    expect(verifyEvidence(at(11), signed)).toEqual({ ok: true });
    expect(verifyEvidence({ ...at(11), position: '13' }, signed)).toMatchObject({
      ok: false,
      position: '13',
    });
  });
});
