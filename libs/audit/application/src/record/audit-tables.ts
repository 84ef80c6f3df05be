import { guardHistory, withSchemaDdl } from '@custody/event-store';
import type { Pool } from 'pg';

/** The database role the audit service writes as: INSERT and SELECT on its record, never UPDATE or DELETE. */
export const AUDIT_WRITER_ROLE = 'custody_audit_writer';

/**
 * HK-22, the audit service's independent record: every message of every topic it consumes, as
 * received (exact bytes, topic, partition, offset) with the source store's position and hash,
 * in a hash chain of its own and a Merkle tree whose roots are signed as checkpoints with a key
 * held outside the database. The record is append-only twice over: the history guard refuses
 * UPDATE, DELETE and TRUNCATE (to everyone but its owner in a migration), and the role the service writes as holds INSERT and SELECT only.
 * Here its tables (the record and the log of auditors' queries), their guard and the writer role. Idempotent.
 */
export async function migrateAuditTables(pool: Pool, schema: string): Promise<void> {
  await withSchemaDdl(pool, schema, async (client) => {
    await client.query(`
        create table if not exists ${schema}.audit_records (
          position bigint primary key,
          topic text not null,
          partition int not null,
          "offset" text not null,
          key text,
          value_base64 text not null,
          source_position text,
          source_hash text,
          previous_hash text not null,
          hash text not null,
          leaf_hash bytea not null,
          received_at timestamptz not null default now(),
          unique (topic, partition, "offset")
        );
        create table if not exists ${schema}.audit_queries (
          id bigserial primary key,
          caller text not null,
          query text not null,
          at timestamptz not null default now()
        );`);
    // the history guard of every service (refuses UPDATE, DELETE and TRUNCATE but to the owner in a
    // migration), on the record and on the log of auditors' queries; it replaces the record's own trigger function
    await guardHistory(client, schema, 'audit_records');
    await guardHistory(client, schema, 'audit_queries');
    await client.query(`drop function if exists ${schema}.audit_append_only()`);
    // the writer role: roles are cluster-wide, so another database may be creating it at this very moment
    await client.query(`
        do $$ begin
          if not exists (select from pg_roles where rolname = '${AUDIT_WRITER_ROLE}') then create role ${AUDIT_WRITER_ROLE} nologin; end if;
        exception when duplicate_object or unique_violation then null;
        end $$;`);
    await client.query(`grant usage on schema ${schema} to ${AUDIT_WRITER_ROLE}`);
    await client.query(
      `grant select, insert on ${schema}.audit_records, ${schema}.audit_queries to ${AUDIT_WRITER_ROLE}`,
    );
    await client.query(
      `grant usage on sequence ${schema}.audit_queries_id_seq to ${AUDIT_WRITER_ROLE}`,
    );
    await client.query(
      `revoke update, delete, truncate on ${schema}.audit_records from ${AUDIT_WRITER_ROLE}, public`,
    );
    // the service's own database user may act as the writer (SET ROLE) when it appends
    await client.query(`grant ${AUDIT_WRITER_ROLE} to current_user`);
  });
}
