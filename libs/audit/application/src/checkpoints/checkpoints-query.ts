import type { Checkpoint } from '@custody/audit-domain';
import type { AuditContext } from '../shared/audit-context';
import { CHECKPOINTS_AGGREGATE, CHECKPOINTS_STREAM_ID } from './checkpoints-stream';

/** The checkpoints signed so far, oldest first. */
export class CheckpointsQuery {
  constructor(private readonly context: AuditContext) {}

  async all(): Promise<readonly Checkpoint[]> {
    return (await this.context.streams.load(CHECKPOINTS_STREAM_ID, CHECKPOINTS_AGGREGATE)).state;
  }
}
