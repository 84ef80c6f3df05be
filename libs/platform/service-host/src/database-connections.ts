import type { Logger } from '@custody/observability';
import type { Pool, PoolClient } from 'pg';
import { RateLimitedWarning } from './resilience';

/**
 * Gives every connection of `pool` an error listener, idle or checked out (pg-pool listens to
 * its idle connections only, and passes their errors to the pool's own 'error' event): PostgreSQL
 * ending a session (57P01 at its shutdown or restart, a network fault) is a warning, logged at
 * most once per WARNING_LOG_INTERVAL_MS, never an unhandled 'error' event that ends the process.
 * The pool discards the broken connection and opens a new one when next asked; a query on it
 * fails with the error, retried by its caller where the caller retries (consumers, relays,
 * schedules).
 */
export function watchPoolConnections(pool: Pool, logger: Logger): Pool {
  const warning = new RateLimitedWarning(logger);
  const lost = (error: Error) =>
    warning.warn(
      { error: error.message, code: (error as { code?: unknown }).code },
      'database connection lost (the pool opens a new one when next needed)',
    );
  pool.on('error', lost);
  pool.on('connect', (client: PoolClient) => client.on('error', lost));
  return pool;
}
