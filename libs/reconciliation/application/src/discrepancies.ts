import { type Fold, type PostgresEventStore, type Transaction } from '@custody/event-store';
import {
  decideDiscrepancy,
  discrepancyDecider,
  localParts,
  type BusinessCalendar,
  type Difference,
  type DiscrepancyCommand,
  type DiscrepancyEvent,
  type DiscrepancyState,
} from '@custody/reconciliation-domain';
import type { PoolClient } from 'pg';
import { ReconciliationRecord } from './reconciliation-store';

/** Open discrepancies one run or one deadline check looks at. */
export const OPEN_DISCREPANCIES_MAX = 10_000;
/** A discrepancy not explained within this is escalated (TW-14: board and internal audit) unless configured otherwise. */
export const EXPLAIN_WITHIN_MS_DEFAULT = 24 * 60 * 60 * 1000;

/** Delivers what people must act on: a discrepancy found, escalated, or a shortfall overdue. The event is recorded first: a failed delivery loses nothing. */
export interface DiscrepancyNotifier {
  notify(event: DiscrepancyEvent): Promise<void>;
}

const NOTIFIED: ReadonlySet<DiscrepancyEvent['type']> = new Set([
  'DiscrepancyDetected',
  'DiscrepancyEscalated',
  'ShortfallOverdue',
]);

const DISCREPANCY_AGGREGATE: Fold<DiscrepancyState | undefined, DiscrepancyEvent> =
  discrepancyDecider;

export const discrepancyStreamId = (discrepancyId: string) => `recon-discrepancy-${discrepancyId}`;
const keyOf = (difference: Pick<Difference, 'asset' | 'source' | 'kind'>) =>
  `${difference.asset}/${difference.source}/${difference.kind}`;

/** What a run did to the discrepancies in its scope. */
export interface RunOutcome {
  readonly differences: readonly (Difference & { readonly discrepancyId: string })[];
  readonly opened: readonly string[];
  readonly persisting: readonly string[];
  readonly confirmedGone: readonly string[];
  /** To deliver after the commit. */
  readonly notifications: readonly DiscrepancyEvent[];
}

export interface DiscrepanciesOptions {
  readonly store: PostgresEventStore;
  readonly calendar: BusinessCalendar;
  readonly notifier: DiscrepancyNotifier;
  readonly explainWithinMs?: number;
  readonly now?: () => Date;
  readonly onNotifyError?: (error: unknown) => void;
}

/**
 * Discrepancies from detection to closure, whichever run found them (TW-14 on chain and in the
 * wallet's records, TW-11 in the trust account): a run opens one per difference unless one is
 * open for the same asset, source and kind (then it persists), and confirms gone the open ones in
 * its scope it no longer finds (a shortfall only after a recorded top-up, TW-14.3). Operators add
 * notes, explanations and top-ups; a schedule checks the deadlines. Every change is an event in the
 * discrepancy's own stream; a table indexes them by status.
 */
export class Discrepancies extends ReconciliationRecord {
  constructor(private readonly options: DiscrepanciesOptions) {
    super(options);
  }

  async migrate(client: PoolClient): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.recon_discrepancies (
        discrepancy_id text primary key,
        match_key text not null,
        status text not null,
        discovered_on text not null
      );
      -- the business day the detecting run is about (null: detected before it was recorded apart, then discovered_on)
      alter table ${this.schema}.recon_discrepancies add column if not exists business_day text;
      create index if not exists recon_discrepancies_open on ${this.schema}.recon_discrepancies (match_key) where status <> 'closed';`);
  }

  async discrepancy(discrepancyId: string): Promise<DiscrepancyState | undefined> {
    return (await this.streams.load(discrepancyStreamId(discrepancyId), DISCREPANCY_AGGREGATE))
      .state;
  }

  /**
   * What the operations dashboards and alerts count: discrepancies not closed, how many of them
   * were escalated, and how many are shortfalls past their top-up due day (ShortfallOverdue).
   * One statement over the index and the streams' events (each probe by stream id).
   */
  async counts(): Promise<{
    readonly open: number;
    readonly escalated: number;
    readonly overdue: number;
  }> {
    const { rows } = await this.options.store.pool.query<{
      open: number;
      escalated: number;
      overdue: number;
    }>(
      `select count(*)::int as open,
              count(*) filter (where exists (select 1 from ${this.schema}.events e where e.stream_id = $1 || d.discrepancy_id and e.event_type = 'DiscrepancyEscalated'))::int as escalated,
              count(*) filter (where exists (select 1 from ${this.schema}.events e where e.stream_id = $1 || d.discrepancy_id and e.event_type = 'ShortfallOverdue'))::int as overdue
         from ${this.schema}.recon_discrepancies d where d.status <> 'closed'`,
      [discrepancyStreamId('')],
    );
    const row = rows[0];
    return { open: row?.open ?? 0, escalated: row?.escalated ?? 0, overdue: row?.overdue ?? 0 };
  }

  /** Discrepancies by status (`open` includes explained but not closed), newest discovery first. */
  async list(status: 'open' | 'closed' | 'all', limit: number): Promise<DiscrepancyState[]> {
    const { rows } = await this.options.store.pool.query<{ discrepancy_id: string }>(
      `select discrepancy_id from ${this.schema}.recon_discrepancies
        where $1 = 'all' or ($1 = 'open' and status <> 'closed') or ($1 = 'closed' and status = 'closed')
        order by discovered_on desc, discrepancy_id limit $2`,
      [status, Math.min(limit, OPEN_DISCREPANCIES_MAX)],
    );
    const states = await Promise.all(rows.map((row) => this.discrepancy(row.discrepancy_id)));
    return states.filter((state): state is DiscrepancyState => state !== undefined);
  }

  /**
   * A run's differences against the open discrepancies in its scope, in the run's transaction:
   * new ones detected, known ones persisting, the ones no longer found confirmed gone. `at` is the
   * run's own time: a new one is discovered on its date (TW-14.3 counts from the day after), not
   * on `businessDay`, the day the run is about (earlier, for a late run).
   */
  async fromRun(
    differences: readonly Difference[],
    inScope: (difference: Pick<Difference, 'asset' | 'source'>) => boolean,
    runId: string,
    businessDay: string,
    at: string,
    transaction: Transaction,
  ): Promise<RunOutcome> {
    await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [
      `custody.recon-discrepancies.${this.schema}`,
    ]);
    const { rows } = await transaction.client.query<{
      discrepancy_id: string;
      match_key: string;
      business_day: string;
    }>(
      `select discrepancy_id, match_key, coalesce(business_day, discovered_on) as business_day from ${this.schema}.recon_discrepancies where status <> 'closed' limit ${OPEN_DISCREPANCIES_MAX}`,
    );
    const scoped = rows.filter((row) => {
      const [asset = '', source = ''] = row.match_key.split('/');
      return inScope({ asset, source: source as Difference['source'] });
    });
    const openByKey = new Map(scoped.map((row) => [row.match_key, row.discrepancy_id]));
    // a run of an earlier day says nothing about what a run of a later day found: it neither finds it persisting nor
    // confirms it gone. Days the runs are ABOUT: a late run's discovery day is later than the day it is about (TW-14.3).
    const runDayOf = new Map(scoped.map((row) => [row.discrepancy_id, row.business_day]));
    const notifications: DiscrepancyEvent[] = [];
    const execute = async (discrepancyId: string, command: DiscrepancyCommand) => {
      const executed = await this.streams.execute(
        discrepancyStreamId(discrepancyId),
        DISCREPANCY_AGGREGATE,
        (state) => decideDiscrepancy(command, state, this.options.calendar),
        { actor: 'reconciliation' },
        { transaction, afterAppend: (events, state, tx) => this.index(events, state, tx) },
      );
      if (!executed.ok)
        throw new Error(
          `assertion: ${command.type} refused for ${discrepancyId}: ${executed.error.code}`,
        );
      notifications.push(...executed.events.filter((event) => NOTIFIED.has(event.type)));
      return executed.events;
    };
    const opened: string[] = [];
    const persisting: string[] = [];
    const named: (Difference & { discrepancyId: string })[] = [];
    for (const difference of differences) {
      const existing = openByKey.get(keyOf(difference));
      if (existing !== undefined && (runDayOf.get(existing) ?? '') <= businessDay) {
        persisting.push(existing);
        named.push({ discrepancyId: existing, ...difference });
        continue;
      }
      // the same difference may come back the same day after one was closed: each is its own discrepancy
      const base = `DSC-${businessDay}-${difference.asset}-${difference.source}-${difference.kind}`;
      const { rows: earlier } = await transaction.client.query<{ n: number }>(
        `select count(*)::int as n from ${this.schema}.recon_discrepancies where discrepancy_id = $1 or discrepancy_id like $2`,
        [base, `${base}-%`],
      );
      const count = earlier[0]?.n ?? 0;
      const discrepancyId = count === 0 ? base : `${base}-${count + 1}`;
      const detected = await execute(discrepancyId, {
        type: 'DetectDiscrepancy',
        discrepancyId,
        difference,
        runId,
        businessDay,
        explainWithinMs: this.options.explainWithinMs ?? EXPLAIN_WITHIN_MS_DEFAULT,
        at,
      });
      if (detected.length === 0) throw new Error(`assertion: ${discrepancyId} was detected before`);
      opened.push(discrepancyId);
      named.push({ discrepancyId, ...difference });
    }
    const found = new Set(differences.map(keyOf));
    const confirmedGone: string[] = [];
    for (const [key, discrepancyId] of [...openByKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (found.has(key) || (runDayOf.get(discrepancyId) ?? '') > businessDay) continue;
      const events = await execute(discrepancyId, {
        type: 'ConfirmResolvedByRun',
        runId,
        remainingMinor: 0n,
        at,
      });
      if (events.some((event) => event.type === 'DiscrepancyClosed'))
        confirmedGone.push(discrepancyId);
    }
    return { differences: named, opened, persisting, confirmedGone, notifications };
  }

  /** An operator's act on a discrepancy (note, explanation, top-up). */
  async act(
    discrepancyId: string,
    command: Extract<
      DiscrepancyCommand,
      { type: 'AddInvestigationNote' | 'ExplainDiscrepancy' | 'RecordTopUp' }
    >,
  ) {
    return this.streams.execute(
      discrepancyStreamId(discrepancyId),
      DISCREPANCY_AGGREGATE,
      (state) => decideDiscrepancy(command, state, this.options.calendar),
      { actor: command.by },
      { afterAppend: (events, state, tx) => this.index(events, state, tx) },
    );
  }

  /**
   * The schedule: every discrepancy not closed is checked against its deadlines as of now
   * (escalation once past the explanation deadline, overdue once past the top-up due day).
   */
  async checkDeadlines(): Promise<DiscrepancyEvent[]> {
    const at = this.now().toISOString();
    const today = localParts(at, this.options.calendar.timeZone).day;
    const { rows } = await this.options.store.pool.query<{ discrepancy_id: string }>(
      `select discrepancy_id from ${this.schema}.recon_discrepancies where status <> 'closed' order by discrepancy_id limit ${OPEN_DISCREPANCIES_MAX}`,
    );
    const raised: DiscrepancyEvent[] = [];
    for (const { discrepancy_id: discrepancyId } of rows) {
      const executed = await this.streams.execute(
        discrepancyStreamId(discrepancyId),
        DISCREPANCY_AGGREGATE,
        (state) =>
          decideDiscrepancy({ type: 'CheckDeadlines', today, at }, state, this.options.calendar),
        { actor: 'reconciliation' },
        { afterAppend: (events, state, tx) => this.index(events, state, tx) },
      );
      if (executed.ok) raised.push(...executed.events.filter((event) => NOTIFIED.has(event.type)));
    }
    await this.deliver(raised);
    return raised;
  }

  /** Notifications after the commit; a failed one is reported, never lost (the event stands). */
  async deliver(events: readonly DiscrepancyEvent[]): Promise<void> {
    for (const event of events) {
      try {
        await this.options.notifier.notify(event);
      } catch (error) {
        this.options.onNotifyError?.(error);
      }
    }
  }

  private async index(
    events: readonly DiscrepancyEvent[],
    state: DiscrepancyState | undefined,
    transaction: Transaction,
  ): Promise<void> {
    if (events.length === 0 || state === undefined) return;
    await transaction.client.query(
      `insert into ${this.schema}.recon_discrepancies (discrepancy_id, match_key, status, discovered_on, business_day) values ($1, $2, $3, $4, $5)
       on conflict (discrepancy_id) do update set status = excluded.status`,
      [
        state.discrepancyId,
        keyOf(state.difference),
        state.status,
        state.discoveredOn,
        state.businessDay,
      ],
    );
  }
}
