// The first import starts OpenTelemetry before anything loads http.
import { telemetry } from './instrumentation';
import { createLogger, LOG_LEVELS, type LogLevel } from '@custody/observability';
import { EXIT_CODE_CONFIG, formatConfigProblems, SHUTDOWN_TIMEOUT_MS } from '@custody/service-host';
import { EmbeddedPostgresError } from './embedded-postgres';
import { parseRunnerConfig } from './runner-config';
import {
  RunnerConfigError,
  StartCancelled,
  startCustody,
  type CustodyRunner,
  type SimulatorProgress,
} from './runner';

/** A progress line on stderr this often while the simulator trades. */
const PROGRESS_INTERVAL_MS = 10_000;
/** While it sets up, a line as soon as its phase changes (looked at this often). */
const SETUP_PROGRESS_POLL_MS = 1_000;

/**
 * What the runner prints about its simulator, looked at every SETUP_PROGRESS_POLL_MS: each new set-up
 * phase and scenario line as it comes, and while trading a totals line every PROGRESS_INTERVAL_MS.
 */
function progressReporter(simulator: SimulatorProgress, say: (line: string) => void): () => void {
  let phaseSaid = '';
  let scenarioSaid: string | undefined;
  let tradingSaidAt = 0;
  return () => {
    if (simulator.scenario !== scenarioSaid) say((scenarioSaid = simulator.scenario) ?? '');
    if (simulator.phase !== 'trading') {
      if (simulator.phase !== phaseSaid) say(`simulator: ${(phaseSaid = simulator.phase)}`);
    } else if (Date.now() - tradingSaidAt >= PROGRESS_INTERVAL_MS) {
      tradingSaidAt = Date.now();
      say(
        `simulator: ${simulator.ticks} ticks, ${simulator.trades} trades, ${simulator.marketTicks} price ticks, ${simulator.withdrawals} withdrawal requests sent`,
      );
    }
  };
}

async function main(): Promise<void> {
  const parsed = parseRunnerConfig(process.env, process.cwd());
  if (!parsed.ok) {
    process.stderr.write(`${formatConfigProblems('custody', parsed.problems)}\n`);
    process.exit(EXIT_CODE_CONFIG);
  }
  const { config } = parsed;
  const level = process.env['LOG_LEVEL'] ?? 'warn';
  const logger = createLogger(
    'custody',
    ((LOG_LEVELS as readonly string[]).includes(level) ? level : 'warn') as LogLevel,
  );
  const say = (line: string) => process.stderr.write(`[custody] ${line}\n`);
  say(
    `starting: data in ${config.dataDir}${config.databaseUrl === undefined ? ' (embedded PostgreSQL)' : ''}`,
  );

  // installed before anything starts: Ctrl-C during start-up stops what has started (the database too)
  const cancelled = new AbortController();
  let runner: CustodyRunner | undefined;
  let stopping = false;
  let progress: NodeJS.Timeout | undefined = undefined; // set once the simulator runs
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    cancelled.abort();
    if (progress !== undefined) clearInterval(progress);
    setTimeout(() => {
      say('shutdown did not finish in time; the database is told to quit at once');
      runner?.abandon();
      process.exit(1);
    }, 3 * SHUTDOWN_TIMEOUT_MS).unref();
    if (runner === undefined) return; // the start-up sees the cancellation and stops what it started
    say(`${signal}: stopping (simulator, consumers, a last audit checkpoint, database)`);
    await runner
      .stop()
      .catch((error: unknown) => say(`stopping failed: ${(error as Error).message}`));
    await telemetry.shutdown();
    say('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => void shutdown(signal));

  try {
    runner = await startCustody(
      config,
      { LOG_LEVEL: 'warn', ...process.env },
      logger,
      cancelled.signal,
    );
  } catch (error) {
    const configError =
      error instanceof RunnerConfigError || error instanceof EmbeddedPostgresError;
    say(
      error instanceof StartCancelled
        ? 'stopped while starting'
        : `cannot start: ${(error as Error).message}`,
    );
    await telemetry.shutdown();
    process.exit(error instanceof StartCancelled ? 0 : configError ? EXIT_CODE_CONFIG : 1);
  }
  if (cancelled.signal.aborted) {
    // the signal came after the start-up's last look: stop here what it started
    await runner
      .stop()
      .catch((error: unknown) => say(`stopping failed: ${(error as Error).message}`));
    await telemetry.shutdown();
    process.exit(0);
  }
  const ports = runner.servicePorts;
  if (runner.dashboard !== undefined) {
    say(
      `dashboard: ${runner.dashboard.url}  (development logins, kept in ${config.dataDir}/dev-users.json):`,
    );
    for (const user of runner.dashboard.users)
      say(`  ${user.username.padEnd(12)} ${user.password}   ${user.roles.join(', ')}`);
  }
  say(
    `database: ${runner.database}; bus: ${runner.bus}; chain: ${runner.chain === undefined ? 'none (CUSTODY_CHAIN=off or WALLET_EVM_RPC_URL)' : `${runner.chain} (local anvil, kept in ${config.dataDir}/chain; wallet keys in the development key vault)`}`,
  );
  say(
    `services: ${Object.entries(ports)
      .map(([name, port]) => `${name} http://localhost:${port}`)
      .join(', ')}`,
  );
  if (runner.devToken !== undefined)
    say(
      `a token for the API: TOKEN=$(CUSTODY_DATA_DIR=${config.dataDir} npm run -s dev:token -- auditor) && curl -H "Authorization: Bearer $TOKEN" localhost:${ports.ledger}/v1/clients/sim-0001/balances`,
    );
  const simulator = runner.simulator;
  if (simulator !== undefined) {
    say(
      `simulator: seed ${simulator.seed}, ${simulator.clients} clients (sim-0001 ..), ${config.simulator?.tradesPerTick} trades every ${config.simulator?.tickMs} ms, with price ticks and withdrawal requests; scenario ${config.simulator?.scenario ?? 'normal'}`,
    );
    if (runner.chain !== undefined)
      say(
        "simulator: first sets up a hot and a cold wallet, two custodians, and each client's allow-listed address and deposit on the chain",
      );
  } else say('simulator: off');
  say('Ctrl-C stops it; the next start resumes where it stopped.');
  progress =
    simulator === undefined
      ? undefined
      : setInterval(progressReporter(simulator, say), SETUP_PROGRESS_POLL_MS);
}

void main();
