import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { TestDatabase } from './postgres';

/** Most connections a pool of a throwaway role opens. */
const ROLE_POOL_MAX = 2;

/**
 * PostgreSQL roles of one test, named apart from every other test's (roles are the server's, not a
 * database's), with pools connected as them; `drop()` ends the pools and drops the roles and what
 * they own in the test's database (call it before dropping the database).
 */
export function throwawayRoles(db: () => TestDatabase) {
  const suffix = randomBytes(4).toString('hex');
  const pools: Pool[] = [];
  const named = new Set<string>();
  const role = (name: string): string => {
    const full = `custody_test_${suffix}_${name}`;
    named.add(full);
    return full;
  };
  const poolAs = (user: string): Pool => {
    const url = new URL(db().url);
    url.username = user;
    const pool = new Pool({ connectionString: url.toString(), max: ROLE_POOL_MAX });
    pools.push(pool);
    return pool;
  };
  const drop = async (): Promise<void> => {
    for (const pool of pools.splice(0)) await pool.end();
    for (const full of named)
      await db()
        .pool.query(`drop owned by ${full}; drop role if exists ${full}`)
        .catch(() => undefined);
  };
  return { role, poolAs, drop };
}
