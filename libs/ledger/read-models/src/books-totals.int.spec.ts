import { flooredLiability, houseShare, type HouseAccountPurpose } from '@custody/ledger-domain';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import {
  assetTotalsFromBalancesSql,
  booksDifference,
  FLOORED_LIABILITY_SQL,
  HOUSE_SHARE_SQL,
  isHousePurpose,
} from './books-totals';

const PURPOSES: readonly HouseAccountPurpose[] = [
  'fee-revenue',
  'inventory',
  'network-fee-expense',
];
const POSTED = [-7n, 0n, 7n];

/** The books' totals in SQL count each balance as the domain's rules do (books.ts), in PostgreSQL itself. */
describe('the books totals in SQL (PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** One fragment evaluated on one row of (owner_id, posted_minor). */
  async function evaluate(fragment: string, ownerId: string, posted: bigint): Promise<bigint> {
    const { rows } = await db.pool.query<{ value: string }>(
      `select (${fragment})::text as value from (values ($1::text, $2::numeric)) as row(owner_id, posted_minor)`,
      [ownerId, posted.toString()],
    );
    return BigInt((rows[0] as { value: string }).value);
  }

  it("houseShare: every house purpose, each sign, counts as the domain's", async () => {
    for (const purpose of PURPOSES)
      for (const posted of POSTED)
        expect([purpose, posted, await evaluate(HOUSE_SHARE_SQL, purpose, posted)]).toEqual([
          purpose,
          posted,
          houseShare(purpose, posted),
        ]);
  });

  it("TW-13.3 flooredLiability: each sign counts as the domain's", async () => {
    for (const posted of POSTED)
      expect(await evaluate(FLOORED_LIABILITY_SQL, 'alice', posted)).toBe(flooredLiability(posted));
  });

  it('per asset: clients, floored, house and custody summed over every account balance', async () => {
    await db.pool.query('create schema books');
    await db.pool.query(
      'create table books.rm_account_balances (kind text, owner_id text, asset text, posted_minor numeric(40, 0))',
    );
    const rows: [string, string, string, bigint][] = [
      ['client', 'alice', 'BTC', 10n],
      ['client', 'bob', 'BTC', -3n],
      ['house', 'fee-revenue', 'BTC', 2n],
      ['house', 'inventory', 'BTC', 5n],
      ['house', 'network-fee-expense', 'BTC', 4n],
      ['custody', 'wallet-1', 'BTC', 10n],
      ['custody', 'wallet-2', 'USDT', 1n],
    ];
    for (const row of rows)
      await db.pool.query('insert into books.rm_account_balances values ($1, $2, $3, $4)', [
        ...row.slice(0, 3),
        row[3].toString(),
      ]);
    const { rows: totals } = await db.pool.query(
      `select asset, clients::text, floored::text, house::text, custody::text from (${assetTotalsFromBalancesSql('books')}) t order by asset`,
    );
    expect(totals).toEqual([
      // house: 2 + 5 - 4; floored: bob's -3 counts as 0
      { asset: 'BTC', clients: '7', floored: '10', house: '3', custody: '10' },
      { asset: 'USDT', clients: '0', floored: '0', house: '0', custody: '1' },
    ]);
    expect(booksDifference({ custodyMinor: 10n, clientsMinor: 7n, houseMinor: 3n })).toBe(0n);
    expect(booksDifference({ custodyMinor: 1n, clientsMinor: 0n, houseMinor: 0n })).toBe(1n);
  });

  it('a house row names one of the domain purposes, and nothing else', () => {
    for (const purpose of PURPOSES) expect(isHousePurpose(purpose)).toBe(true);
    for (const other of ['alice', 'fee', 'toString', '__proto__', ''])
      expect(isHousePurpose(other)).toBe(false);
  });
});
