import { accountKey, type Account } from './accounts';

/** One line of a journal: one account, one side, a positive amount in the asset's smallest unit. */
export interface JournalEntry {
  readonly account: Account;
  readonly side: 'debit' | 'credit';
  readonly amountMinor: bigint;
}

/** Limit on the lines of one journal (a trade needs at most 8). */
export const JOURNAL_ENTRIES_MAX = 64;

export type JournalProblem =
  | { readonly code: 'JOURNAL_EMPTY' }
  | { readonly code: 'JOURNAL_TOO_LARGE'; readonly entries: number }
  | { readonly code: 'ENTRY_AMOUNT_NOT_POSITIVE'; readonly index: number }
  | {
      readonly code: 'JOURNAL_UNBALANCED';
      readonly asset: string;
      readonly debitsMinor: bigint;
      readonly creditsMinor: bigint;
    };

/**
 * HK-8: every journal balances per asset (the debits of each asset equal its credits) and
 * every amount is a positive integer of the asset's smallest unit. Returns the first problem.
 */
export function checkJournal(entries: readonly JournalEntry[]): JournalProblem | undefined {
  if (entries.length === 0) return { code: 'JOURNAL_EMPTY' };
  if (entries.length > JOURNAL_ENTRIES_MAX)
    return { code: 'JOURNAL_TOO_LARGE', entries: entries.length };
  const totals = new Map<string, { debitsMinor: bigint; creditsMinor: bigint }>();
  for (const [index, entry] of entries.entries()) {
    if (entry.amountMinor <= 0n) return { code: 'ENTRY_AMOUNT_NOT_POSITIVE', index };
    const total = totals.get(entry.account.asset) ?? { debitsMinor: 0n, creditsMinor: 0n };
    totals.set(
      entry.account.asset,
      entry.side === 'debit'
        ? { ...total, debitsMinor: total.debitsMinor + entry.amountMinor }
        : { ...total, creditsMinor: total.creditsMinor + entry.amountMinor },
    );
  }
  for (const [asset, { debitsMinor, creditsMinor }] of totals) {
    if (debitsMinor !== creditsMinor)
      return { code: 'JOURNAL_UNBALANCED', asset, debitsMinor, creditsMinor };
  }
  return undefined;
}

/** Debit one account and credit another by the same amount (the usual two lines). */
export function transfer(from: Account, to: Account, amountMinor: bigint): JournalEntry[] {
  if (from.asset !== to.asset)
    throw new Error(
      `assertion: transfer between ${accountKey(from)} and ${accountKey(to)} mixes assets`,
    );
  return [
    { account: from, side: 'debit', amountMinor },
    { account: to, side: 'credit', amountMinor },
  ];
}
