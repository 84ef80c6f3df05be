import {
  AUDIT_GENESIS_HASH,
  signCheckpointWith,
  treeRoot,
  type Checkpoint,
  type CheckpointSigner,
} from '@custody/audit-domain';
import type { AuditRecords } from '../record/audit-records';
import type { AuditContext } from '../shared/audit-context';
import type { CheckpointsQuery } from './checkpoints-query';
import { CHECKPOINTS_AGGREGATE, CHECKPOINTS_STREAM_ID } from './checkpoints-stream';

/** HK-22 checkpoints: the record's size, Merkle root and chain head, signed with a key held outside the database. */
export class SignCheckpoint {
  constructor(
    private readonly context: AuditContext,
    private readonly records: AuditRecords,
    private readonly checkpoints: CheckpointsQuery,
  ) {}

  /**
   * A checkpoint of the record as it stands (or of its first `sizeMax` records): its size, the Merkle root of its entries, its chain
   * head, signed with the key (Ed25519, never stored here) and recorded as `AuditCheckpointSigned`
   * (relayed to custody.audit.events.v1). Nothing new since the last one: that one is returned.
   */
  async sign(signer: CheckpointSigner, at: string, sizeMax?: number): Promise<Checkpoint> {
    // up to `sizeMax` when given: a checkpoint covers only records its caller verified
    const size =
      sizeMax === undefined
        ? await this.records.size()
        : Math.min(await this.records.size(), sizeMax);
    const [last] = (await this.checkpoints.all()).slice(-1);
    if (last !== undefined && last.treeSize >= size) return last; // nothing new (or less than already signed): the last one
    const [head] = await this.records.records(BigInt(size), 1);
    const signed = await signCheckpointWith(
      {
        treeSize: size,
        rootHash: treeRoot(await this.records.leaves(size)).toString('hex'),
        chainHead: head?.hash ?? AUDIT_GENESIS_HASH,
        at,
      },
      signer,
    );
    await this.context.streams.execute(
      CHECKPOINTS_STREAM_ID,
      CHECKPOINTS_AGGREGATE,
      (checkpoints) =>
        checkpoints.some((existing) => existing.treeSize === size)
          ? { ok: true as const, events: [] }
          : {
              ok: true as const,
              events: [{ type: 'AuditCheckpointSigned' as const, data: signed }],
            },
      { actor: 'audit-service' },
    );
    return signed;
  }
}
