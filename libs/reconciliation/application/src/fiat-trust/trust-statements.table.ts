import type { Transaction } from '@custody/event-store';
import type {
  StatementSummary,
  TrustAccountEvent,
  TrustStatement,
} from '@custody/reconciliation-domain';
import type { PoolClient } from 'pg';
import type { TrustStatementImported } from './trust-account-stream';

/** Per-client lines written per statement. */
export const FIAT_LINES_PER_INSERT = 10_000;

/** Tables of the fiat trust runs' inputs, append-only (the history guard). */
export const FIAT_TRUST_HISTORY_TABLES = [
  'recon_trust_statements',
  'recon_trust_lines',
  'recon_trust_approvals',
] as const;

/** An imported statement's header and lines, and the approval that makes it count, beside its stream. */
export const trustStatementsDdl = (schema: string): string => `
      create table if not exists ${schema}.recon_trust_lines (
        statement_id text not null,
        line int not null,
        booked_at timestamptz not null,
        reference text not null,
        amount_minor numeric(78, 0) not null,
        primary key (statement_id, line)
      );
      create table if not exists ${schema}.recon_trust_statements (
        statement_id text primary key,
        account_id text not null,
        currency text not null,
        from_at timestamptz not null,
        to_at timestamptz not null,
        opening_minor numeric(78, 0) not null,
        digest text not null
      );
      create table if not exists ${schema}.recon_trust_approvals (
        statement_id text primary key,
        approved_by text not null,
        approved_at timestamptz not null
      );`;

/** The statement's header and lines beside its stream (read by runs only once approved). */
export async function recordTrustStatement(
  schema: string,
  statement: StatementSummary,
  lines: TrustStatement['lines'],
  client: PoolClient,
): Promise<void> {
  await client.query(
    `insert into ${schema}.recon_trust_statements (statement_id, account_id, currency, from_at, to_at, opening_minor, digest) values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      statement.statementId,
      statement.accountId,
      statement.currency,
      statement.from,
      statement.to,
      statement.openingBalanceMinor.toString(),
      statement.digest,
    ],
  );
  for (let start = 0; start < lines.length; start += FIAT_LINES_PER_INSERT) {
    const chunk = lines.slice(start, start + FIAT_LINES_PER_INSERT);
    await client.query(
      `insert into ${schema}.recon_trust_lines (statement_id, line, booked_at, reference, amount_minor)
         select $1, * from unnest($2::int[], $3::timestamptz[], $4::text[], $5::numeric[])`,
      [
        statement.statementId,
        chunk.map((_line, index) => start + index + 1),
        chunk.map((line) => line.bookedAt),
        chunk.map((line) => line.reference),
        chunk.map((line) => line.amountMinor.toString()),
      ],
    );
  }
}

/** Each approval of a statement, in the decision's transaction: from then on it counts in the runs. */
export async function recordTrustApprovals(
  schema: string,
  events: readonly (TrustAccountEvent | TrustStatementImported)[],
  transaction: Transaction,
): Promise<void> {
  for (const event of events) {
    if (event.type !== 'TrustStatementApproved') continue;
    await transaction.client.query(
      `insert into ${schema}.recon_trust_approvals (statement_id, approved_by, approved_at) values ($1, $2, $3)`,
      [event.data.statementId, event.data.approvedBy, event.data.at],
    );
  }
}
