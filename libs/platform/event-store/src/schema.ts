import type { Pool, PoolClient } from 'pg';
import { guardServiceHistory } from './history-guard';
import type { Queryable } from './queryable';
import { assertSchemaName } from './schema-name';

export { assertSchemaName } from './schema-name';

/**
 * Tables of one service's event store. The events table is also the outbox: a relay
 * tails it by global_position. Rows are never updated or deleted: the append-only guard
 * (history-guard.ts) refuses it, put on by ensureEventStoreSchema.
 */
export function eventStoreDdl(schema: string): string {
  const s = assertSchemaName(schema);
  return `
    create schema if not exists ${s};
    create table if not exists ${s}.events (
      global_position bigint primary key check (global_position > 0),
      event_id uuid not null,
      stream_id text not null,
      stream_version bigint not null check (stream_version > 0),
      event_type text not null,
      schema_version integer not null check (schema_version > 0),
      data json not null,
      metadata json not null,
      recorded_at timestamptz(3) not null, -- milliseconds: exactly what the hash chain covers
      previous_hash bytea not null check (length(previous_hash) = 32),
      hash bytea not null check (length(hash) = 32),
      constraint events_event_id_unique unique (event_id),
      constraint events_stream_version_unique unique (stream_id, stream_version)
    );
    -- "as of instant T" (positionAt) in one index descent: recorded time never decreases along the chain
    create index if not exists events_recorded_at on ${s}.events (recorded_at, global_position);
    create table if not exists ${s}.subscription_checkpoints (
      subscription_name text primary key,
      global_position bigint not null check (global_position >= 0),
      updated_at timestamptz not null
    );
  `;
}

/**
 * True when the schema exists and belongs to a role the session is not (nor a member of): the
 * schemas' owner (the migration role) prepares it, the service's own role may not and need not.
 */
export async function schemaOwnedByAnother(db: Queryable, schema: string): Promise<boolean> {
  const { rows } = await db.query<{ ours: boolean }>(
    "select pg_catalog.pg_has_role(nspowner, 'USAGE') as ours from pg_catalog.pg_namespace where nspname = $1",
    [schema],
  );
  return rows[0] !== undefined && !rows[0].ours;
}

export async function ensureEventStoreSchema(db: Queryable, schema: string): Promise<void> {
  // Two services starting at once may both run the DDL; serialise on a lock named by the schema
  // (the inbox's DDL takes the same one: both create the schema).
  await db.query('begin');
  try {
    await db.query('select pg_advisory_xact_lock(hashtext($1))', [`custody.ddl.${schema}`]);
    if (await schemaOwnedByAnother(db, schema)) {
      // the service's own role: its schema was prepared by the migration role; it only checks it can read its events
      await db.query(`select from ${assertSchemaName(schema)}.events limit 0`);
      await db.query('commit');
      return;
    }
    await db.query(eventStoreDdl(schema));
    await guardServiceHistory(db, schema);
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
}

/**
 * Runs a service's own DDL in one transaction under its schema's DDL lock, the one the event
 * store's DDL takes: replicas (or a migration Job and a pod) starting at once never run
 * `create ... if not exists` of one name concurrently, which PostgreSQL can fail. Afterwards
 * the service's history tables made by then (events, the inbox) carry the append-only guard.
 * Run as the service's own role on a schema the migration role owns, it does nothing: that
 * role prepared the schema in a migration run, and the service's role could not.
 */
export async function withSchemaDdl(
  pool: Pool,
  schema: string,
  work: (client: PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`custody.ddl.${schema}`]);
    if (await schemaOwnedByAnother(client, schema)) {
      // the service's own role: the DDL is the migration role's (a migration run before the service starts)
      await client.query('commit');
      return;
    }
    await work(client);
    await guardServiceHistory(client, schema);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
