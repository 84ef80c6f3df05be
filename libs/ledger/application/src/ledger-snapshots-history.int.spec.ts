import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import {
  HISTORY_CHANGE_REFUSED,
  HISTORY_CHANGE_REFUSED_SQLSTATE,
  MIGRATION_SETTING,
  PostgresEventStore,
} from '@custody/event-store';
import type { AssetDecimals } from '@custody/ledger-domain';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { SNAPSHOT_TABLE } from './client-books/client-snapshots';
import { LedgerCommandHandler } from './ledger-command-handler';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const REFUSED = {
  code: HISTORY_CHANGE_REFUSED_SQLSTATE,
  message: expect.stringContaining(HISTORY_CHANGE_REFUSED),
};

/**
 * Issue 22 (4): a client's snapshot is trusted as the starting books of its next command, so it
 * is history like the events: inserted, never changed. The guard refuses UPDATE, DELETE and
 * TRUNCATE to everyone, the owner included, unless the owner's transaction is a migration.
 */
describe("the ledger's client snapshots are append-only (PostgreSQL)", () => {
  let db: TestDatabase;
  const table = `ledger.${SNAPSHOT_TABLE}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await store.migrate();
    const handler = new LedgerCommandHandler(store, decimals);
    await handler.migrate();
    await handler.migrate(); // every start: idempotent
    await db.pool.query(
      `insert into ${table} (client_id, stream_version, global_position, books) values ('alice', 3, 3, '{"posted":"100"}')`,
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each([
    [
      'UPDATE of a snapshot (richer starting books)',
      `update ledger.${SNAPSHOT_TABLE} set books = '{"posted":"9999999"}'`,
    ],
    ['DELETE of a snapshot', `delete from ledger.${SNAPSHOT_TABLE}`],
    ['TRUNCATE of the snapshots', `truncate ledger.${SNAPSHOT_TABLE}`],
  ])(
    '%s as the owner outside a migration is refused with HISTORY_APPEND_ONLY',
    async (_change, statement) => {
      await expect(db.pool.query(statement)).rejects.toMatchObject(REFUSED);
      expect((await db.pool.query(`select books from ${table}`)).rows).toEqual([
        { books: { posted: '100' } },
      ]);
    },
  );

  it('the owner in a migration (custody.migration on) may still change it', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local ${MIGRATION_SETTING} = 'on'`);
      await client.query(`update ${table} set global_position = 3`);
      await client.query('rollback');
    } finally {
      client.release();
    }
  });
});
