/**
 * The all-in-one runner (issue 9): the five services' own Nest modules in one Node process, on
 * one PostgreSQL (the embedded server under the data directory, or DATABASE_URL) and one bus
 * (the in-process bus, or Kafka with KAFKA_BROKERS), with the exchange simulator feeding it.
 * The same host, domain, application and read-model code as the distributed deployment: each
 * service keeps its own schema, event store, outbox relay and inbox consumer group.
 */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signTestToken } from '@custody/auth/testing';
import { AUDIT_SERVICE } from '@custody/audit-service';
import { DEFAULT_SIMULATOR_OPTIONS, ExchangeSimulator, messagesByTopic } from '@custody/exchange-simulator';
import { LEDGER_SERVICE } from '@custody/ledger-service';
import { InProcessMessageBus, type MessageBus } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { POLICY_SERVICE } from '@custody/policy-service';
import { RECONCILIATION_SERVICE } from '@custody/reconciliation-service';
import { createServiceApp, DatabaseReadiness, RateLimitedWarning, ensureDatabase, EVENT_RELAY, type EventRelayHost, formatConfigProblems, type ConfigProblem, type ServiceApp, type ServiceDefinition } from '@custody/service-host';
import { WALLET_SERVICE } from '@custody/wallet-service';
import { startDashboard } from './dashboard';
import { startDevChain, type DevChain } from './dev-chain';
import { api, clientAvailable, expectStatus, SetupCancelled, setUpClients, setUpWallets, waitForDeposits, type SetupContext } from './dev-setup';
import { runScenario } from './scenarios';
import { devUsers, type DevUser } from './dev-users';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { RUNNER_POOL_MAX_DEFAULT, SIMULATOR_CLIENTS_DEFAULT, type RunnerConfig, type RunnerService } from './runner-config';

export const RUNNER_DEFINITIONS: Readonly<Record<RunnerService, ServiceDefinition>> = {
  ledger: LEDGER_SERVICE,
  wallet: WALLET_SERVICE,
  policy: POLICY_SERVICE,
  reconciliation: RECONCILIATION_SERVICE,
  audit: AUDIT_SERVICE,
};

/** The development identity's issuer and audience (as `npm run start:<service>`). */
export const DEV_AUTH_ISSUER = 'custody-dev';
export const DEV_AUTH_AUDIENCE = 'custody';
/** The database of the five schemas on the embedded server. */
export const EMBEDDED_DATABASE = 'custody';
/** In the runner the audit record is verified and checkpointed every minute (the service's default is hourly). */
export const RUNNER_AUDIT_CHECKPOINT_INTERVAL_MS = 60_000;
/** How long the simulator's operator token lives; it is renewed well before. */
const SIMULATOR_TOKEN_LIFETIME_SECONDS = 3_600;
/** Longest the runner waits for the ledger to be ready before the simulator onboards its clients. */
export const SIMULATOR_READY_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 200;
/** The runner's policy service checks both regimes' rules (the dashboard shows TW-3 beside HK-11g). */
export const RUNNER_POLICY_JURISDICTIONS = 'HK,TW';
/** HK-11j: the development instance's insurance cover (USD) and how long it runs from each start. */
export const RUNNER_INSURANCE_LIMIT_USD = '5000000.00';
const RUNNER_INSURANCE_DAYS = 365;
/** The wallet's token towards the policy service lives this long and is renewed at half of it. */
const WALLET_POLICY_TOKEN_LIFETIME_SECONDS = 86_400;
/** On the local chain the wallet watches and steps withdrawals every half second. */
const RUNNER_WALLET_PROCESSOR_INTERVAL_MS = 500;
/** A movement of more than 20 ETH raises a large-transfer alert (TW-15.3) on the local chain (the simulator's large withdrawals ask 50). */
const RUNNER_WALLET_ALERT_THRESHOLDS = 'ETH=20000000000000000000';
/** With the chain, one withdrawal request per this many trades: each waits for two custodians in the approval queue. */
export const RUNNER_SIMULATOR_WITHDRAWAL_EVERY = 150;
/** With the chain, the simulator re-reads its clients' available balances from the ledger every this many ticks (a withdrawal approved meanwhile). */
export const RUNNER_SIMULATOR_REFRESH_TICKS = 20;

export class RunnerConfigError extends Error {}
/** A signal arrived while the runner was starting: what had started is stopped again. */
export class StartCancelled extends Error {}

type Environment = Readonly<Record<string, string | undefined>>;

/** A file of the data directory, made once with `make()` and readable by this user only. */
function keptSecret(path: string, make: () => string): string {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

/**
 * Settings the runner provides where the environment has none: a development signing secret
 * (tokens for the dashboard's users and the simulator), an Ed25519 audit key and a checkpoint
 * directory, all kept in the data directory (0600), never in git or the database.
 */
function providedEnvironment(config: RunnerConfig, environment: Environment): { env: Record<string, string>; devSecret: string | undefined } {
  const env: Record<string, string> = {};
  let devSecret: string | undefined;
  if (!environment['AUTH_JWT_SECRET'] && !environment['AUTH_JWKS_URL']) {
    devSecret = keptSecret(join(config.dataDir, 'auth-secret'), () => randomBytes(32).toString('hex'));
    Object.assign(env, { AUTH_JWT_SECRET: devSecret, AUTH_ISSUER: environment['AUTH_ISSUER'] || DEV_AUTH_ISSUER, AUTH_AUDIENCE: environment['AUTH_AUDIENCE'] || DEV_AUTH_AUDIENCE });
  } else if (environment['AUTH_JWT_SECRET']) devSecret = environment['AUTH_JWT_SECRET'];
  if (!environment['AUDIT_SIGNING_KEY_FILE'] && !environment['AUDIT_HSM_TOKEN_LABEL']) {
    const keyFile = join(config.dataDir, 'audit-signing.pem');
    keptSecret(keyFile, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    env['AUDIT_SIGNING_KEY_FILE'] = keyFile;
    env['AUDIT_CHECKPOINT_DIR'] = environment['AUDIT_CHECKPOINT_DIR'] || join(config.dataDir, 'checkpoints');
  }
  if (!environment['AUDIT_CHECKPOINT_INTERVAL_MS']) env['AUDIT_CHECKPOINT_INTERVAL_MS'] = String(RUNNER_AUDIT_CHECKPOINT_INTERVAL_MS);
  if (!environment['DATABASE_POOL_MAX']) env['DATABASE_POOL_MAX'] = String(RUNNER_POOL_MAX_DEFAULT);
  if (!environment['POLICY_JURISDICTIONS']) env['POLICY_JURISDICTIONS'] = RUNNER_POLICY_JURISDICTIONS;
  if (!environment['POLICY_INSURANCE']) {
    // a development cover in force for a year from this start, so HK-11j can pass (configuration, not an event)
    const expiresAt = new Date(Date.now() + RUNNER_INSURANCE_DAYS * 86_400_000).toISOString();
    env['POLICY_INSURANCE'] = JSON.stringify([{ policyId: 'DEV-INSURANCE-1', insurer: 'development insurer (npm start)', limit: RUNNER_INSURANCE_LIMIT_USD, expiresAt }]);
  }
  return { env, devSecret };
}

/**
 * With the local chain: the wallet, reconciliation and policy services on it, the wallet's keys in
 * the development key vault (unless an HSM is configured), the wallet asking the policy service
 * about each withdrawal with a token of its own, in a file.
 */
function chainEnvironment(config: RunnerConfig, environment: Environment, chain: DevChain, walletPolicyTokenFile: string | undefined): Record<string, string> {
  const env: Record<string, string> = { ...chain.environment };
  if (!environment['WALLET_HSM_TOKEN_LABEL']) env['WALLET_DEV_KEY_DIR'] = join(config.dataDir, 'keys');
  if (!environment['WALLET_POLICY_URL'] && walletPolicyTokenFile !== undefined) {
    env['WALLET_POLICY_URL'] = `http://127.0.0.1:${config.servicePorts.policy}`;
    env['WALLET_POLICY_TOKEN_FILE'] = walletPolicyTokenFile;
  }
  if (!environment['WALLET_PROCESSOR_INTERVAL_MS']) env['WALLET_PROCESSOR_INTERVAL_MS'] = String(RUNNER_WALLET_PROCESSOR_INTERVAL_MS);
  if (!environment['WALLET_ALERT_THRESHOLDS']) env['WALLET_ALERT_THRESHOLDS'] = RUNNER_WALLET_ALERT_THRESHOLDS;
  return env;
}

export interface SimulatorProgress {
  readonly seed: number;
  readonly clients: number;
  /** What it is doing: setting up the chain side, waiting for deposits, trading. */
  phase: string;
  /** The scenario's latest line (CUSTODY_SIMULATOR_SCENARIO), once it has one. */
  scenario: string | undefined;
  ticks: number;
  trades: number;
  priceTicks: number;
  withdrawals: number;
}

export interface CustodyRunner {
  readonly servicePorts: Readonly<Record<RunnerService, number>>;
  /** Where the data is, without a password. */
  readonly database: string;
  readonly bus: 'in-process' | 'kafka';
  /** The local chain's RPC URL; undefined without it (CUSTODY_CHAIN=off or a chain of one's own). */
  readonly chain: string | undefined;
  /** The simulator's totals so far; undefined when it is off. */
  readonly simulator: SimulatorProgress | undefined;
  /** Signs a development token (the dashboard's logins); undefined with an external identity provider. */
  readonly devToken: ((subject: string, roles: readonly string[]) => Promise<string>) | undefined;
  /** The dashboard's URL and its development logins; undefined with an external identity provider (no login page for it yet). */
  readonly dashboard: { readonly url: string; readonly users: readonly DevUser[] } | undefined;
  /** The last resort when stop() hangs: the embedded server is told to quit at once (its WAL makes that safe). */
  abandon(): void;
  /**
   * Ctrl-C: the simulator stops after its tick, every service reports not-ready, the services
   * stop consuming and close (audit last, after a verified checkpoint), then the database.
   */
  stop(): Promise<void>;
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
    const status = await fetch(`${baseUrl}/health/ready`).then((response) => response.status).catch(() => 0);
    if (status === 200) return true;
    await pause(READY_POLL_MS, stopped);
  }
  return false;
}

/**
 * Starts everything; on any failure, or when `cancelled` fires first (Ctrl-C during start-up),
 * what was started is stopped again before the error (StartCancelled) is thrown.
 */
export async function startCustody(config: RunnerConfig, environment: Environment, logger: Logger, cancelled?: AbortSignal): Promise<CustodyRunner> {
  const checkCancelled = () => {
    if (cancelled?.aborted) throw new StartCancelled('stopped while starting');
  };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const { env: provided, devSecret } = providedEnvironment(config, environment);
  let embedded: EmbeddedPostgres | undefined;
  let chain: DevChain | undefined;
  let tokenRenewal: NodeJS.Timeout | undefined;
  const apps: Array<{ name: RunnerService; service: ServiceApp; definition: ServiceDefinition }> = [];
  const stopping = new AbortController();
  let simulatorLoop: Promise<void> = Promise.resolve();
  /** With the chain: the hot and cold wallets and their custodians, set up once the wallet reaches the chain; true when done. */
  let walletSetup: Promise<boolean> = Promise.resolve(false);
  let scenarioRun: Promise<void> = Promise.resolve();
  let dashboard: { close(): Promise<void> } | undefined;

  const stop = async () => {
    stopping.abort();
    if (tokenRenewal !== undefined) clearInterval(tokenRenewal);
    try {
      await dashboard?.close();
      await Promise.all([simulatorLoop, walletSetup]);
      await scenarioRun;
      for (const { service } of apps) service.app.get(DatabaseReadiness).beginDraining();
      // every relay first, while every consumer group still runs: a relay publishing to a group
      // already stopped would move its checkpoint past messages the in-process bus then forgets
      // (what is left in an outbox is published on the next start)
      await Promise.allSettled(apps.map(({ service }) => (service.app.get(EVENT_RELAY) as EventRelayHost | null)?.stop()));
      const closed = await Promise.allSettled(apps.filter(({ name }) => name !== 'audit').map(({ service }) => service.app.close()));
      for (const result of closed) if (result.status === 'rejected') logger.error({ error: (result.reason as Error).message }, 'a service did not close cleanly');
      for (const { service, definition } of apps.filter(({ name }) => name === 'audit')) {
        await definition.beforeClose?.(service.app).catch((error: unknown) => logger.warn({ error: (error as Error).message }, 'audit: the last checkpoint failed'));
        await service.app.close().catch((error: unknown) => logger.error({ error: (error as Error).message }, 'the audit service did not close cleanly'));
      }
    } finally {
      await chain?.stop().catch((error: unknown) => logger.error({ error: (error as Error).message }, 'the chain did not stop cleanly'));
      await embedded?.stop();
    }
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, logger });
      databaseUrl = embedded.databaseUrl(EMBEDDED_DATABASE);
    }
    checkCancelled();
    await ensureDatabase(databaseUrl);
    const bus: MessageBus | undefined = config.kafka ? undefined : new InProcessMessageBus();
    const devToken =
      devSecret === undefined
        ? undefined
        : (subject: string, roles: readonly string[], lifetimeSeconds = SIMULATOR_TOKEN_LIFETIME_SECONDS) =>
            signTestToken({ secret: devSecret, issuer: environment['AUTH_ISSUER'] || DEV_AUTH_ISSUER, audience: environment['AUTH_AUDIENCE'] || DEV_AUTH_AUDIENCE, subject, roles: [...roles], expiresInSeconds: lifetimeSeconds });

    let chainProvided: Record<string, string> = {};
    if (config.chainPort !== undefined) {
      chain = await startDevChain({ dataDir: config.dataDir, port: config.chainPort, clients: config.simulator?.clients ?? SIMULATOR_CLIENTS_DEFAULT, logger });
      let walletPolicyTokenFile: string | undefined;
      if (devToken !== undefined) {
        const tokenFile = join(config.dataDir, 'wallet-policy-token');
        walletPolicyTokenFile = tokenFile;
        const renew = async () => writeFileSync(tokenFile, `${await devToken('wallet-service', ['custody-service'], WALLET_POLICY_TOKEN_LIFETIME_SECONDS)}\n`, { mode: 0o600 });
        await renew();
        tokenRenewal = setInterval(() => void renew().catch((error: unknown) => logger.error({ error: (error as Error).message }, 'the wallet\'s policy token was not renewed')), (WALLET_POLICY_TOKEN_LIFETIME_SECONDS * 1_000) / 2);
        tokenRenewal.unref();
      }
      chainProvided = chainEnvironment(config, environment, chain, walletPolicyTokenFile);
    }
    checkCancelled();

    const problems: string[] = [];
    for (const [name, definition] of Object.entries(RUNNER_DEFINITIONS) as Array<[RunnerService, ServiceDefinition]>) {
      const serviceEnvironment = { ...environment, ...provided, ...chainProvided, DATABASE_URL: databaseUrl, PORT: String(config.servicePorts[name]) };
      const created = await createServiceApp({ ...definition, environment: serviceEnvironment, ...(bus === undefined ? {} : { embeddedBus: bus }) });
      if (created.ok) apps.push({ name, service: created.service, definition });
      else problems.push(formatConfigProblems(name, created.problems as ConfigProblem[]));
    }
    if (problems.length > 0) throw new RunnerConfigError(problems.join('\n'));
    checkCancelled();
    for (const { service } of apps) {
      await service.app.listen(service.config.port, '127.0.0.1');
      service.logger.info({ port: service.config.port, schema: service.config.databaseSchema }, `${service.config.serviceName} listening`);
    }

    checkCancelled();
    let dashboardInfo: CustodyRunner['dashboard'];
    if (devToken !== undefined) {
      const users = devUsers(join(config.dataDir, 'dev-users.json'));
      dashboard = await startDashboard({ port: config.port, servicePorts: config.servicePorts, users, signToken: devToken, logger });
      dashboardInfo = { url: `http://localhost:${config.port}`, users };
    } else logger.warn({}, 'dashboard: not served with an external identity provider (AUTH_JWKS_URL); it logs in development users only');

    const urls = { ledger: `http://127.0.0.1:${config.servicePorts.ledger}`, wallet: `http://127.0.0.1:${config.servicePorts.wallet}` };
    if (chain !== undefined && devToken !== undefined) {
      walletSetup = setUpWallets({ urls, token: devToken, logger, stopped: stopping.signal, now: () => new Date() }).then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof SetupCancelled)) logger.error({ error: (error as Error).message }, 'setup: the wallets and custodians were not set up');
          return false;
        },
      );
    }

    let progress: SimulatorProgress | undefined;
    if (config.simulator !== undefined && bus !== undefined) {
      if (devToken === undefined) throw new RunnerConfigError('the simulator onboards its clients with a development token: unset AUTH_JWKS_URL or set CUSTODY_SIMULATOR=off');
      const settings = config.simulator;
      // a new seed each start: trade ids are named by it, so a restart sends new trades rather than replays
      const seed = randomBytes(4).readUInt32BE(0);
      const funded = chain !== undefined;
      // with the chain: ETH against USDT only (what its wallets hold), each client within what it holds, withdrawals to its own proven address
      const simulator = new ExchangeSimulator({
        ...DEFAULT_SIMULATOR_OPTIONS,
        seed,
        clients: settings.clients,
        ...(chain === undefined ? {} : { bases: ['ETH'], clientAddresses: chain.clientAddresses, fundedOnly: true, withdrawalEvery: RUNNER_SIMULATOR_WITHDRAWAL_EVERY }),
      });
      const run: SimulatorProgress = { seed, clients: settings.clients, phase: 'waiting for the services', scenario: undefined, ticks: 0, trades: 0, priceTicks: 0, withdrawals: 0 };
      progress = run;
      const ledgerUrl = urls.ledger;
      const setup: SetupContext | undefined = chain === undefined ? undefined : { urls, token: devToken, chain, clients: simulator.clientIds(), logger, stopped: stopping.signal, now: () => new Date() };
      /** The clients' available balances from the ledger; one unanswered read keeps what the simulator knew (it stays within it). */
      const warning = new RateLimitedWarning(logger);
      const refreshHoldings = async (context: SetupContext) => {
        for (const clientId of context.clients) {
          const available = await clientAvailable(context, clientId).catch((error: unknown) => {
            warning.warn({ clientId, error: (error as Error).message }, 'simulator: a balance could not be read; trading on what it knew');
            return new Map<string, bigint>();
          });
          for (const [asset, amount] of available) simulator.setHolding(clientId, asset, amount);
        }
      };
      simulatorLoop = (async () => {
        if (!(await waitReady(ledgerUrl, stopping.signal))) return;
        if (setup === undefined) {
          const token = await devToken('exchange-simulator', ['operator']);
          for (const clientId of simulator.clientIds()) expectStatus(await api(ledgerUrl, token, 'POST', '/v1/clients', { clientId }), [200], `onboarding ${clientId}`);
          logger.warn({}, 'simulator: no chain (CUSTODY_CHAIN=off): clients trade without deposits, their balances go negative');
        } else {
          run.phase = 'setting up wallets and custodians';
          if (!(await walletSetup)) {
            if (!stopping.signal.aborted) run.phase = 'stopped: the wallets and custodians were not set up (see the log above)';
            return;
          }
          await setUpClients(setup, (onboarded) => (run.phase = `onboarding clients (${onboarded}/${settings.clients})`));
          await waitForDeposits(setup, (credited) => (run.phase = `waiting for deposits to confirm (${credited}/${settings.clients} clients credited)`));
          await refreshHoldings(setup);
        }
        if (stopping.signal.aborted) return;
        if (settings.scenario !== 'normal') {
          run.scenario = `scenario ${settings.scenario}: starting`;
          scenarioRun = runScenario(settings.scenario, {
            urls: { ...urls, policy: `http://127.0.0.1:${config.servicePorts.policy}`, reconciliation: `http://127.0.0.1:${config.servicePorts.reconciliation}`, audit: `http://127.0.0.1:${config.servicePorts.audit}` },
            token: devToken,
            chain,
            clientAddresses: chain?.clientAddresses ?? [],
            superuserDatabaseUrl: embedded?.databaseUrl(EMBEDDED_DATABASE),
            environment: { ...environment, ...provided, ...chainProvided },
            dataDir: config.dataDir,
            logger,
            stopped: stopping.signal,
            now: () => new Date(),
            report: (line) => (run.scenario = line),
          }).catch((error: unknown) => {
            if (!(error instanceof SetupCancelled)) run.scenario = `scenario ${settings.scenario} failed: ${(error as Error).message}`;
          });
        }
        run.phase = 'trading';
        logger.info({ seed, clients: settings.clients, funded }, 'simulator: trading');
        while (!stopping.signal.aborted) {
          const tickStarted = Date.now();
          const { messages, counts } = simulator.step(new Date(tickStarted), settings.tradesPerTick);
          // resolves once every consumer group of the process applied them (the in-process bus)
          for (const [topic, batch] of messagesByTopic(messages)) await bus.publisher.publish(topic, batch);
          run.ticks += 1;
          run.trades += counts.trades;
          run.priceTicks += counts.priceTicks;
          run.withdrawals += counts.withdrawals;
          if (setup !== undefined && run.ticks % RUNNER_SIMULATOR_REFRESH_TICKS === 0) await refreshHoldings(setup);
          const wait = settings.tickMs - (Date.now() - tickStarted);
          if (wait > 0) await pause(wait, stopping.signal);
        }
      })().catch((error: unknown) => {
        if (error instanceof SetupCancelled) return;
        run.phase = `stopped: ${(error as Error).message}`;
        logger.error({ error: (error as Error).message }, 'simulator stopped');
      });
    }

    return {
      servicePorts: config.servicePorts,
      database: embedded?.describe ?? new URL(databaseUrl).host,
      bus: bus === undefined ? 'kafka' : 'in-process',
      chain: chain?.node.rpcUrl,
      simulator: progress,
      devToken,
      dashboard: dashboardInfo,
      abandon: () => {
        embedded?.kill();
        void chain?.stop();
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
