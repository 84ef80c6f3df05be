/**
 * The facts' read tables (after the event store's schema): wallets and their tiers, client and
 * house holdings per wallet and asset, latest prices, the ledger's books and the journals counted.
 * Each has a history table: every change at the evaluation instant that made it (point-in-time
 * status). Idempotent; a store from before the history tables gets its facts as they stand as the
 * history's baseline.
 */
export const factsTablesDdl = (schema: string): string => `
    create table if not exists ${schema}.policy_wallets (
      wallet_id text primary key,
      tier text not null check (tier in ('cold', 'hot')),
      owner_class text not null check (owner_class in ('client-segregated', 'house')),
      chain text not null
    );
    create table if not exists ${schema}.policy_holdings (
      wallet_id text not null,
      asset text not null,
      client_minor numeric(78, 0) not null default 0,
      house_minor numeric(78, 0) not null default 0,
      primary key (wallet_id, asset)
    );
    create table if not exists ${schema}.policy_prices (
      asset text not null,
      quote_currency text not null,
      price text not null,
      observed_at timestamptz not null,
      primary key (asset, quote_currency)
    );
    create table if not exists ${schema}.policy_books (
      account_kind text not null check (account_kind in ('client', 'custody')),
      account_id text not null,
      asset text not null,
      balance_minor numeric(78, 0) not null default 0,
      primary key (account_kind, account_id, asset)
    );
    create table if not exists ${schema}.policy_journals (journal_id text primary key, recorded_at timestamptz not null);
    -- history: every change to the tables above, at the evaluation instant that made it (point-in-time status)
    create table if not exists ${schema}.policy_wallet_history (
      seq bigserial primary key, recorded_at timestamptz not null,
      wallet_id text not null, tier text not null, owner_class text not null, chain text not null
    );
    create table if not exists ${schema}.policy_holding_changes (
      seq bigserial primary key, recorded_at timestamptz not null,
      wallet_id text not null, asset text not null, client_delta numeric(78, 0) not null, house_delta numeric(78, 0) not null
    );
    create table if not exists ${schema}.policy_price_history (
      seq bigserial primary key, recorded_at timestamptz not null,
      asset text not null, quote_currency text not null, price text not null, observed_at timestamptz not null
    );
    create table if not exists ${schema}.policy_book_changes (
      seq bigserial primary key, recorded_at timestamptz not null,
      account_kind text not null, account_id text not null, asset text not null, delta_minor numeric(78, 0) not null
    );
    create index if not exists policy_holding_changes_recorded on ${schema}.policy_holding_changes (recorded_at);
    create index if not exists policy_price_history_recorded on ${schema}.policy_price_history (recorded_at);
    create index if not exists policy_book_changes_recorded on ${schema}.policy_book_changes (recorded_at);
    alter table ${schema}.policy_wallets add column if not exists address text;
    -- a store from before the history tables: its facts as they stand become the history's baseline (point-in-time from now on)
    insert into ${schema}.policy_wallet_history (recorded_at, wallet_id, tier, owner_class, chain)
      select now(), wallet_id, tier, owner_class, chain from ${schema}.policy_wallets where not exists (select 1 from ${schema}.policy_wallet_history);
    insert into ${schema}.policy_holding_changes (recorded_at, wallet_id, asset, client_delta, house_delta)
      select now(), wallet_id, asset, client_minor, house_minor from ${schema}.policy_holdings where not exists (select 1 from ${schema}.policy_holding_changes);
    insert into ${schema}.policy_price_history (recorded_at, asset, quote_currency, price, observed_at)
      select now(), asset, quote_currency, price, observed_at from ${schema}.policy_prices where not exists (select 1 from ${schema}.policy_price_history);
    insert into ${schema}.policy_book_changes (recorded_at, account_kind, account_id, asset, delta_minor)
      select now(), account_kind, account_id, asset, balance_minor from ${schema}.policy_books where not exists (select 1 from ${schema}.policy_book_changes);`;
