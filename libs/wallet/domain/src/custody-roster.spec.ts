import { deciderSpecification } from '@custody/decider/testing';
import {
  hasKeyAccess,
  initialRosterState,
  rosterDecider,
  type KeyAccessAction,
  type RosterCommand,
  type RosterEvent,
} from './custody-roster';

const at = '2026-11-24T09:00:00.000Z';
const facts = { walletRegistered: true };
const roster = deciderSpecification(rosterDecider);

// commands
const register = (
  custodianId: string,
  department = 'treasury',
  site = 'HK-DC1',
): RosterCommand => ({
  type: 'RegisterCustodian',
  custodian: { custodianId, name: custodianId, department, site },
  registeredBy: 'admin',
  at,
});
const request = (
  changeId: string,
  custodianId: string,
  action: KeyAccessAction = 'grant',
  requestedBy = 'officer-1',
): RosterCommand => ({
  type: 'RequestKeyAccessChange',
  changeId,
  custodianId,
  walletId: 'w-cold',
  action,
  reason: 'vetted for the cold wallet',
  requestedBy,
  at,
});
const decide = (
  changeId: string,
  decidedBy: string,
  decision: 'approve' | 'reject' = 'approve',
): RosterCommand => ({
  type: 'DecideKeyAccessChange',
  changeId,
  decision,
  reason: 'checked the vetting file',
  decidedBy,
  at,
});

// events: what those commands record
const registered = (
  custodianId: string,
  department = 'treasury',
  site = 'HK-DC1',
): RosterEvent => ({
  type: 'CustodianRegistered',
  data: { custodianId, name: custodianId, department, site, registeredBy: 'admin', at },
});
const requested = (
  changeId: string,
  custodianId: string,
  action: KeyAccessAction = 'grant',
  requestedBy = 'officer-1',
): RosterEvent => ({
  type: 'KeyAccessChangeRequested',
  data: {
    changeId,
    custodianId,
    walletId: 'w-cold',
    action,
    reason: 'vetted for the cold wallet',
    requestedBy,
    at,
  },
});
/**
 * The approval of a change and its effect (the custodian's access to w-cold granted or revoked).
 */
const approved = (
  changeId: string,
  custodianId: string,
  action: KeyAccessAction,
  approvedBy: string,
  requestedBy = 'officer-1',
): RosterEvent[] => [
  {
    type: 'KeyAccessChangeApproved',
    data: { changeId, approvedBy, reason: 'checked the vetting file', at },
  },
  {
    type: action === 'grant' ? 'KeyAccessGranted' : 'KeyAccessRevoked',
    data: { changeId, custodianId, walletId: 'w-cold', requestedBy, approvedBy, at },
  },
];
const rejected = (changeId: string, rejectedBy: string): RosterEvent => ({
  type: 'KeyAccessChangeRejected',
  data: { changeId, rejectedBy, reason: 'checked the vetting file', at },
});
/**
 * carol, registered, holding access to w-cold (C-1, requested by officer-1, approved by officer-2).
 */
const carolGranted = [
  registered('carol'),
  requested('C-1', 'carol'),
  ...approved('C-1', 'carol', 'grant', 'officer-2'),
];

describe('key custodians and key access (TW-18, HK-11c): maker-checker', () => {
  it('TW-18 given a grant requested by one person, when a different person approves it, then the custodian holds access and both steps are events with reasons', () => {
    const given = roster.given([registered('carol'), requested('C-1', 'carol')]);
    expect(hasKeyAccess(given.state, 'w-cold', 'carol')).toBe(false); // requested is not granted
    const { decision } = given.when(decide('C-1', 'officer-2'), facts);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
      'KeyAccessChangeApproved',
      'KeyAccessGranted',
    ]);
    expect(decision.ok && decision.events[1]?.data).toMatchObject({
      custodianId: 'carol',
      walletId: 'w-cold',
      requestedBy: 'officer-1',
      approvedBy: 'officer-2',
    });
    const after = (decision.ok ? decision.events : []).reduce(rosterDecider.evolve, given.state);
    expect(hasKeyAccess(after, 'w-cold', 'carol')).toBe(true);
  });

  it('TW-18 given a change requested by officer-1, when officer-1 approves it too, then MAKER_CHECKER_SAME_PERSON and nothing changes', () => {
    roster
      .given([registered('carol'), requested('C-1', 'carol')])
      .when(decide('C-1', 'officer-1'), facts)
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'decidedBy');
  });

  it('TW-18 given a change about carol, when carol decides it, then CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', () => {
    roster
      .given([registered('carol'), requested('C-1', 'carol')])
      .when(decide('C-1', 'carol'), facts)
      .thenRefuses('CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', 'decidedBy');
  });

  it('TW-18 revoking goes through the same two steps; a rejected change grants nothing; a decided change is not decided again', () => {
    const granted = roster.given(carolGranted).state;
    const revoked = roster.given([
      ...carolGranted,
      requested('C-2', 'carol', 'revoke', 'officer-2'),
      ...approved('C-2', 'carol', 'revoke', 'officer-1', 'officer-2'),
    ]).state;
    expect(hasKeyAccess(granted, 'w-cold', 'carol')).toBe(true);
    expect(hasKeyAccess(revoked, 'w-cold', 'carol')).toBe(false);
    const rejectedHistory = [
      registered('dave'),
      requested('C-3', 'dave'),
      rejected('C-3', 'officer-2'),
    ];
    expect(hasKeyAccess(roster.given(rejectedHistory).state, 'w-cold', 'dave')).toBe(false);
    roster
      .given(rejectedHistory)
      .when(decide('C-3', 'officer-3'), facts)
      .thenRefuses('KEY_ACCESS_CHANGE_NOT_PENDING', 'changeId');
  });

  it('given bad requests, then each has its own code: unknown custodian, unknown wallet, no reason, double grant, revoke without grant, unknown change, reused change id', () => {
    const given = roster.given(carolGranted);
    given.when(request('C-9', 'mallory'), facts).thenRefuses('CUSTODIAN_UNKNOWN', 'custodianId');
    given
      .when(request('C-9', 'carol', 'revoke'), { walletRegistered: false })
      .thenRefuses('WALLET_UNKNOWN', 'walletId');
    given
      .when(
        {
          ...(request('C-9', 'carol', 'revoke') as Extract<
            RosterCommand,
            { type: 'RequestKeyAccessChange' }
          >),
          reason: ' ',
        },
        facts,
      )
      .thenRefuses('REASON_REQUIRED', 'reason');
    given
      .when(request('C-9', 'carol'), facts)
      .thenRefuses('KEY_ACCESS_ALREADY_GRANTED', 'custodianId');
    roster
      .given([registered('carol')])
      .when(request('C-9', 'carol', 'revoke'), facts)
      .thenRefuses('KEY_ACCESS_NOT_GRANTED', 'custodianId');
    given
      .when(decide('C-404', 'officer-2'), facts)
      .thenRefuses('KEY_ACCESS_CHANGE_UNKNOWN', 'changeId');
    given
      .when(request('C-1', 'carol', 'revoke'), facts)
      .thenRefuses('KEY_ACCESS_CHANGE_ID_TAKEN', 'changeId');
    // the same request retried: no-op
    given.when(request('C-1', 'carol'), facts).thenEmitsNothing();
    given
      .when(register('carol', 'ops'), facts)
      .thenRefuses('CUSTODIAN_ALREADY_REGISTERED', 'custodian.custodianId');
  });
});

describe('key custodians and key access: the events and each side of each decision (TW-18, HK-11c)', () => {
  it('HK-11c / TW-16 given a new custodian, then CustodianRegistered carries their details and who registered them, and grants nothing', () => {
    roster
      .given([])
      .when(register('carol', 'risk', 'HK-DC2'), facts)
      .thenEmits([
        {
          type: 'CustodianRegistered',
          data: {
            custodianId: 'carol',
            name: 'carol',
            department: 'risk',
            site: 'HK-DC2',
            registeredBy: 'admin',
            at,
          },
        },
      ]);
    const given = roster.given([registered('carol', 'risk', 'HK-DC2')]);
    expect(given.state.custodians.get('carol')).toEqual({
      custodianId: 'carol',
      name: 'carol',
      department: 'risk',
      site: 'HK-DC2',
    });
    expect(hasKeyAccess(given.state, 'w-cold', 'carol')).toBe(false);
    given.when(register('carol', 'risk', 'HK-DC2'), facts).thenEmitsNothing(); // retried: no-op
  });

  it('TW-18 given a request, then KeyAccessChangeRequested carries it whole and the change is pending', () => {
    roster
      .given([registered('carol')])
      .when(request('C-1', 'carol'), facts)
      .thenEmits([
        {
          type: 'KeyAccessChangeRequested',
          data: {
            changeId: 'C-1',
            custodianId: 'carol',
            walletId: 'w-cold',
            action: 'grant',
            reason: 'vetted for the cold wallet',
            requestedBy: 'officer-1',
            at,
          },
        },
      ]);
    expect(
      roster.given([registered('carol'), requested('C-1', 'carol')]).state.changes.get('C-1'),
    ).toEqual({
      changeId: 'C-1',
      custodianId: 'carol',
      walletId: 'w-cold',
      action: 'grant',
      reason: 'vetted for the cold wallet',
      requestedBy: 'officer-1',
      requestedAt: at,
      status: 'pending',
    });
  });

  it('TW-18 given a change id reused for another custodian, wallet or requester, then KEY_ACCESS_CHANGE_ID_TAKEN', () => {
    const given = roster.given([
      registered('carol'),
      registered('dave'),
      requested('C-1', 'carol'),
    ]);
    given.when(request('C-1', 'dave'), facts).thenRefuses('KEY_ACCESS_CHANGE_ID_TAKEN', 'changeId');
    given
      .when(
        {
          ...(request('C-1', 'carol') as Extract<
            RosterCommand,
            { type: 'RequestKeyAccessChange' }
          >),
          walletId: 'w-hot',
        },
        facts,
      )
      .thenRefuses('KEY_ACCESS_CHANGE_ID_TAKEN', 'changeId');
    given
      .when(request('C-1', 'carol', 'grant', 'officer-2'), facts)
      .thenRefuses('KEY_ACCESS_CHANGE_ID_TAKEN', 'changeId');
    given.when(request('C-1', 'carol'), facts).thenEmitsNothing();
  });

  it('TW-18 given an approved grant, then KeyAccessChangeApproved with the reason, then KeyAccessGranted; the change is approved', () => {
    roster
      .given([registered('carol'), requested('C-1', 'carol')])
      .when(decide('C-1', 'officer-2'), facts)
      .thenEmits([
        {
          type: 'KeyAccessChangeApproved',
          data: {
            changeId: 'C-1',
            approvedBy: 'officer-2',
            reason: 'checked the vetting file',
            at,
          },
        },
        {
          type: 'KeyAccessGranted',
          data: {
            changeId: 'C-1',
            custodianId: 'carol',
            walletId: 'w-cold',
            requestedBy: 'officer-1',
            approvedBy: 'officer-2',
            at,
          },
        },
      ]);
    expect(roster.given(carolGranted).state.changes.get('C-1')?.status).toBe('approved');
  });

  it('TW-18 given an approved revocation, then KeyAccessChangeApproved, then KeyAccessRevoked; other holders keep their access', () => {
    const history = [
      registered('carol'),
      registered('dave'),
      requested('C-1', 'carol'),
      ...approved('C-1', 'carol', 'grant', 'officer-2'),
      requested('C-2', 'dave'),
      ...approved('C-2', 'dave', 'grant', 'officer-2'),
      requested('C-3', 'carol', 'revoke'),
    ];
    roster
      .given(history)
      .when(decide('C-3', 'officer-2'), facts)
      .thenEmits([
        {
          type: 'KeyAccessChangeApproved',
          data: {
            changeId: 'C-3',
            approvedBy: 'officer-2',
            reason: 'checked the vetting file',
            at,
          },
        },
        {
          type: 'KeyAccessRevoked',
          data: {
            changeId: 'C-3',
            custodianId: 'carol',
            walletId: 'w-cold',
            requestedBy: 'officer-1',
            approvedBy: 'officer-2',
            at,
          },
        },
      ]);
    const after = roster.given([...history, ...approved('C-3', 'carol', 'revoke', 'officer-2')]);
    expect([...(after.state.grants.get('w-cold') ?? [])]).toEqual(['dave']);
  });

  it('TW-18 given a rejection, then only KeyAccessChangeRejected with who and why; the change is rejected', () => {
    roster
      .given([registered('carol'), requested('C-1', 'carol')])
      .when(decide('C-1', 'officer-2', 'reject'), facts)
      .thenEmits([
        {
          type: 'KeyAccessChangeRejected',
          data: {
            changeId: 'C-1',
            rejectedBy: 'officer-2',
            reason: 'checked the vetting file',
            at,
          },
        },
      ]);
    expect(
      roster
        .given([registered('carol'), requested('C-1', 'carol'), rejected('C-1', 'officer-2')])
        .state.changes.get('C-1')?.status,
    ).toBe('rejected');
  });

  it('TW-18 given a decision without a reason, then REASON_REQUIRED; the requester rejecting their own change is still MAKER_CHECKER_SAME_PERSON', () => {
    const given = roster.given([registered('carol'), requested('C-1', 'carol')]);
    given
      .when(
        {
          ...(decide('C-1', 'officer-2') as Extract<
            RosterCommand,
            { type: 'DecideKeyAccessChange' }
          >),
          reason: '  ',
        },
        facts,
      )
      .thenRefuses('REASON_REQUIRED', 'reason');
    given
      .when(decide('C-1', 'officer-1', 'reject'), facts)
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'decidedBy');
    given
      .when(decide('C-1', 'carol', 'reject'), facts)
      .thenRefuses('CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', 'decidedBy');
  });

  it('TW-18 given two pending grants of the same access, when the second is approved after the first, then KEY_ACCESS_ALREADY_GRANTED on changeId (checked again at approval)', () => {
    const given = roster.given([
      registered('carol'),
      requested('C-1', 'carol'),
      requested('C-2', 'carol', 'grant', 'officer-3'),
      ...approved('C-1', 'carol', 'grant', 'officer-2'),
    ]);
    given
      .when(decide('C-2', 'officer-2'), facts)
      .thenRefuses('KEY_ACCESS_ALREADY_GRANTED', 'changeId');
    // rejecting it is still possible: nothing changes
    given
      .when(decide('C-2', 'officer-2', 'reject'), facts)
      .thenEmits([rejected('C-2', 'officer-2')]);
  });

  it('TW-18 given two pending revocations of the same access, when the second is approved after the first, then KEY_ACCESS_NOT_GRANTED on changeId', () => {
    roster
      .given([
        ...carolGranted,
        requested('C-2', 'carol', 'revoke'),
        requested('C-3', 'carol', 'revoke', 'officer-3'),
        ...approved('C-2', 'carol', 'revoke', 'officer-2'),
      ])
      .when(decide('C-3', 'officer-2'), facts)
      .thenRefuses('KEY_ACCESS_NOT_GRANTED', 'changeId');
  });

  it("HK-11c / TW-16 given access to one wallet's key, then it is no access to another wallet's key", () => {
    const { state } = roster.given(carolGranted);
    expect(hasKeyAccess(state, 'w-cold', 'carol')).toBe(true);
    expect(hasKeyAccess(state, 'w-hot', 'carol')).toBe(false);
    expect(hasKeyAccess(state, 'w-cold', 'dave')).toBe(false);
  });

  it('given a decision event about a change never requested, then evolving it is an assertion failure', () => {
    expect(() =>
      rosterDecider.evolve(initialRosterState, {
        type: 'KeyAccessChangeApproved',
        data: { changeId: 'C-404', approvedBy: 'officer-2', reason: 'x', at },
      }),
    ).toThrow('assertion');
  });
});

describe('rosterDecider: the custodian roster stream (issue 24)', () => {
  it("holds exactly the roster stream's event types, from an empty roster", () => {
    expect([...rosterDecider.eventTypes]).toEqual([
      'CustodianRegistered',
      'KeyAccessChangeRequested',
      'KeyAccessChangeApproved',
      'KeyAccessChangeRejected',
      'KeyAccessGranted',
      'KeyAccessRevoked',
    ]);
    expect(rosterDecider.initialState).toBe(initialRosterState);
  });

  it('given a command or an event of no known type, then an assertion failure naming it', () => {
    const stray = { type: 'Stray' } as never;
    expect(() => rosterDecider.decide(stray, initialRosterState, facts)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
    expect(() => rosterDecider.evolve(initialRosterState, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
