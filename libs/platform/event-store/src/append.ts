import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyTextValue } from './copy-text';
import { EventIdConflictError, WrongExpectedVersionError } from './errors';
import { GENESIS_HASH, chainLink, contentDigest } from './hash-chain';
import {
  APPEND_EVENTS_MAX,
  COPY_CHUNK_ROWS,
  EVENT_TYPE_LENGTH_MAX,
  PREPARE_SLICE_EVENTS,
  STREAM_ID_LENGTH_MAX,
} from './limits';
import type { Queryable } from './queryable';
import type { AppendResult, ExpectedVersion, NewEvent, StreamAppend } from './types';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface PreparedEvent {
  readonly event: NewEvent;
  readonly dataJson: string;
  readonly contentDigest: Buffer;
  /** event_id, event_type, schema_version, data, metadata as COPY text columns. */
  readonly contentCopyText: string;
}

interface PreparedAppend {
  readonly append: StreamAppend;
  readonly events: readonly PreparedEvent[];
}

interface StoredIdentity {
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly globalPosition: bigint;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly hash: string;
}

/** The COPY column order the lines below are written in. */
const COPY_COLUMNS =
  'global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, previous_hash, hash';

const UNIQUE_VIOLATION = '23505';
/** PostgreSQL int4, the schema_version column. */
const SCHEMA_VERSION_MAX = 2_147_483_647;

/** A pooled client inside an open transaction: COPY needs the client itself, not a pool. */
export type TransactionClient = Pick<PoolClient, 'query'>;
const SAVEPOINT = 'custody_event_store_append';

/**
 * Appends many streams' events in the caller's open transaction.
 *
 * Global positions: every append takes one transaction-scoped advisory lock per store, so
 * appends are serialised and commit in position order. A reader can therefore never see
 * position N+1 committed while N is still in flight: subscribers never skip a late commit.
 * The same serialisation is what a hash chain needs (each record names its predecessor).
 *
 * Work that needs no lock happens before it: serialising, content digests, and an optimistic
 * read of the stream versions the expectations need ('no-stream' streams are assumed absent).
 * Under the lock the fast path trusts the unique constraints (event id; stream and version)
 * to catch what those reads could miss. A unique violation (a retried event id, a stream that
 * exists despite 'no-stream', a concurrent writer) or a version mismatch that may be stale
 * rolls back to a savepoint and takes the slow path, which reads everything under the lock
 * and answers exactly: the idempotent result, the typed error, or the append. Any failure
 * rolls back to the savepoint, so the caller's transaction stays usable.
 */
export async function appendInTransaction(
  db: TransactionClient,
  schema: string,
  appends: readonly StreamAppend[],
  recordedAt: Date,
): Promise<AppendResult[]> {
  assertAppendShape(appends);
  const prepared = await prepareAppends(appends);
  const optimisticVersions = await loadStreamVersions(
    db,
    schema,
    appends.filter((append) => append.expectedVersion !== 'no-stream'),
  );

  await db.query('select pg_advisory_xact_lock(hashtext($1))', [
    `custody.event-store.append.${schema}`,
  ]);
  await db.query(`savepoint ${SAVEPOINT}`);
  try {
    return await releasing(
      db,
      appendLocked(db, schema, prepared, recordedAt, optimisticVersions, null),
    );
  } catch (error) {
    await db.query(`rollback to savepoint ${SAVEPOINT}`); // the caller's transaction stays usable
    const stale =
      error instanceof WrongExpectedVersionError ||
      (error as { code?: string }).code === UNIQUE_VIOLATION;
    if (!stale) throw error;
  }
  try {
    const versions = await loadStreamVersions(db, schema, appends);
    const stored = await loadStoredIdentities(db, schema, appends);
    return await releasing(db, appendLocked(db, schema, prepared, recordedAt, versions, stored));
  } catch (error) {
    await db.query(`rollback to savepoint ${SAVEPOINT}`);
    throw error;
  }
}

/** Releases the savepoint once the append succeeded: many appends in one transaction do not pile up subtransactions. */
async function releasing<T>(db: TransactionClient, work: Promise<T>): Promise<T> {
  const result = await work;
  await db.query(`release savepoint ${SAVEPOINT}`);
  return result;
}

/** Events of one stream placed at their positions and versions, waiting to be hashed and written. */
interface PlacedStream {
  readonly streamIdText: string;
  readonly streamId: string;
  readonly events: readonly PreparedEvent[];
  readonly firstPosition: bigint;
  readonly firstVersion: bigint;
  /** Filled while the rows are written: each event's hash (hex), in order. */
  readonly hashes: string[];
}

/**
 * Under the lock. Fast path (`stored` null): versions were read before the lock and no
 * identities were looked up; the unique constraints catch what that could miss. Slow path:
 * everything read under the lock, so every answer is exact.
 *
 * Every check runs before the first row is sent; then rows are hashed and streamed into one
 * COPY chunk by chunk, so PostgreSQL ingests a chunk while the next one is being hashed.
 */
async function appendLocked(
  db: TransactionClient,
  schema: string,
  prepared: readonly PreparedAppend[],
  recordedAt: Date,
  versions: Map<string, bigint>,
  stored: ReadonlyMap<string, StoredIdentity> | null,
): Promise<AppendResult[]> {
  const head = await loadHead(db, schema);
  const placed: PlacedStream[] = [];
  const results: AppendResult[] = [];
  let position = head.globalPosition;

  for (const { append, events } of prepared) {
    const duplicate = stored === null ? null : classifyDuplicates(append, events, stored);
    if (duplicate !== null) {
      results.push(duplicate);
      continue;
    }
    const current = versions.get(append.streamId) ?? 0n;
    checkExpectedVersion(append.streamId, append.expectedVersion, current);
    const hashes: string[] = [];
    placed.push({
      streamId: append.streamId,
      streamIdText: copyTextValue(append.streamId),
      events,
      firstPosition: position + 1n,
      firstVersion: current + 1n,
      hashes,
    });
    const positions = events.map((_, index) => position + BigInt(index + 1));
    position += BigInt(events.length);
    const nextExpectedVersion = current + BigInt(events.length);
    versions.set(append.streamId, nextExpectedVersion);
    results.push({
      streamId: append.streamId,
      nextExpectedVersion,
      positions,
      hashes,
      alreadyStored: false,
    });
  }

  if (placed.length > 0) {
    // Recorded time never goes backwards along the chain (a writer's clock read before the lock
    // may be older than the head's): "as of time T" is then always a prefix of the store.
    const recordedAtMs = Math.max(Math.floor(recordedAt.getTime()), head.recordedAtMs);
    await copyRows(db, schema, placed, Buffer.from(head.hash, 'hex'), new Date(recordedAtMs));
    await db.query('select pg_notify($1, $2)', [`${schema}_events`, position.toString()]);
  }
  return results;
}

/** Hashes the placed events in order, chaining each on the one before, and streams them into one COPY. */
async function copyRows(
  db: TransactionClient,
  schema: string,
  placed: readonly PlacedStream[],
  headHash: Buffer,
  recordedAt: Date,
): Promise<void> {
  const copy = db.query(copyFrom(`copy ${schema}.events (${COPY_COLUMNS}) from stdin`));
  const done = finished(copy);
  done.catch(() => undefined); // observed below; this only keeps an early failure from going unhandled
  try {
    await writeRows(copy, placed, headHash, recordedAt);
  } catch (error) {
    copy.destroy(error as Error); // sends CopyFail: the connection leaves COPY mode
    throw error;
  }
  await done;
}

async function writeRows(
  copy: Writable,
  placed: readonly PlacedStream[],
  headHash: Buffer,
  recordedAt: Date,
): Promise<void> {
  const recordedAtText = recordedAt.toISOString();
  let previousHash = headHash;
  let previousHex = headHash.toString('hex');
  let chunk = '';
  let chunkRows = 0;
  for (const stream of placed) {
    for (const [index, event] of stream.events.entries()) {
      const globalPosition = stream.firstPosition + BigInt(index);
      const streamVersion = stream.firstVersion + BigInt(index);
      const hash = chainLink(
        previousHash,
        { globalPosition, streamId: stream.streamId, streamVersion, recordedAt },
        event.contentDigest,
      );
      const hex = hash.toString('hex');
      stream.hashes.push(hex);
      chunk += `${globalPosition}\t${stream.streamIdText}\t${streamVersion}\t${event.contentCopyText}\t${recordedAtText}\t\\\\x${previousHex}\t\\\\x${hex}\n`;
      previousHash = hash;
      previousHex = hex;
      chunkRows += 1;
      if (chunkRows === COPY_CHUNK_ROWS) {
        if (!copy.write(chunk)) await once(copy, 'drain');
        chunk = '';
        chunkRows = 0;
      }
    }
  }
  copy.end(chunk);
}

/**
 * Serialises and digests every event, yielding to the event loop every PREPARE_SLICE_EVENTS:
 * while this writer prepares, another one holding the append lock keeps feeding its COPY.
 */
async function prepareAppends(appends: readonly StreamAppend[]): Promise<PreparedAppend[]> {
  const prepared: PreparedAppend[] = [];
  let sinceYield = 0;
  for (const append of appends) {
    const events: PreparedEvent[] = [];
    for (const event of append.events) {
      events.push(prepareEvent(event));
      sinceYield += 1;
      if (sinceYield === PREPARE_SLICE_EVENTS) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    prepared.push({ append, events });
  }
  return prepared;
}

function prepareEvent(event: NewEvent): PreparedEvent {
  if (!UUID_PATTERN.test(event.eventId)) {
    throw new Error(`assertion: event id '${event.eventId}' must be a lower-case UUID`);
  }
  if (event.type.length === 0 || event.type.length > EVENT_TYPE_LENGTH_MAX) {
    throw new Error(`assertion: event type must be 1..${EVENT_TYPE_LENGTH_MAX} characters`);
  }
  if (event.type.includes('\u0000') || !event.type.isWellFormed()) {
    throw new Error(`assertion: event type must be well-formed Unicode without NUL characters`);
  }
  if (
    !Number.isInteger(event.schemaVersion) ||
    event.schemaVersion < 1 ||
    event.schemaVersion > SCHEMA_VERSION_MAX
  ) {
    throw new Error(
      `assertion: schema version of ${event.type} must be an integer in 1..${SCHEMA_VERSION_MAX}`,
    );
  }
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new Error(`assertion: data of ${event.type} must be a JSON object`);
  }
  // JSON.stringify throws on bigint: amounts must already be decimal strings here.
  const dataJson = JSON.stringify(event.data);
  const metadataJson = JSON.stringify(event.metadata ?? {});
  const contentCopyText = [
    event.eventId,
    copyTextValue(event.type),
    String(event.schemaVersion),
    copyTextValue(dataJson),
    copyTextValue(metadataJson),
  ].join('\t');
  return {
    event,
    dataJson,
    contentCopyText,
    contentDigest: contentDigest({
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      dataJson,
      metadataJson,
    }),
  };
}

function assertAppendShape(appends: readonly StreamAppend[]): void {
  let total = 0;
  const ids = new Set<string>();
  for (const append of appends) {
    if (append.streamId.length === 0 || append.streamId.length > STREAM_ID_LENGTH_MAX) {
      throw new Error(`assertion: stream id must be 1..${STREAM_ID_LENGTH_MAX} characters`);
    }
    // PostgreSQL text holds no NUL and stores a lone surrogate as U+FFFD: two ids would merge.
    if (append.streamId.includes('\u0000') || !append.streamId.isWellFormed()) {
      throw new Error('assertion: stream id must be well-formed Unicode without NUL characters');
    }
    if (append.events.length === 0)
      throw new Error(`assertion: append to '${append.streamId}' has no events`);
    for (const event of append.events) {
      if (ids.has(event.eventId))
        throw new Error(`assertion: event id ${event.eventId} twice in one append`);
      ids.add(event.eventId);
    }
    total += append.events.length;
  }
  if (total > APPEND_EVENTS_MAX) {
    throw new Error(
      `assertion: one append may write at most ${APPEND_EVENTS_MAX} events, got ${total}`,
    );
  }
}

function checkExpectedVersion(streamId: string, expected: ExpectedVersion, current: bigint): void {
  const holds =
    expected === 'any' ||
    (expected === 'no-stream' && current === 0n) ||
    (expected === 'stream-exists' && current > 0n) ||
    (typeof expected === 'bigint' && expected === current);
  if (!holds) throw new WrongExpectedVersionError(streamId, expected, current);
}

/**
 * An append whose events are all stored already, with the same payload in the same stream, at
 * the version the append expected, is an idempotent retry: it returns the original positions.
 * Stored at another version, the caller decided on a stream that has moved on (another writer
 * stored the same events after the caller read): a wrong expected version, like any race. Some
 * stored and some not, or a stored id with another payload, is a conflict: the caller reused an
 * id for something else.
 */
function classifyDuplicates(
  append: StreamAppend,
  events: readonly PreparedEvent[],
  stored: ReadonlyMap<string, StoredIdentity>,
): AppendResult | null {
  const found = events.map(({ event }) => stored.get(event.eventId));
  if (found.every((identity) => identity === undefined)) return null;
  const positions: bigint[] = [];
  const hashes: string[] = [];
  let lastVersion = 0n;
  for (const [index, { event, dataJson }] of events.entries()) {
    const identity = found[index];
    if (identity === undefined) {
      throw new EventIdConflictError(event.eventId, append.streamId, 'partially-stored-append');
    }
    if (identity.streamId !== append.streamId) {
      throw new EventIdConflictError(event.eventId, append.streamId, 'different-stream');
    }
    if (
      identity.type !== event.type ||
      identity.schemaVersion !== event.schemaVersion ||
      identity.dataJson !== dataJson
    ) {
      throw new EventIdConflictError(event.eventId, append.streamId, 'different-payload');
    }
    positions.push(identity.globalPosition);
    hashes.push(identity.hash);
    lastVersion = identity.streamVersion;
  }
  // the stream's version just before the stored events is what a genuine retry expected
  checkExpectedVersion(
    append.streamId,
    append.expectedVersion,
    lastVersion - BigInt(events.length),
  );
  return {
    streamId: append.streamId,
    nextExpectedVersion: lastVersion,
    positions,
    hashes,
    alreadyStored: true,
  };
}

async function loadStoredIdentities(
  db: Queryable,
  schema: string,
  appends: readonly StreamAppend[],
): Promise<Map<string, StoredIdentity>> {
  const ids = appends.flatMap((append) => append.events.map((event) => event.eventId));
  const result = await db.query<{
    event_id: string;
    stream_id: string;
    stream_version: string;
    global_position: string;
    event_type: string;
    schema_version: number;
    data_json: string;
    hash: string;
  }>(
    `select event_id, stream_id, stream_version, global_position, event_type, schema_version, data::text as data_json, encode(hash, 'hex') as hash
       from ${schema}.events where event_id = any($1::uuid[])`,
    [ids],
  );
  return new Map(
    result.rows.map((row) => [
      row.event_id,
      {
        streamId: row.stream_id,
        streamVersion: BigInt(row.stream_version),
        globalPosition: BigInt(row.global_position),
        type: row.event_type,
        schemaVersion: row.schema_version,
        dataJson: row.data_json,
        hash: row.hash,
      },
    ]),
  );
}

async function loadStreamVersions(
  db: Queryable,
  schema: string,
  appends: readonly StreamAppend[],
): Promise<Map<string, bigint>> {
  const streamIds = [...new Set(appends.map((append) => append.streamId))];
  if (streamIds.length === 0) return new Map();
  const result = await db.query<{ stream_id: string; version: string }>(
    `select s.stream_id, (select max(e.stream_version) from ${schema}.events e where e.stream_id = s.stream_id) as version
       from unnest($1::text[]) as s(stream_id)`,
    [streamIds],
  );
  const versions = new Map<string, bigint>();
  for (const row of result.rows)
    if (row.version !== null) versions.set(row.stream_id, BigInt(row.version));
  return versions;
}

async function loadHead(
  db: Queryable,
  schema: string,
): Promise<{ globalPosition: bigint; hash: string; recordedAtMs: number }> {
  const result = await db.query<{ global_position: string; hash: string; recorded_at_ms: string }>(
    `select global_position, encode(hash, 'hex') as hash, (extract(epoch from recorded_at) * 1000)::int8 as recorded_at_ms
       from ${schema}.events order by global_position desc limit 1`,
  );
  const row = result.rows[0];
  return row === undefined
    ? { globalPosition: 0n, hash: GENESIS_HASH, recordedAtMs: 0 }
    : {
        globalPosition: BigInt(row.global_position),
        hash: row.hash,
        recordedAtMs: Number(row.recorded_at_ms),
      };
}
