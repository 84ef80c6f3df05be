import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

/** Server the tests use; the machine's local PostgreSQL with trust auth unless told otherwise. */
export const TEST_POSTGRES_ADMIN_URL = process.env['TEST_POSTGRES_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEST_POOL_CONNECTIONS_MAX = 20;

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
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
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
