import { foldEvents, type Decider, type Decision, type DomainEvent } from './decider';

/**
 * The one Given/When/Then for deciders (issue 24): GIVEN the stream's past EVENTS, WHEN a
 * command is decided (with its facts), THEN the events it emits, or the code (and field) of
 * its refusal. History is events, never commands replayed through `decide`: a spec states
 * the past it assumes, so a bug in another command's rules cannot change what it checks.
 *
 * The outcome methods are not named `then`: an object with `then` is a thenable, and a test
 * that returned it would hand it to the runner as a promise.
 */
export interface DecidedThen<E, Err> {
  /** The decision as returned, for assertions the helpers below do not cover. */
  readonly decision: Decision<E, Err>;
  thenEmits(expected: readonly E[]): void;
  thenEmitsNothing(): void;
  thenRefuses(code: string, path?: string): void;
}

export interface DeciderSpecification<C, E extends DomainEvent, S, Err, Facts> {
  given(events: readonly E[]): {
    readonly state: S;
    when(command: C, ...facts: Facts extends void ? [] : [Facts]): DecidedThen<E, Err>;
  };
}

export function deciderSpecification<
  C,
  E extends DomainEvent,
  S,
  Err extends { code: string; path: string },
  Facts = void,
>(decider: Decider<C, E, S, Err, Facts>): DeciderSpecification<C, E, S, Err, Facts> {
  return {
    given(events) {
      const state = foldEvents(decider, events);
      return {
        state,
        when(command, ...facts) {
          const decision = decider.decide(command, state, facts[0] as Facts);
          return {
            decision,
            thenEmits(expected) {
              expect(decision).toEqual({ ok: true, events: expected });
            },
            thenEmitsNothing() {
              expect(decision).toEqual({ ok: true, events: [] });
            },
            thenRefuses(code, path) {
              expect(decision.ok).toBe(false);
              if (decision.ok) return;
              expect(decision.error.code).toBe(code);
              if (path !== undefined) expect(decision.error.path).toBe(path);
            },
          };
        },
      };
    },
  };
}
