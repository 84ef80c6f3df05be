import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { SignCheckpoint } from '@custody/audit-application';
import type { Checkpoint } from '@custody/audit-domain';
import { Pkcs11Failure } from '@custody/hsm';
import { AUDIT_CONFIG, type AuditConfig } from '../audit-config';
import { AuditTables } from './audit-tables';
import { CheckpointKey } from './checkpoint-key';

/**
 * A checkpoint signed now with the service's key (on an auditor's request or on the schedule),
 * and kept as a file in AUDIT_CHECKPOINT_DIR too.
 */
@Injectable()
export class CheckpointSigning {
  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AuditTables) private readonly tables: AuditTables,
    @Inject(CheckpointKey) private readonly key: CheckpointKey,
    @Inject(SignCheckpoint) private readonly signing: SignCheckpoint,
  ) {}

  /**
   * Signs a checkpoint of the record now (the same one again when nothing was added), of at most
   * `sizeMax` records when given, and keeps its file. An HSM failure closes the session, so the
   * next round opens a new one (a failover, a lost session) instead of failing until a restart.
   */
  async checkpoint(sizeMax?: number): Promise<Checkpoint> {
    const signer = this.key.signer();
    let checkpoint: Checkpoint;
    try {
      this.tables.assertReady();
      checkpoint = await this.signing.sign(signer, new Date().toISOString(), sizeMax);
    } catch (error) {
      if (error instanceof Pkcs11Failure) this.key.reopenHsm();
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
}
