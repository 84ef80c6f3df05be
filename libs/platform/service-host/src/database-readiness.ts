import { grantServiceRole, schemaOwnedByAnother, type PostgresEventStore } from '@custody/event-store';
import type { Logger } from '@custody/observability';
import { retryUntilDone, withTimeout } from './resilience';

export const READY_CHECK_TIMEOUT_MS = 2_000;
export const MIGRATE_RETRY_DELAY_MS_MIN = 250;
export const MIGRATE_RETRY_DELAY_MS_MAX = 10_000;

/** How often a migration run looks whether every preparation is done. */
const MIGRATED_POLL_MS = 200;
/** SQLSTATE insufficient_privilege: what the service's own role gets for DDL on a schema it does not own. */
const INSUFFICIENT_PRIVILEGE = '42501';

export type ReadinessReport = { ready: true } | { ready: false; reason: string };

/**
 * The service starts even when PostgreSQL is down: it keeps trying to prepare its schema and
 * reports not-ready until it has, and afterwards whenever a probe query fails.
 */
export class DatabaseReadiness {
  private migrated = false;
  /** The service runs as its own role on a schema the migration role owns and prepared: its DDL is not its business. */
  private preparedByOwner = false;
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
    /** A migration run's service role (ServiceConfig.databaseServiceRole): granted its privileges once every preparation is done. */
    private readonly serviceRole?: string,
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
      const done = await retryUntilDone(() => this.runPreparation(name, step), this.stopping.signal, (error, attempt) =>
        this.logger.warn({ step: name, error: (error as Error).message, attempt }, 'preparation failed; will retry'),
      );
      if (!done) return;
      this.pending.delete(name);
      this.logger.info({ step: name }, 'prepared');
    });
    // in a migration run the caller's continuation (projector, schedules, consumers) must not start
    return this.migrateOnly ? prepared.then(() => new Promise<void>(() => undefined)) : prepared;
  }

  /**
   * Run as the service's own role on a schema the migration role owns, a preparation's DDL is
   * refused (insufficient privilege) and was the migration run's: the step counts as done. What
   * the step does before its DDL (a data source's initialisation) has happened.
   */
  private async runPreparation(name: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!this.preparedByOwner || (error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      this.logger.info({ step: name, schema: this.store.schema }, 'the schema is the migration role\'s: prepared by its migration run');
    }
  }

  /**
   * A migration run: waits until every preparation is done (at most `timeoutMs`), then grants
   * the service's role (when the run names one) what it needs of the schema.
   */
  async whenMigrated(timeoutMs: number): Promise<ReadinessReport> {
    const deadline = Date.now() + timeoutMs;
    let report = await this.check();
    while (!report.ready && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, MIGRATED_POLL_MS));
      report = await this.check();
    }
    if (!report.ready || this.serviceRole === undefined) return report;
    try {
      await grantServiceRole(this.store.pool, this.store.schema, this.serviceRole);
      this.logger.info({ schema: this.store.schema, role: this.serviceRole }, 'granted the service\'s role its privileges');
      return report;
    } catch (error) {
      return { ready: false, reason: `granting ${this.serviceRole} failed: ${(error as Error).message}` };
    }
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
      this.preparedByOwner = await schemaOwnedByAnother(this.store.pool, this.store.schema);
      this.migrated = true;
      this.markMigrated();
      this.logger.info({ schema: this.store.schema }, 'event store schema ready');
    } catch (error) {
      this.logger.warn({ error: (error as Error).message, retryInMs: nextDelayMs }, 'database not reachable; will retry');
      this.retryTimer = setTimeout(() => void this.tryMigrate(Math.min(nextDelayMs * 2, MIGRATE_RETRY_DELAY_MS_MAX)), nextDelayMs);
    }
  }
}
