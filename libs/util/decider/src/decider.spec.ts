import { eventTypesOf, foldEvents, unhandled, type Decider, type Refusal } from './decider';
import { deciderSpecification } from './testing';

type CounterEvent =
  { type: 'Opened'; data: { id: string } } | { type: 'Added'; data: { amount: bigint } };
type CounterCommand = { type: 'Add'; amount: bigint } | { type: 'Open'; id: string };
type CounterState = { open: boolean; total: bigint };

const counter: Decider<CounterCommand, CounterEvent, CounterState, Refusal, { max: bigint }> = {
  initialState: { open: false, total: 0n },
  eventTypes: eventTypesOf<CounterEvent>({ Opened: true, Added: true }),
  evolve(state, event) {
    switch (event.type) {
      case 'Opened':
        return { ...state, open: true };
      case 'Added':
        return { ...state, total: state.total + event.data.amount };
      default:
        return unhandled(event);
    }
  },
  decide(command, state, facts) {
    if (command.type === 'Open')
      return state.open
        ? { ok: true, events: [] }
        : { ok: true, events: [{ type: 'Opened', data: { id: command.id } }] };
    if (!state.open) return { ok: false, error: { code: 'CLOSED', path: 'id', reason: 'open it' } };
    if (state.total + command.amount > facts.max)
      return { ok: false, error: { code: 'OVER', path: 'amount', reason: 'too much' } };
    return { ok: true, events: [{ type: 'Added', data: { amount: command.amount } }] };
  },
};
const spec = deciderSpecification(counter);
const opened: CounterEvent = { type: 'Opened', data: { id: 'c-1' } };

describe('Decider contract (issue 24)', () => {
  it('eventTypesOf lists the keys of the record, each once', () => {
    expect([...counter.eventTypes]).toEqual(['Opened', 'Added']);
  });

  it('eventTypesOf refuses an entry that is not true (a list turned off by a slip fails at load)', () => {
    const slipped = { Opened: true, Added: false } as unknown as Record<CounterEvent['type'], true>;
    expect(() => eventTypesOf<CounterEvent>(slipped)).toThrow(
      'assertion: event type Added is listed as false',
    );
  });

  it('foldEvents evolves from the initial state in order', () => {
    const added = (amount: bigint): CounterEvent => ({ type: 'Added', data: { amount } });
    expect(foldEvents(counter, [opened, added(2n), added(3n)])).toEqual({ open: true, total: 5n });
    expect(foldEvents(counter, [])).toBe(counter.initialState);
  });

  it('unhandled throws, naming the value (the default of an exhaustive switch)', () => {
    expect(() => unhandled({ type: 'Stray' } as never)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });

  describe('deciderSpecification', () => {
    it('given events, when a command with its facts, then the events it emits', () => {
      const when = spec.given([opened]).when({ type: 'Add', amount: 5n }, { max: 5n });
      when.thenEmits([{ type: 'Added', data: { amount: 5n } }]);
      expect(() => when.thenEmits([])).toThrow();
      expect(() => when.thenEmitsNothing()).toThrow();
      expect(() => when.thenRefuses('OVER')).toThrow();
    });

    it('given events, when a refused command, then its code and field', () => {
      const when = spec.given([opened]).when({ type: 'Add', amount: 6n }, { max: 5n });
      when.thenRefuses('OVER', 'amount');
      when.thenRefuses('OVER');
      expect(() => when.thenRefuses('CLOSED')).toThrow();
      expect(() => when.thenRefuses('OVER', 'id')).toThrow();
      expect(() => when.thenEmitsNothing()).toThrow();
    });

    it('given events, when a replayed command, then nothing', () => {
      const when = spec.given([opened]).when({ type: 'Open', id: 'c-1' }, { max: 0n });
      when.thenEmitsNothing();
      expect(() => when.thenEmits([opened])).toThrow();
      expect(spec.given([opened]).state).toEqual({ open: true, total: 0n });
    });
  });
});
