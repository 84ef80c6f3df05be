import {
  decodeAmounts,
  decodeAmountsInPlace,
  encodeAmounts,
  type JsonObject,
  type RecordedEvent,
  type ScannedEvent,
} from '@custody/event-store';
import { ledgerDecider, type LedgerEvent, type LedgerEventType } from '@custody/ledger-domain';

/** Every ledger event is stored at schema version 1 (a change is a new version plus an upcaster). */
export const LEDGER_EVENT_SCHEMA_VERSION = 1;

const LEDGER_EVENT_TYPES: ReadonlySet<LedgerEventType> = ledgerDecider.eventTypes;

export function storedData(event: LedgerEvent): JsonObject {
  return encodeAmounts(event.data);
}

function assertLedgerEvent(
  recorded: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'streamId'>,
): void {
  if (!LEDGER_EVENT_TYPES.has(recorded.type as LedgerEventType))
    throw new Error(`assertion: '${recorded.type}' in ${recorded.streamId} is not a ledger event`);
  if (recorded.schemaVersion !== LEDGER_EVENT_SCHEMA_VERSION)
    throw new Error(
      `assertion: ${recorded.type} v${recorded.schemaVersion} has no upcaster to v${LEDGER_EVENT_SCHEMA_VERSION}`,
    );
}

/** A stored ledger event back as a domain event; an unknown type is a programmer error (an upcaster is missing). */
export function ledgerEventOf(recorded: RecordedEvent): LedgerEvent {
  assertLedgerEvent(recorded);
  return { type: recorded.type, data: decodeAmounts(recorded.data) } as LedgerEvent;
}

/** The same for a scanned event, whose data is the caller's own: decoded where it is, not copied. */
export function ledgerEventOfScanned(scanned: ScannedEvent): LedgerEvent {
  assertLedgerEvent(scanned);
  return { type: scanned.type, data: decodeAmountsInPlace(scanned.data) } as LedgerEvent;
}
