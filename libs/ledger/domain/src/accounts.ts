/**
 * The ledger's chart of accounts (HK-6 / TW-3 / TW-12: client assets in client accounts,
 * separate from the house's, per client and per asset, directly identifiable).
 *
 * - client: what the institution owes one client in one asset (a liability: credit-normal);
 * - house: the institution's own (fee revenue and inventory credit-normal, network-fee expense
 *   debit-normal);
 * - custody: what one wallet holds in one asset (an asset: debit-normal).
 */
export type HouseAccountPurpose = 'fee-revenue' | 'inventory' | 'network-fee-expense';

export type Account =
  | { readonly kind: 'client'; readonly clientId: string; readonly asset: string }
  | { readonly kind: 'house'; readonly purpose: HouseAccountPurpose; readonly asset: string }
  | { readonly kind: 'custody'; readonly walletId: string; readonly asset: string };

export type NormalSide = 'debit' | 'credit';

export function clientAccount(clientId: string, asset: string): Account {
  return { kind: 'client', clientId, asset };
}

export function houseAccount(purpose: HouseAccountPurpose, asset: string): Account {
  return { kind: 'house', purpose, asset };
}

export function custodyAccount(walletId: string, asset: string): Account {
  return { kind: 'custody', walletId, asset };
}

/** A stable text key: `client/<clientId>/<asset>`, `house/<purpose>/<asset>`, `custody/<walletId>/<asset>`. */
export function accountKey(account: Account): string {
  switch (account.kind) {
    case 'client':
      return `client/${account.clientId}/${account.asset}`;
    case 'house':
      return `house/${account.purpose}/${account.asset}`;
    case 'custody':
      return `custody/${account.walletId}/${account.asset}`;
    default: {
      const unreachable: never = account;
      throw new Error(`assertion: unknown account ${JSON.stringify(unreachable)}`);
    }
  }
}

export function normalSide(account: Account): NormalSide {
  switch (account.kind) {
    case 'client':
      return 'credit';
    case 'custody':
      return 'debit';
    case 'house':
      return account.purpose === 'network-fee-expense' ? 'debit' : 'credit';
    default: {
      const unreachable: never = account;
      throw new Error(`assertion: unknown account ${JSON.stringify(unreachable)}`);
    }
  }
}

/** TigerBeetle's four counters; every amount in the asset's smallest unit. */
export interface AccountBalance {
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  readonly debitsPending: bigint;
  readonly creditsPending: bigint;
}

export const ZERO_BALANCE: AccountBalance = {
  debitsPosted: 0n,
  creditsPosted: 0n,
  debitsPending: 0n,
  creditsPending: 0n,
};

/** The posted balance on the account's normal side (a client: what is owed to them). */
export function postedBalance(account: Account, balance: AccountBalance): bigint {
  return normalSide(account) === 'credit'
    ? balance.creditsPosted - balance.debitsPosted
    : balance.debitsPosted - balance.creditsPosted;
}

/** What a credit-normal account can still be debited: posted balance minus pending debits. */
export function availableBalance(account: Account, balance: AccountBalance): bigint {
  return postedBalance(account, balance) - balance.debitsPending;
}
