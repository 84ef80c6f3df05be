import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AuditLog } from '@custody/audit-application';
import { keyObjectSigner, type Checkpoint, type CheckpointSigner } from '@custody/audit-domain';
import { HsmEd25519Signer, Pkcs11Failure } from '@custody/hsm';
import type { PostgresEventStore } from '@custody/event-store';
import type { Logger, ServiceMetrics } from '@custody/observability';
import {
  DATABASE_POOL,
  DatabaseReadiness,
  EVENT_STORE,
  RateLimitedWarning,
  SERVICE_LOGGER,
  SERVICE_METRICS,
} from '@custody/service-host';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import { AUDIT_CONFIG, type AuditConfig } from './audit-config';

/**
 * The audit record once its tables exist, fed by every topic (audit-messages.ts); a checkpoint
 * signed on a schedule when the record grew, written to AUDIT_CHECKPOINT_DIR as a file too.
 */
@Injectable()
export class AuditRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly log: AuditLog;
  private ready = false;
  private markStarted: () => void = () => undefined;
  /** Resolves once the record's tables exist and the schedule runs: the consumer waits for it. */
  readonly started = new Promise<void>((resolve) => {
    this.markStarted = resolve;
  });
  private readonly stopping = new AbortController();
  private readonly warning: RateLimitedWarning;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private readonly verified: Gauge;
  private checkpointSigner: CheckpointSigner | undefined;
  private hsm: HsmEd25519Signer | undefined;
  private readonly verificationFailures: Counter;

  constructor(
    @Inject(AUDIT_CONFIG) readonly config: AuditConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.log = new AuditLog(store);
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

  audit(): AuditLog {
    if (!this.ready)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'AUDIT_NOT_READY',
        reason: 'the audit tables are being prepared',
      });
    return this.log;
  }

  /** The public half of the signing key, PEM (what an auditor verifies checkpoints with). */
  publicKeyPem(): string {
    return this.signer().publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The key file's signer, or the HSM's (opened on first use, kept open, closed at shutdown). */
  private signer(): CheckpointSigner {
    if (this.checkpointSigner !== undefined) return this.checkpointSigner;
    const { signingKey, signingHsm } = this.config;
    if (signingKey !== undefined) this.checkpointSigner = keyObjectSigner(signingKey);
    else if (signingHsm !== undefined) {
      try {
        this.hsm = HsmEd25519Signer.open(signingHsm);
      } catch (error) {
        throw new ServiceUnavailableException({
          statusCode: 503,
          code: 'AUDIT_SIGNING_UNAVAILABLE',
          reason: `the HSM signing key is not available: ${(error as Error).message}`,
        });
      }
      this.checkpointSigner = this.hsm;
    } else
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'AUDIT_SIGNING_NOT_CONFIGURED',
        reason: 'set AUDIT_SIGNING_KEY_FILE or the AUDIT_HSM_* variables to sign checkpoints',
      });
    return this.checkpointSigner;
  }

  private get signingConfigured(): boolean {
    return this.config.signingKey !== undefined || this.config.signingHsm !== undefined;
  }

  /**
   * Signs a checkpoint of the record now (the same one again when nothing was added), of at most
   * `sizeMax` records when given, and keeps its file. An HSM failure closes the session, so the
   * next round opens a new one (a failover, a lost session) instead of failing until a restart.
   */
  async checkpoint(sizeMax?: number): Promise<Checkpoint> {
    const key = this.signer();
    let checkpoint: Checkpoint;
    try {
      checkpoint = await this.audit().checkpoint(key, new Date().toISOString(), sizeMax);
    } catch (error) {
      if (error instanceof Pkcs11Failure && this.hsm !== undefined) {
        try {
          this.hsm.close();
        } catch {
          // the session is already gone: that is why we reopen
        }
        this.hsm = undefined;
        this.checkpointSigner = undefined;
      }
      throw error;
    }
    if (this.config.checkpointDirectory !== undefined) {
      await mkdir(this.config.checkpointDirectory, { recursive: true });
      await writeFile(
        join(
          this.config.checkpointDirectory,
          `checkpoint-${String(checkpoint.treeSize).padStart(12, '0')}.json`,
        ),
        `${JSON.stringify(checkpoint, null, 2)}\n`,
      );
    }
    return checkpoint;
  }

  onApplicationBootstrap(): void {
    if (!this.signingConfigured)
      this.logger.warn(
        {},
        'audit: no AUDIT_SIGNING_KEY_FILE or AUDIT_HSM_*; the record is kept but no checkpoint is signed',
      );
    // not awaited at shutdown: with the database down the tables are never ready; the continuation checks `stopping`
    void this.readiness
      .prepare('audit tables', () => this.log.migrate(this.pool))
      .then(async () => {
        if (this.stopping.signal.aborted) return;
        this.ready = true;
        this.schedule();
        this.markStarted();
      })
      .catch((error: unknown) =>
        this.logger.error({ error: (error as Error).message }, 'audit: start-up failed'),
      );
  }

  /**
   * Every interval: the record's whole hash chain verified (exported as custody_audit_record_verified),
   * then, with a key and only over a chain that holds, a checkpoint signed.
   */
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
    if (this.ready) await this.verifyAndCheckpoint();
  }

  private async verifyAndCheckpoint(): Promise<void> {
    const verification = await this.audit().verifyChain();
    this.verified.set(verification.broken === undefined ? 1 : 0);
    if (verification.broken !== undefined) {
      this.verificationFailures.inc();
      this.logger.error(
        { broken: verification.broken, checked: verification.checked },
        "audit: the record's hash chain is broken; no checkpoint is signed over it",
      );
      return;
    }
    if (!this.signingConfigured) return;
    // over what was just verified: records appended since are left to the next round
    const checkpoint = await this.checkpoint(verification.checked);
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
    this.hsm?.close();
  }
}
