import type { RefusalCodes } from '@custody/contracts';
import {
  eventTypesOf,
  unhandled,
  type Decider,
  type Decision,
  type Refusal,
} from '@custody/decider';
/**
 * TW-10 / TW-11, who may say what a trust account holds. No single person can hide a fiat
 * shortfall: a trust account is registered by one person and approved by another (maker-checker),
 * with the balance it opens at; each bank statement of it is submitted by one person and counts in
 * the daily trust check only once a different person approves it; and a statement must open at
 * the balance the previous approved statement closed at (the first one: at the balance approved
 * with the registration), checked when it is submitted and again when it is approved. One stream
 * per account holds all of it. Pure: time and people arrive on the command.
 */

/** Expected refusals: stable codes (never renamed or reused), the command field, a reason for people. */
export const TRUST_ACCOUNT_ERROR_CODES = [
  'TRUST_ACCOUNT_UNKNOWN',
  'TRUST_ACCOUNT_NOT_APPROVED',
  'TRUST_ACCOUNT_ID_TAKEN',
  'TRUST_ACCOUNT_NOT_PENDING',
  'STATEMENT_UNKNOWN',
  'STATEMENT_NOT_PENDING',
  'STATEMENT_PERIOD_INVALID',
  'STATEMENT_OVERLAPS',
  'STATEMENT_OUT_OF_ORDER',
  'STATEMENT_CURRENCY_MISMATCH',
  'OPENING_BALANCE_MISMATCH',
  'MAKER_CHECKER_SAME_PERSON',
  'REASON_REQUIRED',
  'ACTOR_MISSING',
] as const;
export type TrustAccountErrorCode = (typeof TRUST_ACCOUNT_ERROR_CODES)[number];
export type TrustAccountRefusal = Refusal<TrustAccountErrorCode>;

/** What registering a trust account states: the bank's account, its currency, and its balance at an instant (the first statement opens at it). */
export interface TrustAccountDetails {
  readonly accountId: string;
  readonly currency: string;
  readonly bank: string;
  readonly accountName: string;
  readonly openingBalanceMinor: bigint;
  /** ISO 8601 UTC: the instant the opening balance holds at; no statement may start before it. */
  readonly openingBalanceAt: string;
}

/** What an imported statement says (its lines are kept beside it, by the application). */
export interface StatementSummary {
  /** `<accountId>:<from>:<digest prefix>`: another file for the same period is another statement. */
  readonly statementId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly openingBalanceMinor: bigint;
  readonly closingBalanceMinor: bigint;
  readonly lineCount: number;
  readonly digest: string;
}

export type MakerCheckerDecision = 'approve' | 'reject';
type Status = 'pending' | 'approved' | 'rejected';

export interface TrustAccountRegistration extends TrustAccountDetails {
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly status: Status;
  readonly decidedBy: string | null;
  readonly rejectionReason: string | null;
}

export interface TrustStatementRecord extends StatementSummary {
  readonly submittedBy: string;
  readonly submittedAt: string;
  readonly status: Status;
  readonly decidedBy: string | null;
  readonly rejectionReason: string | null;
}

export interface TrustAccountState {
  readonly registration: TrustAccountRegistration | null;
  readonly statements: ReadonlyMap<string, TrustStatementRecord>;
}

export type TrustAccountCommand =
  | {
      readonly type: 'RequestTrustAccountRegistration';
      readonly account: TrustAccountDetails;
      readonly requestedBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecideTrustAccountRegistration';
      readonly accountId: string;
      readonly decision: MakerCheckerDecision;
      readonly reason: string;
      readonly decidedBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'SubmitTrustStatement';
      readonly statement: StatementSummary;
      readonly submittedBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecideTrustStatement';
      readonly statementId: string;
      readonly decision: MakerCheckerDecision;
      readonly reason: string;
      readonly decidedBy: string;
      readonly at: string;
    };

export type TrustAccountEvent =
  | {
      readonly type: 'TrustAccountRegistrationRequested';
      readonly data: TrustAccountDetails & { readonly requestedBy: string; readonly at: string };
    }
  | {
      readonly type: 'TrustAccountRegistrationApproved';
      readonly data: {
        readonly accountId: string;
        readonly approvedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'TrustAccountRegistrationRejected';
      readonly data: {
        readonly accountId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'TrustStatementSubmitted';
      readonly data: StatementSummary & { readonly submittedBy: string; readonly at: string };
    }
  | {
      readonly type: 'TrustStatementApproved';
      readonly data: {
        readonly statementId: string;
        readonly accountId: string;
        readonly approvedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'TrustStatementRejected';
      readonly data: {
        readonly statementId: string;
        readonly accountId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    };

export const TRUST_ACCOUNT_EVENT_TYPES = eventTypesOf<TrustAccountEvent>({
  TrustAccountRegistrationRequested: true,
  TrustAccountRegistrationApproved: true,
  TrustAccountRegistrationRejected: true,
  TrustStatementSubmitted: true,
  TrustStatementApproved: true,
  TrustStatementRejected: true,
});

export type TrustAccountDecision = Decision<TrustAccountEvent, TrustAccountRefusal>;

export function initialTrustAccountState(): TrustAccountState {
  return { registration: null, statements: new Map() };
}

const accept = (...events: TrustAccountEvent[]): TrustAccountDecision => ({ ok: true, events });
const refuse = (
  code: TrustAccountErrorCode,
  path: string,
  reason: string,
): TrustAccountDecision => ({ ok: false, error: { code, path, reason } });
const sameDetails = (a: TrustAccountDetails, b: TrustAccountDetails) =>
  a.accountId === b.accountId &&
  a.currency === b.currency &&
  a.bank === b.bank &&
  a.accountName === b.accountName &&
  a.openingBalanceMinor === b.openingBalanceMinor &&
  Date.parse(a.openingBalanceAt) === Date.parse(b.openingBalanceAt);

export function decideTrustAccount(
  command: TrustAccountCommand,
  state: TrustAccountState,
): TrustAccountDecision {
  switch (command.type) {
    case 'RequestTrustAccountRegistration':
      return decideRegistrationRequest(command, state);
    case 'DecideTrustAccountRegistration':
      return decideRegistration(command, state);
    case 'SubmitTrustStatement':
      return decideSubmission(command, state);
    case 'DecideTrustStatement':
      return decideStatement(command, state);
    default:
      return unhandled(command);
  }
}

type Command<T extends TrustAccountCommand['type']> = Extract<TrustAccountCommand, { type: T }>;

/** Maker: the account and the balance it opens at; the same request again changes nothing; after a rejection the id may be requested anew. */
function decideRegistrationRequest(
  command: Command<'RequestTrustAccountRegistration'>,
  state: TrustAccountState,
): TrustAccountDecision {
  const { account, requestedBy, at } = command;
  const existing = state.registration;
  if (existing !== null && existing.status !== 'rejected') {
    if (sameDetails(existing, account) && existing.requestedBy === requestedBy) return accept();
    return refuse(
      'TRUST_ACCOUNT_ID_TAKEN',
      'accountId',
      `trust account ${account.accountId} is ${existing.status} with other details (requested by ${existing.requestedBy})`,
    );
  }
  if (requestedBy.trim() === '')
    return refuse('ACTOR_MISSING', 'requestedBy', 'the requester must be an authenticated person');
  return accept({
    type: 'TrustAccountRegistrationRequested',
    data: {
      ...account,
      openingBalanceAt: new Date(account.openingBalanceAt).toISOString(),
      requestedBy,
      at,
    },
  });
}

/** The checks every maker-checker decision shares: an authenticated person, not the maker, and a reason to reject. */
function checkerRefusal(
  decision: MakerCheckerDecision,
  reason: string,
  decidedBy: string,
  makerId: string,
  what: string,
): TrustAccountDecision | undefined {
  if (decidedBy.trim() === '')
    return refuse('ACTOR_MISSING', 'decidedBy', 'the approver must be an authenticated person');
  if (decidedBy === makerId)
    return refuse(
      'MAKER_CHECKER_SAME_PERSON',
      'decidedBy',
      `${decidedBy} ${what}; a different person decides it`,
    );
  if (decision === 'reject' && reason.trim() === '')
    return refuse('REASON_REQUIRED', 'reason', 'a rejection says why');
  return undefined;
}

/** The same decision again by the same person (a replay) changes nothing. */
function isReplay(
  record: {
    readonly status: Status;
    readonly decidedBy: string | null;
    readonly rejectionReason: string | null;
  },
  decision: MakerCheckerDecision,
  decidedBy: string,
  reason: string,
): boolean {
  if (record.decidedBy !== decidedBy) return false;
  return decision === 'approve' ? record.status === 'approved' : record.rejectionReason === reason; // only a rejection has a reason
}

/** Checker: a different person approves the account (and its opening balance) or rejects it. */
function decideRegistration(
  command: Command<'DecideTrustAccountRegistration'>,
  state: TrustAccountState,
): TrustAccountDecision {
  const { accountId, decision, reason, decidedBy, at } = command;
  const registration = state.registration;
  if (registration === null || registration.accountId !== accountId)
    return refuse(
      'TRUST_ACCOUNT_UNKNOWN',
      'accountId',
      `no trust account ${accountId} was requested`,
    );
  if (isReplay(registration, decision, decidedBy, reason)) return accept();
  if (registration.status !== 'pending')
    return refuse(
      'TRUST_ACCOUNT_NOT_PENDING',
      'accountId',
      `trust account ${accountId} was ${registration.status} by ${registration.decidedBy ?? 'nobody'}`,
    );
  const refused = checkerRefusal(
    decision,
    reason,
    decidedBy,
    registration.requestedBy,
    `requested trust account ${accountId}`,
  );
  if (refused !== undefined) return refused;
  return decision === 'approve'
    ? accept({
        type: 'TrustAccountRegistrationApproved',
        data: { accountId, approvedBy: decidedBy, at },
      })
    : accept({
        type: 'TrustAccountRegistrationRejected',
        data: { accountId, rejectedBy: decidedBy, reason, at },
      });
}

/** Maker: a statement of an approved account, recorded pending; it counts only once approved. */
function decideSubmission(
  command: Command<'SubmitTrustStatement'>,
  state: TrustAccountState,
): TrustAccountDecision {
  const { statement, submittedBy, at } = command;
  if (state.statements.has(statement.statementId)) return accept(); // the same file again: the same statement, whoever sends it
  const registration = state.registration;
  if (registration === null || registration.accountId !== statement.accountId)
    return refuse(
      'TRUST_ACCOUNT_UNKNOWN',
      'accountId',
      `${statement.accountId} is not a registered trust account: register it (maker-checker) first`,
    );
  if (registration.status !== 'approved')
    return refuse(
      'TRUST_ACCOUNT_NOT_APPROVED',
      'accountId',
      `trust account ${statement.accountId} is ${registration.status}, not approved`,
    );
  if (submittedBy.trim() === '')
    return refuse('ACTOR_MISSING', 'submittedBy', 'the importer must be an authenticated person');
  if (statement.currency !== registration.currency)
    return refuse(
      'STATEMENT_CURRENCY_MISMATCH',
      'currency',
      `trust account ${statement.accountId} is kept in ${registration.currency}, not ${statement.currency}`,
    );
  if (Date.parse(statement.from) >= Date.parse(statement.to))
    return refuse('STATEMENT_PERIOD_INVALID', 'to', 'a statement period ends after it starts');
  const overlapping = [...state.statements.values()].filter(
    (other) =>
      other.status !== 'rejected' &&
      Date.parse(other.from) < Date.parse(statement.to) &&
      Date.parse(other.to) > Date.parse(statement.from),
  );
  if (overlapping.length > 0)
    return refuse(
      'STATEMENT_OVERLAPS',
      'from',
      `overlaps ${overlapping.map((other) => `${other.statementId} (${other.status})`).join(', ')} of ${statement.accountId}`,
    );
  const chain = chainRefusal(statement, state, registration);
  if (chain !== undefined) return { ok: false, error: chain };
  return accept({ type: 'TrustStatementSubmitted', data: { ...statement, submittedBy, at } });
}

/** Checker: a different person approves (the chain checked again: another statement may have been approved meanwhile) or rejects. */
function decideStatement(
  command: Command<'DecideTrustStatement'>,
  state: TrustAccountState,
): TrustAccountDecision {
  const { statementId, decision, reason, decidedBy, at } = command;
  const statement = state.statements.get(statementId);
  if (statement === undefined || state.registration === null)
    return refuse('STATEMENT_UNKNOWN', 'statementId', `no statement ${statementId} was imported`);
  if (isReplay(statement, decision, decidedBy, reason)) return accept();
  if (statement.status !== 'pending')
    return refuse(
      'STATEMENT_NOT_PENDING',
      'statementId',
      `statement ${statementId} was ${statement.status} by ${statement.decidedBy ?? 'nobody'}`,
    );
  const refused = checkerRefusal(
    decision,
    reason,
    decidedBy,
    statement.submittedBy,
    `imported statement ${statementId}`,
  );
  if (refused !== undefined) return refused;
  const { accountId } = statement;
  if (decision === 'reject')
    return accept({
      type: 'TrustStatementRejected',
      data: { statementId, accountId, rejectedBy: decidedBy, reason, at },
    });
  const chain = chainRefusal(statement, state, state.registration);
  if (chain !== undefined) return { ok: false, error: chain };
  return accept({
    type: 'TrustStatementApproved',
    data: { statementId, accountId, approvedBy: decidedBy, at },
  });
}

/**
 * The statement continues the account's approved history: it starts no earlier than the balance
 * approved at registration, no approved statement starts after it (statements are approved in
 * period order), and it opens at the balance the previous approved statement closed at (the first
 * one: the registered opening balance).
 */
export function chainRefusal(
  statement: StatementSummary,
  state: TrustAccountState,
  registration: TrustAccountDetails,
): TrustAccountRefusal | undefined {
  const from = Date.parse(statement.from);
  if (from < Date.parse(registration.openingBalanceAt)) {
    return {
      code: 'STATEMENT_OUT_OF_ORDER',
      path: 'from',
      reason: `trust account ${statement.accountId} was registered with its balance at ${registration.openingBalanceAt}; a statement cannot start before it`,
    };
  }
  // the statement itself, once approved, is neither later than nor previous to itself: its period ends after it starts
  const approved = [...state.statements.values()].filter((other) => other.status === 'approved');
  const later = approved.find((other) => Date.parse(other.from) >= Date.parse(statement.to));
  if (later !== undefined)
    return {
      code: 'STATEMENT_OUT_OF_ORDER',
      path: 'from',
      reason: `statement ${later.statementId} of a later period is approved already: statements are approved in period order`,
    };
  const previous = approved
    .filter((other) => Date.parse(other.to) <= from)
    .sort((a, b) => Date.parse(b.to) - Date.parse(a.to))[0];
  const expected =
    previous === undefined ? registration.openingBalanceMinor : previous.closingBalanceMinor;
  if (statement.openingBalanceMinor === expected) return undefined;
  const source =
    previous === undefined
      ? `the opening balance approved with trust account ${statement.accountId}'s registration is ${expected}`
      : `the previous approved statement ${previous.statementId} closed at ${expected}`;
  return {
    code: 'OPENING_BALANCE_MISMATCH',
    path: 'openingBalanceMinor',
    reason: `the statement opens at ${statement.openingBalanceMinor} minor units; ${source}`,
  };
}

export function evolveTrustAccount(
  state: TrustAccountState,
  event: TrustAccountEvent,
): TrustAccountState {
  switch (event.type) {
    case 'TrustAccountRegistrationRequested': {
      const { requestedBy, at, ...details } = event.data;
      return {
        ...state,
        registration: {
          ...details,
          requestedBy,
          requestedAt: at,
          status: 'pending',
          decidedBy: null,
          rejectionReason: null,
        },
      };
    }
    case 'TrustAccountRegistrationApproved':
    case 'TrustAccountRegistrationRejected': {
      if (state.registration === null)
        throw new Error(`assertion: ${event.type} of no registration`);
      const decided =
        event.type === 'TrustAccountRegistrationApproved'
          ? { status: 'approved' as const, decidedBy: event.data.approvedBy, rejectionReason: null }
          : {
              status: 'rejected' as const,
              decidedBy: event.data.rejectedBy,
              rejectionReason: event.data.reason,
            };
      return { ...state, registration: { ...state.registration, ...decided } };
    }
    case 'TrustStatementSubmitted': {
      const { submittedBy, at, ...summary } = event.data;
      return {
        ...state,
        statements: new Map(state.statements).set(summary.statementId, {
          ...summary,
          submittedBy,
          submittedAt: at,
          status: 'pending',
          decidedBy: null,
          rejectionReason: null,
        }),
      };
    }
    case 'TrustStatementApproved':
    case 'TrustStatementRejected': {
      const statement = state.statements.get(event.data.statementId);
      if (statement === undefined)
        throw new Error(`assertion: ${event.type} of unknown statement ${event.data.statementId}`);
      const decided =
        event.type === 'TrustStatementApproved'
          ? { status: 'approved' as const, decidedBy: event.data.approvedBy, rejectionReason: null }
          : {
              status: 'rejected' as const,
              decidedBy: event.data.rejectedBy,
              rejectionReason: event.data.reason,
            };
      return {
        ...state,
        statements: new Map(state.statements).set(statement.statementId, {
          ...statement,
          ...decided,
        }),
      };
    }
    default:
      return unhandled(event);
  }
}

/** One trust account's stream: its registration and its statements, each maker-checked. */
export const trustAccountDecider: Decider<
  TrustAccountCommand,
  TrustAccountEvent,
  TrustAccountState,
  TrustAccountRefusal
> = {
  initialState: initialTrustAccountState(),
  eventTypes: TRUST_ACCOUNT_EVENT_TYPES,
  evolve: evolveTrustAccount,
  decide: decideTrustAccount,
};

/**
 * Every code has its HTTP status in the contract's one table (REFUSAL_STATUS): a code added
 * above without one fails typecheck.
 */
export type TrustAccountRefusalCode = RefusalCodes<TrustAccountErrorCode>;
