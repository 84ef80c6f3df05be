import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { clientAccount, houseAccount, postedBalance } from './accounts';
import type { ClientDebitReason } from './client-debit-guard';
import {
  ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
  adjustmentExpiresAt,
  decideApproveAdjustment,
  decideExpireAdjustment,
  decideRejectAdjustment,
  decideRequestAdjustment,
} from './decide-adjustment';
import { decideLedger } from './ledger';
import type { AssetDecimals } from './ledger-decision';
import type { LedgerCommand } from './ledger-commands';
import type { LedgerErrorCode } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import {
  balanceOf,
  evolveLedger,
  initialLedgerState,
  type LedgerState,
  type RequestedAdjustment,
} from './ledger-state';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const at = '2026-11-24T09:00:00.000Z';
const metadata = { at };
const HOUR_MS = 60 * 60 * 1000;
/** Counted from the request at `at` with the default window. */
const windowEnd = new Date(Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT).toISOString();
const msBeforeEnd = new Date(
  Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT - 1,
).toISOString();
const msAfterEnd = new Date(
  Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT + 1,
).toISOString();

const consent: ClientDebitReason = {
  kind: 'written-consent',
  consentReference: 'CONSENT-2026-118',
};
const legalOrder: ClientDebitReason = { kind: 'legal-order', orderReference: 'HCMP 1234/2026' };

const onboard = (clientId: string): LedgerCommand => ({
  type: 'OnboardClient',
  clientId,
  metadata,
});
const deposit = (depositId: string, amountMinor: bigint): LedgerCommand => ({
  type: 'BookDeposit',
  depositId,
  clientId: 'alice',
  asset: 'USDT',
  amountMinor,
  walletId: 'wallet-cold-1',
  metadata,
});
const hold = (withdrawalId: string, amountMinor: bigint): LedgerCommand => ({
  type: 'HoldWithdrawal',
  withdrawalId,
  clientId: 'alice',
  asset: 'USDT',
  amountMinor,
  walletId: 'wallet-hot-1',
  destinationAllowListedForClientId: 'alice',
  metadata,
});
/** alice holds 1,000 USDT minor units; bob is onboarded with nothing. */
const funded = [onboard('alice'), onboard('bob'), deposit('D-1', 1_000n)];

const request = (
  overrides: Partial<Command<'RequestAdjustment'>> = {},
): Command<'RequestAdjustment'> => ({
  type: 'RequestAdjustment',
  adjustmentId: 'A-1',
  requestedBy: 'operator-1',
  clientId: 'alice',
  asset: 'USDT',
  direction: 'credit',
  amountMinor: 10n,
  debitReason: null,
  note: 'correction of deposit D-1',
  metadata,
  ...overrides,
});
const debit = (amountMinor: bigint, debitReason: ClientDebitReason | null = consent) =>
  request({ direction: 'debit', amountMinor, debitReason });
const approve = (
  approvedBy: string,
  now = at,
  overrides: Partial<Command<'ApproveAdjustment'>> = {},
): Command<'ApproveAdjustment'> => ({
  type: 'ApproveAdjustment',
  adjustmentId: 'A-1',
  clientId: 'alice',
  approvedBy,
  approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
  metadata: { at: now },
  ...overrides,
});
const reject = (
  rejectedBy: string,
  reason = 'the client misread the statement',
  overrides: Partial<Command<'RejectAdjustment'>> = {},
): Command<'RejectAdjustment'> => ({
  type: 'RejectAdjustment',
  adjustmentId: 'A-1',
  clientId: 'alice',
  rejectedBy,
  reason,
  metadata,
  ...overrides,
});
const expire = (
  now: string,
  overrides: Partial<Command<'ExpireAdjustment'>> = {},
): Command<'ExpireAdjustment'> => ({
  type: 'ExpireAdjustment',
  adjustmentId: 'A-1',
  clientId: 'alice',
  approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
  metadata: { at: now },
  ...overrides,
});

function stateAfter(history: readonly LedgerCommand[]): LedgerState {
  let state = initialLedgerState();
  for (const command of history) {
    const decision = decideLedger(command, state, decimals);
    if (!decision.ok) throw new Error(`given: ${command.type} refused with ${decision.error.code}`);
    state = decision.events.reduce(evolveLedger, state);
  }
  return state;
}

/** given(commands).when(command).then(events) / .thenRefuses(code, path), through decideLedger. */
function given(...history: LedgerCommand[]) {
  const state = stateAfter(history);
  return {
    state,
    when(command: LedgerCommand) {
      const decision = decideLedger(command, state, decimals);
      return {
        then(
          expected:
            readonly LedgerEvent[] | ((events: readonly LedgerEvent[], after: LedgerState) => void),
        ) {
          if (!decision.ok)
            throw new Error(
              `expected events, got ${decision.error.code}: ${decision.error.reason}`,
            );
          if (typeof expected === 'function')
            expected(decision.events, decision.events.reduce(evolveLedger, state));
          else expect(decision.events).toEqual(expected);
        },
        thenRefuses(code: LedgerErrorCode, path: string) {
          expect(
            decision.ok ? 'accepted' : { code: decision.error.code, path: decision.error.path },
          ).toEqual({ code, path });
        },
      };
    },
  };
}

const aliceUsdt = clientAccount('alice', 'USDT');
const inventoryUsdt = houseAccount('inventory', 'USDT');
const posted = (state: LedgerState, account = aliceUsdt) =>
  postedBalance(account, balanceOf(state, account));

describe('adjustments: the maker requests', () => {
  it('a credit request records every field, its fingerprint and instant, and moves nothing yet', () => {
    given(...funded)
      .when(request())
      .then((events, after) => {
        expect(events).toEqual([
          {
            type: 'AdjustmentRequested',
            data: {
              adjustmentId: 'A-1',
              requestedBy: 'operator-1',
              clientId: 'alice',
              asset: 'USDT',
              direction: 'credit',
              amountMinor: 10n,
              debitReason: null,
              note: 'correction of deposit D-1',
              fingerprint: expect.any(String),
              at,
            },
          },
        ]);
        expect(posted(after)).toBe(1_000n);
        expect(after.adjustments.get('A-1')).toMatchObject({
          status: 'pending',
          approvedBy: null,
          requestedAt: at,
        });
      });
  });

  it('HK-7 a debit on written consent or a legal order is requested with its reason', () => {
    for (const reason of [consent, legalOrder]) {
      given(...funded)
        .when(debit(10n, reason))
        .then((events) =>
          expect(events).toEqual([
            {
              type: 'AdjustmentRequested',
              data: expect.objectContaining({
                direction: 'debit',
                amountMinor: 10n,
                debitReason: reason,
              }),
            },
          ]),
        );
    }
  });

  it('a credit needs no debit reason; a debit without one is refused with ADJUSTMENT_DEBIT_REASON_MISSING', () => {
    given(...funded)
      .when(request({ direction: 'credit', debitReason: null }))
      .then((events) => expect(events).toHaveLength(1));
    given(...funded)
      .when(debit(10n, null))
      .thenRefuses('ADJUSTMENT_DEBIT_REASON_MISSING', 'debitReason');
  });

  it('HK-7 a debit request is never beyond the available balance: exactly the balance passes, one unit more is refused', () => {
    given(...funded)
      .when(debit(1_000n))
      .then((events) => expect(events).toHaveLength(1));
    given(...funded)
      .when(debit(1_001n))
      .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    // a credit of any size is no debit: never checked against the balance
    given(...funded)
      .when(request({ amountMinor: 1_001n }))
      .then((events) => expect(events).toHaveLength(1));
  });

  it('HK-7 the reason is checked before the balance: a debit both unfounded and uncovered is refused for its reason', () => {
    given(...funded)
      .when(debit(1_001n, { kind: 'written-consent', consentReference: '' }))
      .thenRefuses('HK7_CONSENT_REFERENCE_MISSING', 'debitReason');
  });

  it.each<[string, Partial<Command<'RequestAdjustment'>>, LedgerErrorCode, string]>([
    ['a requester who is only blanks', { requestedBy: '  ' }, 'ACTOR_MISSING', 'requestedBy'],
    ['an empty requester', { requestedBy: '' }, 'ACTOR_MISSING', 'requestedBy'],
    ['a client never onboarded', { clientId: 'carol' }, 'CLIENT_UNKNOWN', 'clientId'],
    ['an asset not in the registry', { asset: 'DOGE' }, 'ASSET_UNKNOWN', 'asset'],
    ['a zero amount', { amountMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
    ['a negative amount', { amountMinor: -1n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
  ])('given %s, then the request is refused', (_case, overrides, code, path) => {
    given(...funded)
      .when(request(overrides))
      .thenRefuses(code, path);
  });

  it('the smallest amount, one minor unit, may be requested', () => {
    given(...funded)
      .when(request({ amountMinor: 1n }))
      .then((events) => expect(events).toHaveLength(1));
  });

  describe('when the same adjustment id was requested before', () => {
    it('the same request again (a redelivery) is a no-op while pending, and after approval it does not reopen it', () => {
      given(...funded, request())
        .when(request())
        .then([]);
      given(...funded, request(), approve('approver-2'))
        .when(request())
        .then((events, after) => {
          expect(events).toEqual([]);
          expect(after.adjustments.get('A-1')).toMatchObject({
            status: 'approved',
            approvedBy: 'approver-2',
          });
        });
      given(...funded, debit(10n), approve('approver-2'))
        .when(debit(10n))
        .then([]);
    });

    it('a replayed request after approval cannot be approved a second time: the journal posts once', () => {
      const state = stateAfter([...funded, request(), approve('approver-2'), request()]);
      expect(posted(state)).toBe(1_010n);
      expect(decideLedger(approve('approver-3'), state, decimals)).toMatchObject({
        ok: false,
        error: { code: 'ADJUSTMENT_NOT_PENDING', path: 'adjustmentId' },
      });
    });

    it.each<[string, Partial<Command<'RequestAdjustment'>>]>([
      ['another amount', { amountMinor: 11n }],
      ['another direction', { direction: 'debit', debitReason: consent }],
      ['another requester', { requestedBy: 'operator-9' }],
      ['another asset', { asset: 'BTC' }],
      ['another note', { note: 'other' }],
      ['another debit reason', { direction: 'debit', debitReason: legalOrder }],
    ])(
      'the same id with %s is refused with ADJUSTMENT_ID_CONFLICT, whatever its state',
      (_case, overrides) => {
        const original = overrides.debitReason === legalOrder ? debit(10n, consent) : request();
        given(...funded, original)
          .when(request(overrides))
          .thenRefuses('ADJUSTMENT_ID_CONFLICT', 'adjustmentId');
        given(...funded, original, approve('approver-2'))
          .when(request(overrides))
          .thenRefuses('ADJUSTMENT_ID_CONFLICT', 'adjustmentId');
      },
    );

    it('a conflicting request is refused even when it would be refused otherwise (the id is checked first)', () => {
      given(...funded, request())
        .when(request({ requestedBy: ' ' }))
        .thenRefuses('ADJUSTMENT_ID_CONFLICT', 'adjustmentId');
    });
  });

  it('the fingerprint is the content: equal for equal requests, different for different ones', () => {
    const fingerprint = (command: Command<'RequestAdjustment'>) => {
      const decision = decideRequestAdjustment(command, stateAfter(funded), decimals);
      return decision.ok && decision.events[0]?.type === 'AdjustmentRequested'
        ? decision.events[0].data.fingerprint
        : undefined;
    };
    expect(fingerprint(request())).toBe(fingerprint(request({ metadata: { at: windowEnd } })));
    expect(fingerprint(request())).not.toBe(fingerprint(request({ note: 'other' })));
    expect(fingerprint(debit(10n, consent))).not.toBe(
      fingerprint(debit(10n, { kind: 'written-consent', consentReference: 'CONSENT-2026-119' })),
    );
  });
});

describe('adjustments: the checker approves (maker-checker)', () => {
  it('a different person approves a credit: the approval and one journal inventory -> client, both at the approval instant', () => {
    const approvedAt = new Date(Date.parse(at) + HOUR_MS).toISOString();
    const state = stateAfter([...funded, request()]);
    const fingerprint = state.adjustments.get('A-1')?.fingerprint;
    expect(decideApproveAdjustment(approve('approver-2', approvedAt), state)).toEqual({
      ok: true,
      events: [
        {
          type: 'AdjustmentApproved',
          data: { adjustmentId: 'A-1', approvedBy: 'approver-2', at: approvedAt },
        },
        {
          type: 'JournalPosted',
          data: {
            journalId: 'adjustment:A-1',
            kind: 'adjustment',
            sourceReference: 'A-1',
            fingerprint,
            entries: [
              { account: inventoryUsdt, side: 'debit', amountMinor: 10n },
              { account: aliceUsdt, side: 'credit', amountMinor: 10n },
            ],
            at: approvedAt,
          },
        },
      ],
    });
  });

  it('HK-7 an approved DEBIT posts as a debit of the client (client -> inventory), never as a credit', () => {
    given(...funded, debit(300n))
      .when(approve('approver-2'))
      .then((events, after) => {
        expect(events[1]).toMatchObject({
          type: 'JournalPosted',
          data: {
            entries: [
              { account: aliceUsdt, side: 'debit', amountMinor: 300n },
              { account: inventoryUsdt, side: 'credit', amountMinor: 300n },
            ],
          },
        });
        expect(posted(after)).toBe(700n);
        expect(posted(after, inventoryUsdt)).toBe(300n);
        expect(after.adjustments.get('A-1')).toMatchObject({
          status: 'approved',
          approvedBy: 'approver-2',
        });
      });
  });

  describe('HK-7 a debit is re-checked against the balance at approval', () => {
    it('given the balance fell below the debit after the request, then the approval is refused and nothing posts', () => {
      given(...funded, debit(300n), hold('W-1', 701n))
        .when(approve('approver-2'))
        .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    });

    it('given the balance fell to exactly the debit, then the approval posts and leaves zero', () => {
      given(...funded, debit(300n), hold('W-1', 700n))
        .when(approve('approver-2'))
        .then((_events, after) =>
          expect(posted(after) - balanceOf(after, aliceUsdt).debitsPending).toBe(0n),
        );
    });

    it('a credit is never re-checked: it posts whatever the balance', () => {
      given(...funded, request({ amountMinor: 5_000n }), hold('W-1', 1_000n))
        .when(approve('approver-2'))
        .then((_events, after) => expect(posted(after)).toBe(6_000n));
    });
  });

  describe('maker-checker: who may approve', () => {
    it('the requester is refused with MAKER_CHECKER_SAME_PERSON; a different person is accepted', () => {
      given(...funded, request())
        .when(approve('operator-1'))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
      given(...funded, request())
        .when(approve('approver-2'))
        .then((events) =>
          expect(events.map((event) => event.type)).toEqual([
            'AdjustmentApproved',
            'JournalPosted',
          ]),
        );
    });

    it('an approver who is blank or empty is refused with ACTOR_MISSING', () => {
      given(...funded, request())
        .when(approve('  '))
        .thenRefuses('ACTOR_MISSING', 'approvedBy');
      given(...funded, request())
        .when(approve(''))
        .thenRefuses('ACTOR_MISSING', 'approvedBy');
    });

    it('a blank approver is refused as missing even when the requester was the same blank (missing comes first)', () => {
      const state = stateAfter(funded);
      const blankRequest: RequestedAdjustment = {
        requestedBy: ' ',
        clientId: 'alice',
        asset: 'USDT',
        direction: 'credit',
        amountMinor: 1n,
        debitReason: null,
        fingerprint: 'f',
        requestedAt: at,
        status: 'pending',
        approvedBy: null,
      };
      const withBlank: LedgerState = { ...state, adjustments: new Map([['A-1', blankRequest]]) };
      expect(decideApproveAdjustment(approve(' '), withBlank)).toMatchObject({
        ok: false,
        error: { code: 'ACTOR_MISSING', path: 'approvedBy' },
      });
      expect(decideRejectAdjustment(reject(' '), withBlank)).toMatchObject({
        ok: false,
        error: { code: 'ACTOR_MISSING', path: 'rejectedBy' },
      });
    });
  });

  it('an unknown adjustment id, or one requested for another client, is ADJUSTMENT_UNKNOWN', () => {
    given(...funded, request())
      .when(approve('approver-2', at, { adjustmentId: 'A-2' }))
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    given(...funded, request())
      .when(approve('approver-2', at, { clientId: 'bob' }))
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    given(...funded, request())
      .when(reject('approver-2', 'why', { clientId: 'bob' }))
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    given(...funded, request())
      .when(expire(windowEnd, { clientId: 'bob' }))
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    given(...funded)
      .when(reject('approver-2'))
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    given(...funded)
      .when(expire(windowEnd))
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
  });

  describe('replays and decisions already taken', () => {
    it('the same approval again is a no-op, even after the window; another approver is ADJUSTMENT_NOT_PENDING', () => {
      given(...funded, request(), approve('approver-2'))
        .when(approve('approver-2'))
        .then([]);
      given(...funded, request(), approve('approver-2'))
        .when(approve('approver-2', msAfterEnd))
        .then([]);
      given(...funded, request(), approve('approver-2'))
        .when(approve('approver-3'))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('the same approval again of a DEBIT does not re-check the balance (nothing new posts)', () => {
      given(...funded, debit(1_000n), approve('approver-2'))
        .when(approve('approver-2'))
        .then([]);
    });

    it('a rejected adjustment cannot be approved, not even by its rejecter', () => {
      given(...funded, request(), reject('approver-2'))
        .when(approve('approver-2'))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('an expired adjustment is refused with ADJUSTMENT_EXPIRED, even when the requester asks', () => {
      given(...funded, request(), expire(windowEnd))
        .when(approve('approver-2'))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      given(...funded, request(), expire(windowEnd))
        .when(approve('operator-1'))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('a rejected adjustment approved by the requester is still ADJUSTMENT_NOT_PENDING (the state is checked first)', () => {
      given(...funded, request(), reject('approver-2'))
        .when(approve('operator-1'))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });
  });

  describe('the approval window (72 h by default, counted from the request)', () => {
    it('one ms before the end it posts; exactly at the end and one ms after it is ADJUSTMENT_EXPIRED', () => {
      given(...funded, request())
        .when(approve('approver-2', msBeforeEnd))
        .then((events) =>
          expect(events.map((event) => event.type)).toEqual([
            'AdjustmentApproved',
            'JournalPosted',
          ]),
        );
      given(...funded, request())
        .when(approve('approver-2', windowEnd))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      given(...funded, request())
        .when(approve('approver-2', msAfterEnd))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('the window is the configured one: 1 h configured, approval at 1 h is expired, at 1 h - 1 ms it posts', () => {
      const oneHourLater = new Date(Date.parse(at) + HOUR_MS).toISOString();
      const justBefore = new Date(Date.parse(at) + HOUR_MS - 1).toISOString();
      given(...funded, request())
        .when(approve('approver-2', oneHourLater, { approvalWindowMs: HOUR_MS }))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      given(...funded, request())
        .when(approve('approver-2', justBefore, { approvalWindowMs: HOUR_MS }))
        .then((events) => expect(events).toHaveLength(2));
    });

    it('the same person is refused as the same person, not as expired, when both hold (who decides is checked first)', () => {
      given(...funded, request())
        .when(approve('operator-1', windowEnd))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
    });

    it('an expired debit is refused as expired even when uncovered (no journal, no balance check needed)', () => {
      given(...funded, debit(300n), hold('W-1', 1_000n))
        .when(approve('approver-2', windowEnd))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('a window that is not a positive whole number of ms is a programmer error', () => {
      const state = stateAfter([...funded, request()]);
      for (const approvalWindowMs of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
        expect(() =>
          decideApproveAdjustment(approve('approver-2', at, { approvalWindowMs }), state),
        ).toThrow(/assertion: an approval window/);
        expect(() =>
          decideExpireAdjustment(expire(windowEnd, { approvalWindowMs }), state),
        ).toThrow(/assertion: an approval window/);
      }
    });
  });
});

describe('adjustmentExpiresAt', () => {
  const pending = (requestedAt: string): RequestedAdjustment => ({
    requestedBy: 'operator-1',
    clientId: 'alice',
    asset: 'USDT',
    direction: 'credit',
    amountMinor: 1n,
    debitReason: null,
    fingerprint: 'f',
    requestedAt,
    status: 'pending',
    approvedBy: null,
  });

  it('is the request instant plus the window, to the ms', () => {
    expect(adjustmentExpiresAt(pending(at), ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT)).toBe(
      '2026-11-27T09:00:00.000Z',
    );
    expect(adjustmentExpiresAt(pending(at), 1)).toBe('2026-11-24T09:00:00.001Z');
  });

  it('the default window is 72 hours', () => {
    expect(ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT).toBe(259_200_000);
  });

  it('refuses a window of zero, below zero, fractional or beyond a safe integer, and a request instant that is no date', () => {
    for (const windowMs of [0, -1, 0.5, Number.MAX_SAFE_INTEGER + 1, Number.POSITIVE_INFINITY]) {
      expect(() => adjustmentExpiresAt(pending(at), windowMs)).toThrow(
        `assertion: an approval window is a positive number of milliseconds, not ${windowMs}`,
      );
    }
    expect(() => adjustmentExpiresAt(pending('yesterday'), 1)).toThrow(
      "assertion: adjustment requested at 'yesterday'",
    );
  });
});

describe('adjustments: the checker rejects', () => {
  it('a different person rejects with a reason: AdjustmentRejected, nothing booked, the request closed as rejected', () => {
    given(...funded, request())
      .when(reject('approver-2', 'no deposit is missing'))
      .then((events, after) => {
        expect(events).toEqual([
          {
            type: 'AdjustmentRejected',
            data: {
              adjustmentId: 'A-1',
              rejectedBy: 'approver-2',
              reason: 'no deposit is missing',
              at,
            },
          },
        ]);
        expect(posted(after)).toBe(1_000n);
        expect(after.adjustments.get('A-1')).toMatchObject({
          status: 'rejected',
          rejectedBy: 'approver-2',
          rejectionReason: 'no deposit is missing',
        });
      });
  });

  it('the requester is refused with MAKER_CHECKER_SAME_PERSON; a blank or empty rejecter with ACTOR_MISSING', () => {
    given(...funded, request())
      .when(reject('operator-1'))
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
    given(...funded, request())
      .when(reject(' '))
      .thenRefuses('ACTOR_MISSING', 'rejectedBy');
    given(...funded, request())
      .when(reject(''))
      .thenRefuses('ACTOR_MISSING', 'rejectedBy');
  });

  it('a rejection without a reason (empty or blank) is refused with REASON_REQUIRED; one character is a reason', () => {
    given(...funded, request())
      .when(reject('approver-2', ''))
      .thenRefuses('REASON_REQUIRED', 'reason');
    given(...funded, request())
      .when(reject('approver-2', ' \t'))
      .thenRefuses('REASON_REQUIRED', 'reason');
    given(...funded, request())
      .when(reject('approver-2', 'x'))
      .then((events) => expect(events).toHaveLength(1));
  });

  it('the requester rejecting without a reason is refused as the same person (who decides is checked first)', () => {
    given(...funded, request())
      .when(reject('operator-1', ''))
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
  });

  it('the same rejection again is a no-op; another rejecter or another reason is ADJUSTMENT_NOT_PENDING', () => {
    given(...funded, request(), reject('approver-2', 'why'))
      .when(reject('approver-2', 'why'))
      .then([]);
    given(...funded, request(), reject('approver-2', 'why'))
      .when(reject('approver-3', 'why'))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    given(...funded, request(), reject('approver-2', 'why'))
      .when(reject('approver-2', 'another why'))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('an approved or expired adjustment cannot be rejected, not even by its approver', () => {
    given(...funded, request(), approve('approver-2'))
      .when(reject('approver-2'))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    given(...funded, request(), expire(windowEnd))
      .when(reject('approver-2'))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('a rejection needs no window: it is accepted after the window has ended', () => {
    given(...funded, request())
      .when(reject('approver-2', 'late', { metadata: { at: msAfterEnd } }))
      .then((events) =>
        expect(events).toEqual([
          {
            type: 'AdjustmentRejected',
            data: { adjustmentId: 'A-1', rejectedBy: 'approver-2', reason: 'late', at: msAfterEnd },
          },
        ]),
      );
  });
});

describe('adjustments: expiry closes a pending request in the books', () => {
  it('one ms before the end it is ADJUSTMENT_NOT_EXPIRED; at the end and one ms after it expires with the window end', () => {
    given(...funded, request())
      .when(expire(msBeforeEnd))
      .thenRefuses('ADJUSTMENT_NOT_EXPIRED', 'adjustmentId');
    given(...funded, request())
      .when(expire(windowEnd))
      .then([
        {
          type: 'AdjustmentExpired',
          data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: windowEnd },
        },
      ]);
    given(...funded, request())
      .when(expire(msAfterEnd))
      .then((events, after) => {
        expect(events).toEqual([
          {
            type: 'AdjustmentExpired',
            data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: msAfterEnd },
          },
        ]);
        expect(after.adjustments.get('A-1')).toMatchObject({ status: 'expired' });
        expect(posted(after)).toBe(1_000n);
      });
  });

  it('again: a no-op; an approved or rejected request is ADJUSTMENT_NOT_PENDING', () => {
    given(...funded, request(), expire(windowEnd))
      .when(expire(msAfterEnd))
      .then([]);
    given(...funded, request(), approve('approver-2'))
      .when(expire(windowEnd))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    given(...funded, request(), reject('approver-2'))
      .when(expire(windowEnd))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('an expiry replayed with another window is still a no-op (nothing is left to close)', () => {
    given(...funded, request(), expire(windowEnd))
      .when(expire(windowEnd, { approvalWindowMs: 0 }))
      .then([]);
  });
});

describe('adjustments through decideLedger: every journal leaves balanced (HK-8)', () => {
  it('routes each adjustment command to its decision', () => {
    const state = stateAfter(funded);
    expect(decideLedger(request(), state, decimals)).toEqual(
      decideRequestAdjustment(request(), state, decimals),
    );
    const pending = stateAfter([...funded, request()]);
    expect(decideLedger(approve('approver-2'), pending, decimals)).toEqual(
      decideApproveAdjustment(approve('approver-2'), pending),
    );
    expect(decideLedger(reject('approver-2'), pending, decimals)).toEqual(
      decideRejectAdjustment(reject('approver-2'), pending),
    );
    expect(decideLedger(expire(windowEnd), pending, decimals)).toEqual(
      decideExpireAdjustment(expire(windowEnd), pending),
    );
  });
});
