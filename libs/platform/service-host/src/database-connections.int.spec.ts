import { Writable } from 'node:stream';
import { Pool } from 'pg';
import { createLogger } from '@custody/observability';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { watchPoolConnections } from './database-connections';

/** The pool's application_name: the test ends its sessions by it. */
const APPLICATION = 'watched-pool-test';
const POOL_MAX = 3;

/**
 * Issue 26 part 1: PostgreSQL ends a pool's sessions (57P01 "terminating connection due to
 * administrator command": its fast shutdown at a Ctrl-C, a restart, pg_terminate_backend). A
 * connection its user holds between queries (an advisory lock's holder, a LISTEN) emits 'error'
 * on itself, which pg-pool does not listen to: without a listener the process ends with
 * "Unhandled 'error' event". Every connection is watched: both losses are one warning (rate
 * limited), the process carries on, and the pool answers the next query on a new connection.
 */
describe('watchPoolConnections (PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('given a held and an idle connection, when the server ends both, then one warning is logged, nothing crashes, and the pool serves on', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'connections-test',
      'warn',
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const pool = watchPoolConnections(
      new Pool({ connectionString: db.url, max: POOL_MAX, application_name: APPLICATION }),
      logger,
    );
    const held = await pool.connect();
    let released = false;
    try {
      const idle = await pool.connect();
      idle.release();
      // not events.once: it listens to 'error' itself, which would hide what is tested
      const ended = [held, idle].map(
        (client) => new Promise<void>((resolve) => client.once('end', () => resolve())),
      );

      await db.pool.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [APPLICATION],
      );
      await Promise.all(ended);

      const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(warnings).toEqual([
        expect.objectContaining({
          level: 'warn',
          code: '57P01',
          message: 'database connection lost (the pool opens a new one when next needed)',
        }),
      ]);
      held.release();
      released = true;
      const { rows } = await pool.query<{ one: number }>('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      if (!released) held.release();
      await pool.end();
    }
  });
});
