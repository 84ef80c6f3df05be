/**
 * The runner's exchange simulator (issue 9): with the local chain, it first sets up its clients
 * (onboarded, allow-listed, funded by confirmed deposits; dev-setup.ts), runs the chosen scenario
 * once, then publishes a tick of trades, prices and withdrawal requests to the in-process bus
 * each interval, each client within what it holds. Without the chain its clients trade unfunded.
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_SIMULATOR_OPTIONS,
  ExchangeSimulator,
  messagesByTopic,
} from '@custody/exchange-simulator';
import {
  readExchangeSigningKey,
  signExchangeMessage,
  type ExchangeSigningKey,
  type MessageBus,
} from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { RateLimitedWarning } from '@custody/service-host';
import type { DevChain } from './dev-chain';
import {
  api,
  clientAvailable,
  expectStatus,
  SetupCancelled,
  setUpClients,
  waitForDeposits,
  type SetupContext,
} from './dev-setup';
import type { SimulatorSettings } from './runner-config';
import { runScenario, type ScenarioContext } from './scenarios';

/** Longest the simulator waits for the ledger to be ready before it onboards its clients. */
export const SIMULATOR_READY_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 200;
/** With the chain, one withdrawal request per this many trades: each waits for two custodians in the approval queue. */
export const RUNNER_SIMULATOR_WITHDRAWAL_EVERY = 150;
/** With the chain, the simulator re-reads its clients' available balances from the ledger every this many ticks (a withdrawal approved meanwhile). */
export const RUNNER_SIMULATOR_REFRESH_TICKS = 20;

export interface SimulatorProgress {
  readonly seed: number;
  readonly clients: number;
  /** What it is doing: setting up the chain side, waiting for deposits, trading. */
  phase: string;
  /** The scenario's latest line (CUSTODY_SIMULATOR_SCENARIO), once it has one. */
  scenario: string | undefined;
  ticks: number;
  trades: number;
  marketTicks: number;
  withdrawals: number;
}

export interface SimulatorLoopOptions {
  readonly settings: SimulatorSettings;
  readonly bus: MessageBus;
  readonly chain: DevChain | undefined;
  readonly urls: ScenarioContext['urls'];
  readonly token: (subject: string, roles: readonly string[]) => Promise<string>;
  /** The wallets and custodians being set up (true once done); the clients' set-up waits for it. */
  readonly walletSetup: Promise<boolean>;
  readonly superuserDatabaseUrl: string | undefined;
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly stopped: AbortSignal;
}

/** Waits `milliseconds`, or less when `stopped` fires. */
function pause(milliseconds: number, stopped: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopped.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    stopped.addEventListener('abort', done, { once: true });
  });
}

async function waitReady(baseUrl: string, stopped: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + SIMULATOR_READY_TIMEOUT_MS;
  while (!stopped.aborted && Date.now() < deadline) {
    const status = await fetch(`${baseUrl}/health/ready`)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return true;
    await pause(READY_POLL_MS, stopped);
  }
  return false;
}

/**
 * The simulated exchange's signing key (EXCHANGE_SIGNING_KEY_FILE and _ID, the runner's own
 * development key unless given): the services book only what it signs. Without one the simulator
 * publishes unsigned, and says so: with signatures required, its messages are parked.
 */
function exchangeSigner(
  environment: SimulatorLoopOptions['environment'],
  logger: Logger,
): ExchangeSigningKey | undefined {
  const file = environment['EXCHANGE_SIGNING_KEY_FILE'];
  const keyId = environment['EXCHANGE_SIGNING_KEY_ID'];
  if (file && keyId) return readExchangeSigningKey(keyId, file);
  if (environment['EXCHANGE_SIGNATURES'] !== 'off')
    logger.warn(
      'simulator: no EXCHANGE_SIGNING_KEY_FILE/EXCHANGE_SIGNING_KEY_ID: it publishes unsigned, and the services park what it sends',
    );
  return undefined;
}

/** Starts the loop; `done` settles once it (and its scenario) ended after `stopped` fired, never rejecting. */
export function startSimulatorLoop(options: SimulatorLoopOptions): {
  progress: SimulatorProgress;
  done: Promise<void>;
} {
  const { settings, bus, chain, urls, token, logger, stopped } = options;
  // a new seed each start: trade ids are named by it, so a restart sends new trades rather than replays
  const seed = randomBytes(4).readUInt32BE(0);
  // with the chain: ETH against USDT only (what its wallets hold), each client within what it holds, withdrawals to its own proven address
  const simulator = new ExchangeSimulator({
    ...DEFAULT_SIMULATOR_OPTIONS,
    seed,
    clients: settings.clients,
    ...(chain === undefined
      ? {}
      : {
          bases: ['ETH'],
          clientAddresses: chain.clientAddresses,
          fundedOnly: true,
          withdrawalEvery: RUNNER_SIMULATOR_WITHDRAWAL_EVERY,
        }),
  });
  const signer = exchangeSigner(options.environment, logger);
  const run: SimulatorProgress = {
    seed,
    clients: settings.clients,
    phase: 'waiting for the services',
    scenario: undefined,
    ticks: 0,
    trades: 0,
    marketTicks: 0,
    withdrawals: 0,
  };
  const setup: SetupContext | undefined =
    chain === undefined
      ? undefined
      : {
          urls,
          token,
          chain,
          clients: simulator.clientIds(),
          logger,
          stopped,
          now: () => new Date(),
        };
  const warning = new RateLimitedWarning(logger);
  /** The clients' available balances from the ledger; one unanswered read keeps what the simulator knew (it stays within it). */
  const refreshHoldings = async (context: SetupContext) => {
    for (const clientId of context.clients) {
      const available = await clientAvailable(context, clientId).catch((error: unknown) => {
        warning.warn(
          { clientId, error: (error as Error).message },
          'simulator: a balance could not be read; trading on what it knew',
        );
        return new Map<string, bigint>();
      });
      for (const [asset, amount] of available) simulator.setHolding(clientId, asset, amount);
    }
  };
  let scenarioRun: Promise<void> = Promise.resolve();

  const loop = (async () => {
    if (!(await waitReady(urls.ledger, stopped))) return;
    if (setup === undefined) {
      const operator = await token('exchange-simulator', ['operator']);
      for (const clientId of simulator.clientIds())
        expectStatus(
          await api(urls.ledger, operator, 'POST', '/v1/clients', { clientId }),
          [200],
          `onboarding ${clientId}`,
        );
      logger.warn(
        {},
        'simulator: no chain (CUSTODY_CHAIN=off): clients trade without deposits, their balances go negative',
      );
    } else {
      run.phase = 'setting up wallets and custodians';
      if (!(await options.walletSetup)) {
        if (!stopped.aborted)
          run.phase = 'stopped: the wallets and custodians were not set up (see the log above)';
        return;
      }
      await setUpClients(
        setup,
        (onboarded) => (run.phase = `onboarding clients (${onboarded}/${settings.clients})`),
      );
      await waitForDeposits(
        setup,
        (credited) =>
          (run.phase = `waiting for deposits to confirm (${credited}/${settings.clients} clients credited)`),
      );
      await refreshHoldings(setup);
    }
    if (stopped.aborted) return;
    if (settings.scenario !== 'normal') {
      run.scenario = `scenario ${settings.scenario}: starting`;
      scenarioRun = runScenario(settings.scenario, {
        urls,
        token,
        chain,
        clientAddresses: chain?.clientAddresses ?? [],
        clients: simulator.clientIds(),
        superuserDatabaseUrl: options.superuserDatabaseUrl,
        environment: options.environment,
        dataDir: options.dataDir,
        logger,
        stopped,
        now: () => new Date(),
        report: (line) => (run.scenario = line),
      }).catch((error: unknown) => {
        if (!(error instanceof SetupCancelled))
          run.scenario = `scenario ${settings.scenario} failed: ${(error as Error).message}`;
      });
    }
    run.phase = 'trading';
    logger.info(
      { seed, clients: settings.clients, funded: setup !== undefined },
      'simulator: trading',
    );
    while (!stopped.aborted) {
      const tickStarted = Date.now();
      const { messages, counts } = simulator.step(new Date(tickStarted), settings.tradesPerTick);
      // resolves once every consumer group of the process applied them (the in-process bus)
      for (const [topic, batch] of messagesByTopic(messages))
        await bus.publisher.publish(
          topic,
          signer === undefined
            ? batch
            : batch.map((message) => signExchangeMessage(signer, topic, message)),
        );
      run.ticks += 1;
      run.trades += counts.trades;
      run.marketTicks += counts.marketTicks;
      run.withdrawals += counts.withdrawals;
      if (setup !== undefined && run.ticks % RUNNER_SIMULATOR_REFRESH_TICKS === 0)
        await refreshHoldings(setup);
      const wait = settings.tickMs - (Date.now() - tickStarted);
      if (wait > 0) await pause(wait, stopped);
    }
  })().catch((error: unknown) => {
    if (error instanceof SetupCancelled) return;
    run.phase = `stopped: ${(error as Error).message}`;
    logger.error({ error: (error as Error).message }, 'simulator stopped');
  });
  return { progress: run, done: loop.then(() => scenarioRun) };
}
