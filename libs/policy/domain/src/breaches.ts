import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { PolicyError } from './policy-errors';
import type { RuleResult } from './rules';

/** An open breach: a rule failing on a subject, since when, with the evidence of its detection. */
export interface OpenBreach {
  readonly breachId: string;
  readonly ruleId: string;
  readonly subject: string;
  readonly detectedAt: string;
  readonly evidence: RuleResult;
}

export type BreachEvent =
  | { readonly type: 'ComplianceBreachDetected'; readonly data: OpenBreach }
  | {
      readonly type: 'ComplianceBreachResolved';
      readonly data: {
        readonly breachId: string;
        readonly ruleId: string;
        readonly subject: string;
        readonly resolvedAt: string;
        readonly evidence: RuleResult;
      };
    };

export function breachKey(ruleId: string, subject: string): string {
  return `${ruleId}/${subject}`;
}

/**
 * Continuous evaluation without noise: a failing rule opens a breach ONCE (not on every event
 * that re-runs it) and a passing one closes it; `indeterminate` (a stale price) neither opens
 * nor closes one: it is neither proof of a breach nor proof of compliance. A subject that is no
 * longer evaluated at all (a wallet's commingling gone) closes, saying why.
 * `breachId` derives from the rule, the subject and the detection instant: a re-run is idempotent.
 */
export function trackBreaches(
  open: ReadonlyMap<string, OpenBreach>,
  results: readonly RuleResult[],
  at: string,
): BreachEvent[] {
  const events: BreachEvent[] = [];
  const evaluated = new Set(results.map((result) => breachKey(result.ruleId, result.subject)));
  // an open breach whose subject is no longer evaluated (the house assets left the wallet, the policy version no
  // longer applies the rule) closes: there is nothing left in breach, and saying so is on record with the reason
  // Stryker disable next-line EqualityOperator: the keys of a Map are unique, so a and b are never equal and a <= b is a < b
  for (const [key, breach] of [...open].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (evaluated.has(key)) continue;
    const evidence: RuleResult = {
      ...breach.evidence,
      verdict: 'pass',
      asOf: at,
      reason: `${breach.ruleId} no longer applies to ${breach.subject} (not held, or not evaluated under the policy in force)`,
      figures: {},
    };
    events.push({
      type: 'ComplianceBreachResolved',
      data: {
        breachId: breach.breachId,
        ruleId: breach.ruleId,
        subject: breach.subject,
        resolvedAt: at,
        evidence,
      },
    });
  }
  for (const result of results) {
    const key = breachKey(result.ruleId, result.subject);
    const breach = open.get(key);
    if (result.verdict === 'fail' && breach === undefined) {
      events.push({
        type: 'ComplianceBreachDetected',
        data: {
          breachId: `${key}@${at}`,
          ruleId: result.ruleId,
          subject: result.subject,
          detectedAt: at,
          evidence: result,
        },
      });
    } else if (result.verdict === 'pass' && breach !== undefined) {
      events.push({
        type: 'ComplianceBreachResolved',
        data: {
          breachId: breach.breachId,
          ruleId: result.ruleId,
          subject: result.subject,
          resolvedAt: at,
          evidence: result,
        },
      });
    }
  }
  return events;
}

export function evolveBreaches(
  open: ReadonlyMap<string, OpenBreach>,
  event: BreachEvent,
): ReadonlyMap<string, OpenBreach> {
  const next = new Map(open);
  switch (event.type) {
    case 'ComplianceBreachDetected':
      next.set(breachKey(event.data.ruleId, event.data.subject), event.data);
      return next;
    case 'ComplianceBreachResolved':
      next.delete(breachKey(event.data.ruleId, event.data.subject));
      return next;
    default:
      return unhandled(event);
  }
}

/** One evaluation of the rules at an instant, whose results open and close breaches. */
export interface TrackBreaches {
  readonly type: 'TrackBreaches';
  readonly results: readonly RuleResult[];
  readonly at: string;
}

/** The open breaches' stream: keyed by rule and subject; tracking refuses nothing. */
export const breachesDecider: Decider<
  TrackBreaches,
  BreachEvent,
  ReadonlyMap<string, OpenBreach>,
  PolicyError
> = {
  initialState: new Map(),
  eventTypes: eventTypesOf<BreachEvent>({
    ComplianceBreachDetected: true,
    ComplianceBreachResolved: true,
  }),
  decide: (command, open) => ({
    ok: true,
    events: trackBreaches(open, command.results, command.at),
  }),
  evolve: evolveBreaches,
};
