import { StringDecoder } from 'node:string_decoder';
import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { SCAN_BATCH_EVENTS_DEFAULT, SCAN_BATCH_EVENTS_MAX } from './limits';
import type { JsonObject } from './types';
import type { UpcasterRegistry } from './upcasters';
import { unescapeCopyText } from './copy-text';

/**
 * What a replay needs of a recorded event, and nothing else (no metadata, ids or hashes). `data`
 * is freshly parsed and belongs to the caller: it may decode it in place.
 */
export interface ScannedEvent {
  readonly globalPosition: bigint;
  readonly streamId: string;
  readonly type: string;
  /** After upcasting. */
  readonly schemaVersion: number;
  readonly data: JsonObject;
}

export interface ScanOptions {
  /** Strictly after this global position (default 0n: from the first event). */
  readonly after?: bigint;
  /** Up to and including this position (default: the last event when the scan starts). */
  readonly upTo?: bigint;
  /** Events per batch handed to the caller. */
  readonly batchEvents?: number;
}

function batchSize(batchEvents: number | undefined): number {
  const size = batchEvents ?? SCAN_BATCH_EVENTS_DEFAULT;
  if (!Number.isInteger(size) || size < 1 || size > SCAN_BATCH_EVENTS_MAX)
    throw new Error(
      `assertion: scan batch must be an integer in 1..${SCAN_BATCH_EVENTS_MAX}, got ${size}`,
    );
  return size;
}

/**
 * Every event after `after` (up to `upTo`), in global position order, in batches: one COPY of
 * one consistent snapshot, streamed. PostgreSQL writes the rows on its own core while this one
 * parses them (paged queries leave each side waiting on the other), and only the five columns a
 * replay needs travel. For rebuilds and audits from position 0; a live reader uses readAll.
 */
export async function* scanAll(
  pool: Pool,
  schema: string,
  upcasters: UpcasterRegistry,
  options: ScanOptions = {},
): AsyncGenerator<ScannedEvent[]> {
  const size = batchSize(options.batchEvents);
  const after = options.after ?? 0n;
  // COPY takes no parameters: the bounds are bigints, written as integer literals
  const upTo =
    options.upTo === undefined ? '' : ` and global_position <= ${BigInt(options.upTo).toString()}`;
  const client = await pool.connect();
  const stream = client.query(
    copyTo(
      `copy (select global_position, stream_id, event_type, schema_version, data from ${schema}.events
              where global_position > ${BigInt(after).toString()}${upTo} order by global_position) to stdout`,
    ),
  );
  let finished = false;
  try {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let batch: ScannedEvent[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
        batch.push(scannedRow(text.slice(start, end), upcasters));
        start = end + 1;
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest !== '') throw new Error(`assertion: the event scan ended inside a row`);
    if (batch.length > 0) yield batch;
    finished = true;
  } finally {
    if (!finished) stream.destroy();
    // a connection left in the middle of a COPY cannot be reused
    client.release(finished ? undefined : true);
  }
}

function scannedRow(row: string, upcasters: UpcasterRegistry): ScannedEvent {
  const fields = row.split('\t');
  if (fields.length !== 5)
    throw new Error(`assertion: an event row of the scan has ${fields.length} fields, not 5`);
  const [position, streamId, type, schemaVersion, data] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const upcast = upcasters.upcast(
    unescapeCopyText(type),
    Number(schemaVersion),
    JSON.parse(unescapeCopyText(data)) as JsonObject,
  );
  return {
    globalPosition: BigInt(position),
    streamId: unescapeCopyText(streamId),
    type: unescapeCopyText(type),
    schemaVersion: upcast.schemaVersion,
    data: upcast.data,
  };
}
