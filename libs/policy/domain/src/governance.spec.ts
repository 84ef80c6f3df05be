import { activeProfile, decideGovernance, evolveGovernance, initialGovernanceState, type GovernanceCommand, type GovernanceState } from './governance';
import { DEFAULT_THRESHOLDS, defaultProfile } from './policy-profile';
import { decideWithdrawalPolicy } from './withdrawal-policy';

const at = '2026-11-24T09:00:00.000Z';
const stricter = { version: 'HK-2026.2', jurisdictions: ['HK' as const], thresholds: { ...DEFAULT_THRESHOLDS, hkColdQuantityMin: '0.99' } };
function given(...commands: GovernanceCommand[]): GovernanceState {
  return commands.reduce((state, command) => {
    const decision = decideGovernance(command, state);
    if (!decision.ok) throw new Error(decision.error.code);
    return decision.events.reduce(evolveGovernance, state);
  }, initialGovernanceState);
}
const outcome = (command: GovernanceCommand, state: GovernanceState) => {
  const decision = decideGovernance(command, state);
  return decision.ok ? decision.events.map((event) => event.type) : [decision.error.code, decision.error.path];
};
const propose: GovernanceCommand = { type: 'ProposePolicyVersion', profile: stricter, licensedJurisdictions: ['HK'], reason: 'board resolution 2026-11', by: 'compliance-1', at };

describe('policy versions and classification, maker-checker', () => {
  it('given a proposed version, then it is not in force until a different person approves it; the approval names the version it supersedes', () => {
    const proposed = given(propose);
    expect(activeProfile(proposed)).toBeUndefined();
    expect(outcome({ type: 'DecidePolicyVersion', version: 'HK-2026.2', decision: 'approve', reason: 'ok', by: 'compliance-1', at }, proposed)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'by']);
    const approved = given(propose, { type: 'DecidePolicyVersion', version: 'HK-2026.2', decision: 'approve', reason: 'matches the resolution', by: 'compliance-2', at });
    expect(activeProfile(approved)?.thresholds.hkColdQuantityMin).toBe('0.99');
    const next = { ...propose, profile: { ...stricter, version: 'HK-2026.3' }, by: 'compliance-2' } as GovernanceCommand;
    const decided = decideGovernance({ type: 'DecidePolicyVersion', version: 'HK-2026.3', decision: 'approve', reason: 'ok', by: 'compliance-1', at }, [next].reduce((state, command) => {
      const decision = decideGovernance(command, state);
      return decision.ok ? decision.events.reduce(evolveGovernance, state) : state;
    }, approved));
    expect(decided.ok && decided.events[0]?.data).toMatchObject({ supersedes: 'HK-2026.2' });
  });

  it('given an invalid profile or a version that exists, then each is refused with its code; a version is never edited', () => {
    expect(outcome({ ...propose, profile: { ...stricter, thresholds: { ...stricter.thresholds, twHouseInHotMax: '2' } } } as GovernanceCommand, initialGovernanceState)).toEqual(['PROFILE_INVALID', 'profile.thresholds.twHouseInHotMax']);
    expect(outcome(propose, given(propose))).toEqual(['POLICY_VERSION_TAKEN', 'profile.version']);
  });

  it('BC-1 given a classification proposed by one person, then it applies only once another approves it, recording the previous group', () => {
    const proposed = given({ type: 'ProposeClassification', changeId: 'C-1', asset: 'USDT', group: '1b', reason: 'stabilisation test passed', by: 'risk-1', at });
    expect(proposed.classification.get('USDT')).toBeUndefined(); // until then: 2b
    expect(outcome({ type: 'DecideClassification', changeId: 'C-1', decision: 'approve', reason: 'ok', by: 'risk-1', at }, proposed)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'by']);
    const approved = given({ type: 'ProposeClassification', changeId: 'C-1', asset: 'USDT', group: '1b', reason: 'stabilisation test passed', by: 'risk-1', at }, { type: 'DecideClassification', changeId: 'C-1', decision: 'approve', reason: 'reviewed', by: 'risk-2', at });
    expect(approved.classification.get('USDT')).toBe('1b');
  });
});

describe('governance review cases', () => {
  it('given a version proposed before the one in force, then approving it later is refused (no silent rollback)', () => {
    const v2 = { ...propose, profile: { ...stricter, version: 'HK-2026.2' } } as GovernanceCommand;
    const v3 = { ...propose, profile: { ...stricter, version: 'HK-2026.3' } } as GovernanceCommand;
    const state = given(v2, v3, { type: 'DecidePolicyVersion', version: 'HK-2026.3', decision: 'approve', reason: 'ok', by: 'compliance-2', at });
    expect(outcome({ type: 'DecidePolicyVersion', version: 'HK-2026.2', decision: 'approve', reason: 'ok', by: 'compliance-2', at }, state)).toEqual(['POLICY_VERSION_SUPERSEDED', 'version']);
  });

  it('given a version that drops a licensed jurisdiction, then PROFILE_JURISDICTION_MISSING', () => {
    expect(outcome({ ...propose, licensedJurisdictions: ['HK', 'TW'] } as GovernanceCommand, initialGovernanceState)).toEqual(['PROFILE_JURISDICTION_MISSING', 'profile.jurisdictions']);
  });
});

describe('withdrawal decision', () => {
  const profile = defaultProfile(['HK']);
  const limits = { dailyPerClientMinor: new Map([['ETH', 10n]]), quorumTiers: [{ asset: 'ETH', aboveMinor: 5n, quorum: 3 }], baseQuorum: 2 };
  const facts = { clientId: 'alice', asset: 'ETH', amountMinor: 4n, destinationAllowListed: true, availableMinor: 100n, withdrawnTodayMinor: 0n };

  it('HK-11h / HK-7 given an allow-listed destination within the balance and the daily limit, then allowed with the base quorum; above a tier, the tier\'s quorum', () => {
    expect(decideWithdrawalPolicy(facts, limits, profile)).toMatchObject({ allowed: true, quorumRequired: 2, policyVersion: 'HK-default-1' });
    expect(decideWithdrawalPolicy({ ...facts, amountMinor: 6n }, limits, profile)).toMatchObject({ allowed: true, quorumRequired: 3 });
  });

  it('HK-11h / HK-7 given an unlisted destination, too little available or the daily limit passed, then refused naming every failed check', () => {
    const verdict = decideWithdrawalPolicy({ ...facts, destinationAllowListed: false, availableMinor: 3n, withdrawnTodayMinor: 7n }, limits, profile);
    expect(verdict.allowed).toBe(false);
    expect(verdict.checks.filter((check) => !check.passed).map((check) => check.check)).toEqual(['HK-11h allow-listed destination', 'HK-7 available balance', 'daily limit']);
  });

  it('given a zero or negative amount, then refused whatever else holds', () => {
    expect(decideWithdrawalPolicy({ ...facts, amountMinor: -5n, availableMinor: 0n }, limits, profile).allowed).toBe(false);
  });
});
