import {
  READ_PAGE_EVENTS_MAX,
  type PostgresEventStore,
  type StreamAppend,
  type Transaction,
} from '@custody/event-store';
import type { LedgerCommand, LedgerEvent } from '@custody/ledger-domain';
import { unhandled } from '@custody/decider';
import { deterministicUuid } from '@custody/messaging';
import { LEDGER_EVENT_SCHEMA_VERSION } from '../stored-events';

/**
 * A trade, deposit, withdrawal or adjustment id is claimed once for the whole ledger, in a stream
 * of its own (`ledger-claim-trade:T-1`) naming the clients whose books hold it and, for a trade
 * or a deposit, the fingerprint of its journal: the same id again is a no-op or a conflict
 * without reading anyone's history, and the same id for other clients loads those books too.
 */
export const CLAIM_STREAM_PREFIX = 'ledger-claim-';
export const SOURCE_CLAIMED_TYPE = 'SourceClaimed';

export interface Claim {
  readonly clientIds: readonly string[];
  /** The journal's fingerprint, for a trade or a deposit. */
  readonly fingerprint: string | null;
}

/** The id a command claims for the whole ledger, if it creates one (every command says which). */
export function claimKeyOf(command: LedgerCommand): string | undefined {
  switch (command.type) {
    case 'SettleTrade':
      return `trade:${command.trade.tradeId}`;
    case 'BookDeposit':
      return `deposit:${command.depositId}`;
    case 'HoldWithdrawal':
      return `withdrawal:${command.withdrawalId}`;
    case 'RequestAdjustment':
      return `adjustment:${command.adjustmentId}`;
    // these act on a client, a withdrawal or an adjustment already there: nothing new to claim
    case 'OnboardClient':
    case 'SettleWithdrawal':
    case 'ReleaseWithdrawal':
    case 'ApproveAdjustment':
    case 'RejectAdjustment':
    case 'ExpireAdjustment':
      return undefined;
    default:
      return unhandled(command);
  }
}

/** The fingerprint of the journal a trade or deposit claim names (its journal id is the claim key). */
export function journalFingerprint(
  events: readonly LedgerEvent[],
  claimKey: string,
): string | null {
  for (const event of events)
    if (event.type === 'JournalPosted' && event.data.journalId === claimKey)
      return event.data.fingerprint;
  return null;
}

/** The append that claims `claimKey` (a stream that must not exist yet). */
export function claimAppend(claimKey: string, claim: Claim): StreamAppend {
  return {
    streamId: `${CLAIM_STREAM_PREFIX}${claimKey}`,
    expectedVersion: 'no-stream',
    events: [
      {
        eventId: deterministicUuid(`ledger\u0000${SOURCE_CLAIMED_TYPE}\u0000${claimKey}`),
        type: SOURCE_CLAIMED_TYPE,
        schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
        data: { claimKey, clientIds: [...claim.clientIds], fingerprint: claim.fingerprint },
      },
    ],
  };
}

/** The claims already made on these keys (a key never claimed is absent), a page of streams at a time. */
export async function readClaims(
  store: PostgresEventStore,
  claimKeys: readonly string[],
  transaction?: Transaction,
): Promise<Map<string, Claim>> {
  const claims = new Map<string, Claim>();
  for (let start = 0; start < claimKeys.length; start += READ_PAGE_EVENTS_MAX) {
    const cursors = claimKeys
      .slice(start, start + READ_PAGE_EVENTS_MAX)
      .map((key) => ({ streamId: `${CLAIM_STREAM_PREFIX}${key}`, afterVersion: 0n }));
    for (const event of await store.readStreams(
      cursors,
      { maxCount: READ_PAGE_EVENTS_MAX },
      transaction,
    )) {
      const data = event.data as {
        claimKey: string;
        clientIds: string[];
        fingerprint?: string | null;
      };
      const claimKey = data.claimKey;
      if (
        (claimKey.startsWith('trade:') || claimKey.startsWith('deposit:')) &&
        typeof data.fingerprint !== 'string'
      ) {
        throw new Error(`assertion: claim ${claimKey} has no journal fingerprint`);
      }
      claims.set(claimKey, { clientIds: data.clientIds, fingerprint: data.fingerprint ?? null });
    }
  }
  return claims;
}
