import type { AuditedSource } from '@custody/audit-domain';
import { AUDIT_PAGE_RECORDS, type AuditContext } from '../shared/audit-context';

/** The cross-check's audit side: what the record holds of each service's topic. */
export class AuditedSourcesQuery {
  constructor(private readonly context: AuditContext) {}

  /** What the record holds of one service's topic, by audit position: the source position and hash of each (the cross-check's audit side). */
  async page(topic: string, afterAuditPosition: bigint, limit: number): Promise<AuditedSource[]> {
    const { rows } = await this.context.store.pool.query<{
      position: string;
      source_position: string;
      source_hash: string | null;
    }>(
      `select r.position::text as position, r.source_position, r.source_hash from ${this.context.schema}.audit_records r
        where r.topic = $1 and r.source_position is not null and r.position > $2 order by r.position limit $3`,
      [topic, afterAuditPosition.toString(), Math.min(limit, AUDIT_PAGE_RECORDS)],
    );
    return rows.map((row) => ({
      auditPosition: row.position,
      sourcePosition: row.source_position,
      sourceHash: row.source_hash,
    }));
  }
}
