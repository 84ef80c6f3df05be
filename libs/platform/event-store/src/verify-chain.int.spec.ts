import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { PostgresEventStore } from './postgres-event-store';
import { testEvent } from './test-events';

const EVENTS_IN_CHAIN = 10;

/**
 * Tamper evidence: each case edits rows with raw SQL, as an attacker with the database's
 * superuser would (past the append-only guard), and verifyChain must name the first position where the chain no longer holds.
 */
describe('verifying the hash chain (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const schema = 'audit';

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema });
    await store.migrate();
    for (let index = 0; index < EVENTS_IN_CHAIN; index += 1) {
      await store.appendToStream(
        `stream-${index % 3}`,
        [testEvent('Deposited', { amountMinor: String(index + 1) })],
        'any',
      );
    }
  });
  afterEach(() => db.drop());

  // the attacker holds the database's superuser: past the append-only guard (session_replication_role = replica skips ordinary triggers)
  const sql = async (text: string) => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      const result = await client.query(text);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  };

  it('given an untouched store, then the chain verifies and reports its head', async () => {
    const result = await store.verifyChain();
    const [last] = await store.readAll({ after: BigInt(EVENTS_IN_CHAIN - 1) });
    expect(result).toEqual({
      ok: true,
      eventsChecked: BigInt(EVENTS_IN_CHAIN),
      head: { globalPosition: 10n, hash: last?.hash },
    });
  });

  it('given an empty store, then the chain verifies with no head', async () => {
    const empty = new PostgresEventStore({ pool: db.pool, schema: 'empty_store' });
    await empty.migrate();
    expect(await empty.verifyChain()).toEqual({ ok: true, eventsChecked: 0n, head: null });
  });

  it('given a row whose payload was altered, then the first bad position is that row', async () => {
    await sql(
      `update ${schema}.events set data = '{"amountMinor":"999"}' where global_position = 4`,
    );
    expect(await store.verifyChain()).toMatchObject({
      ok: false,
      position: 4n,
      reason: 'hash-mismatch',
      eventsChecked: 3n,
    });
  });

  it.each([
    ['metadata', `metadata = '{"correlationId":"forged"}'`],
    ['recorded time', `recorded_at = recorded_at + interval '1 millisecond'`],
    ['stream id', `stream_id = 'stream-9'`],
    ['event type', `event_type = 'Withdrawn'`],
    ['schema version', `schema_version = 2`],
    ['event id', `event_id = gen_random_uuid()`],
  ])('given a row whose %s was altered, then that row is reported', async (_field, assignment) => {
    await sql(`update ${schema}.events set ${assignment} where global_position = 7`);
    expect(await store.verifyChain()).toMatchObject({
      ok: false,
      position: 7n,
      reason: 'hash-mismatch',
    });
  });

  it('given a row altered and its own hash recomputed, then the next row no longer links to it', async () => {
    // The attacker recomputes row 5's hash to match the edit; row 6 still names the old hash.
    const { chainHash } = await import('./hash-chain');
    const row = (
      await sql(
        `select *, data::text as d, metadata::text as m, encode(previous_hash,'hex') as ph from ${schema}.events where global_position = 5`,
      )
    ).rows[0];
    const forgedData = '{"amountMinor":"1"}';
    const forgedHash = chainHash(row.ph, {
      globalPosition: 5n,
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: BigInt(row.stream_version),
      type: row.event_type,
      schemaVersion: row.schema_version,
      dataJson: forgedData,
      metadataJson: row.m,
      recordedAt: row.recorded_at,
    });
    await sql(
      `update ${schema}.events set data = '${forgedData}', hash = decode('${forgedHash}', 'hex') where global_position = 5`,
    );
    expect(await store.verifyChain()).toMatchObject({
      ok: false,
      position: 6n,
      reason: 'broken-link',
    });
  });

  it('given a deleted row, then its position is reported as a gap', async () => {
    await sql(`delete from ${schema}.events where global_position = 3`);
    expect(await store.verifyChain()).toMatchObject({
      ok: false,
      position: 3n,
      reason: 'position-gap',
    });
  });

  it('given a deleted row and later rows renumbered to close the gap, then the first renumbered row is reported', async () => {
    await sql(`delete from ${schema}.events where global_position = 3`);
    await sql(
      `update ${schema}.events set global_position = global_position - 1 where global_position > 3`,
    );
    expect(await store.verifyChain()).toMatchObject({ ok: false, position: 3n });
  });

  it('given two rows swapped (reordered), then the first of them is reported', async () => {
    await sql(
      `update ${schema}.events set global_position = global_position + 1000 where global_position in (5, 8)`,
    );
    await sql(
      `update ${schema}.events set global_position = case global_position when 1005 then 8 else 5 end where global_position in (1005, 1008)`,
    );
    expect(await store.verifyChain()).toMatchObject({ ok: false, position: 5n });
  });

  it('given the last row deleted, then only a published anchor reveals it', async () => {
    const anchor = await store.verifyChain();
    if (!anchor.ok || anchor.head === null) throw new Error('expected a verified head');
    await sql(`delete from ${schema}.events where global_position = 10`);
    expect(await store.verifyChain()).toMatchObject({ ok: true, eventsChecked: 9n });
    expect(await store.verifyChain({ anchors: [anchor.head] })).toMatchObject({
      ok: false,
      position: 10n,
      reason: 'anchor-missing',
    });
  });

  it('given the whole chain rewritten consistently after an anchor, then the anchor mismatch is reported', async () => {
    const before = await store.verifyChain();
    if (!before.ok || before.head === null) throw new Error('expected a verified head');
    // Rebuild the store from altered content: a self-consistent forgery.
    const events = await store.readAll();
    const forged = new PostgresEventStore({ pool: db.pool, schema: 'forged' });
    await forged.migrate();
    for (const event of events) {
      const data = event.globalPosition === 2n ? { amountMinor: '0' } : event.data;
      await forged.appendToStream(
        event.streamId,
        [
          {
            eventId: event.eventId,
            type: event.type,
            schemaVersion: 1,
            data,
            metadata: event.metadata,
          },
        ],
        'any',
      );
    }
    expect(await forged.verifyChain()).toMatchObject({ ok: true });
    expect(await forged.verifyChain({ anchors: [before.head] })).toMatchObject({
      ok: false,
      position: 10n,
      reason: 'anchor-mismatch',
    });
  });
});
