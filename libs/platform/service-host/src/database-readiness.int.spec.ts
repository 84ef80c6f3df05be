import { Writable } from 'node:stream';
import { Pool } from 'pg';
import { grantServiceRole, PostgresEventStore, withSchemaDdl } from '@custody/event-store';
import { createLogger } from '@custody/observability';
import {
  createTestDatabase,
  throwawayRoles,
  eventually,
  type TestDatabase,
} from '@custody/testing';
import { DatabaseReadiness, type ReadinessReport } from './database-readiness';

const WAIT_MS = 10_000;

/**
 * Issue 22 (4), least privilege: a serving service in production (NODE_ENV=production) refuses to
 * become ready when it connects as a superuser or as a role that owns its schema (itself or
 * through a role it belongs to): it could drop the history guard or SET ROLE to the owner and
 * rewrite history. Against a throwaway database with its own roles.
 */
describe('a serving service in production refuses the schema owner and superusers (PostgreSQL)', () => {
  let db: TestDatabase;
  const { role, poolAs, drop: dropRoles } = throwawayRoles(() => db);
  const readinesses: DatabaseReadiness[] = [];
  const silent = () =>
    createLogger(
      'readiness-test',
      'fatal',
      new Writable({ write: (_chunk, _encoding, done) => done() }),
    );
  /** Starts a serving service's readiness on `schema` as the pool's user; resolves with its refusal, or undefined once ready. */
  const startAs = async (
    pool: Pool,
    schema: string,
    production: boolean,
  ): Promise<{ refusal: string | undefined; report: ReadinessReport }> => {
    const readiness = new DatabaseReadiness(
      new PostgresEventStore({ pool, schema }),
      silent(),
      false,
      undefined,
      { refuseOwnerOrSuperuser: production },
    );
    readinesses.push(readiness);
    let refusal: string | undefined;
    void readiness.refused.then((reason) => (refusal = reason));
    readiness.start();
    await eventually(async () => refusal !== undefined || (await readiness.check()).ready, WAIT_MS);
    return { refusal, report: await readiness.check() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`create role ${role('service')} login nosuperuser`);
    await db.pool.query(`create role ${role('owner')} login nosuperuser`);
    await db.pool.query(`create role ${role('owners')} nologin nosuperuser`);
    await db.pool.query(
      `create role ${role('member')} login nosuperuser in role ${role('owners')}`,
    );
    // 'ledger' as the migration role prepares it (here the superuser), its service role granted
    await new PostgresEventStore({ pool: db.pool, schema: 'ledger' }).migrate();
    await grantServiceRole(db.pool, 'ledger', role('service'));
    // 'wallet' owned by a login role, 'policy' by a NOLOGIN group role
    for (const [schema, owner] of [
      ['wallet', role('owner')],
      ['policy', role('owners')],
    ] as const) {
      await new PostgresEventStore({ pool: db.pool, schema }).migrate();
      await withSchemaDdl(db.pool, schema, async (client) => {
        await client.query(`alter schema ${schema} owner to ${owner}`);
        await client.query(`alter table ${schema}.events owner to ${owner}`);
      });
    }
  });
  afterAll(async () => {
    for (const readiness of readinesses) readiness.stop();
    for (const schema of ['wallet', 'policy']) await db.pool.query(`drop schema ${schema} cascade`);
    await dropRoles();
    await db.drop();
  });

  it("given the service's own role (granted by the migration run), then it becomes ready in production", async () => {
    expect(await startAs(poolAs(role('service')), 'ledger', true)).toEqual({
      refusal: undefined,
      report: { ready: true },
    });
  });

  it('given a superuser, then in production it never becomes ready and says why', async () => {
    const { refusal, report } = await startAs(db.pool, 'ledger', true);
    expect(refusal).toMatch(/superuser/);
    expect(report).toEqual({ ready: false, reason: refusal });
  });

  it('given the role that owns the schema, then in production it is refused', async () => {
    const { refusal, report } = await startAs(poolAs(role('owner')), 'wallet', true);
    expect(refusal).toMatch(/owns the schema wallet/);
    expect(report.ready).toBe(false);
  });

  it('given a member of the NOLOGIN group role that owns the schema (it could SET ROLE to it), then in production it is refused', async () => {
    const { refusal, report } = await startAs(poolAs(role('member')), 'policy', true);
    expect(refusal).toMatch(/owns the schema policy/);
    expect(report.ready).toBe(false);
  });

  it('given a superuser outside production (npm test, development), then it becomes ready as before', async () => {
    expect(await startAs(db.pool, 'ledger', false)).toEqual({
      refusal: undefined,
      report: { ready: true },
    });
  });
});
