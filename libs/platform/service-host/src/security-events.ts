import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '@custody/auth';
import { httpIdentifierSchema } from '@custody/contracts';
import { guardHistory, withSchemaDdl } from '@custody/event-store';
import type { Logger, ServiceMetrics } from '@custody/observability';
import { Counter } from 'prom-client';
import type { Pool } from 'pg';
import { RateLimitedWarning } from './resilience';
import { DATABASE_POOL, SERVICE_CONFIG } from './tokens';
import type { ServiceConfig } from './config';
import { z } from 'zod/v4';
import { parseInput, positionText } from './http-input';

/** Stable values of the access log's `securityEvent` field (HK-22). Never rename or reuse. */
export type SecurityEvent = 'AUTHENTICATION_FAILED' | 'ACCESS_DENIED' | 'CLIENT_DATA_READ';

/** Events waiting to be written; beyond this (the database away under a flood of 401s) the newest are dropped, counted and logged. */
export const SECURITY_EVENTS_QUEUE_MAX = 10_000;
/** Events written in one INSERT. */
export const SECURITY_EVENTS_BATCH_MAX = 500;
/** How often the queue is written. */
export const SECURITY_EVENTS_FLUSH_MS = 200;
export const SECURITY_EVENTS_PAGE_DEFAULT = 100;
export const SECURITY_EVENTS_PAGE_MAX = 1_000;
const SECURITY_EVENT_NAMES: readonly SecurityEvent[] = [
  'AUTHENTICATION_FAILED',
  'ACCESS_DENIED',
  'CLIENT_DATA_READ',
];

/** One security event as the access log has it (HK-22): who, from where, what, and the answer. */
export interface SecurityEventRecord {
  readonly at: Date;
  readonly event: SecurityEvent;
  readonly requestId: string;
  readonly callerId: string | null;
  readonly roles: readonly string[];
  readonly clientAddress: string | null;
  readonly method: string;
  readonly route: string;
  readonly pathIds: Readonly<Record<string, string>>;
  readonly statusCode: number;
  readonly clientId: string | null;
}

/**
 * The service's security events table: append-only history like its events (the history guard),
 * so no service role, and no owner outside a migration, can take a read of client data back.
 */
export async function migrateSecurityEvents(pool: Pool, schema: string): Promise<void> {
  await withSchemaDdl(pool, schema, async (client) => {
    await client.query(`create table if not exists ${schema}.security_events (
      position bigint generated always as identity primary key,
      at timestamptz(3) not null,
      event text not null,
      request_id text not null,
      caller_id text,
      roles text[] not null,
      client_address text,
      method text not null,
      route text not null,
      path_ids jsonb not null,
      status_code integer not null,
      client_id text
    );
    create index if not exists security_events_at on ${schema}.security_events (at)`);
    await guardHistory(client, schema, 'security_events');
  });
}

/**
 * Writes the security events of the access log to the service's database, off the request's path:
 * queued, written in batches, retried while the database is away. The log line stays the first
 * record; this one is what auditors query (GET /v1/security-events) for as long as records are kept.
 */
export class SecurityEventRecorder {
  private readonly queue: SecurityEventRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly dropped: Counter | undefined;
  private readonly warning: RateLimitedWarning;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.warning = new RateLimitedWarning(logger);
    this.dropped =
      metrics === undefined
        ? undefined
        : new Counter({
            name: 'custody_security_events_dropped_total',
            help: 'Security events not written to the database because its queue was full (they are still in the access log).',
            registers: [metrics.registry],
          });
  }

  record(event: SecurityEventRecord): void {
    if (this.queue.length >= SECURITY_EVENTS_QUEUE_MAX) {
      this.dropped?.inc();
      this.warning.warn(
        { event: event.event, requestId: event.requestId },
        'security events: queue full, an event is only in the access log',
      );
      return;
    }
    this.queue.push(event);
    this.scheduleFlush();
  }

  /** One flush in SECURITY_EVENTS_FLUSH_MS (after the one running), unless one is already due. */
  private scheduleFlush(): void {
    if (this.stopped) return; // at shutdown: what is left is in the access log, and nothing keeps the process alive
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, SECURITY_EVENTS_FLUSH_MS);
  }

  /** Writes what is queued (in the order it came); what fails stays queued for the next round. */
  async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, SECURITY_EVENTS_BATCH_MAX);
      try {
        await this.pool.query(
          `insert into ${this.schema}.security_events (at, event, request_id, caller_id, roles, client_address, method, route, path_ids, status_code, client_id)
             select at, event, request_id, caller_id, array(select jsonb_array_elements_text(roles)), client_address, method, route, path_ids, status_code, client_id
               from jsonb_to_recordset($1::jsonb) as e (at timestamptz, event text, request_id text, caller_id text, roles jsonb, client_address text, method text, route text, path_ids jsonb, status_code integer, client_id text)`,
          [
            JSON.stringify(
              batch.map((event) => ({
                at: event.at.toISOString(),
                event: event.event,
                request_id: event.requestId,
                caller_id: event.callerId,
                roles: event.roles,
                client_address: event.clientAddress,
                method: event.method,
                route: event.route,
                path_ids: event.pathIds,
                status_code: event.statusCode,
                client_id: event.clientId,
              })),
            ),
          ],
        );
        this.queue.splice(0, batch.length);
      } catch (error) {
        this.warning.warn(
          { error: (error as Error).message, queued: this.queue.length },
          'security events: not written yet; retrying',
        );
        this.scheduleFlush();
        return;
      }
    }
  }

  /** Writes what is left (at shutdown, before the pool closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }
}

/** What an auditor may ask of the security events: a page after a position, by event, client and time. */
const SECURITY_EVENTS_QUERY = z.strictObject({
  after: positionText.optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .transform(Number)
    .pipe(z.int().max(SECURITY_EVENTS_PAGE_MAX))
    .optional(),
  event: z.enum(SECURITY_EVENT_NAMES as [SecurityEvent, ...SecurityEvent[]]).optional(),
  clientId: httpIdentifierSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** The token of the service's recorder (null in a migration run, which serves nothing). */
export const SECURITY_EVENT_RECORDER = Symbol('SECURITY_EVENT_RECORDER');

/**
 * The service's security events for auditors (HK-22): 401s, 403s and staff reads of a client's
 * data, with who asked, from where, and the answer; paged by position, filtered by event, client
 * and time.
 */
@Controller('v1/security-events')
@Roles('auditor')
export class SecurityEventsController {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Get()
  async page(@Query() raw: Record<string, unknown>) {
    const query = parseInput(SECURITY_EVENTS_QUERY, raw, 'query');
    const limit = query.limit ?? SECURITY_EVENTS_PAGE_DEFAULT;
    const { rows } = await this.pool.query<{
      position: string;
      at: Date;
      event: string;
      request_id: string;
      caller_id: string | null;
      roles: string[];
      client_address: string | null;
      method: string;
      route: string;
      path_ids: Record<string, string>;
      status_code: number;
      client_id: string | null;
    }>(
      `select position::text as position, at, event, request_id, caller_id, roles, client_address, method, route, path_ids, status_code, client_id
         from ${this.config.databaseSchema}.security_events
        where position > $1 and ($2::text is null or event = $2) and ($3::text is null or client_id = $3)
          and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)
        order by position limit $6`,
      [
        (query.after ?? 0n).toString(),
        query.event ?? null,
        query.clientId ?? null,
        query.from ?? null,
        query.to ?? null,
        limit,
      ],
    );
    const last = rows.at(-1);
    return {
      events: rows.map((row) => ({
        position: row.position,
        at: row.at.toISOString(),
        event: row.event,
        requestId: row.request_id,
        callerId: row.caller_id,
        roles: row.roles,
        clientAddress: row.client_address,
        method: row.method,
        route: row.route,
        pathIds: row.path_ids,
        statusCode: row.status_code,
        clientId: row.client_id,
      })),
      next: rows.length === limit && last !== undefined ? { after: last.position } : null,
    };
  }
}
