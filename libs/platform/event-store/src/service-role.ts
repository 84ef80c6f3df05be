import type { Pool } from 'pg';
import { HISTORY_GUARD_FUNCTION } from './history-guard';
import type { Queryable } from './queryable';
import { assertSchemaName, withSchemaDdl } from './schema';

const ROLE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Grants a service's own role (not the schemas' owner, never a superuser) what it needs of its
 * schema, run by the owner once every table is prepared (a migration run): USAGE of the schema;
 * SELECT and INSERT on every table; UPDATE, DELETE and TRUNCATE only on tables that are not
 * history (read models, positions), history being every table carrying the append-only guard;
 * its sequences; and membership of the roles the schema's tables are written as (the audit's
 * writer, which the service becomes with SET LOCAL ROLE). No CREATE, no ownership: the role can
 * neither change history nor drop or alter a table or its guard.
 */
export async function grantServiceRole(pool: Pool, schema: string, role: string): Promise<void> {
  const s = assertSchemaName(schema);
  if (!ROLE_NAME_PATTERN.test(role))
    throw new Error(`assertion: service role '${role}' must match ${ROLE_NAME_PATTERN}`);
  await withSchemaDdl(pool, s, async (client) => {
    await client.query(`grant usage on schema ${s} to ${role}`);
    await client.query(`grant select, insert on all tables in schema ${s} to ${role}`);
    await client.query(`grant usage, select on all sequences in schema ${s} to ${role}`);
    for (const { table_name, history } of await tablesOf(client, s)) {
      await client.query(
        history
          ? `revoke update, delete, truncate on ${s}.${table_name} from ${role}`
          : `grant update, delete, truncate on ${s}.${table_name} to ${role}`,
      );
    }
    for (const writer of await writerRolesOf(client, s, role))
      await client.query(`grant ${writer} to ${role}`);
  });
}

async function tablesOf(
  db: Queryable,
  schema: string,
): Promise<{ table_name: string; history: boolean }[]> {
  const { rows } = await db.query<{ table_name: string; history: boolean }>(
    `select c.relname as table_name,
            exists (select from pg_catalog.pg_trigger t join pg_catalog.pg_proc p on p.oid = t.tgfoid
                     where t.tgrelid = c.oid and p.proname = $2 and p.pronamespace = n.oid) as history
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p')`,
    [schema, HISTORY_GUARD_FUNCTION],
  );
  return rows.filter((row) => ROLE_NAME_PATTERN.test(row.table_name));
}

/**
 * The roles a service writes as (the audit's writer): roles without login that hold privileges on
 * the schema's tables, besides the session's and the service's own, and that can do nothing more.
 * Never one that owns, or may SET ROLE to a role that owns, the database, a schema, a table or a
 * function (a NOLOGIN group owning the schemas holds grants on every table: granted it, the service
 * could SET ROLE to the owner, turn the migration setting on and rewrite history), nor one with a
 * power of its own (superuser, CREATEROLE, CREATEDB, replication, BYPASSRLS).
 */
async function writerRolesOf(db: Queryable, schema: string, role: string): Promise<string[]> {
  const { rows } = await db.query<{ grantee: string }>(
    `select distinct g.grantee from information_schema.role_table_grants g join pg_catalog.pg_roles r on r.rolname = g.grantee
      where g.table_schema = $1 and g.grantee not in (current_user, $2) and not r.rolcanlogin
        and not (r.rolsuper or r.rolcreaterole or r.rolcreatedb or r.rolreplication or r.rolbypassrls)
        and not exists (select from pg_catalog.pg_database d where d.datname = current_database() and pg_catalog.pg_has_role(r.oid, d.datdba, 'MEMBER'))
        and not exists (select from pg_catalog.pg_namespace n where pg_catalog.pg_has_role(r.oid, n.nspowner, 'MEMBER'))
        and not exists (select from pg_catalog.pg_class c where pg_catalog.pg_has_role(r.oid, c.relowner, 'MEMBER'))
        and not exists (select from pg_catalog.pg_proc p where pg_catalog.pg_has_role(r.oid, p.proowner, 'MEMBER'))`,
    [schema, role],
  );
  return rows.map((row) => row.grantee).filter((name) => ROLE_NAME_PATTERN.test(name));
}
