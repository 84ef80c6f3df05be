import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  BusIngestion,
  DATABASE_POOL,
  EMBEDDED_BUS,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  type ServiceConfig,
} from '@custody/service-host';
import {
  applyWalletMessages,
  ProgressWithdrawal,
  RequestWithdrawal,
  SourceWallets,
  WALLET_CONSUMED_TOPICS,
  WithdrawalFacts,
} from '@custody/wallet-application';
import type { Pool } from 'pg';
import { WalletAvailability } from './wallet-availability';
import { WalletParts } from './wallet-parts';

/** The consumer group of the wallet: exchange withdrawal requests and the ledger's holds. */
export const WALLET_CONSUMER_GROUP = 'wallet';

/**
 * The consumer of withdrawal requests and ledger holds (Kafka with KAFKA_BROKERS, else the
 * embedded bus), started once the wallet is available and stopped at shutdown (a start still
 * retrying Kafka ends, then consuming stops).
 */
@Injectable()
export class WalletConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private ingestion: BusIngestion | undefined;
  private stopping = false;

  constructor(
    @Inject(WalletParts) private readonly parts: WalletParts,
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(WithdrawalFacts) private readonly withdrawalFacts: WithdrawalFacts,
    @Inject(SourceWallets) private readonly sourceWallets: SourceWallets,
    @Inject(RequestWithdrawal) private readonly withdrawalRequests: RequestWithdrawal,
    @Inject(ProgressWithdrawal) private readonly withdrawalProgress: ProgressWithdrawal,
    @Inject(EMBEDDED_BUS) private readonly embeddedBus: MessageBus | null,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
  ) {}

  /** Built only for a configured wallet (its dead-letter series exist only where it can consume). */
  onApplicationBootstrap(): void {
    if (!this.parts.configured) return;
    const ingestion = new BusIngestion({
      embeddedBus: this.embeddedBus,
      config: this.config,
      logger: this.logger,
      pool: this.pool,
      metrics: this.metrics,
      name: 'wallet consumer',
      groupId: WALLET_CONSUMER_GROUP,
      topics: WALLET_CONSUMED_TOPICS,
      apply: applyWalletMessages({
        withdrawalFacts: this.withdrawalFacts,
        sourceWallets: this.sourceWallets,
        withdrawalRequests: this.withdrawalRequests,
        withdrawalProgress: this.withdrawalProgress,
      }),
    });
    this.ingestion = ingestion;
    void this.availability.whenAvailable
      .then(async (available) => {
        if (available && !this.stopping) await ingestion.start();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'wallet: start-up failed'),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.ingestion?.stop(); // ends a start still retrying Kafka, then stops consuming
  }
}
