import type { EventSourcedStreams, Transaction } from '@custody/event-store';
import {
  evaluateCompliance,
  breachesDecider,
  type BreachEvent,
  type OpenBreach,
  type RuleResult,
} from '@custody/policy-domain';
import type { PolicyProfiles } from '../governance/policy-profiles';
import type { PolicyClock } from '../policy-clock';
import type { ComplianceFactsLoader } from './compliance-facts';
import { BREACHES_STREAM_ID } from './compliance-streams';

/**
 * The compliance rules (TW-3/4, HK-6, HK-11g/j) run over the facts, each failing rule opening a
 * breach once (`ComplianceBreachDetected`, relayed to custody.policy.events.v1) and closing it on
 * a pass; and the breach record, now or as of a past instant.
 */
export class ComplianceEvaluation {
  constructor(
    private readonly schema: string,
    private readonly streams: EventSourcedStreams,
    private readonly clock: PolicyClock,
    private readonly profiles: PolicyProfiles,
    private readonly facts: ComplianceFactsLoader,
  ) {}

  async openBreaches(transaction?: Transaction): Promise<ReadonlyMap<string, OpenBreach>> {
    return (await this.streams.load(BREACHES_STREAM_ID, breachesDecider, transaction)).state;
  }

  /**
   * One evaluation at a time (the consumer's batches, the schedule, commands; every replica):
   * facts, results and breach record are written and read under one lock, held to the end of the
   * transaction, and the instant is taken under it, so the history's times follow its order and no
   * evaluation decides on facts another has since changed. The facts a transaction writes are
   * recorded at this instant; pass it on to `evaluateAndRecord`.
   */
  async evaluationInstant(transaction: Transaction): Promise<string> {
    await transaction.client.query('select pg_advisory_xact_lock(hashtext($1))', [
      `custody.policy-evaluation.${this.schema}`,
    ]);
    return this.clock.at();
  }

  /**
   * Runs every rule over the facts as of `at` and records what changed: a breach detected once, a
   * breach resolved once; the same facts evaluated again record nothing. In the caller's
   * transaction (the consumer's batch), so facts and breaches commit together.
   */
  async evaluateAndRecord(
    at: string | undefined,
    transaction: Transaction,
  ): Promise<{ readonly results: readonly RuleResult[]; readonly events: readonly BreachEvent[] }> {
    const instant = at ?? (await this.evaluationInstant(transaction));
    const { profile } = await this.profiles.profile(transaction);
    const results = evaluateCompliance(await this.facts.facts(instant, transaction), profile);
    const executed = await this.streams.execute(
      BREACHES_STREAM_ID,
      breachesDecider,
      (open) => breachesDecider.decide({ type: 'TrackBreaches', results, at: instant }, open),
      { actor: 'policy-service' },
      { transaction },
    );
    return { results, events: executed.ok ? executed.events : [] };
  }

  /** The breaches that were open at a past instant, from the breach record (detections and resolutions up to it, by their own times). */
  async breachesAt(instant: string): Promise<readonly OpenBreach[]> {
    const limit = Date.parse(instant);
    const timeOf = (event: BreachEvent) =>
      Date.parse(
        event.type === 'ComplianceBreachDetected' ? event.data.detectedAt : event.data.resolvedAt,
      );
    return [
      ...(
        await this.streams.load(
          BREACHES_STREAM_ID,
          breachesDecider,
          undefined,
          (event) => timeOf(event) <= limit,
        )
      ).state.values(),
    ];
  }
}
