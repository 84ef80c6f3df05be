import {
  AMOUNT_FIELD_PATTERN,
  EventSourcedStreams,
  type Fold,
  type PostgresEventStore,
  type Transaction,
} from '@custody/event-store';
import {
  decideHouse,
  houseDecider,
  type AssetDecimals,
  type HouseCommand,
  type HouseEvent,
  type HouseJournals,
  type LedgerError,
  type LedgerEvent,
} from '@custody/ledger-domain';
import { LEDGER_EVENT_SCHEMA_VERSION } from '../stored-events';

/** The stream of the house's own journals (no client in them): custody transfers, network fees, house deposits. */
export const HOUSE_STREAM_PREFIX = 'ledger-house-';
export const HOUSE_BOOKS_STREAM_ID = `${HOUSE_STREAM_PREFIX}books`;

const HOUSE_AGGREGATE: Fold<HouseJournals, HouseEvent> = houseDecider;

/**
 * The house-only journals' write path: one stream (low volume: one entry per internal transfer,
 * uncarried fee or house deposit), decided on the journals already booked there (the same id again is a no-op,
 * with other content a conflict), stored exactly as the client streams' events are (the same
 * JournalPosted, the same codec), so the projector, the HK-6 check and audits read it alike.
 */
export class HouseBooks {
  private readonly streams: EventSourcedStreams;

  constructor(
    store: PostgresEventStore,
    private readonly decimals: AssetDecimals,
  ) {
    this.streams = new EventSourcedStreams(store, {
      bigintFields: AMOUNT_FIELD_PATTERN,
      schemaVersion: LEDGER_EVENT_SCHEMA_VERSION,
    });
  }

  book(
    command: HouseCommand,
    transaction?: Transaction,
  ): Promise<
    | { readonly ok: true; readonly events: readonly LedgerEvent[] }
    | { readonly ok: false; readonly error: LedgerError }
  > {
    return this.streams.execute(
      HOUSE_BOOKS_STREAM_ID,
      HOUSE_AGGREGATE,
      (booked) => decideHouse(command, booked, this.decimals),
      { actor: 'ledger' },
      transaction === undefined ? {} : { transaction },
    );
  }
}
