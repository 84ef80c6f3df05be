import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ChainReader } from '@custody/chain';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import {
  ComplianceEvaluation,
  OnChainChecksQuery,
  PolicyClock,
  RunOnChainCheckHandler,
} from '@custody/policy-application';
import { EVENT_STORE, RateLimitedWarning, SERVICE_LOGGER } from '@custody/service-host';
import { POLICY_CONFIG, type PolicyConfig } from '../policy-config';
import { PolicyTables } from '../policy-tables';
import { POLICY_CHAIN_READERS } from '../policy-tokens';

/**
 * A scheduled re-evaluation (a price goes stale with time alone, with no event to say so), and
 * the on-chain check when it is due, once the policy tables exist.
 */
@Injectable()
export class PolicySchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;

  constructor(
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(PolicyClock) private readonly clock: PolicyClock,
    @Inject(ComplianceEvaluation) private readonly evaluation: ComplianceEvaluation,
    @Inject(OnChainChecksQuery) private readonly onChainChecks: OnChainChecksQuery,
    @Inject(RunOnChainCheckHandler) private readonly runOnChainCheck: RunOnChainCheckHandler,
    @Inject(POLICY_CHAIN_READERS) private readonly readers: readonly ChainReader[],
  ) {
    this.warning = new RateLimitedWarning(logger);
  }

  onApplicationBootstrap(): void {
    void this.tables.prepared.then(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.store
        .withTransaction((transaction) => this.evaluation.evaluateAndRecord(undefined, transaction))
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
    const [last] = await this.onChainChecks.recent(1);
    if (
      last !== undefined &&
      Date.parse(this.clock.at()) - Date.parse(last.at) < this.config.onChainCheckIntervalMs
    )
      return;
    const check = await this.runOnChainCheck.handle(this.readers);
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
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
