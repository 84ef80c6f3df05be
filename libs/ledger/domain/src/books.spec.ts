import {
  accountKey,
  clientAccount,
  custodyAccount,
  houseAccount,
  ZERO_BALANCE,
  type Account,
  type AccountBalance,
} from './accounts';
import { assetBooks, flooredLiability, houseShare } from './books';
import { initialLedgerState, type LedgerState } from './ledger-state';

/** A state holding these accounts with these posted counters (no journals: the books are read as they stand). */
function withAccounts(...accounts: [Account, Partial<AccountBalance>][]): LedgerState {
  return {
    ...initialLedgerState(),
    accounts: new Map(
      accounts.map(([account, balance]) => [
        accountKey(account),
        { account, balance: { ...ZERO_BALANCE, ...balance } },
      ]),
    ),
  };
}

describe('the books per asset: custody = client liabilities + house (HK-8 invariant)', () => {
  it('given no accounts, then there are no books', () => {
    expect(assetBooks(initialLedgerState())).toEqual([]);
  });

  it('sums custody, clients and house of one asset; a balanced set has difference zero', () => {
    const state = withAccounts(
      [custodyAccount('wallet-cold-1', 'BTC'), { debitsPosted: 100n }],
      [custodyAccount('wallet-hot-1', 'BTC'), { debitsPosted: 20n, creditsPosted: 5n }],
      [clientAccount('alice', 'BTC'), { creditsPosted: 80n }],
      [clientAccount('bob', 'BTC'), { creditsPosted: 30n, debitsPosted: 3n }],
      [houseAccount('fee-revenue', 'BTC'), { creditsPosted: 7n }],
      [houseAccount('inventory', 'BTC'), { creditsPosted: 3n }],
      [houseAccount('network-fee-expense', 'BTC'), { debitsPosted: 5n }],
    );
    expect(assetBooks(state)).toEqual([
      {
        asset: 'BTC',
        custodyMinor: 115n,
        clientLiabilitiesMinor: 107n,
        clientLiabilitiesFlooredMinor: 107n,
        houseMinor: 5n,
        differenceMinor: 3n,
      },
    ]);
  });

  it('custody less client liabilities less house is the difference: positive, negative, zero', () => {
    expect(
      assetBooks(
        withAccounts(
          [custodyAccount('w', 'BTC'), { debitsPosted: 10n }],
          [clientAccount('alice', 'BTC'), { creditsPosted: 4n }],
          [houseAccount('inventory', 'BTC'), { creditsPosted: 1n }],
        ),
      )[0]?.differenceMinor,
    ).toBe(5n);
    expect(
      assetBooks(
        withAccounts(
          [custodyAccount('w', 'BTC'), { debitsPosted: 1n }],
          [clientAccount('alice', 'BTC'), { creditsPosted: 4n }],
          [houseAccount('inventory', 'BTC'), { creditsPosted: 1n }],
        ),
      )[0]?.differenceMinor,
    ).toBe(-4n);
    expect(
      assetBooks(
        withAccounts(
          [custodyAccount('w', 'BTC'), { debitsPosted: 5n }],
          [clientAccount('alice', 'BTC'), { creditsPosted: 4n }],
          [houseAccount('inventory', 'BTC'), { creditsPosted: 1n }],
        ),
      )[0]?.differenceMinor,
    ).toBe(0n);
  });

  it('TW-13.3 a negative client balance counts in the liabilities but as zero in the floored total; a zero balance adds nothing', () => {
    const state = withAccounts(
      [clientAccount('alice', 'BTC'), { creditsPosted: 10n }],
      [clientAccount('bob', 'BTC'), { debitsPosted: 4n }],
      [clientAccount('carol', 'BTC'), { creditsPosted: 1n }],
      [clientAccount('dave', 'BTC'), { creditsPosted: 2n, debitsPosted: 2n }],
      [custodyAccount('w', 'BTC'), { debitsPosted: 7n }],
    );
    expect(assetBooks(state)).toEqual([
      {
        asset: 'BTC',
        custodyMinor: 7n,
        clientLiabilitiesMinor: 7n,
        clientLiabilitiesFlooredMinor: 11n,
        houseMinor: 0n,
        differenceMinor: 0n,
      },
    ]);
  });

  it('the network-fee expense lowers the house; fee revenue and inventory raise it', () => {
    const state = withAccounts(
      [houseAccount('fee-revenue', 'ETH'), { creditsPosted: 10n }],
      [houseAccount('network-fee-expense', 'ETH'), { debitsPosted: 4n }],
      [houseAccount('inventory', 'ETH'), { debitsPosted: 1n }],
    );
    expect(assetBooks(state)).toEqual([
      {
        asset: 'ETH',
        custodyMinor: 0n,
        clientLiabilitiesMinor: 0n,
        clientLiabilitiesFlooredMinor: 0n,
        houseMinor: 5n,
        differenceMinor: -5n,
      },
    ]);
  });

  it('keeps each asset apart and lists the assets in code order', () => {
    const state = withAccounts(
      [clientAccount('alice', 'USDT'), { creditsPosted: 3n }],
      [custodyAccount('w', 'BTC'), { debitsPosted: 2n }],
      [clientAccount('alice', 'ETH'), { creditsPosted: 1n }],
      [custodyAccount('w', 'USDT'), { debitsPosted: 3n }],
      [clientAccount('alice', 'BTC'), { creditsPosted: 2n }],
    );
    expect(assetBooks(state)).toEqual([
      {
        asset: 'BTC',
        custodyMinor: 2n,
        clientLiabilitiesMinor: 2n,
        clientLiabilitiesFlooredMinor: 2n,
        houseMinor: 0n,
        differenceMinor: 0n,
      },
      {
        asset: 'ETH',
        custodyMinor: 0n,
        clientLiabilitiesMinor: 1n,
        clientLiabilitiesFlooredMinor: 1n,
        houseMinor: 0n,
        differenceMinor: -1n,
      },
      {
        asset: 'USDT',
        custodyMinor: 3n,
        clientLiabilitiesMinor: 3n,
        clientLiabilitiesFlooredMinor: 3n,
        houseMinor: 0n,
        differenceMinor: 0n,
      },
    ]);
  });

  it('the order does not depend on the order the accounts were opened in', () => {
    const assets = ['ETH', 'BTC', 'USDT', 'AAVE', 'BTC2'];
    const forward = withAccounts(
      ...assets.map((asset): [Account, Partial<AccountBalance>] => [
        clientAccount('alice', asset),
        { creditsPosted: 1n },
      ]),
    );
    const backward = withAccounts(
      ...[...assets]
        .reverse()
        .map((asset): [Account, Partial<AccountBalance>] => [
          clientAccount('alice', asset),
          { creditsPosted: 1n },
        ]),
    );
    expect(assetBooks(forward).map((books) => books.asset)).toEqual([
      'AAVE',
      'BTC',
      'BTC2',
      'ETH',
      'USDT',
    ]);
    expect(assetBooks(backward)).toEqual(assetBooks(forward));
  });
});

describe('the rules the books and the projection share', () => {
  it('the house counts fee revenue and inventory as they are, network-fee expense against it', () => {
    expect(houseShare('fee-revenue', 7n)).toBe(7n);
    expect(houseShare('inventory', -3n)).toBe(-3n);
    expect(houseShare('network-fee-expense', 7n)).toBe(-7n);
  });

  it('TW-13.3 a client balance counts in the floored liabilities as it is, a negative one as zero', () => {
    expect(flooredLiability(1n)).toBe(1n);
    expect(flooredLiability(0n)).toBe(0n);
    expect(flooredLiability(-1n)).toBe(0n);
  });
});
