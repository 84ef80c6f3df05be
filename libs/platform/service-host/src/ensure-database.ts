import { Client } from 'pg';

/** A database name we create: a plain identifier, so it needs no quoting. */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the database named in `databaseUrl` when it does not exist yet (development start-up:
 * `npm start`, the all-in-one runner), connecting to the server's `postgres` database with the
 * same credentials. True when it created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!DATABASE_NAME.test(name))
    throw new Error(`database name '${name}' must be a plain identifier`);
  const admin = new URL(url.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  // a connection lost meanwhile fails the query in flight or the next one: the caller sees that error
  client.on('error', () => undefined);
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount !== 0) return false;
    await client.query(`create database ${name}`);
    return true;
  } finally {
    await client.end();
  }
}
