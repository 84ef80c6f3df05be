/**
 * The all-in-one runner (issue 9): the five services' own Nest modules in one Node process, on
 * one PostgreSQL (the embedded server under the data directory, or DATABASE_URL) and one bus
 * (the in-process bus, or Kafka with KAFKA_BROKERS), with the exchange simulator feeding it.
 * The same host, domain, application and read-model code as the distributed deployment: each
 * service keeps its own schema, event store, outbox relay and inbox consumer group.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signTestToken } from '@custody/auth/testing';
import { AUDIT_SERVICE } from '@custody/audit-service';
import { LEDGER_SERVICE } from '@custody/ledger-service';
import { InProcessMessageBus, type MessageBus } from '@custody/messaging';
import type { Logger } from '@custody/observability';
import { POLICY_SERVICE } from '@custody/policy-service';
import { RECONCILIATION_SERVICE } from '@custody/reconciliation-service';
import {
  createServiceApp,
  DatabaseReadiness,
  ensureDatabase,
  EVENT_RELAY,
  type EventRelayHost,
  formatConfigProblems,
  type ConfigProblem,
  type ServiceApp,
  type ServiceDefinition,
} from '@custody/service-host';
import { WALLET_SERVICE } from '@custody/wallet-service';
import { startDashboard } from './dashboard';
import { startDevChain, type DevChain } from './dev-chain';
import { SetupCancelled, setUpWallets } from './dev-setup';
import { devUsers, type DevUser } from './dev-users';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import {
  RUNNER_POOL_MAX_DEFAULT,
  RUNNER_SERVICES,
  SIMULATOR_CLIENTS_DEFAULT,
  type RunnerConfig,
  type RunnerService,
} from './runner-config';
import { ensureServiceRoles, migrateServiceAsOwner } from './service-roles';
import { startSimulatorLoop, type SimulatorProgress } from './simulator-loop';

export type { SimulatorProgress } from './simulator-loop';

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
/** The runner's policy service checks both regimes' rules (the dashboard shows TW-3 beside HK-11g). */
export const RUNNER_POLICY_JURISDICTIONS = 'HK,TW';
/** HK-11j: the development instance's insurance cover (USD) and how long it runs from each start. */
export const RUNNER_INSURANCE_LIMIT_USD = '5000000.00';
const RUNNER_INSURANCE_DAYS = 365;
/** A service's token towards the policy service (the wallet's, the ledger's) lives this long and is renewed at half of it. */
const POLICY_TOKEN_LIFETIME_SECONDS = 86_400;
/** On the local chain the wallet watches and steps withdrawals every half second. */
const RUNNER_WALLET_PROCESSOR_INTERVAL_MS = 500;
/** A movement of more than 20 ETH raises a large-transfer alert (TW-15.3) on the local chain (the simulator's large withdrawals ask 50). */
const RUNNER_WALLET_ALERT_THRESHOLDS = 'ETH=20000000000000000000';

export class RunnerConfigError extends Error {}
/** A signal arrived while the runner was starting: what had started is stopped again. */
export class StartCancelled extends Error {}

type Environment = Readonly<Record<string, string | undefined>>;

/** A file of the data directory, made once with `make()` and readable by this user only. */
function keptSecret(path: string, make: () => string): string {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

/** The key id of the development exchange key (the simulator's, in the data directory). */
export const DEV_EXCHANGE_KEY_ID = 'npm-start-exchange';

/**
 * The simulated exchange's Ed25519 key, made once in the data directory (0600), and the public
 * keys file the services trust (EXCHANGE_PUBLIC_KEYS_FILE), written from it at each start: the
 * simulator signs what it publishes as a real exchange must, and the services check it.
 */
function devExchangeKeys(
  dataDir: string,
): Record<
  'EXCHANGE_PUBLIC_KEYS_FILE' | 'EXCHANGE_SIGNING_KEY_FILE' | 'EXCHANGE_SIGNING_KEY_ID',
  string
> {
  const privateKeyFile = join(dataDir, 'exchange-signing.pem');
  const pem = keptSecret(privateKeyFile, () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const publicKeyPem = createPublicKey(createPrivateKey(pem))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const publicKeysFile = join(dataDir, 'exchange-public-keys.json');
  writeFileSync(
    publicKeysFile,
    `${JSON.stringify({ keys: [{ keyId: DEV_EXCHANGE_KEY_ID, publicKeyPem }] }, null, 2)}\n`,
  );
  return {
    EXCHANGE_PUBLIC_KEYS_FILE: publicKeysFile,
    EXCHANGE_SIGNING_KEY_FILE: privateKeyFile,
    EXCHANGE_SIGNING_KEY_ID: DEV_EXCHANGE_KEY_ID,
  };
}

/**
 * Settings the runner provides where the environment has none: a development signing secret
 * (tokens for the dashboard's users and the simulator), an Ed25519 audit key and a checkpoint
 * directory, the simulated exchange's signing key, all kept in the data directory (0600), never
 * in git or the database.
 */
function providedEnvironment(
  config: RunnerConfig,
  environment: Environment,
): { env: Record<string, string>; devSecret: string | undefined } {
  const env: Record<string, string> = {};
  let devSecret: string | undefined;
  if (!environment['AUTH_JWT_SECRET'] && !environment['AUTH_JWKS_URL']) {
    devSecret = keptSecret(join(config.dataDir, 'auth-secret'), () =>
      randomBytes(32).toString('hex'),
    );
    Object.assign(env, {
      AUTH_JWT_SECRET: devSecret,
      AUTH_ISSUER: environment['AUTH_ISSUER'] || DEV_AUTH_ISSUER,
      AUTH_AUDIENCE: environment['AUTH_AUDIENCE'] || DEV_AUTH_AUDIENCE,
    });
  } else if (environment['AUTH_JWT_SECRET']) devSecret = environment['AUTH_JWT_SECRET'];
  if (!environment['AUDIT_SIGNING_KEY_FILE'] && !environment['AUDIT_HSM_TOKEN_LABEL']) {
    const keyFile = join(config.dataDir, 'audit-signing.pem');
    keptSecret(keyFile, () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    env['AUDIT_SIGNING_KEY_FILE'] = keyFile;
    env['AUDIT_CHECKPOINT_DIR'] =
      environment['AUDIT_CHECKPOINT_DIR'] || join(config.dataDir, 'checkpoints');
  }
  if (!environment['EXCHANGE_PUBLIC_KEYS_FILE'] && environment['EXCHANGE_SIGNATURES'] !== 'off')
    Object.assign(env, devExchangeKeys(config.dataDir));
  if (!environment['AUDIT_CHECKPOINT_INTERVAL_MS'])
    env['AUDIT_CHECKPOINT_INTERVAL_MS'] = String(RUNNER_AUDIT_CHECKPOINT_INTERVAL_MS);
  if (!environment['DATABASE_POOL_MAX']) env['DATABASE_POOL_MAX'] = String(RUNNER_POOL_MAX_DEFAULT);
  if (!environment['POLICY_JURISDICTIONS'])
    env['POLICY_JURISDICTIONS'] = RUNNER_POLICY_JURISDICTIONS;
  if (!environment['POLICY_INSURANCE']) {
    // a development cover in force for a year from this start, so HK-11j can pass (configuration, not an event)
    const expiresAt = new Date(Date.now() + RUNNER_INSURANCE_DAYS * 86_400_000).toISOString();
    env['POLICY_INSURANCE'] = JSON.stringify([
      {
        policyId: 'DEV-INSURANCE-1',
        insurer: 'development insurer (npm start)',
        limit: RUNNER_INSURANCE_LIMIT_USD,
        expiresAt,
      },
    ]);
  }
  return { env, devSecret };
}

/**
 * With the local chain: the wallet, reconciliation and policy services on it, the wallet's keys in
 * the development key vault (unless an HSM is configured), the wallet asking the policy service
 * about each withdrawal with a token of its own, in a file.
 */
function chainEnvironment(
  config: RunnerConfig,
  environment: Environment,
  chain: DevChain,
  walletPolicyTokenFile: string | undefined,
): Record<string, string> {
  const env: Record<string, string> = { ...chain.environment };
  if (!environment['WALLET_HSM_TOKEN_LABEL'])
    env['WALLET_DEV_KEY_DIR'] = join(config.dataDir, 'keys');
  if (!environment['WALLET_POLICY_URL'] && walletPolicyTokenFile !== undefined) {
    env['WALLET_POLICY_URL'] = `http://127.0.0.1:${config.servicePorts.policy}`;
    env['WALLET_POLICY_TOKEN_FILE'] = walletPolicyTokenFile;
  }
  if (!environment['WALLET_PROCESSOR_INTERVAL_MS'])
    env['WALLET_PROCESSOR_INTERVAL_MS'] = String(RUNNER_WALLET_PROCESSOR_INTERVAL_MS);
  if (!environment['WALLET_ALERT_THRESHOLDS'])
    env['WALLET_ALERT_THRESHOLDS'] = RUNNER_WALLET_ALERT_THRESHOLDS;
  // HK-11h: development addresses are usable as soon as they are listed (the set-up's and the dashboard's withdrawals follow at once); production keeps the 24 h default
  if (!environment['WALLET_ADDRESS_COOLING_OFF_MS']) env['WALLET_ADDRESS_COOLING_OFF_MS'] = '0';
  return env;
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
  /** The last resort when stop() hangs: the embedded server is told to quit at once (its WAL makes that safe), the chain to stop (it writes its state). */
  abandon(): void;
  /**
   * Ctrl-C: the simulator stops after its tick, every service reports not-ready, the services
   * stop consuming and close (audit last, after a verified checkpoint), then the database.
   */
  stop(): Promise<void>;
}

/**
 * Starts everything; on any failure, or when `cancelled` fires first (Ctrl-C during start-up),
 * what was started is stopped again before the error (StartCancelled) is thrown.
 */
export async function startCustody(
  config: RunnerConfig,
  environment: Environment,
  logger: Logger,
  cancelled?: AbortSignal,
): Promise<CustodyRunner> {
  const checkCancelled = () => {
    if (cancelled?.aborted) throw new StartCancelled('stopped while starting');
  };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const { env: provided, devSecret } = providedEnvironment(config, environment);
  let embedded: EmbeddedPostgres | undefined;
  let chain: DevChain | undefined;
  const tokenRenewals: NodeJS.Timeout[] = [];
  const apps: Array<{ name: RunnerService; service: ServiceApp; definition: ServiceDefinition }> =
    [];
  const stopping = new AbortController();
  let simulatorLoop: Promise<void> = Promise.resolve();
  /** With the chain: the hot and cold wallets and their custodians, set up once the wallet reaches the chain; true when done. */
  let walletSetup: Promise<boolean> = Promise.resolve(false);
  let dashboard: { close(): Promise<void> } | undefined;

  /**
   * The servers (the embedded PostgreSQL, anvil) run in sessions of their own, out of reach of the
   * terminal's signals: a runner that ends without stop() (an uncaught error, process.exit) tells
   * them to stop on its way out (a runner killed outright leaves them to the next start's
   * left-over handling, by their pid files).
   */
  const stopServersOnExit = () => {
    embedded?.kill();
    chain?.kill();
  };
  process.on('exit', stopServersOnExit);

  const stop = async () => {
    stopping.abort();
    for (const renewal of tokenRenewals) clearInterval(renewal);
    try {
      await dashboard?.close();
      await Promise.all([simulatorLoop, walletSetup]);
      for (const { service } of apps) service.app.get(DatabaseReadiness).beginDraining();
      // every relay first, while every consumer group still runs: a relay publishing to a group
      // already stopped would move its checkpoint past messages the in-process bus then forgets
      // (what is left in an outbox is published on the next start)
      await Promise.allSettled(
        apps.map(({ service }) => (service.app.get(EVENT_RELAY) as EventRelayHost | null)?.stop()),
      );
      const closed = await Promise.allSettled(
        apps.filter(({ name }) => name !== 'audit').map(({ service }) => service.app.close()),
      );
      for (const result of closed)
        if (result.status === 'rejected')
          logger.error(
            { error: (result.reason as Error).message },
            'a service did not close cleanly',
          );
      for (const { service, definition } of apps.filter(({ name }) => name === 'audit')) {
        await definition
          .beforeClose?.(service.app)
          .catch((error: unknown) =>
            logger.warn({ error: (error as Error).message }, 'audit: the last checkpoint failed'),
          );
        await service.app
          .close()
          .catch((error: unknown) =>
            logger.error(
              { error: (error as Error).message },
              'the audit service did not close cleanly',
            ),
          );
      }
    } finally {
      await chain
        ?.stop()
        .catch((error: unknown) =>
          logger.error({ error: (error as Error).message }, 'the chain did not stop cleanly'),
        );
      await embedded?.stop();
      process.off('exit', stopServersOnExit);
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
        : (
            subject: string,
            roles: readonly string[],
            lifetimeSeconds = SIMULATOR_TOKEN_LIFETIME_SECONDS,
          ) =>
            signTestToken({
              secret: devSecret,
              issuer: environment['AUTH_ISSUER'] || DEV_AUTH_ISSUER,
              audience: environment['AUTH_AUDIENCE'] || DEV_AUTH_AUDIENCE,
              subject,
              roles: [...roles],
              expiresInSeconds: lifetimeSeconds,
            });

    /**
     * A service's own token for the policy service (role custody-service), in a file of the data
     * directory, renewed at half its lifetime (the service reads the file on every call).
     */
    const renewedPolicyToken = async (file: string, subject: string): Promise<string> => {
      const tokenFile = join(config.dataDir, file);
      if (devToken === undefined) return tokenFile;
      const renew = async () =>
        writeFileSync(
          tokenFile,
          `${await devToken(subject, ['custody-service'], POLICY_TOKEN_LIFETIME_SECONDS)}\n`,
          { mode: 0o600 },
        );
      await renew();
      const renewal = setInterval(
        () =>
          void renew().catch((error: unknown) =>
            logger.error(
              { error: (error as Error).message, subject },
              'a policy token was not renewed',
            ),
          ),
        (POLICY_TOKEN_LIFETIME_SECONDS * 1_000) / 2,
      );
      renewal.unref();
      tokenRenewals.push(renewal);
      return tokenFile;
    };

    // HK-20: the ledger reads each asset's fork and airdrop disclosure from the policy service
    const ledgerProvided: Record<string, string> = {};
    if (!environment['LEDGER_POLICY_URL'] && devToken !== undefined) {
      ledgerProvided['LEDGER_POLICY_URL'] = `http://127.0.0.1:${config.servicePorts.policy}`;
      ledgerProvided['LEDGER_POLICY_TOKEN_FILE'] = await renewedPolicyToken(
        'ledger-policy-token',
        'ledger-service',
      );
    }

    let chainProvided: Record<string, string> = {};
    if (config.chainPort !== undefined) {
      chain = await startDevChain({
        dataDir: config.dataDir,
        port: config.chainPort,
        clients: config.simulator?.clients ?? SIMULATOR_CLIENTS_DEFAULT,
        logger,
      });
      const walletPolicyTokenFile =
        devToken === undefined
          ? undefined
          : await renewedPolicyToken('wallet-policy-token', 'wallet-service');
      chainProvided = chainEnvironment(config, environment, chain, walletPolicyTokenFile);
    }
    checkCancelled();

    // with the embedded server: its superuser owns and prepares the schemas, each service runs as its own role
    // (service-roles.ts); with DATABASE_URL every service connects as that URL's user, as before
    const serviceDatabaseUrls =
      embedded === undefined ? undefined : await ensureServiceRoles(databaseUrl, RUNNER_SERVICES);
    const serviceEnvironmentOf = (name: RunnerService) => ({
      ...environment,
      ...provided,
      ...chainProvided,
      ...(name === 'ledger' ? ledgerProvided : {}),
      DATABASE_URL: serviceDatabaseUrls?.[name] ?? databaseUrl,
      PORT: String(config.servicePorts[name]),
    });
    if (serviceDatabaseUrls !== undefined) {
      const ownerUrl = databaseUrl;
      await Promise.all(
        RUNNER_SERVICES.map((name) =>
          migrateServiceAsOwner(RUNNER_DEFINITIONS[name], serviceEnvironmentOf(name), ownerUrl),
        ),
      );
    }
    checkCancelled();

    const problems: string[] = [];
    for (const [name, definition] of Object.entries(RUNNER_DEFINITIONS) as Array<
      [RunnerService, ServiceDefinition]
    >) {
      const serviceEnvironment = serviceEnvironmentOf(name);
      const created = await createServiceApp({
        ...definition,
        environment: serviceEnvironment,
        ...(bus === undefined ? {} : { embeddedBus: bus }),
      });
      if (created.ok) apps.push({ name, service: created.service, definition });
      else problems.push(formatConfigProblems(name, created.problems as ConfigProblem[]));
    }
    if (problems.length > 0) throw new RunnerConfigError(problems.join('\n'));
    checkCancelled();
    for (const { service } of apps) {
      await service.serve(service.config.port, '127.0.0.1');
      service.logger.info(
        { port: service.config.port, schema: service.config.databaseSchema },
        `${service.config.serviceName} listening`,
      );
    }

    checkCancelled();
    let dashboardInfo: CustodyRunner['dashboard'];
    if (devToken !== undefined) {
      const users = devUsers(join(config.dataDir, 'dev-users.json'));
      dashboard = await startDashboard({
        port: config.port,
        servicePorts: config.servicePorts,
        users,
        signToken: devToken,
        logger,
      });
      dashboardInfo = { url: `http://localhost:${config.port}`, users };
    } else
      logger.warn(
        {},
        'dashboard: not served with an external identity provider (AUTH_JWKS_URL); it logs in development users only',
      );

    const urls = {
      ledger: `http://127.0.0.1:${config.servicePorts.ledger}`,
      wallet: `http://127.0.0.1:${config.servicePorts.wallet}`,
    };
    if (chain !== undefined && devToken !== undefined) {
      walletSetup = setUpWallets({
        urls,
        token: devToken,
        logger,
        stopped: stopping.signal,
        now: () => new Date(),
      }).then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof SetupCancelled))
            logger.error(
              { error: (error as Error).message },
              'setup: the wallets and custodians were not set up',
            );
          return false;
        },
      );
    }

    let progress: SimulatorProgress | undefined;
    if (config.simulator !== undefined && bus !== undefined) {
      if (devToken === undefined)
        throw new RunnerConfigError(
          'the simulator onboards its clients with a development token: unset AUTH_JWKS_URL or set CUSTODY_SIMULATOR=off',
        );
      const started = startSimulatorLoop({
        settings: config.simulator,
        bus,
        chain,
        urls: {
          ...urls,
          policy: `http://127.0.0.1:${config.servicePorts.policy}`,
          reconciliation: `http://127.0.0.1:${config.servicePorts.reconciliation}`,
          audit: `http://127.0.0.1:${config.servicePorts.audit}`,
        },
        token: devToken,
        walletSetup,
        superuserDatabaseUrl: embedded?.databaseUrl(EMBEDDED_DATABASE),
        environment: { ...environment, ...provided, ...chainProvided },
        dataDir: config.dataDir,
        logger,
        stopped: stopping.signal,
      });
      progress = started.progress;
      simulatorLoop = started.done;
    }

    return {
      servicePorts: config.servicePorts,
      database: embedded?.describe ?? new URL(databaseUrl).host,
      bus: bus === undefined ? 'kafka' : 'in-process',
      chain: chain?.node.rpcUrl,
      simulator: progress,
      devToken,
      dashboard: dashboardInfo,
      abandon: stopServersOnExit,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
