import { HOUSE_ACCOUNT_PURPOSES } from '@custody/contracts';
import { houseShare, type HouseAccountPurpose } from '@custody/ledger-domain';

/**
 * The books' per-asset totals as the read models hold and check them, counted by the domain's
 * rules (libs/ledger/domain/src/books.ts: `houseShare`, `flooredLiability`): the difference the
 * projection stores and the invariant check reads, and the totals recomputed in SQL from every
 * account balance. Every query that sums the house or the clients takes its SQL from here.
 */

/** The domain's house account purposes if the contracts publish every one of them, else never. */
type EveryHousePurpose = [HouseAccountPurpose] extends [(typeof HOUSE_ACCOUNT_PURPOSES)[number]]
  ? HouseAccountPurpose
  : never;

/**
 * Every house account purpose, as the contracts publish them; the compiler checks they are the
 * domain's: none extra (each must be a HouseAccountPurpose) and none missing (else the element
 * type is never and the list does not fit).
 */
const HOUSE_PURPOSES: readonly EveryHousePurpose[] = HOUSE_ACCOUNT_PURPOSES;

export function isHousePurpose(ownerId: string): ownerId is HouseAccountPurpose {
  return (HOUSE_PURPOSES as readonly string[]).includes(ownerId);
}

/** The purposes whose posted balance the house's total takes away (houseShare: network-fee expense). */
const HOUSE_PURPOSES_AGAINST = HOUSE_PURPOSES.filter((purpose) => {
  const share = houseShare(purpose, 1n);
  if (share !== 1n && share !== -1n)
    throw new Error(`assertion: the house counts ${purpose} as it is or against it`);
  return share === -1n;
});

const AGAINST_SQL = HOUSE_PURPOSES_AGAINST.map((purpose) => `'${purpose}'`).join(', ');

/** houseShare in SQL: a house row's `posted_minor` as it counts in the house's total. */
export const HOUSE_SHARE_SQL =
  AGAINST_SQL === ''
    ? 'posted_minor'
    : `case when owner_id in (${AGAINST_SQL}) then -posted_minor else posted_minor end`;

/** flooredLiability in SQL: a client row's `posted_minor` as it counts in the floored liabilities (TW-13.3). */
export const FLOORED_LIABILITY_SQL = 'greatest(posted_minor, 0)';

/**
 * Per asset, the totals recomputed from every row of `rm_account_balances`: `clients`, `floored`
 * (TW-13.3), `house` and `custody`, each 0 where the asset has no such account.
 */
export function assetTotalsFromBalancesSql(schema: string): string {
  return `select asset,
                coalesce(sum(posted_minor) filter (where kind = 'client'), 0) as clients,
                coalesce(sum(${FLOORED_LIABILITY_SQL}) filter (where kind = 'client'), 0) as floored,
                coalesce(sum(${HOUSE_SHARE_SQL}) filter (where kind = 'house'), 0) as house,
                coalesce(sum(posted_minor) filter (where kind = 'custody'), 0) as custody
           from ${schema}.rm_account_balances group by asset`;
}

/** custody − (clients + house): zero while the books hold together (HK-6/HK-8). */
export function booksDifference(totals: {
  readonly custodyMinor: bigint;
  readonly clientsMinor: bigint;
  readonly houseMinor: bigint;
}): bigint {
  return totals.custodyMinor - totals.clientsMinor - totals.houseMinor;
}
