import { deciderSpecification } from '@custody/decider/testing';
import type { BusinessCalendar } from './business-calendar';
import {
  discrepancyDecider,
  ESCALATION_RECIPIENTS,
  evolveDiscrepancy,
  FIAT_SHORTFALL_TOP_UP_BUSINESS_DAYS,
  SHORTFALL_TOP_UP_BUSINESS_DAYS,
  type DiscrepancyCommand,
  type DiscrepancyDecision,
  type DiscrepancyEvent,
} from './discrepancy';
import type { Difference } from './reconcile';

// Taipei: weekends, the National Day bridge (Friday 9 and Saturday 10 October 2026) and New Year's Day 2027 off
const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(['2026-10-09', '2026-10-10', '2027-01-01']),
};
const HOUR = 60 * 60 * 1000;

const shortfall: Difference = {
  asset: 'ETH',
  source: 'on-chain',
  kind: 'shortfall',
  amountMinor: 40n,
  owedMinor: 1_000n,
  heldMinor: 960n,
  wallets: ['cold-1'],
};
const surplus: Difference = { ...shortfall, kind: 'surplus', heldMinor: 1_040n };
const detectedAt = '2026-11-26T02:00:00.000Z'; // Thursday 10:00 in Taipei
/** A run about `businessDay` finding `difference` at `at` (10:00 in Taipei on `foundOn`). */
const detect = (
  difference: Difference = shortfall,
  foundOn = '2026-11-26',
  businessDay = foundOn,
  at = `${foundOn}T02:00:00.000Z`,
): DiscrepancyCommand => ({
  type: 'DetectDiscrepancy',
  discrepancyId: 'D-1',
  difference,
  runId: `R-${businessDay}`,
  businessDay,
  explainWithinMs: 24 * HOUR,
  at,
});
const topUp = (amountMinor: bigint, at = '2026-11-27T02:00:00.000Z'): DiscrepancyCommand => ({
  type: 'RecordTopUp',
  amountMinor,
  reference: '0xtopup',
  by: 'treasury-1',
  at,
});
const check = (today: string, at = `${today}T02:00:00.000Z`): DiscrepancyCommand => ({
  type: 'CheckDeadlines',
  today,
  at,
});
const explain = (cause = 'a withdrawal broadcast twice by the node'): DiscrepancyCommand => ({
  type: 'ExplainDiscrepancy',
  cause,
  by: 'ops-1',
  at: '2026-11-26T05:00:00.000Z',
});
const runShows = (remainingMinor: bigint): DiscrepancyCommand => ({
  type: 'ConfirmResolvedByRun',
  runId: 'R-later',
  remainingMinor,
  at: '2026-11-27T09:00:00.000Z',
});

const spec = deciderSpecification(discrepancyDecider);

// The history as recorded: each event is what the command of the same name above decides on
// the Taipei calendar (the tests that decide those commands compare with these).
const detected = (
  difference: Difference = shortfall,
  discoveredOn = '2026-11-26',
  topUpDueOn: string | null = '2026-12-03',
): DiscrepancyEvent => ({
  type: 'DiscrepancyDetected',
  data: {
    discrepancyId: 'D-1',
    difference,
    runId: `R-${discoveredOn}`,
    discoveredOn,
    businessDay: discoveredOn,
    explainBy: '2026-11-27T02:00:00.000Z',
    topUpDueOn,
    at: detectedAt,
  },
});
const surplusDetected = detected(surplus, '2026-11-26', null);
const explained: DiscrepancyEvent = {
  type: 'DiscrepancyExplained',
  data: {
    discrepancyId: 'D-1',
    cause: 'a withdrawal broadcast twice by the node',
    by: 'ops-1',
    at: '2026-11-26T05:00:00.000Z',
  },
};
const toppedUp = (amountMinor: bigint): DiscrepancyEvent => ({
  type: 'TopUpRecorded',
  data: {
    discrepancyId: 'D-1',
    amountMinor,
    reference: '0xtopup',
    by: 'treasury-1',
    at: '2026-11-27T02:00:00.000Z',
  },
});
/** The check on 27 November at 02:00 UTC, the explanation deadline. */
const escalated: DiscrepancyEvent = {
  type: 'DiscrepancyEscalated',
  data: {
    discrepancyId: 'D-1',
    notify: ESCALATION_RECIPIENTS,
    reason: 'not explained by 2026-11-27T02:00:00.000Z',
    at: '2026-11-27T02:00:00.000Z',
  },
};
const overdue = (remainingMinor: bigint): DiscrepancyEvent => ({
  type: 'ShortfallOverdue',
  data: {
    discrepancyId: 'D-1',
    dueOn: '2026-12-03',
    remainingMinor,
    at: '2026-12-04T02:00:00.000Z',
  },
});
const closedByRun: DiscrepancyEvent = {
  type: 'DiscrepancyClosed',
  data: { discrepancyId: 'D-1', confirmedByRunId: 'R-later', at: '2026-11-27T09:00:00.000Z' },
};

const typesOf = (decision: DiscrepancyDecision) =>
  decision.ok ? decision.events.map((event) => event.type) : decision.error.code;
/** The state a detection leaves (its events folded). */
const stateAfter = (command: DiscrepancyCommand) => {
  const { decision } = spec.given([]).when(command, TW);
  return spec.given(decision.ok ? decision.events : []).state;
};
/** The day a detection on `discoveredOn` sets for the top-up. */
const dueOn = (difference: Difference, discoveredOn: string) => {
  const { decision } = spec.given([]).when(detect(difference, discoveredOn), TW);
  const [event] = decision.ok ? decision.events : [];
  return event?.type === 'DiscrepancyDetected' ? event.data.topUpDueOn : 'not detected';
};

describe('TW-14 a discrepancy is detected', () => {
  it('TW-14 given a shortfall, then it is recorded with its explanation deadline and the day it is to be made good', () => {
    spec
      .given([])
      .when(detect(), TW)
      .thenEmits([
        {
          type: 'DiscrepancyDetected',
          data: {
            discrepancyId: 'D-1',
            difference: shortfall,
            runId: 'R-2026-11-26',
            discoveredOn: '2026-11-26',
            businessDay: '2026-11-26',
            explainBy: '2026-11-27T02:00:00.000Z',
            topUpDueOn: '2026-12-03',
            at: detectedAt,
          },
        },
      ]);
    expect(spec.given([detected()]).state).toEqual({
      discrepancyId: 'D-1',
      difference: shortfall,
      discoveredOn: '2026-11-26',
      businessDay: '2026-11-26',
      explainBy: '2026-11-27T02:00:00.000Z',
      topUpDueOn: '2026-12-03',
      status: 'open',
      escalated: false,
      overdueReported: false,
      toppedUpMinor: 0n,
    });
  });

  it('TW-14 given the same difference detected again, then nothing new', () => {
    spec.given([detected()]).when(detect(), TW).thenEmitsNothing();
  });

  it('TW-14 given a surplus, then nothing is due to be made good', () => {
    expect(dueOn(surplus, '2026-11-26')).toBeNull();
  });

  it('TW-14.3 given a virtual-asset shortfall (on chain or in the wallet records), then due 5 business days from the day after discovery, over weekends and holidays', () => {
    expect(SHORTFALL_TOP_UP_BUSINESS_DAYS).toBe(5);
    expect(dueOn(shortfall, '2026-11-26')).toBe('2026-12-03'); // Thursday: Fri, Mon, Tue, Wed, Thu
    expect(dueOn({ ...shortfall, source: 'wallet-records' }, '2026-11-26')).toBe('2026-12-03');
    expect(dueOn(shortfall, '2026-10-08')).toBe('2026-10-16'); // Thursday before the holidays: Mon 12 .. Fri 16
    expect(dueOn(shortfall, '2026-12-31')).toBe('2027-01-08'); // over New Year's Day and the weekend
  });

  it('TW-14.3 given a late run on Friday 27 November about Tuesday 24 November (D+3) finding a shortfall, then it is discovered on the 27th and due 5 business days from the day after, 4 December, not 1 December as if found on the 24th', () => {
    const late = detect(shortfall, '2026-11-27', '2026-11-24');
    spec
      .given([])
      .when(late, TW)
      .thenEmits([
        {
          type: 'DiscrepancyDetected',
          data: {
            discrepancyId: 'D-1',
            difference: shortfall,
            runId: 'R-2026-11-24',
            discoveredOn: '2026-11-27',
            businessDay: '2026-11-24',
            explainBy: '2026-11-28T02:00:00.000Z',
            topUpDueOn: '2026-12-04', // Mon 30, Tue 1, Wed 2, Thu 3, Fri 4
            at: '2026-11-27T02:00:00.000Z',
          },
        },
      ]);
    expect(stateAfter(late)).toMatchObject({
      discoveredOn: '2026-11-27',
      businessDay: '2026-11-24',
      topUpDueOn: '2026-12-04',
    });
    // the same late run finding a surplus: discovered the 27th, nothing due
    expect(stateAfter(detect(surplus, '2026-11-27', '2026-11-24'))).toMatchObject({
      discoveredOn: '2026-11-27',
      topUpDueOn: null,
    });
  });

  it("TW-14.3 the discovery day is the date of the run's instant in the calendar's zone, not in UTC and not rolled to the next business day: 23:59 Thursday is Thursday, 00:00 Friday is Friday, a Saturday discovery is due with Friday's", () => {
    const found = (at: string) => {
      const state = stateAfter(detect(shortfall, '2026-11-26', '2026-11-26', at));
      return [state?.discoveredOn, state?.topUpDueOn];
    };
    expect(found('2026-11-26T15:59:59.999Z')).toEqual(['2026-11-26', '2026-12-03']); // Thursday 23:59:59.999 in Taipei
    expect(found('2026-11-26T16:00:00.000Z')).toEqual(['2026-11-27', '2026-12-04']); // Friday 00:00 in Taipei, still Thursday in UTC
    expect(found('2026-11-28T02:00:00.000Z')).toEqual(['2026-11-28', '2026-12-04']); // Saturday: Mon 30 .. Fri 4, as for Friday
  });

  it('TW-11 given a fiat shortfall in the trust account, then due 2 business days from the day after discovery', () => {
    expect(FIAT_SHORTFALL_TOP_UP_BUSINESS_DAYS).toBe(2);
    const fiat: Difference = {
      ...shortfall,
      asset: 'TWD',
      source: 'trust-account',
      wallets: ['TRUST-1'],
    };
    expect(dueOn(fiat, '2026-11-26')).toBe('2026-11-30'); // Thursday: Fri, Mon
    expect(dueOn(fiat, '2026-10-08')).toBe('2026-10-13'); // Thursday before the holidays: Mon, Tue
  });
});

describe('TW-14 investigating a discrepancy', () => {
  it('given no discrepancy, then every command but detection is refused as unknown', () => {
    for (const command of [
      explain(),
      topUp(1n),
      check('2026-12-04'),
      runShows(0n),
      { type: 'AddInvestigationNote' as const, note: 'n', by: 'ops-1', at: detectedAt },
    ])
      spec.given([]).when(command, TW).thenRefuses('DISCREPANCY_UNKNOWN', 'discrepancyId');
  });

  it('given a note, then it is recorded and changes nothing else; a blank note is refused', () => {
    const note: DiscrepancyCommand = {
      type: 'AddInvestigationNote',
      note: 'node logs requested',
      by: 'ops-1',
      at: '2026-11-26T03:00:00.000Z',
    };
    spec
      .given([detected()])
      .when(note, TW)
      .thenEmits([
        {
          type: 'InvestigationNoteAdded',
          data: {
            discrepancyId: 'D-1',
            note: 'node logs requested',
            by: 'ops-1',
            at: '2026-11-26T03:00:00.000Z',
          },
        },
      ]);
    const noted: DiscrepancyEvent = {
      type: 'InvestigationNoteAdded',
      data: { discrepancyId: 'D-1', note: 'node logs requested', by: 'ops-1', at: note.at },
    };
    expect(spec.given([detected(), noted]).state).toEqual(spec.given([detected()]).state);
    spec
      .given([detected()])
      .when({ ...note, note: '  ' }, TW)
      .thenRefuses('TEXT_REQUIRED', 'note');
  });

  it('given a cause, then explained (and still open to be made good); a blank cause, or a closed discrepancy, is refused', () => {
    spec
      .given([detected()])
      .when(explain(), TW)
      .thenEmits([
        {
          type: 'DiscrepancyExplained',
          data: {
            discrepancyId: 'D-1',
            cause: 'a withdrawal broadcast twice by the node',
            by: 'ops-1',
            at: '2026-11-26T05:00:00.000Z',
          },
        },
      ]);
    expect(spec.given([detected(), explained]).state).toMatchObject({
      status: 'explained',
      toppedUpMinor: 0n,
      topUpDueOn: '2026-12-03',
    });
    spec.given([detected()]).when(explain(' '), TW).thenRefuses('TEXT_REQUIRED', 'cause');
    spec
      .given([surplusDetected, closedByRun])
      .when(explain(), TW)
      .thenRefuses('DISCREPANCY_CLOSED', 'discrepancyId');
  });
});

describe('TW-14 escalation when not explained in time', () => {
  it('TW-14 given the explanation deadline reached, then escalated to the board and internal audit; one millisecond before, not', () => {
    expect(ESCALATION_RECIPIENTS).toEqual(['board', 'internal-audit']);
    spec
      .given([detected()])
      .when(check('2026-11-27', '2026-11-27T01:59:59.999Z'), TW)
      .thenEmitsNothing();
    const { decision } = spec
      .given([detected()])
      .when(check('2026-11-27', '2026-11-27T02:00:00.000Z'), TW);
    expect(decision).toMatchObject({
      ok: true,
      events: [
        {
          type: 'DiscrepancyEscalated',
          data: {
            discrepancyId: 'D-1',
            notify: ['board', 'internal-audit'],
            at: '2026-11-27T02:00:00.000Z',
          },
        },
      ],
    });
  });

  it('TW-14 given it escalated already, then not again; explained in time, then never', () => {
    spec
      .given([detected(), escalated])
      .when(check('2026-11-27', '2026-11-27T03:00:00.000Z'), TW)
      .thenEmitsNothing();
    expect(spec.given([detected(), escalated]).state?.escalated).toBe(true);
    spec.given([detected(), explained]).when(check('2026-11-27'), TW).thenEmitsNothing();
  });

  it('given a closed discrepancy, then deadlines no longer apply: a shortfall made good and confirmed is never overdue', () => {
    spec.given([surplusDetected, closedByRun]).when(check('2027-03-01'), TW).thenEmitsNothing();
    spec
      .given([detected(), toppedUp(40n), closedByRun])
      .when(check('2026-12-10'), TW)
      .thenEmitsNothing();
  });
});

describe('TW-14.3 making a shortfall good', () => {
  it('TW-14.3 given top-ups, then each is recorded and they add up; zero or less, a surplus, or a closed one is refused', () => {
    spec
      .given([detected()])
      .when(topUp(1n), TW)
      .thenEmits([
        {
          type: 'TopUpRecorded',
          data: {
            discrepancyId: 'D-1',
            amountMinor: 1n,
            reference: '0xtopup',
            by: 'treasury-1',
            at: '2026-11-27T02:00:00.000Z',
          },
        },
      ]);
    expect(spec.given([detected(), toppedUp(10n), toppedUp(15n)]).state?.toppedUpMinor).toBe(25n);
    spec.given([detected()]).when(topUp(0n), TW).thenRefuses('AMOUNT_NOT_POSITIVE', 'amountMinor');
    spec.given([detected()]).when(topUp(-5n), TW).thenRefuses('AMOUNT_NOT_POSITIVE', 'amountMinor');
    spec
      .given([surplusDetected])
      .when(topUp(1n), TW)
      .thenRefuses('TOP_UP_NOT_A_SHORTFALL', 'discrepancyId');
    spec
      .given([detected(), toppedUp(40n), closedByRun])
      .when(topUp(1n), TW)
      .thenRefuses('DISCREPANCY_CLOSED', 'discrepancyId');
  });

  it('TW-14.3 given the check on the due day itself, then not overdue; on the day after, overdue once with what remains', () => {
    const explainedHistory = [detected(), explained, toppedUp(25n)]; // explained: only the top-up deadline is at stake
    spec.given(explainedHistory).when(check('2026-12-03'), TW).thenEmitsNothing();
    spec
      .given(explainedHistory)
      .when(check('2026-12-04'), TW)
      .thenEmits([
        {
          type: 'ShortfallOverdue',
          data: {
            discrepancyId: 'D-1',
            dueOn: '2026-12-03',
            remainingMinor: 15n,
            at: '2026-12-04T02:00:00.000Z',
          },
        },
      ]);
    expect(spec.given([...explainedHistory, overdue(15n)]).state?.overdueReported).toBe(true);
    spec
      .given([...explainedHistory, overdue(15n)])
      .when(check('2026-12-07'), TW)
      .thenEmitsNothing();
  });

  it('TW-14.3 given a due day before a holiday weekend (found Thursday 8 October, due Friday 16 October), then overdue from Saturday 17, not on the 16th', () => {
    const found = [detected(shortfall, '2026-10-08', '2026-10-16'), explained];
    spec.given(found).when(check('2026-10-16'), TW).thenEmitsNothing();
    expect(typesOf(spec.given(found).when(check('2026-10-17'), TW).decision)).toEqual([
      'ShortfallOverdue',
    ]);
  });

  it('TW-14.3 given both deadlines passed unexplained, then escalated and overdue in the same check', () => {
    expect(typesOf(spec.given([detected()]).when(check('2026-12-04'), TW).decision)).toEqual([
      'DiscrepancyEscalated',
      'ShortfallOverdue',
    ]);
  });

  it('TW-14.3 given top-ups of the whole shortfall or more but no run confirming them by the due day, then overdue with nothing remaining', () => {
    spec
      .given([detected(), explained, toppedUp(40n)])
      .when(check('2026-12-04'), TW)
      .thenEmits([
        {
          type: 'ShortfallOverdue',
          data: {
            discrepancyId: 'D-1',
            dueOn: '2026-12-03',
            remainingMinor: 0n,
            at: '2026-12-04T02:00:00.000Z',
          },
        },
      ]);
    spec
      .given([detected(), explained, toppedUp(50n)])
      .when(check('2026-12-04'), TW)
      .thenEmits([
        {
          type: 'ShortfallOverdue',
          data: {
            discrepancyId: 'D-1',
            dueOn: '2026-12-03',
            remainingMinor: 0n,
            at: '2026-12-04T02:00:00.000Z',
          },
        },
      ]);
  });

  it('given a surplus past any day, then never overdue', () => {
    spec.given([surplusDetected, explained]).when(check('2027-03-01'), TW).thenEmitsNothing();
  });
});

describe('TW-14.3 closing a discrepancy only on a later run', () => {
  it('TW-14.3 given a top-up and a later run showing no shortfall, then closed by that run', () => {
    spec
      .given([detected(), toppedUp(40n)])
      .when(runShows(0n), TW)
      .thenEmits([
        {
          type: 'DiscrepancyClosed',
          data: {
            discrepancyId: 'D-1',
            confirmedByRunId: 'R-later',
            at: '2026-11-27T09:00:00.000Z',
          },
        },
      ]);
    expect(spec.given([detected(), toppedUp(40n), closedByRun]).state?.status).toBe('closed');
  });

  it('TW-14.3 given a later run that still shows a shortfall of one minor unit, then it stays open, top-up or not', () => {
    spec
      .given([detected(), toppedUp(39n)])
      .when(runShows(1n), TW)
      .thenEmitsNothing();
    spec.given([surplusDetected]).when(runShows(1n), TW).thenEmitsNothing();
  });

  it('TW-14.3 given a partial top-up that a later run finds enough, then closed', () => {
    expect(typesOf(spec.given([detected(), toppedUp(1n)]).when(runShows(0n), TW).decision)).toEqual(
      ['DiscrepancyClosed'],
    );
  });

  it('TW-14.3 given a later run without the shortfall but no top-up recorded, then it stays open; a surplus gone is closed by the run', () => {
    spec.given([detected()]).when(runShows(0n), TW).thenEmitsNothing();
    expect(typesOf(spec.given([surplusDetected]).when(runShows(0n), TW).decision)).toEqual([
      'DiscrepancyClosed',
    ]);
  });

  it('given a closed discrepancy, then another confirming run changes nothing', () => {
    spec
      .given([detected(), toppedUp(40n), closedByRun])
      .when(runShows(0n), TW)
      .thenEmitsNothing();
  });
});

describe('a discrepancy as a Decider', () => {
  it('starts before detection, folds with evolveDiscrepancy and lists each event type once', () => {
    expect(discrepancyDecider.initialState).toBeUndefined();
    expect(discrepancyDecider.evolve).toBe(evolveDiscrepancy);
    expect([...discrepancyDecider.eventTypes]).toEqual([
      'DiscrepancyDetected',
      'InvestigationNoteAdded',
      'DiscrepancyExplained',
      'DiscrepancyEscalated',
      'TopUpRecorded',
      'ShortfallOverdue',
      'DiscrepancyClosed',
    ]);
  });

  it('given a command or an event of no known type, then an assertion fails', () => {
    const state = spec.given([detected()]).state;
    expect(() =>
      discrepancyDecider.decide({ type: 'Forgotten' } as unknown as DiscrepancyCommand, state, TW),
    ).toThrow('assertion: unhandled {"type":"Forgotten"}');
    expect(() =>
      evolveDiscrepancy(state, { type: 'Forgotten' } as unknown as DiscrepancyEvent),
    ).toThrow('assertion: unhandled {"type":"Forgotten"}');
  });
});

describe('evolving a discrepancy', () => {
  it('given an event before the detection, then an assertion fails', () => {
    expect(() =>
      evolveDiscrepancy(undefined, {
        type: 'DiscrepancyClosed',
        data: { discrepancyId: 'D-1', confirmedByRunId: 'R', at: detectedAt },
      }),
    ).toThrow('before DiscrepancyDetected');
  });

  it('TW-14.3 given a detection recorded before the business day of its run was recorded apart (no businessDay), then that day is its discovery day, as it was then', () => {
    const { businessDay: _absent, ...recordedBefore } = (
      detected() as Extract<DiscrepancyEvent, { type: 'DiscrepancyDetected' }>
    ).data;
    expect(
      evolveDiscrepancy(undefined, { type: 'DiscrepancyDetected', data: recordedBefore }),
    ).toMatchObject({ discoveredOn: '2026-11-26', businessDay: '2026-11-26' });
  });
});
