import {
  AMOUNT_FIELD_PATTERN,
  EventSourcedStreams,
  type Fold,
  type PostgresEventStore,
  type Transaction,
} from '@custody/event-store';
import {
  balanceOf,
  clientAccount,
  entitlementDecider,
  entitlementDepositId,
  entitlementHouseEntries,
  journalIdOf,
  postedBalance,
  type AssetDecimals,
  type EntitlementCommand,
  type EntitlementDisclosureInForce,
  type EntitlementEvent,
  type EntitlementState,
  type LedgerError,
  type LedgerEvent,
} from '@custody/ledger-domain';
import type { LedgerCommandHandler } from '../ledger-command-handler';
import { HOUSE_STREAM_PREFIX } from '../house-movements/house-books';
import { LEDGER_EVENT_SCHEMA_VERSION } from '../stored-events';

/** One stream per fork or airdrop: recorded, approved or rejected (not a ledger books stream: the projector skips it). */
export const ENTITLEMENT_STREAM_PREFIX = 'ledger-entitlement-';
/** The house's share of one fork or airdrop: a house-only journal, projected like every house journal. */
export const ENTITLEMENT_HOUSE_STREAM_PREFIX = `${HOUSE_STREAM_PREFIX}entitlement-`;

export const entitlementStreamId = (eventId: string) => `${ENTITLEMENT_STREAM_PREFIX}${eventId}`;

/** The disclosure in force for an asset (the policy service's HK-20 setting), null when none is approved. */
export type EntitlementDisclosureSource = (
  asset: string,
) => Promise<EntitlementDisclosureInForce | null>;

/**
 * The clients that may have held an asset at a past store position (every client with an account
 * in it); it must know every account opened up to that position (a lagging read model throws).
 */
export type EntitlementHolders = (asset: string, upTo: bigint) => Promise<readonly string[]>;

type JournalPosted = Extract<LedgerEvent, { type: 'JournalPosted' }>;
const HOUSE_JOURNALS: Fold<ReadonlyMap<string, string>, JournalPosted> = {
  initialState: new Map(),
  eventTypes: new Set(['JournalPosted']),
  evolve: (journals, event) => new Map(journals).set(event.data.journalId, event.data.fingerprint),
};

export type EntitlementResult =
  | {
      readonly ok: true;
      readonly state: EntitlementState;
      readonly events: readonly EntitlementEvent[];
    }
  | { readonly ok: false; readonly error: LedgerError };

/**
 * HK-20 bookings. Record: the disclosure in force is read from its source and kept with the event
 * (refused when none or 'not-supported'). Approve (a different person): every holder's balance AS AT
 * the snapshot (the client's books up to the store's position at that instant; later movements do
 * not count) decides the allocation; then, in the SAME transaction, each client's credit is booked
 * as a deposit into the receiving wallet (idempotent by its id) and the house's share as a house
 * journal, all balanced per asset (HK-8). The same approval again posts nothing new.
 */
export class EntitlementBookings {
  private readonly streams: EventSourcedStreams;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly handler: LedgerCommandHandler,
    private readonly decimals: AssetDecimals,
    private readonly disclosure: EntitlementDisclosureSource,
    private readonly holders: EntitlementHolders,
  ) {
    this.streams = new EventSourcedStreams(store, {
      bigintFields: AMOUNT_FIELD_PATTERN,
      schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
    });
  }

  async state(eventId: string): Promise<EntitlementState> {
    return (await this.streams.load(entitlementStreamId(eventId), entitlementDecider)).state;
  }

  async record(
    command: Omit<Extract<EntitlementCommand, { type: 'RecordEntitlement' }>, 'disclosure'>,
  ): Promise<EntitlementResult> {
    const disclosure = await this.disclosure(command.asset);
    return this.execute({ ...command, disclosure }, new Map());
  }

  async reject(command: Extract<EntitlementCommand, { type: 'RejectEntitlement' }>) {
    return this.execute(command, new Map());
  }

  async approve(
    command: Extract<EntitlementCommand, { type: 'ApproveEntitlement' }>,
  ): Promise<EntitlementResult> {
    const recorded = (await this.state(command.eventId)).recorded;
    const balances = new Map<string, bigint>();
    if (recorded !== undefined && recorded.status === 'pending') {
      const position = await this.store.positionAt(new Date(recorded.snapshotAt));
      const holders = await this.holders(recorded.asset, position);
      const books = await this.handler.loadBooks(holders, position);
      for (const clientId of holders) {
        const loaded = books.get(clientId);
        if (loaded === undefined) continue;
        const account = clientAccount(clientId, recorded.asset);
        balances.set(clientId, postedBalance(account, balanceOf(loaded.books, account)));
      }
    }
    return this.store.withTransaction(async (transaction) => {
      const result = await this.execute(command, balances, transaction);
      if (result.ok) await this.post(result.state, transaction);
      return result;
    });
  }

  private async execute(
    command: EntitlementCommand,
    balancesAtSnapshot: ReadonlyMap<string, bigint>,
    transaction?: Transaction,
  ): Promise<EntitlementResult> {
    const executed = await this.streams.execute(
      entitlementStreamId(command.eventId),
      entitlementDecider,
      (state) =>
        entitlementDecider.decide(command, state, { decimals: this.decimals, balancesAtSnapshot }),
      { actor: actorOf(command) },
      transaction === undefined ? {} : { transaction },
    );
    if (!executed.ok) return { ok: false, error: executed.error };
    const state = executed.events.reduce(entitlementDecider.evolve, executed.state);
    return { ok: true, state, events: executed.events };
  }

  /** The journals an approved event causes, each once (a retry, or the same approval again, adds nothing). */
  private async post(state: EntitlementState, transaction: Transaction): Promise<void> {
    const recorded = state.recorded;
    if (recorded === undefined || recorded.allocation === null) return;
    const at = recorded.snapshotAt;
    const results = await this.handler.handleBatch(
      recorded.allocation.credits.map((credit) => ({
        type: 'BookDeposit' as const,
        depositId: entitlementDepositId(recorded.eventId, credit.clientId),
        clientId: credit.clientId,
        asset: recorded.newAsset,
        amountMinor: credit.amountMinor,
        walletId: recorded.walletId,
        metadata: { at },
      })),
      transaction,
    );
    const refused = results.find((result) => !result.ok);
    if (refused !== undefined && !refused.ok)
      throw new Error(
        `assertion: HK-20 credit of ${recorded.eventId} refused: ${refused.error.code} ${refused.error.reason}`,
      );
    if (recorded.allocation.houseMinor === 0n) return;
    const houseMinor = recorded.allocation.houseMinor;
    const journalId = journalIdOf('deposit', `entitlement-${recorded.eventId}-house`);
    const fingerprint = `${recorded.fingerprint}\u001fhouse\u001f${houseMinor}`;
    await this.streams.execute(
      `${ENTITLEMENT_HOUSE_STREAM_PREFIX}${recorded.eventId}`,
      HOUSE_JOURNALS,
      (journals) => {
        const booked = journals.get(journalId);
        if (booked !== undefined) {
          if (booked !== fingerprint)
            throw new Error(`assertion: house journal ${journalId} booked with other content`);
          return { ok: true as const, events: [] };
        }
        return {
          ok: true as const,
          events: [
            {
              type: 'JournalPosted' as const,
              data: {
                journalId,
                kind: 'deposit' as const,
                sourceReference: `entitlement-${recorded.eventId}-house`,
                fingerprint,
                entries: entitlementHouseEntries(recorded, houseMinor),
                at,
              },
            },
          ],
        };
      },
      { actor: 'ledger' },
      { transaction },
    );
  }
}

function actorOf(command: EntitlementCommand): string {
  switch (command.type) {
    case 'RecordEntitlement':
      return command.requestedBy;
    case 'ApproveEntitlement':
      return command.approvedBy;
    case 'RejectEntitlement':
      return command.rejectedBy;
  }
}
