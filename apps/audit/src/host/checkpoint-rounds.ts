import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { VerifyChain } from '@custody/audit-application';
import type { Logger, ServiceMetrics } from '@custody/observability';
import { RateLimitedWarning, SERVICE_LOGGER, SERVICE_METRICS } from '@custody/service-host';
import { Counter, Gauge } from 'prom-client';
import { AUDIT_CONFIG, type AuditConfig } from '../audit-config';
import { AuditTables } from './audit-tables';
import { CheckpointKey } from './checkpoint-key';
import { CheckpointSigning } from './checkpoint-signing';

/**
 * Every interval, once the record's tables exist: the record's whole hash chain verified
 * (exported as custody_audit_record_verified), then, with a key and only over a chain that holds,
 * a checkpoint signed. One round at a time; at shutdown the round in progress finishes and no
 * other starts.
 */
@Injectable()
export class CheckpointRounds implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private readonly verified: Gauge;
  private readonly verificationFailures: Counter;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(AuditTables) private readonly tables: AuditTables,
    @Inject(CheckpointKey) private readonly key: CheckpointKey,
    @Inject(VerifyChain) private readonly verification: VerifyChain,
    @Inject(CheckpointSigning) private readonly signing: CheckpointSigning,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.verified = new Gauge({
      name: 'custody_audit_record_verified',
      help: "Whether the last scheduled verification of the audit record's hash chain passed (1) or found a break (0); absent before the first.",
      registers: [metrics.registry],
    });
    this.verificationFailures = new Counter({
      name: 'custody_audit_record_verification_failures_total',
      help: 'Scheduled verifications of the audit record that found a break.',
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    void this.tables.prepared.then(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.round = this.verifyAndCheckpoint()
        .catch((error: unknown) =>
          this.warning.warn(
            { error: (error as Error).message },
            'audit: verification or checkpoint failed; retried next interval',
          ),
        )
        .finally(() => this.schedule());
    }, this.config.checkpointIntervalMs);
  }

  /**
   * The all-in-one runner's last step before it closes the audit service: the schedule ends (a
   * round in progress finishes first, so two checkpoints are never signed at once), then one
   * more round over everything recorded.
   */
  async finalCheckpoint(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
    if (this.tables.isReady) await this.verifyAndCheckpoint();
  }

  private async verifyAndCheckpoint(): Promise<void> {
    this.tables.assertReady();
    const verification = await this.verification.verify();
    this.verified.set(verification.broken === undefined ? 1 : 0);
    if (verification.broken !== undefined) {
      this.verificationFailures.inc();
      this.logger.error(
        { broken: verification.broken, checked: verification.checked },
        "audit: the record's hash chain is broken; no checkpoint is signed over it",
      );
      return;
    }
    if (!this.key.configured) return;
    // over what was just verified: records appended since are left to the next round
    const checkpoint = await this.signing.checkpoint(verification.checked);
    this.logger.info(
      { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
      'audit: checkpoint signed',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
