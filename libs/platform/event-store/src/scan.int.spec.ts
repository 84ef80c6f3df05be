import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { PostgresEventStore } from './postgres-event-store';
import { testEvent } from './test-events';
import { UpcasterRegistry } from './upcasters';

/** Strings COPY's text format must carry through unchanged: its separators and escapes, and what JSON escapes. */
const AWKWARD = [
  'tab\there',
  'line\nbreak',
  'carriage\rreturn',
  'back\\slash',
  '\\N',
  'quote "q"',
  'ünïcödé ✓ 🪙',
  '\\t literally',
  'form\ffeed\u0001\u007f',
];

describe('scanning the whole store in one streamed COPY (PostgreSQL, HK-22 replay input)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    const upcasters = new UpcasterRegistry([
      {
        eventType: 'Deposited',
        fromVersion: 1,
        upcast: ({ amount, ...rest }) => ({ ...rest, amountMinor: amount ?? '0' }),
      },
    ]);
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger', upcasters });
    await store.migrate();
    for (const [index, text] of AWKWARD.entries()) {
      await store.appendToStream(
        `stream\t${index % 3}`,
        [testEvent('Noted', { text, nested: { list: [text, index] } })],
        'any',
      );
    }
    await store.appendToStream('upcast', [testEvent('Deposited', { amount: '42' })], 'no-stream');
  });
  afterAll(() => db.drop());

  async function scanned(options?: Parameters<PostgresEventStore['scanAll']>[0]) {
    const batches: number[] = [];
    const events = [];
    for await (const batch of store.scanAll(options)) {
      batches.push(batch.length);
      events.push(...batch);
    }
    return { batches, events };
  }

  it('gives every event as readAll does (position, stream, type, upcast version and data), escapes and all, in batches', async () => {
    const read = await store.readAll({ maxCount: 100 });
    const { batches, events } = await scanned({ batchEvents: 4 });
    expect(batches).toEqual([4, 4, 2]);
    expect(events).toEqual(
      read.map((event) => ({
        globalPosition: event.globalPosition,
        streamId: event.streamId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
      })),
    );
    expect(
      events.map((event) => (event.data as { text?: string }).text).slice(0, AWKWARD.length),
    ).toEqual(AWKWARD);
    expect(events.at(-1)).toMatchObject({ schemaVersion: 2, data: { amountMinor: '42' } });
  });

  it('scans a range: after a position and up to one (point-in-time)', async () => {
    const { events } = await scanned({ after: 2n, upTo: 5n });
    expect(events.map((event) => event.globalPosition)).toEqual([3n, 4n, 5n]);
    expect((await scanned({ after: 100n })).events).toEqual([]);
  });

  it('given a caller that stops early, when it breaks off, then the connection goes back and the pool still serves', async () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      for await (const batch of store.scanAll({ batchEvents: 1 })) {
        expect(batch).toHaveLength(1);
        break;
      }
    }
    expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
    expect((await scanned()).events).toHaveLength(AWKWARD.length + 1);
  });

  it('refuses a batch size outside its limit', async () => {
    await expect(scanned({ batchEvents: 0 })).rejects.toThrow(/scan batch must be an integer/);
  });
});
