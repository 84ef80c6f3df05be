import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, waitFor, type TestDatabase } from '@custody/testing';
import { createPublicClient, http, parseEther, type Address } from 'viem';
import {
  callAs,
  freePortRun,
  startRunner,
  stopLeftOverChain,
  stopRunner,
  type Runner,
} from './runner-process';

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
    await stopLeftOverChain(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (port: number, path: string, secret: string) =>
    callAs(secret, `http://127.0.0.1:${port}${path}`, 'e2e-auditor', ['auditor']);

  it(
    'given only Node, when started, then the simulator trades through the embedded database and the in-process bus; Ctrl-C checkpoints and stops it; the next start resumes',
    async () => {
      const port = await freePortRun();
      const ledgerPort = port + 1;
      const auditPort = port + 5;
      // no scheduled checkpoint during the test: the one found after Ctrl-C must be the runner's last
      const environment = {
        AUDIT_CHECKPOINT_INTERVAL_MS: '3600000',
        CUSTODY_DATA_DIR: dataDir,
        CUSTODY_PORT: String(port),
        CUSTODY_SIMULATOR_TICK_MS: '100',
        CUSTODY_SIMULATOR_CLIENTS: '4',
        LOG_LEVEL: 'warn',
      };
      runner = startRunner(environment);
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${ledgerPort}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 200,
        'the ledger to be ready',
        WAIT_MS,
      );
      for (const service of [2, 3, 4, 5])
        await waitFor(
          async () =>
            (await fetch(`http://127.0.0.1:${port + service}/health/ready`).then(
              (response) => response.status,
              () => 0,
            )) === 200,
          `service on :${port + service} to be ready`,
          WAIT_MS,
        );
      // the runner made its development secret in the data directory, readable by its user only
      const secret = readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim();

      const balances = async () =>
        (await call(ledgerPort, '/v1/clients/sim-0001/balances', secret)).body as {
          asOfPosition: string;
          balances?: Array<{ asset: string; postedMinor: string }>;
        };
      // until the simulator has onboarded sim-0001 the ledger answers 404 CLIENT_UNKNOWN, without balances
      await waitFor(
        async () => ((await balances()).balances?.length ?? 0) > 0,
        'sim-0001 to have balances',
        WAIT_MS,
      );
      const first = await balances();
      await waitFor(
        async () => JSON.stringify((await balances()).balances) !== JSON.stringify(first.balances),
        "the simulator's trades to change sim-0001's balances",
        WAIT_MS,
      );
      expect((await call(ledgerPort, '/v1/books/invariants', secret)).body).toMatchObject({
        ok: true,
      });
      // the services' own events travel the in-process bus as they would Kafka: the ledger's relay
      // publishes its events (a publish there resolves only once every consuming group, the audit's
      // among them, applied it), and the audit record grows
      const relayed = async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${ledgerPort}/metrics`)).text();
        return Number(
          /^custody_outbox_relay_published_events_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ??
            0,
        );
      };
      await waitFor(
        async () => (await relayed()) > 0,
        "the ledger's relay to publish its events on the in-process bus",
        WAIT_MS,
      );
      await waitFor(
        async () => Number((await call(auditPort, '/v1/audit/status', secret)).body['size']) > 0,
        'the audit record to grow',
        WAIT_MS,
      );
      expect(runner.output.stderr).toContain('bus: in-process');
      expect(runner.output.stderr).toContain('embedded PostgreSQL');

      const beforeStop = await balances();
      const auditSizeBeforeStop = Number(
        (await call(auditPort, '/v1/audit/status', secret)).body['size'],
      );
      expect(await stopRunner(runner)).toBe(0);
      expect(runner.output.stderr).toContain('[custody] stopped');
      const checkpoints = readdirSync(join(dataDir, 'checkpoints')).sort();
      expect(checkpoints.length).toBeGreaterThan(0);
      const last = JSON.parse(
        readFileSync(join(dataDir, 'checkpoints', checkpoints.at(-1) as string), 'utf8'),
      ) as { treeSize: number; rootHash: string };
      expect(checkpoints).toHaveLength(1);
      expect(last.treeSize).toBeGreaterThanOrEqual(auditSizeBeforeStop);

      // the second start: the same data directory, the books and the audit record carry on
      runner = startRunner({ ...environment, CUSTODY_SIMULATOR: 'off' });
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${auditPort}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 200,
        'the audit service to be ready again',
        WAIT_MS,
      );
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${ledgerPort}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 200,
        'the ledger to be ready again',
        WAIT_MS,
      );
      const resumed = await balances();
      // what was booked before Ctrl-C is there (a fresh database would have no position and no balances)
      expect(BigInt(resumed.asOfPosition)).toBeGreaterThanOrEqual(BigInt(beforeStop.asOfPosition));
      expect(resumed.balances?.length).toBeGreaterThan(0);
      const status = (await call(auditPort, '/v1/audit/status', secret)).body as {
        size: number;
        lastCheckpoint: { treeSize: number; rootHash: string } | null;
      };
      expect(status.size).toBeGreaterThanOrEqual(last.treeSize);
      // the last checkpoint taken at Ctrl-C is the record's, signed over what it held then
      expect(status.lastCheckpoint).toMatchObject({
        treeSize: last.treeSize,
        rootHash: last.rootHash,
      });
      expect(runner.output.stderr).toContain('simulator: off');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "HK-11d given the local chain, then clients trade only what their confirmed deposits brought; an operator's withdrawal approved by both custodians is signed, confirmed on chain and settled; a killed runner's chain is stopped and resumed by the next start",
    async () => {
      const port = await freePortRun();
      const [ledgerPort, walletPort, policyPort] = [port + 1, port + 2, port + 3];
      const environment = {
        CUSTODY_DATA_DIR: dataDir,
        CUSTODY_PORT: String(port),
        CUSTODY_SIMULATOR_TICK_MS: '200',
        CUSTODY_SIMULATOR_CLIENTS: '3',
        LOG_LEVEL: 'warn',
      };
      runner = startRunner(environment);
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${ledgerPort}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 200,
        'the ledger to be ready',
        WAIT_MS,
      );
      const secret = readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim();
      const as = (
        subject: string,
        roles: string[],
        portNumber: number,
        path: string,
        body?: unknown,
      ) => callAs(secret, `http://127.0.0.1:${portNumber}${path}`, subject, roles, body);
      type Balances = {
        asOfPosition: string;
        balances?: Array<{ asset: string; postedMinor: string; availableMinor: string }>;
      };
      const balances = async (clientId: string) =>
        (await as('e2e-auditor', ['auditor'], ledgerPort, `/v1/clients/${clientId}/balances`))
          .body as Balances;
      const clients = ['sim-0001', 'sim-0002', 'sim-0003'];

      // every client's first deposit, sent on chain and confirmed, is credited in both assets
      await waitFor(
        async () => {
          for (const clientId of clients) {
            const lines = (await balances(clientId)).balances ?? [];
            if (
              !['ETH', 'USDT'].every(
                (asset) =>
                  BigInt(lines.find((line) => line.asset === asset)?.postedMinor ?? '0') > 0n,
              )
            )
              return false;
          }
          return true;
        },
        "every client's deposit to be credited",
        WAIT_MS,
      );
      const wallets = (
        (await as('e2e-auditor', ['auditor'], walletPort, '/v1/wallets')).body['wallets'] as Array<{
          registration: { walletId: string; tier: string };
        }>
      ).map(({ registration }) => [registration.walletId, registration.tier]);
      expect(wallets.sort()).toEqual([
        ['eth-cold-1', 'cold'],
        ['eth-hot-1', 'hot'],
      ]);
      const compliance = (await as('e2e-auditor', ['auditor'], policyPort, '/v1/compliance')).body[
        'results'
      ] as Array<{ ruleId: string; asset?: string; verdict: string }>;
      expect(
        compliance.filter((result) => result.ruleId === 'HK-11g').map((result) => result.verdict),
      ).toEqual(['pass', 'pass']);
      // they trade, and no balance ever goes below zero (the simulator trades within what each holds)
      const first = await balances('sim-0001');
      await waitFor(
        async () =>
          JSON.stringify((await balances('sim-0001')).balances) !== JSON.stringify(first.balances),
        "the simulator's trades to change sim-0001's balances",
        WAIT_MS,
      );
      for (let sample = 0; sample < 5; sample += 1) {
        for (const clientId of clients)
          for (const line of (await balances(clientId)).balances ?? [])
            expect({
              clientId,
              asset: line.asset,
              negative: BigInt(line.postedMinor) < 0n,
            }).toEqual({ clientId, asset: line.asset, negative: false });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }

      // an operator's withdrawal to sim-0001's proven address, approved by the two custodians the dashboard's logins act as
      const destination = (
        (await as('e2e-operator', ['operator'], walletPort, '/v1/clients/sim-0001/allow-list'))
          .body['addresses'] as Array<{ address: Address }>
      )[0]?.address as Address;
      const chain = createPublicClient({ transport: http(`http://127.0.0.1:${port + 6}`) });
      const onChainBefore = await chain.getBalance({ address: destination });
      const positionBefore = (await balances('sim-0001')).asOfPosition;
      const amountMinor = parseEther('0.05');
      expect(
        await as('e2e-operator', ['operator'], walletPort, '/v1/withdrawals', {
          withdrawalId: 'E2E-W1',
          clientId: 'sim-0001',
          asset: 'ETH',
          amountMinor: amountMinor.toString(),
          chain: 'ethereum',
          destinationAddress: destination,
        }),
      ).toMatchObject({ status: 201 });
      let payloadHash = '';
      await waitFor(
        async () =>
          (payloadHash =
            (
              (await as('custodian-1', ['key-custodian'], walletPort, '/v1/withdrawals/E2E-W1'))
                .body['payload'] as { payloadHash?: string } | null
            )?.payloadHash ?? '') !== '',
        "the withdrawal's payload to be built",
        WAIT_MS,
      );
      expect(
        await as('custodian-1', ['key-custodian'], walletPort, '/v1/withdrawals/E2E-W1/approvals', {
          payloadHash,
        }),
      ).toMatchObject({ status: 201, body: { events: ['SigningApproved'] } });
      expect(
        await as('custodian-2', ['key-custodian'], walletPort, '/v1/withdrawals/E2E-W1/approvals', {
          payloadHash,
        }),
      ).toMatchObject({
        status: 201,
        body: { events: ['SigningApproved', 'SigningQuorumReached', 'WithdrawalApproved'] },
      });
      await waitFor(
        async () =>
          (await as('e2e-auditor', ['auditor'], walletPort, '/v1/withdrawals/E2E-W1')).body[
            'status'
          ] === 'confirmed',
        'the withdrawal to be confirmed on chain',
        WAIT_MS,
      );
      expect((await chain.getBalance({ address: destination })) - onChainBefore).toBe(amountMinor);
      const settled = async () => {
        const { body } = await as(
          'e2e-auditor',
          ['auditor'],
          ledgerPort,
          `/v1/clients/sim-0001/statement?after=${positionBefore}&limit=1000`,
        );
        return (
          body['lines'] as Array<{ sourceReference: string; amountMinor: string; asset: string }>
        ).find(
          (line) =>
            line.sourceReference.includes('E2E-W1') &&
            line.amountMinor === (-amountMinor).toString(),
        );
      };
      await waitFor(
        async () => (await settled()) !== undefined,
        "the ledger to settle the withdrawal on sim-0001's statement",
        WAIT_MS,
      );

      // killed: its chain node is left running; the next start stops it (it writes its state) and carries on from it
      runner.signal('SIGKILL');
      await runner.exit;
      runner = startRunner(environment);
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${walletPort}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 200,
        'the wallet to be ready again',
        WAIT_MS,
      );
      await waitFor(
        async () =>
          (await as('e2e-auditor', ['auditor'], walletPort, '/v1/withdrawals/E2E-W1')).status ===
          200,
        'the wallet to answer',
        WAIT_MS,
      );
      expect(`${runner.output.stdout}${runner.output.stderr}`).toContain(
        'a node left running by an earlier runner was stopped first',
      );
      expect(
        (await createPublicClient({ transport: http(`http://127.0.0.1:${port + 6}`) }).getBalance({
          address: destination,
        })) - onChainBefore,
      ).toBe(amountMinor);
      await waitFor(
        () => /simulator: \d+ ticks, [1-9]\d* trades/.test(runner?.output.stderr ?? ''),
        'the simulator to trade again',
        WAIT_MS,
      );
      expect(await stopRunner(runner)).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'given a data directory under a private parent, when started as root, then the cluster lives where the postgres user can reach it and the next start finds it; as another user, in the data directory',
    async () => {
      // a parent only its owner may pass through, as /root is
      const privateParent = mkdtempSync(join(tmpdir(), 'custody-private-'));
      chmodSync(privateParent, 0o700);
      const privateData = join(privateParent, 'data');
      const asRoot = process.getuid?.() === 0;
      let clusterDir = '';
      try {
        const port = await freePortRun();
        const environment = {
          CUSTODY_DATA_DIR: privateData,
          CUSTODY_PORT: String(port),
          CUSTODY_SIMULATOR: 'off',
          CUSTODY_CHAIN: 'off',
          LOG_LEVEL: 'warn',
        };
        const ledger = `http://127.0.0.1:${port + 1}`;
        runner = startRunner(environment);
        await waitFor(
          async () =>
            (await fetch(`${ledger}/health/ready`).then(
              (response) => response.status,
              () => 0,
            )) === 200,
          'the ledger to be ready',
          WAIT_MS,
        );
        const secret = readFileSync(join(privateData, 'auth-secret'), 'utf8').trim();
        expect(
          await callAs(secret, `${ledger}/v1/clients`, 'e2e-operator', ['operator'], {
            clientId: 'kept-client',
          }),
        ).toMatchObject({ status: 200 });
        clusterDir = /data in (\S+);/.exec(runner.output.stderr)?.[1] ?? '';
        // as root the server runs as postgres, which cannot pass through the private parent
        if (asRoot)
          expect(clusterDir).toMatch(/^\/var\/lib\/custody-embedded-postgres\/[0-9a-f]{16}$/);
        else expect(clusterDir).toBe(join(privateData, 'postgres'));
        expect(readFileSync(join(clusterDir, 'PG_VERSION'), 'utf8').trim()).toBe('18');
        expect(await stopRunner(runner)).toBe(0);
        runner = startRunner(environment);
        await waitFor(
          async () =>
            (await fetch(`${ledger}/health/ready`).then(
              (response) => response.status,
              () => 0,
            )) === 200,
          'the ledger to be ready again',
          WAIT_MS,
        );
        // the same cluster: the client onboarded before is known
        expect(
          (
            await callAs(secret, `${ledger}/v1/clients/kept-client/balances`, 'e2e-auditor', [
              'auditor',
            ])
          ).status,
        ).toBe(200);
        expect(await stopRunner(runner)).toBe(0);
        runner = undefined;
      } finally {
        rmSync(privateParent, { recursive: true, force: true });
        if (asRoot && clusterDir.startsWith('/var/lib/custody-embedded-postgres/'))
          rmSync(clusterDir, { recursive: true, force: true });
      }
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
        runner = startRunner({
          CUSTODY_DATA_DIR: dataDir,
          CUSTODY_PORT: String(port),
          CUSTODY_SIMULATOR_TICK_MS: '100',
          CUSTODY_SIMULATOR_CLIENTS: '3',
          DATABASE_URL: db.url,
          LOG_LEVEL: 'warn',
        });
        await waitFor(
          async () =>
            (await fetch(`http://127.0.0.1:${port + 1}/health/ready`).then(
              (response) => response.status,
              () => 0,
            )) === 200,
          'the ledger to be ready',
          WAIT_MS,
        );
        await waitFor(
          async () => {
            const { rows } = await db.pool.query<{ count: string }>(
              'select count(*) from ledger.events',
            );
            return Number(rows[0]?.count) > 0;
          },
          "the simulator's trades to be booked in the given database",
          WAIT_MS,
        );
        expect(readdirSync(dataDir)).not.toContain('postgres');
        expect(runner.output.stderr).not.toContain('embedded PostgreSQL');
      },
      TEST_TIMEOUT_MS,
    );
  });
});
