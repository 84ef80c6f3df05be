import { eventTypesOf, type Fold } from '@custody/decider';

/** An event that records one completed run under its id. */
export interface RunRecorded {
  readonly type: string;
  readonly data: { readonly runId: string };
}

/**
 * A stream of completed runs of one kind (daily balances, reconciliations, fiat trust checks):
 * each event records one run under its id, and a run recorded again under the same id (the same
 * day over the same input) stands as recorded last. `types` lists the stream's event types as a
 * record typed by the union, so the list cannot drift from it.
 */
export function recordedRunsFold<E extends RunRecorded>(
  types: Readonly<Record<E['type'], true>>,
): Fold<ReadonlyMap<string, E['data']>, E> {
  return {
    initialState: new Map(),
    eventTypes: eventTypesOf<E>(types),
    evolve: (runs, event) => new Map(runs).set(event.data.runId, event.data),
  };
}
