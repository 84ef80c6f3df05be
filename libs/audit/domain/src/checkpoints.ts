import { eventTypesOf, unhandled, type Fold } from '@custody/decider';
import type { Checkpoint } from './audit-record';

/** A checkpoint of the audit record, signed and recorded on the audit's own stream. */
export interface CheckpointSigned {
  readonly type: 'AuditCheckpointSigned';
  readonly data: Checkpoint;
}

export type CheckpointEvent = CheckpointSigned;

/** The signed checkpoints, in the order they were recorded. */
export function evolveCheckpoints(
  checkpoints: readonly Checkpoint[],
  event: CheckpointEvent,
): readonly Checkpoint[] {
  switch (event.type) {
    case 'AuditCheckpointSigned':
      return [...checkpoints, event.data];
    default:
      return unhandled(event.type);
  }
}

/** The checkpoints stream: none before the first, one per signed checkpoint. */
export const checkpointsFold: Fold<readonly Checkpoint[], CheckpointEvent> = {
  initialState: [],
  // Stryker disable next-line BooleanLiteral: the record's values only mark its keys (eventTypesOf lists the keys)
  eventTypes: eventTypesOf<CheckpointEvent>({ AuditCheckpointSigned: true }),
  evolve: evolveCheckpoints,
};
