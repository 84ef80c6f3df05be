import type { Fold, Executed } from '@custody/event-store';
import {
  decideWithdrawal,
  type PolicyError,
  type WithdrawalDecisionRequest,
  type WithdrawalLimits,
  type WithdrawalPolicyDecided,
} from '@custody/policy-domain';
import type { PoolClient } from 'pg';
import type { PolicyService } from './policy-service';

type Decided = WithdrawalPolicyDecided['data'];

const WITHDRAWAL_DECISION_AGGREGATE: Fold<Decided | undefined, WithdrawalPolicyDecided> = {
  initialState: undefined,
  eventTypes: new Set(['WithdrawalPolicyDecided']),
  evolve: (_state, event) => event.data,
};

export const withdrawalDecisionStreamId = (withdrawalId: string) =>
  `policy-withdrawal-${withdrawalId}`;

/** The new decision names who asked; a recorded one (asked again) is left as it was. */
function withRequester(
  decision: ReturnType<typeof decideWithdrawal>,
  requestedBy: string,
): ReturnType<typeof decideWithdrawal> {
  if (!decision.ok) return decision;
  return {
    ok: true,
    events: decision.events.map((event) => ({ ...event, data: { ...event.data, requestedBy } })),
  };
}

/**
 * An allowed decision reserves its amount until the ledger holds it (its quorum approved), settles
 * it, or it fails; one the ledger has not held within this stops reserving (its approvals never came).
 */
export const DECISION_RESERVATION_MS = 24 * 60 * 60 * 1000;

/** The limits when a deployment configures none: no daily limit, the HK-11d floor of two. */
export const NO_WITHDRAWAL_LIMITS: WithdrawalLimits = {
  dailyPerClientMinor: new Map(),
  quorumTiers: [],
  baseQuorum: 2,
};

/**
 * The withdrawal decisions the wallet asks for before a withdrawal can be approved (HK-11h, HK-7,
 * daily limits, HK-11d quorum by tier). Available is the client's balance in the ledger's books
 * as this service has read them, less what it has already allowed and the ledger has not yet
 * settled; the daily total counts what it allowed on the same UTC day and did not see fail.
 * Each decision is an event in its own stream (the evidence, with the policy version), taken
 * under a per-client lock so two withdrawals of one client cannot both spend the same balance.
 */
export class WithdrawalDecisions {
  constructor(
    private readonly service: PolicyService,
    private readonly limits: WithdrawalLimits = NO_WITHDRAWAL_LIMITS,
  ) {}

  async migrate(client: PoolClient): Promise<void> {
    await client.query(`
      create table if not exists ${this.service.schema}.policy_withdrawal_decisions (
        withdrawal_id text primary key,
        client_id text not null,
        asset text not null,
        amount_minor numeric(78, 0) not null,
        allowed boolean not null,
        decided_at timestamptz not null,
        state text not null check (state in ('open', 'settled', 'released')),
        held boolean not null default false
      );
      create index if not exists policy_withdrawal_decisions_client on ${this.service.schema}.policy_withdrawal_decisions (client_id, asset, decided_at);`);
  }

  /** `requestedBy`: the authenticated caller's subject, recorded in the decision and as its actor (issue 22: not the policy service's own name). */
  async decide(
    request: WithdrawalDecisionRequest,
    requestedBy: string,
  ): Promise<Executed<Decided | undefined, WithdrawalPolicyDecided, PolicyError>> {
    const s = this.service.schema;
    return this.service.store.withTransaction(async (transaction) => {
      const db = transaction.client;
      await db.query('select pg_advisory_xact_lock(hashtext($1))', [
        `custody.policy-withdrawal.${s}.${request.clientId}`,
      ]);
      const at = this.service.at();
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
      const facts = {
        availableMinor: BigInt(row.balance) - BigInt(row.open),
        withdrawnTodayMinor: BigInt(row.today),
      };
      const { profile } = await this.service.profile(transaction);
      return this.service.streams.execute(
        withdrawalDecisionStreamId(request.withdrawalId),
        WITHDRAWAL_DECISION_AGGREGATE,
        (recorded) =>
          withRequester(
            decideWithdrawal(recorded, request, facts, this.limits, profile, at),
            requestedBy,
          ),
        { actor: requestedBy, correlationId: request.withdrawalId },
        {
          transaction,
          afterAppend: async (events, _state, tx) => {
            for (const { data } of events) {
              await tx.client.query(
                `insert into ${s}.policy_withdrawal_decisions (withdrawal_id, client_id, asset, amount_minor, allowed, decided_at, state) values ($1, $2, $3, $4, $5, $6, 'open')`,
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
          },
        },
      );
    });
  }

  /** The recorded decision for a withdrawal (the evidence), or undefined. */
  async decision(withdrawalId: string): Promise<Decided | undefined> {
    return (
      await this.service.streams.load(
        withdrawalDecisionStreamId(withdrawalId),
        WITHDRAWAL_DECISION_AGGREGATE,
      )
    ).state;
  }

  /** The ledger holds the amount (the quorum approved): it stays reserved until settled or released. */
  async hold(client: PoolClient, withdrawalId: string): Promise<void> {
    await client.query(
      `update ${this.service.schema}.policy_withdrawal_decisions set held = true where withdrawal_id = $1`,
      [withdrawalId],
    );
  }

  /** The ledger settled the withdrawal (its journal moved the books): no longer counted apart from the balance. */
  async settle(client: PoolClient, withdrawalId: string): Promise<void> {
    await client.query(
      `update ${this.service.schema}.policy_withdrawal_decisions set state = 'settled' where withdrawal_id = $1 and state = 'open'`,
      [withdrawalId],
    );
  }

  /** The withdrawal failed (nothing left the wallet): its amount is available again and off the day's total. */
  async release(client: PoolClient, withdrawalId: string): Promise<void> {
    await client.query(
      `update ${this.service.schema}.policy_withdrawal_decisions set state = 'released' where withdrawal_id = $1 and state = 'open'`,
      [withdrawalId],
    );
  }
}
