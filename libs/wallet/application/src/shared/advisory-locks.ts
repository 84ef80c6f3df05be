import type { Pool } from 'pg';

/** `work` while holding a PostgreSQL session lock named `name` (waits for it; bounded by the pool's statement timeout). */
export async function exclusively<T>(pool: Pool, name: string, work: () => Promise<T>): Promise<T> {
  const holder = await pool.connect();
  try {
    await holder.query('select pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await work();
    } finally {
      await holder.query('select pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    holder.release();
  }
}

/** `work` if the session lock `name` is free now, else `undefined` (another process holds it). */
export async function ifFree<T>(
  pool: Pool,
  name: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const holder = await pool.connect();
  try {
    const { rows } = await holder.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtext($1)) as locked',
      [name],
    );
    if (rows[0]?.locked !== true) return undefined;
    try {
      return await work();
    } finally {
      await holder.query('select pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    holder.release();
  }
}

/** The lock serialising every registration or rotation that generates one key id (the key is generated once). */
export function walletKeyLockName(schema: string, keyId: string): string {
  return `custody.wallet-key.${schema}.${keyId}`;
}

/** The lock serialising every proof of one address (a session lock here, a transaction lock in the chain processor: they conflict). */
export function addressLockName(schema: string, chain: string, address: string): string {
  return `custody.allow-list-address.${schema}.${chain}.${address.toLowerCase()}`;
}

/** The PostgreSQL advisory lock (by `hashtext`) that serialises processor rounds of one chain in one wallet schema. */
export function processorLockName(schema: string, chain: string): string {
  return `custody.wallet-processor.${schema}.${chain}`;
}
