import { clientAccount, houseAccount } from './accounts';
import { debitRefusal, refuseClientAsset, refuseUncovered } from './decide-custody';
import { fingerprintOf } from './decide-trade';
import { transfer } from './journal';
import type { LedgerCommand } from './ledger-commands';
import { ledgerError, type LedgerError } from './ledger-errors';
import { journalIdOf, type LedgerState, type RequestedAdjustment } from './ledger-state';
import type { AssetDecimals, LedgerDecision } from './ledger-decision';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

/**
 * Maker: a manual correction is requested as a compensating entry between the client's account
 * and house inventory (history is never edited). A debit names its HK-7 reason and may not
 * take the client below zero.
 */
export function decideRequestAdjustment(
  command: Command<'RequestAdjustment'>,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerDecision {
  const { adjustmentId, requestedBy, clientId, asset, direction, amountMinor, debitReason, note } =
    command;
  const fingerprint = fingerprintOf([
    adjustmentId,
    requestedBy,
    clientId,
    asset,
    direction,
    amountMinor,
    JSON.stringify(debitReason),
    note,
  ]);
  const existing = state.adjustments.get(adjustmentId);
  if (existing !== undefined) {
    return existing.fingerprint === fingerprint
      ? { ok: true, events: [] }
      : {
          ok: false,
          error: ledgerError(
            'ADJUSTMENT_ID_CONFLICT',
            'adjustmentId',
            `adjustment ${adjustmentId} was requested with other content`,
          ),
        };
  }
  if (requestedBy.trim() === '')
    return {
      ok: false,
      error: ledgerError(
        'ACTOR_MISSING',
        'requestedBy',
        'the requester must be an authenticated person',
      ),
    };
  const refusal = refuseClientAsset(state, decimals, clientId, asset, amountMinor);
  if (refusal !== undefined) return { ok: false, error: refusal };
  if (direction === 'debit') {
    if (debitReason === null)
      return {
        ok: false,
        error: ledgerError(
          'ADJUSTMENT_DEBIT_REASON_MISSING',
          'debitReason',
          'HK-7: a debit of a client account names its reason',
        ),
      };
    // Trades, fees and withdrawals debit clients on their own paths, with their own checks: a manual
    // adjustment claiming one of them would bypass those (HK-7), so only consent or a legal order.
    if (debitReason.kind !== 'written-consent' && debitReason.kind !== 'legal-order') {
      return {
        ok: false,
        error: ledgerError(
          'HK7_DEBIT_REASON_NOT_PERMITTED',
          'debitReason',
          `HK-7: '${debitReason.kind}' is not a reason for a manual debit (only written consent or a legal order)`,
        ),
      };
    }
    const refused =
      debitRefusal(clientId, debitReason, 'debitReason') ??
      refuseUncovered(state, clientId, asset, amountMinor);
    if (refused !== undefined) return { ok: false, error: refused };
  }
  return {
    ok: true,
    events: [
      {
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
          fingerprint,
          at: command.metadata.at,
        },
      },
    ],
  };
}

/** How long an adjustment may wait for its approval by default: three days, then it expires (configuration may change it). */
export const ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT = 72 * 60 * 60 * 1000;

/** The end of a request's approval window: approvable strictly before it. */
export function adjustmentExpiresAt(
  request: RequestedAdjustment,
  approvalWindowMs: number,
): string {
  if (!Number.isSafeInteger(approvalWindowMs) || approvalWindowMs <= 0)
    throw new Error(
      `assertion: an approval window is a positive number of milliseconds, not ${approvalWindowMs}`,
    );
  const requestedAt = Date.parse(request.requestedAt);
  if (Number.isNaN(requestedAt))
    throw new Error(`assertion: adjustment requested at '${request.requestedAt}'`);
  return new Date(requestedAt + approvalWindowMs).toISOString();
}

function pendingRequest(
  command: { readonly adjustmentId: string; readonly clientId: string },
  state: LedgerState,
): RequestedAdjustment | LedgerError {
  const request = state.adjustments.get(command.adjustmentId);
  if (request === undefined || request.clientId !== command.clientId)
    return ledgerError(
      'ADJUSTMENT_UNKNOWN',
      'adjustmentId',
      `no adjustment ${command.adjustmentId} was requested for client ${command.clientId}`,
    );
  return request;
}

function isRefusal(value: RequestedAdjustment | LedgerError): value is LedgerError {
  return 'code' in value;
}

/** Checker: a different person approves within the window; the compensating journal posts (a debit is re-checked against the balance now). */
export function decideApproveAdjustment(
  command: Command<'ApproveAdjustment'>,
  state: LedgerState,
): LedgerDecision {
  const request = pendingRequest(command, state);
  if (isRefusal(request)) return { ok: false, error: request };
  if (request.approvedBy === command.approvedBy) return { ok: true, events: [] }; // the same approval again (only an approved request has an approver)
  const expiresAt = adjustmentExpiresAt(request, command.approvalWindowMs);
  if (request.status === 'expired')
    return {
      ok: false,
      error: ledgerError(
        'ADJUSTMENT_EXPIRED',
        'adjustmentId',
        `adjustment ${command.adjustmentId} expired unapproved; request it again`,
      ),
    };
  if (request.status !== 'pending')
    return {
      ok: false,
      error: ledgerError(
        'ADJUSTMENT_NOT_PENDING',
        'adjustmentId',
        `adjustment ${command.adjustmentId} is ${request.status}`,
      ),
    };
  if (command.approvedBy.trim() === '')
    return {
      ok: false,
      error: ledgerError(
        'ACTOR_MISSING',
        'approvedBy',
        'the approver must be an authenticated person',
      ),
    };
  if (command.approvedBy === request.requestedBy) {
    return {
      ok: false,
      error: ledgerError(
        'MAKER_CHECKER_SAME_PERSON',
        'approvedBy',
        'the approver must be a different person from the requester',
      ),
    };
  }
  if (Date.parse(command.metadata.at) >= Date.parse(expiresAt)) {
    return {
      ok: false,
      error: ledgerError(
        'ADJUSTMENT_EXPIRED',
        'adjustmentId',
        `adjustment ${command.adjustmentId} was requested at ${request.requestedAt} and could be approved until ${expiresAt}; request it again`,
      ),
    };
  }
  const { clientId, asset, amountMinor } = request;
  if (request.direction === 'debit') {
    const uncovered = refuseUncovered(state, clientId, asset, amountMinor);
    if (uncovered !== undefined) return { ok: false, error: uncovered };
  }
  const client = clientAccount(clientId, asset);
  const inventory = houseAccount('inventory', asset);
  const entries =
    request.direction === 'credit'
      ? transfer(inventory, client, amountMinor)
      : transfer(client, inventory, amountMinor);
  const at = command.metadata.at;
  return {
    ok: true,
    events: [
      {
        type: 'AdjustmentApproved',
        data: { adjustmentId: command.adjustmentId, approvedBy: command.approvedBy, at },
      },
      {
        type: 'JournalPosted',
        data: {
          journalId: journalIdOf('adjustment', command.adjustmentId),
          kind: 'adjustment',
          sourceReference: command.adjustmentId,
          fingerprint: request.fingerprint,
          entries,
          at,
        },
      },
    ],
  };
}

/** Checker: a different person turns a pending request down and says why; nothing is booked. The same rejection again changes nothing. */
export function decideRejectAdjustment(
  command: Command<'RejectAdjustment'>,
  state: LedgerState,
): LedgerDecision {
  const request = pendingRequest(command, state);
  if (isRefusal(request)) return { ok: false, error: request };
  // The same rejection again (only a rejected request has a rejecter).
  if (request.rejectedBy === command.rejectedBy && request.rejectionReason === command.reason)
    return { ok: true, events: [] };
  if (request.status !== 'pending')
    return {
      ok: false,
      error: ledgerError(
        'ADJUSTMENT_NOT_PENDING',
        'adjustmentId',
        `adjustment ${command.adjustmentId} is ${request.status}`,
      ),
    };
  if (command.rejectedBy.trim() === '')
    return {
      ok: false,
      error: ledgerError(
        'ACTOR_MISSING',
        'rejectedBy',
        'the approver must be an authenticated person',
      ),
    };
  if (command.rejectedBy === request.requestedBy) {
    return {
      ok: false,
      error: ledgerError(
        'MAKER_CHECKER_SAME_PERSON',
        'rejectedBy',
        `${command.rejectedBy} requested adjustment ${command.adjustmentId}; a different person decides it`,
      ),
    };
  }
  if (command.reason.trim() === '')
    return {
      ok: false,
      error: ledgerError('REASON_REQUIRED', 'reason', 'a rejected adjustment says why'),
    };
  return {
    ok: true,
    events: [
      {
        type: 'AdjustmentRejected',
        data: {
          adjustmentId: command.adjustmentId,
          rejectedBy: command.rejectedBy,
          reason: command.reason,
          at: command.metadata.at,
        },
      },
    ],
  };
}

/** A pending request past its window is closed as expired (the books show it); before the window ends it is refused; again, nothing changes. */
export function decideExpireAdjustment(
  command: Command<'ExpireAdjustment'>,
  state: LedgerState,
): LedgerDecision {
  const request = pendingRequest(command, state);
  if (isRefusal(request)) return { ok: false, error: request };
  if (request.status === 'expired') return { ok: true, events: [] };
  if (request.status !== 'pending')
    return {
      ok: false,
      error: ledgerError(
        'ADJUSTMENT_NOT_PENDING',
        'adjustmentId',
        `adjustment ${command.adjustmentId} is ${request.status}`,
      ),
    };
  const expiresAt = adjustmentExpiresAt(request, command.approvalWindowMs);
  if (Date.parse(command.metadata.at) < Date.parse(expiresAt))
    return {
      ok: false,
      error: ledgerError(
        'ADJUSTMENT_NOT_EXPIRED',
        'adjustmentId',
        `adjustment ${command.adjustmentId} may be approved until ${expiresAt}`,
      ),
    };
  return {
    ok: true,
    events: [
      {
        type: 'AdjustmentExpired',
        data: { adjustmentId: command.adjustmentId, expiresAt, at: command.metadata.at },
      },
    ],
  };
}
