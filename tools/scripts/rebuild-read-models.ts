// Rebuilds the ledger's read models from its event store (position 0 to the last event), for an
// operator after a read model was found wrong or a projection fix was deployed:
//   DATABASE_URL=postgres://... npm run -s read-models:rebuild -- --confirm
// One transaction: the projector's checkpoint row is locked first (a running projector waits on
// it, so the service need not be stopped), every read-model table emptied and refilled by
// `rebuildLedgerReadModels`, and the checkpoint set to the last event folded; the projector then
// resumes after it. Readers of the read models wait until the commit (the tables are locked).
// Progress lines go to stderr; the last line on stdout is the result as JSON.
import { PostgresEventStore } from '@custody/event-store';
import {
  READ_MODEL_TABLES,
  rebuildLedgerReadModels,
  type ProjectedEvent,
} from '@custody/ledger-read-models';
import { Pool } from 'pg';
import {
  LEDGER_PROJECTION_NAME,
  projectedPages,
} from '../../apps/ledger/src/read-models/ledger-projector';

/** The flags this script parses (tools/checks/runbooks.spec.ts checks the runbooks against them). */
export const REBUILD_READ_MODELS_FLAGS = ['--confirm'] as const;
/** The ledger service's schema (its event store and read models). */
export const LEDGER_SCHEMA = 'ledger';
/** A progress line after at least this many more events. */
export const PROGRESS_EVERY_EVENTS = 100_000;
/** Exit code when the arguments or the environment are not what the script needs. */
export const EXIT_CODE_USAGE = 2;

export interface RebuildResult {
  readonly schema: string;
  readonly events: number;
  readonly lines: number;
  /** The projector's checkpoint before the rebuild. */
  readonly previousCheckpoint: string;
  /** The projector's checkpoint now: the last ledger event folded. */
  readonly checkpoint: string;
  readonly seconds: number;
}

class UsageError extends Error {}

function parseArguments(argv: readonly string[]): { readonly confirm: boolean } {
  const unknown = argv.filter(
    (argument) => !(REBUILD_READ_MODELS_FLAGS as readonly string[]).includes(argument),
  );
  if (unknown.length > 0)
    throw new UsageError(
      `unknown argument ${unknown.join(' ')}; usage: npm run -s read-models:rebuild -- --confirm`,
    );
  return { confirm: argv.includes('--confirm') };
}

async function* counted(
  pages: AsyncIterable<readonly ProjectedEvent[]>,
  progress: (line: string) => void,
): AsyncGenerator<readonly ProjectedEvent[]> {
  let events = 0;
  let reported = 0;
  for await (const page of pages) {
    events += page.length;
    if (events - reported >= PROGRESS_EVERY_EVENTS) {
      reported = events;
      progress(
        `${events} ledger events folded (position ${String(page.at(-1)?.globalPosition ?? 0n)})`,
      );
    }
    yield page;
  }
}

/** The rebuild itself, in one transaction of the store (the scan reads on a second connection of the pool). */
export async function rebuildLedger(
  pool: Pool,
  progress: (line: string) => void,
): Promise<RebuildResult> {
  const started = Date.now();
  const store = new PostgresEventStore({ pool, schema: LEDGER_SCHEMA });
  const needed = [...READ_MODEL_TABLES, 'events', 'subscription_checkpoints'];
  const found = await pool.query<{ name: string; present: boolean }>(
    "select name, to_regclass($1 || '.' || name) is not null as present from unnest($2::text[]) as name",
    [LEDGER_SCHEMA, needed],
  );
  const missing = found.rows.filter((row) => !row.present).map((row) => row.name);
  if (missing.length > 0)
    throw new UsageError(
      `schema '${LEDGER_SCHEMA}' has no ${missing.join(', ')}: start the ledger service once (it prepares its schema), then run this again`,
    );
  return store.withTransaction(async ({ client }) => {
    const table = `${LEDGER_SCHEMA}.subscription_checkpoints`;
    await client.query(
      `insert into ${table} (subscription_name, global_position, updated_at) values ($1, 0, now()) on conflict (subscription_name) do nothing`,
      [LEDGER_PROJECTION_NAME],
    );
    const locked = await client.query<{ global_position: string }>(
      `select global_position from ${table} where subscription_name = $1 for update`,
      [LEDGER_PROJECTION_NAME],
    );
    const previousCheckpoint = locked.rows[0]?.global_position ?? '0';
    progress(
      `checkpoint '${LEDGER_PROJECTION_NAME}' locked at ${previousCheckpoint}; emptying and rebuilding ${READ_MODEL_TABLES.join(', ')} in schema ${LEDGER_SCHEMA}`,
    );
    const result = await rebuildLedgerReadModels(
      client,
      LEDGER_SCHEMA,
      counted(projectedPages(store), progress),
    );
    await client.query(
      `update ${table} set global_position = $2, updated_at = now() where subscription_name = $1`,
      [LEDGER_PROJECTION_NAME, result.lastPosition.toString()],
    );
    progress(
      `${result.events} ledger events folded into ${result.lines} statement lines; checkpoint set to ${result.lastPosition}; committing`,
    );
    return {
      schema: LEDGER_SCHEMA,
      events: result.events,
      lines: result.lines,
      previousCheckpoint,
      checkpoint: result.lastPosition.toString(),
      seconds: (Date.now() - started) / 1000,
    };
  });
}

async function main(): Promise<void> {
  const { confirm } = parseArguments(process.argv.slice(2));
  if (!confirm) {
    throw new UsageError(
      `refusing without --confirm: this empties every ledger read model (${READ_MODEL_TABLES.join(', ')}) in schema '${LEDGER_SCHEMA}' and rebuilds them from the event store in one transaction; balance and statement reads wait until it commits. Run again with --confirm`,
    );
  }
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '')
    throw new UsageError("DATABASE_URL is not set (the ledger service's PostgreSQL URL)");
  const pool = new Pool({
    connectionString: url,
    max: 2,
    application_name: 'custody-read-models-rebuild',
  });
  // a lost connection fails the rebuild's transaction (reported below), never an unhandled 'error' event
  const lost = (error: Error) =>
    process.stderr.write(`[read-models:rebuild] database connection lost: ${error.message}\n`);
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  try {
    const result = await rebuildLedger(pool, (line) =>
      process.stderr.write(`[read-models:rebuild] ${line}\n`),
    );
    process.stderr.write(`[read-models:rebuild] done in ${result.seconds} s\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`read-models:rebuild: ${error.message}\n`);
    process.exit(error instanceof UsageError ? EXIT_CODE_USAGE : 1);
  });
}
