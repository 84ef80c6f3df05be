import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { PostgresEventStore } from './postgres-event-store';
import { Subscription } from './subscription';
import { testEvent } from './test-events';

const WRITERS = 8;
const APPENDS_PER_WRITER = 12;
const EVENTS_PER_APPEND_MAX = 4;
const COMMIT_DELAY_MS_MAX = 25;
const STREAMS = 16;
const CATCH_UP_WAIT_MS_MAX = 20_000;

describe('durable subscriptions (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
    await db.pool.query(
      'create table ledger.seen (seq bigserial primary key, global_position bigint not null, event_id uuid not null)',
    );
  });
  afterEach(() => db.drop());

  /** A subscriber whose own write (a row per event) commits with its checkpoint. */
  function recordingSubscription(
    name: string,
    options: { batchEvents?: number; failOn?: Set<string> } = {},
  ) {
    return new Subscription(store, {
      name,
      batchEvents: options.batchEvents ?? 7,
      pollIntervalMs: 2,
      handler: async (events, { client }) => {
        await client.query(
          'insert into ledger.seen (global_position, event_id) select * from unnest($1::int8[], $2::uuid[])',
          [
            events.map((event) => event.globalPosition.toString()),
            events.map((event) => event.eventId),
          ],
        );
        if (events.some((event) => options.failOn?.has(event.eventId)))
          throw new Error('handler failed');
      },
    });
  }

  async function seen(): Promise<{ positions: bigint[]; eventIds: string[] }> {
    const rows = (
      await db.pool.query<{ global_position: string; event_id: string }>(
        'select global_position, event_id from ledger.seen order by seq',
      )
    ).rows;
    return {
      positions: rows.map((row) => BigInt(row.global_position)),
      eventIds: rows.map((row) => row.event_id),
    };
  }

  it('given 8 concurrent writers whose commits are delayed at random, when a subscriber follows meanwhile, then it sees every event exactly once in position order', async () => {
    const subscription = recordingSubscription('projection');
    subscription.start();
    const appended: string[] = [];

    const writer = async (writerIndex: number) => {
      for (let append = 0; append < APPENDS_PER_WRITER; append += 1) {
        const events = Array.from({ length: randomInt(1, EVENTS_PER_APPEND_MAX + 1) }, () =>
          testEvent('Deposited', { writer: writerIndex }),
        );
        await store.withTransaction(async (transaction) => {
          await store.appendToStream(
            `writer-${writerIndex}-stream-${randomInt(STREAMS)}`,
            events,
            'any',
            transaction,
          );
          await sleep(randomInt(COMMIT_DELAY_MS_MAX + 1)); // the commit arrives late
        });
        appended.push(...events.map((event) => event.eventId));
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));

    const head = await store.headPosition();
    for (
      let waitedMs = 0;
      (await subscription.checkpoint()) < head && waitedMs < CATCH_UP_WAIT_MS_MAX;
      waitedMs += 20
    )
      await sleep(20);
    await subscription.stop();

    const { positions, eventIds } = await seen();
    expect(head).toBe(BigInt(appended.length));
    expect(positions).toEqual(
      Array.from({ length: appended.length }, (_, index) => BigInt(index + 1)),
    );
    expect(new Set(eventIds)).toEqual(new Set(appended));
    expect(eventIds).toHaveLength(appended.length);
  });

  it('given a handler that fails mid-stream, then neither its writes nor the checkpoint commit, and the retry processes the batch once', async () => {
    const poison = testEvent();
    await store.appendToStream('s-1', [testEvent(), testEvent()], 'no-stream');
    await store.appendToStream('s-2', [poison], 'no-stream');
    const failing = recordingSubscription('projection', {
      batchEvents: 2,
      failOn: new Set([poison.eventId]),
    });

    expect(await failing.processBatch()).toBe(2);
    await expect(failing.processBatch()).rejects.toThrow('handler failed');
    expect(await failing.checkpoint()).toBe(2n);
    expect((await seen()).positions).toEqual([1n, 2n]);

    const healed = recordingSubscription('projection', { batchEvents: 2 });
    expect(await healed.processBatch()).toBe(1);
    expect(await healed.processBatch()).toBe(0);
    expect((await seen()).positions).toEqual([1n, 2n, 3n]);
  });

  it('given two instances of the same subscription, when both process at once, then no batch is handled twice', async () => {
    await store.append(
      Array.from({ length: 10 }, (_, index) => ({
        streamId: `s-${index}`,
        expectedVersion: 'no-stream' as const,
        events: [testEvent(), testEvent()],
      })),
    );
    const first = recordingSubscription('projection', { batchEvents: 3 });
    const second = recordingSubscription('projection', { batchEvents: 3 });
    for (let round = 0; round < 10; round += 1)
      await Promise.all([first.processBatch(), second.processBatch()]);
    expect((await seen()).positions).toEqual(
      Array.from({ length: 20 }, (_, index) => BigInt(index + 1)),
    );
  });

  it('given a subscriber idle for a long poll interval, when an append commits, then the notification wakes it at once', async () => {
    const subscription = new Subscription(store, {
      name: 'listener',
      pollIntervalMs: 600_000, // only the notification can wake it within this test
      handler: async (events, { client }) => {
        await client.query(
          'insert into ledger.seen (global_position, event_id) select * from unnest($1::int8[], $2::uuid[])',
          [
            events.map((event) => event.globalPosition.toString()),
            events.map((event) => event.eventId),
          ],
        );
      },
    });
    subscription.start();
    await sleep(200); // let it find the store empty and go idle
    await store.appendToStream('s-1', [testEvent()], 'no-stream');
    for (
      let waitedMs = 0;
      (await subscription.checkpoint()) < 1n && waitedMs < 5_000;
      waitedMs += 20
    )
      await sleep(20);
    await subscription.stop();
    expect((await seen()).positions).toEqual([1n]);
  });

  it('given a handler that keeps failing while appends keep arriving, then retries back off instead of spinning on every notification', async () => {
    let attempts = 0;
    const subscription = new Subscription(store, {
      name: 'failing',
      pollIntervalMs: 100, // backoff: 200, 400, 800, 1600 ms...
      handler: async () => {
        attempts += 1;
        throw new Error('always fails');
      },
    });
    subscription.start();
    for (let append = 0; append < 60; append += 1) {
      await store.appendToStream(`noisy-${append}`, [testEvent()], 'no-stream'); // each append notifies
      await sleep(25);
    }
    await subscription.stop();
    // ~1.5 s of failures at 200/400/800 ms backoff is about 4 attempts; one per notification would be ~60.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(8);
  });

  it('given two subscriptions with different names, then each keeps its own checkpoint', async () => {
    await store.appendToStream('s-1', [testEvent(), testEvent(), testEvent()], 'no-stream');
    const a = recordingSubscription('a', { batchEvents: 2 });
    const b = recordingSubscription('b', { batchEvents: 2 });
    await a.processBatch();
    await a.processBatch();
    await b.processBatch();
    expect([await a.checkpoint(), await b.checkpoint()]).toEqual([3n, 2n]);
  });
});
