import { createHash } from 'node:crypto';
import {
  EXCHANGE_FIAT_TOPIC,
  FIAT_MOVEMENT_RECORDED_TYPE,
  type FiatMovementRecordedV1,
} from '@custody/contracts';
import { guardHistory, type Fold, type PostgresEventStore } from '@custody/event-store';
import type { ConsumedMessage } from '@custody/messaging';
import {
  decideTrustAccount,
  fiatTrustRun,
  parseTrustStatementCsv,
  recordedRunsFold,
  trustAccountDecider,
  type BusinessCalendar,
  type FiatMovement,
  type MakerCheckerDecision,
  type StatementProblem,
  type StatementSummary,
  type TrustAccountCommand,
  type TrustAccountDetails,
  type TrustAccountErrorCode,
  type TrustAccountEvent,
  type TrustAccountRegistration,
  type TrustAccountState,
  type TrustStatement,
  type TrustStatementRecord,
} from '@custody/reconciliation-domain';
import type { PoolClient } from 'pg';
import { ReconciliationRecord } from './reconciliation-store';
import type { Discrepancies } from './discrepancies';

/** Fiat movements one run reads (per currency). */
export const FIAT_RUN_MOVEMENTS_MAX = 2_000_000;
/** Statements of one currency a run reads (trust accounts x periods). */
export const FIAT_RUN_STATEMENTS_MAX = 1_000;
/** Per-client lines written per statement. */
const FIAT_LINES_PER_INSERT = 10_000;

export type FiatRefusal = {
  readonly ok: false;
  readonly error: {
    readonly code: 'STATEMENT_INVALID' | TrustAccountErrorCode;
    readonly path: string;
    readonly reason: string;
    readonly problems?: readonly StatementProblem[];
  };
};
/** Hex characters of a statement file's digest in its id: another file for the same period is another statement. */
export const STATEMENT_ID_DIGEST_CHARS = 16;

/** A trust account for people: its registration and its statements, oldest period first. */
export interface TrustAccountView {
  readonly registration: TrustAccountRegistration | null;
  readonly statements: readonly TrustStatementRecord[];
}

/**
 * Frozen: recorded by the single-person import this service had before issue 22. Such a statement
 * counts no more (nobody approved it) and continues no chain; its period may be imported again
 * through the two-person flow.
 */
/** A one-person import of before issue 22 (still read, no longer counted): the statement's summary, who imported it, when. */
export interface TrustStatementImported {
  readonly type: 'TrustStatementImported';
  readonly data: StatementSummary & {
    readonly importedBy: string;
    readonly at: string;
  };
}

export interface FiatTrustRunCompleted {
  readonly type: 'FiatTrustRunCompleted';
  readonly data: {
    readonly runId: string;
    readonly businessDay: string;
    readonly currency: string;
    readonly jurisdiction: string;
    readonly cutOff: string;
    readonly upToReceived: string;
    readonly statements: readonly string[];
    readonly owedMinor: bigint;
    readonly inTransitMinor: bigint;
    /** Null: no statement covers the close, no verdict. */
    readonly trustBalanceMinor: bigint | null;
    readonly accounts: readonly { readonly accountId: string; readonly balanceMinor: bigint }[];
    readonly lineCount: number;
    readonly linesDigest: string;
    readonly differences: readonly {
      readonly discrepancyId: string;
      readonly kind: string;
      readonly amountMinor: bigint;
      readonly owedMinor: bigint;
      readonly heldMinor: bigint;
    }[];
    readonly opened: readonly string[];
    readonly persisting: readonly string[];
    readonly confirmedGone: readonly string[];
    readonly at: string;
  };
}

type RunData = FiatTrustRunCompleted['data'];

/** One stream per trust account: its registration and its statements (and the single-person imports of before, ignored). */
const TRUST_ACCOUNT_AGGREGATE: Fold<TrustAccountState, TrustAccountEvent | TrustStatementImported> =
  {
    initialState: trustAccountDecider.initialState,
    eventTypes: new Set([...trustAccountDecider.eventTypes, 'TrustStatementImported']),
    evolve: (state, event) =>
      event.type === 'TrustStatementImported' ? state : trustAccountDecider.evolve(state, event),
  };

const trustStreamId = (accountId: string) => `recon-trust-${accountId}`;

function viewOf(state: TrustAccountState): TrustAccountView {
  return {
    registration: state.registration,
    statements: [...state.statements.values()].sort(
      (a, b) => Date.parse(a.from) - Date.parse(b.from),
    ),
  };
}

const RUNS_AGGREGATE: Fold<
  ReadonlyMap<string, RunData>,
  FiatTrustRunCompleted
> = recordedRunsFold<FiatTrustRunCompleted>({ FiatTrustRunCompleted: true });

const stringify = (value: unknown) =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );

/** Tables of the fiat trust runs' inputs, append-only (the history guard). */
export const FIAT_TRUST_HISTORY_TABLES = [
  'recon_trust_statements',
  'recon_trust_lines',
  'recon_trust_approvals',
] as const;

/**
 * TW-10 / TW-11: client fiat in trust, each business day and currency. Movements come from
 * exchange.fiat.v1 (each once), trust accounts are registered and their statements imported as CSV
 * by maker-checker (`trust-accounts.ts`: a statement counts once a second person approves it; a
 * statement that does not add up, overlaps another or breaks the balance chain is refused), and a run
 * compares what clients are owed with the trust accounts' balance at the close plus what
 * collectors hold in transit. A shortfall or surplus is a discrepancy (a shortfall due within 2
 * business days); the run is one event named by its inputs, reproducible like the others.
 */
export class FiatTrustRuns extends ReconciliationRecord {
  constructor(
    private readonly options: {
      readonly store: PostgresEventStore;
      readonly calendar: BusinessCalendar;
      readonly discrepancies: Discrepancies;
      readonly now?: () => Date;
    },
  ) {
    super(options);
  }

  async migrate(client: PoolClient): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.recon_fiat_movements (
        movement_id text primary key,
        kind text not null,
        client_id text,
        currency text not null,
        amount_minor numeric(78, 0) not null,
        through_collector boolean not null,
        receipt_ids text[] not null,
        occurred_at timestamptz not null,
        received bigserial not null unique
      );
      create table if not exists ${this.schema}.recon_trust_lines (
        statement_id text not null,
        line int not null,
        booked_at timestamptz not null,
        reference text not null,
        amount_minor numeric(78, 0) not null,
        primary key (statement_id, line)
      );
      create table if not exists ${this.schema}.recon_trust_statements (
        statement_id text primary key,
        account_id text not null,
        currency text not null,
        from_at timestamptz not null,
        to_at timestamptz not null,
        opening_minor numeric(78, 0) not null,
        digest text not null
      );
      create table if not exists ${this.schema}.recon_trust_approvals (
        statement_id text primary key,
        approved_by text not null,
        approved_at timestamptz not null
      );
      create table if not exists ${this.schema}.recon_fiat_lines (
        run_id text not null,
        client_id text not null,
        balance_minor numeric(78, 0) not null,
        counted_minor numeric(78, 0) not null,
        primary key (run_id, client_id)
      );`);
    // what a run counts (an approved statement's opening balance, its lines, its approval by a second person) is only ever inserted:
    // history, so the service's role cannot approve a statement alone or rewrite its lines afterwards
    for (const table of FIAT_TRUST_HISTORY_TABLES) await guardHistory(client, this.schema, table);
  }

  /** The fiat topic's part of the consumer's batch: each movement once, by its id. */
  async applyFiatMessages(messages: readonly ConsumedMessage[], client: PoolClient): Promise<void> {
    for (const message of messages) {
      if (
        message.topic !== EXCHANGE_FIAT_TOPIC ||
        message.value.type !== FIAT_MOVEMENT_RECORDED_TYPE
      )
        continue;
      const { data } = message.value as unknown as FiatMovementRecordedV1;
      await client.query(
        `insert into ${this.schema}.recon_fiat_movements (movement_id, kind, client_id, currency, amount_minor, through_collector, receipt_ids, occurred_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (movement_id) do nothing`,
        [
          data.movementId,
          data.kind,
          data.kind === 'collector-settled' ? null : data.clientId,
          data.currency,
          data.amountMinor,
          data.kind === 'received' && data.channel === 'third-party-collector',
          data.kind === 'collector-settled' ? data.receiptIds : [],
          data.occurredAt,
        ],
      );
    }
  }

  /** Maker: an operator asks to register a trust account with the balance it opens at; pending until another person approves it. */
  async requestAccount(
    input: TrustAccountDetails & { readonly by: string },
  ): Promise<{ readonly ok: true; readonly account: TrustAccountView } | FiatRefusal> {
    const { by, ...account } = input;
    return this.decideOnAccount(
      account.accountId,
      {
        type: 'RequestTrustAccountRegistration',
        account,
        requestedBy: by,
        at: this.now().toISOString(),
      },
      by,
    );
  }

  /** Checker: a person other than the requester approves the account (and its opening balance) or rejects it with a reason. */
  async decideAccount(input: {
    readonly accountId: string;
    readonly decision: MakerCheckerDecision;
    readonly reason: string;
    readonly by: string;
  }): Promise<{ readonly ok: true; readonly account: TrustAccountView } | FiatRefusal> {
    return this.decideOnAccount(
      input.accountId,
      {
        type: 'DecideTrustAccountRegistration',
        accountId: input.accountId,
        decision: input.decision,
        reason: input.reason,
        decidedBy: input.by,
        at: this.now().toISOString(),
      },
      input.by,
    );
  }

  /** A trust account as its stream tells it: the registration and every statement with its status; null when never requested. */
  async account(accountId: string): Promise<TrustAccountView | null> {
    const view = viewOf(
      (await this.streams.load(trustStreamId(accountId), TRUST_ACCOUNT_AGGREGATE)).state,
    );
    return view.registration === null && view.statements.length === 0 ? null : view;
  }

  /**
   * Maker: a trust account's bank statement for a period (CSV, see `parseTrustStatementCsv`) of a
   * registered and approved account, recorded pending: it feeds the daily trust check only once
   * a person other than the importer approves it (`decideStatement`). It must open at the previous
   * approved statement's closing balance (the first one at the balance approved with the account).
   * The same file again changes nothing; another statement overlapping a pending or approved one
   * is refused (a correction is a statement of its own period, never an edit).
   */
  async importStatement(input: {
    readonly accountId: string;
    readonly currency: string;
    readonly from: string;
    readonly to: string;
    readonly openingBalanceMinor: bigint;
    readonly csv: string;
    readonly by: string;
  }): Promise<{ readonly ok: true; readonly statement: TrustStatementRecord } | FiatRefusal> {
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
    const executed = await this.streams.execute(
      trustStreamId(input.accountId),
      TRUST_ACCOUNT_AGGREGATE,
      (state) =>
        decideTrustAccount(
          {
            type: 'SubmitTrustStatement',
            statement: summary,
            submittedBy: input.by,
            at: this.now().toISOString(),
          },
          state,
        ),
      { actor: input.by },
      {
        afterAppend: (_events, _state, transaction) =>
          this.recordStatementLines(summary, parsed.lines, transaction.client),
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

  /** Checker: a person other than the importer approves a pending statement (then it counts) or rejects it with a reason. */
  async decideStatement(input: {
    readonly statementId: string;
    readonly decision: MakerCheckerDecision;
    readonly reason: string;
    readonly by: string;
  }): Promise<{ readonly ok: true; readonly statement: TrustStatementRecord } | FiatRefusal> {
    const accountId = input.statementId.split(':')[0] ?? '';
    const executed = await this.streams.execute(
      trustStreamId(accountId),
      TRUST_ACCOUNT_AGGREGATE,
      (state) =>
        decideTrustAccount(
          {
            type: 'DecideTrustStatement',
            statementId: input.statementId,
            decision: input.decision,
            reason: input.reason,
            decidedBy: input.by,
            at: this.now().toISOString(),
          },
          state,
        ),
      { actor: input.by },
      {
        afterAppend: async (events, _state, transaction) => {
          for (const event of events) {
            if (event.type !== 'TrustStatementApproved') continue;
            await transaction.client.query(
              `insert into ${this.schema}.recon_trust_approvals (statement_id, approved_by, approved_at) values ($1, $2, $3)`,
              [event.data.statementId, event.data.approvedBy, event.data.at],
            );
          }
        },
      },
    );
    if (!executed.ok) return { ok: false, error: executed.error };
    const statement = executed.state.statements.get(input.statementId);
    if (statement === undefined)
      throw new Error(
        `assertion: statement ${input.statementId} not in its stream after a decision`,
      );
    return { ok: true, statement };
  }

  private async decideOnAccount(
    accountId: string,
    command: TrustAccountCommand,
    by: string,
  ): Promise<{ readonly ok: true; readonly account: TrustAccountView } | FiatRefusal> {
    const executed = await this.streams.execute(
      trustStreamId(accountId),
      TRUST_ACCOUNT_AGGREGATE,
      (state) => decideTrustAccount(command, state),
      { actor: by },
    );
    return executed.ok
      ? { ok: true, account: viewOf(executed.state) }
      : { ok: false, error: executed.error };
  }

  /** The statement's header and lines beside its stream (read by runs only once approved). */
  private async recordStatementLines(
    statement: StatementSummary,
    lines: TrustStatement['lines'],
    client: PoolClient,
  ): Promise<void> {
    await client.query(
      `insert into ${this.schema}.recon_trust_statements (statement_id, account_id, currency, from_at, to_at, opening_minor, digest) values ($1, $2, $3, $4, $5, $6, $7)`,
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
        `insert into ${this.schema}.recon_trust_lines (statement_id, line, booked_at, reference, amount_minor)
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

  async runs(businessDay: string, currency: string): Promise<RunData[]> {
    return [
      ...(
        await this.streams.load(this.runStreamId(businessDay, currency), RUNS_AGGREGATE)
      ).state.values(),
    ];
  }

  async lines(
    runId: string,
    limit: number,
  ): Promise<{ clientId: string; balanceMinor: string; countedMinor: string }[]> {
    const { rows } = await this.options.store.pool.query<{
      client_id: string;
      balance_minor: string;
      counted_minor: string;
    }>(
      `select client_id, balance_minor::text, counted_minor::text from ${this.schema}.recon_fiat_lines where run_id = $1 order by client_id limit $2`,
      [runId, limit],
    );
    return rows.map((row) => ({
      clientId: row.client_id,
      balanceMinor: row.balance_minor,
      countedMinor: row.counted_minor,
    }));
  }

  /** TW-10 / TW-11 for a business day and currency over the movements received so far and the statements imported. */
  async run(businessDay: string, currency: string): Promise<RunData> {
    const at = this.now().toISOString();
    const db = this.options.store.pool;
    const { rows: movementRows } = await db.query<{
      movement_id: string;
      kind: FiatMovement['kind'];
      client_id: string | null;
      amount_minor: string;
      through_collector: boolean;
      receipt_ids: string[];
      occurred_at: Date;
      received: string;
    }>(
      `select movement_id, kind, client_id, amount_minor::text, through_collector, receipt_ids, occurred_at, received::text
         from ${this.schema}.recon_fiat_movements where currency = $1 order by received limit ${FIAT_RUN_MOVEMENTS_MAX + 1}`,
      [currency],
    );
    if (movementRows.length > FIAT_RUN_MOVEMENTS_MAX)
      throw new Error(`more than ${FIAT_RUN_MOVEMENTS_MAX} ${currency} movements in one run`);
    const movements: FiatMovement[] = movementRows.map((row) => ({
      movementId: row.movement_id,
      kind: row.kind,
      clientId: row.client_id,
      currency,
      amountMinor: BigInt(row.amount_minor),
      throughCollector: row.through_collector,
      receiptIds: row.receipt_ids,
      occurredAt: row.occurred_at.toISOString(),
    }));
    const upToReceived = movementRows.at(-1)?.received ?? '0';
    const statements = await this.statements(currency);
    const result = fiatTrustRun(
      movements,
      statements,
      businessDay,
      currency,
      this.options.calendar,
    );
    const statementIds = statements.map((statement) => statement.statementId).sort();
    const runId = `${this.options.calendar.jurisdiction}:${businessDay}:fiat-${currency}@${upToReceived}@${createHash('sha256').update(statementIds.join('|')).digest('hex').slice(0, 16)}`;
    const linesDigest = createHash('sha256').update(stringify(result.lines)).digest('hex');
    const recorded = await this.options.store.withTransaction(async (transaction) => {
      const earlier = (
        await this.streams.load(
          this.runStreamId(businessDay, currency),
          RUNS_AGGREGATE,
          transaction,
        )
      ).state.get(runId);
      if (earlier !== undefined) {
        if (earlier.linesDigest !== linesDigest)
          throw new Error(
            `assertion: run ${runId} computed ${linesDigest}, recorded ${earlier.linesDigest}`,
          );
        return { data: earlier, notifications: [] };
      }
      // no statement covering the close: no verdict, so nothing is confirmed gone either
      const inScope =
        result.trustBalanceMinor === null
          ? () => false
          : (difference: { asset: string; source: string }) =>
              difference.source === 'trust-account' && difference.asset === currency;
      const outcome = await this.options.discrepancies.fromRun(
        result.difference === null ? [] : [result.difference],
        inScope,
        runId,
        businessDay,
        at,
        transaction,
      );
      const data: RunData = {
        runId,
        businessDay,
        currency,
        jurisdiction: this.options.calendar.jurisdiction,
        cutOff: result.cutOff,
        upToReceived,
        statements: statementIds,
        owedMinor: result.owedMinor,
        inTransitMinor: result.inTransitMinor,
        trustBalanceMinor: result.trustBalanceMinor,
        accounts: result.accounts,
        lineCount: result.lines.length,
        linesDigest,
        differences: outcome.differences.map((difference) => ({
          discrepancyId: difference.discrepancyId,
          kind: difference.kind,
          amountMinor: difference.amountMinor,
          owedMinor: difference.owedMinor,
          heldMinor: difference.heldMinor,
        })),
        opened: outcome.opened,
        persisting: outcome.persisting,
        confirmedGone: outcome.confirmedGone,
        at,
      };
      await this.streams.execute(
        this.runStreamId(businessDay, currency),
        RUNS_AGGREGATE,
        () => ({ ok: true as const, events: [{ type: 'FiatTrustRunCompleted' as const, data }] }),
        { actor: 'reconciliation' },
        { transaction },
      );
      for (let start = 0; start < result.lines.length; start += FIAT_LINES_PER_INSERT) {
        const chunk = result.lines.slice(start, start + FIAT_LINES_PER_INSERT);
        await transaction.client.query(
          `insert into ${this.schema}.recon_fiat_lines (run_id, client_id, balance_minor, counted_minor) select $1, * from unnest($2::text[], $3::numeric[], $4::numeric[])`,
          [
            runId,
            chunk.map((line) => line.clientId),
            chunk.map((line) => line.balanceMinor.toString()),
            chunk.map((line) => line.countedMinor.toString()),
          ],
        );
      }
      return { data, notifications: outcome.notifications };
    });
    await this.options.discrepancies.deliver(recorded.notifications);
    return recorded.data;
  }

  /** The approved statements of a currency: a pending or rejected one never counts (maker-checker). */
  private async statements(
    currency: string,
  ): Promise<(TrustStatement & { readonly statementId: string })[]> {
    const db = this.options.store.pool;
    const { rows } = await db.query<{
      statement_id: string;
      account_id: string;
      from_at: Date;
      to_at: Date;
      opening_minor: string;
    }>(
      `select statement_id, account_id, from_at, to_at, opening_minor::text from ${this.schema}.recon_trust_statements statement
        where currency = $1 and exists (select 1 from ${this.schema}.recon_trust_approvals approval where approval.statement_id = statement.statement_id)
        order by account_id, from_at limit ${FIAT_RUN_STATEMENTS_MAX + 1}`,
      [currency],
    );
    if (rows.length > FIAT_RUN_STATEMENTS_MAX)
      throw new Error(
        `more than ${FIAT_RUN_STATEMENTS_MAX} ${currency} statements: archive old periods`,
      );
    const { rows: lineRows } = await db.query<{
      statement_id: string;
      booked_at: Date;
      reference: string;
      amount_minor: string;
    }>(
      `select statement_id, booked_at, reference, amount_minor::text from ${this.schema}.recon_trust_lines where statement_id = any($1) order by statement_id, line`,
      [rows.map((row) => row.statement_id)],
    );
    return rows.map((row) => ({
      statementId: row.statement_id,
      accountId: row.account_id,
      currency,
      from: row.from_at.toISOString(),
      to: row.to_at.toISOString(),
      openingBalanceMinor: BigInt(row.opening_minor),
      lines: lineRows
        .filter((line) => line.statement_id === row.statement_id)
        .map((line) => ({
          bookedAt: line.booked_at.toISOString(),
          reference: line.reference,
          amountMinor: BigInt(line.amount_minor),
        })),
    }));
  }

  private runStreamId(businessDay: string, currency: string): string {
    return `recon-fiat-${this.options.calendar.jurisdiction}-${currency}-${businessDay}`;
  }
}
