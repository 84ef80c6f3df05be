import type { JournalPostedV1 } from '@custody/contracts';
import {
  PRICE_CLOCK_SKEW_MS,
  type ComminglingEvent,
  type PolicyError,
} from '@custody/policy-domain';
import type { PoolClient } from 'pg';

/** A ledger journal as published (JournalPosted v1): amounts are decimal text. */
export type LedgerJournal = Pick<JournalPostedV1['data'], 'journalId' | 'entries'>;

/**
 * The writers of the facts tables (facts-tables.ts). Each changes the current table and appends
 * the change, at the evaluation instant that made it, to a history table: the status as of a past
 * instant is the rules over the history.
 */
export class FactsRecorder {
  constructor(private readonly schema: string) {}

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

  /** TW-4: the house amounts of recorded commingling exceptions, now in their client wallets. */
  async addHouseHoldings(
    client: PoolClient,
    recordedAt: string,
    exceptions: readonly ComminglingEvent[],
  ): Promise<void> {
    for (const { data } of exceptions)
      await this.addHolding(client, recordedAt, data.walletId, data.asset, 0n, data.amountMinor);
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
}
