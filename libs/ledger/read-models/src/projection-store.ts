import { copyTextValue, openCopyIn, type CopyIn, type Queryable } from '@custody/event-store';
import { postedBalance, type Account } from '@custody/ledger-domain';
import type { PoolClient } from 'pg';
import { booksDifference, isHousePurpose } from './books-totals';
import {
  foldLedger,
  holdAccountKeys,
  projectLedger,
  rowsNeeded,
  type AssetTotalRow,
  type BalanceRow,
  type HoldRow,
  type ProjectedEvent,
  type ProjectionResult,
  type ProjectionRows,
  type StatementLine,
} from './projection';

/** A connection that can run a COPY (a pg client, in the caller's transaction). */
export type ProjectionConnection = Queryable & Pick<PoolClient, 'query'>;

export const READ_MODEL_TABLES = [
  'rm_account_balances',
  'rm_statement_lines',
  'rm_asset_totals',
  'rm_withdrawal_holds',
] as const;

function accountOf(kind: string, ownerId: string, asset: string): Account {
  if (kind === 'client') return { kind, clientId: ownerId, asset };
  if (kind === 'custody') return { kind, walletId: ownerId, asset };
  if (kind === 'house' && isHousePurpose(ownerId)) return { kind, purpose: ownerId, asset };
  throw new Error(`assertion: read model holds an unknown account ${kind}/${ownerId}`);
}

function ownerOf(account: Account): string {
  return account.kind === 'client'
    ? account.clientId
    : account.kind === 'custody'
      ? account.walletId
      : account.purpose;
}

/**
 * Applies a batch of ledger events to the read models with the caller's database client (the
 * subscription's transaction: the rows and the checkpoint commit together). Loads only the rows
 * the batch touches (three queries), folds in memory, writes each changed row once.
 */
export async function applyLedgerProjection(
  db: ProjectionConnection,
  schema: string,
  events: readonly ProjectedEvent[],
): Promise<ProjectionResult> {
  const needed = rowsNeeded(events);
  const holds = new Map<string, HoldRow>();
  if (needed.withdrawalIds.size > 0) {
    const result = await db.query<{
      withdrawal_id: string;
      client_id: string;
      asset: string;
      amount_minor: string;
      status: HoldRow['status'];
    }>(
      `select withdrawal_id, client_id, asset, amount_minor::text, status from ${schema}.rm_withdrawal_holds where withdrawal_id = any($1::text[])`,
      [[...needed.withdrawalIds]],
    );
    for (const row of result.rows)
      holds.set(row.withdrawal_id, {
        withdrawalId: row.withdrawal_id,
        clientId: row.client_id,
        asset: row.asset,
        amountMinor: BigInt(row.amount_minor),
        status: row.status,
      });
  }
  for (const key of holdAccountKeys(holds.values())) needed.accountKeys.add(key);
  for (const hold of holds.values()) needed.assets.add(hold.asset);

  const balances = new Map<string, BalanceRow>();
  if (needed.accountKeys.size > 0) {
    const result = await db.query<{
      account_key: string;
      kind: string;
      owner_id: string;
      asset: string;
      dp: string;
      cp: string;
      dpe: string;
      cpe: string;
      last_position: string;
    }>(
      `select account_key, kind, owner_id, asset, debits_posted_minor::text as dp, credits_posted_minor::text as cp,
              debits_pending_minor::text as dpe, credits_pending_minor::text as cpe, last_position
         from ${schema}.rm_account_balances where account_key = any($1::text[])`,
      [[...needed.accountKeys]],
    );
    for (const row of result.rows) {
      const balance = {
        debitsPosted: BigInt(row.dp),
        creditsPosted: BigInt(row.cp),
        debitsPending: BigInt(row.dpe),
        creditsPending: BigInt(row.cpe),
      };
      balances.set(row.account_key, {
        account: accountOf(row.kind, row.owner_id, row.asset),
        balance,
        lastPosition: BigInt(row.last_position),
      });
    }
  }
  const totals = new Map<string, AssetTotalRow>();
  if (needed.assets.size > 0) {
    const result = await db.query<{
      asset: string;
      c: string;
      cf: string;
      h: string;
      cu: string;
      last_position: string;
    }>(
      `select asset, clients_minor::text as c, clients_floored_minor::text as cf, house_minor::text as h, custody_minor::text as cu, last_position
         from ${schema}.rm_asset_totals where asset = any($1::text[])`,
      [[...needed.assets]],
    );
    for (const row of result.rows) {
      totals.set(row.asset, {
        asset: row.asset,
        clientsMinor: BigInt(row.c),
        clientsFlooredMinor: BigInt(row.cf),
        houseMinor: BigInt(row.h),
        custodyMinor: BigInt(row.cu),
        lastPosition: BigInt(row.last_position),
      });
    }
  }

  const projected = projectLedger({ balances, holds, totals }, events);
  await writeProjection(db, schema, projected);
  return projected;
}

async function writeProjection(
  db: ProjectionConnection,
  schema: string,
  projected: ProjectionResult,
): Promise<void> {
  const balanceRows = [...projected.changedBalances].map(
    (key) => projected.balances.get(key) as BalanceRow,
  );
  if (balanceRows.length > 0) {
    const posted = balanceRows.map((row) => postedBalance(row.account, row.balance));
    await db.query(
      `insert into ${schema}.rm_account_balances (account_key, kind, owner_id, asset, debits_posted_minor, credits_posted_minor, debits_pending_minor,
              credits_pending_minor, posted_minor, available_minor, last_position)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[], $11::int8[])
       on conflict (account_key) do update set debits_posted_minor = excluded.debits_posted_minor, credits_posted_minor = excluded.credits_posted_minor,
         debits_pending_minor = excluded.debits_pending_minor, credits_pending_minor = excluded.credits_pending_minor,
         posted_minor = excluded.posted_minor, available_minor = excluded.available_minor, last_position = excluded.last_position`,
      [
        [...projected.changedBalances],
        balanceRows.map((row) => row.account.kind),
        balanceRows.map((row) => ownerOf(row.account)),
        balanceRows.map((row) => row.account.asset),
        balanceRows.map((row) => row.balance.debitsPosted.toString()),
        balanceRows.map((row) => row.balance.creditsPosted.toString()),
        balanceRows.map((row) => row.balance.debitsPending.toString()),
        balanceRows.map((row) => row.balance.creditsPending.toString()),
        posted.map((value) => value.toString()),
        balanceRows.map((row, index) =>
          ((posted[index] as bigint) - row.balance.debitsPending).toString(),
        ),
        balanceRows.map((row) => row.lastPosition.toString()),
      ],
    );
  }
  const holdRows = [...projected.changedHolds].map((id) => projected.holds.get(id) as HoldRow);
  if (holdRows.length > 0) {
    await db.query(
      `insert into ${schema}.rm_withdrawal_holds (withdrawal_id, client_id, asset, amount_minor, status)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[])
       on conflict (withdrawal_id) do update set status = excluded.status`,
      [
        holdRows.map((row) => row.withdrawalId),
        holdRows.map((row) => row.clientId),
        holdRows.map((row) => row.asset),
        holdRows.map((row) => row.amountMinor.toString()),
        holdRows.map((row) => row.status),
      ],
    );
  }
  const totalRows = [...projected.changedTotals].map(
    (asset) => projected.totals.get(asset) as AssetTotalRow,
  );
  if (totalRows.length > 0) {
    await db.query(
      `insert into ${schema}.rm_asset_totals (asset, clients_minor, clients_floored_minor, house_minor, custody_minor, difference_minor, last_position)
       select * from unnest($1::text[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::int8[])
       on conflict (asset) do update set clients_minor = excluded.clients_minor, clients_floored_minor = excluded.clients_floored_minor,
         house_minor = excluded.house_minor, custody_minor = excluded.custody_minor, difference_minor = excluded.difference_minor, last_position = excluded.last_position`,
      [
        totalRows.map((row) => row.asset),
        totalRows.map((row) => row.clientsMinor.toString()),
        totalRows.map((row) => row.clientsFlooredMinor.toString()),
        totalRows.map((row) => row.houseMinor.toString()),
        totalRows.map((row) => row.custodyMinor.toString()),
        totalRows.map((row) => booksDifference(row).toString()),
        totalRows.map((row) => row.lastPosition.toString()),
      ],
    );
  }
  await insertStatementLines(db, schema, projected.lines);
}

/**
 * Every read-model table as text, in primary-key order: two rebuilds from the same history
 * (or the live models and a rebuild from position 0) must give the same bytes.
 */
export async function dumpReadModels(
  db: Queryable,
  schema: string,
): Promise<Record<string, string>> {
  const order: Record<(typeof READ_MODEL_TABLES)[number], string> = {
    rm_account_balances: 'account_key',
    rm_statement_lines: 'client_id, global_position, line',
    rm_asset_totals: 'asset',
    rm_withdrawal_holds: 'withdrawal_id',
  };
  const dump: Record<string, string> = {};
  for (const table of READ_MODEL_TABLES) {
    const result = await db.query<{ row: string }>(
      `select t::text as row from ${schema}.${table} t order by ${order[table]}`,
    );
    dump[table] = result.rows.map((row) => row.row).join('\n');
  }
  return dump;
}

const STATEMENT_LINES_COPY = (schema: string) =>
  `copy ${schema}.rm_statement_lines (client_id, global_position, line, asset, reason, source_reference, amount_minor, pending_change_minor,
     balance_after_minor, available_after_minor, occurred_at) from stdin`;

/** Statement lines as rows of COPY's text format, each ending in a newline. */
function statementLinesCopyText(lines: readonly StatementLine[]): string {
  let text = '';
  for (const line of lines) {
    text += `${copyTextValue(line.clientId)}\t${line.globalPosition}\t${line.line}\t${copyTextValue(line.asset)}\t${line.reason}\t${copyTextValue(line.sourceReference)}\t${line.amountMinor}\t${line.pendingChangeMinor}\t${line.balanceAfterMinor}\t${line.availableAfterMinor}\t${copyTextValue(line.at)}\n`;
  }
  return text;
}

/** Appends statement lines with one COPY (no per-value array encoding). */
async function insertStatementLines(
  db: ProjectionConnection,
  schema: string,
  lines: readonly StatementLine[],
): Promise<void> {
  if (lines.length === 0) return;
  const copy = openCopyIn(db, STATEMENT_LINES_COPY(schema));
  try {
    await copy.write(statementLinesCopyText(lines));
  } catch (error) {
    copy.abort(error as Error);
    throw error;
  }
  await copy.end();
}

/** Statement lines a rebuild hands to its COPY at a time (PostgreSQL ingests them while the next pages are folded). */
export const REBUILD_LINES_PER_CHUNK = 5_000;
/** Memory the rebuild's final index build may use (its transaction only): the statement key is sorted in one pass. */
export const REBUILD_INDEX_MEMORY = '512MB';

/**
 * Rebuilds every read model from position 0, for an operator (the live projector stopped), in the
 * caller's transaction: the tables emptied, the events folded in memory batch after batch into
 * the same maps (balances, holds and totals are written once at the end), statement lines streamed
 * into one COPY while their primary key is dropped (PostgreSQL ingests them on its core while this
 * one reads and folds), the key rebuilt once at the end. The rows are the projector's, byte for
 * byte (tested); the caller sets the projector's checkpoint to `lastPosition`.
 */
export async function rebuildLedgerReadModels(
  db: ProjectionConnection,
  schema: string,
  pages: AsyncIterable<readonly ProjectedEvent[]>,
): Promise<{ readonly events: number; readonly lines: number; readonly lastPosition: bigint }> {
  await db.query(
    `truncate ${schema}.rm_account_balances, ${schema}.rm_statement_lines, ${schema}.rm_asset_totals, ${schema}.rm_withdrawal_holds`,
  );
  await db.query(
    `alter table ${schema}.rm_statement_lines drop constraint if exists rm_statement_lines_pkey`,
  );
  const rows: ProjectionRows = { balances: new Map(), holds: new Map(), totals: new Map() };
  const copy: CopyIn = openCopyIn(db, STATEMENT_LINES_COPY(schema));
  let events = 0;
  let lines = 0;
  let lastPosition = 0n;
  try {
    let buffered: StatementLine[] = [];
    for await (const page of pages) {
      const folded = foldLedger(rows, page);
      for (const line of folded.lines) buffered.push(line);
      events += page.length;
      lastPosition = page.at(-1)?.globalPosition ?? lastPosition;
      if (buffered.length >= REBUILD_LINES_PER_CHUNK) {
        await copy.write(statementLinesCopyText(buffered));
        lines += buffered.length;
        buffered = [];
      }
    }
    await copy.write(statementLinesCopyText(buffered));
    lines += buffered.length;
  } catch (error) {
    copy.abort(error as Error);
    throw error;
  }
  await copy.end();
  await writeProjection(db, schema, {
    ...rows,
    changedBalances: new Set(rows.balances.keys()),
    changedHolds: new Set(rows.holds.keys()),
    changedTotals: new Set(rows.totals.keys()),
    lines: [],
  });
  await db.query(`set local maintenance_work_mem = '${REBUILD_INDEX_MEMORY}'`);
  await db.query(
    `alter table ${schema}.rm_statement_lines add constraint rm_statement_lines_pkey primary key (client_id, global_position, line)`,
  );
  return { events, lines, lastPosition };
}
