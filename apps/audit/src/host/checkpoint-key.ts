import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { keyObjectSigner, type CheckpointSigner } from '@custody/audit-domain';
import { HsmEd25519Signer } from '@custody/hsm';
import type { Logger } from '@custody/observability';
import { SERVICE_LOGGER } from '@custody/service-host';
import { AUDIT_CONFIG, type AuditConfig } from '../audit-config';

/**
 * The key checkpoints are signed with: a key file's, or the HSM's (its session opened on first
 * use, kept open, closed once the application has shut down, after the schedule stopped).
 * Neither configured: the record is kept, no checkpoint is signed, and signing answers 503.
 */
@Injectable()
export class CheckpointKey implements OnApplicationBootstrap, OnApplicationShutdown {
  private checkpointSigner: CheckpointSigner | undefined;
  private hsm: HsmEd25519Signer | undefined;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  get configured(): boolean {
    return this.config.signingKey !== undefined || this.config.signingHsm !== undefined;
  }

  /** The public half of the signing key, PEM (what an auditor verifies checkpoints with). */
  publicKeyPem(): string {
    return this.signer().publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The key file's signer, or the HSM's (opened on first use, kept open, closed at shutdown). */
  signer(): CheckpointSigner {
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

  /**
   * After an HSM failure: the session is closed, so the next signature opens a new one (a failover,
   * a lost session).
   */
  reopenHsm(): void {
    if (this.hsm === undefined) return;
    try {
      this.hsm.close();
    } catch {
      // the session is already gone: that is why we reopen
    }
    this.hsm = undefined;
    this.checkpointSigner = undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.configured)
      this.logger.warn(
        {},
        'audit: no AUDIT_SIGNING_KEY_FILE or AUDIT_HSM_*; the record is kept but no checkpoint is signed',
      );
  }

  onApplicationShutdown(): void {
    this.hsm?.close();
  }
}
