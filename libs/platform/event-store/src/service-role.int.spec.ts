import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, throwawayRoles, type TestDatabase } from '@custody/testing';
import { guardHistory, HISTORY_GUARD_FUNCTION } from './history-guard';
import { PostgresEventStore } from './postgres-event-store';
import { withSchemaDdl } from './schema';
import { grantServiceRole } from './service-role';
import { testEvent } from './test-events';

const SERVICES = ['ledger', 'wallet', 'policy', 'reconciliation', 'audit'] as const;
const REFUSED = { code: '42501' };

/**
 * Issue 22 (4), least privilege: the schemas' owner (here the test server's superuser, as the
 * embedded server's in `npm start`) prepares each service's schema and grants the service's own
 * role; connected as that role, a service can append and read its history and keep its read
 * models, and can neither change history, nor drop its guard, nor alter a table.
 */
describe('each service runs as its own role (PostgreSQL)', () => {
  let db: TestDatabase;
  const suffix = randomBytes(4).toString('hex');
  const roleOf = (service: string) => `custody_test_${suffix}_${service}`;
  const pools = new Map<string, Pool>();

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const service of SERVICES) {
      await db.pool.query(`create role ${roleOf(service)} login nosuperuser`);
      await new PostgresEventStore({ pool: db.pool, schema: service }).migrate();
      await withSchemaDdl(db.pool, service, async (client) => {
        await client.query(
          `create table ${service}.inbox (consumer_group text not null, message_id text not null, primary key (consumer_group, message_id))`,
        );
        await client.query(
          `create table ${service}.read_model (id text primary key, amount_minor numeric not null)`,
        );
        if (service === 'audit') {
          await client.query(
            `create table audit.audit_records (position bigint primary key, hash text not null)`,
          );
          await guardHistory(client, 'audit', 'audit_records');
        }
      });
      await grantServiceRole(db.pool, service, roleOf(service));
      const url = new URL(db.url);
      url.username = roleOf(service);
      pools.set(service, new Pool({ connectionString: url.toString(), max: 2 }));
    }
    await db.pool.query(`insert into audit.audit_records values (1, 'h1')`);
  });
  afterAll(async () => {
    for (const pool of pools.values()) await pool.end();
    for (const service of SERVICES)
      await db.pool.query(`drop owned by ${roleOf(service)}; drop role ${roleOf(service)}`);
    await db.drop();
  });

  const poolOf = (service: string): Pool => {
    const pool = pools.get(service);
    if (pool === undefined) throw new Error(`no pool for ${service}`);
    return pool;
  };

  describe.each(SERVICES)("as the %s service's role", (service) => {
    it('it is not a superuser, and it appends and reads its events, its inbox and its read models', async () => {
      const pool = poolOf(service);
      expect(
        (
          await pool.query<{ rolsuper: boolean; current_user: string }>(
            'select rolsuper, current_user from pg_roles where rolname = current_user',
          )
        ).rows,
      ).toEqual([{ rolsuper: false, current_user: roleOf(service) }]);
      const store = new PostgresEventStore({ pool, schema: service });
      await store.migrate(); // every start: the owner prepared the schema, the role only checks it
      await store.appendToStream('stream-1', [testEvent('Deposited', { amountMinor: '1' })], 'any');
      expect(await store.readStream('stream-1')).toHaveLength(1);
      await pool.query(`insert into ${service}.inbox values ('group', 'message-1')`);
      await pool.query(`insert into ${service}.read_model values ('a', 1)`);
      await pool.query(`update ${service}.read_model set amount_minor = 2 where id = 'a'`);
      await pool.query(`delete from ${service}.read_model`);
      await pool.query(`truncate ${service}.read_model`);
      await withSchemaDdl(pool, service, () =>
        Promise.reject(new Error('the DDL of a schema the role does not own must not run')),
      );
    });

    it.each([
      ['UPDATE of an event', (s: string) => `update ${s}.events set data = '{}'`],
      ['DELETE of an event', (s: string) => `delete from ${s}.events`],
      ['TRUNCATE of the events', (s: string) => `truncate ${s}.events`],
      ['DELETE from the inbox', (s: string) => `delete from ${s}.inbox`],
      ['DROP of the guard', (s: string) => `drop trigger events_append_only on ${s}.events`],
      ['ALTER of the events table', (s: string) => `alter table ${s}.events disable trigger user`],
      ['DROP of the events table', (s: string) => `drop table ${s}.events`],
      ['a new table in the schema', (s: string) => `create table ${s}.mine (a int)`],
      ['SET ROLE to the owner', () => 'set role postgres'],
    ])('%s is refused', async (_change, statement) => {
      await expect(poolOf(service).query(statement(service))).rejects.toMatchObject(REFUSED);
    });
  });

  it("the audit's role cannot change, remove or empty the audit record", async () => {
    const pool = poolOf('audit');
    await expect(
      pool.query(`update audit.audit_records set hash = 'forged'`),
    ).rejects.toMatchObject(REFUSED);
    await expect(pool.query('delete from audit.audit_records')).rejects.toMatchObject(REFUSED);
    await expect(pool.query('truncate audit.audit_records')).rejects.toMatchObject(REFUSED);
    await expect(
      pool.query('drop trigger audit_records_append_only on audit.audit_records'),
    ).rejects.toMatchObject(REFUSED);
    expect((await db.pool.query('select hash from audit.audit_records')).rows).toEqual([
      { hash: 'h1' },
    ]);
  });

  it("one service's role cannot even read another service's schema", async () => {
    await expect(
      poolOf('wallet').query('select count(*) from ledger.events'),
    ).rejects.toMatchObject(REFUSED);
  });
});

/**
 * Issue 22 (4): schemas owned by a NOLOGIN group role (the migration role a member of it). The
 * service's role is granted only writer roles that own nothing: never the owner, which it could
 * SET ROLE to and then turn the migration setting on and rewrite history.
 */
describe("the service role is never granted the schemas' owner (PostgreSQL)", () => {
  let db: TestDatabase;
  const { role, poolAs, drop: dropRoles } = throwawayRoles(() => db);

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`create role ${role('owners')} nologin nosuperuser`);
    // the migration role may hand out the owning group (as a CREATEROLE role does the roles it made)
    await db.pool.query(`create role ${role('migrator')} login nosuperuser`);
    await db.pool.query(`grant ${role('owners')} to ${role('migrator')} with admin option`);
    await db.pool.query(`create role ${role('service')} login nosuperuser`);
    await db.pool.query(`create role ${role('writer')} nologin nosuperuser`);
    await db.pool.query(`grant ${role('writer')} to ${role('migrator')} with admin option`);
    await new PostgresEventStore({ pool: db.pool, schema: 'ledger' }).migrate();
    await withSchemaDdl(db.pool, 'ledger', async (client) => {
      await client.query(`create table ledger.audit_like (position bigint primary key)`);
      await guardHistory(client, 'ledger', 'audit_like');
      await client.query(`alter schema ledger owner to ${role('owners')}`);
      for (const table of ['events', 'subscription_checkpoints', 'audit_like'])
        await client.query(`alter table ledger.${table} owner to ${role('owners')}`);
      await client.query(
        `alter function ledger.${HISTORY_GUARD_FUNCTION}() owner to ${role('owners')}`,
      );
      await client.query(`grant usage on schema ledger to ${role('writer')}`);
      await client.query(`grant select, insert on ledger.audit_like to ${role('writer')}`);
    });
    // the migration run: connected as a member of the owning group
    await grantServiceRole(poolAs(role('migrator')), 'ledger', role('service'));
  });
  afterAll(async () => {
    await db.pool.query('drop schema ledger cascade');
    await dropRoles();
    await db.drop();
  });

  it("the service's role cannot SET ROLE to the NOLOGIN owner of its schema, nor rewrite history through it", async () => {
    const service = poolAs(role('service'));
    await expect(service.query(`set role ${role('owners')}`)).rejects.toMatchObject(REFUSED);
    const client = await service.connect();
    try {
      await expect(
        client.query(
          `begin; set local role ${role('owners')}; set local custody.migration = 'on'; delete from ledger.events; commit`,
        ),
      ).rejects.toMatchObject(REFUSED);
    } finally {
      await client.query('rollback');
      client.release();
    }
    expect(
      (
        await db.pool.query<{ member: boolean }>(
          `select pg_has_role('${role('service')}', '${role('owners')}', 'MEMBER') as member`,
        )
      ).rows,
    ).toEqual([{ member: false }]);
  });

  it("a writer role that owns nothing is still granted (the audit's custody_audit_writer): the service appends as it", async () => {
    const client = await poolAs(role('service')).connect();
    try {
      await client.query('begin');
      await client.query(`set local role ${role('writer')}`);
      await client.query('insert into ledger.audit_like values (1)');
      await client.query('commit');
    } finally {
      client.release();
    }
  });
});
