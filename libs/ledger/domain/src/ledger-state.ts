import { unhandled } from '@custody/decider';
import { accountKey, ZERO_BALANCE, type Account, type AccountBalance } from './accounts';
import type { ClientDebitReason } from './client-debit-guard';
import type { JournalKind, LedgerEvent } from './ledger-events';

export interface HeldWithdrawal {
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly walletId: string;
  readonly fingerprint: string;
  readonly status: 'held' | 'settled' | 'released';
  /** Content of the settlement journal once settled: the same confirmation again is a no-op, another one a conflict. */
  readonly settlementFingerprint: string | null;
}

export interface RequestedAdjustment {
  readonly requestedBy: string;
  readonly clientId: string;
  readonly asset: string;
  readonly direction: 'credit' | 'debit';
  readonly amountMinor: bigint;
  readonly debitReason: ClientDebitReason | null;
  readonly fingerprint: string;
  /** When it was requested: its approval window starts here. */
  readonly requestedAt: string;
  readonly status: 'pending' | 'approved' | 'rejected' | 'expired';
  readonly approvedBy: string | null;
  readonly rejectedBy?: string;
  readonly rejectionReason?: string;
}

export interface LedgerState {
  readonly clients: ReadonlySet<string>;
  readonly accounts: ReadonlyMap<
    string,
    { readonly account: Account; readonly balance: AccountBalance }
  >;
  /**
   * Fingerprint of posted journals by id (`<kind>:<source reference>`), for idempotency. Folding a
   * history fills it; a client's books (`clientBooks`) leave it out: the write path seeds it from
   * the ledger-wide claim of the id a command carries, so books stay small however long the history.
   */
  readonly journals: ReadonlyMap<string, string>;
  readonly withdrawals: ReadonlyMap<string, HeldWithdrawal>;
  readonly adjustments: ReadonlyMap<string, RequestedAdjustment>;
}

export function initialLedgerState(): LedgerState {
  return {
    clients: new Set(),
    accounts: new Map(),
    journals: new Map(),
    withdrawals: new Map(),
    adjustments: new Map(),
  };
}

export function journalIdOf(kind: JournalKind, sourceReference: string): string {
  return `${kind}:${sourceReference}`;
}

export function balanceOf(state: LedgerState, account: Account): AccountBalance {
  return state.accounts.get(accountKey(account))?.balance ?? ZERO_BALANCE;
}

function withBalance(
  accounts: ReadonlyMap<string, { readonly account: Account; readonly balance: AccountBalance }>,
  account: Account,
  change: (balance: AccountBalance) => AccountBalance,
): Map<string, { readonly account: Account; readonly balance: AccountBalance }> {
  const next = new Map(accounts);
  const key = accountKey(account);
  next.set(key, { account, balance: change(accounts.get(key)?.balance ?? ZERO_BALANCE) });
  return next;
}

type JournalSource = { readonly kind: JournalKind; readonly sourceReference: string };

/**
 * A withdrawal's journal settles the hold placed under its source reference: the hold's pending
 * debit becomes the posted debit (the client's pending debits fall by the hold, the hold is
 * settled). The id of that withdrawal; undefined for any other journal. The books' fold below and
 * the projection both find the settled hold this way.
 */
export function withdrawalSettledBy(journal: JournalSource): string | undefined {
  return journal.kind === 'withdrawal' ? journal.sourceReference : undefined;
}

/** The hold a journal settles (withdrawalSettledBy), undefined when there is none. */
export function holdSettledBy<Hold>(
  journal: JournalSource,
  holds: ReadonlyMap<string, Hold>,
): Hold | undefined {
  const withdrawalId = withdrawalSettledBy(journal);
  // Stryker disable next-line ConditionalExpression: an equivalent mutant: a map's get of undefined is undefined too (the condition is there for the type)
  return withdrawalId === undefined ? undefined : holds.get(withdrawalId);
}

/** Applies one recorded event. Pure; never refuses (events are facts). */
export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case 'ClientOnboarded':
      return { ...state, clients: new Set(state.clients).add(event.data.clientId) };
    case 'JournalPosted': {
      let accounts = state.accounts;
      for (const entry of event.data.entries) {
        accounts = withBalance(accounts, entry.account, (balance) =>
          entry.side === 'debit'
            ? { ...balance, debitsPosted: balance.debitsPosted + entry.amountMinor }
            : { ...balance, creditsPosted: balance.creditsPosted + entry.amountMinor },
        );
      }
      const journals = new Map(state.journals).set(event.data.journalId, event.data.fingerprint);
      const settled = holdSettledBy(event.data, state.withdrawals);
      if (settled === undefined) return { ...state, accounts, journals };
      // The hold becomes the posted debit.
      accounts = withBalance(
        accounts,
        { kind: 'client', clientId: settled.clientId, asset: settled.asset },
        (balance) => ({
          ...balance,
          debitsPending: balance.debitsPending - settled.amountMinor,
        }),
      );
      const withdrawals = new Map(state.withdrawals).set(event.data.sourceReference, {
        ...settled,
        status: 'settled',
        settlementFingerprint: event.data.fingerprint,
      });
      return { ...state, accounts, journals, withdrawals };
    }
    case 'ClientBalanceWentNegative':
      return state;
    case 'WithdrawalHoldPlaced': {
      const { withdrawalId, clientId, asset, amountMinor, walletId, fingerprint } = event.data;
      const accounts = withBalance(
        state.accounts,
        { kind: 'client', clientId, asset },
        (balance) => ({ ...balance, debitsPending: balance.debitsPending + amountMinor }),
      );
      return {
        ...state,
        accounts,
        withdrawals: new Map(state.withdrawals).set(withdrawalId, {
          clientId,
          asset,
          amountMinor,
          walletId,
          fingerprint,
          status: 'held',
          settlementFingerprint: null,
        }),
      };
    }
    case 'WithdrawalHoldReleased': {
      const held = state.withdrawals.get(event.data.withdrawalId);
      if (held === undefined)
        throw new Error(`assertion: release of unknown withdrawal ${event.data.withdrawalId}`);
      const accounts = withBalance(
        state.accounts,
        { kind: 'client', clientId: held.clientId, asset: held.asset },
        (balance) => ({
          ...balance,
          debitsPending: balance.debitsPending - held.amountMinor,
        }),
      );
      return {
        ...state,
        accounts,
        withdrawals: new Map(state.withdrawals).set(event.data.withdrawalId, {
          ...held,
          status: 'released',
        }),
      };
    }
    case 'AdjustmentRequested': {
      const {
        adjustmentId,
        requestedBy,
        clientId,
        asset,
        direction,
        amountMinor,
        debitReason,
        fingerprint,
      } = event.data;
      const request: RequestedAdjustment = {
        requestedBy,
        clientId,
        asset,
        direction,
        amountMinor,
        debitReason,
        fingerprint,
        requestedAt: event.data.at,
        status: 'pending',
        approvedBy: null,
      };
      return { ...state, adjustments: new Map(state.adjustments).set(adjustmentId, request) };
    }
    case 'AdjustmentApproved': {
      const request = state.adjustments.get(event.data.adjustmentId);
      if (request === undefined)
        throw new Error(`assertion: approval of unknown adjustment ${event.data.adjustmentId}`);
      return {
        ...state,
        adjustments: new Map(state.adjustments).set(event.data.adjustmentId, {
          ...request,
          status: 'approved',
          approvedBy: event.data.approvedBy,
        }),
      };
    }
    case 'AdjustmentRejected':
    case 'AdjustmentExpired': {
      const request = state.adjustments.get(event.data.adjustmentId);
      if (request === undefined)
        throw new Error(
          `assertion: ${event.type} of unknown adjustment ${event.data.adjustmentId}`,
        );
      const closed: RequestedAdjustment =
        event.type === 'AdjustmentRejected'
          ? {
              ...request,
              status: 'rejected',
              rejectedBy: event.data.rejectedBy,
              rejectionReason: event.data.reason,
            }
          : { ...request, status: 'expired' };
      return {
        ...state,
        adjustments: new Map(state.adjustments).set(event.data.adjustmentId, closed),
      };
    }
    default:
      return unhandled(event);
  }
}

/**
 * One client's books out of a state: the client, their accounts, withdrawals and adjustments.
 * House and custody accounts and journal fingerprints are left out (no decision reads them).
 */
export function clientBooks(state: LedgerState, clientId: string): LedgerState {
  const accounts = new Map(
    [...state.accounts].filter(
      ([, { account }]) => account.kind === 'client' && account.clientId === clientId,
    ),
  );
  return {
    clients: state.clients.has(clientId) ? new Set([clientId]) : new Set(),
    accounts,
    journals: new Map(),
    withdrawals: new Map(
      [...state.withdrawals].filter(([, withdrawal]) => withdrawal.clientId === clientId),
    ),
    adjustments: new Map(
      [...state.adjustments].filter(([, adjustment]) => adjustment.clientId === clientId),
    ),
  };
}

/** Several clients' books as one state, to decide a command that touches them all. */
export function mergeBooks(
  books: readonly LedgerState[],
  journals: ReadonlyMap<string, string> = new Map(),
): LedgerState {
  return {
    clients: new Set(books.flatMap((book) => [...book.clients])),
    accounts: new Map(books.flatMap((book) => [...book.accounts])),
    journals: new Map(journals),
    withdrawals: new Map(books.flatMap((book) => [...book.withdrawals])),
    adjustments: new Map(books.flatMap((book) => [...book.adjustments])),
  };
}
