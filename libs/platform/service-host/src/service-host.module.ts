import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClientDataInterceptor } from './client-data';
import { AuthModule } from '@custody/auth';
import { PostgresEventStore } from '@custody/event-store';
import { migrateInbox, type MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import { Pool } from 'pg';
import { watchPoolConnections } from './database-connections';
import type { ServiceConfig } from './config';
import { DatabaseReadiness } from './database-readiness';
import { EventRelayHost } from './event-relay';
import { EventLogController } from './event-log.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import {
  migrateSecurityEvents,
  SECURITY_EVENT_RECORDER,
  SecurityEventRecorder,
  SecurityEventsController,
} from './security-events';
import {
  DATABASE_POOL,
  EMBEDDED_BUS,
  EVENT_RELAY,
  EVENT_STORE,
  SERVICE_CONFIG,
  SERVICE_ENVIRONMENT,
  SERVICE_LOGGER,
  SERVICE_METRICS,
} from './tokens';

/**
 * Starts what the host provides once Nest initialises the application (the schema's preparation
 * with its retries, the host's own tables, the outbox relay) and closes it, in reverse order,
 * when Nest shuts down. Building the module opens nothing: the providers below only construct.
 */
class HostLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_RELAY) private readonly relay: EventRelayHost | null,
    @Inject(SECURITY_EVENT_RECORDER) private readonly securityEvents: SecurityEventRecorder | null,
  ) {}

  onModuleInit(): void {
    this.readiness.start();
    // every service consumes through an inbox: its table is a preparation like the others (a
    // migration Job, which connects to no Kafka, makes it too)
    void this.readiness.prepare('inbox', () => migrateInbox(this.pool, this.config.databaseSchema));
    void this.readiness.prepare('security events', () =>
      migrateSecurityEvents(this.pool, this.config.databaseSchema),
    );
    if (this.relay !== null) this.relay.start(this.readiness.migratedOnce);
    else if (!this.config.migrateOnly)
      this.logger.warn('KAFKA_BROKERS is not set: this service does not publish its events');
  }

  async onApplicationShutdown(): Promise<void> {
    this.readiness.stop();
    await this.relay?.stop(); // before the pool: the relay's last checkpoint needs it
    await this.securityEvents?.stop().catch(() => undefined); // what is left is in the access log
    await this.pool.end();
  }
}

export interface ServiceHostModuleOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** The service's own Nest module (controllers, handlers). */
  readonly serviceModule: Type<unknown>;
  /**
   * The all-in-one runner's bus, shared by the services of the process: the relay publishes to
   * it and the consumers read from it instead of Kafka (EMBEDDED_BUS). Unset: Kafka when
   * KAFKA_BROKERS is set, else nothing is published or consumed.
   */
  readonly embeddedBus?: MessageBus;
  /** Where the service's own module reads its settings (SERVICE_ENVIRONMENT); process.env when unset. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/**
 * Settings of every session of a service's pool. JIT off: our statements are short OLTP ones,
 * but a batch read over 1,000 streams is estimated above jit_above_cost (stale statistics make
 * it worse) and PostgreSQL then spent ~90 ms compiling a plan that ran in 2.5 ms, every batch
 * (found by the ledger benchmark: 36x slower ingestion).
 */
export const DATABASE_SESSION_OPTIONS = '-c jit=off';

/**
 * What every service has: authentication on every route, health probes, Prometheus metrics,
 * a PostgreSQL pool and the service's event store, and the auditor's view of its event log.
 */
@Global()
@Module({})
export class ServiceHostModule {
  static forRoot(options: ServiceHostModuleOptions): DynamicModule {
    const { config, logger, metrics } = options;
    const embeddedBus = options.embeddedBus ?? null;
    const environment = options.environment ?? process.env;
    return {
      module: ServiceHostModule,
      imports: [AuthModule.forRoot(config.auth), options.serviceModule],
      controllers: [
        HealthController,
        MetricsController,
        EventLogController,
        SecurityEventsController,
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_LOGGER, useValue: logger },
        { provide: SERVICE_METRICS, useValue: metrics },
        { provide: EMBEDDED_BUS, useValue: embeddedBus },
        { provide: SERVICE_ENVIRONMENT, useValue: environment },
        {
          provide: DATABASE_POOL,
          useFactory: () => {
            const pool = new Pool({
              connectionString: config.databaseUrl,
              max: config.databasePoolMax,
              application_name: config.serviceName,
              options: DATABASE_SESSION_OPTIONS,
            });
            // every connection, idle or checked out: a lost one is logged, never a crash
            return watchPoolConnections(pool, logger);
          },
        },
        {
          provide: EVENT_STORE,
          useFactory: (pool: Pool) =>
            new PostgresEventStore({ pool, schema: config.databaseSchema }),
          inject: [DATABASE_POOL],
        },
        {
          provide: DatabaseReadiness,
          useFactory: (store: PostgresEventStore) =>
            new DatabaseReadiness(store, logger, config.migrateOnly, config.databaseServiceRole, {
              // issue 22: a serving service in production never runs as a superuser or its schema's owner
              refuseOwnerOrSuperuser:
                environment['NODE_ENV'] === 'production' && !config.migrateOnly,
            }),
          inject: [EVENT_STORE],
        },
        {
          provide: SECURITY_EVENT_RECORDER,
          useFactory: (pool: Pool) =>
            config.migrateOnly
              ? null
              : new SecurityEventRecorder(pool, config.databaseSchema, logger, metrics),
          inject: [DATABASE_POOL],
        },
        {
          provide: EVENT_RELAY,
          useFactory: (store: PostgresEventStore) => {
            const transport = config.migrateOnly
              ? undefined
              : embeddedBus !== null
                ? { embeddedBus }
                : config.kafka === undefined
                  ? undefined
                  : { kafka: config.kafka };
            return transport === undefined
              ? null
              : new EventRelayHost(config.serviceName, store, transport, logger, metrics);
          },
          inject: [EVENT_STORE],
        },
        HostLifecycle,
        { provide: APP_INTERCEPTOR, useClass: ClientDataInterceptor },
      ],
      exports: [
        SECURITY_EVENT_RECORDER,
        SERVICE_CONFIG,
        SERVICE_LOGGER,
        SERVICE_METRICS,
        DATABASE_POOL,
        EVENT_STORE,
        DatabaseReadiness,
        EMBEDDED_BUS,
        SERVICE_ENVIRONMENT,
      ],
    };
  }
}
