import { deciderSpecification } from '@custody/decider/testing';
import {
  breachesDecider,
  breachKey,
  evolveBreaches,
  trackBreaches,
  type BreachEvent,
  type OpenBreach,
} from './breaches';
import type { RuleResult, Verdict } from './rules';

const detectedAt = '2026-11-24T09:00:00.000Z';
const at = '2026-11-24T10:00:00.000Z';

const result = (ruleId: string, subject: string, verdict: Verdict): RuleResult => ({
  ruleId,
  subject,
  verdict,
  policyVersion: 'TW-default-1',
  asOf: at,
  reason: `${ruleId} ${verdict}`,
  inputs: { subject },
  figures: { share: '21.0000%' },
});
const openBreach = (ruleId: string, subject: string): OpenBreach => ({
  breachId: `${ruleId}/${subject}@${detectedAt}`,
  ruleId,
  subject,
  detectedAt,
  evidence: { ...result(ruleId, subject, 'fail'), asOf: detectedAt },
});
const opened = (...breaches: OpenBreach[]): ReadonlyMap<string, OpenBreach> =>
  new Map(breaches.map((breach) => [breachKey(breach.ruleId, breach.subject), breach]));

describe('trackBreaches: a failing rule opens a breach once, a passing one closes it', () => {
  it('given a rule and a subject, then the breach key names both', () => {
    expect(breachKey('TW-4', 'hot-1')).toBe('TW-4/hot-1');
  });

  describe('given no breach open', () => {
    it('when a rule fails, then ComplianceBreachDetected with an id from the rule, subject and instant, and the result as evidence', () => {
      const failing = result('TW-4', 'hot-1', 'fail');
      expect(trackBreaches(new Map(), [failing], at)).toEqual([
        {
          type: 'ComplianceBreachDetected',
          data: {
            breachId: `TW-4/hot-1@${at}`,
            ruleId: 'TW-4',
            subject: 'hot-1',
            detectedAt: at,
            evidence: failing,
          },
        },
      ]);
    });

    it('when a rule passes or is indeterminate, then nothing', () => {
      expect(
        trackBreaches(
          new Map(),
          [result('TW-4', 'hot-1', 'pass'), result('TW-3', 'all', 'indeterminate')],
          at,
        ),
      ).toEqual([]);
    });
  });

  describe('given a breach open', () => {
    const open = opened(openBreach('TW-4', 'hot-1'));

    it('when the rule fails again, then nothing: the breach is open already', () => {
      expect(trackBreaches(open, [result('TW-4', 'hot-1', 'fail')], at)).toEqual([]);
    });

    it('when the rule is indeterminate, then nothing: neither proof of a breach nor of compliance', () => {
      expect(trackBreaches(open, [result('TW-4', 'hot-1', 'indeterminate')], at)).toEqual([]);
    });

    it('when the rule passes, then ComplianceBreachResolved of that breach with the passing result as evidence', () => {
      const passing = result('TW-4', 'hot-1', 'pass');
      expect(trackBreaches(open, [passing], at)).toEqual([
        {
          type: 'ComplianceBreachResolved',
          data: {
            breachId: `TW-4/hot-1@${detectedAt}`,
            ruleId: 'TW-4',
            subject: 'hot-1',
            resolvedAt: at,
            evidence: passing,
          },
        },
      ]);
    });

    it('when the same rule fails on another subject, then that opens its own breach and this one stays', () => {
      expect(
        trackBreaches(
          open,
          [result('TW-4', 'hot-1', 'fail'), result('TW-4', 'hot-2', 'fail')],
          at,
        ).map((event) => [event.type, event.data.breachId]),
      ).toEqual([['ComplianceBreachDetected', `TW-4/hot-2@${at}`]]);
    });
  });

  describe('given breaches open whose subjects are no longer evaluated', () => {
    it('then each resolves, in key order, with its detection evidence marked a pass as of now, its figures dropped, saying why', () => {
      const open = opened(
        openBreach('TW-4', 'hot-2'),
        openBreach('HK-11g', 'ETH'),
        openBreach('TW-4', 'hot-1'),
        openBreach('TW-4', 'hot-3'),
      );
      const events = trackBreaches(open, [result('TW-4', 'hot-1', 'fail')], at);
      expect(events.map((event) => event.data.breachId)).toEqual([
        `HK-11g/ETH@${detectedAt}`,
        `TW-4/hot-2@${detectedAt}`,
        `TW-4/hot-3@${detectedAt}`,
      ]);
      expect(events[1]).toEqual({
        type: 'ComplianceBreachResolved',
        data: {
          breachId: `TW-4/hot-2@${detectedAt}`,
          ruleId: 'TW-4',
          subject: 'hot-2',
          resolvedAt: at,
          evidence: {
            ruleId: 'TW-4',
            subject: 'hot-2',
            verdict: 'pass',
            policyVersion: 'TW-default-1',
            asOf: at,
            reason: expect.stringMatching(/^TW-4 no longer applies to hot-2/),
            inputs: { subject: 'hot-2' },
            figures: {},
          },
        },
      });
    });
  });
});

describe('evolveBreaches: the open breaches after an event', () => {
  it('given a detection, then the breach is open under its key; given its resolution, then it is not; the map given is left as it was', () => {
    const breach = openBreach('TW-4', 'hot-1');
    const other = openBreach('HK-11g', 'ETH');
    const before = opened(other);
    const detected: BreachEvent = { type: 'ComplianceBreachDetected', data: breach };
    const afterDetection = evolveBreaches(before, detected);
    expect([...afterDetection]).toEqual([
      ['HK-11g/ETH', other],
      ['TW-4/hot-1', breach],
    ]);
    expect([...before.keys()]).toEqual(['HK-11g/ETH']);
    const resolved: BreachEvent = {
      type: 'ComplianceBreachResolved',
      data: {
        breachId: breach.breachId,
        ruleId: 'TW-4',
        subject: 'hot-1',
        resolvedAt: at,
        evidence: result('TW-4', 'hot-1', 'pass'),
      },
    };
    expect([...evolveBreaches(afterDetection, resolved)]).toEqual([['HK-11g/ETH', other]]);
    expect([...afterDetection.keys()]).toEqual(['HK-11g/ETH', 'TW-4/hot-1']);
  });
});

describe('breachesDecider: the open breaches stream (issue 24)', () => {
  it('holds the detections and resolutions, from no breach open', () => {
    expect([...breachesDecider.eventTypes]).toEqual([
      'ComplianceBreachDetected',
      'ComplianceBreachResolved',
    ]);
    expect(breachesDecider.initialState.size).toBe(0);
  });

  it('given a breach detected, when the rule passes, then it is resolved; when it fails again, then nothing', () => {
    const breach = openBreach('TW-4', 'hot-1');
    const passing = result('TW-4', 'hot-1', 'pass');
    const given = deciderSpecification(breachesDecider).given([
      { type: 'ComplianceBreachDetected', data: breach },
    ]);
    expect([...given.state]).toEqual([['TW-4/hot-1', breach]]);
    given.when({ type: 'TrackBreaches', results: [passing], at }).thenEmits([
      {
        type: 'ComplianceBreachResolved',
        data: {
          breachId: breach.breachId,
          ruleId: 'TW-4',
          subject: 'hot-1',
          resolvedAt: at,
          evidence: passing,
        },
      },
    ]);
    given
      .when({ type: 'TrackBreaches', results: [result('TW-4', 'hot-1', 'fail')], at })
      .thenEmitsNothing();
  });

  it('given an event of no known type, then an assertion failure naming it', () => {
    expect(() =>
      breachesDecider.evolve(new Map(), {
        type: 'Stray',
        data: { ruleId: 'TW-4', subject: 'hot-1' },
      } as never),
    ).toThrow('assertion: unhandled {"type":"Stray"');
  });
});
