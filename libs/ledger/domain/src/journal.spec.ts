import { clientAccount, custodyAccount, houseAccount } from './accounts';
import { checkJournal, JOURNAL_ENTRIES_MAX, transfer, type JournalEntry } from './journal';

describe('HK-8 journals balance per asset', () => {
  const alice = clientAccount('alice', 'BTC');
  const wallet = custodyAccount('wallet-cold-1', 'BTC');

  it('accepts debits equal to credits in every asset', () => {
    expect(
      checkJournal([
        ...transfer(wallet, alice, 10n),
        ...transfer(clientAccount('bob', 'USDT'), houseAccount('fee-revenue', 'USDT'), 3n),
      ]),
    ).toBeUndefined();
  });

  it('refuses a journal whose debits and credits differ in one asset, even when the total over assets matches', () => {
    const entries: JournalEntry[] = [
      { account: wallet, side: 'debit', amountMinor: 10n },
      { account: alice, side: 'credit', amountMinor: 9n },
      { account: custodyAccount('wallet-cold-1', 'ETH'), side: 'debit', amountMinor: 1n },
      { account: clientAccount('alice', 'ETH'), side: 'credit', amountMinor: 2n },
    ];
    expect(checkJournal(entries)).toEqual({
      code: 'JOURNAL_UNBALANCED',
      asset: 'BTC',
      debitsMinor: 10n,
      creditsMinor: 9n,
    });
  });

  it('refuses an empty journal, a zero or negative line, and more than JOURNAL_ENTRIES_MAX lines', () => {
    expect(checkJournal([])).toEqual({ code: 'JOURNAL_EMPTY' });
    expect(checkJournal(transfer(wallet, alice, 0n))).toEqual({
      code: 'ENTRY_AMOUNT_NOT_POSITIVE',
      index: 0,
    });
    expect(checkJournal(transfer(wallet, alice, -5n))).toEqual({
      code: 'ENTRY_AMOUNT_NOT_POSITIVE',
      index: 0,
    });
    const many = Array.from({ length: JOURNAL_ENTRIES_MAX / 2 + 1 }, () =>
      transfer(wallet, alice, 1n),
    ).flat();
    expect(checkJournal(many)).toEqual({
      code: 'JOURNAL_TOO_LARGE',
      entries: JOURNAL_ENTRIES_MAX + 2,
    });
  });

  it('a transfer between two assets is a programmer error', () => {
    expect(() => transfer(wallet, clientAccount('alice', 'ETH'), 1n)).toThrow(/mixes assets/);
  });

  it(`accepts exactly JOURNAL_ENTRIES_MAX (${JOURNAL_ENTRIES_MAX}) lines; one more is JOURNAL_TOO_LARGE before anything else is checked`, () => {
    expect(JOURNAL_ENTRIES_MAX).toBe(64);
    const limit = Array.from({ length: JOURNAL_ENTRIES_MAX / 2 }, () =>
      transfer(wallet, alice, 1n),
    ).flat();
    expect(limit).toHaveLength(64);
    expect(checkJournal(limit)).toBeUndefined();
    expect(checkJournal([...limit, { account: wallet, side: 'debit', amountMinor: 0n }])).toEqual({
      code: 'JOURNAL_TOO_LARGE',
      entries: 65,
    });
  });

  it('names the first line that is not positive by its index; one minor unit is positive', () => {
    const entries: JournalEntry[] = [
      ...transfer(wallet, alice, 1n),
      { account: wallet, side: 'debit', amountMinor: 5n },
      { account: alice, side: 'credit', amountMinor: 0n },
      { account: alice, side: 'credit', amountMinor: -1n },
    ];
    expect(checkJournal(entries)).toEqual({ code: 'ENTRY_AMOUNT_NOT_POSITIVE', index: 3 });
  });

  it('adds several lines per side and asset before comparing; credits above debits are unbalanced too', () => {
    const balanced: JournalEntry[] = [
      { account: wallet, side: 'debit', amountMinor: 7n },
      { account: alice, side: 'credit', amountMinor: 3n },
      { account: clientAccount('bob', 'BTC'), side: 'credit', amountMinor: 4n },
    ];
    expect(checkJournal(balanced)).toBeUndefined();
    expect(
      checkJournal([...balanced, { account: alice, side: 'credit', amountMinor: 1n }]),
    ).toEqual({ code: 'JOURNAL_UNBALANCED', asset: 'BTC', debitsMinor: 7n, creditsMinor: 8n });
    expect(
      checkJournal([
        ...balanced,
        ...transfer(custodyAccount('w', 'ETH'), clientAccount('alice', 'ETH'), 2n),
        { account: clientAccount('alice', 'ETH'), side: 'debit', amountMinor: 1n },
      ]),
    ).toEqual({
      code: 'JOURNAL_UNBALANCED',
      asset: 'ETH',
      debitsMinor: 3n,
      creditsMinor: 2n,
    });
  });

  it('a transfer is two lines: the debit of the first account, the credit of the second, the same amount', () => {
    expect(transfer(wallet, alice, 10n)).toEqual([
      { account: wallet, side: 'debit', amountMinor: 10n },
      { account: alice, side: 'credit', amountMinor: 10n },
    ]);
  });
});
