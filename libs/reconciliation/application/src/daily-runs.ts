import { createHash } from 'node:crypto';
import { JOURNAL_POSTED_TYPE, LEDGER_EVENTS_TOPIC, type JournalPostedV1 } from '@custody/contracts';
import {
  EventSourcedStreams,
  type Fold,
  type PostgresEventStore,
  type Transaction,
} from '@custody/event-store';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import {
  dailyBalances,
  recordedRunsFold,
  type BalanceMovement,
  type BusinessCalendar,
  type DailyBalanceRun,
  type MinimumUnits,
} from '@custody/reconciliation-domain';
import type { Pool, PoolClient } from 'pg';

/** Lines one page (or one CSV chunk) returns. */
export const LINES_PAGE_MAX = 10_000;
/** Lines written per statement. */
export const LINES_PER_INSERT = 10_000;
/** Movements one run reads (a deployment with more runs per chain of days, or a streaming fold: see the benchmark issue). */
export const RUN_MOVEMENTS_MAX = 5_000_000;

export interface DailyRunRecorded {
  readonly type: 'DailyBalanceRunCompleted';
  readonly data: {
    readonly runId: string;
    readonly businessDay: string;
    readonly jurisdiction: string;
    /** The input: every journal received up to this position of the reconciliation's own movement record. */
    readonly upToReceived: string;
    readonly totals: Readonly<Record<string, string>>;
    readonly lineCount: number;
    /** SHA-256 of the lines in order: a re-run over the same input gives the same digest. */
    readonly linesDigest: string;
    readonly at: string;
  };
}

const RUNS_AGGREGATE: Fold<
  ReadonlyMap<string, DailyRunRecorded['data']>,
  DailyRunRecorded
> = recordedRunsFold<DailyRunRecorded>({ DailyBalanceRunCompleted: true });

/**
 * TW-13 runs from the ledger's journals: each client entry of each journal is recorded once (by
 * journal id and line) as a movement with its business time; a run for a business day reads the
 * movements received up to a stated point, computes the day (pure), stores its lines and records
 * the run (totals, line digest, input point) as an event. The run id is the day and the input
 * point: running the same day over the same input again records nothing new and gives the same
 * numbers; a later run over more input (a late or correcting journal) is a new run, never an edit.
 */
export class DailyRuns {
  private readonly streams: EventSourcedStreams;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly calendar: BusinessCalendar,
    private readonly minimumUnits: MinimumUnits,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.streams = new EventSourcedStreams(store, { bigintFields: /Minor$/, schemaVersion: 1 });
  }

  private get schema(): string {
    return this.store.schema;
  }

  async migrate(pool: Pool = this.store.pool): Promise<void> {
    await pool.query(`
      create table if not exists ${this.schema}.recon_movements (
        journal_id text not null,
        line int not null,
        client_id text not null,
        asset text not null,
        amount_minor numeric(78, 0) not null,
        at timestamptz not null,
        received bigserial not null unique,
        primary key (journal_id, line)
      );
      create table if not exists ${this.schema}.recon_daily_lines (
        run_id text not null,
        client_id text not null,
        asset text not null,
        balance_minor numeric(78, 0) not null,
        counted_minor numeric(78, 0) not null,
        primary key (run_id, client_id, asset)
      );`);
  }

  /** The inbox consumer's `apply`: every client entry of every journal, once (the copies in other clients' streams add nothing). */
  apply() {
    return async (
      messages: readonly ConsumedMessage[],
      client: PoolClient,
    ): Promise<ApplyOutcome> => {
      const rows: {
        journalId: string;
        line: number;
        clientId: string;
        asset: string;
        amountMinor: string;
        at: string;
      }[] = [];
      for (const message of messages) {
        if (message.topic !== LEDGER_EVENTS_TOPIC || message.value.type !== JOURNAL_POSTED_TYPE)
          continue;
        const { data } = message.value as unknown as JournalPostedV1;
        for (const [line, entry] of data.entries.entries()) {
          if (entry.account.kind !== 'client') continue;
          // a client account is a liability: a credit raises what the client is owed, a debit lowers it
          const signed =
            entry.side === 'credit' ? BigInt(entry.amountMinor) : -BigInt(entry.amountMinor);
          rows.push({
            journalId: data.journalId,
            line,
            clientId: entry.account.clientId,
            asset: entry.account.asset,
            amountMinor: signed.toString(),
            at: data.at,
          });
        }
      }
      // one statement per batch, in message order; a journal's other copies (and redeliveries) add nothing
      if (rows.length > 0) {
        await client.query(
          `insert into ${this.schema}.recon_movements (journal_id, line, client_id, asset, amount_minor, at)
           select j, l, c, a, m, t from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[]) with ordinality as row(j, l, c, a, m, t, n)
           order by n on conflict do nothing`,
          [
            rows.map((row) => row.journalId),
            rows.map((row) => row.line),
            rows.map((row) => row.clientId),
            rows.map((row) => row.asset),
            rows.map((row) => row.amountMinor),
            rows.map((row) => row.at),
          ],
        );
      }
      return { rejected: [] };
    };
  }

  /** The runs recorded for a business day, oldest first (a correcting run stands beside the first). */
  async recordedRuns(businessDay: string): Promise<DailyRunRecorded['data'][]> {
    const { state } = await this.streams.load(
      `recon-daily-${this.calendar.jurisdiction}-${businessDay}`,
      RUNS_AGGREGATE,
    );
    return [...state.values()];
  }

  /** One page of a run's lines, by client and asset. */
  async lines(
    runId: string,
    limit: number,
    after?: { readonly clientId: string; readonly asset: string },
  ): Promise<{ clientId: string; asset: string; balanceMinor: string; countedMinor: string }[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > LINES_PAGE_MAX)
      throw new Error(`assertion: a page is 1 to ${LINES_PAGE_MAX} lines`);
    const { rows } = await this.store.pool.query<{
      client_id: string;
      asset: string;
      balance_minor: string;
      counted_minor: string;
    }>(
      `select client_id, asset, balance_minor::text, counted_minor::text from ${this.schema}.recon_daily_lines
        where run_id = $1 and ($2::text is null or (client_id, asset) > ($2, $3)) order by client_id, asset limit $4`,
      [runId, after?.clientId ?? null, after?.asset ?? '', limit],
    );
    return rows.map((row) => ({
      clientId: row.client_id,
      asset: row.asset,
      balanceMinor: row.balance_minor,
      countedMinor: row.counted_minor,
    }));
  }

  /** The last movement received so far (a run's input point when none is given). */
  async receivedSoFar(): Promise<bigint> {
    const { rows } = await this.store.pool.query<{ received: string | null }>(
      `select max(received)::text as received from ${this.schema}.recon_movements`,
    );
    return BigInt(rows[0]?.received ?? '0');
  }

  async run(
    businessDay: string,
    upToReceived?: bigint,
  ): Promise<{ readonly run: DailyBalanceRun; readonly recorded: DailyRunRecorded['data'] }> {
    const upTo = upToReceived ?? (await this.receivedSoFar());
    return this.store.withTransaction(async (transaction) => {
      const movements = await this.movements(upTo, transaction);
      const run = dailyBalances(movements, businessDay, this.calendar, this.minimumUnits);
      const runId = `${this.calendar.jurisdiction}:${businessDay}@${upTo}`;
      const linesDigest = createHash('sha256')
        .update(
          JSON.stringify(run.lines, (_key, value: unknown) =>
            typeof value === 'bigint' ? value.toString() : value,
          ),
        )
        .digest('hex');
      const data: DailyRunRecorded['data'] = {
        runId,
        businessDay,
        jurisdiction: this.calendar.jurisdiction,
        upToReceived: upTo.toString(),
        totals: Object.fromEntries(
          [...run.totalsMinor]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([asset, total]) => [asset, total.toString()]),
        ),
        lineCount: run.lines.length,
        linesDigest,
        at: this.now().toISOString(),
      };
      const executed = await this.streams.execute(
        `recon-daily-${this.calendar.jurisdiction}-${businessDay}`,
        RUNS_AGGREGATE,
        (runs) => {
          const earlier = runs.get(runId);
          if (earlier === undefined)
            return {
              ok: true as const,
              events: [{ type: 'DailyBalanceRunCompleted' as const, data }],
            };
          // the same day over the same input: it must come out the same, or the computation is not reproducible
          if (earlier.linesDigest !== linesDigest)
            throw new Error(
              `assertion: run ${runId} computed ${linesDigest}, recorded ${earlier.linesDigest}`,
            );
          return { ok: true as const, events: [] };
        },
        { actor: 'reconciliation' },
        { transaction },
      );
      if (executed.ok && executed.events.length > 0) {
        for (let start = 0; start < run.lines.length; start += LINES_PER_INSERT) {
          const chunk = run.lines.slice(start, start + LINES_PER_INSERT);
          await transaction.client.query(
            `insert into ${this.schema}.recon_daily_lines (run_id, client_id, asset, balance_minor, counted_minor)
             select $1, * from unnest($2::text[], $3::text[], $4::numeric[], $5::numeric[])`,
            [
              runId,
              chunk.map((line) => line.clientId),
              chunk.map((line) => line.asset),
              chunk.map((line) => line.balanceMinor.toString()),
              chunk.map((line) => line.countedMinor.toString()),
            ],
          );
        }
      }
      const recorded =
        executed.ok && executed.events[0] !== undefined
          ? executed.events[0].data
          : (executed.state.get(runId) ?? data);
      return { run, recorded };
    });
  }

  private async movements(upTo: bigint, transaction: Transaction): Promise<BalanceMovement[]> {
    const { rows } = await transaction.client.query<{
      journal_id: string;
      client_id: string;
      asset: string;
      amount_minor: string;
      at: string;
    }>(
      `select journal_id, client_id, asset, amount_minor::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
         from ${this.schema}.recon_movements where received <= $1 order by received limit ${RUN_MOVEMENTS_MAX + 1}`,
      [upTo.toString()],
    );
    if (rows.length > RUN_MOVEMENTS_MAX)
      throw new Error(`more than ${RUN_MOVEMENTS_MAX} movements in one run`);
    return rows.map((row) => ({
      journalId: row.journal_id,
      clientId: row.client_id,
      asset: row.asset,
      amountMinor: BigInt(row.amount_minor),
      at: row.at,
    }));
  }
}
