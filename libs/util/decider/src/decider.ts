/**
 * The one shape of a command's rules (issue 24): a pure `decide` on the state folded from the
 * stream's own events, a pure `evolve`, the state before any event, and the event types the
 * stream holds. The event store loads and appends (`EventSourcedStreams`); a Decider only
 * answers. Time, ids and prices enter on the command or the facts, never from inside.
 */

/** A refusal: a stable code, the command field at fault, and why (prose, not a contract). */
export interface Refusal<Code extends string = string> {
  readonly code: Code;
  readonly path: string;
  readonly reason: string;
}

/** The events to append (none: nothing to do, e.g. a replayed command), or why not. */
export type Decision<E, Err = Refusal> =
  | { readonly ok: true; readonly events: readonly E[] }
  | { readonly ok: false; readonly error: Err };

export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/** What a stream's fold needs: its start, how each event moves it, the events it holds. */
export interface Fold<S, E extends DomainEvent> {
  readonly initialState: S;
  /** Event types this stream holds: anything else read from it is a programmer error. */
  readonly eventTypes: ReadonlySet<E['type']>;
  evolve(state: S, event: E): S;
}

/**
 * A stream's rules. `Facts` is what the application loads for the decision beside the stream
 * (other streams' states, a policy answer, a calendar): `void` when the state alone decides.
 */
export interface Decider<C, E extends DomainEvent, S, Err = Refusal, Facts = void> extends Fold<
  S,
  E
> {
  decide(command: C, state: S, facts: Facts): Decision<E, Err>;
}

/**
 * The event types of a union, listed once as the keys of a record: a type added to the union
 * without its key, or a key that is no event, fails typecheck, so the list cannot drift.
 */
export function eventTypesOf<E extends DomainEvent>(
  types: Readonly<Record<E['type'], true>>,
): ReadonlySet<E['type']> {
  // every value is `true` by type; checked here too, so an entry turned off fails at load, not never
  for (const [type, listed] of Object.entries(types))
    if (listed !== true)
      throw new Error(`assertion: event type ${type} is listed as ${String(listed)}`);
  return new Set(Object.keys(types) as E['type'][]);
}

/** The state after `events`, from the start. */
export function foldEvents<S, E extends DomainEvent>(fold: Fold<S, E>, events: readonly E[]): S {
  return events.reduce((state, event) => fold.evolve(state, event), fold.initialState);
}

/** For the `default` of an exhaustive switch over a union: unreachable when every case is handled. */
export function unhandled(value: never): never {
  throw new Error(`assertion: unhandled ${JSON.stringify(value)}`);
}
