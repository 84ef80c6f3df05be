import type { WithdrawalPolicyFacts } from '@custody/policy-domain';

export type WithdrawalFacts = Pick<WithdrawalPolicyFacts, 'availableMinor' | 'withdrawnTodayMinor'>;
import type { PoolClient } from 'pg';

/**
 * An allowed decision reserves its amount until the ledger holds it (its quorum approved), settles
 * it, or it fails; one the ledger has not held within this stops reserving (its approvals never came).
 */
export const DECISION_RESERVATION_MS = 24 * 60 * 60 * 1000;

/**
 * Available is the client's balance in the ledger's books as this service has read them, less
 * what it has already allowed and the ledger has not yet settled; the daily total counts what it
 * allowed on the same UTC day and did not see fail.
 */
export async function loadWithdrawalFacts(
  db: PoolClient,
  schema: string,
  request: { readonly clientId: string; readonly asset: string },
  at: string,
): Promise<WithdrawalFacts> {
  const s = schema;
  const { rows } = await db.query<{ balance: string; open: string; today: string }>(
    `select
           coalesce((select balance_minor from ${s}.policy_books where account_kind = 'client' and account_id = $1 and asset = $2), 0)::text as balance,
           coalesce((select sum(amount_minor) from ${s}.policy_withdrawal_decisions
                      where client_id = $1 and asset = $2 and allowed and state = 'open' and (held or decided_at > $3::timestamptz - $4 * interval '1 millisecond')), 0)::text as open,
           coalesce((select sum(amount_minor) from ${s}.policy_withdrawal_decisions
                      where client_id = $1 and asset = $2 and allowed and state <> 'released' and (held or state = 'settled' or decided_at > $3::timestamptz - $4 * interval '1 millisecond')
                        and decided_at >= date_trunc('day', $3::timestamptz at time zone 'UTC') at time zone 'UTC'), 0)::text as today`,
    [request.clientId, request.asset, at, DECISION_RESERVATION_MS],
  );
  const row = rows[0] ?? { balance: '0', open: '0', today: '0' };
  return {
    availableMinor: BigInt(row.balance) - BigInt(row.open),
    withdrawnTodayMinor: BigInt(row.today),
  };
}
