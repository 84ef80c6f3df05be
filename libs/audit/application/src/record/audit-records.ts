import type { AuditRecord } from '@custody/audit-domain';
import { AUDIT_PAGE_RECORDS, type AuditContext } from '../shared/audit-context';

/** A checkpoint covers at most this many records (the Merkle tree is built in memory: 32 bytes a record). */
export const CHECKPOINT_RECORDS_MAX = 50_000_000;

type RecordRow = {
  position: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value_base64: string;
  source_position: string | null;
  source_hash: string | null;
  previous_hash: string;
  hash: string;
};
const recordOf = (row: RecordRow): AuditRecord => ({
  position: BigInt(row.position),
  topic: row.topic,
  partition: row.partition,
  offset: row.offset,
  key: row.key,
  valueBase64: row.value_base64,
  sourcePosition: row.source_position,
  sourceHash: row.source_hash,
  previousHash: row.previous_hash,
  hash: row.hash,
});

/** The record as it stands: its size, its records page by page, the Merkle leaves of its first records. */
export class AuditRecords {
  constructor(private readonly context: AuditContext) {}

  async size(): Promise<number> {
    const { rows } = await this.context.store.pool.query<{ size: string | null }>(
      `select max(position)::text as size from ${this.context.schema}.audit_records`,
    );
    return Number(rows[0]?.size ?? '0');
  }

  async records(fromPosition: bigint, limit: number): Promise<AuditRecord[]> {
    const { rows } = await this.context.store.pool.query<RecordRow>(
      `select r.position::text as position, r.topic, r.partition, r."offset", r.key, r.value_base64, r.source_position, r.source_hash, r.previous_hash, r.hash
         from ${this.context.schema}.audit_records r where r.position >= $1 order by r.position limit $2`,
      [fromPosition.toString(), Math.min(limit, AUDIT_PAGE_RECORDS)],
    );
    return rows.map(recordOf);
  }

  /** The leaf hashes of the first `size` records, in order: the Merkle tree of a checkpoint of that size. */
  async leaves(size: number): Promise<Buffer[]> {
    if (size > CHECKPOINT_RECORDS_MAX)
      throw new Error(`assertion: a checkpoint covers at most ${CHECKPOINT_RECORDS_MAX} records`);
    const leaves: Buffer[] = [];
    for (let from = 1; from <= size; from += AUDIT_PAGE_RECORDS) {
      const { rows } = await this.context.store.pool.query<{ leaf_hash: Buffer }>(
        `select leaf_hash from ${this.context.schema}.audit_records where position >= $1 and position <= $2 order by position`,
        [from, Math.min(size, from + AUDIT_PAGE_RECORDS - 1)],
      );
      for (const row of rows) leaves.push(row.leaf_hash);
    }
    if (leaves.length !== size)
      throw new Error(`assertion: ${leaves.length} leaves for a tree of ${size}`);
    return leaves;
  }
}
