// Creates the database named in DATABASE_URL when it does not exist yet (development start-up).
import { Client } from 'pg';

async function main(): Promise<void> {
  const url = new URL(process.env['DATABASE_URL'] ?? '');
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name '${name}' must be a plain identifier`);
  const admin = new URL(url.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`create database ${name}`);
      process.stderr.write(`[custody] created database ${name}\n`);
    }
  } finally {
    await client.end();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`[custody] cannot prepare the database: ${error.message}\n`);
  process.exit(1);
});
