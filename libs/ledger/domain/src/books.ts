import { postedBalance } from './accounts';
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
      totals.clientsFloored += posted > 0n ? posted : 0n;
    } else totals.house += account.purpose === 'network-fee-expense' ? -posted : posted;
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
