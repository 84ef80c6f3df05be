import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { PolicyDecision, PolicyError, PolicyErrorCode } from './policy-errors';

/**
 * HK-20: what clients get when an asset's chain forks, an airdrop lands or a vote is held.
 * 'clients-pro-rata': clients are entitled pro rata to their balance at the snapshot;
 * 'house-retains': the institution keeps it (disclosed to clients); 'not-supported': the
 * institution does not support such events for the asset (a booking is refused).
 */
export const ENTITLEMENT_TREATMENTS = [
  'clients-pro-rata',
  'house-retains',
  'not-supported',
] as const;
export type EntitlementTreatment = (typeof ENTITLEMENT_TREATMENTS)[number];

export const VOTE_POSITIONS = ['for', 'against', 'abstain', 'not-voted'] as const;
export type VotePosition = (typeof VOTE_POSITIONS)[number];

/** The setting in force for an asset: its version counts the approvals for that asset (1, 2, ...). */
export interface EntitlementDisclosure {
  readonly asset: string;
  readonly treatment: EntitlementTreatment;
  readonly version: number;
  readonly changeId: string;
}

interface PendingDisclosure {
  readonly asset: string;
  readonly treatment: EntitlementTreatment;
  readonly proposedBy: string;
  readonly status: 'pending' | 'approved' | 'rejected';
}

export interface EntitlementDisclosureState {
  readonly changes: ReadonlyMap<string, PendingDisclosure>;
  /** asset -> the setting in force (an asset not here has none: nothing can be booked for it). */
  readonly settings: ReadonlyMap<string, EntitlementDisclosure>;
  readonly votes: ReadonlySet<string>;
}

export const initialEntitlementDisclosureState: EntitlementDisclosureState = {
  changes: new Map(),
  settings: new Map(),
  votes: new Set(),
};

export type EntitlementDisclosureEvent =
  | {
      readonly type: 'EntitlementDisclosureProposed';
      readonly data: {
        readonly changeId: string;
        readonly asset: string;
        readonly treatment: EntitlementTreatment;
        readonly proposedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'EntitlementDisclosureApproved';
      readonly data: {
        readonly changeId: string;
        readonly asset: string;
        readonly treatment: EntitlementTreatment;
        readonly version: number;
        readonly previousTreatment: EntitlementTreatment | null;
        readonly approvedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'EntitlementDisclosureRejected';
      readonly data: {
        readonly changeId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'VoteRecorded';
      readonly data: {
        readonly voteId: string;
        readonly asset: string;
        readonly proposal: string;
        readonly position: VotePosition;
        /** The disclosure the vote was held under (HK-20). */
        readonly treatment: EntitlementTreatment;
        readonly disclosureVersion: number;
        readonly recordedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    };

export type EntitlementDisclosureCommand =
  | {
      readonly type: 'ProposeEntitlementDisclosure';
      readonly changeId: string;
      readonly asset: string;
      readonly treatment: EntitlementTreatment;
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecideEntitlementDisclosure';
      readonly changeId: string;
      readonly decision: 'approve' | 'reject';
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly type: 'RecordVote';
      readonly voteId: string;
      readonly asset: string;
      readonly proposal: string;
      readonly position: VotePosition;
      readonly reason: string;
      readonly by: string;
      readonly at: string;
    };

const ASSET_PATTERN = /^[A-Z0-9]{2,16}$/;

const refuse = <E>(code: PolicyErrorCode, path: string, reason: string): PolicyDecision<E> => ({
  ok: false,
  error: { code, path, reason },
});

export function decideEntitlementDisclosure(
  command: EntitlementDisclosureCommand,
  state: EntitlementDisclosureState,
): PolicyDecision<EntitlementDisclosureEvent> {
  switch (command.type) {
    case 'ProposeEntitlementDisclosure': {
      if (!ASSET_PATTERN.test(command.asset))
        return refuse('ASSET_INVALID', 'asset', 'an asset symbol of 2 to 16 capitals or digits');
      if (!(ENTITLEMENT_TREATMENTS as readonly string[]).includes(command.treatment))
        return refuse(
          'ENTITLEMENT_TREATMENT_INVALID',
          'treatment',
          `one of ${ENTITLEMENT_TREATMENTS.join(', ')}`,
        );
      if (state.changes.has(command.changeId))
        return refuse('ENTITLEMENT_CHANGE_TAKEN', 'changeId', `change ${command.changeId} exists`);
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a proposal states why');
      return {
        ok: true,
        events: [
          {
            type: 'EntitlementDisclosureProposed',
            data: {
              changeId: command.changeId,
              asset: command.asset,
              treatment: command.treatment,
              proposedBy: command.by,
              reason: command.reason,
              at: command.at,
            },
          },
        ],
      };
    }
    case 'DecideEntitlementDisclosure': {
      const pending = state.changes.get(command.changeId);
      if (pending === undefined)
        return refuse('ENTITLEMENT_CHANGE_UNKNOWN', 'changeId', 'no such proposal');
      if (pending.status !== 'pending')
        return refuse(
          'ENTITLEMENT_CHANGE_NOT_PENDING',
          'changeId',
          `it was ${pending.status} already`,
        );
      if (command.by === pending.proposedBy)
        return refuse(
          'MAKER_CHECKER_SAME_PERSON',
          'by',
          `${command.by} proposed it; a different person decides`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a decision states why');
      if (command.decision === 'reject')
        return {
          ok: true,
          events: [
            {
              type: 'EntitlementDisclosureRejected',
              data: {
                changeId: command.changeId,
                rejectedBy: command.by,
                reason: command.reason,
                at: command.at,
              },
            },
          ],
        };
      const previous = state.settings.get(pending.asset);
      return {
        ok: true,
        events: [
          {
            type: 'EntitlementDisclosureApproved',
            data: {
              changeId: command.changeId,
              asset: pending.asset,
              treatment: pending.treatment,
              version: (previous?.version ?? 0) + 1,
              previousTreatment: previous?.treatment ?? null,
              approvedBy: command.by,
              reason: command.reason,
              at: command.at,
            },
          },
        ],
      };
    }
    case 'RecordVote': {
      const setting = state.settings.get(command.asset);
      if (setting === undefined)
        return refuse(
          'ENTITLEMENT_DISCLOSURE_MISSING',
          'asset',
          `${command.asset} has no approved disclosure for forks, airdrops and votes`,
        );
      if (!(VOTE_POSITIONS as readonly string[]).includes(command.position))
        return refuse('VOTE_POSITION_INVALID', 'position', `one of ${VOTE_POSITIONS.join(', ')}`);
      if (setting.treatment === 'not-supported' && command.position !== 'not-voted')
        return refuse(
          'ENTITLEMENT_NOT_SUPPORTED',
          'position',
          `${command.asset}: votes are disclosed as not supported; only 'not-voted' can be recorded`,
        );
      if (state.votes.has(command.voteId))
        return refuse('VOTE_ID_TAKEN', 'voteId', `vote ${command.voteId} is recorded`);
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a vote states why');
      return {
        ok: true,
        events: [
          {
            type: 'VoteRecorded',
            data: {
              voteId: command.voteId,
              asset: command.asset,
              proposal: command.proposal,
              position: command.position,
              treatment: setting.treatment,
              disclosureVersion: setting.version,
              recordedBy: command.by,
              reason: command.reason,
              at: command.at,
            },
          },
        ],
      };
    }
    default:
      return unhandled(command);
  }
}

export function evolveEntitlementDisclosure(
  state: EntitlementDisclosureState,
  event: EntitlementDisclosureEvent,
): EntitlementDisclosureState {
  switch (event.type) {
    case 'EntitlementDisclosureProposed': {
      const { changeId, asset, treatment, proposedBy } = event.data;
      return {
        ...state,
        changes: new Map(state.changes).set(changeId, {
          asset,
          treatment,
          proposedBy,
          status: 'pending',
        }),
      };
    }
    case 'EntitlementDisclosureApproved':
    case 'EntitlementDisclosureRejected': {
      const pending = state.changes.get(event.data.changeId);
      if (pending === undefined)
        throw new Error(`assertion: decision on unknown change ${event.data.changeId}`);
      const changes = new Map(state.changes).set(event.data.changeId, {
        ...pending,
        status: event.type === 'EntitlementDisclosureApproved' ? 'approved' : 'rejected',
      });
      if (event.type === 'EntitlementDisclosureRejected') return { ...state, changes };
      const { changeId, asset, treatment, version } = event.data;
      return {
        ...state,
        changes,
        settings: new Map(state.settings).set(asset, { asset, treatment, version, changeId }),
      };
    }
    case 'VoteRecorded':
      return { ...state, votes: new Set(state.votes).add(event.data.voteId) };
    default:
      return unhandled(event);
  }
}

/** The HK-20 disclosure stream: per asset, versioned, maker-checker; votes recorded under it. */
export const entitlementDisclosureDecider: Decider<
  EntitlementDisclosureCommand,
  EntitlementDisclosureEvent,
  EntitlementDisclosureState,
  PolicyError
> = {
  initialState: initialEntitlementDisclosureState,
  eventTypes: eventTypesOf<EntitlementDisclosureEvent>({
    EntitlementDisclosureProposed: true,
    EntitlementDisclosureApproved: true,
    EntitlementDisclosureRejected: true,
    VoteRecorded: true,
  }),
  decide: decideEntitlementDisclosure,
  evolve: evolveEntitlementDisclosure,
};
