import { generateKeyPairSync } from 'node:crypto';
import { AUDIT_GENESIS_HASH, entryLeaf, keyObjectSigner, recordHash, signCheckpoint, signCheckpointWith, verifyAuditChain, verifyCheckpoint, verifyEvidence, type AuditEntry, type AuditRecord } from './audit-record';
import { inclusionProof, treeRoot } from './merkle';

const entry = (offset: number, value = `{"eventId":"e-${offset}"}`): AuditEntry => ({ topic: 'custody.ledger.events.v1', partition: 0, offset: String(offset), key: 'ledger-client-alice', valueBase64: Buffer.from(value).toString('base64'), sourcePosition: String(offset + 1), sourceHash: 'ab'.repeat(32) });
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
const checkpoint = signCheckpoint({ treeSize: 9, rootHash: treeRoot(leaves).toString('hex'), chainHead: records[8]?.hash ?? '', at: '2026-11-24T12:00:00.000Z' }, privateKey);
const evidence = (index: number, item: AuditEntry = records[index] as AuditEntry) => ({ position: String(index + 1), entry: item, proof: inclusionProof(leaves, index).map((step) => step.toString('hex')) });

describe('the audit record: hash chain, signed checkpoints, evidence checked without the database', () => {
  it('HK-22 given an untouched chain, then it verifies; an altered, deleted, reordered or inserted record is found at its position', () => {
    expect(verifyAuditChain(records)).toBeUndefined();
    const altered = records.map((record) => (record.position === 4n ? { ...record, valueBase64: Buffer.from('{"eventId":"forged"}').toString('base64') } : record));
    expect(verifyAuditChain(altered)).toEqual({ position: 4n, problem: 'hash-mismatch' });
    expect(verifyAuditChain(records.filter((record) => record.position !== 4n))).toEqual({ position: 4n, problem: 'gap' });
    const reordered = [records[0], records[2], records[1], ...records.slice(3)] as AuditRecord[];
    expect(verifyAuditChain(reordered)).toEqual({ position: 2n, problem: 'gap' });
    const renumbered = reordered.map((record, index) => ({ ...record, position: BigInt(index + 1) }));
    expect(verifyAuditChain(renumbered)).toEqual({ position: 2n, problem: 'broken-link' });
  });

  it('HK-22 given the checkpoint and the public key, then the signature holds; another key, or any field changed, and it does not', () => {
    expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
    expect(verifyCheckpoint(checkpoint, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, treeSize: 8 }, publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, rootHash: '00'.repeat(32) }, publicKey)).toBe(false);
  });

  it('HK-22 given any signer (a key file\'s, an HSM\'s), then its checkpoint is the key\'s own; a signer whose signature does not hold is refused before anything is returned', async () => {
    const fields = { treeSize: 9, rootHash: treeRoot(leaves).toString('hex'), chainHead: records[8]?.hash ?? '', at: '2026-11-24T12:00:00.000Z' };
    expect(await signCheckpointWith(fields, keyObjectSigner(privateKey))).toEqual(checkpoint);
    const other = generateKeyPairSync('ed25519');
    // a signer that signs with one key but claims another (a misconfigured HSM label)
    await expect(signCheckpointWith(fields, { publicKey, sign: (message) => keyObjectSigner(other.privateKey).sign(message) })).rejects.toThrow(/does not verify/);
  });

  it('HK-22 given a record and its proof, then it is in the checkpoint; altered, moved, beyond the checkpoint or with a forged proof, then not, with the position named', () => {
    expect(verifyEvidence(evidence(3), checkpoint)).toEqual({ ok: true });
    expect(verifyEvidence(evidence(3, entry(3, '{"eventId":"e-3","amountMinor":"999"}')), checkpoint)).toMatchObject({ ok: false, position: '4' });
    expect(verifyEvidence({ ...evidence(3), position: '5' }, checkpoint)).toMatchObject({ ok: false, position: '5' });
    expect(verifyEvidence({ ...evidence(3), position: '10' }, checkpoint)).toMatchObject({ ok: false, reason: expect.stringMatching(/not in a checkpoint of 9/) });
    expect(verifyEvidence({ ...evidence(3), proof: [...evidence(3).proof.slice(1), 'ff'.repeat(32)] }, checkpoint)).toMatchObject({ ok: false, position: '4' });
  });
});
