import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { EventIdConflictError, EventStoreErrorCode, WrongExpectedVersionError } from './errors';
import { COPY_CHUNK_ROWS } from './limits';
import { PostgresEventStore } from './postgres-event-store';
import { testEvent } from './test-events';

describe('appending to streams (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
  });
  afterAll(() => db.drop());

  describe('expected version', () => {
    it("given no stream, when appending with 'no-stream', then the events get versions 1..n", async () => {
      const result = await store.appendToStream('s-new', [testEvent(), testEvent()], 'no-stream');
      expect(result.nextExpectedVersion).toBe(2n);
      expect(result.alreadyStored).toBe(false);
      const events = await store.readStream('s-new');
      expect(events.map((event) => event.streamVersion)).toEqual([1n, 2n]);
    });

    it("given an existing stream, when appending with 'no-stream', then a typed error names the stream, expected and actual", async () => {
      await store.appendToStream('s-exists', [testEvent()], 'no-stream');
      const attempt = store.appendToStream('s-exists', [testEvent()], 'no-stream');
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(attempt).rejects.toMatchObject({
        code: EventStoreErrorCode.wrongExpectedVersion,
        streamId: 's-exists',
        expected: 'no-stream',
        actual: 1n,
      });
    });

    it('given a stream at version 2, when appending expecting 1, then it is refused and nothing is written', async () => {
      await store.appendToStream('s-exact', [testEvent(), testEvent()], 'no-stream');
      await expect(store.appendToStream('s-exact', [testEvent()], 1n)).rejects.toMatchObject({
        expected: 1n,
        actual: 2n,
      });
      expect(await store.readStream('s-exact')).toHaveLength(2);
      const result = await store.appendToStream('s-exact', [testEvent()], 2n);
      expect(result.nextExpectedVersion).toBe(3n);
    });

    it("given no stream, when appending with 'stream-exists' or an exact version, then it is refused with actual 0", async () => {
      await expect(
        store.appendToStream('s-missing', [testEvent()], 'stream-exists'),
      ).rejects.toMatchObject({ actual: 0n });
      await expect(store.appendToStream('s-missing', [testEvent()], 3n)).rejects.toMatchObject({
        actual: 0n,
      });
    });

    it("given any state, when appending with 'any', then it is appended", async () => {
      await store.appendToStream('s-any', [testEvent()], 'any');
      const result = await store.appendToStream('s-any', [testEvent()], 'any');
      expect(result.nextExpectedVersion).toBe(2n);
    });

    it('given two writers with the same expected version, when both append at once, then exactly one wins', async () => {
      await store.appendToStream('s-race', [testEvent()], 'no-stream');
      const outcomes = await Promise.allSettled([
        store.appendToStream('s-race', [testEvent()], 1n),
        store.appendToStream('s-race', [testEvent()], 1n),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    });
  });

  describe('writers racing for the append lock', () => {
    async function waitUntilBlockedOnLock(): Promise<void> {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const waiting = await db.pool.query(
          `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`,
        );
        if (waiting.rowCount !== null && waiting.rowCount > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the second writer never waited for the append lock');
    }

    it('given a writer whose expected version becomes true while it waits for the lock, then its append succeeds', async () => {
      let releaseFirst: () => void = () => undefined;
      const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
      const first = store.withTransaction(async (transaction) => {
        await store.appendToStream('race-wait', [testEvent()], 'no-stream', transaction);
        await firstHolds;
      });
      await waitUntilLockHeld();
      const second = store.appendToStream('race-wait', [testEvent()], 1n); // read version 0 before the lock
      await waitUntilBlockedOnLock();
      releaseFirst();
      await first;
      await expect(second).resolves.toMatchObject({
        nextExpectedVersion: 2n,
        alreadyStored: false,
      });
    });

    it("given concurrent 'any' appends to one stream, then all succeed with consecutive versions", async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.appendToStream('race-any', [testEvent(), testEvent()], 'any'),
        ),
      );
      expect(
        results.map((result) => result.nextExpectedVersion).sort((a, b) => Number(a - b)),
      ).toEqual([2n, 4n, 6n, 8n, 10n, 12n]);
      const versions = (await store.readStream('race-any')).map((event) => event.streamVersion);
      expect(versions).toEqual(Array.from({ length: 12 }, (_, index) => BigInt(index + 1)));
    });

    /** The first writer has taken the lock once its append has been written. */
    async function waitUntilLockHeld(): Promise<void> {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const held = await db.pool.query(
          `select 1 from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
        );
        if (held.rowCount !== null && held.rowCount > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the first writer never took the append lock');
    }
  });

  describe('idempotency by event id', () => {
    it('given stored events, when the same ids and payloads are appended again, then nothing is added and the original positions return', async () => {
      const events = [
        testEvent('Deposited', { amountMinor: '1' }),
        testEvent('Deposited', { amountMinor: '2' }),
      ];
      const first = await store.appendToStream('s-retry', events, 'no-stream');
      const headBefore = await store.headPosition();
      const retry = await store.appendToStream('s-retry', events, 'no-stream');
      expect(retry).toEqual({ ...first, alreadyStored: true });
      expect(await store.headPosition()).toBe(headBefore);
      expect(await store.readStream('s-retry')).toHaveLength(2);
    });

    it('given stored events, when they are appended again expecting another version (a writer that decided on an older stream), then it is a wrong expected version, not a retry', async () => {
      const decided = testEvent('Deposited', { amountMinor: '5' });
      await store.appendToStream('s-moved', [testEvent('Opened', {})], 'no-stream');
      await store.appendToStream('s-moved', [testEvent('Held', {}), decided], 1n); // another writer: Held at 2, the event at 3
      const late = store.appendToStream('s-moved', [decided], 1n); // decided on version 1, unaware of Held
      await expect(late).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(late).rejects.toMatchObject({ expected: 1n, actual: 2n });
      await expect(store.appendToStream('s-moved', [decided], 2n)).resolves.toMatchObject({
        alreadyStored: true,
        nextExpectedVersion: 3n,
      });
      await expect(store.appendToStream('s-moved', [decided], 'any')).resolves.toMatchObject({
        alreadyStored: true,
      });
    });

    it('given a stored event, when its id is appended with another payload, then a typed conflict is raised and nothing is written', async () => {
      const original = testEvent('Deposited', { amountMinor: '1' });
      await store.appendToStream('s-conflict', [original], 'no-stream');
      const headBefore = await store.headPosition();
      const attempt = store.appendToStream(
        's-conflict',
        [{ ...original, data: { amountMinor: '2' } }],
        'any',
      );
      await expect(attempt).rejects.toBeInstanceOf(EventIdConflictError);
      await expect(attempt).rejects.toMatchObject({
        code: EventStoreErrorCode.eventIdConflict,
        eventId: original.eventId,
        reason: 'different-payload',
      });
      expect(await store.headPosition()).toBe(headBefore);
    });

    it('given a stored event, when its id is appended to another stream, then it is a conflict', async () => {
      const original = testEvent();
      await store.appendToStream('s-home', [original], 'no-stream');
      await expect(store.appendToStream('s-elsewhere', [original], 'any')).rejects.toMatchObject({
        reason: 'different-stream',
      });
    });

    it.each(['first', 'last'] as const)(
      'given an append of several COPY chunks whose %s event id is stored, then it is a conflict, nothing is written, and the connection leaves COPY mode cleanly',
      async (where) => {
        const stored = testEvent();
        const streamId = `big-${where}`;
        await store.appendToStream(streamId, [stored], 'no-stream');
        const headBefore = await store.headPosition();
        const fresh = Array.from({ length: COPY_CHUNK_ROWS * 8 }, () => testEvent());
        const events = where === 'first' ? [stored, ...fresh] : [...fresh, stored];
        await expect(store.appendToStream(streamId, events, 1n)).rejects.toMatchObject({
          reason: 'partially-stored-append',
        });
        expect(await store.headPosition()).toBe(headBefore);
        await expect(store.appendToStream(streamId, [testEvent()], 1n)).resolves.toMatchObject({
          nextExpectedVersion: 2n,
        });
      },
    );

    it('given a stored event, when a batch mixes it with new events, then it is a conflict', async () => {
      const original = testEvent();
      await store.appendToStream('s-partial', [original], 'no-stream');
      await expect(
        store.appendToStream('s-partial', [original, testEvent()], 'any'),
      ).rejects.toMatchObject({
        reason: 'partially-stored-append',
      });
    });
  });

  describe('batches over many streams', () => {
    it('given one append to many streams, when one stream fails its version check, then none of them is written', async () => {
      await store.appendToStream('b-2', [testEvent()], 'no-stream');
      const headBefore = await store.headPosition();
      await expect(
        store.append([
          { streamId: 'b-1', expectedVersion: 'no-stream', events: [testEvent()] },
          { streamId: 'b-2', expectedVersion: 'no-stream', events: [testEvent()] },
        ]),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await store.headPosition()).toBe(headBefore);
      expect(await store.readStream('b-1')).toEqual([]);
    });

    it('given one append to many streams, then they receive consecutive global positions in order', async () => {
      const headBefore = await store.headPosition();
      const results = await store.append([
        { streamId: 'c-1', expectedVersion: 'no-stream', events: [testEvent(), testEvent()] },
        { streamId: 'c-2', expectedVersion: 'no-stream', events: [testEvent()] },
        { streamId: 'c-1', expectedVersion: 2n, events: [testEvent()] },
      ]);
      expect(results.flatMap((result) => result.positions)).toEqual(
        [1n, 2n, 3n, 4n].map((n) => headBefore + n),
      );
      expect(results.map((result) => result.nextExpectedVersion)).toEqual([2n, 1n, 3n]);
    });

    it("given a refused append inside the caller's transaction, then the transaction stays usable and commits the rest", async () => {
      await store.appendToStream('tx-1', [testEvent()], 'no-stream');
      const results = await store.withTransaction(async (transaction) => {
        await expect(
          store.appendToStream('tx-1', [testEvent()], 'no-stream', transaction),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        const first = await store.appendToStream('tx-1', [testEvent()], 1n, transaction);
        const second = await store.appendToStream('tx-2', [testEvent()], 'no-stream', transaction);
        return [first, second];
      });
      expect(results.map((result) => result.nextExpectedVersion)).toEqual([2n, 1n]);
      expect(await store.readStream('tx-1')).toHaveLength(2);
    });

    it('refuses two appends at once on one transaction loudly (a transaction is one sequence of statements)', async () => {
      await store.withTransaction(async (transaction) => {
        const first = store.appendToStream('tx-busy', [testEvent()], 'any', transaction);
        await expect(
          store.appendToStream('tx-busy', [testEvent()], 'any', transaction),
        ).rejects.toThrow(/assertion: .*already in use/);
        await first;
      });
      expect(await store.readStream('tx-busy')).toHaveLength(1);
    });

    it('given many appends in one transaction, then each releases its savepoint', async () => {
      await store.withTransaction(async (transaction) => {
        for (let index = 0; index < 100; index += 1)
          await store.appendToStream('tx-many', [testEvent()], 'any', transaction);
        const depth = await transaction.client.query<{ count: string }>(
          `select count(*) from pg_locks where locktype = 'transactionid' and pid = pg_backend_pid()`,
        );
        expect(Number(depth.rows[0]?.count)).toBe(1); // the top-level transaction id only: no subtransaction left open
      });
    });

    it('given an external transaction that rolls back, then its appends vanish', async () => {
      const headBefore = await store.headPosition();
      await expect(
        store.withTransaction(async (transaction) => {
          await store.appendToStream('t-1', [testEvent()], 'no-stream', transaction);
          throw new Error('handler failed');
        }),
      ).rejects.toThrow('handler failed');
      expect(await store.headPosition()).toBe(headBefore);
    });
  });

  describe('stored form', () => {
    it('keeps the schema version, metadata and exact payload of each event', async () => {
      const event = {
        ...testEvent('Withdrawn', { amountMinor: '123456789012345678901234567890', note: 'é ✓' }),
        schemaVersion: 2,
      };
      await store.appendToStream('f-1', [event], 'no-stream');
      const [stored] = await store.readStream('f-1');
      expect(stored).toMatchObject({
        eventId: event.eventId,
        type: 'Withdrawn',
        schemaVersion: 2,
        storedSchemaVersion: 2,
        data: event.data,
        metadata: event.metadata,
      });
      expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('keeps tabs, newlines and backslashes in stream ids, types and payloads exactly', async () => {
      const streamId = 'odd\tstream\nid\\x';
      const event = testEvent('Type\twith\\odd\r\ncharacters', {
        note: 'line1\nline2\ttab \\ backslash \\x00 "quoted"',
        nested: { u: '\u0001' },
      });
      await store.appendToStream(streamId, [event], 'no-stream');
      const [stored] = await store.readStream(streamId);
      expect(stored).toMatchObject({ streamId, type: event.type, data: event.data });
      expect(await store.verifyChain()).toMatchObject({ ok: true });
    });

    it('refuses stream ids PostgreSQL would alter (NUL, lone surrogates) loudly, before writing', async () => {
      await expect(store.appendToStream('s\uD800', [testEvent()], 'no-stream')).rejects.toThrow(
        /well-formed/,
      );
      await expect(store.appendToStream('s\u0000', [testEvent()], 'no-stream')).rejects.toThrow(
        /NUL/,
      );
    });

    it('refuses a bigint in the payload loudly: amounts travel as decimal strings', async () => {
      const event = testEvent('Deposited', { amountMinor: 5n as unknown as string });
      await expect(store.appendToStream('f-2', [event], 'no-stream')).rejects.toThrow(/BigInt/);
    });
  });
});
