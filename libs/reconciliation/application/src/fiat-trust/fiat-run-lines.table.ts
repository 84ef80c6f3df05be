import type { PoolClient } from 'pg';
import { FIAT_LINES_PER_INSERT } from './trust-statements.table';

/** A fiat run's per-client lines: what each client is owed and what the run counted. */
export const fiatRunLinesDdl = (schema: string): string => `
      create table if not exists ${schema}.recon_fiat_lines (
        run_id text not null,
        client_id text not null,
        balance_minor numeric(78, 0) not null,
        counted_minor numeric(78, 0) not null,
        primary key (run_id, client_id)
      );`;

/** The run's lines, in the run's transaction. */
export async function recordFiatRunLines(
  schema: string,
  runId: string,
  lines: readonly {
    readonly clientId: string;
    readonly balanceMinor: bigint;
    readonly countedMinor: bigint;
  }[],
  client: PoolClient,
): Promise<void> {
  for (let start = 0; start < lines.length; start += FIAT_LINES_PER_INSERT) {
    const chunk = lines.slice(start, start + FIAT_LINES_PER_INSERT);
    await client.query(
      `insert into ${schema}.recon_fiat_lines (run_id, client_id, balance_minor, counted_minor) select $1, * from unnest($2::text[], $3::numeric[], $4::numeric[])`,
      [
        runId,
        chunk.map((line) => line.clientId),
        chunk.map((line) => line.balanceMinor.toString()),
        chunk.map((line) => line.countedMinor.toString()),
      ],
    );
  }
}
