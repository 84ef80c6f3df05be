import { READ_PAGE_EVENTS_DEFAULT, READ_PAGE_EVENTS_MAX } from './limits';
import type { Queryable } from './queryable';
import type { JsonObject, ReadAllOptions, ReadStreamOptions, RecordedEvent } from './types';
import type { UpcasterRegistry } from './upcasters';

/**
 * Columns of a read, in this order. recorded_at travels as epoch milliseconds: the column holds
 * milliseconds exactly (timestamptz(3)), and an integer parses far faster than a timestamp.
 */
export const EVENT_COLUMNS = `global_position, event_id, stream_id, stream_version, event_type, schema_version,
  data, metadata, (extract(epoch from recorded_at) * 1000)::int8 as recorded_at_ms,
  encode(previous_hash, 'hex') as previous_hash, encode(hash, 'hex') as hash`;

/** A row in array mode, columns as in EVENT_COLUMNS. */
export type EventRow = [
  globalPosition: string,
  eventId: string,
  streamId: string,
  streamVersion: string,
  type: string,
  schemaVersion: number,
  data: JsonObject,
  metadata: JsonObject,
  recordedAtMs: string,
  previousHash: string,
  hash: string,
];

const INT4_OID = 23;
const JSON_OID = 114;
const identity = (value: string): string => value;

/**
 * Type parsers for event reads: int8 and text stay strings (positions become bigint below),
 * int4 becomes a number, json is parsed. Nothing else is expected in EVENT_COLUMNS.
 */
const EVENT_ROW_TYPES = {
  getTypeParser: (oid: number) =>
    oid === JSON_OID ? JSON.parse : oid === INT4_OID ? Number : identity,
};

/** Runs an event query in array row mode with the event type parsers. */
export async function queryEvents(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<EventRow[]> {
  const result = await db.query<EventRow>({
    text,
    values,
    rowMode: 'array',
    types: EVENT_ROW_TYPES,
  });
  return result.rows;
}

export function pageSize(maxCount: number | undefined): number {
  const size = maxCount ?? READ_PAGE_EVENTS_DEFAULT;
  if (!Number.isInteger(size) || size < 1 || size > READ_PAGE_EVENTS_MAX) {
    throw new Error(
      `assertion: page size must be an integer in 1..${READ_PAGE_EVENTS_MAX}, got ${size}`,
    );
  }
  return size;
}

export function toRecordedEvent(row: EventRow, upcasters: UpcasterRegistry): RecordedEvent {
  const [
    globalPosition,
    eventId,
    streamId,
    streamVersion,
    type,
    schemaVersion,
    data,
    metadata,
    recordedAtMs,
    previousHash,
    hash,
  ] = row;
  const upcast = upcasters.upcast(type, schemaVersion, data);
  return {
    eventId,
    type,
    schemaVersion: upcast.schemaVersion,
    storedSchemaVersion: schemaVersion,
    data: upcast.data,
    metadata,
    streamId,
    streamVersion: BigInt(streamVersion),
    globalPosition: BigInt(globalPosition),
    recordedAt: new Date(Number(recordedAtMs)),
    previousHash,
    hash,
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
  const rows = await queryEvents(
    db,
    `select ${EVENT_COLUMNS} from ${schema}.events
      where stream_id = $1 and stream_version >= $2
      order by stream_version limit $3`,
    [streamId, (options.fromVersion ?? 1n).toString(), pageSize(options.maxCount)],
  );
  return rows.map((row) => toRecordedEvent(row, upcasters));
}

/** All events strictly after `after`, in global position order, one page. */
export async function readAll(
  db: Queryable,
  schema: string,
  upcasters: UpcasterRegistry,
  options: ReadAllOptions = {},
): Promise<RecordedEvent[]> {
  const upTo = options.upTo === undefined ? null : options.upTo.toString();
  const rows = await queryEvents(
    db,
    `select ${EVENT_COLUMNS} from ${schema}.events
      where global_position > $1 and ($2::int8 is null or global_position <= $2::int8)
      order by global_position limit $3`,
    [(options.after ?? 0n).toString(), upTo, pageSize(options.maxCount)],
  );
  return rows.map((row) => toRecordedEvent(row, upcasters));
}

/** Where to start reading one stream: events after this version (0n: from the start). */
export interface StreamCursor {
  readonly streamId: string;
  readonly afterVersion: bigint;
}

/**
 * Events of many streams, each after its own version, merged in global position order, one
 * page: one query for a writer that needs many streams' tails at once. `after` continues a
 * page (strictly after that global position); `upTo` reads as of a position (point-in-time).
 */
export async function readStreams(
  db: Queryable,
  schema: string,
  upcasters: UpcasterRegistry,
  cursors: readonly StreamCursor[],
  options: Omit<ReadAllOptions, 'maxCount'> & { readonly maxCount?: number } = {},
): Promise<RecordedEvent[]> {
  if (cursors.length === 0) return [];
  const upTo = options.upTo === undefined ? null : options.upTo.toString();
  const rows = await queryEvents(
    db,
    // LATERAL: one index range scan per stream on (stream_id, stream_version), whatever the
    // statistics say. A plain join was planned as a scan of the whole table (hash join) while the
    // statistics were stale, e.g. after a fast-growing first minute: 40 ms at 120k events, growing.
    `select stream_events.*
       from unnest($1::text[], $2::int8[]) as cursors(cursor_stream_id, cursor_after_version)
       cross join lateral (
         select ${EVENT_COLUMNS} from ${schema}.events
          where stream_id = cursor_stream_id and stream_version > cursor_after_version
            and global_position > $3 and ($4::int8 is null or global_position <= $4::int8)
          order by stream_version limit $5
       ) as stream_events
      order by global_position limit $5`,
    [
      cursors.map((cursor) => cursor.streamId),
      cursors.map((cursor) => cursor.afterVersion.toString()),
      (options.after ?? 0n).toString(),
      upTo,
      pageSize(options.maxCount),
    ],
  );
  return rows.map((row) => toRecordedEvent(row, upcasters));
}
