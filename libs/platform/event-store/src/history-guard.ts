import type { Queryable } from './queryable';
import { assertSchemaName } from './schema-name';

/**
 * SQLSTATE of a refused change of history: 42501 insufficient_privilege, the code PostgreSQL
 * gives its own permission errors, so a caller treats both alike.
 */
export const HISTORY_CHANGE_REFUSED_SQLSTATE = '42501';
/** The stable code at the start of the refusal's message. */
export const HISTORY_CHANGE_REFUSED = 'HISTORY_APPEND_ONLY';
/**
 * The session setting a migration turns on (`set local custody.migration = 'on'`) for the one
 * transaction in which the table's owner may change or remove history (never done today).
 */
export const MIGRATION_SETTING = 'custody.migration';
/** The guard's trigger function, one per schema. */
export const HISTORY_GUARD_FUNCTION = 'history_append_only';

/**
 * The history tables of a service's schema that exist in every service: its events (also the
 * outbox) and the inbox of the messages it consumed (@custody/messaging). A service with a
 * history of its own (the audit record) guards it with guardHistory.
 */
export const SERVICE_HISTORY_TABLES = ['events', 'inbox'] as const;

const TABLE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The guard: refuses UPDATE, DELETE and TRUNCATE of the table it is on, for every role, the
 * table's owner included, unless the session runs as that owner AND has turned the migration
 * setting on. A service connected as the owner by mistake still cannot rewrite history in
 * passing, and a service role (not the owner) never can. A superuser can still disable
 * triggers: roles keep services away from that power; the hash chain and signed checkpoints
 * show what it did.
 */
function guardFunctionDdl(schema: string): string {
  return `
    create or replace function ${schema}.${HISTORY_GUARD_FUNCTION}() returns trigger language plpgsql as $$
      begin
        if pg_catalog.current_setting('${MIGRATION_SETTING}', true) = 'on'
           and current_user = (select pg_catalog.pg_get_userbyid(c.relowner) from pg_catalog.pg_class c where c.oid = tg_relid) then
          if tg_op = 'DELETE' then return old; end if;
          return new;
        end if;
        raise exception '${HISTORY_CHANGE_REFUSED}: %.% is append-only: % refused', tg_table_schema, tg_table_name, tg_op
          using errcode = '${HISTORY_CHANGE_REFUSED_SQLSTATE}';
      end $$`;
}

/**
 * Puts the append-only guard on `schema.table` (BEFORE UPDATE OR DELETE per row, BEFORE
 * TRUNCATE per statement). Idempotent; run by the table's owner inside the schema's DDL
 * transaction (withSchemaDdl).
 */
export async function guardHistory(db: Queryable, schema: string, table: string): Promise<void> {
  const s = assertSchemaName(schema);
  if (!TABLE_NAME_PATTERN.test(table))
    throw new Error(`assertion: history table '${table}' must match ${TABLE_NAME_PATTERN}`);
  await db.query(guardFunctionDdl(s));
  await db.query(
    `create or replace trigger ${table}_append_only before update or delete on ${s}.${table} for each row execute function ${s}.${HISTORY_GUARD_FUNCTION}()`,
  );
  await db.query(
    `create or replace trigger ${table}_no_truncate before truncate on ${s}.${table} for each statement execute function ${s}.${HISTORY_GUARD_FUNCTION}()`,
  );
}

/** Guards each of the service's history tables (SERVICE_HISTORY_TABLES) that exists in the schema yet. */
export async function guardServiceHistory(db: Queryable, schema: string): Promise<void> {
  const s = assertSchemaName(schema);
  const { rows } = await db.query<{ table_name: string }>(
    `select c.relname as table_name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname = any($2::text[])`,
    [s, [...SERVICE_HISTORY_TABLES]],
  );
  for (const { table_name } of rows) await guardHistory(db, s, table_name);
}
