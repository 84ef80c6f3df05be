import { withSchemaDdl, type AfterAppend, type Transaction } from '@custody/event-store';
import type { Pool } from 'pg';

/**
 * A write-side lookup table of the wallet service: its DDL and the writer that keeps it in step
 * with one stream in the append's own transaction. Rebuildable from the streams; it answers
 * "which stream?" questions, and every decision still reads its stream.
 */
export interface LookupTable<S, E> {
  readonly name: string;
  /** Idempotent: `create ... if not exists`, constraints replaced in place. */
  ddl(schema: string): string;
  write(schema: string, events: readonly E[], state: S, transaction: Transaction): Promise<void>;
}

/** The append hook that keeps `table` in step with the stream appended to. */
export function keptInStep<S, E>(table: LookupTable<S, E>, schema: string): AfterAppend<S, E> {
  return (events, state, transaction) => table.write(schema, events, state, transaction);
}

/** Creates (or brings up to date) the tables, in order, under the schema's DDL lock. */
export async function migrateLookupTables(
  pool: Pool,
  schema: string,
  tables: readonly { ddl(schema: string): string }[],
): Promise<void> {
  await withSchemaDdl(pool, schema, async (client) => {
    await client.query(tables.map((table) => table.ddl(schema)).join('\n'));
  });
}

/** The append hook that keeps several tables in step with one stream, in order. */
export function keptAllInStep<S, E>(
  tables: readonly LookupTable<S, E>[],
  schema: string,
): AfterAppend<S, E> {
  return async (events, state, transaction) => {
    for (const table of tables) await table.write(schema, events, state, transaction);
  };
}
