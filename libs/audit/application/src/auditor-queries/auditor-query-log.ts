import type { AuditContext } from '../shared/audit-context';

/** Every auditor query is itself recorded (HK-22): who asked what, when. */
export class AuditorQueryLog {
  constructor(private readonly context: AuditContext) {}

  async record(caller: string, query: string): Promise<void> {
    await this.context.store.pool.query(
      `insert into ${this.context.schema}.audit_queries (caller, query) values ($1, $2)`,
      [caller, query.slice(0, 2_000)],
    );
  }
}
