import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { waitFor } from '@custody/testing';
import {
  freePortRun,
  startRunner,
  stopLeftOverChain,
  stopRunner,
  type Runner,
} from './runner-process';

const WAIT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;
const SERVICES = ['ledger', 'wallet', 'policy', 'reconciliation', 'audit'] as const;

/**
 * Issue 22 (4) through `npm start`: the embedded server's superuser prepares the schemas; each
 * service's connections are its own role, not a superuser, and as that role no history changes.
 */
describe('npm start runs each service as its own database role', () => {
  let dataDir: string;
  let runner: Runner | undefined;
  let database: Client | undefined;

  afterAll(async () => {
    await database?.end();
    await stopRunner(runner);
    await stopLeftOverChain(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'given the runner with its simulator, then every service connects as custody_<service>, no superuser, and UPDATE, DELETE and TRUNCATE of its events are refused as that role',
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'custody-roles-'));
      const port = await freePortRun();
      runner = startRunner({
        CUSTODY_DATA_DIR: dataDir,
        CUSTODY_PORT: String(port),
        CUSTODY_CHAIN: 'off',
        CUSTODY_SIMULATOR_TICK_MS: '100',
        CUSTODY_SIMULATOR_CLIENTS: '2',
        AUDIT_CHECKPOINT_INTERVAL_MS: '3600000',
        LOG_LEVEL: 'warn',
      });
      for (let offset = 1; offset <= SERVICES.length; offset += 1) {
        await waitFor(
          async () =>
            (await fetch(`http://127.0.0.1:${port + offset}/health/ready`).then(
              (response) => response.status,
              () => 0,
            )) === 200,
          `service on :${port + offset} to be ready`,
          WAIT_MS,
        );
      }
      const output = runner.output;
      const embeddedPort = /embedded PostgreSQL 127\.0\.0\.1:(\d+)/.exec(
        `${output.stdout}${output.stderr}`,
      )?.[1];
      if (embeddedPort === undefined)
        throw new Error(
          `the runner did not say where its database runs:\n${output.stdout}\n${output.stderr}`,
        );
      const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
      database = new Client({
        connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${embeddedPort}/custody`,
        application_name: 'e2e-roles',
      });
      await database.connect();
      const client = database;
      // history flows: the ledger has booked the simulator's trades as its own role
      await waitFor(
        async () =>
          Number(
            (await client.query<{ count: string }>('select count(*) from ledger.events')).rows[0]
              ?.count,
          ) > 0,
        'the ledger to record events',
        WAIT_MS,
      );

      const { rows } = await client.query<{
        usename: string;
        application_name: string;
        rolsuper: boolean;
      }>(
        `select distinct a.usename, a.application_name, r.rolsuper from pg_stat_activity a join pg_roles r on r.rolname = a.usename
          where a.datname = 'custody' and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const service = SERVICES.find(
          (name) => row.application_name === name || row.application_name.startsWith(`${name}-`),
        );
        expect({
          application: row.application_name,
          user: row.usename,
          superuser: row.rolsuper,
        }).toEqual({
          application: row.application_name,
          user: `custody_${service ?? 'unknown'}`,
          superuser: false,
        });
      }
      expect(new Set(rows.map((row) => row.usename))).toEqual(
        new Set(SERVICES.map((name) => `custody_${name}`)),
      );

      for (const service of SERVICES) {
        for (const statement of [
          `update ${service}.events set metadata = metadata`,
          `delete from ${service}.events`,
          `truncate ${service}.events`,
        ]) {
          await client.query('begin');
          try {
            await client.query(`set local role custody_${service}`);
            await expect(client.query(statement)).rejects.toMatchObject({ code: '42501' });
          } finally {
            await client.query('rollback');
          }
        }
      }
    },
    TEST_TIMEOUT_MS,
  );
});
