import {
  CUSTODY_PORT_DEFAULT,
  parseRunnerConfig,
  SIMULATOR_TICK_MS_DEFAULT,
} from './runner-config';

describe('the all-in-one runner configuration (issue 9)', () => {
  it('given nothing set, then the embedded database under ./.custody, the in-process bus, the dashboard on 3000, services on 3001..3005, the local chain on 3006 and the simulator on', () => {
    const parsed = parseRunnerConfig({}, '/home/dev/custody');
    expect(parsed).toEqual({
      ok: true,
      config: {
        dataDir: '/home/dev/custody/.custody',
        port: CUSTODY_PORT_DEFAULT,
        servicePorts: {
          ledger: 3001,
          wallet: 3002,
          policy: 3003,
          reconciliation: 3004,
          audit: 3005,
        },
        databaseUrl: undefined,
        kafka: false,
        simulator: {
          scenario: 'normal',
          tickMs: SIMULATOR_TICK_MS_DEFAULT,
          tradesPerTick: 3,
          clients: 12,
        },
        chainPort: 3006,
      },
    });
  });

  it('given DATABASE_URL, KAFKA_BROKERS and the simulator off, then real infrastructure and no simulator', () => {
    const parsed = parseRunnerConfig(
      {
        DATABASE_URL: 'postgres://u@db:5432/custody',
        KAFKA_BROKERS: 'k1:9092',
        CUSTODY_SIMULATOR: 'off',
        CUSTODY_PORT: '4000',
        CUSTODY_DATA_DIR: '/var/lib/custody',
      },
      '/x',
    );
    expect(parsed.ok && parsed.config).toMatchObject({
      dataDir: '/var/lib/custody',
      port: 4000,
      servicePorts: { ledger: 4001, audit: 4005 },
      databaseUrl: 'postgres://u@db:5432/custody',
      kafka: true,
      simulator: undefined,
    });
  });

  it('given bad values, then every problem is named by its variable and nothing is chosen', () => {
    const parsed = parseRunnerConfig(
      {
        CUSTODY_PORT: '65534',
        CUSTODY_CHAIN: 'anvil',
        CUSTODY_SIMULATOR: 'maybe',
        CUSTODY_SIMULATOR_TICK_MS: '5',
        CUSTODY_SIMULATOR_CLIENTS: '1',
        CUSTODY_SIMULATOR_TRADES_PER_TICK: 'x',
      },
      '/x',
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((problem) => problem.variable).sort()).toEqual([
      'CUSTODY_CHAIN',
      'CUSTODY_PORT',
      'CUSTODY_SIMULATOR',
      'CUSTODY_SIMULATOR_CLIENTS',
      'CUSTODY_SIMULATOR_TICK_MS',
      'CUSTODY_SIMULATOR_TRADES_PER_TICK',
    ]);
  });

  it('given Kafka with the built-in simulator on, then refused: the built-in simulator feeds only the in-process bus', () => {
    const parsed = parseRunnerConfig({ KAFKA_BROKERS: 'k1:9092' }, '/x');
    expect(!parsed.ok && parsed.problems).toEqual([
      expect.objectContaining({ variable: 'CUSTODY_SIMULATOR' }),
    ]);
  });

  it('given CUSTODY_CHAIN=off or a chain of its own (WALLET_EVM_RPC_URL), then no local chain is started', () => {
    for (const environment of [
      { CUSTODY_CHAIN: 'off' },
      { WALLET_EVM_RPC_URL: 'http://node:8545' },
    ])
      expect(parseRunnerConfig(environment, '/x')).toMatchObject({
        ok: true,
        config: { chainPort: undefined },
      });
  });

  it('given a scenario, then it is one of the presets, and those acting on the chain or the audit database only where the runner has them', () => {
    expect(parseRunnerConfig({ CUSTODY_SIMULATOR_SCENARIO: 'shortfall' }, '/x')).toMatchObject({
      ok: true,
      config: { simulator: { scenario: 'shortfall' } },
    });
    const refused = (environment: Record<string, string>) => {
      const parsed = parseRunnerConfig(environment, '/x');
      return parsed.ok
        ? []
        : parsed.problems.map((problem) => `${problem.variable}: ${problem.reason}`);
    };
    expect(refused({ CUSTODY_SIMULATOR_SCENARIO: 'chaos' })).toEqual([
      expect.stringMatching(
        /^CUSTODY_SIMULATOR_SCENARIO: one of normal, hot-wallet-drain, shortfall, tamper/,
      ),
    ]);
    expect(
      refused({ CUSTODY_SIMULATOR_SCENARIO: 'hot-wallet-drain', CUSTODY_CHAIN: 'off' }),
    ).toEqual([expect.stringMatching(/acts on the local chain/)]);
    expect(
      refused({ CUSTODY_SIMULATOR_SCENARIO: 'tamper', DATABASE_URL: 'postgres://u@db/custody' }),
    ).toEqual([expect.stringMatching(/not with DATABASE_URL/)]);
  });
});
