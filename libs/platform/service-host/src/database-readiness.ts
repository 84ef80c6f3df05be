import type { PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import { retryUntilDone, withTimeout } from './resilience';

export const READY_CHECK_TIMEOUT_MS = 2_000;
export const MIGRATE_RETRY_DELAY_MS_MIN = 250;
export const MIGRATE_RETRY_DELAY_MS_MAX = 10_000;

export type ReadinessReport = { ready: true } | { ready: false; reason: string };

/**
 * The service starts even when PostgreSQL is down: it keeps trying to prepare its schema and
 * reports not-ready until it has, and afterwards whenever a probe query fails.
 */
export class DatabaseReadiness {
  private migrated = false;
  private stopped = false;
  /** Set on SIGTERM: the service still serves what reaches it but asks not to be sent more. */
  private draining = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private markMigrated: () => void = () => undefined;
  /** Preparations registered by the service (its own tables, read-model migrations) not done yet. */
  private readonly pending = new Set<string>();
  /** Ends the preparations' retries (and their waits) at once. */
  private readonly stopping = new AbortController();
  /** Resolves once the event store's schema is prepared (never, if the service stops before). */
  readonly migratedOnce: Promise<void> = new Promise((resolve) => (this.markMigrated = resolve));

  constructor(
    private readonly store: PostgresEventStore,
    private readonly logger: Logger,
    /** A migration run (MIGRATE_ONLY): the preparations run, what waits on them (the service's work) never starts. */
    private readonly migrateOnly = false,
  ) {}

  start(): void {
    void this.tryMigrate(MIGRATE_RETRY_DELAY_MS_MIN);
  }

  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
  }

  /**
   * A service's own preparation (its tables, its read-model migrations), run once the event
   * store's schema is ready and retried with a capped backoff until it succeeds or the service
   * stops. The service reports not-ready until every preparation is done. In a migration run the
   * returned promise never settles: what the service chains on it does not start.
   */
  prepare(name: string, step: () => Promise<void>): Promise<void> {
    this.pending.add(name);
    const prepared = this.migratedOnce.then(async () => {
      const done = await retryUntilDone(step, this.stopping.signal, (error, attempt) =>
        this.logger.warn({ step: name, error: (error as Error).message, attempt }, 'preparation failed; will retry'),
      );
      if (!done) return;
      this.pending.delete(name);
      this.logger.info({ step: name }, 'prepared');
    });
    // in a migration run the caller's continuation (projector, schedules, consumers) must not start
    return this.migrateOnly ? prepared.then(() => new Promise<void>(() => undefined)) : prepared;
  }

  /** From now on not ready (for good): the service is shutting down. */
  beginDraining(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessReport> {
    if (this.draining) return { ready: false, reason: 'draining: the service is shutting down' };
    if (!this.migrated) return { ready: false, reason: 'database schema not prepared yet (database unreachable at start?)' };
    if (this.pending.size > 0) return { ready: false, reason: `not prepared yet: ${[...this.pending].join(', ')}` };
    try {
      await withTimeout(this.store.pool.query('select 1'), READY_CHECK_TIMEOUT_MS);
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
    }
  }

  private async tryMigrate(nextDelayMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.store.migrate();
      this.migrated = true;
      this.markMigrated();
      this.logger.info({ schema: this.store.schema }, 'event store schema ready');
    } catch (error) {
      this.logger.warn({ error: (error as Error).message, retryInMs: nextDelayMs }, 'database not reachable; will retry');
      this.retryTimer = setTimeout(() => void this.tryMigrate(Math.min(nextDelayMs * 2, MIGRATE_RETRY_DELAY_MS_MAX)), nextDelayMs);
    }
  }
}
