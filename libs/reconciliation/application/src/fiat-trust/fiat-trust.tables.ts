import { guardHistory } from '@custody/event-store';
import type { PoolClient } from 'pg';
import { fiatMovementsDdl } from './fiat-movements.table';
import { fiatRunLinesDdl } from './fiat-run-lines.table';
import { FIAT_TRUST_HISTORY_TABLES, trustStatementsDdl } from './trust-statements.table';

/**
 * The fiat trust slice's tables, each declared beside what writes it: the movements received, the
 * statements with their lines and approvals, the runs' lines. Idempotent.
 */
export async function migrateFiatTrustTables(client: PoolClient, schema: string): Promise<void> {
  await client.query(
    `${fiatMovementsDdl(schema)}${trustStatementsDdl(schema)}${fiatRunLinesDdl(schema)}`,
  );
  // what a run counts (an approved statement's opening balance, its lines, its approval by a second person) is only ever inserted:
  // history, so the service's role cannot approve a statement alone or rewrite its lines afterwards
  for (const table of FIAT_TRUST_HISTORY_TABLES) await guardHistory(client, schema, table);
}
