import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, spawnService, startService } from '@custody/testing';

const EXIT_CODE_CONFIG = 78;

describe('service start-up', () => {
  it.each(['ledger', 'wallet', 'policy', 'reconciliation', 'audit'])(
    'given no configuration, when %s starts, then it exits 78 listing every missing setting',
    async (service) => {
      const { child, output } = spawnService(service, {});
      const [code] = await once(child, 'exit');
      expect(code).toBe(EXIT_CODE_CONFIG);
      for (const variable of ['DATABASE_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWT_SECRET']) {
        expect(output.stderr).toContain(variable);
      }
      expect(output.stderr).toContain(`${service}: configuration is invalid`);
    },
  );

  it('given bad values, when a service starts, then each is named with its reason and no secret is echoed', async () => {
    const shortSecret = 'too-short-secret-value';
    const { child, output } = spawnService('ledger', {
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      PORT: '70000',
      LOG_LEVEL: 'chatty',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      AUTH_JWT_SECRET: shortSecret,
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(EXIT_CODE_CONFIG);
    expect(output.stderr).toMatch(/DATABASE_URL: must be a postgres/);
    expect(output.stderr).toMatch(/PORT: must be an integer from 1 to 65535/);
    expect(output.stderr).toMatch(/LOG_LEVEL: must be one of/);
    expect(output.stderr).toMatch(/AUTH_JWT_SECRET: .*32/);
    expect(output.stderr).not.toContain('hunter2');
    expect(output.stderr).not.toContain(shortSecret);
  });

  it('given an unreachable database, when a service starts, then it is live but not ready', async () => {
    const running = await startService('ledger', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/custody',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    });
    try {
      expect((await fetch(`${running.baseUrl}/health/live`)).status).toBe(200);
      const ready = await fetch(`${running.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'not-ready',
        checks: { database: 'down' },
      });
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });

  /** A table each service's own preparations make (the wallet's need its HSM and chain: only the shared ones here). */
  const OWN_TABLE: Record<string, string | undefined> = {
    ledger: 'rm_account_balances',
    policy: 'policy_wallets',
    reconciliation: 'recon_discrepancies',
    audit: 'audit_records',
    wallet: undefined,
  };

  it.each(['ledger', 'wallet', 'policy', 'reconciliation', 'audit'])(
    'given MIGRATE_ONLY=true (the migration Job), when %s starts on an empty database, then it prepares its schemas (the inbox too), starts none of its work, opens no port and exits 0; a second run finds nothing to do',
    async (service) => {
      const db = await createTestDatabase();
      try {
        const environment = {
          DATABASE_URL: db.url,
          AUTH_ISSUER: 'i',
          AUTH_AUDIENCE: 'a',
          AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
          MIGRATE_ONLY: 'true',
          KAFKA_BROKERS: '127.0.0.1:1',
        };
        for (const run of [1, 2]) {
          const { child, output } = spawnService(service, environment);
          const [code] = await once(child, 'exit');
          expect({ run, code, stderr: output.stderr }).toEqual({ run, code: 0, stderr: '' });
          expect(output.stdout).toContain(
            '"message":"migrated: every schema of this service is prepared"',
          );
          expect(output.stdout).not.toContain('listening');
          // none of the service's work: no projector, no consumer, no relay, no schedule
          expect(output.stdout).not.toMatch(
            /projecting|consumer started|ingestion started|outbox relay started|KAFKA_BROKERS is not set/,
          );
        }
        const { rows } = await db.pool.query<{ table_name: string }>(
          `select table_name from information_schema.tables where table_schema = $1`,
          [service],
        );
        const tables = rows.map((row) => row.table_name);
        expect(tables).toEqual(
          expect.arrayContaining([
            'events',
            'inbox',
            ...(OWN_TABLE[service] === undefined ? [] : [OWN_TABLE[service] as string]),
          ]),
        );
      } finally {
        await db.drop();
      }
    },
  );

  it('given MIGRATE_ONLY that is not true or false, then the service refuses to start (exit 78) and names it', async () => {
    const { child, output } = spawnService('ledger', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/custody',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      MIGRATE_ONLY: 'yes',
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(EXIT_CODE_CONFIG); // 'yes' is not a boolean: refused before anything runs
    expect(output.stderr).toMatch(/MIGRATE_ONLY: must be 'true' or 'false'/);
  });
});
