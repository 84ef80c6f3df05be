import { deciderSpecification } from '@custody/decider/testing';
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
import { fingerprintOf } from './decide-trade';
import { decideLedger, ledgerDecider } from './ledger';
import type { LedgerCommand } from './ledger-commands';
import type { LedgerErrorCode } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { balanceOf, type LedgerState, type RequestedAdjustment } from './ledger-state';
import {
  after,
  at,
  decimals,
  deposited,
  eventsOf,
  held,
  metadata,
  onboarded,
} from './ledger-history.fixture';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

const HOUR_MS = 60 * 60 * 1000;
/** Counted from the request at `at` with the default window. */
const windowEnd = new Date(Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT).toISOString();
const msBeforeEnd = new Date(
  Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT - 1,
).toISOString();
const msAfterEnd = new Date(
  Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT + 1,
).toISOString();

/** GIVEN recorded events, WHEN a command (facts: the asset decimals), THEN events or a refusal. */
const spec = deciderSpecification(ledgerDecider);

const consent: ClientDebitReason = {
  kind: 'written-consent',
  consentReference: 'CONSENT-2026-118',
};
const legalOrder: ClientDebitReason = { kind: 'legal-order', orderReference: 'HCMP 1234/2026' };

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

const aliceUsdt = clientAccount('alice', 'USDT');
const inventoryUsdt = houseAccount('inventory', 'USDT');

/** alice holds 1,000 USDT minor units; bob is onboarded with nothing. */
const funded: readonly LedgerEvent[] = [
  onboarded('alice'),
  onboarded('bob'),
  deposited('D-1', 'alice', 'USDT', 1_000n),
];
/** The canonical content of a request: its id and every field but the instant. */
const requestFingerprint = (command: Command<'RequestAdjustment'>) =>
  fingerprintOf([
    command.adjustmentId,
    command.requestedBy,
    command.clientId,
    command.asset,
    command.direction,
    command.amountMinor,
    JSON.stringify(command.debitReason),
    command.note,
  ]);
/** `command` as recorded: pending, nothing moved yet. */
const requested = (command = request()): LedgerEvent => {
  const { adjustmentId, requestedBy, clientId, asset, direction, amountMinor, debitReason, note } =
    command;
  return {
    type: 'AdjustmentRequested',
    data: {
      adjustmentId,
      requestedBy,
      clientId,
      asset,
      direction,
      amountMinor,
      debitReason,
      note,
      fingerprint: requestFingerprint(command),
      at: command.metadata.at,
    },
  };
};
/** `command` approved by `approvedBy` at `now`: the approval, its journal client <-> inventory. */
const approved = (command = request(), approvedBy = 'approver-2', now = at): LedgerEvent[] => {
  const client = clientAccount(command.clientId, command.asset);
  const inventory = houseAccount('inventory', command.asset);
  const [from, to] = command.direction === 'credit' ? [inventory, client] : [client, inventory];
  return [
    {
      type: 'AdjustmentApproved',
      data: { adjustmentId: command.adjustmentId, approvedBy, at: now },
    },
    {
      type: 'JournalPosted',
      data: {
        journalId: `adjustment:${command.adjustmentId}`,
        kind: 'adjustment',
        sourceReference: command.adjustmentId,
        fingerprint: requestFingerprint(command),
        entries: [
          { account: from, side: 'debit', amountMinor: command.amountMinor },
          { account: to, side: 'credit', amountMinor: command.amountMinor },
        ],
        at: now,
      },
    },
  ];
};
const rejected = (
  rejectedBy = 'approver-2',
  reason = 'the client misread the statement',
): LedgerEvent => ({
  type: 'AdjustmentRejected',
  data: { adjustmentId: 'A-1', rejectedBy, reason, at },
});
/** `expire(now)` once the default window has ended. */
const expired = (now = windowEnd): LedgerEvent => ({
  type: 'AdjustmentExpired',
  data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: now },
});

const posted = (state: LedgerState, account = aliceUsdt) =>
  postedBalance(account, balanceOf(state, account));

describe('adjustments: the maker requests', () => {
  it('a credit request records every field, its fingerprint and instant, and moves nothing yet', () => {
    const given = spec.given(funded);
    const when = given.when(request(), decimals);
    when.thenEmits([
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
    const books = after(given.state, when.decision);
    expect(posted(books)).toBe(1_000n);
    expect(books.adjustments.get('A-1')).toMatchObject({
      status: 'pending',
      approvedBy: null,
      requestedAt: at,
    });
  });

  it('HK-7 a debit on written consent or a legal order is requested with its reason', () => {
    for (const reason of [consent, legalOrder]) {
      spec
        .given(funded)
        .when(debit(10n, reason), decimals)
        .thenEmits([
          {
            type: 'AdjustmentRequested',
            data: expect.objectContaining({
              direction: 'debit',
              amountMinor: 10n,
              debitReason: reason,
            }),
          },
        ]);
    }
  });

  it('a credit needs no debit reason; a debit without one is refused with ADJUSTMENT_DEBIT_REASON_MISSING', () => {
    const credit = request({ direction: 'credit', debitReason: null });
    spec
      .given(funded)
      .when(credit, decimals)
      .thenEmits([requested(credit)]);
    spec
      .given(funded)
      .when(debit(10n, null), decimals)
      .thenRefuses('ADJUSTMENT_DEBIT_REASON_MISSING', 'debitReason');
  });

  it('HK-7 a debit request is never beyond the available balance: exactly the balance passes, one unit more is refused', () => {
    spec
      .given(funded)
      .when(debit(1_000n), decimals)
      .thenEmits([requested(debit(1_000n))]);
    spec
      .given(funded)
      .when(debit(1_001n), decimals)
      .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    // a credit of any size is no debit: never checked against the balance
    spec
      .given(funded)
      .when(request({ amountMinor: 1_001n }), decimals)
      .thenEmits([requested(request({ amountMinor: 1_001n }))]);
  });

  it('HK-7 the reason is checked before the balance: a debit both unfounded and uncovered is refused for its reason', () => {
    spec
      .given(funded)
      .when(debit(1_001n, { kind: 'written-consent', consentReference: '' }), decimals)
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
    spec.given(funded).when(request(overrides), decimals).thenRefuses(code, path);
  });

  it('the smallest amount, one minor unit, may be requested', () => {
    spec
      .given(funded)
      .when(request({ amountMinor: 1n }), decimals)
      .thenEmits([requested(request({ amountMinor: 1n }))]);
  });

  describe('when the same adjustment id was requested before', () => {
    it('the same request again (a redelivery) is a no-op while pending, and after approval it does not reopen it', () => {
      spec
        .given([...funded, requested()])
        .when(request(), decimals)
        .thenEmitsNothing();
      const given = spec.given([...funded, requested(), ...approved()]);
      const when = given.when(request(), decimals);
      when.thenEmitsNothing();
      expect(after(given.state, when.decision).adjustments.get('A-1')).toMatchObject({
        status: 'approved',
        approvedBy: 'approver-2',
      });
      spec
        .given([...funded, requested(debit(10n)), ...approved(debit(10n))])
        .when(debit(10n), decimals)
        .thenEmitsNothing();
    });

    it('a replayed request after approval cannot be approved a second time: the journal posts once', () => {
      const history = [...funded, requested(), ...approved()];
      const replay = spec.given(history).when(request(), decimals);
      const afterReplay = spec.given([...history, ...eventsOf(replay.decision)]);
      expect(posted(afterReplay.state)).toBe(1_010n);
      afterReplay
        .when(approve('approver-3'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
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
        spec
          .given([...funded, requested(original)])
          .when(request(overrides), decimals)
          .thenRefuses('ADJUSTMENT_ID_CONFLICT', 'adjustmentId');
        spec
          .given([...funded, requested(original), ...approved(original)])
          .when(request(overrides), decimals)
          .thenRefuses('ADJUSTMENT_ID_CONFLICT', 'adjustmentId');
      },
    );

    it('a conflicting request is refused even when it would be refused otherwise (the id is checked first)', () => {
      spec
        .given([...funded, requested()])
        .when(request({ requestedBy: ' ' }), decimals)
        .thenRefuses('ADJUSTMENT_ID_CONFLICT', 'adjustmentId');
    });
  });

  it('the fingerprint is the content: equal for equal requests, different for different ones', () => {
    const fingerprint = (command: Command<'RequestAdjustment'>) => {
      const { decision } = spec.given(funded).when(command, decimals);
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
    const given = spec.given([...funded, requested()]);
    // the request's own fingerprint, as the books hold it
    const fingerprint = requestFingerprint(request());
    expect(given.state.adjustments.get('A-1')?.fingerprint).toBe(fingerprint);
    given.when(approve('approver-2', approvedAt), decimals).thenEmits([
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
    ]);
  });

  it('HK-7 an approved DEBIT posts as a debit of the client (client -> inventory), never as a credit', () => {
    const given = spec.given([...funded, requested(debit(300n))]);
    const { decision } = given.when(approve('approver-2'), decimals);
    expect(eventsOf(decision)[1]).toMatchObject({
      type: 'JournalPosted',
      data: {
        entries: [
          { account: aliceUsdt, side: 'debit', amountMinor: 300n },
          { account: inventoryUsdt, side: 'credit', amountMinor: 300n },
        ],
      },
    });
    const books = after(given.state, decision);
    expect(posted(books)).toBe(700n);
    expect(posted(books, inventoryUsdt)).toBe(300n);
    expect(books.adjustments.get('A-1')).toMatchObject({
      status: 'approved',
      approvedBy: 'approver-2',
    });
  });

  describe('HK-7 a debit is re-checked against the balance at approval', () => {
    it('given the balance fell below the debit after the request, then the approval is refused and nothing posts', () => {
      spec
        .given([...funded, requested(debit(300n)), held('alice', 'USDT', 701n)])
        .when(approve('approver-2'), decimals)
        .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    });

    it('given the balance fell to exactly the debit, then the approval posts and leaves zero', () => {
      const given = spec.given([...funded, requested(debit(300n)), held('alice', 'USDT', 700n)]);
      const when = given.when(approve('approver-2'), decimals);
      when.thenEmits(approved(debit(300n)));
      const books = after(given.state, when.decision);
      expect(posted(books) - balanceOf(books, aliceUsdt).debitsPending).toBe(0n);
    });

    it('a credit is never re-checked: it posts whatever the balance', () => {
      const given = spec.given([
        ...funded,
        requested(request({ amountMinor: 5_000n })),
        held('alice', 'USDT', 1_000n),
      ]);
      const { decision } = given.when(approve('approver-2'), decimals);
      expect(posted(after(given.state, decision))).toBe(6_000n);
    });
  });

  describe('maker-checker: who may approve', () => {
    it('the requester is refused with MAKER_CHECKER_SAME_PERSON; a different person is accepted', () => {
      spec
        .given([...funded, requested()])
        .when(approve('operator-1'), decimals)
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
      spec
        .given([...funded, requested()])
        .when(approve('approver-2'), decimals)
        .thenEmits(approved());
    });

    it('an approver who is blank or empty is refused with ACTOR_MISSING', () => {
      spec
        .given([...funded, requested()])
        .when(approve('  '), decimals)
        .thenRefuses('ACTOR_MISSING', 'approvedBy');
      spec
        .given([...funded, requested()])
        .when(approve(''), decimals)
        .thenRefuses('ACTOR_MISSING', 'approvedBy');
    });

    it('a blank approver is refused as missing even when the requester was the same blank (missing comes first)', () => {
      // A request recorded with a blank requester (one the rules would refuse today).
      const withBlank = [...funded, requested(request({ requestedBy: ' ', amountMinor: 1n }))];
      spec.given(withBlank).when(approve(' '), decimals).thenRefuses('ACTOR_MISSING', 'approvedBy');
      spec.given(withBlank).when(reject(' '), decimals).thenRefuses('ACTOR_MISSING', 'rejectedBy');
    });
  });

  it('an unknown adjustment id, or one requested for another client, is ADJUSTMENT_UNKNOWN', () => {
    spec
      .given([...funded, requested()])
      .when(approve('approver-2', at, { adjustmentId: 'A-2' }), decimals)
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    spec
      .given([...funded, requested()])
      .when(approve('approver-2', at, { clientId: 'bob' }), decimals)
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    spec
      .given([...funded, requested()])
      .when(reject('approver-2', 'why', { clientId: 'bob' }), decimals)
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    spec
      .given([...funded, requested()])
      .when(expire(windowEnd, { clientId: 'bob' }), decimals)
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    spec
      .given(funded)
      .when(reject('approver-2'), decimals)
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
    spec
      .given(funded)
      .when(expire(windowEnd), decimals)
      .thenRefuses('ADJUSTMENT_UNKNOWN', 'adjustmentId');
  });

  describe('replays and decisions already taken', () => {
    it('the same approval again is a no-op, even after the window; another approver is ADJUSTMENT_NOT_PENDING', () => {
      spec
        .given([...funded, requested(), ...approved()])
        .when(approve('approver-2'), decimals)
        .thenEmitsNothing();
      spec
        .given([...funded, requested(), ...approved()])
        .when(approve('approver-2', msAfterEnd), decimals)
        .thenEmitsNothing();
      spec
        .given([...funded, requested(), ...approved()])
        .when(approve('approver-3'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('the same approval again of a DEBIT does not re-check the balance (nothing new posts)', () => {
      spec
        .given([...funded, requested(debit(1_000n)), ...approved(debit(1_000n))])
        .when(approve('approver-2'), decimals)
        .thenEmitsNothing();
    });

    it('a rejected adjustment cannot be approved, not even by its rejecter', () => {
      spec
        .given([...funded, requested(), rejected('approver-2')])
        .when(approve('approver-2'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('an expired adjustment is refused with ADJUSTMENT_EXPIRED, even when the requester asks', () => {
      spec
        .given([...funded, requested(), expired(windowEnd)])
        .when(approve('approver-2'), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      spec
        .given([...funded, requested(), expired(windowEnd)])
        .when(approve('operator-1'), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('a rejected adjustment approved by the requester is still ADJUSTMENT_NOT_PENDING (the state is checked first)', () => {
      spec
        .given([...funded, requested(), rejected('approver-2')])
        .when(approve('operator-1'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });
  });

  describe('the approval window (72 h by default, counted from the request)', () => {
    it('one ms before the end it posts; exactly at the end and one ms after it is ADJUSTMENT_EXPIRED', () => {
      spec
        .given([...funded, requested()])
        .when(approve('approver-2', msBeforeEnd), decimals)
        .thenEmits(approved(request(), 'approver-2', msBeforeEnd));
      spec
        .given([...funded, requested()])
        .when(approve('approver-2', windowEnd), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      spec
        .given([...funded, requested()])
        .when(approve('approver-2', msAfterEnd), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('the window is the configured one: 1 h configured, approval at 1 h is expired, at 1 h - 1 ms it posts', () => {
      const oneHourLater = new Date(Date.parse(at) + HOUR_MS).toISOString();
      const justBefore = new Date(Date.parse(at) + HOUR_MS - 1).toISOString();
      spec
        .given([...funded, requested()])
        .when(approve('approver-2', oneHourLater, { approvalWindowMs: HOUR_MS }), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      spec
        .given([...funded, requested()])
        .when(approve('approver-2', justBefore, { approvalWindowMs: HOUR_MS }), decimals)
        .thenEmits(approved(request(), 'approver-2', justBefore));
    });

    it('the same person is refused as the same person, not as expired, when both hold (who decides is checked first)', () => {
      spec
        .given([...funded, requested()])
        .when(approve('operator-1', windowEnd), decimals)
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
    });

    it('an expired debit is refused as expired even when uncovered (no journal, no balance check needed)', () => {
      spec
        .given([...funded, requested(debit(300n)), held('alice', 'USDT', 1_000n)])
        .when(approve('approver-2', windowEnd), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('a window that is not a positive whole number of ms is a programmer error', () => {
      const given = spec.given([...funded, requested()]);
      for (const approvalWindowMs of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
        expect(() => given.when(approve('approver-2', at, { approvalWindowMs }), decimals)).toThrow(
          /assertion: an approval window/,
        );
        expect(() => given.when(expire(windowEnd, { approvalWindowMs }), decimals)).toThrow(
          /assertion: an approval window/,
        );
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
    const given = spec.given([...funded, requested()]);
    const when = given.when(reject('approver-2', 'no deposit is missing'), decimals);
    when.thenEmits([
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
    const books = after(given.state, when.decision);
    expect(posted(books)).toBe(1_000n);
    expect(books.adjustments.get('A-1')).toMatchObject({
      status: 'rejected',
      rejectedBy: 'approver-2',
      rejectionReason: 'no deposit is missing',
    });
  });

  it('the requester is refused with MAKER_CHECKER_SAME_PERSON; a blank or empty rejecter with ACTOR_MISSING', () => {
    spec
      .given([...funded, requested()])
      .when(reject('operator-1'), decimals)
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
    spec
      .given([...funded, requested()])
      .when(reject(' '), decimals)
      .thenRefuses('ACTOR_MISSING', 'rejectedBy');
    spec
      .given([...funded, requested()])
      .when(reject(''), decimals)
      .thenRefuses('ACTOR_MISSING', 'rejectedBy');
  });

  it('a rejection without a reason (empty or blank) is refused with REASON_REQUIRED; one character is a reason', () => {
    spec
      .given([...funded, requested()])
      .when(reject('approver-2', ''), decimals)
      .thenRefuses('REASON_REQUIRED', 'reason');
    spec
      .given([...funded, requested()])
      .when(reject('approver-2', ' \t'), decimals)
      .thenRefuses('REASON_REQUIRED', 'reason');
    spec
      .given([...funded, requested()])
      .when(reject('approver-2', 'x'), decimals)
      .thenEmits([rejected('approver-2', 'x')]);
  });

  it('the requester rejecting without a reason is refused as the same person (who decides is checked first)', () => {
    spec
      .given([...funded, requested()])
      .when(reject('operator-1', ''), decimals)
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
  });

  it('the same rejection again is a no-op; another rejecter or another reason is ADJUSTMENT_NOT_PENDING', () => {
    spec
      .given([...funded, requested(), rejected('approver-2', 'why')])
      .when(reject('approver-2', 'why'), decimals)
      .thenEmitsNothing();
    spec
      .given([...funded, requested(), rejected('approver-2', 'why')])
      .when(reject('approver-3', 'why'), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    spec
      .given([...funded, requested(), rejected('approver-2', 'why')])
      .when(reject('approver-2', 'another why'), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('an approved or expired adjustment cannot be rejected, not even by its approver', () => {
    spec
      .given([...funded, requested(), ...approved()])
      .when(reject('approver-2'), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    spec
      .given([...funded, requested(), expired(windowEnd)])
      .when(reject('approver-2'), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('a rejection needs no window: it is accepted after the window has ended', () => {
    spec
      .given([...funded, requested()])
      .when(reject('approver-2', 'late', { metadata: { at: msAfterEnd } }), decimals)
      .thenEmits([
        {
          type: 'AdjustmentRejected',
          data: { adjustmentId: 'A-1', rejectedBy: 'approver-2', reason: 'late', at: msAfterEnd },
        },
      ]);
  });
});

describe('adjustments: expiry closes a pending request in the books', () => {
  it('one ms before the end it is ADJUSTMENT_NOT_EXPIRED; at the end and one ms after it expires with the window end', () => {
    spec
      .given([...funded, requested()])
      .when(expire(msBeforeEnd), decimals)
      .thenRefuses('ADJUSTMENT_NOT_EXPIRED', 'adjustmentId');
    spec
      .given([...funded, requested()])
      .when(expire(windowEnd), decimals)
      .thenEmits([
        {
          type: 'AdjustmentExpired',
          data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: windowEnd },
        },
      ]);
    const given = spec.given([...funded, requested()]);
    const when = given.when(expire(msAfterEnd), decimals);
    when.thenEmits([
      {
        type: 'AdjustmentExpired',
        data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: msAfterEnd },
      },
    ]);
    const books = after(given.state, when.decision);
    expect(books.adjustments.get('A-1')).toMatchObject({ status: 'expired' });
    expect(posted(books)).toBe(1_000n);
  });

  it('again: a no-op; an approved or rejected request is ADJUSTMENT_NOT_PENDING', () => {
    spec
      .given([...funded, requested(), expired(windowEnd)])
      .when(expire(msAfterEnd), decimals)
      .thenEmitsNothing();
    spec
      .given([...funded, requested(), ...approved()])
      .when(expire(windowEnd), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    spec
      .given([...funded, requested(), rejected('approver-2')])
      .when(expire(windowEnd), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('an expiry replayed with another window is still a no-op (nothing is left to close)', () => {
    spec
      .given([...funded, requested(), expired(windowEnd)])
      .when(expire(windowEnd, { approvalWindowMs: 0 }), decimals)
      .thenEmitsNothing();
  });
});

describe('adjustments through decideLedger: every journal leaves balanced (HK-8)', () => {
  it('routes each adjustment command to its decision', () => {
    const { state } = spec.given(funded);
    expect(decideLedger(request(), state, decimals)).toEqual(
      decideRequestAdjustment(request(), state, decimals),
    );
    const { state: pending } = spec.given([...funded, requested()]);
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
