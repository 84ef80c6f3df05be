import type { NewEvent } from '@custody/event-store';
import { initialLedgerState, type LedgerEvent, type LedgerState } from '@custody/ledger-domain';
import { deterministicUuid } from '@custody/messaging';
import { LEDGER_EVENT_SCHEMA_VERSION, storedData } from '../stored-events';

export const CLIENT_STREAM_PREFIX = 'ledger-client-';

/** One stream per client: their onboarding, every journal touching them, holds, adjustments (HK-21: the client's statement). */
export function clientStreamId(clientId: string): string {
  return `${CLIENT_STREAM_PREFIX}${clientId}`;
}

/** The clients whose statement records an event; the first one is the journal's primary copy. */
export function ownersOf(event: LedgerEvent, state: LedgerState): string[] {
  switch (event.type) {
    case 'JournalPosted':
      return [
        ...new Set(
          event.data.entries.flatMap((entry) =>
            entry.account.kind === 'client' ? [entry.account.clientId] : [],
          ),
        ),
      ];
    case 'WithdrawalHoldReleased':
      return [requiredOwner(state.withdrawals.get(event.data.withdrawalId)?.clientId, event)];
    case 'AdjustmentApproved':
    case 'AdjustmentRejected':
    case 'AdjustmentExpired':
      return [requiredOwner(state.adjustments.get(event.data.adjustmentId)?.clientId, event)];
    case 'ClientOnboarded':
    case 'ClientBalanceWentNegative':
    case 'WithdrawalHoldPlaced':
    case 'AdjustmentRequested':
      return [event.data.clientId];
    default: {
      const unreachable: never = event;
      throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

function requiredOwner(clientId: string | undefined, event: LedgerEvent): string {
  if (clientId === undefined) throw new Error(`assertion: ${event.type} has no owning client`);
  return clientId;
}

/**
 * Where a journal is complete: its copies sit at adjacent positions in its clients' order, so the
 * copy in the stream of its k-th client (of n) is completed n-1-k positions later. Any other event
 * is complete where it is.
 */
export function journalCompletedAt(
  event: LedgerEvent,
  streamClientId: string,
  position: bigint,
): bigint {
  if (event.type !== 'JournalPosted') return position;
  const owners = ownersOf(event, initialLedgerState());
  const index = owners.indexOf(streamClientId);
  if (index < 0)
    throw new Error(
      `assertion: journal ${event.data.journalId} is not in ${streamClientId}'s books`,
    );
  return position + BigInt(owners.length - 1 - index);
}

/** An event as stored in one owner's stream: its id derives from its business key and the owner. */
export function clientStreamEvent(event: LedgerEvent, owner: string): NewEvent {
  const eventId = deterministicUuid(
    `ledger\u0000${event.type}\u0000${businessKey(event)}\u0000${owner}`,
  );
  return {
    eventId,
    type: event.type,
    schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
    data: storedData(event),
    metadata: { occurredAt: event.data.at },
  };
}

/** What makes an event unique in business terms: its id derives from it. */
function businessKey(event: LedgerEvent): string {
  switch (event.type) {
    case 'ClientOnboarded':
      return event.data.clientId;
    case 'JournalPosted':
      return event.data.journalId;
    case 'ClientBalanceWentNegative':
      return `${event.data.journalId}/${event.data.clientId}/${event.data.asset}`;
    case 'WithdrawalHoldPlaced':
    case 'WithdrawalHoldReleased':
      return event.data.withdrawalId;
    case 'AdjustmentRequested':
    case 'AdjustmentApproved':
    case 'AdjustmentRejected':
    case 'AdjustmentExpired':
      return event.data.adjustmentId;
    default: {
      const unreachable: never = event;
      throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}
