import { decideRoster, evolveRoster, hasKeyAccess, initialRosterState, type RosterCommand, type RosterState } from './custody-roster';

const at = '2026-11-24T09:00:00.000Z';
const facts = { walletRegistered: true };

function given(...commands: RosterCommand[]): RosterState {
  return commands.reduce((state, command) => {
    const decision = decideRoster(command, state, facts);
    if (!decision.ok) throw new Error(`given: ${decision.error.code}`);
    return decision.events.reduce(evolveRoster, state);
  }, initialRosterState);
}

const register = (custodianId: string, department = 'treasury', site = 'HK-DC1'): RosterCommand => ({ type: 'RegisterCustodian', custodian: { custodianId, name: custodianId, department, site }, registeredBy: 'admin', at });
const request = (changeId: string, custodianId: string, action: 'grant' | 'revoke' = 'grant', requestedBy = 'officer-1'): RosterCommand => ({ type: 'RequestKeyAccessChange', changeId, custodianId, walletId: 'w-cold', action, reason: 'vetted for the cold wallet', requestedBy, at });
const decide = (changeId: string, decidedBy: string, decision: 'approve' | 'reject' = 'approve'): RosterCommand => ({ type: 'DecideKeyAccessChange', changeId, decision, reason: 'checked the vetting file', decidedBy, at });
const codeOf = (command: RosterCommand, state: RosterState, withFacts = facts) => {
  const decision = decideRoster(command, state, withFacts);
  return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
};

describe('key custodians and key access (TW-18, HK-11c): maker-checker', () => {
  it('TW-18 given a grant requested by one person, when a different person approves it, then the custodian holds access and both steps are events with reasons', () => {
    const state = given(register('carol'), request('C-1', 'carol'));
    expect(hasKeyAccess(state, 'w-cold', 'carol')).toBe(false); // requested is not granted
    const decision = decideRoster(decide('C-1', 'officer-2'), state, facts);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['KeyAccessChangeApproved', 'KeyAccessGranted']);
    expect(decision.ok && decision.events[1]?.data).toMatchObject({ custodianId: 'carol', walletId: 'w-cold', requestedBy: 'officer-1', approvedBy: 'officer-2' });
    const after = (decision.ok ? decision.events : []).reduce(evolveRoster, state);
    expect(hasKeyAccess(after, 'w-cold', 'carol')).toBe(true);
  });

  it('TW-18 given a change requested by officer-1, when officer-1 approves it too, then MAKER_CHECKER_SAME_PERSON and nothing changes', () => {
    expect(codeOf(decide('C-1', 'officer-1'), given(register('carol'), request('C-1', 'carol')))).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
  });

  it('TW-18 given a change about carol, when carol decides it, then CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', () => {
    expect(codeOf(decide('C-1', 'carol'), given(register('carol'), request('C-1', 'carol')))).toEqual(['CUSTODIAN_CANNOT_DECIDE_OWN_ACCESS', 'decidedBy']);
  });

  it('TW-18 revoking goes through the same two steps; a rejected change grants nothing; a decided change is not decided again', () => {
    const granted = given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2'));
    const revoked = given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2'), request('C-2', 'carol', 'revoke', 'officer-2'), decide('C-2', 'officer-1'));
    expect(hasKeyAccess(granted, 'w-cold', 'carol')).toBe(true);
    expect(hasKeyAccess(revoked, 'w-cold', 'carol')).toBe(false);
    const rejected = given(register('dave'), request('C-3', 'dave'), decide('C-3', 'officer-2', 'reject'));
    expect(hasKeyAccess(rejected, 'w-cold', 'dave')).toBe(false);
    expect(codeOf(decide('C-3', 'officer-3'), rejected)).toEqual(['KEY_ACCESS_CHANGE_NOT_PENDING', 'changeId']);
  });

  it('given bad requests, then each has its own code: unknown custodian, unknown wallet, no reason, double grant, revoke without grant, unknown change, reused change id', () => {
    const state = given(register('carol'), request('C-1', 'carol'), decide('C-1', 'officer-2'));
    expect(codeOf(request('C-9', 'mallory'), state)).toEqual(['CUSTODIAN_UNKNOWN', 'custodianId']);
    expect(codeOf(request('C-9', 'carol', 'revoke'), state, { walletRegistered: false })).toEqual(['WALLET_UNKNOWN', 'walletId']);
    expect(codeOf({ ...(request('C-9', 'carol', 'revoke') as Extract<RosterCommand, { type: 'RequestKeyAccessChange' }>), reason: ' ' }, state)).toEqual(['REASON_REQUIRED', 'reason']);
    expect(codeOf(request('C-9', 'carol'), state)).toEqual(['KEY_ACCESS_ALREADY_GRANTED', 'custodianId']);
    expect(codeOf(request('C-9', 'carol', 'revoke'), given(register('carol')))).toEqual(['KEY_ACCESS_NOT_GRANTED', 'custodianId']);
    expect(codeOf(decide('C-404', 'officer-2'), state)).toEqual(['KEY_ACCESS_CHANGE_UNKNOWN', 'changeId']);
    expect(codeOf(request('C-1', 'carol', 'revoke'), state)).toEqual(['KEY_ACCESS_CHANGE_ID_TAKEN', 'changeId']);
    expect(codeOf(request('C-1', 'carol'), state)).toBe('accepted'); // the same request retried: no-op
    expect(codeOf(register('carol', 'ops'), state)).toEqual(['CUSTODIAN_ALREADY_REGISTERED', 'custodian.custodianId']);
  });
});
