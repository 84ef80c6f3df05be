/**
 * The all-in-one runner's own settings (issue 9). The five services read theirs from the same
 * environment, with the runner setting what differs per service (PORT) or what it provides
 * itself (DATABASE_URL of the embedded server, a development identity).
 */
import { resolve } from 'node:path';
import { parseInteger, type ConfigProblem } from '@custody/service-host';

/** The simulator's presets in the runner (scenarios.ts). */
export const RUNNER_SCENARIOS = ['normal', 'hot-wallet-drain', 'shortfall', 'tamper'] as const;
export type RunnerScenario = (typeof RUNNER_SCENARIOS)[number];

export const RUNNER_SERVICES = ['ledger', 'wallet', 'policy', 'reconciliation', 'audit'] as const;
export type RunnerService = (typeof RUNNER_SERVICES)[number];

export const CUSTODY_PORT_DEFAULT = 3000;
/** The services listen on the next five ports: ledger CUSTODY_PORT+1 .. audit CUSTODY_PORT+5; the local chain on CUSTODY_PORT+6. */
const PORT_MAX = 65_535 - RUNNER_SERVICES.length - 1;
export const CHAIN_PORT_OFFSET = RUNNER_SERVICES.length + 1;
export const CUSTODY_DATA_DIR_DEFAULT = '.custody';
/** Connections per service: five pools share one embedded server (EMBEDDED_POSTGRES_MAX_CONNECTIONS). */
export const RUNNER_POOL_MAX_DEFAULT = 5;

export const SIMULATOR_TICK_MS_DEFAULT = 1_000;
export const SIMULATOR_TICK_MS_MIN = 50;
export const SIMULATOR_TICK_MS_MAX = 60_000;
export const SIMULATOR_TRADES_PER_TICK_DEFAULT = 3;
export const SIMULATOR_TRADES_PER_TICK_MAX = 100;
export const SIMULATOR_CLIENTS_DEFAULT = 12;
export const SIMULATOR_CLIENTS_MAX = 1_000;

export interface SimulatorSettings {
  /** A preset run once the clients are funded (scenarios.ts); 'normal': trading only. */
  readonly scenario: RunnerScenario;
  readonly tickMs: number;
  readonly tradesPerTick: number;
  readonly clients: number;
}

export interface RunnerConfig {
  /** State kept across restarts: the embedded database, the development identity, checkpoints. */
  readonly dataDir: string;
  /** The dashboard's port; the services take the five after it. */
  readonly port: number;
  readonly servicePorts: Readonly<Record<RunnerService, number>>;
  /** PostgreSQL given by DATABASE_URL; undefined: the embedded server under dataDir. */
  readonly databaseUrl: string | undefined;
  /** KAFKA_BROKERS set: the services use Kafka; else the in-process bus. */
  readonly kafka: boolean;
  /** The exchange simulator feeding the in-process bus; undefined when CUSTODY_SIMULATOR=off. */
  readonly simulator: SimulatorSettings | undefined;
  /** The local development chain (anvil) on this port, with the wallet's development key vault; undefined when CUSTODY_CHAIN=off or WALLET_EVM_RPC_URL names a chain. */
  readonly chainPort: number | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Every problem at once; `cwd` resolves a relative CUSTODY_DATA_DIR. */
export function parseRunnerConfig(
  environment: Environment,
  cwd: string,
): { ok: true; config: RunnerConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const port = parseInteger(
    environment,
    'CUSTODY_PORT',
    CUSTODY_PORT_DEFAULT,
    1,
    PORT_MAX,
    problems,
  );
  const servicePorts = Object.fromEntries(
    RUNNER_SERVICES.map((service, index) => [service, port + index + 1]),
  ) as Record<RunnerService, number>;
  const dataDirRaw = environment['CUSTODY_DATA_DIR']?.trim() || CUSTODY_DATA_DIR_DEFAULT;
  const simulatorMode = environment['CUSTODY_SIMULATOR']?.trim() || 'on';
  if (simulatorMode !== 'on' && simulatorMode !== 'off')
    problems.push({
      variable: 'CUSTODY_SIMULATOR',
      reason: `must be 'on' or 'off', got '${simulatorMode}'`,
    });
  const scenario = environment['CUSTODY_SIMULATOR_SCENARIO']?.trim() || 'normal';
  if (!(RUNNER_SCENARIOS as readonly string[]).includes(scenario))
    problems.push({
      variable: 'CUSTODY_SIMULATOR_SCENARIO',
      reason: `one of ${RUNNER_SCENARIOS.join(', ')}, got '${scenario}'`,
    });
  const simulator = {
    scenario: scenario as RunnerScenario,
    tickMs: parseInteger(
      environment,
      'CUSTODY_SIMULATOR_TICK_MS',
      SIMULATOR_TICK_MS_DEFAULT,
      SIMULATOR_TICK_MS_MIN,
      SIMULATOR_TICK_MS_MAX,
      problems,
    ),
    tradesPerTick: parseInteger(
      environment,
      'CUSTODY_SIMULATOR_TRADES_PER_TICK',
      SIMULATOR_TRADES_PER_TICK_DEFAULT,
      0,
      SIMULATOR_TRADES_PER_TICK_MAX,
      problems,
    ),
    clients: parseInteger(
      environment,
      'CUSTODY_SIMULATOR_CLIENTS',
      SIMULATOR_CLIENTS_DEFAULT,
      2,
      SIMULATOR_CLIENTS_MAX,
      problems,
    ),
  };
  const databaseUrl = environment['DATABASE_URL']?.trim() || undefined;
  const kafka = (environment['KAFKA_BROKERS']?.trim() ?? '') !== '';
  if (kafka && simulatorMode === 'on') {
    problems.push({
      variable: 'CUSTODY_SIMULATOR',
      reason:
        'the built-in simulator feeds the in-process bus; with KAFKA_BROKERS set, set CUSTODY_SIMULATOR=off and run `npm run simulate -- --brokers ...`',
    });
  }
  const chainMode = environment['CUSTODY_CHAIN']?.trim() || 'on';
  if (chainMode !== 'on' && chainMode !== 'off')
    problems.push({
      variable: 'CUSTODY_CHAIN',
      reason: `must be 'on' or 'off', got '${chainMode}'`,
    });
  const externalChain = (environment['WALLET_EVM_RPC_URL']?.trim() ?? '') !== '';
  if (
    (scenario === 'hot-wallet-drain' || scenario === 'shortfall') &&
    (chainMode === 'off' || externalChain)
  )
    problems.push({
      variable: 'CUSTODY_SIMULATOR_SCENARIO',
      reason: `${scenario} acts on the local chain: not with CUSTODY_CHAIN=off or WALLET_EVM_RPC_URL`,
    });
  if (scenario === 'tamper' && (environment['DATABASE_URL']?.trim() ?? '') !== '')
    problems.push({
      variable: 'CUSTODY_SIMULATOR_SCENARIO',
      reason:
        "tamper alters the audit record as the embedded database's superuser: not with DATABASE_URL",
    });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      dataDir: resolve(cwd, dataDirRaw),
      port,
      servicePorts,
      databaseUrl,
      kafka,
      simulator: simulatorMode === 'on' ? simulator : undefined,
      chainPort: chainMode === 'on' && !externalChain ? port + CHAIN_PORT_OFFSET : undefined,
    },
  };
}
