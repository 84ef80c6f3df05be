import { deciderSpecification } from '@custody/decider/testing';
import {
  comminglingDecider,
  initialComminglingState,
  type ComminglingEvent,
  type ComminglingWallet,
  type ComminglingState,
  type RecordComminglingException,
} from './commingling';
import { COMMINGLING_PURPOSES, type ComminglingPurpose } from './facts';

const at = '2026-11-24T09:00:00.000Z';
const hotClient = { tier: 'hot', ownerClass: 'client-segregated' } as const;
const coldClient = { tier: 'cold', ownerClass: 'client-segregated' } as const;
const command = (
  overrides: Partial<RecordComminglingException> = {},
): RecordComminglingException => ({
  exceptionId: 'X-1',
  walletId: 'hot-1',
  asset: 'ETH',
  amountMinor: 1_000n,
  purpose: 'network-fee',
  reason: 'gas for client withdrawals this week',
  by: 'treasury-1',
  at,
  ...overrides,
});
type Wallet = ComminglingWallet;
const outcome = (
  given: RecordComminglingException,
  state: ComminglingState = initialComminglingState,
  wallet: Wallet = hotClient,
) => {
  const decision = comminglingDecider.decide(given, state, wallet);
  return decision.ok
    ? decision.events.map((event) => event.type)
    : [decision.error.code, decision.error.path];
};
/** The event recording `command(overrides)` records. */
const exceptionRecorded = (
  overrides: Partial<RecordComminglingException> = {},
): ComminglingEvent => {
  const { by, purpose, ...recorded } = command(overrides);
  return {
    type: 'ComminglingExceptionRecorded',
    data: { ...recorded, purpose: purpose as ComminglingPurpose, recordedBy: by },
  };
};
/** The exceptions after the stream's past, stated as events. */
const recorded = (...events: ComminglingEvent[]): ComminglingState =>
  deciderSpecification(comminglingDecider).given(events).state;

describe('TW-4 commingling exceptions: house assets in a client wallet only as a recorded exception', () => {
  describe('given a client hot wallet', () => {
    it('TW-4 a network fee exception is recorded with its purpose, amount, who recorded it, why and when', () => {
      expect(comminglingDecider.decide(command(), initialComminglingState, hotClient)).toEqual({
        ok: true,
        events: [
          {
            type: 'ComminglingExceptionRecorded',
            data: {
              exceptionId: 'X-1',
              walletId: 'hot-1',
              asset: 'ETH',
              amountMinor: 1_000n,
              purpose: 'network-fee',
              reason: 'gas for client withdrawals this week',
              recordedBy: 'treasury-1',
              at,
            },
          },
        ],
      });
    });

    it.each(COMMINGLING_PURPOSES.map((purpose) => [purpose]))(
      'TW-4 each of the four purposes is accepted: %s',
      (purpose) => {
        expect(outcome(command({ purpose }))).toEqual(['ComminglingExceptionRecorded']);
      },
    );

    it('TW-4 any other purpose is refused on purpose, naming none of the four', () => {
      expect(outcome(command({ purpose: 'working-capital' }))).toEqual([
        'COMMINGLING_PURPOSE_INVALID',
        'purpose',
      ]);
      expect(outcome(command({ purpose: '' }))).toEqual(['COMMINGLING_PURPOSE_INVALID', 'purpose']);
    });

    it('TW-4 one minor unit is a positive amount; zero and below are refused on amountMinor', () => {
      expect(outcome(command({ amountMinor: 1n }))).toEqual(['ComminglingExceptionRecorded']);
      expect(outcome(command({ amountMinor: 0n }))).toEqual(['AMOUNT_NOT_POSITIVE', 'amountMinor']);
      expect(outcome(command({ amountMinor: -1n }))).toEqual([
        'AMOUNT_NOT_POSITIVE',
        'amountMinor',
      ]);
    });

    it('TW-4 an exception states why: an empty or blank reason is refused', () => {
      expect(outcome(command({ reason: '' }))).toEqual(['REASON_REQUIRED', 'reason']);
      expect(outcome(command({ reason: ' \t ' }))).toEqual(['REASON_REQUIRED', 'reason']);
    });
  });

  describe('given a client cold wallet', () => {
    it('TW-4 house assets go in only to pay gas: network-fee is recorded, every other purpose refused', () => {
      expect(
        outcome(command({ purpose: 'network-fee' }), initialComminglingState, coldClient),
      ).toEqual(['ComminglingExceptionRecorded']);
      for (const purpose of COMMINGLING_PURPOSES.filter(
        (candidate) => candidate !== 'network-fee',
      )) {
        expect(outcome(command({ purpose }), initialComminglingState, coldClient)).toEqual([
          'COMMINGLING_COLD_NOT_GAS',
          'purpose',
        ]);
      }
    });
  });

  describe('given a wallet that is not a client wallet', () => {
    it('TW-4 house assets in a house wallet are no exception: refused on walletId, hot or cold', () => {
      expect(
        outcome(command(), initialComminglingState, { tier: 'hot', ownerClass: 'house' }),
      ).toEqual(['COMMINGLING_WALLET_NOT_CLIENT', 'walletId']);
      expect(
        outcome(command(), initialComminglingState, { tier: 'cold', ownerClass: 'house' }),
      ).toEqual(['COMMINGLING_WALLET_NOT_CLIENT', 'walletId']);
    });

    it('a wallet the policy service does not know is refused on walletId', () => {
      expect(
        comminglingDecider.decide(command(), initialComminglingState, undefined),
      ).toMatchObject({ ok: false, error: { code: 'WALLET_UNKNOWN', path: 'walletId' } });
    });
  });

  describe('given an exception already recorded', () => {
    const state = recorded(exceptionRecorded());

    it("TW-4 it is kept with its wallet, asset, amount and purpose (the reason and who are the event's, not the exception's)", () => {
      expect([...state.exceptions.entries()]).toEqual([
        [
          'X-1',
          {
            exceptionId: 'X-1',
            walletId: 'hot-1',
            asset: 'ETH',
            amountMinor: 1_000n,
            purpose: 'network-fee',
          },
        ],
      ]);
      expect(initialComminglingState.exceptions.size).toBe(0);
    });

    it('TW-4 its id names one exception: recording under it again is refused on exceptionId, a new id is recorded beside it', () => {
      expect(outcome(command(), state)).toEqual(['COMMINGLING_ID_TAKEN', 'exceptionId']);
      expect(outcome(command({ amountMinor: 5n, purpose: 'prefunded-rewards' }), state)).toEqual([
        'COMMINGLING_ID_TAKEN',
        'exceptionId',
      ]);
      const both = recorded(
        exceptionRecorded(),
        exceptionRecorded({
          exceptionId: 'X-2',
          asset: 'USDT',
          amountMinor: 7n,
          purpose: 'settlement-prefunding',
        }),
      );
      expect([...both.exceptions.keys()]).toEqual(['X-1', 'X-2']);
      expect(both.exceptions.get('X-2')).toEqual({
        exceptionId: 'X-2',
        walletId: 'hot-1',
        asset: 'USDT',
        amountMinor: 7n,
        purpose: 'settlement-prefunding',
      });
    });
  });
});

describe('comminglingDecider: the commingling exceptions stream (issue 24)', () => {
  it('holds only ComminglingExceptionRecorded, from no exception; it decides with the rules above, the wallet as its facts', () => {
    expect([...comminglingDecider.eventTypes]).toEqual(['ComminglingExceptionRecorded']);
    expect(comminglingDecider.initialState).toBe(initialComminglingState);
    const spec = deciderSpecification(comminglingDecider);
    spec.given([]).when(command(), hotClient).thenEmits([exceptionRecorded()]);
    spec
      .given([exceptionRecorded()])
      .when(command(), hotClient)
      .thenRefuses('COMMINGLING_ID_TAKEN', 'exceptionId');
  });

  it('given an event of no known type, then an assertion failure naming it', () => {
    expect(() =>
      comminglingDecider.evolve(initialComminglingState, { type: 'Stray' } as never),
    ).toThrow('assertion: unhandled "Stray"');
  });
});
