import { EventIdConflictError, READ_PAGE_EVENTS_MAX, WrongExpectedVersionError, type ExpectedVersion, type PostgresEventStore, type RecordedEvent, type StreamAppend, type Transaction } from '@custody/event-store';
import {
  decideLedger,
  evolveLedger,
  initialLedgerState,
  type AssetDecimals,
  type Decision,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerState,
} from '@custody/ledger-domain';
import { deterministicUuid } from '@custody/messaging';
import { ledgerEventOf, LEDGER_EVENT_SCHEMA_VERSION, storedData } from './stored-events';

/** A command loses a race for a client's books at most this many times before it gives up. */
export const COMMAND_ATTEMPTS_MAX = 8;
export const CLIENT_STREAM_PREFIX = 'ledger-client-';
/**
 * A trade, deposit, withdrawal or adjustment id is claimed once for the whole ledger, in a stream
 * of its own (`ledger-claim-trade:T-1`) naming the clients whose books hold it: the same id
 * again for other clients then loads those books too and is seen as a conflict.
 */
export const CLAIM_STREAM_PREFIX = 'ledger-claim-';
export const SOURCE_CLAIMED_TYPE = 'SourceClaimed';

/** One stream per client: their onboarding, every journal touching them, holds, adjustments (HK-21: the client's statement). */
export function clientStreamId(clientId: string): string {
  return `${CLIENT_STREAM_PREFIX}${clientId}`;
}

export type HandledCommand = Decision & { readonly attempts: number };

/**
 * The one write path for the ledger: load the books of the clients a command touches, decide
 * (pure), append to each client's stream with the version read as the expected version, commit.
 * Two commands racing for one client: one commits, the other reloads and decides again on the
 * new balance, so a balance check (a withdrawal, a debit adjustment) can never be overtaken.
 * Event ids derive from the business keys: a command retried after a crash appends nothing new.
 */
export class LedgerCommandHandler {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly decimals: AssetDecimals,
  ) {}

  async handle(command: LedgerCommand, transaction?: Transaction): Promise<HandledCommand> {
    const claimKey = claimKeyOf(command);
    for (let attempt = 1; ; attempt += 1) {
      const claim = claimKey === undefined ? undefined : await this.readClaim(claimKey, transaction);
      const clientIds = [...new Set([...clientsOf(command), ...(claim?.clientIds ?? [])])];
      const { state, versions } = await this.load(clientIds, transaction);
      const decision = decideLedger(command, state, this.decimals);
      if (!decision.ok || decision.events.length === 0) return { ...decision, attempts: attempt };
      const appends = toAppends(decision.events, state, versions);
      if (claimKey !== undefined && claim === undefined) appends.push(claimAppend(claimKey, clientsOf(command)));
      try {
        await this.store.append(appends, transaction);
        return { ...decision, attempts: attempt };
      } catch (error) {
        // Lost a race: for a client's books (WrongExpectedVersion), or an id with the same business key but
        // another business time (EventIdConflict). Inside a caller's transaction the failed append rolled
        // back to its savepoint: retrying is safe there too. The next round decides on what won.
        const raced = error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError;
        if (!raced || attempt >= COMMAND_ATTEMPTS_MAX) throw error;
      }
    }
  }

  private async readClaim(claimKey: string, transaction?: Transaction): Promise<{ clientIds: string[] } | undefined> {
    const [claim] = await this.store.readStream(`${CLAIM_STREAM_PREFIX}${claimKey}`, { maxCount: 1 }, transaction);
    return claim === undefined ? undefined : { clientIds: claim.data['clientIds'] as string[] };
  }

  /** The books of these clients: their streams folded in global order, each journal once. */
  async load(clientIds: readonly string[], transaction?: Transaction): Promise<{ state: LedgerState; versions: Map<string, bigint> }> {
    const recorded: RecordedEvent[] = [];
    const versions = new Map<string, bigint>();
    for (const clientId of clientIds) {
      const streamId = clientStreamId(clientId);
      for (let fromVersion = 1n; ; ) {
        const page = await this.store.readStream(streamId, { fromVersion, maxCount: READ_PAGE_EVENTS_MAX }, transaction);
        recorded.push(...page);
        const last = page.at(-1);
        if (last !== undefined) versions.set(streamId, last.streamVersion);
        if (page.length < READ_PAGE_EVENTS_MAX) break;
        fromVersion = (last as RecordedEvent).streamVersion + 1n;
      }
    }
    recorded.sort((left, right) => (left.globalPosition < right.globalPosition ? -1 : left.globalPosition > right.globalPosition ? 1 : 0));
    let state = initialLedgerState();
    for (const event of recorded) {
      const ledgerEvent = ledgerEventOf(event);
      // A journal between two loaded clients is in both streams: apply it once.
      if (ledgerEvent.type === 'JournalPosted' && state.journals.has(ledgerEvent.data.journalId)) continue;
      state = evolveLedger(state, ledgerEvent);
    }
    return { state, versions };
  }
}

/** The clients whose books a command reads and writes. */
export function clientsOf(command: LedgerCommand): string[] {
  switch (command.type) {
    case 'SettleTrade':
      return [command.trade.buyerClientId, command.trade.sellerClientId];
    case 'OnboardClient':
    case 'BookDeposit':
    case 'HoldWithdrawal':
    case 'SettleWithdrawal':
    case 'ReleaseWithdrawal':
    case 'RequestAdjustment':
    case 'ApproveAdjustment':
      return [command.clientId];
    default: {
      const unreachable: never = command;
      throw new Error(`assertion: unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The id a command claims for the whole ledger, if it creates one. */
function claimKeyOf(command: LedgerCommand): string | undefined {
  switch (command.type) {
    case 'SettleTrade':
      return `trade:${command.trade.tradeId}`;
    case 'BookDeposit':
      return `deposit:${command.depositId}`;
    case 'HoldWithdrawal':
      return `withdrawal:${command.withdrawalId}`;
    case 'RequestAdjustment':
      return `adjustment:${command.adjustmentId}`;
    default:
      return undefined;
  }
}

function claimAppend(claimKey: string, clientIds: readonly string[]): StreamAppend {
  return {
    streamId: `${CLAIM_STREAM_PREFIX}${claimKey}`,
    expectedVersion: 'no-stream',
    events: [{ eventId: deterministicUuid(`ledger\u0000${SOURCE_CLAIMED_TYPE}\u0000${claimKey}`), type: SOURCE_CLAIMED_TYPE, schemaVersion: LEDGER_EVENT_SCHEMA_VERSION, data: { claimKey, clientIds: [...clientIds] } }],
  };
}

/** The clients whose statement records an event. */
function ownersOf(event: LedgerEvent, state: LedgerState): string[] {
  switch (event.type) {
    case 'JournalPosted':
      return [...new Set(event.data.entries.flatMap((entry) => (entry.account.kind === 'client' ? [entry.account.clientId] : [])))];
    case 'WithdrawalHoldReleased':
      return [state.withdrawals.get(event.data.withdrawalId)?.clientId as string];
    case 'AdjustmentApproved':
      return [state.adjustments.get(event.data.adjustmentId)?.clientId as string];
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
      return event.data.adjustmentId;
    default: {
      const unreachable: never = event;
      throw new Error(`assertion: unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

function toAppends(events: readonly LedgerEvent[], state: LedgerState, versions: ReadonlyMap<string, bigint>): StreamAppend[] {
  const byStream = new Map<string, StreamAppend['events'][number][]>();
  for (const event of events) {
    for (const owner of ownersOf(event, state)) {
      if (owner === undefined) throw new Error(`assertion: ${event.type} has no owning client`);
      const streamId = clientStreamId(owner);
      const eventId = deterministicUuid(`ledger\u0000${event.type}\u0000${businessKey(event)}\u0000${owner}`);
      byStream.set(streamId, [...(byStream.get(streamId) ?? []), { eventId, type: event.type, schemaVersion: LEDGER_EVENT_SCHEMA_VERSION, data: storedData(event), metadata: { occurredAt: event.data.at } }]);
    }
  }
  return [...byStream].map(([streamId, streamEvents]) => {
    const version = versions.get(streamId);
    const expectedVersion: ExpectedVersion = version === undefined ? 'no-stream' : version;
    return { streamId, expectedVersion, events: streamEvents };
  });
}
