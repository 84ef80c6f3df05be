import { deciderSpecification } from '@custody/decider/testing';
import {
  entitlementDisclosureDecider,
  type EntitlementDisclosureCommand,
  type EntitlementDisclosureEvent,
  type EntitlementTreatment,
} from './entitlement-disclosure';

const at = '2026-12-07T09:00:00.000Z';
const disclosure = deciderSpecification(entitlementDisclosureDecider);

const proposed = (
  changeId = 'd-1',
  treatment: EntitlementTreatment = 'clients-pro-rata',
  asset = 'ETH',
): EntitlementDisclosureEvent => ({
  type: 'EntitlementDisclosureProposed',
  data: { changeId, asset, treatment, proposedBy: 'compliance-1', reason: 'client terms', at },
});
const approved = (
  changeId = 'd-1',
  treatment: EntitlementTreatment = 'clients-pro-rata',
  version = 1,
  previousTreatment: EntitlementTreatment | null = null,
): EntitlementDisclosureEvent => ({
  type: 'EntitlementDisclosureApproved',
  data: {
    changeId,
    asset: 'ETH',
    treatment,
    version,
    previousTreatment,
    approvedBy: 'compliance-2',
    reason: 'checked against the client agreement',
    at,
  },
});
const propose = (
  over: Partial<
    Extract<EntitlementDisclosureCommand, { type: 'ProposeEntitlementDisclosure' }>
  > = {},
): EntitlementDisclosureCommand => ({
  type: 'ProposeEntitlementDisclosure',
  changeId: 'd-1',
  asset: 'ETH',
  treatment: 'clients-pro-rata',
  reason: 'client terms',
  by: 'compliance-1',
  at,
  ...over,
});
const decide = (
  by = 'compliance-2',
  decision: 'approve' | 'reject' = 'approve',
  reason = 'checked against the client agreement',
  changeId = 'd-1',
): EntitlementDisclosureCommand => ({
  type: 'DecideEntitlementDisclosure',
  changeId,
  decision,
  reason,
  by,
  at,
});
const vote = (
  over: Partial<Extract<EntitlementDisclosureCommand, { type: 'RecordVote' }>> = {},
): EntitlementDisclosureCommand => ({
  type: 'RecordVote',
  voteId: 'v-1',
  asset: 'ETH',
  proposal: 'EIP-9999 on-chain governance',
  position: 'for',
  reason: 'board resolution 2026-12',
  by: 'ops-1',
  at,
  ...over,
});

describe('HK-20 disclosure of forks, airdrops and votes per asset (maker-checker, versioned)', () => {
  it('HK-20: a proposal is recorded pending; nothing is in force until a second person approves', () => {
    const then = disclosure.given([]).when(propose());
    then.thenEmits([proposed()]);
    expect(disclosure.given([proposed()]).state.settings.size).toBe(0);
  });

  it('HK-20: the approval by another person puts version 1 in force for the asset', () => {
    disclosure.given([proposed()]).when(decide()).thenEmits([approved()]);
    expect(disclosure.given([proposed(), approved()]).state.settings.get('ETH')).toEqual({
      asset: 'ETH',
      treatment: 'clients-pro-rata',
      version: 1,
      changeId: 'd-1',
    });
  });

  it('HK-20: a change is a new version naming the treatment it replaces', () => {
    const past = [proposed(), approved(), proposed('d-2', 'house-retains')];
    disclosure
      .given(past)
      .when(decide('compliance-2', 'approve', 'checked against the client agreement', 'd-2'))
      .thenEmits([approved('d-2', 'house-retains', 2, 'clients-pro-rata')]);
    const state = disclosure.given([
      ...past,
      approved('d-2', 'house-retains', 2, 'clients-pro-rata'),
    ]).state;
    expect(state.settings.get('ETH')?.treatment).toBe('house-retains');
    expect(state.settings.get('ETH')?.version).toBe(2);
  });

  it('HK-20: the maker cannot approve their own proposal', () => {
    disclosure
      .given([proposed()])
      .when(decide('compliance-1'))
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'by');
  });

  it('HK-20: a rejection leaves nothing in force, and the change cannot be decided twice', () => {
    const rejected: EntitlementDisclosureEvent = {
      type: 'EntitlementDisclosureRejected',
      data: { changeId: 'd-1', rejectedBy: 'compliance-2', reason: 'wrong asset', at },
    };
    disclosure
      .given([proposed()])
      .when(decide('compliance-2', 'reject', 'wrong asset'))
      .thenEmits([rejected]);
    const state = disclosure.given([proposed(), rejected]).state;
    expect(state.settings.size).toBe(0);
    expect(state.changes.get('d-1')?.status).toBe('rejected');
    disclosure
      .given([proposed(), rejected])
      .when(decide())
      .thenRefuses('ENTITLEMENT_CHANGE_NOT_PENDING', 'changeId');
    expect(disclosure.given([proposed(), approved()]).state.changes.get('d-1')?.status).toBe(
      'approved',
    );
  });

  it('HK-20: refusals: unknown change, taken id, bad asset, bad treatment, no reason', () => {
    disclosure.given([]).when(decide()).thenRefuses('ENTITLEMENT_CHANGE_UNKNOWN', 'changeId');
    disclosure
      .given([proposed()])
      .when(propose())
      .thenRefuses('ENTITLEMENT_CHANGE_TAKEN', 'changeId');
    for (const asset of ['eth', 'xETH', 'ETHx', 'E', 'ETHEREUMCLASSIC17'])
      disclosure.given([]).when(propose({ asset })).thenRefuses('ASSET_INVALID', 'asset');
    disclosure
      .given([])
      .when(propose({ treatment: 'keep-it' as EntitlementTreatment }))
      .thenRefuses('ENTITLEMENT_TREATMENT_INVALID', 'treatment');
    disclosure
      .given([])
      .when(propose({ reason: ' ' }))
      .thenRefuses('REASON_REQUIRED', 'reason');
    disclosure
      .given([proposed()])
      .when(decide('compliance-2', 'approve', ' '))
      .thenRefuses('REASON_REQUIRED', 'reason');
  });

  it('HK-20: an approval with no pending past event is an assertion, not a silent state', () => {
    expect(() => disclosure.given([approved()])).toThrow(
      'assertion: decision on unknown change d-1',
    );
  });
});

describe('HK-20 votes are recorded with the disclosure they were held under', () => {
  it('HK-20: a vote records the position, the treatment and the version in force', () => {
    disclosure
      .given([proposed(), approved()])
      .when(vote())
      .thenEmits([
        {
          type: 'VoteRecorded',
          data: {
            voteId: 'v-1',
            asset: 'ETH',
            proposal: 'EIP-9999 on-chain governance',
            position: 'for',
            treatment: 'clients-pro-rata',
            disclosureVersion: 1,
            recordedBy: 'ops-1',
            reason: 'board resolution 2026-12',
            at,
          },
        },
      ]);
  });

  it('HK-20: no disclosure for the asset: the vote is refused', () => {
    disclosure.given([]).when(vote()).thenRefuses('ENTITLEMENT_DISCLOSURE_MISSING', 'asset');
  });

  it("HK-20: under 'not-supported' only 'not-voted' is recorded", () => {
    const past = [proposed('d-1', 'not-supported'), approved('d-1', 'not-supported')];
    disclosure.given(past).when(vote()).thenRefuses('ENTITLEMENT_NOT_SUPPORTED', 'position');
    const then = disclosure.given(past).when(vote({ position: 'not-voted' }));
    expect(then.decision.ok).toBe(true);
  });

  it('HK-20: the same vote id twice, a bad position or no reason is refused', () => {
    const past = [proposed(), approved()];
    const recorded = disclosure.given(past).when(vote()).decision;
    if (!recorded.ok) throw new Error('expected a vote');
    disclosure
      .given([...past, ...recorded.events])
      .when(vote())
      .thenRefuses('VOTE_ID_TAKEN', 'voteId');
    disclosure
      .given(past)
      .when(vote({ position: 'maybe' as 'for' }))
      .thenRefuses('VOTE_POSITION_INVALID', 'position');
    for (const reason of ['', '  '])
      disclosure.given(past).when(vote({ reason })).thenRefuses('REASON_REQUIRED', 'reason');
  });
});

describe('HK-20 entitlementDisclosureDecider: the disclosure stream', () => {
  it('HK-20: holds exactly its event types, from no setting, no change and no vote', () => {
    expect([...entitlementDisclosureDecider.eventTypes]).toEqual([
      'EntitlementDisclosureProposed',
      'EntitlementDisclosureApproved',
      'EntitlementDisclosureRejected',
      'VoteRecorded',
    ]);
    const initial = entitlementDisclosureDecider.initialState;
    expect([initial.changes.size, initial.settings.size, initial.votes.size]).toEqual([0, 0, 0]);
  });

  it('HK-20: a command or an event of no known type is an assertion naming it', () => {
    const stray = { type: 'Stray' } as never;
    const initial = entitlementDisclosureDecider.initialState;
    expect(() => entitlementDisclosureDecider.decide(stray, initial)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
    expect(() => entitlementDisclosureDecider.evolve(initial, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
