import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { HISTORY_CHANGE_REFUSED_SQLSTATE } from './history-guard';
import { PostgresEventStore } from './postgres-event-store';
import { withSchemaDdl } from './schema';
import { testEvent } from './test-events';

const EVENTS_WRITTEN = 3;
const REFUSED = {
  code: HISTORY_CHANGE_REFUSED_SQLSTATE,
  message: expect.stringMatching(/^HISTORY_APPEND_ONLY: /),
};

/**
 * Issue 22 (4): history is append-only in the database itself. The store's own preparation puts
 * a guard on its events and on the inbox: UPDATE, DELETE and TRUNCATE are refused for everyone,
 * the owner included, except the owner in a migration that says so (custody.migration = 'on').
 */
describe('the append-only guard on history (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const schema = 'ledger';

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, schema });
    await store.migrate();
    for (let index = 0; index < EVENTS_WRITTEN; index += 1)
      await store.appendToStream(
        'stream-1',
        [testEvent('Deposited', { amountMinor: String(index + 1) })],
        'any',
      );
    await withSchemaDdl(db.pool, schema, (client) =>
      client
        .query(
          `create table if not exists ${schema}.inbox (consumer_group text not null, message_id text not null, primary key (consumer_group, message_id))`,
        )
        .then(() => undefined),
    );
    await db.pool.query(`insert into ${schema}.inbox values ('group', 'message-1')`);
  });
  afterAll(() => db.drop());

  const eventCount = async () =>
    Number(
      (await db.pool.query<{ count: string }>(`select count(*) from ${schema}.events`)).rows[0]
        ?.count,
    );

  it.each([
    [
      'UPDATE',
      `update ${schema}.events set data = '{"amountMinor":"999"}' where global_position = 2`,
    ],
    ['DELETE', `delete from ${schema}.events where global_position = 2`],
    ['TRUNCATE', `truncate ${schema}.events`],
    ['UPDATE of the inbox', `update ${schema}.inbox set message_id = 'message-2'`],
    ['DELETE of the inbox', `delete from ${schema}.inbox`],
    ['TRUNCATE of the inbox', `truncate ${schema}.inbox`],
  ])('%s is refused even for the owner, with the stable code', async (_operation, statement) => {
    await expect(db.pool.query(statement)).rejects.toMatchObject(REFUSED);
    expect(await eventCount()).toBe(EVENTS_WRITTEN);
  });

  it('the owner may change history only in a transaction that says it is a migration', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local custody.migration = 'on'`);
      await client.query(
        `update ${schema}.events set metadata = metadata where global_position = 1`,
      );
      await client.query('rollback');
      // the setting ends with its transaction
      await expect(
        client.query(`update ${schema}.events set metadata = metadata where global_position = 1`),
      ).rejects.toMatchObject(REFUSED);
    } finally {
      client.release();
    }
  });

  it('a role that is not the owner is refused even with UPDATE granted and the migration setting on', async () => {
    const role = `custody_test_guard_${randomBytes(4).toString('hex')}`;
    await db.pool.query(`create role ${role} nologin`);
    const client = await db.pool.connect();
    try {
      await client.query(
        `grant usage on schema ${schema} to ${role}; grant select, update, delete, truncate on ${schema}.events to ${role}`,
      );
      await client.query('begin');
      await client.query(`set local role ${role}`);
      await client.query(`set local custody.migration = 'on'`);
      await expect(
        client.query(`delete from ${schema}.events where global_position = 3`),
      ).rejects.toMatchObject(REFUSED);
      await client.query('rollback');
    } finally {
      client.release();
      await db.pool.query(`drop owned by ${role}; drop role ${role}`); // roles are the server's: none left behind
    }
    expect(await eventCount()).toBe(EVENTS_WRITTEN);
  });

  it('preparing again (every start) keeps the guard and the history', async () => {
    await store.migrate();
    await expect(db.pool.query(`delete from ${schema}.events`)).rejects.toMatchObject(REFUSED);
    expect(await eventCount()).toBe(EVENTS_WRITTEN);
  });
});
