import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  applyPolicyMessages,
  ComplianceEvaluation,
  FactsRecorder,
  POLICY_CONSUMED_TOPICS,
  WithdrawalReservations,
} from '@custody/policy-application';
import {
  BusIngestion,
  DATABASE_POOL,
  EMBEDDED_BUS,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  type ServiceConfig,
} from '@custody/service-host';
import type { Pool } from 'pg';
import { PolicyTables } from '../policy-tables';

export const POLICY_CONSUMER_GROUP = 'policy';

/**
 * The consumer of the wallet's movements, the ledger's journals and the exchange's prices (the
 * in-process bus, or Kafka with KAFKA_BROKERS), started once the policy tables exist.
 */
@Injectable()
export class PolicyIngestion implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly ingestion: BusIngestion;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(EMBEDDED_BUS) embeddedBus: MessageBus | null,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) pool: Pool,
    @Inject(FactsRecorder) facts: FactsRecorder,
    @Inject(WithdrawalReservations) reservations: WithdrawalReservations,
    @Inject(ComplianceEvaluation) evaluation: ComplianceEvaluation,
  ) {
    this.ingestion = new BusIngestion({
      embeddedBus,
      config,
      logger,
      pool,
      metrics,
      name: 'policy consumer',
      groupId: POLICY_CONSUMER_GROUP,
      topics: POLICY_CONSUMED_TOPICS,
      apply: applyPolicyMessages({ facts, reservations, evaluation }),
    });
  }

  onApplicationBootstrap(): void {
    void this.tables.prepared
      .then(async () => {
        if (this.stopping.signal.aborted) return;
        await this.ingestion.start();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'policy: start-up failed'),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.ingestion.stop(); // ends a start still retrying Kafka, then stops consuming
  }
}
