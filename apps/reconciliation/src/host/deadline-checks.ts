import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Discrepancies } from '@custody/reconciliation-application';
import { RateLimitedWarning } from '@custody/service-host';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from '../reconciliation-config';
import { RECONCILIATION_WARNING } from './reconciliation-slices.providers';
import { ReconciliationTables } from './reconciliation-tables';

/**
 * The discrepancies' deadlines (escalation to the board and internal audit, overdue shortfalls)
 * checked once per RECON_DEADLINE_CHECK_INTERVAL_MS, never two checks at once, from the moment
 * the tables exist; their notifications logged or POSTed. At shutdown the check in progress
 * finishes and no other starts.
 */
@Injectable()
export class DeadlineChecks implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private markStarted: () => void = () => undefined;
  /** Resolves once the tables exist and the checks are scheduled: the consumer waits for it. */
  readonly started: Promise<void> = new Promise((resolve) => (this.markStarted = resolve));
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();

  constructor(
    @Inject(RECONCILIATION_CONFIG) private readonly config: ReconciliationConfig,
    @Inject(RECONCILIATION_WARNING) private readonly warning: RateLimitedWarning,
    @Inject(ReconciliationTables) private readonly tables: ReconciliationTables,
    @Inject(Discrepancies) private readonly discrepancies: Discrepancies,
  ) {}

  onApplicationBootstrap(): void {
    void this.tables.prepared.then(() => {
      if (this.stopping.signal.aborted) return;
      this.schedule();
      this.markStarted();
    });
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.discrepancies
        .checkDeadlines()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.warning.warn(
            { error: (error as Error).message },
            'reconciliation: deadline check failed; retried next interval',
          ),
        )
        .finally(() => this.schedule());
    }, this.config.deadlineCheckIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
