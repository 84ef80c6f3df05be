import type { EventSourcedStreams, PostgresEventStore, Transaction } from '@custody/event-store';
import {
  comminglingDecider,
  type ComplianceFacts,
  type InsurancePolicy,
  type LedgerBooks,
  type WalletHolding,
} from '@custody/policy-domain';
import { COMMINGLING_STREAM_ID } from './compliance-streams';

/** Wallet holdings one evaluation reads (a deployment has tens of wallets and assets, not thousands). */
export const HOLDINGS_ROWS_MAX = 10_000;

export interface ComplianceFactsSettings {
  /** ISO 4217 currency values are reported in (prices in another currency are not used). */
  readonly reportCurrency: string;
  /** asset -> decimals of its minor unit (the asset registry). */
  readonly decimals: ReadonlyMap<string, number>;
  /** HK-11j: the insurance or compensation arrangements in force (configuration). */
  readonly insurance: readonly InsurancePolicy[];
}

/** The facts every rule reads, from the facts tables (facts/facts-tables.ts) and the exceptions recorded. */
export class ComplianceFactsLoader {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly streams: EventSourcedStreams,
    private readonly settings: ComplianceFactsSettings,
  ) {}

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
    const s = this.store.schema;
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
          [asOf, this.settings.reportCurrency],
        )
      : await db.query<{ asset: string; price: string; observed_at: Date }>(
          `select asset, price, observed_at from ${s}.policy_prices where quote_currency = $1`,
          [this.settings.reportCurrency],
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
        comminglingDecider,
        transaction,
        pointInTime ? (event) => Date.parse(event.data.at) <= Date.parse(asOf) : undefined,
      )
    ).state;
    // a house wallet's movements are published (HouseDepositConfirmed, InternalTransferConfirmed,
    // NetworkFeePaid): its balance is known here once one of them has been observed; until then
    // (registered and never moved, or funded before the wallet service published house deposits) it is not
    const { rows: houseWallets } = await db.query<{ wallet_id: string }>(
      `select w.wallet_id from ${wallets} w where w.owner_class = 'house'
          and not exists (select 1 from ${holdingsTable} h where h.wallet_id = w.wallet_id)
        order by w.wallet_id`,
      past,
    );
    const gaps = houseWallets.map(
      (row) =>
        `house wallet ${row.wallet_id}: its balance is not observed by the policy service (no movement of it observed yet: own holdings are incomplete)`,
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
      reportCurrency: this.settings.reportCurrency,
      holdings,
      prices,
      decimals: this.settings.decimals,
      exceptions: [...commingling.exceptions.values()],
      insurance: this.settings.insurance,
      gaps,
      books: ledgerBooks,
    };
  }
}
