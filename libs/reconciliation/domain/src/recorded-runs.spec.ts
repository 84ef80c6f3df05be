import { foldEvents } from '@custody/decider';
import { recordedRunsFold } from './recorded-runs';

interface DayRun {
  readonly type: 'DayRunCompleted';
  readonly data: { readonly runId: string; readonly totalMinor: bigint };
}
const run = (runId: string, totalMinor: bigint): DayRun => ({
  type: 'DayRunCompleted',
  data: { runId, totalMinor },
});

describe('a stream of recorded runs', () => {
  const fold = recordedRunsFold<DayRun>({ DayRunCompleted: true });

  it('holds the event types listed, and no run before the first', () => {
    expect([...fold.eventTypes]).toEqual(['DayRunCompleted']);
    expect(fold.initialState.size).toBe(0);
  });

  it('keeps each run by its id, in the order recorded; the same id recorded again stands as recorded last', () => {
    const runs = foldEvents(fold, [run('R-1', 1n), run('R-2', 2n), run('R-1', 3n)]);
    expect([...runs]).toEqual([
      ['R-1', { runId: 'R-1', totalMinor: 3n }],
      ['R-2', { runId: 'R-2', totalMinor: 2n }],
    ]);
  });

  it('leaves the runs before an event as they were', () => {
    const before = foldEvents(fold, [run('R-1', 1n)]);
    fold.evolve(before, run('R-2', 2n));
    expect([...before.keys()]).toEqual(['R-1']);
  });
});
