import {
  accountKey,
  availableBalance,
  clientAccount,
  custodyAccount,
  houseAccount,
  normalSide,
  postedBalance,
  ZERO_BALANCE,
  type Account,
  type AccountBalance,
} from './accounts';

const balance = (overrides: Partial<AccountBalance>): AccountBalance => ({
  ...ZERO_BALANCE,
  ...overrides,
});

describe('HK-6 / TW-12 the chart of accounts: client, house and custody accounts apart, per asset', () => {
  it('builds each kind of account with its owner and asset', () => {
    expect(clientAccount('alice', 'BTC')).toEqual({
      kind: 'client',
      clientId: 'alice',
      asset: 'BTC',
    });
    expect(houseAccount('fee-revenue', 'USDT')).toEqual({
      kind: 'house',
      purpose: 'fee-revenue',
      asset: 'USDT',
    });
    expect(custodyAccount('wallet-cold-1', 'ETH')).toEqual({
      kind: 'custody',
      walletId: 'wallet-cold-1',
      asset: 'ETH',
    });
  });

  it('gives every account a stable, directly identifiable key: kind/owner/asset', () => {
    expect(accountKey(clientAccount('alice', 'BTC'))).toBe('client/alice/BTC');
    expect(accountKey(houseAccount('network-fee-expense', 'ETH'))).toBe(
      'house/network-fee-expense/ETH',
    );
    expect(accountKey(custodyAccount('wallet-cold-1', 'ETH'))).toBe('custody/wallet-cold-1/ETH');
  });

  it('an account of no known kind is a programmer error, for its key and for its normal side', () => {
    expect(() => accountKey({ kind: 'escrow', asset: 'BTC' } as unknown as Account)).toThrow(
      'assertion: unknown account {"kind":"escrow","asset":"BTC"}',
    );
    expect(() => normalSide({ kind: 'escrow', asset: 'BTC' } as unknown as Account)).toThrow(
      'assertion: unknown account {"kind":"escrow","asset":"BTC"}',
    );
  });

  it('clients, fee revenue and inventory are credit-normal; custody and network-fee expense are debit-normal', () => {
    expect(normalSide(clientAccount('alice', 'BTC'))).toBe('credit');
    expect(normalSide(houseAccount('fee-revenue', 'BTC'))).toBe('credit');
    expect(normalSide(houseAccount('inventory', 'BTC'))).toBe('credit');
    expect(normalSide(houseAccount('network-fee-expense', 'BTC'))).toBe('debit');
    expect(normalSide(custodyAccount('wallet-cold-1', 'BTC'))).toBe('debit');
  });

  it('the zero balance has all four counters at zero', () => {
    expect(ZERO_BALANCE).toEqual({
      debitsPosted: 0n,
      creditsPosted: 0n,
      debitsPending: 0n,
      creditsPending: 0n,
    });
  });

  describe("the posted balance is read on the account's normal side", () => {
    const counters = balance({
      debitsPosted: 3n,
      creditsPosted: 10n,
      debitsPending: 100n,
      creditsPending: 1_000n,
    });

    it('a client (credit-normal): credits minus debits, pending left out', () => {
      expect(postedBalance(clientAccount('alice', 'BTC'), counters)).toBe(7n);
      expect(postedBalance(houseAccount('inventory', 'BTC'), counters)).toBe(7n);
    });

    it('custody and network-fee expense (debit-normal): debits minus credits', () => {
      expect(postedBalance(custodyAccount('wallet-cold-1', 'BTC'), counters)).toBe(-7n);
      expect(postedBalance(houseAccount('network-fee-expense', 'BTC'), counters)).toBe(-7n);
    });
  });

  it('the available balance is posted minus pending debits (pending credits are not yet spendable)', () => {
    const account = clientAccount('alice', 'BTC');
    expect(
      availableBalance(
        account,
        balance({ creditsPosted: 10n, debitsPosted: 2n, debitsPending: 3n, creditsPending: 50n }),
      ),
    ).toBe(5n);
    expect(availableBalance(account, balance({ creditsPosted: 10n, debitsPending: 11n }))).toBe(
      -1n,
    );
  });
});
