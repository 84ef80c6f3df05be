import { checkpointsFold, type Checkpoint } from '@custody/audit-domain';
import type { Fold } from '@custody/event-store';

export interface CheckpointSigned {
  readonly type: 'AuditCheckpointSigned';
  readonly data: Checkpoint;
}

/** Every checkpoint signed, in order (relayed to custody.audit.events.v1). */
export const CHECKPOINTS_AGGREGATE: Fold<readonly Checkpoint[], CheckpointSigned> = checkpointsFold;
export const CHECKPOINTS_STREAM_ID = 'audit-checkpoints';
