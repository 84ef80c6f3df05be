import {
  grantServiceRole,
  schemaOwnedByAnother,
  type PostgresEventStore,
  type Queryable,
} from '@custody/event-store';
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

export interface DatabaseReadinessOptions {
  /**
   * A serving service in production (NODE_ENV=production, not a migration run): refuse to become
   * ready as a superuser or as a role that owns the schema or one of its tables (itself or through
   * a role it may SET ROLE to). Either could drop the history guard or turn the migration setting
   * on and rewrite history; a service runs as its own role, granted by the migration run.
   */
  readonly refuseOwnerOrSuperuser?: boolean;
}

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
  /** Why the service refuses to serve for good (options.refuseOwnerOrSuperuser); undefined while it does not. */
  private refusal: string | undefined;
  private markRefused: (reason: string) => void = () => undefined;
  /** Resolves with the reason once the service refuses to serve for good (its role may rewrite history): the host exits. */
  readonly refused: Promise<string> = new Promise((resolve) => (this.markRefused = resolve));

  constructor(
    private readonly store: PostgresEventStore,
    private readonly logger: Logger,
    /** A migration run (MIGRATE_ONLY): the preparations run, what waits on them (the service's work) never starts. */
    private readonly migrateOnly = false,
    /** A migration run's service role (ServiceConfig.databaseServiceRole): granted its privileges once every preparation is done. */
    private readonly serviceRole?: string,
    private readonly options: DatabaseReadinessOptions = {},
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
      const done = await retryUntilDone(
        () => this.runPreparation(name, step),
        this.stopping.signal,
        (error, attempt) =>
          this.logger.warn(
            { step: name, error: (error as Error).message, attempt },
            'preparation failed; will retry',
          ),
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
      if (!this.preparedByOwner || (error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE)
        throw error;
      this.logger.info(
        { step: name, schema: this.store.schema },
        "the schema is the migration role's: prepared by its migration run",
      );
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
      this.logger.info(
        { schema: this.store.schema, role: this.serviceRole },
        "granted the service's role its privileges",
      );
      return report;
    } catch (error) {
      return {
        ready: false,
        reason: `granting ${this.serviceRole} failed: ${(error as Error).message}`,
      };
    }
  }

  /** From now on not ready (for good): the service is shutting down. */
  beginDraining(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessReport> {
    if (this.refusal !== undefined) return { ready: false, reason: this.refusal };
    if (this.draining) return { ready: false, reason: 'draining: the service is shutting down' };
    if (!this.migrated)
      return {
        ready: false,
        reason: 'database schema not prepared yet (database unreachable at start?)',
      };
    if (this.pending.size > 0)
      return { ready: false, reason: `not prepared yet: ${[...this.pending].join(', ')}` };
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
      if (await this.refusedAsOwnerOrSuperuser()) return; // before any DDL, and again once the schema exists
      await this.store.migrate();
      if (await this.refusedAsOwnerOrSuperuser()) return;
      this.preparedByOwner = await schemaOwnedByAnother(this.store.pool, this.store.schema);
      this.migrated = true;
      this.markMigrated();
      this.logger.info({ schema: this.store.schema }, 'event store schema ready');
    } catch (error) {
      this.logger.warn(
        { error: (error as Error).message, retryInMs: nextDelayMs },
        'database not reachable; will retry',
      );
      this.retryTimer = setTimeout(
        () => void this.tryMigrate(Math.min(nextDelayMs * 2, MIGRATE_RETRY_DELAY_MS_MAX)),
        nextDelayMs,
      );
    }
  }

  /** options.refuseOwnerOrSuperuser: true (and the service stopped for good) when the connected role may rewrite history. */
  private async refusedAsOwnerOrSuperuser(): Promise<boolean> {
    if (this.options.refuseOwnerOrSuperuser !== true) return false;
    const reason = await servingRoleRefusal(this.store.pool, this.store.schema);
    if (reason === undefined) return false;
    this.refusal = reason;
    this.stop();
    this.logger.error(
      { schema: this.store.schema, reason },
      'refusing to serve: the database role may rewrite history',
    );
    this.markRefused(reason);
    return true;
  }
}

/**
 * Why the connected role must not serve (undefined: it may): a superuser, or a role that owns the
 * schema or a table in it, or may SET ROLE to its owner (pg_has_role MEMBER: a NOLOGIN group role
 * owning the schemas counts as its members'). A schema not created yet is owned by nobody.
 */
export async function servingRoleRefusal(
  db: Queryable,
  schema: string,
): Promise<string | undefined> {
  const { rows } = await db.query<{
    role: string;
    superuser: boolean;
    owns_schema: boolean;
    owns_table: boolean;
  }>(
    `select current_user as role, r.rolsuper as superuser,
            exists (select from pg_catalog.pg_namespace n where n.nspname = $1 and pg_catalog.pg_has_role(current_user, n.nspowner, 'MEMBER')) as owns_schema,
            exists (select from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = $1 and pg_catalog.pg_has_role(current_user, c.relowner, 'MEMBER')) as owns_table
       from pg_catalog.pg_roles r where r.rolname = current_user`,
    [schema],
  );
  const row = rows[0];
  if (row === undefined) throw new Error('assertion failed: current_user is not in pg_roles');
  const advice =
    'with NODE_ENV=production a service connects as its own role (DATABASE_URL), granted by its migration run (DATABASE_MIGRATION_URL, the owner)';
  if (row.superuser) return `the database role ${row.role} is a superuser: ${advice}`;
  if (row.owns_schema)
    return `the database role ${row.role} owns the schema ${schema} (or may SET ROLE to its owner): ${advice}`;
  if (row.owns_table)
    return `the database role ${row.role} owns a table of the schema ${schema} (or may SET ROLE to its owner): ${advice}`;
  return undefined;
}
