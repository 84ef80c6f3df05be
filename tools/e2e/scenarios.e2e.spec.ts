import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@custody/testing';
import {
  callAs,
  freePortRun,
  startRunner,
  stopLeftOverChain,
  stopRunner,
  type Runner,
} from './runner-process';

const WAIT_MS = 120_000;
const TEST_TIMEOUT_MS = 300_000;
/** How much of the runner's output a failure shows. */
const OUTPUT_TAIL_CHARS = 4_000;

/**
 * Issue 9, the simulator's scenario presets in `npm start` (CUSTODY_SIMULATOR_SCENARIO), each
 * through the runner as a process: the situation is made once the clients are funded, and the
 * system's own checks find it (the policy service, reconciliation, the audit record's verification).
 */
describe('npm start scenarios', () => {
  let dataDir: string;
  let runner: Runner | undefined;
  let port: number;
  let secret: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'custody-scenario-'));
  });

  afterEach(async () => {
    await stopRunner(runner);
    runner = undefined;
    await stopLeftOverChain(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A runner with two funded clients who do not trade, the scenario started; resolves once it has said `said`. */
  async function startWith(scenario: string, said: RegExp): Promise<string> {
    port = await freePortRun();
    runner = startRunner({
      CUSTODY_DATA_DIR: dataDir,
      CUSTODY_PORT: String(port),
      CUSTODY_SIMULATOR_CLIENTS: '2',
      CUSTODY_SIMULATOR_TRADES_PER_TICK: '0',
      CUSTODY_SIMULATOR_TICK_MS: '500',
      CUSTODY_SIMULATOR_SCENARIO: scenario,
      LOG_LEVEL: 'warn',
    });
    let exited = false;
    void runner.exit.then(() => (exited = true));
    const failed = () =>
      /scenario \S+ failed|simulator: stopped/.exec(runner?.output.stderr ?? '')?.[0];
    const tail = () =>
      `--- the runner's output (last ${OUTPUT_TAIL_CHARS} characters) ---\n${`${runner?.output.stdout ?? ''}${runner?.output.stderr ?? ''}`.slice(-OUTPUT_TAIL_CHARS)}`;
    await waitFor(
      () => exited || failed() !== undefined || said.test(runner?.output.stderr ?? ''),
      `the ${scenario} scenario to report`,
      WAIT_MS,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${tail()}`); // what the runner said, for a failure seen only in CI
    });
    if (exited || failed() !== undefined)
      throw new Error(
        `the runner ${exited ? 'exited' : `reported: ${failed() ?? ''}`} before the ${scenario} scenario reported\n${tail()}`,
      );
    secret = readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim();
    return said.exec(runner.output.stderr)?.[0] ?? '';
  }

  const as = (subject: string, roles: string[], service: number, path: string, body?: unknown) =>
    callAs(secret, `http://127.0.0.1:${port + service}${path}`, subject, roles, body);
  const [WALLET, POLICY, RECONCILIATION, AUDIT] = [2, 3, 4, 5];
  type Rule = {
    ruleId: string;
    subject?: string;
    verdict: string;
    rebalancing?: Array<{ amountMinor: string }>;
  };
  const hk11gEth = async () =>
    (
      (await as('e2e-auditor', ['auditor'], POLICY, '/v1/compliance')).body['results'] as Rule[]
    ).find((result) => result.ruleId === 'HK-11g' && result.subject === 'ETH');

  it(
    'HK-11g given hot-wallet-drain, then the cold share breaks the minimum, the rebalancing transfer it names waits for two custodians, and once they approve it is confirmed and the rule holds again',
    async () => {
      const line = await startWith(
        'hot-wallet-drain',
        /scenario hot-wallet-drain: HK-11g breached .*rebalancing transfer (\S+) of (\d+) wei hot to cold waits for two custodians/,
      );
      const [, transferId, amountMinor] =
        /rebalancing transfer (\S+) of (\d+) wei/.exec(line) ?? [];
      expect(await hk11gEth()).toMatchObject({ verdict: 'fail', rebalancing: [{ amountMinor }] });
      let payloadHash = '';
      await waitFor(
        async () =>
          (payloadHash =
            (
              (await as('custodian-1', ['key-custodian'], WALLET, `/v1/withdrawals/${transferId}`))
                .body['payload'] as { payloadHash?: string } | null
            )?.payloadHash ?? '') !== '',
        "the transfer's payload",
        WAIT_MS,
      );
      const transfer = (
        await as('custodian-1', ['key-custodian'], WALLET, `/v1/withdrawals/${transferId}`)
      ).body as {
        status: string;
        request: { walletId: string; destinationWalletId: string; amountMinor: string };
      };
      expect(transfer).toMatchObject({
        status: 'awaiting-approval',
        request: { walletId: 'eth-hot-1', destinationWalletId: 'eth-cold-1', amountMinor },
      });
      for (const custodian of ['custodian-1', 'custodian-2'])
        expect(
          (
            await as(
              custodian,
              ['key-custodian'],
              WALLET,
              `/v1/withdrawals/${transferId}/approvals`,
              { payloadHash },
            )
          ).status,
        ).toBe(201);
      await waitFor(
        async () =>
          (await as('e2e-auditor', ['auditor'], WALLET, `/v1/withdrawals/${transferId}`)).body[
            'status'
          ] === 'confirmed',
        'the rebalancing transfer to be confirmed',
        WAIT_MS,
      );
      await waitFor(
        async () => (await hk11gEth())?.verdict === 'pass',
        'HK-11g to hold again for ETH',
        WAIT_MS,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'TW-14 given shortfall, then 1 ETH missing from the cold wallet on chain is an open on-chain shortfall discrepancy of exactly that amount, naming the wallet',
    async () => {
      await startWith(
        'shortfall',
        /scenario shortfall: 1000000000000000000 wei taken from the cold wallet on chain; reconciliation run \S+ for \S+ reports it/,
      );
      const open = (
        await as('e2e-auditor', ['auditor'], RECONCILIATION, '/v1/discrepancies?status=open')
      ).body['discrepancies'] as Array<{
        difference: {
          asset: string;
          source: string;
          kind: string;
          amountMinor: string;
          wallets: string[];
        };
        topUpDueOn: string | null;
      }>;
      expect(open.map((discrepancy) => discrepancy.difference)).toEqual([
        expect.objectContaining({
          asset: 'ETH',
          source: 'on-chain',
          kind: 'shortfall',
          amountMinor: '1000000000000000000',
          wallets: ['eth-cold-1'],
        }),
      ]);
      // TW-14.3: a shortfall is made good by a due day
      expect(open[0]?.topUpDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'HK-22 given tamper, then the audit record altered in the database is found by verification at exactly that position',
    async () => {
      await startWith(
        'tamper',
        /scenario tamper: audit record 5 altered in the database; verification: broken at position 5 \(hash-mismatch\)/,
      );
      expect((await as('e2e-auditor', ['auditor'], AUDIT, '/v1/audit/verify')).body).toMatchObject({
        broken: { position: '5', problem: 'hash-mismatch' },
      });
    },
    TEST_TIMEOUT_MS,
  );
});
