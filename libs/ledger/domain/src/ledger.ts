import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import {
  decideApproveAdjustment,
  decideExpireAdjustment,
  decideRejectAdjustment,
  decideRequestAdjustment,
} from './decide-adjustment';
import {
  decideBookDeposit,
  decideHoldWithdrawal,
  decideReleaseWithdrawal,
  decideSettleWithdrawal,
} from './decide-custody';
import { decideSettleTrade } from './decide-trade';
import { checkJournal } from './journal';
import type { LedgerCommand } from './ledger-commands';
import type { AssetDecimals, LedgerDecision } from './ledger-decision';
import { ledgerError, type LedgerError } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state';

/**
 * The ledger's write decisions: pure, `decide(command, state)`. Every journal it emits is
 * asserted balanced per asset (HK-8) before it leaves: an unbalanced journal is a programmer
 * error and crashes loudly.
 */
export function decideLedger(
  command: LedgerCommand,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerDecision {
  const decision = decideUnchecked(command, state, decimals);
  if (decision.ok) {
    for (const event of decision.events) {
      if (event.type !== 'JournalPosted') continue;
      const problem = checkJournal(event.data.entries);
      if (problem !== undefined)
        throw new Error(
          `assertion: ${command.type} produced journal ${event.data.journalId} with ${problem.code}`,
        );
    }
  }
  return decision;
}

function decideUnchecked(
  command: LedgerCommand,
  state: LedgerState,
  decimals: AssetDecimals,
): LedgerDecision {
  switch (command.type) {
    case 'OnboardClient':
      if (state.clients.has(command.clientId)) return { ok: true, events: [] };
      if (command.clientId.trim() === '')
        return {
          ok: false,
          error: ledgerError('CLIENT_UNKNOWN', 'clientId', 'a client id is required'),
        };
      return {
        ok: true,
        events: [
          {
            type: 'ClientOnboarded',
            data: { clientId: command.clientId, at: command.metadata.at },
          },
        ],
      };
    case 'SettleTrade':
      return decideSettleTrade(command.trade, command.metadata.at, state, decimals);
    case 'BookDeposit':
      return decideBookDeposit(command, state, decimals);
    case 'HoldWithdrawal':
      return decideHoldWithdrawal(command, state, decimals);
    case 'SettleWithdrawal':
      return decideSettleWithdrawal(command, state);
    case 'ReleaseWithdrawal':
      return decideReleaseWithdrawal(command, state);
    case 'RequestAdjustment':
      return decideRequestAdjustment(command, state, decimals);
    case 'ApproveAdjustment':
      return decideApproveAdjustment(command, state);
    case 'RejectAdjustment':
      return decideRejectAdjustment(command, state);
    case 'ExpireAdjustment':
      return decideExpireAdjustment(command, state);
    default:
      return unhandled(command);
  }
}

/**
 * The ledger's rules as one Decider: a client's books (or several clients' merged) decide a
 * command with the asset registry's decimals as the facts.
 */
export const ledgerDecider: Decider<
  LedgerCommand,
  LedgerEvent,
  LedgerState,
  LedgerError,
  AssetDecimals
> = {
  initialState: initialLedgerState(),
  eventTypes: eventTypesOf<LedgerEvent>({
    ClientOnboarded: true,
    JournalPosted: true,
    ClientBalanceWentNegative: true,
    WithdrawalHoldPlaced: true,
    WithdrawalHoldReleased: true,
    AdjustmentRequested: true,
    AdjustmentApproved: true,
    AdjustmentRejected: true,
    AdjustmentExpired: true,
  }),
  evolve: evolveLedger,
  decide: decideLedger,
};
