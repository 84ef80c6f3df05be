import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import { accept, canonical, refuse, type WalletDecision, type WalletError } from './wallet-errors';

/** A vetted key custodian (HK-11c): a person who authenticates as `custodianId`. */
export interface Custodian {
  readonly custodianId: string;
  readonly name: string;
  readonly department: string;
  readonly site: string;
}

export type KeyAccessAction = 'grant' | 'revoke';

export interface KeyAccessChange {
  readonly changeId: string;
  readonly custodianId: string;
  readonly walletId: string;
  readonly action: KeyAccessAction;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly status: 'pending' | 'approved' | 'rejected';
}

/** The roster and who may use which wallet's key: one stream, so every permission change is in one ordered record (TW-18). */
export interface RosterState {
  readonly custodians: ReadonlyMap<string, Custodian>;
  /** walletId -> custodians holding access to its key. */
  readonly grants: ReadonlyMap<string, ReadonlySet<string>>;
  readonly changes: ReadonlyMap<string, KeyAccessChange>;
}

export const initialRosterState: RosterState = {
  custodians: new Map(),
  grants: new Map(),
  changes: new Map(),
};

export type RosterEvent =
  | {
      readonly type: 'CustodianRegistered';
      readonly data: Custodian & { readonly registeredBy: string; readonly at: string };
    }
  | {
      readonly type: 'KeyAccessChangeRequested';
      readonly data: {
        readonly changeId: string;
        readonly custodianId: string;
        readonly walletId: string;
        readonly action: KeyAccessAction;
        readonly reason: string;
        readonly requestedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'KeyAccessChangeApproved';
      readonly data: {
        readonly changeId: string;
        readonly approvedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'KeyAccessChangeRejected';
      readonly data: {
        readonly changeId: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'KeyAccessGranted';
      readonly data: {
        readonly changeId: string;
        readonly custodianId: string;
        readonly walletId: string;
        readonly requestedBy: string;
        readonly approvedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'KeyAccessRevoked';
      readonly data: {
        readonly changeId: string;
        readonly custodianId: string;
        readonly walletId: string;
        readonly requestedBy: string;
        readonly approvedBy: string;
        readonly at: string;
      };
    };

export type RosterCommand =
  | {
      readonly type: 'RegisterCustodian';
      readonly custodian: Custodian;
      readonly registeredBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'RequestKeyAccessChange';
      readonly changeId: string;
      readonly custodianId: string;
      readonly walletId: string;
      readonly action: KeyAccessAction;
      readonly reason: string;
      readonly requestedBy: string;
      readonly at: string;
    }
  | {
      readonly type: 'DecideKeyAccessChange';
      readonly changeId: string;
      readonly decision: 'approve' | 'reject';
      readonly reason: string;
      readonly decidedBy: string;
      readonly at: string;
    };

/** What the roster needs to know from outside its stream, looked up by the caller. */
export interface RosterFacts {
  /** The wallet a key-access change is about is registered. */
  readonly walletRegistered: boolean;
}

export function hasKeyAccess(state: RosterState, walletId: string, custodianId: string): boolean {
  return state.grants.get(walletId)?.has(custodianId) ?? false;
}

/**
 * TW-18 / HK-11c: a permission change is requested by one authenticated person and takes effect
 * only when a different one approves it; nobody decides on their own access; both steps carry
 * reasons and are events. Registering a custodian on the roster grants nothing by itself.
 */
export function decideRoster(
  command: RosterCommand,
  state: RosterState,
  facts: RosterFacts,
): WalletDecision<RosterEvent> {
  switch (command.type) {
    case 'RegisterCustodian': {
      const existing = state.custodians.get(command.custodian.custodianId);
      if (existing !== undefined) {
        return canonical(existing) === canonical(command.custodian)
          ? accept()
          : refuse(
              'CUSTODIAN_ALREADY_REGISTERED',
              'custodian.custodianId',
              `custodian ${command.custodian.custodianId} is on the roster with other details`,
            );
      }
      return accept({
        type: 'CustodianRegistered',
        data: { ...command.custodian, registeredBy: command.registeredBy, at: command.at },
      });
    }
    case 'RequestKeyAccessChange': {
      const { changeId, custodianId, walletId, action, reason, requestedBy, at } = command;
      const existing = state.changes.get(changeId);
      if (existing !== undefined) {
        const same =
          existing.custodianId === custodianId &&
          existing.walletId === walletId &&
          existing.action === action &&
          existing.requestedBy === requestedBy;
        return same
          ? accept()
          : refuse(
              'KEY_ACCESS_CHANGE_ID_TAKEN',
              'changeId',
              `change ${changeId} was requested with other content`,
            );
      }
      if (reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a key-access change states why (TW-18)');
      if (!state.custodians.has(custodianId))
        return refuse(
          'CUSTODIAN_UNKNOWN',
          'custodianId',
          `${custodianId} is not on the custodian roster`,
        );
      if (!facts.walletRegistered)
        return refuse('WALLET_UNKNOWN', 'walletId', `no wallet ${walletId}`);
      const granted = hasKeyAccess(state, walletId, custodianId);
      if (action === 'grant' && granted)
        return refuse(
          'KEY_ACCESS_ALREADY_GRANTED',
          'custodianId',
          `${custodianId} already holds access to ${walletId}'s key`,
        );
      if (action === 'revoke' && !granted)
        return refuse(
          'KEY_ACCESS_NOT_GRANTED',
          'custodianId',
          `${custodianId} holds no access to ${walletId}'s key`,
        );
      return accept({
        type: 'KeyAccessChangeRequested',
        data: { changeId, custodianId, walletId, action, reason, requestedBy, at },
      });
    }
    case 'DecideKeyAccessChange': {
      const { changeId, decision, reason, decidedBy, at } = command;
      const change = state.changes.get(changeId);
      if (change === undefined)
        return refuse('KEY_ACCESS_CHANGE_UNKNOWN', 'changeId', `no key-access change ${changeId}`);
      if (change.status !== 'pending')
        return refuse(
          'KEY_ACCESS_CHANGE_NOT_PENDING',
          'changeId',
          `change ${changeId} was ${change.status} already`,
        );
      if (decidedBy === change.requestedBy)
        return refuse(
          'MAKER_CHECKER_SAME_PERSON',
          'decidedBy',
          `${decidedBy} requested change ${changeId}; a different person decides it (TW-18)`,
        );
      if (decidedBy === change.custodianId)
        return refuse(
          'CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS',
          'decidedBy',
          `${decidedBy} cannot decide on their own key access`,
        );
      if (reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a decision on key access states why (TW-18)');
      if (decision === 'reject')
        return accept({
          type: 'KeyAccessChangeRejected',
          data: { changeId, rejectedBy: decidedBy, reason, at },
        });
      // Checked again at approval: the roster may have moved since the request.
      const granted = hasKeyAccess(state, change.walletId, change.custodianId);
      if (change.action === 'grant' && granted)
        return refuse(
          'KEY_ACCESS_ALREADY_GRANTED',
          'changeId',
          `${change.custodianId} already holds access to ${change.walletId}'s key`,
        );
      if (change.action === 'revoke' && !granted)
        return refuse(
          'KEY_ACCESS_NOT_GRANTED',
          'changeId',
          `${change.custodianId} holds no access to ${change.walletId}'s key`,
        );
      const effect = {
        changeId,
        custodianId: change.custodianId,
        walletId: change.walletId,
        requestedBy: change.requestedBy,
        approvedBy: decidedBy,
        at,
      };
      return accept<RosterEvent>(
        { type: 'KeyAccessChangeApproved', data: { changeId, approvedBy: decidedBy, reason, at } },
        change.action === 'grant'
          ? { type: 'KeyAccessGranted', data: effect }
          : { type: 'KeyAccessRevoked', data: effect },
      );
    }
    default:
      return unhandled(command);
  }
}

export function evolveRoster(state: RosterState, event: RosterEvent): RosterState {
  switch (event.type) {
    case 'CustodianRegistered': {
      const { registeredBy: _by, at: _at, ...custodian } = event.data;
      return {
        ...state,
        custodians: new Map(state.custodians).set(custodian.custodianId, custodian),
      };
    }
    case 'KeyAccessChangeRequested': {
      const { at, ...change } = event.data;
      return {
        ...state,
        changes: new Map(state.changes).set(change.changeId, {
          ...change,
          requestedAt: at,
          status: 'pending',
        }),
      };
    }
    case 'KeyAccessChangeApproved':
    case 'KeyAccessChangeRejected': {
      const change = state.changes.get(event.data.changeId);
      if (change === undefined)
        throw new Error(`assertion: decision on unknown change ${event.data.changeId}`);
      const status = event.type === 'KeyAccessChangeApproved' ? 'approved' : 'rejected';
      return {
        ...state,
        changes: new Map(state.changes).set(change.changeId, { ...change, status }),
      };
    }
    case 'KeyAccessGranted':
    case 'KeyAccessRevoked': {
      const holders = new Set(state.grants.get(event.data.walletId) ?? []);
      if (event.type === 'KeyAccessGranted') holders.add(event.data.custodianId);
      else holders.delete(event.data.custodianId);
      return { ...state, grants: new Map(state.grants).set(event.data.walletId, holders) };
    }
    default:
      return unhandled(event);
  }
}

/**
 * The custodian roster's one stream: custodians and every key-access change, maker-checker (TW-18).
 */
export const rosterDecider: Decider<
  RosterCommand,
  RosterEvent,
  RosterState,
  WalletError,
  RosterFacts
> = {
  initialState: initialRosterState,
  eventTypes: eventTypesOf<RosterEvent>({
    CustodianRegistered: true,
    KeyAccessChangeRequested: true,
    KeyAccessChangeApproved: true,
    KeyAccessChangeRejected: true,
    KeyAccessGranted: true,
    KeyAccessRevoked: true,
  }),
  decide: decideRoster,
  evolve: evolveRoster,
};
