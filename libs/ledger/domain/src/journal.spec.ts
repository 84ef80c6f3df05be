import { clientAccount, custodyAccount, houseAccount } from './accounts';
import { checkJournal, JOURNAL_ENTRIES_MAX, transfer, type JournalEntry } from './journal';

describe('HK-8 journals balance per asset', () => {
  const alice = clientAccount('alice', 'BTC');
  const wallet = custodyAccount('wallet-cold-1', 'BTC');

  it('accepts debits equal to credits in every asset', () => {
    expect(checkJournal([...transfer(wallet, alice, 10n), ...transfer(clientAccount('bob', 'USDT'), houseAccount('fee-revenue', 'USDT'), 3n)])).toBeUndefined();
  });

  it('refuses a journal whose debits and credits differ in one asset, even when the total over assets matches', () => {
    const entries: JournalEntry[] = [
      { account: wallet, side: 'debit', amountMinor: 10n },
      { account: alice, side: 'credit', amountMinor: 9n },
      { account: custodyAccount('wallet-cold-1', 'ETH'), side: 'debit', amountMinor: 1n },
      { account: clientAccount('alice', 'ETH'), side: 'credit', amountMinor: 2n },
    ];
    expect(checkJournal(entries)).toEqual({ code: 'JOURNAL_UNBALANCED', asset: 'BTC', debitsMinor: 10n, creditsMinor: 9n });
  });

  it('refuses an empty journal, a zero or negative line, and more than JOURNAL_ENTRIES_MAX lines', () => {
    expect(checkJournal([])).toEqual({ code: 'JOURNAL_EMPTY' });
    expect(checkJournal(transfer(wallet, alice, 0n))).toEqual({ code: 'ENTRY_AMOUNT_NOT_POSITIVE', index: 0 });
    expect(checkJournal(transfer(wallet, alice, -5n))).toEqual({ code: 'ENTRY_AMOUNT_NOT_POSITIVE', index: 0 });
    const many = Array.from({ length: JOURNAL_ENTRIES_MAX / 2 + 1 }, () => transfer(wallet, alice, 1n)).flat();
    expect(checkJournal(many)).toEqual({ code: 'JOURNAL_TOO_LARGE', entries: JOURNAL_ENTRIES_MAX + 2 });
  });

  it('a transfer between two assets is a programmer error', () => {
    expect(() => transfer(wallet, clientAccount('alice', 'ETH'), 1n)).toThrow(/mixes assets/);
  });
});
