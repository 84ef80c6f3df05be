import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EvmChainReader, type ChainReader } from '@custody/chain';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import type { MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  applyPolicyMessages,
  POLICY_CONSUMED_TOPICS,
  PolicyService,
} from '@custody/policy-application';
import {
  DATABASE_POOL,
  EMBEDDED_BUS,
  DatabaseReadiness,
  EVENT_STORE,
  BusIngestion,
  RateLimitedWarning,
  scrapedGauge,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
  type ServiceConfig,
} from '@custody/service-host';
import type { Pool } from 'pg';
import { POLICY_CONFIG, type PolicyConfig } from './policy-config';

export const POLICY_CONSUMER_GROUP = 'policy';
const decimals = new Map(
  Object.entries(DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>).map(
    ([asset, { decimals: places }]) => [asset, places],
  ),
);

/**
 * The policy service's moving parts once its tables are ready: the consumer of wallet movements
 * and prices (with KAFKA_BROKERS), and a scheduled re-evaluation (a price goes stale with time
 * alone, with no event to say so).
 */
@Injectable()
export class PolicyRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly service: PolicyService;
  /** The chains read by the on-chain check. */
  readonly readers: readonly ChainReader[];
  private ready = false;
  private readonly ingestion: BusIngestion;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(POLICY_CONFIG) readonly config: PolicyConfig,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
    @Inject(EMBEDDED_BUS) private readonly embeddedBus: MessageBus | null,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.service = new PolicyService({
      store,
      jurisdictions: config.jurisdictions,
      reportCurrency: config.reportCurrency,
      decimals,
      insurance: config.insurance,
      withdrawalLimits: config.withdrawalLimits,
      ...(config.tier1Capital === undefined ? {} : { tier1Capital: config.tier1Capital }),
    });
    this.readers = config.evm === undefined ? [] : [new EvmChainReader(config.evm)];
    scrapedGauge(metrics, logger, {
      name: 'custody_policy_open_breaches',
      help: 'Compliance breaches detected and not yet resolved, by rule (TW-3, TW-4, HK-6, ...).',
      labelNames: ['rule'] as const,
      read: async () => {
        if (!this.ready) return undefined;
        const byRule = new Map<string, number>();
        for (const breach of (await this.service.openBreaches()).values())
          byRule.set(breach.ruleId, (byRule.get(breach.ruleId) ?? 0) + 1);
        return [...byRule].map(([rule, count]) => [{ rule }, count] as const);
      },
    });
    this.ingestion = new BusIngestion({
      embeddedBus: this.embeddedBus,
      config: serviceConfig,
      logger,
      pool,
      metrics,
      name: 'policy consumer',
      groupId: POLICY_CONSUMER_GROUP,
      topics: POLICY_CONSUMED_TOPICS,
      apply: applyPolicyMessages(this.service),
    });
  }

  /** The service once its tables exist (503 before). */
  policy(): PolicyService {
    if (!this.ready)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'POLICY_NOT_READY',
        reason: 'the policy tables are being prepared',
      });
    return this.service;
  }

  onApplicationBootstrap(): void {
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness
      .prepare('policy tables', () => this.service.migrate(this.pool))
      .then(async () => {
        if (this.stopping.signal.aborted) return;
        this.ready = true;
        this.schedule();
        await this.ingestion.start();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'policy: start-up failed'),
      );
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.service.store
        .withTransaction((transaction) => this.service.evaluateAndRecord(undefined, transaction))
        .then(() => this.onChainCheckIfDue())
        .catch((error: unknown) =>
          this.warning.warn(
            { error: (error as Error).message },
            'policy: scheduled evaluation failed; retried next interval',
          ),
        )
        .finally(() => this.schedule());
    }, this.config.evaluationIntervalMs);
  }

  /** TW-14 (last paragraph): the on-chain check when the last one is older than the interval (a timer cannot wait a month). */
  private async onChainCheckIfDue(): Promise<void> {
    const [last] = await this.service.onChainChecks(1);
    if (
      last !== undefined &&
      Date.parse(this.service.at()) - Date.parse(last.at) < this.config.onChainCheckIntervalMs
    )
      return;
    const check = await this.service.onChainCheck(this.readers);
    const failing = check.results
      .filter((result) => result.verdict === 'fail')
      .map((result) => `${result.ruleId} ${result.subject}`);
    this.logger.info(
      { checkId: check.checkId, heights: check.heights, failing, unread: check.unread },
      'policy: on-chain check recorded (TW-14)',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.ingestion.stop(); // ends a start still retrying Kafka, then stops consuming
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
