import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  applyLedgerMessages,
  LEDGER_CONSUMED_TOPICS,
  LEDGER_RETRYABLE_REFUSALS,
  type LedgerCommandHandler,
} from '@custody/ledger-application';
import type { MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  DATABASE_POOL,
  EMBEDDED_BUS,
  BusIngestion,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  type ServiceConfig,
} from '@custody/service-host';
import type { Pool } from 'pg';
import { LEDGER_ROLES, type LedgerRoles } from '../ledger-roles';
import {
  LEDGER_COMMAND_HANDLER,
  LEDGER_WRITE_SIDE_READY,
  type WriteSideReady,
} from '../ledger-tokens';

/** The consumer group of the ledger's books: one per deployment, members are the replicas. */
export const LEDGER_CONSUMER_GROUP = 'ledger-books';

/**
 * When KAFKA_BROKERS is set: consumes the exchange's trades and the wallet's movements into the
 * books (exactly-once effects through the inbox, in the ledger's schema), from the moment the
 * event store's schema is ready. Refusals are parked in custody.deadletter.v1.
 */
@Injectable()
export class LedgerIngestion implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private ingestion: BusIngestion | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(EMBEDDED_BUS) private readonly embeddedBus: MessageBus | null,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(LEDGER_COMMAND_HANDLER) private readonly handler: LedgerCommandHandler,
    @Inject(LEDGER_WRITE_SIDE_READY) private readonly writeSide: WriteSideReady,
    @Inject(LEDGER_ROLES) private readonly roles: LedgerRoles,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.roles.ingest) {
      this.logger.info(
        'LEDGER_ROLES leaves out ingest: this process does not consume trades or wallet movements',
      );
      return;
    }
    const ingestion = new BusIngestion({
      embeddedBus: this.embeddedBus,
      config: this.config,
      logger: this.logger,
      pool: this.pool,
      metrics: this.metrics,
      name: 'ledger ingestion',
      groupId: LEDGER_CONSUMER_GROUP,
      topics: LEDGER_CONSUMED_TOPICS,
      apply: applyLedgerMessages(this.handler),
      retryableRefusals: LEDGER_RETRYABLE_REFUSALS,
    });
    this.ingestion = ingestion;
    // not awaited at shutdown: with the database down the write side is never ready, and stop() ends a start in progress
    void this.writeSide.ready
      .then(() => ingestion.start())
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'ledger ingestion did not start'),
      );
  }

  /** Before the host's own shutdown hooks: the consumer stops while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.ingestion?.stop();
  }
}
