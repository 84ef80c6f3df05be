import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { MessageBus } from '@custody/messaging';
import {
  createLogger,
  createServiceMetrics,
  type Logger,
  type Telemetry,
} from '@custody/observability';

type LogDestination = NonNullable<Parameters<typeof createLogger>[2]>;
import {
  formatConfigProblems,
  parseServiceConfig,
  type ConfigProblem,
  type ServiceConfig,
} from './config';
import { DatabaseReadiness } from './database-readiness';
import { httpObservability } from './http-observability';
import { connectInboxTransport } from './inbox-transport';
import { SECURITY_EVENT_RECORDER, type SecurityEventRecorder } from './security-events';
import { NestJsonLogger } from './nest-logger';
import { ServiceHostModule } from './service-host.module';

/** Exit code for a configuration error (sysexits EX_CONFIG). */
export const EXIT_CODE_CONFIG = 78;
/** Longest a migration run (MIGRATE_ONLY) may take before it gives up and exits 1, and how often it looks. */
export const MIGRATE_TIMEOUT_MS = 300_000;

/** Longest the shutdown may take after the drain (consumers' batch in hand, relay, pool, telemetry) before the process exits 1. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export interface RunServiceOptions {
  readonly serviceName: string;
  readonly defaultPort: number;
  readonly serviceModule: Type<unknown>;
  readonly telemetry?: Telemetry;
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** The service's own settings' problems (WALLET_*, POLICY_*, ...), checked with the host's before anything starts. */
  readonly ownConfigProblems?: (
    environment: Readonly<Record<string, string | undefined>>,
  ) => readonly ConfigProblem[];
}

type Environment = Readonly<Record<string, string | undefined>>;

/** A service's own settings parser as `ownConfigProblems`: its problems, none when it parses. */
export function problemsOf(
  parse: (
    environment: Environment,
  ) => { readonly ok: true } | { readonly ok: false; readonly problems: readonly ConfigProblem[] },
): (environment: Environment) => readonly ConfigProblem[] {
  return (environment) => {
    const parsed = parse(environment);
    return parsed.ok ? [] : parsed.problems;
  };
}

/** What a service is, for runService (its own process) and the all-in-one runner alike. */
export type ServiceDefinition = Pick<
  RunServiceOptions,
  'serviceName' | 'defaultPort' | 'serviceModule' | 'ownConfigProblems'
> & {
  /** The all-in-one runner's last step on Ctrl-C before it closes this service, once the others are closed (audit: a last checkpoint). */
  readonly beforeClose?: (app: NestExpressApplication) => Promise<void>;
};

export interface CreateServiceAppOptions extends Omit<RunServiceOptions, 'telemetry'> {
  /** Where the service's JSON log lines go; stdout when unset (tests capture them here). */
  readonly logDestination?: LogDestination;
  /** The all-in-one runner's bus shared by the services of the process (ServiceHostModuleOptions.embeddedBus). */
  readonly embeddedBus?: MessageBus;
}

/** A service's Nest application, configured and not yet listening. */
export interface ServiceApp {
  readonly app: NestExpressApplication;
  readonly config: ServiceConfig;
  readonly logger: Logger;
  /**
   * Listens for HTTP (which runs the modules' start-up hooks), then starts the service's inbox
   * transport, if it has one: its `@EventPattern` handlers consume from then on.
   */
  serve(port: number, host: string): Promise<void>;
}

export type ServiceAppResult =
  | { readonly ok: true; readonly service: ServiceApp }
  | { readonly ok: false; readonly problems: ConfigProblem[] };

/**
 * Validates a service's configuration and builds its Nest application (the host module around
 * the service's own), not yet listening: every problem of the configuration is returned, nothing
 * is started then. runService and the all-in-one runner (apps/custody) both start services this way.
 */
export async function createServiceApp(
  options: CreateServiceAppOptions,
): Promise<ServiceAppResult> {
  const environment = options.environment ?? process.env;
  const parsed = parseServiceConfig(options.serviceName, options.defaultPort, environment);
  const problems = [
    ...(parsed.ok ? [] : parsed.problems),
    ...(options.ownConfigProblems?.(environment) ?? []),
  ];
  if (!parsed.ok || problems.length > 0) return { ok: false, problems };
  const { config } = parsed;
  const logger = createLogger(config.serviceName, config.logLevel, options.logDestination);
  const metrics = createServiceMetrics(config.serviceName);
  const app = await NestFactory.create<NestExpressApplication>(
    ServiceHostModule.forRoot({
      config,
      logger,
      metrics,
      serviceModule: options.serviceModule,
      environment,
      ...(options.embeddedBus === undefined ? {} : { embeddedBus: options.embeddedBus }),
    }),
    { logger: new NestJsonLogger(logger) },
  );
  app.disable('x-powered-by');
  if (!config.migrateOnly) {
    app.use(
      httpObservability(
        metrics,
        logger,
        app.get<SecurityEventRecorder | null>(SECURITY_EVENT_RECORDER),
      ),
    );
    connectInboxTransport(app, options.serviceModule);
  }
  const serve = async (port: number, host: string) => {
    await app.listen(port, host);
    await app.startAllMicroservices();
  };
  return { ok: true, service: { app, config, logger, serve } };
}

/** Validates configuration, then starts the Nest HTTP service. Exits 78 with every problem listed when configuration is bad. */
export async function runService(options: RunServiceOptions): Promise<void> {
  const created = await createServiceApp(options);
  if (!created.ok) {
    process.stderr.write(`${formatConfigProblems(options.serviceName, created.problems)}\n`);
    process.exit(EXIT_CODE_CONFIG);
  }
  const { app, config, logger, serve } = created.service;
  if (config.migrateOnly) {
    await migrateAndExit(app, logger, options.telemetry);
    return;
  }
  // NODE_ENV=production as a superuser or the schema's owner: said once, then the process ends (a restart loop shows it)
  void app.get(DatabaseReadiness).refused.then(async (reason) => {
    process.stderr.write(`${config.serviceName}: refusing to serve: ${reason}\n`);
    await app.close();
    await options.telemetry?.shutdown();
    process.exit(EXIT_CODE_CONFIG);
  });
  await serve(config.port, '0.0.0.0');
  logger.info(
    { port: config.port, schema: config.databaseSchema },
    `${config.serviceName} listening`,
  );

  // SIGTERM (Kubernetes, docker stop) or Ctrl-C: report not-ready and keep serving for the drain,
  // then close: consumers finish and commit their batch in hand and leave their group, the relay
  // stops after its last acknowledgement, the listener and the pool close, telemetry is flushed.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.get(DatabaseReadiness).beginDraining();
    logger.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down: draining');
    if (config.shutdownDrainMs > 0)
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    logger.info('shutting down: stopping consumers and closing');
    await app.close(); // runs the shutdown hooks: consumers, relay, readiness retries, pool
    await options.telemetry?.shutdown();
    logger.info('shut down');
    process.exit(0);
  };
  // `on`, not `once`: a second signal during the shutdown must not take Node's default (kill at once, between a batch and its commit)
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => void shutdown(signal));
}

/**
 * MIGRATE_ONLY: the service's own start-up preparations (event store, its tables, read models,
 * inbox) run exactly as they do in a serving pod, without a listener or Kafka; once readiness
 * reports every one done (and, given DATABASE_MIGRATION_URL, the service's role is granted its
 * privileges), the service closes and exits 0. Exit 1 with the reason when they do not
 * finish in MIGRATE_TIMEOUT_MS (the database unreachable, a migration failing).
 */
async function migrateAndExit(
  app: NestExpressApplication,
  logger: Logger,
  telemetry: Telemetry | undefined,
): Promise<void> {
  await app.init();
  const report = await app.get(DatabaseReadiness).whenMigrated(MIGRATE_TIMEOUT_MS);
  const migrated = report.ready;
  if (migrated) logger.info('migrated: every schema of this service is prepared');
  else
    logger.error(
      { reason: report.reason, timeoutMs: MIGRATE_TIMEOUT_MS },
      'migration did not finish',
    );
  await app.close();
  await telemetry?.shutdown();
  process.exit(migrated ? 0 : 1);
}
