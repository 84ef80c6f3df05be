import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

/** Server the tests use; the machine's local PostgreSQL with trust auth unless told otherwise. */
export const TEST_POSTGRES_ADMIN_URL =
  process.env['TEST_POSTGRES_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEST_POOL_CONNECTIONS_MAX = 20;
const DROP_WAIT_MS_MAX = 5_000;
const DROP_POLL_MS = 20;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file: nothing leaks between files or runs. */
export async function createTestDatabase(prefix = 'custody_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${name}`));
  const url = databaseUrl(name);
  const pool = new Pool({ connectionString: url, max: TEST_POOL_CONNECTIONS_MAX });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await withAdmin(async (admin) => {
        // pool.end() resolves before the server has closed every backend; forcing the drop
        // then would kill connections still closing and surface as an unhandled client error.
        await waitForConnectionsClosed(admin, name);
        await admin.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function waitForConnectionsClosed(admin: Client, name: string): Promise<void> {
  for (let waitedMs = 0; waitedMs < DROP_WAIT_MS_MAX; waitedMs += DROP_POLL_MS) {
    const result = await admin.query<{ count: string }>(
      'select count(*) from pg_stat_activity where datname = $1',
      [name],
    );
    if (result.rows[0]?.count === '0') return;
    await new Promise((resolve) => setTimeout(resolve, DROP_POLL_MS));
  }
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
