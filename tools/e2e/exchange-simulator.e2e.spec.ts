import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import {
  createTestDatabase,
  startKafkaTestBroker,
  startService,
  testExchangeSigner,
  testServiceEnvironment,
  waitFor,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 60_000;
const CLIENTS = 6;
const TICKS = 5;
const TRADES_PER_TICK = 4;

/**
 * Issue 9, the exchange simulator against Kafka: its process publishes trades, prices and
 * withdrawal requests to the test broker; the ledger, a separate process, books every trade into
 * the simulated clients' balances (fees included), and the books still balance.
 */
describe('the exchange simulator feeds the ledger through Kafka (test broker)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let ledger: ServiceProcess | undefined;
  const call = async (method: 'GET' | 'POST', path: string, roles: string[], body?: unknown) => {
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: `${roles[0]}-1`,
      roles,
    });
    const response = await fetch(`${ledger?.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  afterAll(async () => {
    await ledger?.stop();
    await broker?.stop();
    await db?.drop();
  });

  it('given the simulated clients onboarded, when the simulator runs, then every trade it sent is booked with its fees and the books balance', async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [
      EXCHANGE_TRADES_TOPIC,
      EXCHANGE_PRICES_TOPIC,
      EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
      WALLET_EVENTS_TOPIC,
      DEAD_LETTER_TOPIC,
    ])
      await broker.command(`topic ${topic} 3 3`);
    ledger = await startService(
      'ledger',
      testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
    const service = ledger;
    await waitFor(
      async () => (await fetch(`${service.baseUrl}/health/ready`)).status === 200,
      'the ledger to be ready',
      WAIT_MS,
    );
    for (let index = 1; index <= CLIENTS; index += 1)
      expect(
        (
          await call('POST', '/v1/clients', ['operator'], {
            clientId: `sim-${String(index).padStart(4, '0')}`,
          })
        ).status,
      ).toBe(200);

    const { stdout, stderr } = await run(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'tools/exchange-simulator/cli.ts',
        '--brokers',
        broker.brokers.join(','),
        '--clients',
        String(CLIENTS),
        '--seed',
        '7',
        '--fee-bps',
        '25',
        '--ticks',
        String(TICKS),
        '--trades-per-tick',
        String(TRADES_PER_TICK),
        '--tick-ms',
        '50',
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env['PATH'] ?? '',
          KAFKA_PRODUCER_IDEMPOTENT: 'false',
          EXCHANGE_SIGNING_KEY_FILE: testExchangeSigner().privateKeyFile,
          EXCHANGE_SIGNING_KEY_ID: testExchangeSigner().signingKey.keyId,
        },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      simulator: 'normal',
      trades: TICKS * TRADES_PER_TICK,
      marketTicks: TICKS * 3,
      withdrawals: 1,
    });
    expect(stderr).toContain(`[simulator] tick ${TICKS}: ${TICKS * TRADES_PER_TICK} trades`);

    // every trade booked once: each is a 'trade' line of its buyer and its seller in both assets, fees as 'trade-fee'
    const booked = async () =>
      (
        await db.pool.query<{ n: number }>(
          `select count(distinct source_reference)::int as n from ledger.rm_statement_lines where reason = 'trade'`,
        )
      ).rows[0]?.n ?? 0;
    await waitFor(
      async () => (await booked()) === TICKS * TRADES_PER_TICK,
      `${TICKS * TRADES_PER_TICK} trades booked`,
      WAIT_MS,
    );
    const { rows: fees } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from ledger.rm_statement_lines where reason = 'trade-fee'`,
    );
    expect(fees[0]?.n).toBeGreaterThan(0);
    const balances = await call('GET', '/v1/clients/sim-0001/balances', ['auditor']);
    expect((balances.body['balances'] as unknown[]).length).toBeGreaterThan(0);
    expect((await call('GET', '/v1/books/invariants', ['auditor'])).body).toMatchObject({
      ok: true,
    });
  });
});
