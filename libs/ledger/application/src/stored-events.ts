import type { JsonObject, JsonValue, RecordedEvent } from '@custody/event-store';
import type { LedgerEvent, LedgerEventType } from '@custody/ledger-domain';

/** Every ledger event is stored at schema version 1 (a change is a new version plus an upcaster). */
export const LEDGER_EVENT_SCHEMA_VERSION = 1;

const LEDGER_EVENT_TYPES: ReadonlySet<LedgerEventType> = new Set<LedgerEventType>([
  'ClientOnboarded',
  'JournalPosted',
  'ClientBalanceWentNegative',
  'WithdrawalHoldPlaced',
  'WithdrawalHoldReleased',
  'AdjustmentRequested',
  'AdjustmentApproved',
]);

/** Amounts live in fields named `...Minor`: bigint in the domain, decimal text in storage (never a JSON number). */
const AMOUNT_FIELD = /Minor$/;
const AMOUNT_TEXT = /^-?(0|[1-9][0-9]*)$/;

function toJson(value: unknown, key: string): JsonValue {
  if (typeof value === 'bigint') {
    if (!AMOUNT_FIELD.test(key)) throw new Error(`assertion: bigint in field '${key}', which is not an amount field`);
    return value.toString();
  }
  if (Array.isArray(value)) return value.map((item) => toJson(item, key));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, toJson(item, name)]));
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`assertion: non-integer number in '${key}'`);
  if (value === undefined) throw new Error(`assertion: undefined in '${key}'`);
  return value as JsonValue;
}

function fromJson(value: JsonValue, key: string): unknown {
  if (typeof value === 'string' && AMOUNT_FIELD.test(key)) {
    if (!AMOUNT_TEXT.test(value)) throw new Error(`assertion: stored amount '${key}' is not an integer: ${value}`);
    return BigInt(value);
  }
  if (Array.isArray(value)) return value.map((item) => fromJson(item, key));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, fromJson(item, name)]));
  return value;
}

export function storedData(event: LedgerEvent): JsonObject {
  return toJson(event.data, 'data') as JsonObject;
}

/** A stored ledger event back as a domain event; an unknown type is a programmer error (an upcaster is missing). */
export function ledgerEventOf(recorded: RecordedEvent): LedgerEvent {
  if (!LEDGER_EVENT_TYPES.has(recorded.type as LedgerEventType)) throw new Error(`assertion: '${recorded.type}' in ${recorded.streamId} is not a ledger event`);
  if (recorded.schemaVersion !== LEDGER_EVENT_SCHEMA_VERSION) throw new Error(`assertion: ${recorded.type} v${recorded.schemaVersion} has no upcaster to v${LEDGER_EVENT_SCHEMA_VERSION}`);
  return { type: recorded.type, data: fromJson(recorded.data, 'data') } as LedgerEvent;
}
