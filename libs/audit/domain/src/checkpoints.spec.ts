import { foldEvents } from '@custody/decider';
import type { Checkpoint } from './audit-record';
import { checkpointsFold, evolveCheckpoints, type CheckpointEvent } from './checkpoints';

const checkpoint = (treeSize: number): Checkpoint => ({
  format: 'custody-audit-checkpoint-v1',
  treeSize,
  rootHash: `root-${treeSize}`,
  chainHead: `head-${treeSize}`,
  at: '2026-12-07T09:00:00.000Z',
  keyId: '0123456789abcdef',
  signature: `signature-${treeSize}`,
});
const signed = (treeSize: number): CheckpointEvent => ({
  type: 'AuditCheckpointSigned',
  data: checkpoint(treeSize),
});

describe('the stream of signed checkpoints', () => {
  it('holds signed checkpoints only, none before the first', () => {
    expect([...checkpointsFold.eventTypes]).toEqual(['AuditCheckpointSigned']);
    expect(checkpointsFold.initialState).toEqual([]);
    expect(checkpointsFold.evolve).toBe(evolveCheckpoints);
  });

  it('keeps every checkpoint in the order signed, leaving the list before an event as it was', () => {
    const one = foldEvents(checkpointsFold, [signed(1)]);
    const two = evolveCheckpoints(one, signed(2));
    expect(two).toEqual([checkpoint(1), checkpoint(2)]);
    expect(one).toEqual([checkpoint(1)]);
  });

  it('an event of no known type is a programmer error', () => {
    expect(() =>
      evolveCheckpoints([], { type: 'AuditCheckpointForgotten' } as unknown as CheckpointEvent),
    ).toThrow('assertion: unhandled "AuditCheckpointForgotten"');
  });
});
