import { AUDIT_GENESIS_HASH, entryLeaf, recordHash, type AuditEntry } from '@custody/audit-domain';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';
import { AUDIT_WRITER_ROLE } from '../record/audit-tables';
import type { AuditContext } from '../shared/audit-context';

/**
 * HK-22 ingestion: every consumed message appended to the record's hash chain as received (exact
 * bytes, topic, partition, offset, the source store's position and hash), once.
 */
export class AppendToRecord {
  constructor(private readonly context: AuditContext) {}

  /** The inbox consumer's `apply`: each message appended to the chain, in the batch's transaction, one writer at a time. */
  async append(messages: readonly ConsumedMessage[], client: PoolClient): Promise<ApplyOutcome> {
    const { schema } = this.context;
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [
      `custody.audit-append.${schema}`,
    ]);
    // the record is written as the writer role (INSERT and SELECT only) for the rest of this transaction:
    // even a bug here cannot UPDATE or DELETE a record (the inbox row was written before, as the owner)
    await client.query(`set local role ${AUDIT_WRITER_ROLE}`);
    const { rows } = await client.query<{ position: string; hash: string }>(
      `select r.position::text as position, r.hash from ${schema}.audit_records r order by r.position desc limit 1`,
    );
    let position = BigInt(rows[0]?.position ?? '0');
    let previous = rows[0]?.hash ?? AUDIT_GENESIS_HASH;
    const entries: AuditEntry[] = messages.map((message) => ({
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.raw.key === null ? null : message.raw.key.toString('utf8'),
      valueBase64: message.raw.value.toString('base64'),
      sourcePosition: message.headers['source-position'] ?? null,
      sourceHash: message.headers['source-hash'] ?? null,
    }));
    // the same Kafka message again is recorded once: what the record holds already is left out before the chain is extended
    const { rows: held } = await client.query<{
      topic: string;
      partition: number;
      offset: string;
    }>(
      `select r.topic, r.partition, r."offset" from ${schema}.audit_records r
           join unnest($1::text[], $2::int4[], $3::text[]) as m(topic, partition, "offset") using (topic, partition, "offset")`,
      [
        entries.map((entry) => entry.topic),
        entries.map((entry) => entry.partition),
        entries.map((entry) => entry.offset),
      ],
    );
    const already = new Set(
      held.map((row) => `${row.topic}\u0000${row.partition}\u0000${row.offset}`),
    );
    const appended: {
      position: string;
      entry: AuditEntry;
      previous: string;
      hash: string;
      leaf: Buffer;
    }[] = [];
    for (const entry of entries) {
      if (already.has(`${entry.topic}\u0000${entry.partition}\u0000${entry.offset}`)) continue;
      position += 1n;
      const hash = recordHash(previous, position, entry);
      appended.push({
        position: position.toString(),
        entry,
        previous,
        hash,
        leaf: entryLeaf(entry),
      });
      previous = hash;
    }
    // one statement per batch, in chain order
    if (appended.length > 0) {
      await client.query(
        `insert into ${schema}.audit_records (position, topic, partition, "offset", key, value_base64, source_position, source_hash, previous_hash, hash, leaf_hash)
           select * from unnest($1::int8[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[])`,
        [
          appended.map((row) => row.position),
          appended.map((row) => row.entry.topic),
          appended.map((row) => row.entry.partition),
          appended.map((row) => row.entry.offset),
          appended.map((row) => row.entry.key),
          appended.map((row) => row.entry.valueBase64),
          appended.map((row) => row.entry.sourcePosition),
          appended.map((row) => row.entry.sourceHash),
          appended.map((row) => row.previous),
          appended.map((row) => row.hash),
          appended.map((row) => row.leaf),
        ],
      );
    }
    return { rejected: [] };
  }
}
