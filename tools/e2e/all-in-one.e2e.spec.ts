import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTestToken } from '@custody/auth/testing';
import { createTestDatabase, waitFor, type TestDatabase } from '@custody/testing';
import { freePortRun, startRunner, stopRunner, type Runner } from './runner-process';

const WAIT_MS = 90_000;
const TEST_TIMEOUT_MS = 300_000;
/**
 * Issue 9, the all-in-one runner: `npm start` runs the five services' own modules in one process,
 * on an embedded PostgreSQL under its data directory (no server installed or configured) and the
 * in-process bus, with the exchange simulator trading. Balances visibly change; Ctrl-C stops it
 * cleanly with a last signed audit checkpoint; a second start resumes from the same data.
 */
describe('all-in-one runner (npm start)', () => {
  let dataDir: string;
  let runner: Runner | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'custody-runner-'));
  });

  afterEach(async () => {
    await stopRunner(runner);
    runner = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (port: number, path: string, secret: string) => {
    const token = await signTestToken({ secret, issuer: 'custody-dev', audience: 'custody', subject: 'e2e-auditor', roles: ['auditor'] });
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it(
    'given only Node, when started, then the simulator trades through the embedded database and the in-process bus; Ctrl-C checkpoints and stops it; the next start resumes',
    async () => {
      const port = await freePortRun();
      const ledgerPort = port + 1;
      const auditPort = port + 5;
      // no scheduled checkpoint during the test: the one found after Ctrl-C must be the runner's last
      const environment = { AUDIT_CHECKPOINT_INTERVAL_MS: '3600000', CUSTODY_DATA_DIR: dataDir, CUSTODY_PORT: String(port), CUSTODY_SIMULATOR_TICK_MS: '100', CUSTODY_SIMULATOR_CLIENTS: '4', LOG_LEVEL: 'warn' };
      runner = startRunner(environment);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${ledgerPort}/health/ready`).then((response) => response.status, () => 0)) === 200, 'the ledger to be ready', WAIT_MS);
      for (const service of [2, 3, 4, 5]) await waitFor(async () => (await fetch(`http://127.0.0.1:${port + service}/health/ready`).then((response) => response.status, () => 0)) === 200, `service on :${port + service} to be ready`, WAIT_MS);
      // the runner made its development secret in the data directory, readable by its user only
      const secret = readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim();

      const balances = async () => (await call(ledgerPort, '/v1/clients/sim-0001/balances', secret)).body as { asOfPosition: string; balances?: Array<{ asset: string; postedMinor: string }> };
      // until the simulator has onboarded sim-0001 the ledger answers 422 CLIENT_UNKNOWN, without balances
      await waitFor(async () => ((await balances()).balances?.length ?? 0) > 0, 'sim-0001 to have balances', WAIT_MS);
      const first = await balances();
      await waitFor(async () => JSON.stringify((await balances()).balances) !== JSON.stringify(first.balances), "the simulator's trades to change sim-0001's balances", WAIT_MS);
      expect((await call(ledgerPort, '/v1/books/invariants', secret)).body).toMatchObject({ ok: true });
      // the services' own events travel the in-process bus as they would Kafka: the ledger's relay
      // publishes its events (a publish there resolves only once every consuming group, the audit's
      // among them, applied it), and the audit record grows
      const relayed = async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${ledgerPort}/metrics`)).text();
        return Number(/^custody_outbox_relay_published_events_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
      };
      await waitFor(async () => (await relayed()) > 0, "the ledger's relay to publish its events on the in-process bus", WAIT_MS);
      await waitFor(async () => Number((await call(auditPort, '/v1/audit/status', secret)).body['size']) > 0, 'the audit record to grow', WAIT_MS);
      expect(runner.output.stderr).toContain('bus: in-process');
      expect(runner.output.stderr).toContain('embedded PostgreSQL');

      const beforeStop = await balances();
      const auditSizeBeforeStop = Number((await call(auditPort, '/v1/audit/status', secret)).body['size']);
      expect(await stopRunner(runner)).toBe(0);
      expect(runner.output.stderr).toContain('[custody] stopped');
      const checkpoints = readdirSync(join(dataDir, 'checkpoints')).sort();
      expect(checkpoints.length).toBeGreaterThan(0);
      const last = JSON.parse(readFileSync(join(dataDir, 'checkpoints', checkpoints.at(-1) as string), 'utf8')) as { treeSize: number; rootHash: string };
      expect(checkpoints).toHaveLength(1);
      expect(last.treeSize).toBeGreaterThanOrEqual(auditSizeBeforeStop);

      // the second start: the same data directory, the books and the audit record carry on
      runner = startRunner({ ...environment, CUSTODY_SIMULATOR: 'off' });
      await waitFor(async () => (await fetch(`http://127.0.0.1:${auditPort}/health/ready`).then((response) => response.status, () => 0)) === 200, 'the audit service to be ready again', WAIT_MS);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${ledgerPort}/health/ready`).then((response) => response.status, () => 0)) === 200, 'the ledger to be ready again', WAIT_MS);
      const resumed = await balances();
      // what was booked before Ctrl-C is there (a fresh database would have no position and no balances)
      expect(BigInt(resumed.asOfPosition)).toBeGreaterThanOrEqual(BigInt(beforeStop.asOfPosition));
      expect(resumed.balances?.length).toBeGreaterThan(0);
      const status = (await call(auditPort, '/v1/audit/status', secret)).body as { size: number; lastCheckpoint: { treeSize: number; rootHash: string } | null };
      expect(status.size).toBeGreaterThanOrEqual(last.treeSize);
      // the last checkpoint taken at Ctrl-C is the record's, signed over what it held then
      expect(status.lastCheckpoint).toMatchObject({ treeSize: last.treeSize, rootHash: last.rootHash });
      expect(runner.output.stderr).toContain('simulator: off');
    },
    TEST_TIMEOUT_MS,
  );

  describe('with DATABASE_URL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('all_in_one');
    });
    afterAll(async () => {
      await db.drop();
    });

    it(
      'given DATABASE_URL, when started, then it uses that PostgreSQL and starts no embedded server',
      async () => {
        const port = await freePortRun();
        runner = startRunner({ CUSTODY_DATA_DIR: dataDir, CUSTODY_PORT: String(port), CUSTODY_SIMULATOR_TICK_MS: '100', CUSTODY_SIMULATOR_CLIENTS: '3', DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port + 1}/health/ready`).then((response) => response.status, () => 0)) === 200, 'the ledger to be ready', WAIT_MS);
        await waitFor(async () => {
          const { rows } = await db.pool.query<{ count: string }>('select count(*) from ledger.events');
          return Number(rows[0]?.count) > 0;
        }, "the simulator's trades to be booked in the given database", WAIT_MS);
        expect(readdirSync(dataDir)).not.toContain('postgres');
        expect(runner.output.stderr).not.toContain('embedded PostgreSQL');
      },
      TEST_TIMEOUT_MS,
    );
  });
});
