import {
  EventSourcedStreams,
  withSchemaDdl,
  type Executed,
  type PostgresEventStore,
  type Transaction,
} from '@custody/event-store';
import {
  activeProfile,
  capitalReport,
  decideComminglingException,
  decideGovernance,
  defaultProfile,
  evaluateCompliance,
  PRICE_CLOCK_SKEW_MS,
  trackBreaches,
  type BreachEvent,
  type CapitalReport,
  type ComminglingEvent,
  type ComminglingState,
  type ComplianceFacts,
  type CryptoAssetGroup,
  type GovernanceCommand,
  type GovernanceEvent,
  type GovernanceState,
  type InsurancePolicy,
  type Jurisdiction,
  type LedgerBooks,
  onChainCheck,
  onChainFacts,
  type ChainBalance,
  type OpenBreach,
  type PolicyError,
  type PolicyProfile,
  type RecordComminglingException,
  type RuleResult,
  type WalletHolding,
  type WithdrawalLimits,
} from '@custody/policy-domain';
import type { JournalPostedV1 } from '@custody/contracts';
import type { Pool, PoolClient } from 'pg';
import { blockAtOrBefore, type ChainReader } from '@custody/chain';
import { WithdrawalDecisions } from './withdrawal-decisions';
import {
  BREACHES_AGGREGATE,
  BREACHES_STREAM_ID,
  COMMINGLING_AGGREGATE,
  COMMINGLING_STREAM_ID,
  GOVERNANCE_AGGREGATE,
  GOVERNANCE_STREAM_ID,
  ONCHAIN_CHECKS_AGGREGATE,
  ONCHAIN_CHECKS_STREAM_ID,
  POLICY_CODEC,
  type OnChainCheckRecorded,
} from './policy-streams';

/** Wallet holdings one evaluation reads (a deployment has tens of wallets and assets, not thousands). */
export const HOLDINGS_ROWS_MAX = 10_000;

export interface PolicyServiceOptions {
  readonly store: PostgresEventStore;
  /** The jurisdictions whose default thresholds apply until a policy version is approved. */
  readonly jurisdictions: readonly Jurisdiction[];
  /** ISO 4217 currency values are reported in (prices in another currency are not used). */
  readonly reportCurrency: string;
  /** asset -> decimals of its minor unit (the asset registry). */
  readonly decimals: ReadonlyMap<string, number>;
  /** HK-11j: the insurance or compensation arrangements in force (configuration). */
  readonly insurance: readonly InsurancePolicy[];
  /** BC-3: Tier 1 capital in the report currency, decimal text; absent: no capital report. */
  readonly tier1Capital?: string;
  /** Daily limits and quorum tiers for client withdrawals; absent: none, a quorum of two. */
  readonly withdrawalLimits?: WithdrawalLimits;
  readonly now?: () => Date;
}

export type GovernanceRequest =
  | Exclude<GovernanceCommand, { type: 'ProposePolicyVersion' }>
  | Omit<Extract<GovernanceCommand, { type: 'ProposePolicyVersion' }>, 'licensedJurisdictions'>;

/** A ledger journal as published (JournalPosted v1): amounts are decimal text. */
export type LedgerJournal = Pick<JournalPostedV1['data'], 'journalId' | 'entries'>;

export type PolicyRefusal = { readonly ok: false; readonly error: PolicyError };

export interface ComplianceStatus {
  readonly asOf: string;
  readonly policyVersion: string;
  /** 'approved' when a version went through maker-checker; 'default' while none has (the texts' thresholds). */
  readonly policySource: 'approved' | 'default';
  readonly results: readonly RuleResult[];
  readonly openBreaches: readonly OpenBreach[];
}

/**
 * The policy service's commands and evaluations (TW-3/4, HK-11g/j, BC-1..4): policy versions and
 * classifications by maker-checker, commingling exceptions, and the compliance rules over facts
 * kept from the wallet's movements and the exchange's prices, each failing rule opening a breach
 * once (`ComplianceBreachDetected`, relayed to custody.policy.events.v1) and closing it on a pass.
 */
export class PolicyService {
  readonly streams: EventSourcedStreams;
  readonly withdrawals: WithdrawalDecisions;
  private readonly now: () => Date;

  constructor(readonly options: PolicyServiceOptions) {
    this.streams = new EventSourcedStreams(options.store, POLICY_CODEC);
    this.now = options.now ?? (() => new Date());
    this.withdrawals = new WithdrawalDecisions(this, options.withdrawalLimits);
  }

  get store(): PostgresEventStore {
    return this.options.store;
  }

  get schema(): string {
    return this.options.store.schema;
  }

  at(): string {
    return this.now().toISOString();
  }

  /** The read tables of the facts (after the event store's schema). Idempotent. */
  async migrate(pool: Pool = this.store.pool): Promise<void> {
    await withSchemaDdl(pool, this.schema, async (client) => {
      await client.query(`
        create table if not exists ${this.schema}.policy_wallets (
          wallet_id text primary key,
          tier text not null check (tier in ('cold', 'hot')),
          owner_class text not null check (owner_class in ('client-segregated', 'house')),
          chain text not null
        );
        create table if not exists ${this.schema}.policy_holdings (
          wallet_id text not null,
          asset text not null,
          client_minor numeric(78, 0) not null default 0,
          house_minor numeric(78, 0) not null default 0,
          primary key (wallet_id, asset)
        );
        create table if not exists ${this.schema}.policy_prices (
          asset text not null,
          quote_currency text not null,
          price text not null,
          observed_at timestamptz not null,
          primary key (asset, quote_currency)
        );
        create table if not exists ${this.schema}.policy_books (
          account_kind text not null check (account_kind in ('client', 'custody')),
          account_id text not null,
          asset text not null,
          balance_minor numeric(78, 0) not null default 0,
          primary key (account_kind, account_id, asset)
        );
        create table if not exists ${this.schema}.policy_journals (journal_id text primary key, recorded_at timestamptz not null);
        -- history: every change to the tables above, at the evaluation instant that made it (point-in-time status)
        create table if not exists ${this.schema}.policy_wallet_history (
          seq bigserial primary key, recorded_at timestamptz not null,
          wallet_id text not null, tier text not null, owner_class text not null, chain text not null
        );
        create table if not exists ${this.schema}.policy_holding_changes (
          seq bigserial primary key, recorded_at timestamptz not null,
          wallet_id text not null, asset text not null, client_delta numeric(78, 0) not null, house_delta numeric(78, 0) not null
        );
        create table if not exists ${this.schema}.policy_price_history (
          seq bigserial primary key, recorded_at timestamptz not null,
          asset text not null, quote_currency text not null, price text not null, observed_at timestamptz not null
        );
        create table if not exists ${this.schema}.policy_book_changes (
          seq bigserial primary key, recorded_at timestamptz not null,
          account_kind text not null, account_id text not null, asset text not null, delta_minor numeric(78, 0) not null
        );
        create index if not exists policy_holding_changes_recorded on ${this.schema}.policy_holding_changes (recorded_at);
        create index if not exists policy_price_history_recorded on ${this.schema}.policy_price_history (recorded_at);
        create index if not exists policy_book_changes_recorded on ${this.schema}.policy_book_changes (recorded_at);
        alter table ${this.schema}.policy_wallets add column if not exists address text;
        -- a store from before the history tables: its facts as they stand become the history's baseline (point-in-time from now on)
        insert into ${this.schema}.policy_wallet_history (recorded_at, wallet_id, tier, owner_class, chain)
          select now(), wallet_id, tier, owner_class, chain from ${this.schema}.policy_wallets where not exists (select 1 from ${this.schema}.policy_wallet_history);
        insert into ${this.schema}.policy_holding_changes (recorded_at, wallet_id, asset, client_delta, house_delta)
          select now(), wallet_id, asset, client_minor, house_minor from ${this.schema}.policy_holdings where not exists (select 1 from ${this.schema}.policy_holding_changes);
        insert into ${this.schema}.policy_price_history (recorded_at, asset, quote_currency, price, observed_at)
          select now(), asset, quote_currency, price, observed_at from ${this.schema}.policy_prices where not exists (select 1 from ${this.schema}.policy_price_history);
        insert into ${this.schema}.policy_book_changes (recorded_at, account_kind, account_id, asset, delta_minor)
          select now(), account_kind, account_id, asset, balance_minor from ${this.schema}.policy_books where not exists (select 1 from ${this.schema}.policy_book_changes);`);
      await this.withdrawals.migrate(client);
    });
  }

  // ---- governance (maker-checker) ----

  /** The governance record now, or as of a past instant (the decisions taken by then). */
  async governance(transaction?: Transaction, asOf?: string): Promise<GovernanceState> {
    return (
      await this.streams.load(
        GOVERNANCE_STREAM_ID,
        GOVERNANCE_AGGREGATE,
        transaction,
        asOf === undefined ? undefined : (event) => Date.parse(event.data.at) <= Date.parse(asOf),
      )
    ).state;
  }

  /** A governance command; a proposal is checked against the jurisdictions this deployment is licensed in. */
  govern(
    request: GovernanceRequest,
  ): Promise<Executed<GovernanceState, GovernanceEvent, PolicyError>> {
    const command: GovernanceCommand =
      request.type === 'ProposePolicyVersion'
        ? { ...request, licensedJurisdictions: this.options.jurisdictions }
        : request;
    return this.streams.execute(
      GOVERNANCE_STREAM_ID,
      GOVERNANCE_AGGREGATE,
      (state) => decideGovernance(command, state),
      { actor: command.by },
    );
  }

  /** The approved version in force, or the default thresholds of the configured jurisdictions. */
  async profile(
    transaction?: Transaction,
    asOf?: string,
  ): Promise<{ readonly profile: PolicyProfile; readonly source: 'approved' | 'default' }> {
    const approved = activeProfile(await this.governance(transaction, asOf));
    return approved === undefined
      ? { profile: defaultProfile(this.options.jurisdictions), source: 'default' }
      : { profile: approved, source: 'approved' };
  }

  // ---- commingling exceptions (TW-4) ----

  async recordComminglingException(
    command: Omit<RecordComminglingException, 'at'>,
  ): Promise<Executed<ComminglingState, ComminglingEvent, PolicyError> | PolicyRefusal> {
    return this.store.withTransaction(async (transaction) => {
      const at = await this.evaluationInstant(transaction);
      const { rows } = await transaction.client.query<{
        tier: 'cold' | 'hot';
        owner_class: 'client-segregated' | 'house';
      }>(`select tier, owner_class from ${this.schema}.policy_wallets where wallet_id = $1`, [
        command.walletId,
      ]);
      const wallet =
        rows[0] === undefined ? undefined : { tier: rows[0].tier, ownerClass: rows[0].owner_class };
      const executed = await this.streams.execute(
        COMMINGLING_STREAM_ID,
        COMMINGLING_AGGREGATE,
        (state) => decideComminglingException({ ...command, at }, state, wallet),
        { actor: command.by },
        {
          transaction,
          afterAppend: async (events, _state, tx) => {
            for (const event of events)
              await this.addHolding(
                tx.client,
                at,
                event.data.walletId,
                event.data.asset,
                0n,
                event.data.amountMinor,
              );
          },
        },
      );
      if (executed.ok && executed.events.length > 0) await this.evaluateAndRecord(at, transaction);
      return executed;
    });
  }

  // ---- facts ----
  // Each writer changes the current table and appends the change, at the evaluation instant that
  // made it, to a history table: the status as of a past instant is the rules over the history.

  async registerWallet(
    client: PoolClient,
    recordedAt: string,
    wallet: {
      walletId: string;
      tier: 'cold' | 'hot';
      ownerClass: 'client-segregated' | 'house';
      chain: string;
      address: string;
    },
  ): Promise<void> {
    const values = [wallet.walletId, wallet.tier, wallet.ownerClass, wallet.chain];
    await client.query(
      `insert into ${this.schema}.policy_wallets (wallet_id, tier, owner_class, chain, address) values ($1, $2, $3, $4, $5)
       on conflict (wallet_id) do update set tier = excluded.tier, owner_class = excluded.owner_class, chain = excluded.chain, address = excluded.address`,
      [...values, wallet.address],
    );
    await client.query(
      `insert into ${this.schema}.policy_wallet_history (recorded_at, wallet_id, tier, owner_class, chain) values ($5, $1, $2, $3, $4)`,
      [...values, recordedAt],
    );
  }

  /** Adds (or, negative, removes) client and house minor units of an asset to a wallet's holdings. */
  async addHolding(
    client: PoolClient,
    recordedAt: string,
    walletId: string,
    asset: string,
    clientDeltaMinor: bigint,
    houseDeltaMinor: bigint,
  ): Promise<void> {
    const values = [walletId, asset, clientDeltaMinor.toString(), houseDeltaMinor.toString()];
    await client.query(
      `insert into ${this.schema}.policy_holdings (wallet_id, asset, client_minor, house_minor) values ($1, $2, $3, $4)
       on conflict (wallet_id, asset) do update set client_minor = policy_holdings.client_minor + excluded.client_minor, house_minor = policy_holdings.house_minor + excluded.house_minor`,
      values,
    );
    await client.query(
      `insert into ${this.schema}.policy_holding_changes (recorded_at, wallet_id, asset, client_delta, house_delta) values ($5, $1, $2, $3, $4)`,
      [...values, recordedAt],
    );
  }

  /**
   * Keeps the newest price per asset and currency (an older observation arriving late changes
   * nothing). A price observed ahead of this service's clock, or not above zero, is refused: one
   * such price would otherwise shadow every correct one after it.
   */
  async observePrice(
    client: PoolClient,
    recordedAt: string,
    price: { asset: string; quoteCurrency: string; price: string; observedAt: string },
  ): Promise<PolicyError | undefined> {
    if (Date.parse(price.observedAt) > Date.parse(recordedAt) + PRICE_CLOCK_SKEW_MS)
      return {
        code: 'PRICE_FROM_THE_FUTURE',
        path: 'observedAt',
        reason: `observed at ${price.observedAt}, after ${recordedAt}`,
      };
    if (/^0(\.0*)?$/.test(price.price))
      return {
        code: 'PRICE_NOT_POSITIVE',
        path: 'price',
        reason: 'a price of zero values nothing',
      };
    const values = [price.asset, price.quoteCurrency, price.price, price.observedAt];
    await client.query(
      `insert into ${this.schema}.policy_prices (asset, quote_currency, price, observed_at) values ($1, $2, $3, $4)
       on conflict (asset, quote_currency) do update set price = excluded.price, observed_at = excluded.observed_at where policy_prices.observed_at < excluded.observed_at`,
      values,
    );
    await client.query(
      `insert into ${this.schema}.policy_price_history (recorded_at, asset, quote_currency, price, observed_at) values ($5, $1, $2, $3, $4)`,
      [...values, recordedAt],
    );
    return undefined;
  }

  /**
   * A ledger journal (HK-8 double entry) moves the books the segregation rule reads: client
   * accounts (credit-normal: what the institution owes) and custody accounts per wallet
   * (debit-normal: what each wallet holds). House accounts are the difference and are not kept.
   * The ledger publishes a journal once per client it touches: it counts once, by its id.
   */
  async postJournal(
    client: PoolClient,
    recordedAt: string,
    journal: LedgerJournal,
  ): Promise<boolean> {
    const { rowCount } = await client.query(
      `insert into ${this.schema}.policy_journals (journal_id, recorded_at) values ($1, $2) on conflict do nothing`,
      [journal.journalId, recordedAt],
    );
    if (rowCount === 0) return false;
    const deltas = new Map<
      string,
      { kind: 'client' | 'custody'; id: string; asset: string; delta: bigint }
    >();
    for (const entry of journal.entries) {
      const account = entry.account;
      if (account.kind === 'house') continue;
      const id = account.kind === 'client' ? account.clientId : account.walletId;
      const sign = (account.kind === 'client') === (entry.side === 'credit') ? 1n : -1n;
      const key = `${account.kind}\u0000${id}\u0000${account.asset}`;
      const previous = deltas.get(key);
      deltas.set(key, {
        kind: account.kind,
        id,
        asset: account.asset,
        delta: (previous?.delta ?? 0n) + sign * BigInt(entry.amountMinor),
      });
    }
    const rows = [...deltas.values()].filter((row) => row.delta !== 0n);
    if (rows.length === 0) return true;
    const columns = [
      rows.map((row) => row.kind),
      rows.map((row) => row.id),
      rows.map((row) => row.asset),
      rows.map((row) => row.delta.toString()),
    ];
    await client.query(
      `insert into ${this.schema}.policy_books (account_kind, account_id, asset, balance_minor)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::numeric[])
       on conflict (account_kind, account_id, asset) do update set balance_minor = policy_books.balance_minor + excluded.balance_minor`,
      columns,
    );
    await client.query(
      `insert into ${this.schema}.policy_book_changes (recorded_at, account_kind, account_id, asset, delta_minor)
       select $5, * from unnest($1::text[], $2::text[], $3::text[], $4::numeric[])`,
      [...columns, recordedAt],
    );
    return true;
  }

  /**
   * The facts as they stand (in this transaction, or now), as of `asOf`. With `pointInTime`, as
   * they stood at `asOf` instead: rebuilt from the history tables and the streams' events up to it.
   */
  async facts(
    asOf: string,
    transaction?: Transaction,
    pointInTime = false,
  ): Promise<ComplianceFacts> {
    const db = transaction?.client ?? this.store.pool;
    const s = this.schema;
    const past = pointInTime ? [asOf] : [];
    const wallets = pointInTime
      ? `(select distinct on (wallet_id) wallet_id, tier, owner_class from ${s}.policy_wallet_history where recorded_at <= $1 order by wallet_id, seq desc)`
      : `${s}.policy_wallets`;
    const holdingsTable = pointInTime
      ? `(select wallet_id, asset, sum(client_delta) as client_minor, sum(house_delta) as house_minor from ${s}.policy_holding_changes where recorded_at <= $1 group by wallet_id, asset)`
      : `${s}.policy_holdings`;
    const books = pointInTime
      ? `(select account_kind, account_id, asset, sum(delta_minor) as balance_minor from ${s}.policy_book_changes where recorded_at <= $1 group by account_kind, account_id, asset)`
      : `${s}.policy_books`;
    const { rows } = await db.query<{
      wallet_id: string;
      tier: 'cold' | 'hot';
      owner_class: 'client-segregated' | 'house';
      asset: string;
      client_minor: string;
      house_minor: string;
    }>(
      `select h.wallet_id, w.tier, w.owner_class, h.asset, h.client_minor::text, h.house_minor::text
         from ${holdingsTable} h join ${wallets} w using (wallet_id)
        order by h.wallet_id, h.asset limit ${HOLDINGS_ROWS_MAX + 1}`,
      past,
    );
    if (rows.length > HOLDINGS_ROWS_MAX)
      throw new Error(`more than ${HOLDINGS_ROWS_MAX} wallet holdings: evaluate per chain`);
    const holdings: WalletHolding[] = rows.map((row) => {
      const clientMinor = BigInt(row.client_minor);
      const houseMinor = BigInt(row.house_minor);
      // the books' view: what the wallet's recorded movements leave in it (TW-14's monthly on-chain check is reconciliation's)
      return {
        walletId: row.wallet_id,
        tier: row.tier,
        ownerClass: row.owner_class,
        asset: row.asset,
        clientMinor,
        houseMinor,
        onChainMinor: clientMinor + houseMinor,
      };
    });
    const { rows: priceRows } = pointInTime
      ? await db.query<{ asset: string; price: string; observed_at: Date }>(
          `select distinct on (asset) asset, price, observed_at from ${s}.policy_price_history where quote_currency = $2 and recorded_at <= $1 order by asset, observed_at desc, seq`,
          [asOf, this.options.reportCurrency],
        )
      : await db.query<{ asset: string; price: string; observed_at: Date }>(
          `select asset, price, observed_at from ${s}.policy_prices where quote_currency = $1`,
          [this.options.reportCurrency],
        );
    const prices = new Map(
      priceRows.map((row) => [
        row.asset,
        { asset: row.asset, price: row.price, observedAt: row.observed_at.toISOString() },
      ]),
    );
    const commingling = (
      await this.streams.load(
        COMMINGLING_STREAM_ID,
        COMMINGLING_AGGREGATE,
        transaction,
        pointInTime ? (event) => Date.parse(event.data.at) <= Date.parse(asOf) : undefined,
      )
    ).state;
    // house wallets receive what the wallet service does not publish as client deposits: their balances are unknown here
    const { rows: houseWallets } = await db.query<{ wallet_id: string }>(
      `select wallet_id from ${wallets} w where owner_class = 'house' order by wallet_id`,
      past,
    );
    const gaps = houseWallets.map(
      (row) =>
        `house wallet ${row.wallet_id}: its balance is not observed by the policy service (own holdings are incomplete)`,
    );
    const { rows: liabilityRows } = await db.query<{ asset: string; owed: string }>(
      `select asset, sum(greatest(balance_minor, 0))::text as owed from ${books} b where account_kind = 'client' group by asset order by asset`,
      past,
    );
    const { rows: custodyRows } = await db.query<{
      wallet_id: string;
      owner_class: string | null;
      asset: string;
      balance: string;
    }>(
      `select b.account_id as wallet_id, w.owner_class, b.asset, b.balance_minor::text as balance
         from ${books} b left join ${wallets} w on w.wallet_id = b.account_id
        where b.account_kind = 'custody' order by b.account_id, b.asset limit ${HOLDINGS_ROWS_MAX + 1}`,
      past,
    );
    if (custodyRows.length > HOLDINGS_ROWS_MAX)
      throw new Error(`more than ${HOLDINGS_ROWS_MAX} custody accounts: evaluate per chain`);
    const ledgerBooks: LedgerBooks = {
      clientLiabilities: new Map(liabilityRows.map((row) => [row.asset, BigInt(row.owed)])),
      custody: custodyRows.map((row) => ({
        walletId: row.wallet_id,
        ownerClass:
          row.owner_class === 'client-segregated' || row.owner_class === 'house'
            ? row.owner_class
            : 'unregistered',
        asset: row.asset,
        custodyMinor: BigInt(row.balance),
      })),
    };
    return {
      asOf,
      reportCurrency: this.options.reportCurrency,
      holdings,
      prices,
      decimals: this.options.decimals,
      exceptions: [...commingling.exceptions.values()],
      insurance: this.options.insurance,
      gaps,
      books: ledgerBooks,
    };
  }

  // ---- evaluation ----

  async openBreaches(transaction?: Transaction): Promise<ReadonlyMap<string, OpenBreach>> {
    return (await this.streams.load(BREACHES_STREAM_ID, BREACHES_AGGREGATE, transaction)).state;
  }

  /**
   * One evaluation at a time (the consumer's batches, the schedule, commands; every replica):
   * facts, results and breach record are written and read under one lock, held to the end of the
   * transaction, and the instant is taken under it, so the history's times follow its order and no
   * evaluation decides on facts another has since changed. The facts a transaction writes are
   * recorded at this instant; pass it on to `evaluateAndRecord`.
   */
  async evaluationInstant(transaction: Transaction): Promise<string> {
    await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [
      `custody.policy-evaluation.${this.schema}`,
    ]);
    return this.at();
  }

  /**
   * Runs every rule over the facts as of `at` and records what changed: a breach detected once, a
   * breach resolved once; the same facts evaluated again record nothing. In the caller's
   * transaction (the consumer's batch), so facts and breaches commit together.
   */
  async evaluateAndRecord(
    at: string | undefined,
    transaction: Transaction,
  ): Promise<{ readonly results: readonly RuleResult[]; readonly events: readonly BreachEvent[] }> {
    const instant = at ?? (await this.evaluationInstant(transaction));
    const { profile } = await this.profile(transaction);
    const results = evaluateCompliance(await this.facts(instant, transaction), profile);
    const executed = await this.streams.execute(
      BREACHES_STREAM_ID,
      BREACHES_AGGREGATE,
      (open) => ({ ok: true as const, events: trackBreaches(open, results, instant) }),
      { actor: 'policy-service' },
      { transaction },
    );
    return { results, events: executed.ok ? executed.events : [] };
  }

  /** The rules' answers now (not recorded) and the open breaches. */
  async status(): Promise<ComplianceStatus> {
    const asOf = this.at();
    const { profile, source } = await this.profile();
    return {
      asOf,
      policyVersion: profile.version,
      policySource: source,
      results: evaluateCompliance(await this.facts(asOf), profile),
      openBreaches: [...(await this.openBreaches()).values()],
    };
  }

  /**
   * The status as it was at a past instant, from history: the rules (this code) over the facts as
   * they had been recorded by then, under the policy version in force then, and the breaches
   * open then. For an instant the service had evaluated, equal to what its status said at that
   * instant (facts are recorded at the instant of the evaluation that took them in).
   */
  async statusAt(instant: string): Promise<ComplianceStatus> {
    const { profile, source } = await this.profile(undefined, instant);
    return {
      asOf: instant,
      policyVersion: profile.version,
      policySource: source,
      results: evaluateCompliance(await this.facts(instant, undefined, true), profile),
      openBreaches: await this.breachesAt(instant),
    };
  }

  /** The breaches that were open at a past instant, from the breach record (detections and resolutions up to it, by their own times). */
  async breachesAt(instant: string): Promise<readonly OpenBreach[]> {
    const limit = Date.parse(instant);
    const timeOf = (event: BreachEvent) =>
      Date.parse(
        event.type === 'ComplianceBreachDetected' ? event.data.detectedAt : event.data.resolvedAt,
      );
    return [
      ...(
        await this.streams.load(
          BREACHES_STREAM_ID,
          BREACHES_AGGREGATE,
          undefined,
          (event) => timeOf(event) <= limit,
        )
      ).state.values(),
    ];
  }

  /**
   * TW-14 (last paragraph): the cold storage ratios and the TW-4 cap recomputed from the chain
   * alone, at the last block of each chain before now, recorded as an `OnChainComplianceChecked`
   * event with the heights and every rule's evidence (relayed to custody.policy.events.v1).
   * Wallets on a chain with no reader are named, not assumed.
   */
  async onChainCheck(readers: readonly ChainReader[]): Promise<OnChainCheckRecorded['data']> {
    const at = this.at();
    const { rows: wallets } = await this.store.pool.query<{
      wallet_id: string;
      tier: 'cold' | 'hot';
      owner_class: 'client-segregated' | 'house';
      chain: string;
      address: string | null;
    }>(
      `select wallet_id, tier, owner_class, chain, address from ${this.schema}.policy_wallets order by wallet_id limit ${HOLDINGS_ROWS_MAX}`,
    );
    const facts = await this.facts(at);
    const balances: ChainBalance[] = [];
    const heights: { chain: string; blockNumber: string }[] = [];
    for (const reader of readers) {
      const onChain = wallets.filter(
        (wallet) => wallet.chain === reader.chain && wallet.address !== null,
      );
      if (onChain.length === 0) continue;
      const height = await blockAtOrBefore(reader, Date.parse(at));
      heights.push({
        chain: reader.chain,
        blockNumber: height === undefined ? 'none' : height.toString(),
      });
      for (const wallet of onChain) {
        const assets = [
          ...new Set(
            facts.holdings
              .filter((holding) => holding.walletId === wallet.wallet_id)
              .map((holding) => holding.asset),
          ),
        ]
          .filter((asset) => reader.assets.includes(asset))
          .sort();
        for (const asset of assets)
          balances.push({
            walletId: wallet.wallet_id,
            asset,
            balanceMinor:
              height === undefined
                ? 0n
                : await reader.balanceAt(wallet.address ?? '', asset, height),
          });
      }
    }
    const unread = wallets
      .filter(
        (wallet) =>
          wallet.address === null || !readers.some((reader) => reader.chain === wallet.chain),
      )
      .map((wallet) => wallet.wallet_id);
    const { profile } = await this.profile();
    const known = new Map(
      wallets.map((wallet) => [
        wallet.wallet_id,
        { tier: wallet.tier, ownerClass: wallet.owner_class },
      ]),
    );
    const results = onChainCheck(onChainFacts(facts, known, balances), profile);
    const data: OnChainCheckRecorded['data'] = {
      checkId: `onchain-${at}`,
      at,
      policyVersion: profile.version,
      heights,
      unread,
      balances,
      results,
    };
    await this.streams.execute(
      ONCHAIN_CHECKS_STREAM_ID,
      ONCHAIN_CHECKS_AGGREGATE,
      () => ({ ok: true as const, events: [{ type: 'OnChainComplianceChecked' as const, data }] }),
      { actor: 'policy-service' },
    );
    return data;
  }

  /** The on-chain checks recorded, newest first. */
  async onChainChecks(limit: number): Promise<OnChainCheckRecorded['data'][]> {
    const { state } = await this.streams.load(ONCHAIN_CHECKS_STREAM_ID, ONCHAIN_CHECKS_AGGREGATE);
    return state.slice(-limit).reverse();
  }

  /** BC-1..BC-4 as of now; undefined when no Tier 1 capital is configured. */
  async capitalReport(): Promise<CapitalReport | undefined> {
    const tier1 = this.options.tier1Capital;
    if (tier1 === undefined) return undefined;
    const asOf = this.at();
    const [{ profile }, governance, open] = await Promise.all([
      this.profile(),
      this.governance(),
      this.openBreaches(),
    ]);
    const classification: ReadonlyMap<string, CryptoAssetGroup> = governance.classification;
    return capitalReport(await this.facts(asOf), profile, classification, tier1, [
      ...open.values(),
    ]);
  }
}
