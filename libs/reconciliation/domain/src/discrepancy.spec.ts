import type { BusinessCalendar } from './business-calendar';
import {
  decideDiscrepancy,
  ESCALATION_RECIPIENTS,
  evolveDiscrepancy,
  FIAT_SHORTFALL_TOP_UP_BUSINESS_DAYS,
  SHORTFALL_TOP_UP_BUSINESS_DAYS,
  type DiscrepancyCommand,
  type DiscrepancyErrorCode,
  type DiscrepancyEvent,
  type DiscrepancyState,
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
const detect = (
  difference: Difference = shortfall,
  discoveredOn = '2026-11-26',
): DiscrepancyCommand => ({
  type: 'DetectDiscrepancy',
  discrepancyId: 'D-1',
  difference,
  runId: `R-${discoveredOn}`,
  discoveredOn,
  explainWithinMs: 24 * HOUR,
  at: detectedAt,
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

/** Emmett style: given(commands).when(command).then(events) / .thenRefuses(code, path); `state` is what the history left. */
function given(...history: DiscrepancyCommand[]) {
  let state: DiscrepancyState | undefined;
  for (const command of history) {
    const decision = decideDiscrepancy(command, state, TW);
    if (!decision.ok) throw new Error(`given: ${command.type} refused with ${decision.error.code}`);
    state = decision.events.reduce(evolveDiscrepancy, state);
  }
  return {
    state,
    when(command: DiscrepancyCommand) {
      const decision = decideDiscrepancy(command, state, TW);
      return {
        then(expected: readonly DiscrepancyEvent[]) {
          expect(decision).toEqual({ ok: true, events: expected });
        },
        thenTypes(expected: readonly DiscrepancyEvent['type'][]) {
          expect(
            decision.ok ? decision.events.map((event) => event.type) : decision.error.code,
          ).toEqual(expected);
        },
        thenRefuses(code: DiscrepancyErrorCode, path: string) {
          expect(
            decision.ok ? 'accepted' : { code: decision.error.code, path: decision.error.path },
          ).toEqual({ code, path });
        },
      };
    },
  };
}
const dueOn = (difference: Difference, discoveredOn: string) =>
  given(detect(difference, discoveredOn)).state?.topUpDueOn;

describe('TW-14 a discrepancy is detected', () => {
  it('TW-14 given a shortfall, then it is recorded with its explanation deadline and the day it is to be made good', () => {
    given()
      .when(detect())
      .then([
        {
          type: 'DiscrepancyDetected',
          data: {
            discrepancyId: 'D-1',
            difference: shortfall,
            runId: 'R-2026-11-26',
            discoveredOn: '2026-11-26',
            explainBy: '2026-11-27T02:00:00.000Z',
            topUpDueOn: '2026-12-03',
            at: detectedAt,
          },
        },
      ]);
    expect(given(detect()).state).toEqual({
      discrepancyId: 'D-1',
      difference: shortfall,
      discoveredOn: '2026-11-26',
      explainBy: '2026-11-27T02:00:00.000Z',
      topUpDueOn: '2026-12-03',
      status: 'open',
      escalated: false,
      overdueReported: false,
      toppedUpMinor: 0n,
    });
  });

  it('TW-14 given the same difference detected again, then nothing new', () => {
    given(detect()).when(detect()).then([]);
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
      given().when(command).thenRefuses('DISCREPANCY_UNKNOWN', 'discrepancyId');
  });

  it('given a note, then it is recorded and changes nothing else; a blank note is refused', () => {
    const note: DiscrepancyCommand = {
      type: 'AddInvestigationNote',
      note: 'node logs requested',
      by: 'ops-1',
      at: '2026-11-26T03:00:00.000Z',
    };
    given(detect())
      .when(note)
      .then([
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
    expect(given(detect(), note).state).toEqual(given(detect()).state);
    given(detect())
      .when({ ...note, note: '  ' })
      .thenRefuses('TEXT_REQUIRED', 'note');
  });

  it('given a cause, then explained (and still open to be made good); a blank cause, or a closed discrepancy, is refused', () => {
    given(detect())
      .when(explain())
      .then([
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
    expect(given(detect(), explain()).state).toMatchObject({
      status: 'explained',
      toppedUpMinor: 0n,
      topUpDueOn: '2026-12-03',
    });
    given(detect()).when(explain(' ')).thenRefuses('TEXT_REQUIRED', 'cause');
    given(detect(surplus), runShows(0n))
      .when(explain())
      .thenRefuses('DISCREPANCY_CLOSED', 'discrepancyId');
  });
});

describe('TW-14 escalation when not explained in time', () => {
  it('TW-14 given the explanation deadline reached, then escalated to the board and internal audit; one millisecond before, not', () => {
    expect(ESCALATION_RECIPIENTS).toEqual(['board', 'internal-audit']);
    given(detect()).when(check('2026-11-27', '2026-11-27T01:59:59.999Z')).then([]);
    const decision = decideDiscrepancy(
      check('2026-11-27', '2026-11-27T02:00:00.000Z'),
      given(detect()).state,
      TW,
    );
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
    given(detect(), check('2026-11-27'))
      .when(check('2026-11-27', '2026-11-27T03:00:00.000Z'))
      .then([]);
    expect(given(detect(), check('2026-11-27')).state?.escalated).toBe(true);
    given(detect(), explain()).when(check('2026-11-27')).then([]);
  });

  it('given a closed discrepancy, then deadlines no longer apply: a shortfall made good and confirmed is never overdue', () => {
    given(detect(surplus), runShows(0n)).when(check('2027-03-01')).then([]);
    given(detect(), topUp(40n), runShows(0n)).when(check('2026-12-10')).then([]);
  });
});

describe('TW-14.3 making a shortfall good', () => {
  it('TW-14.3 given top-ups, then each is recorded and they add up; zero or less, a surplus, or a closed one is refused', () => {
    given(detect())
      .when(topUp(1n))
      .then([
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
    expect(given(detect(), topUp(10n), topUp(15n)).state?.toppedUpMinor).toBe(25n);
    given(detect()).when(topUp(0n)).thenRefuses('AMOUNT_NOT_POSITIVE', 'amountMinor');
    given(detect()).when(topUp(-5n)).thenRefuses('AMOUNT_NOT_POSITIVE', 'amountMinor');
    given(detect(surplus)).when(topUp(1n)).thenRefuses('TOP_UP_NOT_A_SHORTFALL', 'discrepancyId');
    given(detect(), topUp(40n), runShows(0n))
      .when(topUp(1n))
      .thenRefuses('DISCREPANCY_CLOSED', 'discrepancyId');
  });

  it('TW-14.3 given the check on the due day itself, then not overdue; on the day after, overdue once with what remains', () => {
    const explained = [detect(), explain(), topUp(25n)]; // explained: only the top-up deadline is at stake
    given(...explained)
      .when(check('2026-12-03'))
      .then([]);
    given(...explained)
      .when(check('2026-12-04'))
      .then([
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
    expect(given(...explained, check('2026-12-04')).state?.overdueReported).toBe(true);
    given(...explained, check('2026-12-04'))
      .when(check('2026-12-07'))
      .then([]);
  });

  it('TW-14.3 given a due day before a holiday weekend (found Thursday 8 October, due Friday 16 October), then overdue from Saturday 17, not on the 16th', () => {
    const found = [detect(shortfall, '2026-10-08'), explain()];
    given(...found)
      .when(check('2026-10-16'))
      .then([]);
    given(...found)
      .when(check('2026-10-17'))
      .thenTypes(['ShortfallOverdue']);
  });

  it('TW-14.3 given both deadlines passed unexplained, then escalated and overdue in the same check', () => {
    given(detect())
      .when(check('2026-12-04'))
      .thenTypes(['DiscrepancyEscalated', 'ShortfallOverdue']);
  });

  it('TW-14.3 given top-ups of the whole shortfall or more but no run confirming them by the due day, then overdue with nothing remaining', () => {
    given(detect(), explain(), topUp(40n))
      .when(check('2026-12-04'))
      .then([
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
    given(detect(), explain(), topUp(50n))
      .when(check('2026-12-04'))
      .then([
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
    given(detect(surplus), explain()).when(check('2027-03-01')).then([]);
  });
});

describe('TW-14.3 closing a discrepancy only on a later run', () => {
  it('TW-14.3 given a top-up and a later run showing no shortfall, then closed by that run', () => {
    given(detect(), topUp(40n))
      .when(runShows(0n))
      .then([
        {
          type: 'DiscrepancyClosed',
          data: {
            discrepancyId: 'D-1',
            confirmedByRunId: 'R-later',
            at: '2026-11-27T09:00:00.000Z',
          },
        },
      ]);
    expect(given(detect(), topUp(40n), runShows(0n)).state?.status).toBe('closed');
  });

  it('TW-14.3 given a later run that still shows a shortfall of one minor unit, then it stays open, top-up or not', () => {
    given(detect(), topUp(39n)).when(runShows(1n)).then([]);
    given(detect(surplus)).when(runShows(1n)).then([]);
  });

  it('TW-14.3 given a partial top-up that a later run finds enough, then closed', () => {
    given(detect(), topUp(1n)).when(runShows(0n)).thenTypes(['DiscrepancyClosed']);
  });

  it('TW-14.3 given a later run without the shortfall but no top-up recorded, then it stays open; a surplus gone is closed by the run', () => {
    given(detect()).when(runShows(0n)).then([]);
    given(detect(surplus)).when(runShows(0n)).thenTypes(['DiscrepancyClosed']);
  });

  it('given a closed discrepancy, then another confirming run changes nothing', () => {
    given(detect(), topUp(40n), runShows(0n)).when(runShows(0n)).then([]);
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
});
