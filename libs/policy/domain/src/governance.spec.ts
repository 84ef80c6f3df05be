import { deciderSpecification } from '@custody/decider/testing';
import type { CryptoAssetGroup } from './capital';
import {
  activeProfile,
  governanceDecider,
  initialGovernanceState,
  type GovernanceCommand,
  type GovernanceEvent,
  type GovernanceState,
} from './governance';
import { DEFAULT_THRESHOLDS, defaultProfile } from './policy-profile';
import { decideWithdrawalPolicy } from './withdrawal-policy';

const at = '2026-11-24T09:00:00.000Z';
const stricter = {
  version: 'HK-2026.2',
  jurisdictions: ['HK' as const],
  thresholds: { ...DEFAULT_THRESHOLDS, hkColdQuantityMin: '0.99' },
};
const governance = deciderSpecification(governanceDecider);
/** The governance state after the stream's past, stated as events. */
const given = (...events: GovernanceEvent[]): GovernanceState => governance.given(events).state;
const outcome = (command: GovernanceCommand, state: GovernanceState) => {
  const decision = governanceDecider.decide(command, state);
  return decision.ok
    ? decision.events.map((event) => event.type)
    : [decision.error.code, decision.error.path];
};
const propose: GovernanceCommand = {
  type: 'ProposePolicyVersion',
  profile: stricter,
  licensedJurisdictions: ['HK'],
  reason: 'board resolution 2026-11',
  by: 'compliance-1',
  at,
};

// events: what the governance commands record
const versionProposed = (version = 'HK-2026.2', by = 'compliance-1'): GovernanceEvent => ({
  type: 'PolicyVersionProposed',
  data: {
    profile: { ...stricter, version },
    proposedBy: by,
    reason: 'board resolution 2026-11',
    at,
  },
});
const versionApproved = (
  version = 'HK-2026.2',
  by = 'compliance-2',
  reason = 'reviewed against the resolution',
  supersedes: string | null = null,
): GovernanceEvent => ({
  type: 'PolicyVersionApproved',
  data: { version, approvedBy: by, reason, supersedes, at },
});
const versionRejected = (version = 'HK-2026.2', by = 'compliance-2'): GovernanceEvent => ({
  type: 'PolicyVersionRejected',
  data: { version, rejectedBy: by, reason: 'reviewed against the resolution', at },
});
const classificationProposed = (
  changeId = 'C-1',
  group: CryptoAssetGroup = '1b',
): GovernanceEvent => ({
  type: 'AssetClassificationProposed',
  data: {
    changeId,
    asset: 'USDT',
    group,
    proposedBy: 'risk-1',
    reason: 'stabilisation test passed',
    at,
  },
});
const classificationApproved = (
  changeId = 'C-1',
  group: CryptoAssetGroup = '1b',
  previousGroup: CryptoAssetGroup | null = null,
): GovernanceEvent => ({
  type: 'AssetClassificationApproved',
  data: {
    changeId,
    asset: 'USDT',
    group,
    previousGroup,
    approvedBy: 'risk-2',
    reason: 'reviewed',
    at,
  },
});
const classificationRejected = (changeId = 'C-1'): GovernanceEvent => ({
  type: 'AssetClassificationRejected',
  data: { changeId, rejectedBy: 'risk-2', reason: 'reviewed', at },
});

describe('policy versions and classification, maker-checker', () => {
  it('given a proposed version, then it is not in force until a different person approves it; the approval names the version it supersedes', () => {
    const proposed = given(versionProposed());
    expect(activeProfile(proposed)).toBeUndefined();
    expect(
      outcome(
        {
          type: 'DecidePolicyVersion',
          version: 'HK-2026.2',
          decision: 'approve',
          reason: 'ok',
          by: 'compliance-1',
          at,
        },
        proposed,
      ),
    ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'by']);
    const approved = [
      versionProposed(),
      versionApproved('HK-2026.2', 'compliance-2', 'matches the resolution'),
    ];
    expect(activeProfile(given(...approved))?.thresholds.hkColdQuantityMin).toBe('0.99');
    const decided = governanceDecider.decide(
      {
        type: 'DecidePolicyVersion',
        version: 'HK-2026.3',
        decision: 'approve',
        reason: 'ok',
        by: 'compliance-1',
        at,
      },
      given(...approved, versionProposed('HK-2026.3', 'compliance-2')),
    );
    expect(decided.ok && decided.events[0]?.data).toMatchObject({ supersedes: 'HK-2026.2' });
  });

  it('given an invalid profile or a version that exists, then each is refused with its code; a version is never edited', () => {
    expect(
      outcome(
        {
          ...propose,
          profile: { ...stricter, thresholds: { ...stricter.thresholds, twHouseInHotMax: '2' } },
        } as GovernanceCommand,
        initialGovernanceState,
      ),
    ).toEqual(['PROFILE_INVALID', 'profile.thresholds.twHouseInHotMax']);
    expect(outcome(propose, given(versionProposed()))).toEqual([
      'POLICY_VERSION_TAKEN',
      'profile.version',
    ]);
  });

  it('BC-1 given a classification proposed by one person, then it applies only once another approves it, recording the previous group', () => {
    const proposed = given(classificationProposed());
    expect(proposed.classification.get('USDT')).toBeUndefined(); // until then: 2b
    expect(
      outcome(
        {
          type: 'DecideClassification',
          changeId: 'C-1',
          decision: 'approve',
          reason: 'ok',
          by: 'risk-1',
          at,
        },
        proposed,
      ),
    ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'by']);
    const approved = given(classificationProposed(), classificationApproved());
    expect(approved.classification.get('USDT')).toBe('1b');
  });
});

describe('governance review cases', () => {
  it('given a version proposed before the one in force, then approving it later is refused (no silent rollback)', () => {
    const state = given(
      versionProposed('HK-2026.2'),
      versionProposed('HK-2026.3'),
      versionApproved('HK-2026.3', 'compliance-2', 'ok'),
    );
    expect(
      outcome(
        {
          type: 'DecidePolicyVersion',
          version: 'HK-2026.2',
          decision: 'approve',
          reason: 'ok',
          by: 'compliance-2',
          at,
        },
        state,
      ),
    ).toEqual(['POLICY_VERSION_SUPERSEDED', 'version']);
  });

  it('given a version that drops a licensed jurisdiction, then PROFILE_JURISDICTION_MISSING', () => {
    expect(
      outcome(
        { ...propose, licensedJurisdictions: ['HK', 'TW'] } as GovernanceCommand,
        initialGovernanceState,
      ),
    ).toEqual(['PROFILE_JURISDICTION_MISSING', 'profile.jurisdictions']);
  });
});

describe('withdrawal decision', () => {
  const profile = defaultProfile(['HK']);
  const limits = {
    dailyPerClientMinor: new Map([['ETH', 10n]]),
    quorumTiers: [{ asset: 'ETH', aboveMinor: 5n, quorum: 3 }],
    baseQuorum: 2,
  };
  const facts = {
    clientId: 'alice',
    asset: 'ETH',
    amountMinor: 4n,
    destinationAllowListed: true,
    availableMinor: 100n,
    withdrawnTodayMinor: 0n,
  };

  it("HK-11h / HK-7 given an allow-listed destination within the balance and the daily limit, then allowed with the base quorum; above a tier, the tier's quorum", () => {
    expect(decideWithdrawalPolicy(facts, limits, profile)).toMatchObject({
      allowed: true,
      quorumRequired: 2,
      policyVersion: 'HK-default-1',
    });
    expect(decideWithdrawalPolicy({ ...facts, amountMinor: 6n }, limits, profile)).toMatchObject({
      allowed: true,
      quorumRequired: 3,
    });
  });

  it('HK-11h / HK-7 given an unlisted destination, too little available or the daily limit passed, then refused naming every failed check', () => {
    const verdict = decideWithdrawalPolicy(
      { ...facts, destinationAllowListed: false, availableMinor: 3n, withdrawnTodayMinor: 7n },
      limits,
      profile,
    );
    expect(verdict.allowed).toBe(false);
    expect(verdict.checks.filter((check) => !check.passed).map((check) => check.check)).toEqual([
      'HK-11h allow-listed destination',
      'HK-7 available balance',
      'daily limit',
    ]);
  });

  it('given a zero or negative amount, then refused whatever else holds', () => {
    expect(
      decideWithdrawalPolicy({ ...facts, amountMinor: -5n, availableMinor: 0n }, limits, profile)
        .allowed,
    ).toBe(false);
  });
});

describe('policy versions: propose', () => {
  it('given a valid profile and a reason, then one PolicyVersionProposed with the profile, who proposed it, why and when; not yet in force', () => {
    expect(governanceDecider.decide(propose, initialGovernanceState)).toEqual({
      ok: true,
      events: [
        {
          type: 'PolicyVersionProposed',
          data: {
            profile: stricter,
            proposedBy: 'compliance-1',
            reason: 'board resolution 2026-11',
            at,
          },
        },
      ],
    });
    const proposed = given(versionProposed());
    expect(proposed.versions.get('HK-2026.2')).toEqual({
      value: stricter,
      proposedBy: 'compliance-1',
      reason: 'board resolution 2026-11',
      status: 'pending',
    });
    expect(proposed.activeVersion).toBeUndefined();
  });

  it('given an empty or blank reason, then REASON_REQUIRED on reason', () => {
    expect(
      outcome({ ...propose, reason: '' } as GovernanceCommand, initialGovernanceState),
    ).toEqual(['REASON_REQUIRED', 'reason']);
    expect(
      outcome({ ...propose, reason: '   ' } as GovernanceCommand, initialGovernanceState),
    ).toEqual(['REASON_REQUIRED', 'reason']);
  });

  it('given a version covering more jurisdictions than licensed, then accepted; one licensed jurisdiction missing, then refused', () => {
    const both = {
      ...stricter,
      version: 'HK+TW-2026.2',
      jurisdictions: ['HK' as const, 'TW' as const],
    };
    expect(
      outcome(
        { ...propose, profile: both, licensedJurisdictions: ['TW'] } as GovernanceCommand,
        initialGovernanceState,
      ),
    ).toEqual(['PolicyVersionProposed']);
    expect(
      outcome(
        { ...propose, profile: both, licensedJurisdictions: ['HK', 'TW'] } as GovernanceCommand,
        initialGovernanceState,
      ),
    ).toEqual(['PolicyVersionProposed']);
    expect(
      outcome(
        { ...propose, licensedJurisdictions: ['TW'] } as GovernanceCommand,
        initialGovernanceState,
      ),
    ).toEqual(['PROFILE_JURISDICTION_MISSING', 'profile.jurisdictions']);
  });
});

describe('policy versions: decide (maker-checker)', () => {
  const decide = (
    decision: 'approve' | 'reject',
    version = 'HK-2026.2',
    by = 'compliance-2',
  ): GovernanceCommand => ({
    type: 'DecidePolicyVersion',
    version,
    decision,
    reason: 'reviewed against the resolution',
    by,
    at,
  });
  const proposed = given(versionProposed());

  it('given no such version, then POLICY_VERSION_UNKNOWN on version, to approve or to reject', () => {
    expect(outcome(decide('approve', 'HK-2099.1'), proposed)).toEqual([
      'POLICY_VERSION_UNKNOWN',
      'version',
    ]);
    expect(outcome(decide('reject', 'HK-2099.1'), proposed)).toEqual([
      'POLICY_VERSION_UNKNOWN',
      'version',
    ]);
  });

  it('given the proposer decides, then MAKER_CHECKER_SAME_PERSON on by, to approve or to reject; a different person is accepted', () => {
    expect(outcome(decide('approve', 'HK-2026.2', 'compliance-1'), proposed)).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'by',
    ]);
    expect(outcome(decide('reject', 'HK-2026.2', 'compliance-1'), proposed)).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'by',
    ]);
    expect(outcome(decide('approve'), proposed)).toEqual(['PolicyVersionApproved']);
    expect(outcome(decide('reject'), proposed)).toEqual(['PolicyVersionRejected']);
  });

  it('given a decision with an empty or blank reason, then REASON_REQUIRED on reason', () => {
    expect(outcome({ ...decide('approve'), reason: '' } as GovernanceCommand, proposed)).toEqual([
      'REASON_REQUIRED',
      'reason',
    ]);
    expect(outcome({ ...decide('reject'), reason: ' ' } as GovernanceCommand, proposed)).toEqual([
      'REASON_REQUIRED',
      'reason',
    ]);
  });

  it('given a different person approves, then PolicyVersionApproved (superseding none) and the version is in force', () => {
    expect(governanceDecider.decide(decide('approve'), proposed)).toEqual({
      ok: true,
      events: [
        {
          type: 'PolicyVersionApproved',
          data: {
            version: 'HK-2026.2',
            approvedBy: 'compliance-2',
            reason: 'reviewed against the resolution',
            supersedes: null,
            at,
          },
        },
      ],
    });
    const approved = given(versionProposed(), versionApproved());
    expect(approved.versions.get('HK-2026.2')?.status).toBe('approved');
    expect(approved.activeVersion).toBe('HK-2026.2');
    expect(activeProfile(approved)).toEqual(stricter);
  });

  it('given a different person rejects, then PolicyVersionRejected (never an approval) and nothing comes into force', () => {
    expect(governanceDecider.decide(decide('reject'), proposed)).toEqual({
      ok: true,
      events: [
        {
          type: 'PolicyVersionRejected',
          data: {
            version: 'HK-2026.2',
            rejectedBy: 'compliance-2',
            reason: 'reviewed against the resolution',
            at,
          },
        },
      ],
    });
    const rejected = given(versionProposed(), versionRejected());
    expect(rejected.versions.get('HK-2026.2')?.status).toBe('rejected');
    expect(rejected.activeVersion).toBeUndefined();
    expect(activeProfile(rejected)).toBeUndefined();
  });

  it('given a version rejected while another is in force, then the one in force stays', () => {
    const state = given(
      versionProposed(),
      versionApproved(),
      versionProposed('HK-2026.3'),
      versionRejected('HK-2026.3'),
    );
    expect(state.activeVersion).toBe('HK-2026.2');
    expect(state.versions.get('HK-2026.3')?.status).toBe('rejected');
  });

  it('given a version already approved or rejected, then a second decision either way is POLICY_VERSION_NOT_PENDING on version', () => {
    const approved = given(versionProposed(), versionApproved());
    const rejected = given(versionProposed(), versionRejected());
    for (const state of [approved, rejected]) {
      expect(outcome(decide('approve', 'HK-2026.2', 'compliance-3'), state)).toEqual([
        'POLICY_VERSION_NOT_PENDING',
        'version',
      ]);
      expect(outcome(decide('reject', 'HK-2026.2', 'compliance-3'), state)).toEqual([
        'POLICY_VERSION_NOT_PENDING',
        'version',
      ]);
    }
  });

  it('given a later version approved over one in force, then it supersedes it; an older pending one may still be rejected', () => {
    const state = given(
      versionProposed(),
      versionProposed('HK-2026.3'),
      versionProposed('HK-2026.4'),
      versionApproved('HK-2026.3'),
    );
    expect(governanceDecider.decide(decide('approve', 'HK-2026.4'), state)).toMatchObject({
      ok: true,
      events: [
        { type: 'PolicyVersionApproved', data: { version: 'HK-2026.4', supersedes: 'HK-2026.3' } },
      ],
    });
    expect(outcome(decide('approve', 'HK-2026.2'), state)).toEqual([
      'POLICY_VERSION_SUPERSEDED',
      'version',
    ]);
    expect(outcome(decide('reject', 'HK-2026.2'), state)).toEqual(['PolicyVersionRejected']);
    // the first approval of all: an older pending version is not superseded by nothing
    expect(
      outcome(
        decide('approve', 'HK-2026.2'),
        given(versionProposed(), versionProposed('HK-2026.3')),
      ),
    ).toEqual(['PolicyVersionApproved']);
  });

  it('given a decision event on a version never proposed, then evolve refuses it (the stream is corrupt)', () => {
    expect(() =>
      governanceDecider.evolve(initialGovernanceState, {
        type: 'PolicyVersionApproved',
        data: { version: 'HK-2099.1', approvedBy: 'x', reason: 'r', supersedes: null, at },
      }),
    ).toThrow();
    expect(() =>
      governanceDecider.evolve(initialGovernanceState, {
        type: 'PolicyVersionRejected',
        data: { version: 'HK-2099.1', rejectedBy: 'x', reason: 'r', at },
      }),
    ).toThrow();
  });
});

describe('BC-1 crypto-asset classification (maker-checker)', () => {
  const proposeClass = (
    overrides: Partial<{
      changeId: string;
      asset: string;
      group: '1a' | '1b' | '2a' | '2b';
      reason: string;
      by: string;
    }> = {},
  ): GovernanceCommand => ({
    type: 'ProposeClassification',
    changeId: 'C-1',
    asset: 'USDT',
    group: '1b',
    reason: 'stabilisation test passed',
    by: 'risk-1',
    at,
    ...overrides,
  });
  const decideClass = (
    decision: 'approve' | 'reject',
    changeId = 'C-1',
    by = 'risk-2',
  ): GovernanceCommand => ({
    type: 'DecideClassification',
    changeId,
    decision,
    reason: 'reviewed',
    by,
    at,
  });
  const proposed = given(classificationProposed());

  it('BC-1 given a valid proposal, then AssetClassificationProposed with the change, asset, group, who, why and when; pending, not applied', () => {
    expect(governanceDecider.decide(proposeClass(), initialGovernanceState)).toEqual({
      ok: true,
      events: [
        {
          type: 'AssetClassificationProposed',
          data: {
            changeId: 'C-1',
            asset: 'USDT',
            group: '1b',
            proposedBy: 'risk-1',
            reason: 'stabilisation test passed',
            at,
          },
        },
      ],
    });
    expect(proposed.classificationChanges.get('C-1')).toEqual({
      value: { asset: 'USDT', group: '1b' },
      proposedBy: 'risk-1',
      reason: 'stabilisation test passed',
      status: 'pending',
    });
    expect(proposed.classification.size).toBe(0);
  });

  it('BC-1 an asset code is 2 to 16 capitals or digits: at each bound accepted, one either side or another character refused on asset', () => {
    for (const asset of ['BT', 'A1B2C3D4E5F6G7H8', 'USDC'])
      expect(outcome(proposeClass({ asset }), initialGovernanceState)).toEqual([
        'AssetClassificationProposed',
      ]);
    for (const asset of ['B', 'A1B2C3D4E5F6G7H8I', 'usdt', 'xUSDT', 'USDTx', 'US-DT', '', ' USDT'])
      expect(outcome(proposeClass({ asset }), initialGovernanceState)).toEqual([
        'ASSET_INVALID',
        'asset',
      ]);
  });

  it('BC-1 given a change id in use, then CLASSIFICATION_CHANGE_TAKEN on changeId; an empty or blank reason, REASON_REQUIRED on reason', () => {
    expect(outcome(proposeClass({ asset: 'BTC' }), proposed)).toEqual([
      'CLASSIFICATION_CHANGE_TAKEN',
      'changeId',
    ]);
    expect(outcome(proposeClass({ changeId: 'C-2', reason: '' }), proposed)).toEqual([
      'REASON_REQUIRED',
      'reason',
    ]);
    expect(outcome(proposeClass({ changeId: 'C-2', reason: '  ' }), proposed)).toEqual([
      'REASON_REQUIRED',
      'reason',
    ]);
  });

  it('BC-1 given no such change, then CLASSIFICATION_CHANGE_UNKNOWN on changeId', () => {
    expect(outcome(decideClass('approve', 'C-9'), proposed)).toEqual([
      'CLASSIFICATION_CHANGE_UNKNOWN',
      'changeId',
    ]);
    expect(outcome(decideClass('reject', 'C-9'), proposed)).toEqual([
      'CLASSIFICATION_CHANGE_UNKNOWN',
      'changeId',
    ]);
  });

  it('BC-1 given the proposer decides, then MAKER_CHECKER_SAME_PERSON on by, either way; a different person is accepted; a blank reason is refused', () => {
    expect(outcome(decideClass('approve', 'C-1', 'risk-1'), proposed)).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'by',
    ]);
    expect(outcome(decideClass('reject', 'C-1', 'risk-1'), proposed)).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'by',
    ]);
    expect(outcome(decideClass('approve'), proposed)).toEqual(['AssetClassificationApproved']);
    expect(outcome(decideClass('reject'), proposed)).toEqual(['AssetClassificationRejected']);
    expect(
      outcome({ ...decideClass('approve'), reason: ' ' } as GovernanceCommand, proposed),
    ).toEqual(['REASON_REQUIRED', 'reason']);
  });

  it('BC-1 given a different person approves, then AssetClassificationApproved naming the previous group (none at first) and the group applies', () => {
    expect(governanceDecider.decide(decideClass('approve'), proposed)).toEqual({
      ok: true,
      events: [
        {
          type: 'AssetClassificationApproved',
          data: {
            changeId: 'C-1',
            asset: 'USDT',
            group: '1b',
            previousGroup: null,
            approvedBy: 'risk-2',
            reason: 'reviewed',
            at,
          },
        },
      ],
    });
    const approved = given(classificationProposed(), classificationApproved());
    expect(approved.classificationChanges.get('C-1')?.status).toBe('approved');
    expect([...approved.classification]).toEqual([['USDT', '1b']]);
    const regrouped = given(
      classificationProposed(),
      classificationApproved(),
      classificationProposed('C-2', '2a'),
    );
    expect(governanceDecider.decide(decideClass('approve', 'C-2'), regrouped)).toMatchObject({
      ok: true,
      events: [{ data: { changeId: 'C-2', group: '2a', previousGroup: '1b' } }],
    });
    expect(
      given(
        classificationProposed(),
        classificationApproved(),
        classificationProposed('C-2', '2a'),
        classificationApproved('C-2', '2a', '1b'),
      ).classification.get('USDT'),
    ).toBe('2a');
  });

  it('BC-1 given a different person rejects, then AssetClassificationRejected (never an approval) and the classification is unchanged', () => {
    expect(governanceDecider.decide(decideClass('reject'), proposed)).toEqual({
      ok: true,
      events: [
        {
          type: 'AssetClassificationRejected',
          data: { changeId: 'C-1', rejectedBy: 'risk-2', reason: 'reviewed', at },
        },
      ],
    });
    const rejected = given(classificationProposed(), classificationRejected());
    expect(rejected.classificationChanges.get('C-1')?.status).toBe('rejected');
    expect(rejected.classification.size).toBe(0);
    const kept = given(
      classificationProposed(),
      classificationApproved(),
      classificationProposed('C-2', '2a'),
      classificationRejected('C-2'),
    );
    expect([...kept.classification]).toEqual([['USDT', '1b']]);
  });

  it('BC-1 given a change already approved or rejected, then a second decision either way is CLASSIFICATION_CHANGE_NOT_PENDING on changeId', () => {
    for (const state of [
      given(classificationProposed(), classificationApproved()),
      given(classificationProposed(), classificationRejected()),
    ]) {
      expect(outcome(decideClass('approve', 'C-1', 'risk-3'), state)).toEqual([
        'CLASSIFICATION_CHANGE_NOT_PENDING',
        'changeId',
      ]);
      expect(outcome(decideClass('reject', 'C-1', 'risk-3'), state)).toEqual([
        'CLASSIFICATION_CHANGE_NOT_PENDING',
        'changeId',
      ]);
    }
  });

  it('BC-1 given a decision event on a change never proposed, then evolve refuses it', () => {
    expect(() =>
      governanceDecider.evolve(initialGovernanceState, {
        type: 'AssetClassificationApproved',
        data: {
          changeId: 'C-9',
          asset: 'USDT',
          group: '1b',
          previousGroup: null,
          approvedBy: 'x',
          reason: 'r',
          at,
        },
      }),
    ).toThrow();
    expect(() =>
      governanceDecider.evolve(initialGovernanceState, {
        type: 'AssetClassificationRejected',
        data: { changeId: 'C-9', rejectedBy: 'x', reason: 'r', at },
      }),
    ).toThrow();
  });
});

describe('the profile in force', () => {
  it('given no version approved, then none (the caller falls back to the defaults); given a version in force that was never proposed, then an assertion fails', () => {
    expect(activeProfile(initialGovernanceState)).toBeUndefined();
    expect(() => activeProfile({ ...initialGovernanceState, activeVersion: 'HK-2099.1' })).toThrow(
      /assertion/,
    );
  });
});

describe('governanceDecider: the governance stream (issue 24)', () => {
  it("holds exactly the governance stream's event types, from no version and no classification", () => {
    expect([...governanceDecider.eventTypes]).toEqual([
      'PolicyVersionProposed',
      'PolicyVersionApproved',
      'PolicyVersionRejected',
      'AssetClassificationProposed',
      'AssetClassificationApproved',
      'AssetClassificationRejected',
    ]);
    expect(governanceDecider.initialState).toBe(initialGovernanceState);
  });

  it('given a command or an event of no known type, then an assertion failure naming it', () => {
    const stray = { type: 'Stray' } as never;
    expect(() => governanceDecider.decide(stray, initialGovernanceState)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
    expect(() => governanceDecider.evolve(initialGovernanceState, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
