import { createHash } from 'node:crypto';
import {
  decideTrustAccount,
  parseTrustStatementCsv,
  type StatementSummary,
  type TrustStatementRecord,
} from '@custody/reconciliation-domain';
import { stringify, type ReconciliationContext } from '../reconciliation-store';
import { TRUST_ACCOUNT_AGGREGATE, trustStreamId, type FiatRefusal } from './trust-account-stream';
import { recordTrustStatement } from './trust-statements.table';

/** Hex characters of a statement file's digest in its id: another file for the same period is another statement. */
export const STATEMENT_ID_DIGEST_CHARS = 16;

export interface TrustStatementImport {
  readonly accountId: string;
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly openingBalanceMinor: bigint;
  readonly csv: string;
  readonly by: string;
}

/**
 * Maker: a trust account's bank statement for a period (CSV, see `parseTrustStatementCsv`) of a
 * registered and approved account, recorded pending: it feeds the daily trust check only once
 * a person other than the importer approves it (`DecideTrustStatement`). It must open at the
 * previous approved statement's closing balance (the first one at the balance approved with the
 * account). The same file again changes nothing; another statement overlapping a pending or
 * approved one is refused (a correction is a statement of its own period, never an edit).
 */
export class ImportTrustStatement {
  constructor(private readonly context: ReconciliationContext) {}

  async handle(
    input: TrustStatementImport,
  ): Promise<{ readonly ok: true; readonly statement: TrustStatementRecord } | FiatRefusal> {
    if (Date.parse(input.from) >= Date.parse(input.to))
      return {
        ok: false,
        error: {
          code: 'STATEMENT_PERIOD_INVALID',
          path: 'to',
          reason: 'a statement period ends after it starts',
        },
      };
    const parsed = parseTrustStatementCsv(input.csv, input.currency, input.openingBalanceMinor);
    if (!parsed.ok)
      return {
        ok: false,
        error: {
          code: 'STATEMENT_INVALID',
          path: 'csv',
          reason: `${parsed.problems.length} problem(s), first: line ${parsed.problems[0]?.line} ${parsed.problems[0]?.column}: ${parsed.problems[0]?.reason}`,
          problems: parsed.problems,
        },
      };
    const outside = parsed.lines.findIndex(
      (line) =>
        Date.parse(line.bookedAt) < Date.parse(input.from) ||
        Date.parse(line.bookedAt) > Date.parse(input.to),
    );
    if (outside >= 0)
      return {
        ok: false,
        error: {
          code: 'STATEMENT_INVALID',
          path: 'csv',
          reason: `line ${outside + 2} is booked outside ${input.from}..${input.to}`,
        },
      };
    const from = new Date(input.from).toISOString();
    const to = new Date(input.to).toISOString();
    const digest = createHash('sha256')
      .update(stringify({ ...input, by: undefined, from, to }))
      .digest('hex');
    const summary: StatementSummary = {
      statementId: `${input.accountId}:${from}:${digest.slice(0, STATEMENT_ID_DIGEST_CHARS)}`,
      accountId: input.accountId,
      currency: input.currency,
      from,
      to,
      openingBalanceMinor: input.openingBalanceMinor,
      closingBalanceMinor: parsed.lines.reduce(
        (balance, line) => balance + line.amountMinor,
        input.openingBalanceMinor,
      ),
      lineCount: parsed.lines.length,
      digest,
    };
    const executed = await this.context.streams.execute(
      trustStreamId(input.accountId),
      TRUST_ACCOUNT_AGGREGATE,
      (state) =>
        decideTrustAccount(
          {
            type: 'SubmitTrustStatement',
            statement: summary,
            submittedBy: input.by,
            at: this.context.now().toISOString(),
          },
          state,
        ),
      { actor: input.by },
      {
        afterAppend: (_events, _state, transaction) =>
          recordTrustStatement(this.context.schema, summary, parsed.lines, transaction.client),
      },
    );
    if (!executed.ok) return { ok: false, error: executed.error };
    const statement = executed.state.statements.get(summary.statementId);
    if (statement === undefined)
      throw new Error(
        `assertion: statement ${summary.statementId} not in its stream after its import`,
      );
    return { ok: true, statement };
  }
}
