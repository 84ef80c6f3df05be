import { deciderSpecification } from '@custody/decider/testing';
import {
  chainRefusal,
  decideTrustAccount,
  evolveTrustAccount,
  initialTrustAccountState,
  TRUST_ACCOUNT_EVENT_TYPES,
  trustAccountDecider,
  type StatementSummary,
  type TrustAccountCommand,
  type TrustAccountErrorCode,
  type TrustAccountEvent,
  type TrustAccountState,
} from './trust-accounts';

const at = '2026-11-24T02:00:00.000Z';

const spec = deciderSpecification(trustAccountDecider);

/**
 * GIVEN the account's events, WHEN a command: the shared specification, plus what some checks
 * here read beyond it: the state after the emitted events, and the words of a refusal's reason.
 */
function given(...history: TrustAccountEvent[]) {
  const { state, when } = spec.given(history);
  return {
    when(command: TrustAccountCommand) {
      const decided = when(command);
      const { decision } = decided;
      return {
        ...decided,
        thenEmitted(
          check: (events: readonly TrustAccountEvent[], after: TrustAccountState) => void,
        ) {
          if (!decision.ok)
            throw new Error(
              `expected events, got ${decision.error.code}: ${decision.error.reason}`,
            );
          check(decision.events, decision.events.reduce(evolveTrustAccount, state));
        },
        thenRefuses(code: TrustAccountErrorCode, path: string, reason?: RegExp) {
          decided.thenRefuses(code, path);
          if (reason !== undefined && !decision.ok) expect(decision.error.reason).toMatch(reason);
        },
      };
    },
  };
}

const account = {
  accountId: 'TRUST-TWD-1',
  currency: 'TWD',
  bank: 'Bank of Taiwan',
  accountName: 'Client money trust 1',
  openingBalanceMinor: 100_000n,
  openingBalanceAt: '2026-11-23T16:00:00.000Z',
};
const request = (
  requestedBy = 'ops-1',
  overrides: Partial<typeof account> = {},
): TrustAccountCommand => ({
  type: 'RequestTrustAccountRegistration',
  account: { ...account, ...overrides },
  requestedBy,
  at,
});
const decideAccount = (
  decidedBy: string,
  decision: 'approve' | 'reject' = 'approve',
  reason = '',
): TrustAccountCommand => ({
  type: 'DecideTrustAccountRegistration',
  accountId: 'TRUST-TWD-1',
  decision,
  reason,
  decidedBy,
  at,
});
const day = (n: number) =>
  new Date(Date.parse('2026-11-23T16:00:00.000Z') + n * 86_400_000).toISOString();
/** The statement of the n-th day after registration, opening and closing as given. */
const statement = (
  n: number,
  openingBalanceMinor: bigint,
  closingBalanceMinor: bigint,
  overrides: Partial<StatementSummary> = {},
): StatementSummary => ({
  statementId: `TRUST-TWD-1:${day(n)}:d${n}`,
  accountId: 'TRUST-TWD-1',
  currency: 'TWD',
  from: day(n),
  to: day(n + 1),
  openingBalanceMinor,
  closingBalanceMinor,
  lineCount: 1,
  digest: `d${n}`,
  ...overrides,
});
const submit = (summary: StatementSummary, submittedBy = 'ops-1'): TrustAccountCommand => ({
  type: 'SubmitTrustStatement',
  statement: summary,
  submittedBy,
  at,
});
const decideStatement = (
  statementId: string,
  decidedBy: string,
  decision: 'approve' | 'reject' = 'approve',
  reason = '',
): TrustAccountCommand => ({
  type: 'DecideTrustStatement',
  statementId,
  decision,
  reason,
  decidedBy,
  at,
});
const monday = statement(0, 100_000n, 110_000n);
const tuesday = statement(1, 110_000n, 90_000n);

// The history as recorded: each event is what the command of the same parameters above decides
// (the tests that decide those commands compare with these).
const requested = (
  requestedBy = 'ops-1',
  overrides: Partial<typeof account> = {},
): TrustAccountEvent => ({
  type: 'TrustAccountRegistrationRequested',
  data: { ...account, ...overrides, requestedBy, at },
});
const accountDecided = (
  decidedBy: string,
  decision: 'approve' | 'reject' = 'approve',
  reason = '',
): TrustAccountEvent =>
  decision === 'approve'
    ? {
        type: 'TrustAccountRegistrationApproved',
        data: { accountId: 'TRUST-TWD-1', approvedBy: decidedBy, at },
      }
    : {
        type: 'TrustAccountRegistrationRejected',
        data: { accountId: 'TRUST-TWD-1', rejectedBy: decidedBy, reason, at },
      };
const submitted = (summary: StatementSummary, submittedBy = 'ops-1'): TrustAccountEvent => ({
  type: 'TrustStatementSubmitted',
  data: { ...summary, submittedBy, at },
});
const statementDecided = (
  statementId: string,
  decidedBy: string,
  decision: 'approve' | 'reject' = 'approve',
  reason = '',
): TrustAccountEvent =>
  decision === 'approve'
    ? {
        type: 'TrustStatementApproved',
        data: { statementId, accountId: 'TRUST-TWD-1', approvedBy: decidedBy, at },
      }
    : {
        type: 'TrustStatementRejected',
        data: { statementId, accountId: 'TRUST-TWD-1', rejectedBy: decidedBy, reason, at },
      };
const registered = [requested(), accountDecided('approver-1')];

describe('TW-10 / TW-11 trust accounts are registered by maker-checker', () => {
  describe('when an operator requests a registration', () => {
    it('given nothing, then the account, its bank and the balance it opens at are recorded pending', () => {
      given()
        .when(request())
        .thenEmits([
          {
            type: 'TrustAccountRegistrationRequested',
            data: { ...account, requestedBy: 'ops-1', at },
          },
        ]);
    });

    it('given the same request already pending or approved, then the replay changes nothing; other details under the id are refused', () => {
      given(requested()).when(request()).thenEmitsNothing();
      given(...registered)
        .when(request())
        .thenEmitsNothing();
      given(requested())
        .when(request('ops-1', { bank: 'Another Bank' }))
        .thenRefuses('TRUST_ACCOUNT_ID_TAKEN', 'accountId');
      given(requested()).when(request('ops-2')).thenRefuses('TRUST_ACCOUNT_ID_TAKEN', 'accountId');
    });

    it('given a rejected registration, then the id may be requested anew', () => {
      given(requested(), accountDecided('approver-1', 'reject', 'wrong bank'))
        .when(request('ops-1', { bank: 'Land Bank of Taiwan' }))
        .thenEmitted((events) =>
          expect(events.map((event) => event.type)).toEqual(['TrustAccountRegistrationRequested']),
        );
    });
  });

  describe('when someone decides on the registration', () => {
    it('given a pending registration, then a different person approves it', () => {
      given(requested())
        .when(decideAccount('approver-1'))
        .thenEmits([
          {
            type: 'TrustAccountRegistrationApproved',
            data: { accountId: 'TRUST-TWD-1', approvedBy: 'approver-1', at },
          },
        ]);
    });

    it('given a pending registration, then the requester can neither approve nor reject it (MAKER_CHECKER_SAME_PERSON)', () => {
      given(requested())
        .when(decideAccount('ops-1'))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'decidedBy');
      given(requested())
        .when(decideAccount('ops-1', 'reject', 'changed my mind'))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'decidedBy');
    });

    it('given a pending registration, then a different person rejects it with a reason, and a rejection without one is refused', () => {
      given(requested())
        .when(decideAccount('approver-1', 'reject', 'the bank letter names another account'))
        .thenEmits([
          {
            type: 'TrustAccountRegistrationRejected',
            data: {
              accountId: 'TRUST-TWD-1',
              rejectedBy: 'approver-1',
              reason: 'the bank letter names another account',
              at,
            },
          },
        ]);
      given(requested())
        .when(decideAccount('approver-1', 'reject', ' '))
        .thenRefuses('REASON_REQUIRED', 'reason');
    });

    it('given a decided registration, then the same decision again changes nothing and another one is refused', () => {
      given(...registered)
        .when(decideAccount('approver-1'))
        .thenEmitsNothing();
      given(...registered)
        .when(decideAccount('approver-2'))
        .thenRefuses('TRUST_ACCOUNT_NOT_PENDING', 'accountId');
      given(...registered)
        .when(decideAccount('approver-2', 'reject', 'too late'))
        .thenRefuses('TRUST_ACCOUNT_NOT_PENDING', 'accountId');
      given(requested(), accountDecided('approver-1', 'reject', 'no'))
        .when(decideAccount('approver-1', 'reject', 'no'))
        .thenEmitsNothing();
    });

    it('given no request, then a decision is refused', () => {
      given().when(decideAccount('approver-1')).thenRefuses('TRUST_ACCOUNT_UNKNOWN', 'accountId');
    });
  });
});

describe('TW-10 / TW-11 each trust statement counts only once a second person approves it', () => {
  describe('when an operator imports a statement', () => {
    it('given an approved account, then the statement is recorded pending (it does not count yet)', () => {
      given(...registered)
        .when(submit(monday))
        .thenEmitted((events, after) => {
          expect(events).toEqual([
            { type: 'TrustStatementSubmitted', data: { ...monday, submittedBy: 'ops-1', at } },
          ]);
          expect(after.statements.get(monday.statementId)?.status).toBe('pending');
        });
    });

    it('given no registration, or one not yet approved or rejected, then the import is refused', () => {
      given().when(submit(monday)).thenRefuses('TRUST_ACCOUNT_UNKNOWN', 'accountId');
      given(requested())
        .when(submit(monday))
        .thenRefuses('TRUST_ACCOUNT_NOT_APPROVED', 'accountId');
      given(requested(), accountDecided('approver-1', 'reject', 'no'))
        .when(submit(monday))
        .thenRefuses('TRUST_ACCOUNT_NOT_APPROVED', 'accountId');
    });

    it('given the same file imported already (by anyone), then the replay changes nothing', () => {
      given(...registered, submitted(monday))
        .when(submit(monday, 'ops-2'))
        .thenEmitsNothing();
    });

    it("given a statement in another currency than the account's, or a period that ends before it starts, then it is refused", () => {
      given(...registered)
        .when(submit(statement(0, 100_000n, 100_000n, { currency: 'USD' })))
        .thenRefuses('STATEMENT_CURRENCY_MISMATCH', 'currency');
      given(...registered)
        .when(submit(statement(0, 100_000n, 100_000n, { to: day(0) })))
        .thenRefuses('STATEMENT_PERIOD_INVALID', 'to');
    });

    it('given a pending or approved statement of an overlapping period, then another file for it is refused; once rejected, its period is free', () => {
      const other = statement(0, 100_000n, 120_000n, {
        statementId: 'TRUST-TWD-1:other',
        digest: 'other',
      });
      given(...registered, submitted(monday))
        .when(submit(other))
        .thenRefuses('STATEMENT_OVERLAPS', 'from');
      given(
        ...registered,
        submitted(monday),
        statementDecided(monday.statementId, 'approver-1', 'reject', 'bank sent a corrected file'),
      )
        .when(submit(other))
        .thenEmitted((events) => expect(events).toHaveLength(1));
    });
  });

  describe('when the opening balance does not continue the approved history (the attack: an operator states whatever opening balance hides a shortfall)', () => {
    it('given the first statement, then it must open at the balance approved with the registration', () => {
      given(...registered)
        .when(submit(statement(0, 150_000n, 150_000n)))
        .thenRefuses(
          'OPENING_BALANCE_MISMATCH',
          'openingBalanceMinor',
          /opens at 150000 .*registration is 100000/,
        );
    });

    it('given an approved previous statement, then the next must open at its closing balance; the reason names both figures', () => {
      given(...registered, submitted(monday), statementDecided(monday.statementId, 'approver-1'))
        .when(submit(statement(1, 130_000n, 130_000n)))
        .thenRefuses(
          'OPENING_BALANCE_MISMATCH',
          'openingBalanceMinor',
          /opens at 130000 .*closed at 110000/,
        );
      given(...registered, submitted(monday), statementDecided(monday.statementId, 'approver-1'))
        .when(submit(tuesday))
        .thenEmitted((events) => expect(events).toHaveLength(1));
    });

    it('given the previous statement only pending, then the chain continues from the last approved one (a pending statement proves nothing)', () => {
      given(...registered, submitted(monday))
        .when(submit(tuesday))
        .thenRefuses('OPENING_BALANCE_MISMATCH', 'openingBalanceMinor', /registration is 100000/);
    });

    it('given a statement starting before the registered opening balance, or before an approved later period, then it is out of order', () => {
      given(...registered)
        .when(submit(statement(-1, 100_000n, 100_000n)))
        .thenRefuses('STATEMENT_OUT_OF_ORDER', 'from');
      const wednesday = statement(2, 100_000n, 100_000n);
      given(
        ...registered,
        submitted(wednesday),
        statementDecided(wednesday.statementId, 'approver-1'),
      )
        .when(submit(monday))
        .thenRefuses('STATEMENT_OUT_OF_ORDER', 'from');
    });
  });

  describe('when someone decides on an imported statement', () => {
    it('given a pending statement, then a different person approves it and it counts', () => {
      given(...registered, submitted(monday))
        .when(decideStatement(monday.statementId, 'approver-1'))
        .thenEmitted((events, after) => {
          expect(events).toEqual([
            {
              type: 'TrustStatementApproved',
              data: {
                statementId: monday.statementId,
                accountId: 'TRUST-TWD-1',
                approvedBy: 'approver-1',
                at,
              },
            },
          ]);
          expect(after.statements.get(monday.statementId)?.status).toBe('approved');
        });
    });

    it('given a pending statement, then the importer can neither approve nor reject it, even holding the approver role', () => {
      given(...registered, submitted(monday))
        .when(decideStatement(monday.statementId, 'ops-1'))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'decidedBy');
      given(...registered, submitted(monday))
        .when(decideStatement(monday.statementId, 'ops-1', 'reject', 'oops'))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'decidedBy');
    });

    it('given a pending statement, then a rejection is recorded with its reason; without one it is refused', () => {
      given(...registered, submitted(monday))
        .when(
          decideStatement(
            monday.statementId,
            'approver-1',
            'reject',
            'balance column differs from the bank portal',
          ),
        )
        .thenEmits([
          {
            type: 'TrustStatementRejected',
            data: {
              statementId: monday.statementId,
              accountId: 'TRUST-TWD-1',
              rejectedBy: 'approver-1',
              reason: 'balance column differs from the bank portal',
              at,
            },
          },
        ]);
      given(...registered, submitted(monday))
        .when(decideStatement(monday.statementId, 'approver-1', 'reject', ''))
        .thenRefuses('REASON_REQUIRED', 'reason');
    });

    it('given a decided statement, then the same decision again changes nothing and another one is refused', () => {
      const approved = [
        ...registered,
        submitted(monday),
        statementDecided(monday.statementId, 'approver-1'),
      ];
      given(...approved)
        .when(decideStatement(monday.statementId, 'approver-1'))
        .thenEmitsNothing();
      given(...approved)
        .when(decideStatement(monday.statementId, 'approver-2', 'reject', 'second thoughts'))
        .thenRefuses('STATEMENT_NOT_PENDING', 'statementId');
      given(
        ...registered,
        submitted(monday),
        statementDecided(monday.statementId, 'approver-1', 'reject', 'no'),
      )
        .when(decideStatement(monday.statementId, 'approver-2'))
        .thenRefuses('STATEMENT_NOT_PENDING', 'statementId');
    });

    it('given a later period approved while this one waited, then its approval is refused (the chain is checked again at approval)', () => {
      const quiet = statement(0, 100_000n, 100_000n);
      const next = statement(1, 100_000n, 100_000n);
      given(
        ...registered,
        submitted(quiet),
        submitted(next),
        statementDecided(next.statementId, 'approver-1'),
      )
        .when(decideStatement(quiet.statementId, 'approver-1'))
        .thenRefuses('STATEMENT_OUT_OF_ORDER', 'from');
    });

    it('given no such statement, then a decision is refused', () => {
      given(...registered)
        .when(decideStatement('TRUST-TWD-1:nothing', 'approver-1'))
        .thenRefuses('STATEMENT_UNKNOWN', 'statementId');
    });
  });
});

describe('TW-10 / TW-11 trust accounts: every check of a command, one at a time', () => {
  describe('when a registration is requested again', () => {
    it('given a pending registration, then a request differing in any one detail is refused as taken; the same instant written otherwise is the same request', () => {
      for (const overrides of [
        { accountId: 'TRUST-TWD-2' },
        { currency: 'USD' },
        { bank: 'Another Bank' },
        { accountName: 'Client money trust 2' },
        { openingBalanceMinor: 100_001n },
        { openingBalanceAt: '2026-11-23T16:00:00.001Z' },
      ]) {
        given(requested())
          .when(request('ops-1', overrides))
          .thenRefuses('TRUST_ACCOUNT_ID_TAKEN', 'accountId');
      }
      given(requested())
        .when(request('ops-1', { openingBalanceAt: '2026-11-24T00:00:00+08:00' }))
        .thenEmitsNothing();
    });

    it('given a requester who is blank, then the request is refused: a person is named', () => {
      given().when(request(' ')).thenRefuses('ACTOR_MISSING', 'requestedBy');
    });

    it('given an opening balance instant with an offset, then it is recorded in UTC', () => {
      given()
        .when(request('ops-1', { openingBalanceAt: '2026-11-24T00:00:00+08:00' }))
        .thenEmitted((events) =>
          expect(events).toMatchObject([
            { data: { openingBalanceAt: '2026-11-23T16:00:00.000Z' } },
          ]),
        );
    });
  });

  describe('when a registration is decided', () => {
    it('given a decider who is blank, then refused: a person decides', () => {
      given(requested()).when(decideAccount(' ')).thenRefuses('ACTOR_MISSING', 'decidedBy');
    });

    it('given the requester deciding, then the refusal names the request', () => {
      given(requested())
        .when(decideAccount('ops-1'))
        .thenRefuses(
          'MAKER_CHECKER_SAME_PERSON',
          'decidedBy',
          /ops-1 requested trust account TRUST-TWD-1/,
        );
    });

    it('given a decision on another account id, then refused as unknown', () => {
      given(requested())
        .when({ ...decideAccount('approver-1'), accountId: 'TRUST-TWD-2' } as TrustAccountCommand)
        .thenRefuses('TRUST_ACCOUNT_UNKNOWN', 'accountId');
    });

    it('given the same person deciding otherwise than before, then it is no replay: refused as decided', () => {
      given(requested(), accountDecided('approver-1', 'reject', 'no'))
        .when(decideAccount('approver-1'))
        .thenRefuses('TRUST_ACCOUNT_NOT_PENDING', 'accountId');
      given(...registered)
        .when(decideAccount('approver-1', 'reject', 'no'))
        .thenRefuses('TRUST_ACCOUNT_NOT_PENDING', 'accountId');
      given(requested(), accountDecided('approver-1', 'reject', 'no'))
        .when(decideAccount('approver-1', 'reject', 'another reason'))
        .thenRefuses('TRUST_ACCOUNT_NOT_PENDING', 'accountId');
    });

    it('given a decision, then the registration records who decided and why', () => {
      given(requested())
        .when(decideAccount('approver-1', 'reject', 'wrong bank'))
        .thenEmitted((_, after) =>
          expect(after.registration).toMatchObject({
            status: 'rejected',
            decidedBy: 'approver-1',
            rejectionReason: 'wrong bank',
          }),
        );
      given(requested())
        .when(decideAccount('approver-1'))
        .thenEmitted((_, after) =>
          expect(after.registration).toMatchObject({
            status: 'approved',
            decidedBy: 'approver-1',
            rejectionReason: null,
            requestedBy: 'ops-1',
            requestedAt: at,
          }),
        );
    });
  });

  describe('when a statement is imported', () => {
    it('given an importer who is blank, then refused', () => {
      given(...registered)
        .when(submit(monday, ' '))
        .thenRefuses('ACTOR_MISSING', 'submittedBy');
    });

    it('given a statement of another account, then refused as unknown', () => {
      given(...registered)
        .when(submit(statement(0, 100_000n, 100_000n, { accountId: 'TRUST-TWD-2' })))
        .thenRefuses('TRUST_ACCOUNT_UNKNOWN', 'accountId');
    });

    it('given a pending statement of the next period, then one ending exactly where it starts does not overlap it', () => {
      const next = statement(1, 100_000n, 100_000n);
      given(...registered, submitted(next))
        .when(submit(statement(0, 100_000n, 100_000n)))
        .thenEmitted((events) =>
          expect(events.map((event) => event.type)).toEqual(['TrustStatementSubmitted']),
        );
    });

    it("given statement starting exactly at the registered balance's instant, then in order", () => {
      given(...registered)
        .when(submit(statement(0, 100_000n, 100_000n, { from: account.openingBalanceAt })))
        .thenEmitted((events) => expect(events).toHaveLength(1));
    });
  });

  describe('when the chain has several approved statements', () => {
    const wednesday = statement(2, 90_000n, 95_000n);
    const approvedThree = [
      ...registered,
      submitted(monday),
      statementDecided(monday.statementId, 'approver-1'),
      submitted(tuesday),
      statementDecided(tuesday.statementId, 'approver-1'),
    ];

    it("given Monday and Tuesday approved, then Wednesday opens at Tuesday's close, not Monday's", () => {
      given(...approvedThree)
        .when(submit(wednesday))
        .thenEmitted((events) => expect(events).toHaveLength(1));
      given(...approvedThree)
        .when(submit(statement(2, 110_000n, 110_000n)))
        .thenRefuses('OPENING_BALANCE_MISMATCH', 'openingBalanceMinor', /closed at 90000/);
    });

    it("given Tuesday imported before Monday and both approved, then Wednesday opens at Tuesday's close; the record shows who imported it", () => {
      const quietMonday = statement(0, 100_000n, 100_000n);
      const earlyTuesday = statement(1, 100_000n, 90_000n);
      const history = [
        ...registered,
        submitted(earlyTuesday),
        submitted(quietMonday),
        statementDecided(quietMonday.statementId, 'approver-1'),
        statementDecided(earlyTuesday.statementId, 'approver-1'),
      ];
      given(...history)
        .when(submit(wednesday))
        .thenEmitted((_, after) =>
          expect(after.statements.get(wednesday.statementId)).toMatchObject({
            status: 'pending',
            submittedBy: 'ops-1',
            submittedAt: at,
            decidedBy: null,
          }),
        );
      given(...history)
        .when(submit(statement(2, 100_000n, 100_000n)))
        .thenRefuses('OPENING_BALANCE_MISMATCH', 'openingBalanceMinor', /closed at 90000/);
    });

    it('given a statement overlapping an approved one, then that one is not its previous statement: the chain starts from the registration', () => {
      const { state } = spec.given([
        ...registered,
        submitted(monday),
        statementDecided(monday.statementId, 'approver-1'),
      ]);
      const straddling = statement(0, 100_000n, 100_000n, {
        statementId: 'straddling',
        from: '2026-11-24T04:00:00.000Z',
        to: '2026-11-25T04:00:00.000Z',
      });
      expect(chainRefusal(straddling, state, account)).toBeUndefined();
      expect(
        chainRefusal({ ...straddling, openingBalanceMinor: 110_000n }, state, account),
      ).toMatchObject({ code: 'OPENING_BALANCE_MISMATCH', path: 'openingBalanceMinor' });
    });
  });

  describe('when a statement is decided', () => {
    it('given a decider who is blank, then refused; the importer deciding is told which statement', () => {
      given(...registered, submitted(monday))
        .when(decideStatement(monday.statementId, ' '))
        .thenRefuses('ACTOR_MISSING', 'decidedBy');
      given(...registered, submitted(monday))
        .when(decideStatement(monday.statementId, 'ops-1'))
        .thenRefuses(
          'MAKER_CHECKER_SAME_PERSON',
          'decidedBy',
          new RegExp(`ops-1 imported statement ${monday.statementId}`),
        );
    });

    it('given a rejected statement, then the same rejection again is a replay, another reason or an approval by the same person is refused', () => {
      const rejected = [
        ...registered,
        submitted(monday),
        statementDecided(monday.statementId, 'approver-1', 'reject', 'no'),
      ];
      given(...rejected)
        .when(decideStatement(monday.statementId, 'approver-1', 'reject', 'no'))
        .thenEmitsNothing();
      given(...rejected)
        .when(decideStatement(monday.statementId, 'approver-1', 'reject', 'other'))
        .thenRefuses('STATEMENT_NOT_PENDING', 'statementId');
      given(...rejected)
        .when(decideStatement(monday.statementId, 'approver-1'))
        .thenRefuses('STATEMENT_NOT_PENDING', 'statementId');
    });

    it('given a state holding statements but no registration (no history produces one: a damaged snapshot), then a decision is refused as unknown', () => {
      const record = {
        ...monday,
        submittedBy: 'ops-1',
        submittedAt: at,
        status: 'pending' as const,
        decidedBy: null,
        rejectionReason: null,
      };
      const decision = decideTrustAccount(decideStatement(monday.statementId, 'approver-1'), {
        registration: null,
        statements: new Map([[monday.statementId, record]]),
      });
      expect(decision).toMatchObject({
        ok: false,
        error: { code: 'STATEMENT_UNKNOWN', path: 'statementId' },
      });
    });
  });

  describe('assertions and the published names', () => {
    it('given a command or an event of no known type, then an assertion fails', () => {
      expect(() =>
        decideTrustAccount(
          { type: 'CloseTrustAccount' } as unknown as TrustAccountCommand,
          initialTrustAccountState(),
        ),
      ).toThrow('assertion: unhandled {"type":"CloseTrustAccount"}');
      expect(() =>
        evolveTrustAccount(initialTrustAccountState(), {
          type: 'TrustAccountClosed',
        } as unknown as TrustAccountEvent),
      ).toThrow('assertion: unhandled {"type":"TrustAccountClosed"}');
    });

    it('given a decision event without its registration or statement, then an assertion fails', () => {
      expect(() =>
        evolveTrustAccount(initialTrustAccountState(), {
          type: 'TrustAccountRegistrationApproved',
          data: { accountId: 'TRUST-TWD-1', approvedBy: 'approver-1', at },
        }),
      ).toThrow('of no registration');
      expect(() =>
        evolveTrustAccount(initialTrustAccountState(), {
          type: 'TrustStatementApproved',
          data: { statementId: 'S', accountId: 'TRUST-TWD-1', approvedBy: 'approver-1', at },
        }),
      ).toThrow('of unknown statement S');
    });

    it('the Decider starts with no registration and no statement, folds with evolveTrustAccount and decides with decideTrustAccount', () => {
      expect(trustAccountDecider.initialState).toEqual(initialTrustAccountState());
      expect(trustAccountDecider.eventTypes).toBe(TRUST_ACCOUNT_EVENT_TYPES);
      expect(trustAccountDecider.evolve).toBe(evolveTrustAccount);
      expect(trustAccountDecider.decide).toBe(decideTrustAccount);
    });

    it('the event types a reader subscribes to are the six this stream holds', () => {
      expect([...TRUST_ACCOUNT_EVENT_TYPES].sort()).toEqual([
        'TrustAccountRegistrationApproved',
        'TrustAccountRegistrationRejected',
        'TrustAccountRegistrationRequested',
        'TrustStatementApproved',
        'TrustStatementRejected',
        'TrustStatementSubmitted',
      ]);
    });
  });
});
