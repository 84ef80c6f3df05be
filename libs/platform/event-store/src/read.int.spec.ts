import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { PostgresEventStore } from './postgres-event-store';
import { testEvent } from './test-events';
import { UpcasterRegistry } from './upcasters';

describe('reading streams and the whole store (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const recordedAt = new Date('2026-03-04T05:06:07.089Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    const upcasters = new UpcasterRegistry([
      {
        eventType: 'Deposited',
        fromVersion: 1,
        upcast: ({ amount, ...rest }) => ({ ...rest, amountMinor: amount ?? '0' }),
      },
    ]);
    store = new PostgresEventStore({
      pool: db.pool,
      schema: 'ledger',
      upcasters,
      now: () => recordedAt,
    });
    await store.migrate();
    // positions 1..6: a, b, a, b, a, c
    for (const streamId of ['a', 'b', 'a', 'b', 'a', 'c'])
      await store.appendToStream(streamId, [testEvent('Noted', { streamId })], 'any');
  });
  afterAll(() => db.drop());

  it('reads one stream forwards from a version, in pages', async () => {
    const all = await store.readStream('a');
    expect(all.map((event) => [event.streamVersion, event.globalPosition])).toEqual([
      [1n, 1n],
      [2n, 3n],
      [3n, 5n],
    ]);
    const fromTwo = await store.readStream('a', { fromVersion: 2n, maxCount: 1 });
    expect(fromTwo.map((event) => event.globalPosition)).toEqual([3n]);
    expect(await store.readStream('missing')).toEqual([]);
  });

  it('reads all events in global order, page after page, without gaps or repeats', async () => {
    const seen: bigint[] = [];
    let after = 0n;
    for (let page = 0; page < 10; page += 1) {
      const events = await store.readAll({ after, maxCount: 4 });
      if (events.length === 0) break;
      seen.push(...events.map((event) => event.globalPosition));
      after = events.at(-1)?.globalPosition ?? after;
    }
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
  });

  it('reads many streams at once, each after its own version, in global order, paged and up to a position', async () => {
    const cursors = [
      { streamId: 'a', afterVersion: 1n }, // a@2 (3), a@3 (5)
      { streamId: 'b', afterVersion: 0n }, // b@1 (2), b@2 (4)
      { streamId: 'missing', afterVersion: 0n },
    ];
    expect((await store.readStreams(cursors)).map((event) => event.globalPosition)).toEqual([
      2n,
      3n,
      4n,
      5n,
    ]);
    expect(
      (await store.readStreams(cursors, { after: 3n, maxCount: 1 })).map(
        (event) => event.globalPosition,
      ),
    ).toEqual([4n]);
    expect(
      (await store.readStreams(cursors, { upTo: 4n })).map(
        (event) => `${event.streamId}@${event.streamVersion}`,
      ),
    ).toEqual(['b@1', 'a@2', 'b@2']);
    expect(await store.readStreams([])).toEqual([]);
  });

  it("names each stream's last event by version and hash, as its append reported it, so a writer can check a cached stream is still exactly what is stored", async () => {
    const heads = await store.streamHeads(['a', 'b', 'c', 'missing']);
    const lastOf = async (streamId: string) => (await store.readStream(streamId)).at(-1);
    expect([...heads.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const streamId of ['a', 'b', 'c']) {
      const last = await lastOf(streamId);
      expect(heads.get(streamId)).toEqual({ version: last?.streamVersion, hash: last?.hash });
    }
    const db2 = await createTestDatabase();
    try {
      const other = new PostgresEventStore({ pool: db2.pool, schema: 'ledger' });
      await other.migrate();
      const event = testEvent('Noted', { streamId: 'x' });
      const [appended] = await other.append([
        { streamId: 'x', expectedVersion: 'no-stream', events: [testEvent('Noted', {}), event] },
      ]);
      const [retried] = await other.append([
        { streamId: 'x', expectedVersion: 'any', events: [event] },
      ]);
      const stored = await other.readStream('x');
      expect(appended?.hashes).toEqual(stored.map((recorded) => recorded.hash));
      expect(retried).toMatchObject({ alreadyStored: true, hashes: [stored[1]?.hash] });
      expect((await other.streamHeads(['x'])).get('x')).toEqual({
        version: 2n,
        hash: stored[1]?.hash,
      });
    } finally {
      await db2.drop();
    }
  });

  it('reads up to a position (point-in-time, HK-21)', async () => {
    const events = await store.readAll({ upTo: 4n, maxCount: 100 });
    expect(events.map((event) => event.globalPosition)).toEqual([1n, 2n, 3n, 4n]);
  });

  it('given a writer whose clock went backwards, recorded time still never decreases along the chain, so "as of T" is a prefix (HK-21)', async () => {
    let clock = new Date('2030-01-01T00:00:10.000Z');
    const skewed = new PostgresEventStore({ pool: db.pool, schema: 'skewed', now: () => clock });
    await skewed.migrate();
    await skewed.appendToStream('s', [testEvent('Noted')], 'any'); // position 1 at 10 s
    clock = new Date('2030-01-01T00:00:05.000Z'); // a writer that read its clock before the lock
    await skewed.appendToStream('s', [testEvent('Noted')], 'any'); // position 2: still 10 s, not 5 s
    clock = new Date('2030-01-01T00:00:20.000Z');
    await skewed.appendToStream('s', [testEvent('Noted')], 'any'); // position 3 at 20 s
    const times = (await skewed.readAll()).map((event) => event.recordedAt.toISOString());
    expect(times).toEqual([
      '2030-01-01T00:00:10.000Z',
      '2030-01-01T00:00:10.000Z',
      '2030-01-01T00:00:20.000Z',
    ]);
    expect(await skewed.positionAt(new Date('2030-01-01T00:00:09.999Z'))).toBe(0n);
    expect(await skewed.positionAt(new Date('2030-01-01T00:00:10.000Z'))).toBe(2n);
    expect(await skewed.positionAt(new Date('2030-01-01T00:00:19.999Z'))).toBe(2n);
    expect(await skewed.positionAt(new Date('2030-01-01T00:00:20.000Z'))).toBe(3n);
    expect((await skewed.verifyChain()).ok).toBe(true);
  });

  it('returns recorded time to the millisecond and the stored hashes', async () => {
    const [first, second] = await store.readAll({ maxCount: 2 });
    expect(first?.recordedAt.toISOString()).toBe(recordedAt.toISOString());
    expect(second?.previousHash).toBe(first?.hash);
  });

  it('given an event stored at schema version 1, when read, then it is upcast and keeps its stored version', async () => {
    await store.appendToStream('upcast', [testEvent('Deposited', { amount: '42' })], 'no-stream');
    const [event] = await store.readStream('upcast');
    expect(event).toMatchObject({
      schemaVersion: 2,
      storedSchemaVersion: 1,
      data: { amountMinor: '42' },
    });
    const raw = await db.pool.query(
      `select data::text as data, schema_version from ledger.events where stream_id = 'upcast'`,
    );
    expect(raw.rows[0]).toEqual({ data: '{"amount":"42"}', schema_version: 1 }); // history is not rewritten
  });

  it('refuses a page larger than the limit loudly', async () => {
    await expect(store.readAll({ maxCount: 10_001 })).rejects.toThrow(/assertion/);
  });
});
