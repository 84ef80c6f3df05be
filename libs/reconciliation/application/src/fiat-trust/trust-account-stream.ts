import type { Fold } from '@custody/event-store';
import {
  decideTrustAccount,
  trustAccountDecider,
  type StatementProblem,
  type StatementSummary,
  type TrustAccountCommand,
  type TrustAccountErrorCode,
  type TrustAccountEvent,
  type TrustAccountRegistration,
  type TrustAccountState,
  type TrustStatementRecord,
} from '@custody/reconciliation-domain';
import type { ReconciliationContext } from '../reconciliation-store';

export type FiatRefusal = {
  readonly ok: false;
  readonly error: {
    readonly code: 'STATEMENT_INVALID' | TrustAccountErrorCode;
    readonly path: string;
    readonly reason: string;
    readonly problems?: readonly StatementProblem[];
  };
};

/** A trust account for people: its registration and its statements, oldest period first. */
export interface TrustAccountView {
  readonly registration: TrustAccountRegistration | null;
  readonly statements: readonly TrustStatementRecord[];
}

/**
 * Frozen: recorded by the single-person import this service had before issue 22. Such a statement
 * counts no more (nobody approved it) and continues no chain; its period may be imported again
 * through the two-person flow.
 */
/** A one-person import of before issue 22 (still read, no longer counted): the statement's summary, who imported it, when. */
export interface TrustStatementImported {
  readonly type: 'TrustStatementImported';
  readonly data: StatementSummary & {
    readonly importedBy: string;
    readonly at: string;
  };
}

/** One stream per trust account: its registration and its statements (and the single-person imports of before, ignored). */
export const TRUST_ACCOUNT_AGGREGATE: Fold<
  TrustAccountState,
  TrustAccountEvent | TrustStatementImported
> = {
  initialState: trustAccountDecider.initialState,
  eventTypes: new Set([...trustAccountDecider.eventTypes, 'TrustStatementImported']),
  evolve: (state, event) =>
    event.type === 'TrustStatementImported' ? state : trustAccountDecider.evolve(state, event),
};

export const trustStreamId = (accountId: string) => `recon-trust-${accountId}`;

export function viewOf(state: TrustAccountState): TrustAccountView {
  return {
    registration: state.registration,
    statements: [...state.statements.values()].sort(
      (a, b) => Date.parse(a.from) - Date.parse(b.from),
    ),
  };
}

/** A command on a trust account's registration, decided on its stream: the account after, or the refusal. */
export async function decideOnAccount(
  context: ReconciliationContext,
  accountId: string,
  command: TrustAccountCommand,
  by: string,
): Promise<{ readonly ok: true; readonly account: TrustAccountView } | FiatRefusal> {
  const executed = await context.streams.execute(
    trustStreamId(accountId),
    TRUST_ACCOUNT_AGGREGATE,
    (state) => decideTrustAccount(command, state),
    { actor: by },
  );
  return executed.ok
    ? { ok: true, account: viewOf(executed.state) }
    : { ok: false, error: executed.error };
}
