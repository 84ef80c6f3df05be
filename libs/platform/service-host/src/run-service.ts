import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, createServiceMetrics, type Telemetry } from '@custody/observability';
import { formatConfigProblems, parseServiceConfig } from './config';
import { httpObservability } from './http-observability';
import { NestJsonLogger } from './nest-logger';
import { ServiceHostModule } from './service-host.module';

/** Exit code for a configuration error (sysexits EX_CONFIG). */
export const EXIT_CODE_CONFIG = 78;
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export interface RunServiceOptions {
  readonly serviceName: string;
  readonly defaultPort: number;
  readonly serviceModule: Type<unknown>;
  readonly telemetry?: Telemetry;
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** Validates configuration, then starts the Nest HTTP service. Exits 78 with every problem listed when configuration is bad. */
export async function runService(options: RunServiceOptions): Promise<void> {
  const parsed = parseServiceConfig(options.serviceName, options.defaultPort, options.environment ?? process.env);
  if (!parsed.ok) {
    process.stderr.write(`${formatConfigProblems(options.serviceName, parsed.problems)}\n`);
    process.exit(EXIT_CODE_CONFIG);
  }
  const { config } = parsed;
  const logger = createLogger(config.serviceName, config.logLevel);
  const metrics = createServiceMetrics(config.serviceName);
  const app = await NestFactory.create<NestExpressApplication>(ServiceHostModule.forRoot({ config, logger, metrics, serviceModule: options.serviceModule }), {
    logger: new NestJsonLogger(logger),
  });
  app.disable('x-powered-by');
  app.use(httpObservability(metrics, logger));
  await app.listen(config.port, '0.0.0.0');
  logger.info({ port: config.port, schema: config.databaseSchema }, `${config.serviceName} listening`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    await app.close(); // runs the shutdown hooks: stop readiness retries, close the pool
    await options.telemetry?.shutdown();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
}
