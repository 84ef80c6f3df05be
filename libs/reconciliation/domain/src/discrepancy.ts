import type { RefusalCodes } from '@custody/contracts';
import {
  eventTypesOf,
  unhandled,
  type Decider,
  type Decision,
  type Refusal,
} from '@custody/decider';
import { addBusinessDays, localParts, type BusinessCalendar } from './business-calendar';
import type { Difference } from './reconcile';

/** Who is notified when a discrepancy is not explained in time (TW-14, TW-5.5/5.6). */
export const ESCALATION_RECIPIENTS = ['board', 'internal-audit'] as const;
/** TW-14.3: a shortfall of virtual assets is made good within this many business days from the day after discovery. */
export const SHORTFALL_TOP_UP_BUSINESS_DAYS = 5;
/** TW-11: a shortfall of client fiat in trust is topped up within this many business days. */
export const FIAT_SHORTFALL_TOP_UP_BUSINESS_DAYS = 2;

export type DiscrepancyStatus = 'open' | 'explained' | 'closed';

export interface DiscrepancyState {
  readonly discrepancyId: string;
  readonly difference: Difference;
  /** The day the run found it (TW-14.3 counts the top-up from the day after). */
  readonly discoveredOn: string;
  /** The business day the run that found it is about: before the discovery day for a late run. */
  readonly businessDay: string;
  readonly explainBy: string;
  /** A shortfall's top-up due day (TW-14.3); null for a surplus. */
  readonly topUpDueOn: string | null;
  readonly status: DiscrepancyStatus;
  readonly escalated: boolean;
  readonly overdueReported: boolean;
  readonly toppedUpMinor: bigint;
}

export type DiscrepancyEvent =
  | {
      readonly type: 'DiscrepancyDetected';
      readonly data: {
        readonly discrepancyId: string;
        readonly difference: Difference;
        readonly runId: string;
        /** The date, in the calendar's zone, of the instant the run found it (`at`). */
        readonly discoveredOn: string;
        /**
         * The business day the run is about. Absent from detections recorded before issue 25, whose
         * `discoveredOn` was that day.
         */
        readonly businessDay?: string;
        readonly explainBy: string;
        readonly topUpDueOn: string | null;
        readonly at: string;
      };
    }
  | {
      readonly type: 'InvestigationNoteAdded';
      readonly data: {
        readonly discrepancyId: string;
        readonly note: string;
        readonly by: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'DiscrepancyExplained';
      readonly data: {
        readonly discrepancyId: string;
        readonly cause: string;
        readonly by: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'DiscrepancyEscalated';
      readonly data: {
        readonly discrepancyId: string;
        readonly notify: readonly string[];
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'TopUpRecorded';
      readonly data: {
        readonly discrepancyId: string;
        readonly amountMinor: bigint;
        readonly reference: string;
        readonly by: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'ShortfallOverdue';
      readonly data: {
        readonly discrepancyId: string;
        readonly dueOn: string;
        readonly remainingMinor: bigint;
        readonly at: string;
      };
    }
  | {
      readonly type: 'DiscrepancyClosed';
      readonly data: {
        readonly discrepancyId: string;
        readonly confirmedByRunId: string;
        readonly at: string;
      };
    };

export type DiscrepancyCommand =
  | {
      readonly type: 'DetectDiscrepancy';
      readonly discrepancyId: string;
      readonly difference: Difference;
      readonly runId: string;
      /** The business day the run is about (its TW-13 totals, its cut-off). */
      readonly businessDay: string;
      readonly explainWithinMs: number;
      /** When the run found the difference: the discovery day is this instant's date in the calendar's zone. */
      readonly at: string;
    }
  | {
      readonly type: 'AddInvestigationNote';
      readonly note: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'ExplainDiscrepancy';
      readonly cause: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'RecordTopUp';
      readonly amountMinor: bigint;
      readonly reference: string;
      readonly by: string;
      readonly at: string;
    }
  /** The schedule: escalate what was not explained in time, report shortfalls past their due day. */
  | { readonly type: 'CheckDeadlines'; readonly today: string; readonly at: string }
  /** A later run found the difference gone (for a shortfall: after a top-up). */
  | {
      readonly type: 'ConfirmResolvedByRun';
      readonly runId: string;
      readonly remainingMinor: bigint;
      readonly at: string;
    };

export type DiscrepancyErrorCode =
  | 'DISCREPANCY_UNKNOWN'
  | 'DISCREPANCY_CLOSED'
  | 'DISCREPANCY_EXISTS'
  | 'TEXT_REQUIRED'
  | 'AMOUNT_NOT_POSITIVE'
  | 'TOP_UP_NOT_A_SHORTFALL';
export type DiscrepancyRefusal = Refusal<DiscrepancyErrorCode>;
export type DiscrepancyDecision = Decision<DiscrepancyEvent, DiscrepancyRefusal>;

const refuse = (code: DiscrepancyErrorCode, path: string, reason: string): DiscrepancyDecision => ({
  ok: false,
  error: { code, path, reason },
});

/**
 * A discrepancy from detection to closure (TW-14, HK-21): investigated with notes, explained with
 * a cause or, unexplained past its deadline, escalated to the board and internal audit (once); a
 * SHORTFALL is due to be made good within 5 business days from the day after discovery (the day
 * the run found it, whichever business day the run is about), reported
 * overdue once past it, and closed only when a later run confirms the difference is gone (a
 * recorded top-up alone does not close it). Everything is an event; nothing is edited.
 */
export function decideDiscrepancy(
  command: DiscrepancyCommand,
  state: DiscrepancyState | undefined,
  calendar: BusinessCalendar,
): DiscrepancyDecision {
  if (command.type === 'DetectDiscrepancy') {
    if (state !== undefined) return { ok: true, events: [] }; // the same run's difference detected again
    const { discrepancyId, difference, runId, businessDay, explainWithinMs, at } = command;
    // TW-14.3 counts from the day after DISCOVERY: the day the run found it, not the (earlier) day a late run is about.
    // Its date, not the next business day: a difference found on a Saturday or after the cut-off is due no later than
    // one found earlier that day (the count starts the next day and skips what is not a business day).
    const discoveredOn = localParts(at, calendar.timeZone).day;
    // fiat in trust within 2 business days (TW-11), virtual assets within 5 (TW-14.3)
    const topUpDays =
      difference.source === 'trust-account'
        ? FIAT_SHORTFALL_TOP_UP_BUSINESS_DAYS
        : SHORTFALL_TOP_UP_BUSINESS_DAYS;
    const topUpDueOn =
      difference.kind === 'shortfall' ? addBusinessDays(discoveredOn, topUpDays, calendar) : null;
    return {
      ok: true,
      events: [
        {
          type: 'DiscrepancyDetected',
          data: {
            discrepancyId,
            difference,
            runId,
            discoveredOn,
            businessDay,
            explainBy: new Date(Date.parse(at) + explainWithinMs).toISOString(),
            topUpDueOn,
            at,
          },
        },
      ],
    };
  }
  if (state === undefined)
    return refuse('DISCREPANCY_UNKNOWN', 'discrepancyId', 'no such discrepancy');
  const { discrepancyId } = state;
  switch (command.type) {
    case 'AddInvestigationNote':
      if (command.note.trim() === '')
        return refuse('TEXT_REQUIRED', 'note', 'a note says something');
      return {
        ok: true,
        events: [
          {
            type: 'InvestigationNoteAdded',
            data: { discrepancyId, note: command.note, by: command.by, at: command.at },
          },
        ],
      };
    case 'ExplainDiscrepancy':
      if (state.status === 'closed')
        return refuse('DISCREPANCY_CLOSED', 'discrepancyId', 'closed already');
      if (command.cause.trim() === '')
        return refuse('TEXT_REQUIRED', 'cause', 'an explanation names the cause');
      return {
        ok: true,
        events: [
          {
            type: 'DiscrepancyExplained',
            data: { discrepancyId, cause: command.cause, by: command.by, at: command.at },
          },
        ],
      };
    case 'RecordTopUp':
      if (state.status === 'closed')
        return refuse('DISCREPANCY_CLOSED', 'discrepancyId', 'closed already');
      if (state.difference.kind !== 'shortfall')
        return refuse('TOP_UP_NOT_A_SHORTFALL', 'discrepancyId', 'only a shortfall is topped up');
      if (command.amountMinor <= 0n)
        return refuse('AMOUNT_NOT_POSITIVE', 'amountMinor', 'a top-up is positive');
      return {
        ok: true,
        events: [
          {
            type: 'TopUpRecorded',
            data: {
              discrepancyId,
              amountMinor: command.amountMinor,
              reference: command.reference,
              by: command.by,
              at: command.at,
            },
          },
        ],
      };
    case 'CheckDeadlines': {
      if (state.status === 'closed') return { ok: true, events: [] };
      const events: DiscrepancyEvent[] = [];
      if (
        state.status === 'open' &&
        !state.escalated &&
        Date.parse(command.at) >= Date.parse(state.explainBy)
      ) {
        events.push({
          type: 'DiscrepancyEscalated',
          data: {
            discrepancyId,
            notify: ESCALATION_RECIPIENTS,
            reason: `not explained by ${state.explainBy}`,
            at: command.at,
          },
        });
      }
      return {
        ok: true,
        events: [...events, ...overdueShortfall(state, command.today, command.at)],
      };
    }
    case 'ConfirmResolvedByRun':
      if (state.status === 'closed' || command.remainingMinor > 0n) return { ok: true, events: [] };
      // TW-14.3: a shortfall is closed by a recorded top-up that a later run confirms, never by a run alone
      if (state.difference.kind === 'shortfall' && state.toppedUpMinor === 0n)
        return { ok: true, events: [] };
      return {
        ok: true,
        events: [
          {
            type: 'DiscrepancyClosed',
            data: { discrepancyId, confirmedByRunId: command.runId, at: command.at },
          },
        ],
      };
    default:
      return unhandled(command);
  }
}

/** TW-14.3: a shortfall not closed by the end of its due day is overdue from the day after, reported once, with what is still to be topped up; a surplus has no due day. */
function overdueShortfall(state: DiscrepancyState, today: string, at: string): DiscrepancyEvent[] {
  const dueOn = state.topUpDueOn;
  if (dueOn === null || state.overdueReported || today <= dueOn) return [];
  const remainingMinor = state.difference.amountMinor - state.toppedUpMinor;
  return [
    {
      type: 'ShortfallOverdue',
      data: {
        discrepancyId: state.discrepancyId,
        dueOn,
        remainingMinor: remainingMinor > 0n ? remainingMinor : 0n,
        at,
      },
    },
  ];
}

export function evolveDiscrepancy(
  state: DiscrepancyState | undefined,
  event: DiscrepancyEvent,
): DiscrepancyState | undefined {
  if (event.type === 'DiscrepancyDetected') {
    const { discrepancyId, difference, discoveredOn, businessDay, explainBy, topUpDueOn } =
      event.data;
    return {
      discrepancyId,
      difference,
      discoveredOn,
      // a detection recorded before the two were told apart: it was discovered on the day its run was about
      businessDay: businessDay ?? discoveredOn,
      explainBy,
      topUpDueOn,
      status: 'open',
      escalated: false,
      overdueReported: false,
      toppedUpMinor: 0n,
    };
  }
  if (state === undefined) throw new Error(`assertion: ${event.type} before DiscrepancyDetected`);
  switch (event.type) {
    case 'InvestigationNoteAdded':
      return state;
    case 'DiscrepancyExplained':
      // a shortfall stays to be made good: explained is not closed
      return { ...state, status: 'explained' };
    case 'DiscrepancyEscalated':
      return { ...state, escalated: true };
    case 'TopUpRecorded':
      return { ...state, toppedUpMinor: state.toppedUpMinor + event.data.amountMinor };
    case 'ShortfallOverdue':
      return { ...state, overdueReported: true };
    case 'DiscrepancyClosed':
      return { ...state, status: 'closed' };
    default:
      return unhandled(event);
  }
}

/** One discrepancy's stream (none before its detection); the business calendar is its facts. */
export const discrepancyDecider: Decider<
  DiscrepancyCommand,
  DiscrepancyEvent,
  DiscrepancyState | undefined,
  DiscrepancyRefusal,
  BusinessCalendar
> = {
  initialState: undefined,
  eventTypes: eventTypesOf<DiscrepancyEvent>({
    DiscrepancyDetected: true,
    InvestigationNoteAdded: true,
    DiscrepancyExplained: true,
    DiscrepancyEscalated: true,
    TopUpRecorded: true,
    ShortfallOverdue: true,
    DiscrepancyClosed: true,
  }),
  evolve: evolveDiscrepancy,
  decide: decideDiscrepancy,
};

/**
 * Every code has its HTTP status in the contract's one table (REFUSAL_STATUS): a code added
 * above without one fails typecheck.
 */
export type DiscrepancyRefusalCode = RefusalCodes<DiscrepancyErrorCode>;
