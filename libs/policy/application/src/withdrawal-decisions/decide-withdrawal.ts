import type { EventSourcedStreams, Executed, PostgresEventStore } from '@custody/event-store';
import {
  withdrawalDecisionDecider,
  type PolicyDecision,
  type PolicyError,
  type WithdrawalDecisionRequest,
  type WithdrawalLimits,
  type WithdrawalPolicyDecided,
} from '@custody/policy-domain';
import type { PolicyProfiles } from '../governance/policy-profiles';
import type { PolicyClock } from '../policy-clock';
import { withdrawalDecisionStreamId, type WithdrawalDecided } from './withdrawal-decision-stream';
import { loadWithdrawalFacts } from './withdrawal-facts';
import type { WithdrawalReservations } from './withdrawal-reservations';

/** The limits when a deployment configures none: no daily limit, the HK-11d floor of two. */
export const NO_WITHDRAWAL_LIMITS: WithdrawalLimits = {
  dailyPerClientMinor: new Map(),
  quorumTiers: [],
  baseQuorum: 2,
};

/** The new decision names who asked; a recorded one (asked again) is left as it was. */
function withRequester(
  decision: PolicyDecision<WithdrawalPolicyDecided>,
  requestedBy: string,
): PolicyDecision<WithdrawalPolicyDecided> {
  if (!decision.ok) return decision;
  return {
    ok: true,
    events: decision.events.map((event) => ({ ...event, data: { ...event.data, requestedBy } })),
  };
}

/**
 * The withdrawal decisions the wallet asks for before a withdrawal can be approved (HK-11h, HK-7,
 * daily limits, HK-11d quorum by tier), on the facts of withdrawal-facts.ts. Each decision is an
 * event in its own stream (the evidence, with the policy version), taken under a per-client lock
 * so two withdrawals of one client cannot both spend the same balance.
 */
export class DecideWithdrawalHandler {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly streams: EventSourcedStreams,
    private readonly clock: PolicyClock,
    private readonly profiles: PolicyProfiles,
    private readonly reservations: WithdrawalReservations,
    private readonly limits: WithdrawalLimits = NO_WITHDRAWAL_LIMITS,
  ) {}

  /** `requestedBy`: the authenticated caller's subject, recorded in the decision and as its actor (issue 22: not the policy service's own name). */
  async handle(
    request: WithdrawalDecisionRequest,
    requestedBy: string,
  ): Promise<Executed<WithdrawalDecided | undefined, WithdrawalPolicyDecided, PolicyError>> {
    const s = this.store.schema;
    return this.store.withTransaction(async (transaction) => {
      const db = transaction.client;
      await db.query('select pg_advisory_xact_lock(hashtext($1))', [
        `custody.policy-withdrawal.${s}.${request.clientId}`,
      ]);
      const at = this.clock.at();
      const facts = await loadWithdrawalFacts(db, s, request, at);
      const { profile } = await this.profiles.profile(transaction);
      return this.streams.execute(
        withdrawalDecisionStreamId(request.withdrawalId),
        withdrawalDecisionDecider,
        (recorded) =>
          withRequester(
            withdrawalDecisionDecider.decide(
              { type: 'DecideWithdrawalPolicy', request, at },
              recorded,
              { ...facts, limits: this.limits, profile },
            ),
            requestedBy,
          ),
        { actor: requestedBy, correlationId: request.withdrawalId },
        {
          transaction,
          afterAppend: (events, _state, tx) => this.reservations.record(tx.client, events),
        },
      );
    });
  }
}
