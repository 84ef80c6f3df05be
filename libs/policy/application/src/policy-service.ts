import { EventSourcedStreams, READ_PAGE_EVENTS_MAX, type Executed, type PostgresEventStore, type Transaction } from '@custody/event-store';
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
  type OpenBreach,
  type PolicyError,
  type PolicyProfile,
  type RecordComminglingException,
  type RuleResult,
  type WalletHolding,
} from '@custody/policy-domain';
import type { Pool, PoolClient } from 'pg';
import { BREACHES_AGGREGATE, BREACHES_STREAM_ID, COMMINGLING_AGGREGATE, COMMINGLING_STREAM_ID, GOVERNANCE_AGGREGATE, GOVERNANCE_STREAM_ID, POLICY_CODEC } from './policy-streams';

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
  readonly now?: () => Date;
}

export type GovernanceRequest = Exclude<GovernanceCommand, { type: 'ProposePolicyVersion' }> | Omit<Extract<GovernanceCommand, { type: 'ProposePolicyVersion' }>, 'licensedJurisdictions'>;

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
  private readonly now: () => Date;

  constructor(readonly options: PolicyServiceOptions) {
    this.streams = new EventSourcedStreams(options.store, POLICY_CODEC);
    this.now = options.now ?? (() => new Date());
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
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`custody.ddl.${this.schema}`]);
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
        );`);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  // ---- governance (maker-checker) ----

  async governance(transaction?: Transaction): Promise<GovernanceState> {
    return (await this.streams.load(GOVERNANCE_STREAM_ID, GOVERNANCE_AGGREGATE, transaction)).state;
  }

  /** A governance command; a proposal is checked against the jurisdictions this deployment is licensed in. */
  govern(request: GovernanceRequest): Promise<Executed<GovernanceState, GovernanceEvent, PolicyError>> {
    const command: GovernanceCommand = request.type === 'ProposePolicyVersion' ? { ...request, licensedJurisdictions: this.options.jurisdictions } : request;
    return this.streams.execute(GOVERNANCE_STREAM_ID, GOVERNANCE_AGGREGATE, (state) => decideGovernance(command, state), { actor: command.by });
  }

  /** The approved version in force, or the default thresholds of the configured jurisdictions. */
  async profile(transaction?: Transaction): Promise<{ readonly profile: PolicyProfile; readonly source: 'approved' | 'default' }> {
    const approved = activeProfile(await this.governance(transaction));
    return approved === undefined ? { profile: defaultProfile(this.options.jurisdictions), source: 'default' } : { profile: approved, source: 'approved' };
  }

  // ---- commingling exceptions (TW-4) ----

  async recordComminglingException(command: Omit<RecordComminglingException, 'at'>): Promise<Executed<ComminglingState, ComminglingEvent, PolicyError> | PolicyRefusal> {
    const at = this.at();
    return this.store.withTransaction(async (transaction) => {
      const { rows } = await transaction.client.query<{ tier: 'cold' | 'hot'; owner_class: 'client-segregated' | 'house' }>(`select tier, owner_class from ${this.schema}.policy_wallets where wallet_id = $1`, [command.walletId]);
      const wallet = rows[0] === undefined ? undefined : { tier: rows[0].tier, ownerClass: rows[0].owner_class };
      const executed = await this.streams.execute(COMMINGLING_STREAM_ID, COMMINGLING_AGGREGATE, (state) => decideComminglingException({ ...command, at }, state, wallet), { actor: command.by }, {
        transaction,
        afterAppend: async (events, _state, tx) => {
          for (const event of events) await this.addHolding(tx.client, event.data.walletId, event.data.asset, 0n, event.data.amountMinor);
        },
      });
      if (executed.ok && executed.events.length > 0) await this.evaluateAndRecord(undefined, transaction);
      return executed;
    });
  }

  // ---- facts ----

  async registerWallet(client: PoolClient, wallet: { walletId: string; tier: 'cold' | 'hot'; ownerClass: 'client-segregated' | 'house'; chain: string }): Promise<void> {
    await client.query(
      `insert into ${this.schema}.policy_wallets (wallet_id, tier, owner_class, chain) values ($1, $2, $3, $4)
       on conflict (wallet_id) do update set tier = excluded.tier, owner_class = excluded.owner_class, chain = excluded.chain`,
      [wallet.walletId, wallet.tier, wallet.ownerClass, wallet.chain],
    );
  }

  /** Adds (or, negative, removes) client and house minor units of an asset to a wallet's holdings. */
  async addHolding(client: PoolClient, walletId: string, asset: string, clientDeltaMinor: bigint, houseDeltaMinor: bigint): Promise<void> {
    await client.query(
      `insert into ${this.schema}.policy_holdings (wallet_id, asset, client_minor, house_minor) values ($1, $2, $3, $4)
       on conflict (wallet_id, asset) do update set client_minor = policy_holdings.client_minor + excluded.client_minor, house_minor = policy_holdings.house_minor + excluded.house_minor`,
      [walletId, asset, clientDeltaMinor.toString(), houseDeltaMinor.toString()],
    );
  }

  /**
   * Keeps the newest price per asset and currency (an older observation arriving late changes
   * nothing). A price observed ahead of this service's clock, or not above zero, is refused: one
   * such price would otherwise shadow every correct one after it.
   */
  async observePrice(client: PoolClient, price: { asset: string; quoteCurrency: string; price: string; observedAt: string }): Promise<PolicyError | undefined> {
    if (Date.parse(price.observedAt) > this.now().getTime() + PRICE_CLOCK_SKEW_MS) return { code: 'PRICE_FROM_THE_FUTURE', path: 'observedAt', reason: `observed at ${price.observedAt}, after ${this.at()}` };
    if (/^0(\.0*)?$/.test(price.price)) return { code: 'PRICE_NOT_POSITIVE', path: 'price', reason: 'a price of zero values nothing' };
    await client.query(
      `insert into ${this.schema}.policy_prices (asset, quote_currency, price, observed_at) values ($1, $2, $3, $4)
       on conflict (asset, quote_currency) do update set price = excluded.price, observed_at = excluded.observed_at where policy_prices.observed_at < excluded.observed_at`,
      [price.asset, price.quoteCurrency, price.price, price.observedAt],
    );
    return undefined;
  }

  /** The facts as they stand in this transaction (or now), as of `asOf`. */
  async facts(asOf: string, transaction?: Transaction): Promise<ComplianceFacts> {
    const db = transaction?.client ?? this.store.pool;
    const { rows } = await db.query<{ wallet_id: string; tier: 'cold' | 'hot'; owner_class: 'client-segregated' | 'house'; asset: string; client_minor: string; house_minor: string }>(
      `select h.wallet_id, w.tier, w.owner_class, h.asset, h.client_minor::text, h.house_minor::text
         from ${this.schema}.policy_holdings h join ${this.schema}.policy_wallets w using (wallet_id)
        order by h.wallet_id, h.asset limit ${HOLDINGS_ROWS_MAX + 1}`,
    );
    if (rows.length > HOLDINGS_ROWS_MAX) throw new Error(`more than ${HOLDINGS_ROWS_MAX} wallet holdings: evaluate per chain`);
    const holdings: WalletHolding[] = rows.map((row) => {
      const clientMinor = BigInt(row.client_minor);
      const houseMinor = BigInt(row.house_minor);
      // the books' view: what the wallet's recorded movements leave in it (TW-14's monthly on-chain check is reconciliation's)
      return { walletId: row.wallet_id, tier: row.tier, ownerClass: row.owner_class, asset: row.asset, clientMinor, houseMinor, onChainMinor: clientMinor + houseMinor };
    });
    const { rows: priceRows } = await db.query<{ asset: string; price: string; observed_at: Date }>(`select asset, price, observed_at from ${this.schema}.policy_prices where quote_currency = $1`, [this.options.reportCurrency]);
    const prices = new Map(priceRows.map((row) => [row.asset, { asset: row.asset, price: row.price, observedAt: row.observed_at.toISOString() }]));
    const commingling = (await this.streams.load(COMMINGLING_STREAM_ID, COMMINGLING_AGGREGATE, transaction)).state;
    // house wallets receive what the wallet service does not publish as client deposits: their balances are unknown here
    const { rows: houseWallets } = await db.query<{ wallet_id: string }>(`select wallet_id from ${this.schema}.policy_wallets where owner_class = 'house' order by wallet_id`);
    const gaps = houseWallets.map((row) => `house wallet ${row.wallet_id}: its balance is not observed by the policy service (own holdings are incomplete)`);
    return { asOf, reportCurrency: this.options.reportCurrency, holdings, prices, decimals: this.options.decimals, exceptions: [...commingling.exceptions.values()], insurance: this.options.insurance, gaps };
  }

  // ---- evaluation ----

  async openBreaches(transaction?: Transaction): Promise<ReadonlyMap<string, OpenBreach>> {
    return (await this.streams.load(BREACHES_STREAM_ID, BREACHES_AGGREGATE, transaction)).state;
  }

  /**
   * Runs every rule over the facts as of `at` and records what changed: a breach detected once, a
   * breach resolved once; the same facts evaluated again record nothing. In the caller's
   * transaction (the consumer's batch), so facts and breaches commit together.
   */
  async evaluateAndRecord(at: string | undefined, transaction: Transaction): Promise<{ readonly results: readonly RuleResult[]; readonly events: readonly BreachEvent[] }> {
    // One evaluation at a time (the consumer's batches, the schedule, commands; every replica): facts, results and
    // breach record are read and written under one lock, and the instant is taken under it, so the record's times
    // follow its order and no evaluation decides on facts another has since changed.
    await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [`custody.policy-evaluation.${this.schema}`]);
    const instant = at ?? this.at();
    const { profile } = await this.profile(transaction);
    const results = evaluateCompliance(await this.facts(instant, transaction), profile);
    const executed = await this.streams.execute(BREACHES_STREAM_ID, BREACHES_AGGREGATE, (open) => ({ ok: true as const, events: trackBreaches(open, results, instant) }), { actor: 'policy-service' }, { transaction });
    return { results, events: executed.ok ? executed.events : [] };
  }

  /** The rules' answers now (not recorded) and the open breaches. */
  async status(): Promise<ComplianceStatus> {
    const asOf = this.at();
    const { profile, source } = await this.profile();
    return { asOf, policyVersion: profile.version, policySource: source, results: evaluateCompliance(await this.facts(asOf), profile), openBreaches: [...(await this.openBreaches()).values()] };
  }

  /** The breaches that were open at a past instant, from the breach record (detections and resolutions up to it). */
  async breachesAt(instant: string): Promise<readonly OpenBreach[]> {
    const open = new Map<string, OpenBreach>();
    const limit = Date.parse(instant);
    for (let fromVersion = 1n; ; ) {
      const page = await this.store.readStream(BREACHES_STREAM_ID, { fromVersion, maxCount: READ_PAGE_EVENTS_MAX });
      for (const event of page) {
        const data = event.data as unknown as { breachId: string; detectedAt?: string; resolvedAt?: string };
        if (Date.parse(data.detectedAt ?? data.resolvedAt ?? '') > limit) continue; // each event by its own time
        if (event.type === 'ComplianceBreachDetected') open.set(data.breachId, event.data as unknown as OpenBreach);
        else open.delete(data.breachId);
      }
      if (page.length < READ_PAGE_EVENTS_MAX) return [...open.values()];
      fromVersion = (page.at(-1)?.streamVersion ?? 0n) + 1n;
    }
  }

  /** BC-1..BC-4 as of now; undefined when no Tier 1 capital is configured. */
  async capitalReport(): Promise<CapitalReport | undefined> {
    const tier1 = this.options.tier1Capital;
    if (tier1 === undefined) return undefined;
    const asOf = this.at();
    const [{ profile }, governance, open] = await Promise.all([this.profile(), this.governance(), this.openBreaches()]);
    const classification: ReadonlyMap<string, CryptoAssetGroup> = governance.classification;
    return capitalReport(await this.facts(asOf), profile, classification, tier1, [...open.values()]);
  }
}
