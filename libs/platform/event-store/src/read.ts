import { READ_PAGE_EVENTS_DEFAULT, READ_PAGE_EVENTS_MAX } from './limits';
import type { Queryable } from './queryable';
import type { JsonObject, ReadAllOptions, ReadStreamOptions, RecordedEvent } from './types';
import type { UpcasterRegistry } from './upcasters';

export const EVENT_COLUMNS = `global_position, event_id, stream_id, stream_version, event_type, schema_version,
  data, metadata, recorded_at, encode(previous_hash, 'hex') as previous_hash, encode(hash, 'hex') as hash`;

export interface EventRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  event_type: string;
  schema_version: number;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
}

export function pageSize(maxCount: number | undefined): number {
  const size = maxCount ?? READ_PAGE_EVENTS_DEFAULT;
  if (!Number.isInteger(size) || size < 1 || size > READ_PAGE_EVENTS_MAX) {
    throw new Error(`assertion: page size must be an integer in 1..${READ_PAGE_EVENTS_MAX}, got ${size}`);
  }
  return size;
}

export function toRecordedEvent(row: EventRow, upcasters: UpcasterRegistry): RecordedEvent {
  const upcast = upcasters.upcast(row.event_type, row.schema_version, row.data);
  return {
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: upcast.schemaVersion,
    storedSchemaVersion: row.schema_version,
    data: upcast.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamVersion: BigInt(row.stream_version),
    globalPosition: BigInt(row.global_position),
    recordedAt: row.recorded_at,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/** Events of one stream, forwards from `fromVersion` (inclusive), one page. */
export async function readStream(
  db: Queryable,
  schema: string,
  upcasters: UpcasterRegistry,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  const result = await db.query<EventRow>(
    `select ${EVENT_COLUMNS} from ${schema}.events
      where stream_id = $1 and stream_version >= $2
      order by stream_version limit $3`,
    [streamId, (options.fromVersion ?? 1n).toString(), pageSize(options.maxCount)],
  );
  return result.rows.map((row) => toRecordedEvent(row, upcasters));
}

/** All events strictly after `after`, in global position order, one page. */
export async function readAll(
  db: Queryable,
  schema: string,
  upcasters: UpcasterRegistry,
  options: ReadAllOptions = {},
): Promise<RecordedEvent[]> {
  const upTo = options.upTo === undefined ? null : options.upTo.toString();
  const result = await db.query<EventRow>(
    `select ${EVENT_COLUMNS} from ${schema}.events
      where global_position > $1 and ($2::int8 is null or global_position <= $2::int8)
      order by global_position limit $3`,
    [(options.after ?? 0n).toString(), upTo, pageSize(options.maxCount)],
  );
  return result.rows.map((row) => toRecordedEvent(row, upcasters));
}
