import { clientAccount, houseAccount } from './accounts';
import { debitRefusal, refuseClientAsset, refuseUncovered } from './decide-custody';
import { fingerprintOf } from './decide-trade';
import { transfer } from './journal';
import type { LedgerCommand } from './ledger-commands';
import { ledgerError } from './ledger-errors';
import { journalIdOf, type LedgerState } from './ledger-state';
import type { AssetDecimals, Decision } from './ledger';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

/**
 * Maker: a manual correction is requested as a compensating entry between the client's account
 * and house inventory (history is never edited). A debit names its HK-7 reason and may not
 * take the client below zero.
 */
export function decideRequestAdjustment(command: Command<'RequestAdjustment'>, state: LedgerState, decimals: AssetDecimals): Decision {
  const { adjustmentId, requestedBy, clientId, asset, direction, amountMinor, debitReason, note } = command;
  const fingerprint = fingerprintOf([adjustmentId, requestedBy, clientId, asset, direction, amountMinor, JSON.stringify(debitReason), note]);
  const existing = state.adjustments.get(adjustmentId);
  if (existing !== undefined) {
    return existing.fingerprint === fingerprint ? { ok: true, events: [] } : { ok: false, error: ledgerError('ADJUSTMENT_ID_CONFLICT', 'adjustmentId', `adjustment ${adjustmentId} was requested with other content`) };
  }
  if (requestedBy.trim() === '') return { ok: false, error: ledgerError('ACTOR_MISSING', 'requestedBy', 'the requester must be an authenticated person') };
  const refusal = refuseClientAsset(state, decimals, clientId, asset, amountMinor);
  if (refusal !== undefined) return { ok: false, error: refusal };
  if (direction === 'debit') {
    if (debitReason === null) return { ok: false, error: ledgerError('ADJUSTMENT_DEBIT_REASON_MISSING', 'debitReason', 'HK-7: a debit of a client account names its reason') };
    // Trades, fees and withdrawals debit clients on their own paths, with their own checks: a manual
    // adjustment claiming one of them would bypass those (HK-7), so only consent or a legal order.
    if (debitReason.kind !== 'written-consent' && debitReason.kind !== 'legal-order') {
      return { ok: false, error: ledgerError('HK7_DEBIT_REASON_NOT_PERMITTED', 'debitReason', `HK-7: '${debitReason.kind}' is not a reason for a manual debit (only written consent or a legal order)`) };
    }
    const refused = debitRefusal(clientId, debitReason, 'debitReason') ?? refuseUncovered(state, clientId, asset, amountMinor);
    if (refused !== undefined) return { ok: false, error: refused };
  }
  return {
    ok: true,
    events: [{ type: 'AdjustmentRequested', data: { adjustmentId, requestedBy, clientId, asset, direction, amountMinor, debitReason, note, fingerprint, at: command.metadata.at } }],
  };
}

/** Checker: a different person approves; the compensating journal posts (a debit is re-checked against the balance now). */
export function decideApproveAdjustment(command: Command<'ApproveAdjustment'>, state: LedgerState): Decision {
  const request = state.adjustments.get(command.adjustmentId);
  if (request === undefined || request.clientId !== command.clientId) return { ok: false, error: ledgerError('ADJUSTMENT_UNKNOWN', 'adjustmentId', `no adjustment ${command.adjustmentId} was requested for client ${command.clientId}`) };
  if (request.status === 'approved' && request.approvedBy === command.approvedBy) return { ok: true, events: [] }; // the same approval again
  if (request.status !== 'pending') return { ok: false, error: ledgerError('ADJUSTMENT_NOT_PENDING', 'adjustmentId', `adjustment ${command.adjustmentId} is ${request.status}`) };
  if (command.approvedBy.trim() === '') return { ok: false, error: ledgerError('ACTOR_MISSING', 'approvedBy', 'the approver must be an authenticated person') };
  if (command.approvedBy === request.requestedBy) {
    return { ok: false, error: ledgerError('MAKER_CHECKER_SAME_PERSON', 'approvedBy', 'the approver must be a different person from the requester') };
  }
  const { clientId, asset, amountMinor } = request;
  if (request.direction === 'debit') {
    const uncovered = refuseUncovered(state, clientId, asset, amountMinor);
    if (uncovered !== undefined) return { ok: false, error: uncovered };
  }
  const client = clientAccount(clientId, asset);
  const inventory = houseAccount('inventory', asset);
  const entries = request.direction === 'credit' ? transfer(inventory, client, amountMinor) : transfer(client, inventory, amountMinor);
  const at = command.metadata.at;
  return {
    ok: true,
    events: [
      { type: 'AdjustmentApproved', data: { adjustmentId: command.adjustmentId, approvedBy: command.approvedBy, at } },
      {
        type: 'JournalPosted',
        data: { journalId: journalIdOf('adjustment', command.adjustmentId), kind: 'adjustment', sourceReference: command.adjustmentId, fingerprint: request.fingerprint, entries, at },
      },
    ],
  };
}
