import { postedBalance, type HouseAccountPurpose } from './accounts';
import type { LedgerState } from './ledger-state';

/** One asset's books: what the wallets hold against what is owed to clients and what the house has. */
export interface AssetBooks {
  readonly asset: string;
  /** Σ custody accounts (assets held in wallets). */
  readonly custodyMinor: bigint;
  /** Σ client accounts (liabilities), negatives included. */
  readonly clientLiabilitiesMinor: bigint;
  /** Σ client accounts with each negative balance counted as zero (TW-13.3). */
  readonly clientLiabilitiesFlooredMinor: bigint;
  /** Σ house accounts: fee revenue and inventory, less network-fee expense. */
  readonly houseMinor: bigint;
  /** custody − (client liabilities + house): zero while the books hold together. */
  readonly differenceMinor: bigint;
}

/**
 * What a house account's posted balance (or a change of it) adds to the house's total: fee
 * revenue and inventory count as they are, network-fee expense takes away (the fees left the
 * wallets). The books below and the projection's per-asset totals both count the house this way.
 */
export function houseShare(purpose: HouseAccountPurpose, postedMinor: bigint): bigint {
  return purpose === 'network-fee-expense' ? -postedMinor : postedMinor;
}

/** TW-13.3: what a client's posted balance counts for in the floored liabilities (a negative: zero). */
export function flooredLiability(postedMinor: bigint): bigint {
  return postedMinor > 0n ? postedMinor : 0n;
}

/**
 * The invariant of the books, per asset: client liabilities + house balances = custody assets
 * recorded. Double entry keeps it by construction; a non-zero difference is corruption or a bug.
 */
export function assetBooks(state: LedgerState): AssetBooks[] {
  const byAsset = new Map<
    string,
    { custody: bigint; clients: bigint; clientsFloored: bigint; house: bigint }
  >();
  for (const { account, balance } of state.accounts.values()) {
    const totals = byAsset.get(account.asset) ?? {
      custody: 0n,
      clients: 0n,
      clientsFloored: 0n,
      house: 0n,
    };
    const posted = postedBalance(account, balance);
    if (account.kind === 'custody') totals.custody += posted;
    else if (account.kind === 'client') {
      totals.clients += posted;
      totals.clientsFloored += flooredLiability(posted);
    } else totals.house += houseShare(account.purpose, posted);
    byAsset.set(account.asset, totals);
  }
  return [...byAsset.entries()]
    .sort(([left], [right]) => (left < right ? -1 : 1)) // the keys of one map are distinct: never equal
    .map(([asset, totals]) => ({
      asset,
      custodyMinor: totals.custody,
      clientLiabilitiesMinor: totals.clients,
      clientLiabilitiesFlooredMinor: totals.clientsFloored,
      houseMinor: totals.house,
      differenceMinor: totals.custody - totals.clients - totals.house,
    }));
}
