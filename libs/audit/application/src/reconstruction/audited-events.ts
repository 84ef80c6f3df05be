import type { AuditedEvent } from '@custody/audit-domain';
import { AUDIT_PAGE_RECORDS, type AuditContext } from '../shared/audit-context';

/** Ledger events one reconstruction reads at most (beyond: snapshots, not yet built). */
export const RECONSTRUCT_EVENTS_MAX = 5_000_000;

/** The audited events of some topics, decoded, in record order (bounded by RECONSTRUCT_EVENTS_MAX). */
export async function auditedEvents(
  context: AuditContext,
  topics: readonly string[],
  sourcedOnly = false,
): Promise<(AuditedEvent & { readonly sourcePosition: bigint | null })[]> {
  const events: (AuditedEvent & { sourcePosition: bigint | null })[] = [];
  for (let after = 0n; ;) {
    const { rows } = await context.store.pool.query<{
      position: string;
      topic: string;
      source_position: string | null;
      value_base64: string;
    }>(
      `select r.position::text as position, r.topic, r.source_position, r.value_base64 from ${context.schema}.audit_records r
          where r.topic = any($1::text[]) and ($2::boolean = false or r.source_position is not null) and r.position > $3 order by r.position limit ${AUDIT_PAGE_RECORDS}`,
      [topics, sourcedOnly, after.toString()],
    );
    for (const row of rows) {
      const envelope = JSON.parse(Buffer.from(row.value_base64, 'base64').toString('utf8')) as {
        type: string;
        occurredAt: string;
        data: Record<string, unknown>;
      };
      events.push({
        auditPosition: BigInt(row.position),
        topic: row.topic,
        type: envelope.type,
        occurredAt: envelope.occurredAt,
        data: envelope.data,
        sourcePosition: row.source_position === null ? null : BigInt(row.source_position),
      });
    }
    if (events.length > RECONSTRUCT_EVENTS_MAX)
      throw new Error(
        `more than ${RECONSTRUCT_EVENTS_MAX} audited events: reconstruct from a snapshot`,
      );
    if (rows.length < AUDIT_PAGE_RECORDS) return events;
    after = BigInt(rows.at(-1)?.position ?? '0');
  }
}
