import {
  decideRoster,
  evolveRoster,
  hasKeyAccess,
  initialRosterState,
  type RosterCommand,
  type RosterState,
} from './custody-roster';

const at = '2026-11-24T09:00:00.000Z';
const facts = { walletRegistered: true };

function given(...commands: RosterCommand[]): RosterState {
  return commands.reduce((state, command) => {
    const decision = decideRoster(command, state, facts);
    if (!decision.ok) throw new Error(`given: ${decision.error.code}`);
    return decision.events.reduce(evolveRoster, state);
  }, initialRosterState);
}

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
  action: 'grant' | 'revoke' = 'grant',
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
const codeOf = (command: RosterCommand, state: RosterState, withFacts = facts) => {
  const decision = decideRoster(command, state, withFacts);
  return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
};

describe('key custodians and key access (TW-18, HK-11c): maker-checker', () => {
  it('TW-18 given a grant requested by one person, when a different person approves it, then the custodian holds access and both steps are events with reasons', () => {
    const state = given(register('carol'), request('C-1', 'carol'));
    expect(hasKeyAccess(state, 'w-cold', 'carol')).toBe(false); // requested is not granted
    const decision = decideRoster(decide('C-1', 'officer-2'), state, facts);
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
    const after = (decision.ok ? decision.events : []).reduce(evolveRoster, state);
    expect(hasKeyAccess(after, 'w-cold', 'carol')).toBe(true);
  });

  it('TW-18 given a change requested by officer-1, when officer-1 approves it too, then MAKER_CHECKER_SAME_PERSON and nothing changes', () => {
    expect(
      codeOf(decide('C-1', 'officer-1'), given(register('carol'), request('C-1', 'carol'))),
    ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
  });

  it('TW-18 given a change about carol, when carol decides it, then CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', () => {
    expect(
      codeOf(decide('C-1', 'carol'), given(register('carol'), request('C-1', 'carol'))),
    ).toEqual(['CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', 'decidedBy']);
  });

  it('TW-18 revoking goes through the same two steps; a rejected change grants nothing; a decided change is not decided again', () => {
    const granted = given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2'));
    const revoked = given(
      register('carol'),
      request('C-1', 'carol'),
      decide('C-1', 'officer-2'),
      request('C-2', 'carol', 'revoke', 'officer-2'),
      decide('C-2', 'officer-1'),
    );
    expect(hasKeyAccess(granted, 'w-cold', 'carol')).toBe(true);
    expect(hasKeyAccess(revoked, 'w-cold', 'carol')).toBe(false);
    const rejected = given(
      register('dave'),
      request('C-3', 'dave'),
      decide('C-3', 'officer-2', 'reject'),
    );
    expect(hasKeyAccess(rejected, 'w-cold', 'dave')).toBe(false);
    expect(codeOf(decide('C-3', 'officer-3'), rejected)).toEqual([
      'KEY_ACCESS_CHANGE_NOT_PENDING',
      'changeId',
    ]);
  });

  it('given bad requests, then each has its own code: unknown custodian, unknown wallet, no reason, double grant, revoke without grant, unknown change, reused change id', () => {
    const state = given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2'));
    expect(codeOf(request('C-9', 'mallory'), state)).toEqual(['CUSTODIAN_UNKNOWN', 'custodianId']);
    expect(codeOf(request('C-9', 'carol', 'revoke'), state, { walletRegistered: false })).toEqual([
      'WALLET_UNKNOWN',
      'walletId',
    ]);
    expect(
      codeOf(
        {
          ...(request('C-9', 'carol', 'revoke') as Extract<
            RosterCommand,
            { type: 'RequestKeyAccessChange' }
          >),
          reason: ' ',
        },
        state,
      ),
    ).toEqual(['REASON_REQUIRED', 'reason']);
    expect(codeOf(request('C-9', 'carol'), state)).toEqual([
      'KEY_ACCESS_ALREADY_GRANTED',
      'custodianId',
    ]);
    expect(codeOf(request('C-9', 'carol', 'revoke'), given(register('carol')))).toEqual([
      'KEY_ACCESS_NOT_GRANTED',
      'custodianId',
    ]);
    expect(codeOf(decide('C-404', 'officer-2'), state)).toEqual([
      'KEY_ACCESS_CHANGE_UNKNOWN',
      'changeId',
    ]);
    expect(codeOf(request('C-1', 'carol', 'revoke'), state)).toEqual([
      'KEY_ACCESS_CHANGE_ID_TAKEN',
      'changeId',
    ]);
    expect(codeOf(request('C-1', 'carol'), state)).toBe('accepted'); // the same request retried: no-op
    expect(codeOf(register('carol', 'ops'), state)).toEqual([
      'CUSTODIAN_ALREADY_REGISTERED',
      'custodian.custodianId',
    ]);
  });
});

describe('key custodians and key access: the events and each side of each decision (TW-18, HK-11c)', () => {
  it('HK-11c given a new custodian, then CustodianRegistered carries their details and who registered them, and grants nothing', () => {
    expect(decideRoster(register('carol', 'risk', 'HK-DC2'), initialRosterState, facts)).toEqual({
      ok: true,
      events: [
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
      ],
    });
    const state = given(register('carol', 'risk', 'HK-DC2'));
    expect(state.custodians.get('carol')).toEqual({
      custodianId: 'carol',
      name: 'carol',
      department: 'risk',
      site: 'HK-DC2',
    });
    expect(hasKeyAccess(state, 'w-cold', 'carol')).toBe(false);
    expect(decideRoster(register('carol', 'risk', 'HK-DC2'), state, facts)).toEqual({
      ok: true,
      events: [],
    }); // retried: no-op
  });

  it('TW-18 given a request, then KeyAccessChangeRequested carries it whole and the change is pending', () => {
    const state = given(register('carol'));
    expect(decideRoster(request('C-1', 'carol'), state, facts)).toEqual({
      ok: true,
      events: [
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
      ],
    });
    expect(given(register('carol'), request('C-1', 'carol')).changes.get('C-1')).toEqual({
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
    const state = given(register('carol'), register('dave'), request('C-1', 'carol'));
    expect(codeOf(request('C-1', 'dave'), state)).toEqual([
      'KEY_ACCESS_CHANGE_ID_TAKEN',
      'changeId',
    ]);
    expect(
      codeOf(
        {
          ...(request('C-1', 'carol') as Extract<
            RosterCommand,
            { type: 'RequestKeyAccessChange' }
          >),
          walletId: 'w-hot',
        },
        state,
      ),
    ).toEqual(['KEY_ACCESS_CHANGE_ID_TAKEN', 'changeId']);
    expect(codeOf(request('C-1', 'carol', 'grant', 'officer-2'), state)).toEqual([
      'KEY_ACCESS_CHANGE_ID_TAKEN',
      'changeId',
    ]);
    expect(codeOf(request('C-1', 'carol'), state)).toBe('accepted');
  });

  it('TW-18 given an approved grant, then KeyAccessChangeApproved with the reason, then KeyAccessGranted; the change is approved', () => {
    const state = given(register('carol'), request('C-1', 'carol'));
    expect(decideRoster(decide('C-1', 'officer-2'), state, facts)).toEqual({
      ok: true,
      events: [
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
      ],
    });
    expect(
      given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2')).changes.get(
        'C-1',
      )?.status,
    ).toBe('approved');
  });

  it('TW-18 given an approved revocation, then KeyAccessChangeApproved, then KeyAccessRevoked; other holders keep their access', () => {
    const state = given(
      register('carol'),
      register('dave'),
      request('C-1', 'carol'),
      decide('C-1', 'officer-2'),
      request('C-2', 'dave'),
      decide('C-2', 'officer-2'),
      request('C-3', 'carol', 'revoke'),
    );
    expect(decideRoster(decide('C-3', 'officer-2'), state, facts)).toEqual({
      ok: true,
      events: [
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
      ],
    });
    const after = given(
      register('carol'),
      register('dave'),
      request('C-1', 'carol'),
      decide('C-1', 'officer-2'),
      request('C-2', 'dave'),
      decide('C-2', 'officer-2'),
      request('C-3', 'carol', 'revoke'),
      decide('C-3', 'officer-2'),
    );
    expect([...(after.grants.get('w-cold') ?? [])]).toEqual(['dave']);
  });

  it('TW-18 given a rejection, then only KeyAccessChangeRejected with who and why; the change is rejected', () => {
    const state = given(register('carol'), request('C-1', 'carol'));
    expect(decideRoster(decide('C-1', 'officer-2', 'reject'), state, facts)).toEqual({
      ok: true,
      events: [
        {
          type: 'KeyAccessChangeRejected',
          data: {
            changeId: 'C-1',
            rejectedBy: 'officer-2',
            reason: 'checked the vetting file',
            at,
          },
        },
      ],
    });
    expect(
      given(
        register('carol'),
        request('C-1', 'carol'),
        decide('C-1', 'officer-2', 'reject'),
      ).changes.get('C-1')?.status,
    ).toBe('rejected');
  });

  it('TW-18 given a decision without a reason, then REASON_REQUIRED; the requester rejecting their own change is still MAKER_CHECKER_SAME_PERSON', () => {
    const state = given(register('carol'), request('C-1', 'carol'));
    expect(
      codeOf(
        {
          ...(decide('C-1', 'officer-2') as Extract<
            RosterCommand,
            { type: 'DecideKeyAccessChange' }
          >),
          reason: '  ',
        },
        state,
      ),
    ).toEqual(['REASON_REQUIRED', 'reason']);
    expect(codeOf(decide('C-1', 'officer-1', 'reject'), state)).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'decidedBy',
    ]);
    expect(codeOf(decide('C-1', 'carol', 'reject'), state)).toEqual([
      'CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS',
      'decidedBy',
    ]);
  });

  it('TW-18 given two pending grants of the same access, when the second is approved after the first, then KEY_ACCESS_ALREADY_GRANTED on changeId (checked again at approval)', () => {
    const state = given(
      register('carol'),
      request('C-1', 'carol'),
      request('C-2', 'carol', 'grant', 'officer-3'),
      decide('C-1', 'officer-2'),
    );
    expect(codeOf(decide('C-2', 'officer-2'), state)).toEqual([
      'KEY_ACCESS_ALREADY_GRANTED',
      'changeId',
    ]);
    // rejecting it is still possible: nothing changes
    expect(codeOf(decide('C-2', 'officer-2', 'reject'), state)).toBe('accepted');
  });

  it('TW-18 given two pending revocations of the same access, when the second is approved after the first, then KEY_ACCESS_NOT_GRANTED on changeId', () => {
    const state = given(
      register('carol'),
      request('C-1', 'carol'),
      decide('C-1', 'officer-2'),
      request('C-2', 'carol', 'revoke'),
      request('C-3', 'carol', 'revoke', 'officer-3'),
      decide('C-2', 'officer-2'),
    );
    expect(codeOf(decide('C-3', 'officer-2'), state)).toEqual([
      'KEY_ACCESS_NOT_GRANTED',
      'changeId',
    ]);
  });

  it("HK-11c given access to one wallet's key, then it is no access to another wallet's key", () => {
    const state = given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2'));
    expect(hasKeyAccess(state, 'w-cold', 'carol')).toBe(true);
    expect(hasKeyAccess(state, 'w-hot', 'carol')).toBe(false);
    expect(hasKeyAccess(state, 'w-cold', 'dave')).toBe(false);
  });

  it('given a decision event about a change never requested, then evolving it is an assertion failure', () => {
    expect(() =>
      evolveRoster(initialRosterState, {
        type: 'KeyAccessChangeApproved',
        data: { changeId: 'C-404', approvedBy: 'officer-2', reason: 'x', at },
      }),
    ).toThrow('assertion');
  });
});
