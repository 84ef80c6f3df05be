import type { WithdrawalPolicyDecided } from '@custody/policy-domain';
import type { PoolClient } from 'pg';

/**
 * What each decision reserves: its amount while open (until the ledger settles it or the wallet
 * reports it failed), and whether the ledger holds it. Idempotent.
 */
export const withdrawalReservationsDdl = (schema: string): string => `
      create table if not exists ${schema}.policy_withdrawal_decisions (
        withdrawal_id text primary key,
        client_id text not null,
        asset text not null,
        amount_minor numeric(78, 0) not null,
        allowed boolean not null,
        decided_at timestamptz not null,
        state text not null check (state in ('open', 'settled', 'released')),
        held boolean not null default false
      );
      create index if not exists policy_withdrawal_decisions_client on ${schema}.policy_withdrawal_decisions (client_id, asset, decided_at);`;

/** The reservations table's writers: a decision recorded, then held, settled or released by the ledger and the wallet. */
export class WithdrawalReservations {
  constructor(private readonly schema: string) {}

  /** A new decision reserves its amount (when allowed) from now on. */
  async record(client: PoolClient, decisions: readonly WithdrawalPolicyDecided[]): Promise<void> {
    for (const { data } of decisions) {
      await client.query(
        `insert into ${this.schema}.policy_withdrawal_decisions (withdrawal_id, client_id, asset, amount_minor, allowed, decided_at, state) values ($1, $2, $3, $4, $5, $6, 'open')`,
        [
          data.withdrawalId,
          data.clientId,
          data.asset,
          data.amountMinor.toString(),
          data.allowed,
          data.at,
        ],
      );
    }
  }

  /** The ledger holds the amount (the quorum approved): it stays reserved until settled or released. */
  async hold(client: PoolClient, withdrawalId: string): Promise<void> {
    await client.query(
      `update ${this.schema}.policy_withdrawal_decisions set held = true where withdrawal_id = $1`,
      [withdrawalId],
    );
  }

  /** The ledger settled the withdrawal (its journal moved the books): no longer counted apart from the balance. */
  async settle(client: PoolClient, withdrawalId: string): Promise<void> {
    await client.query(
      `update ${this.schema}.policy_withdrawal_decisions set state = 'settled' where withdrawal_id = $1 and state = 'open'`,
      [withdrawalId],
    );
  }

  /** The withdrawal failed (nothing left the wallet): its amount is available again and off the day's total. */
  async release(client: PoolClient, withdrawalId: string): Promise<void> {
    await client.query(
      `update ${this.schema}.policy_withdrawal_decisions set state = 'released' where withdrawal_id = $1 and state = 'open'`,
      [withdrawalId],
    );
  }
}
