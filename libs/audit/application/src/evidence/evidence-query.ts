import { consistencyProof, inclusionProof, type InclusionEvidence } from '@custody/audit-domain';
import type { AuditRecords } from '../record/audit-records';
import { AUDIT_PAGE_RECORDS } from '../shared/audit-context';

/** Records one evidence pack carries at most. */
export const EVIDENCE_RECORDS_MAX = 100_000;

/**
 * HK-22 evidence an auditor verifies offline with a checkpoint and the public key alone: records
 * with their inclusion proofs, and the proof that one checkpoint is a prefix of a later one.
 */
export class EvidenceQuery {
  constructor(private readonly records: AuditRecords) {}

  /** Records [from, to] with their inclusion proofs in the checkpoint of `treeSize` records. */
  async evidence(from: number, to: number, treeSize: number): Promise<InclusionEvidence[]> {
    if (from < 1 || to < from || to > treeSize || to - from + 1 > EVIDENCE_RECORDS_MAX)
      throw new Error(`assertion: records ${from}..${to} of a checkpoint of ${treeSize}`);
    const leaves = await this.records.leaves(treeSize);
    const evidence: InclusionEvidence[] = [];
    for (let start = from; start <= to; start += AUDIT_PAGE_RECORDS) {
      for (const record of await this.records.records(
        BigInt(start),
        Math.min(AUDIT_PAGE_RECORDS, to - start + 1),
      )) {
        const { position, previousHash: _previous, hash: _hash, ...entry } = record;
        evidence.push({
          position: position.toString(),
          entry,
          proof: inclusionProof(leaves, Number(position) - 1, treeSize).map((step) =>
            step.toString('hex'),
          ),
        });
      }
    }
    return evidence;
  }

  /** The proof that the checkpoint of `first` records is a prefix of the one of `second`. */
  async consistency(first: number, second: number): Promise<string[]> {
    return consistencyProof(await this.records.leaves(second), first, second).map((step) =>
      step.toString('hex'),
    );
  }
}
