import { deciderSpecification } from '@custody/decider/testing';
import {
  allocateEntitlement,
  entitlementClientEntries,
  entitlementDecider,
  entitlementDepositId,
  entitlementHouseEntries,
  type EntitlementCommand,
  type EntitlementEvent,
  type EntitlementFacts,
  type EntitlementTreatment,
} from './decide-entitlement';
import { checkJournal } from './journal';

const at = '2026-12-07T10:00:00.000Z';
const snapshotAt = '2026-12-01T00:00:00.000Z';
const DECIMALS: Record<string, number> = { ETH: 18, ETHW: 18, BTC: 8, AIR: 2 };
const decimals = (asset: string) => DECIMALS[asset];
const facts = (balances: Record<string, bigint> = {}): EntitlementFacts => ({
  decimals,
  balancesAtSnapshot: new Map(Object.entries(balances)),
});
const spec = deciderSpecification(entitlementDecider);

const record = (
  over: Partial<Extract<EntitlementCommand, { type: 'RecordEntitlement' }>> = {},
): EntitlementCommand => ({
  type: 'RecordEntitlement',
  eventId: 'air-1',
  asset: 'BTC',
  kind: 'airdrop',
  snapshotAt,
  ratio: '0.5',
  newAsset: 'AIR',
  walletId: 'btc-hot-1',
  disclosure: { treatment: 'clients-pro-rata', version: 1 },
  requestedBy: 'ops-1',
  at,
  ...over,
});
const recorded = (treatment: EntitlementTreatment = 'clients-pro-rata'): EntitlementEvent => {
  const decision = spec
    .given([])
    .when(record({ disclosure: { treatment, version: 2 } }), facts()).decision;
  if (!decision.ok) throw new Error(decision.error.reason);
  return decision.events[0]!;
};
const approve = (approvedBy = 'ops-2'): EntitlementCommand => ({
  type: 'ApproveEntitlement',
  eventId: 'air-1',
  approvedBy,
  at,
});
const approvedEvents = (balances: Record<string, bigint>, treatment?: EntitlementTreatment) => {
  const decision = spec.given([recorded(treatment)]).when(approve(), facts(balances)).decision;
  if (!decision.ok) throw new Error(decision.error.reason);
  return decision.events;
};
const BTC = 100_000_000n; // 1 BTC in satoshi

describe('HK-20 forks and airdrops: recorded by one person, approved by another', () => {
  it('HK-20: recording keeps the event with the disclosure in force (treatment and version)', () => {
    const event = recorded();
    expect(event).toMatchObject({
      type: 'EntitlementRecorded',
      data: {
        eventId: 'air-1',
        asset: 'BTC',
        kind: 'airdrop',
        snapshotAt,
        ratio: '0.5',
        newAsset: 'AIR',
        walletId: 'btc-hot-1',
        treatment: 'clients-pro-rata',
        disclosureVersion: 2,
        requestedBy: 'ops-1',
        at,
      },
    });
    expect(spec.given([event]).state.recorded?.status).toBe('pending');
  });

  it("HK-20: an asset disclosed as 'not-supported' cannot be booked", () => {
    spec
      .given([])
      .when(record({ disclosure: { treatment: 'not-supported', version: 1 } }), facts())
      .thenRefuses('ENTITLEMENT_NOT_SUPPORTED', 'asset');
  });

  it('HK-20: an asset with no approved disclosure cannot be booked', () => {
    spec
      .given([])
      .when(record({ disclosure: null }), facts())
      .thenRefuses('ENTITLEMENT_DISCLOSURE_MISSING', 'asset');
  });

  it('HK-20: recording refusals: kind, assets, ratio, snapshot, actor', () => {
    const refused = (over: Parameters<typeof record>[0], code: string, path: string) =>
      spec.given([]).when(record(over), facts()).thenRefuses(code, path);
    refused({ kind: 'split' as 'fork' }, 'ENTITLEMENT_KIND_INVALID', 'kind');
    refused({ asset: 'XYZ' }, 'ASSET_UNKNOWN', 'asset');
    refused({ newAsset: 'XYZ' }, 'ASSET_UNKNOWN', 'newAsset');
    refused({ ratio: '0' }, 'ENTITLEMENT_RATIO_INVALID', 'ratio');
    refused({ ratio: '-1' }, 'ENTITLEMENT_RATIO_INVALID', 'ratio');
    refused({ ratio: 'half' }, 'ENTITLEMENT_RATIO_INVALID', 'ratio');
    refused({ snapshotAt: '2026-12-01' }, 'ENTITLEMENT_SNAPSHOT_INVALID', 'snapshotAt');
    refused(
      { snapshotAt: '2026-12-08T00:00:00.000Z' },
      'ENTITLEMENT_SNAPSHOT_INVALID',
      'snapshotAt',
    );
    refused({ requestedBy: ' ' }, 'ACTOR_MISSING', 'requestedBy');
    // the snapshot may be the recording instant itself
    expect(spec.given([]).when(record({ snapshotAt: at }), facts()).decision.ok).toBe(true);
  });

  it('HK-20: a fork is recorded like an airdrop; the snapshot is a whole ISO instant in UTC, with or without a fraction', () => {
    expect(spec.given([]).when(record({ kind: 'fork' }), facts()).decision).toMatchObject({
      ok: true,
      events: [{ type: 'EntitlementRecorded', data: { kind: 'fork' } }],
    });
    expect(
      spec.given([]).when(record({ snapshotAt: '2026-11-24T09:00:00Z' }), facts()).decision.ok,
    ).toBe(true);
    for (const bad of [
      `x${snapshotAt}`,
      `${snapshotAt}x`,
      '2026-11-24T09:00:00.Z',
      '2026-11-24T09:00:00.000+08:00',
    ])
      spec
        .given([])
        .when(record({ snapshotAt: bad }), facts())
        .thenRefuses('ENTITLEMENT_SNAPSHOT_INVALID', 'snapshotAt');
  });

  it('HK-20: the same recording replayed records nothing new; other content under the id is a conflict', () => {
    spec.given([recorded()]).when(record(), facts()).thenEmitsNothing();
    spec
      .given([recorded()])
      .when(record({ ratio: '2' }), facts())
      .thenRefuses('ENTITLEMENT_ID_CONFLICT', 'eventId');
  });

  it('HK-20: the maker approving their own booking is refused', () => {
    spec
      .given([recorded()])
      .when(approve('ops-1'), facts({ c1: BTC }))
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
    spec
      .given([recorded()])
      .when(approve(' '), facts({ c1: BTC }))
      .thenRefuses('ACTOR_MISSING', 'approvedBy');
  });

  it('HK-20: approval credits each client pro rata to its balance at the snapshot', () => {
    // 1 BTC and 3 BTC at 0.5 AIR per BTC: 0.5 AIR = 50 and 1.5 AIR = 150 minor units
    expect(approvedEvents({ c1: BTC, c2: 3n * BTC })).toEqual([
      {
        type: 'EntitlementApproved',
        data: {
          eventId: 'air-1',
          approvedBy: 'ops-2',
          entitledMinor: 200n,
          credits: [
            { clientId: 'c1', amountMinor: 50n },
            { clientId: 'c2', amountMinor: 150n },
          ],
          houseMinor: 0n,
          at,
        },
      },
    ]);
  });

  it('HK-20: fractional minor units round down for each client, the remainder goes to the house', () => {
    // 0.01 BTC x 0.5 = 0.005 AIR -> 0 (AIR has 2 decimals); 0.03 BTC -> 0.015 -> 0.01; together 0.02
    const [approved] = approvedEvents({ c1: BTC / 100n, c2: (3n * BTC) / 100n });
    expect(approved?.data).toMatchObject({
      entitledMinor: 2n,
      credits: [{ clientId: 'c2', amountMinor: 1n }],
      houseMinor: 1n,
    });
  });

  it('HK-20: a zero or negative balance at the snapshot gets nothing', () => {
    const [approved] = approvedEvents({ c1: 0n, c2: -5n * BTC, c3: 2n * BTC });
    expect(approved?.data).toMatchObject({
      entitledMinor: 100n,
      credits: [{ clientId: 'c3', amountMinor: 100n }],
      houseMinor: 0n,
    });
  });

  it("HK-20: under 'house-retains' clients get nothing and the house gets all", () => {
    const [approved] = approvedEvents({ c1: BTC, c2: 3n * BTC }, 'house-retains');
    expect(approved?.data).toMatchObject({ entitledMinor: 200n, credits: [], houseMinor: 200n });
  });

  it('HK-20: the same approval replayed changes nothing; a decided event is not decided again', () => {
    const events = [recorded(), ...approvedEvents({ c1: BTC })];
    expect(spec.given(events).state.recorded).toMatchObject({
      status: 'approved',
      decidedBy: 'ops-2',
      allocation: {
        entitledMinor: 50n,
        credits: [{ clientId: 'c1', amountMinor: 50n }],
        houseMinor: 0n,
      },
    });
    spec
      .given(events)
      .when(approve(), facts({ c1: 9n * BTC }))
      .thenEmitsNothing();
    spec
      .given(events)
      .when(approve('ops-3'), facts({ c1: BTC }))
      .thenRefuses('ENTITLEMENT_NOT_PENDING', 'eventId');
    spec.given([]).when(approve(), facts()).thenRefuses('ENTITLEMENT_UNKNOWN', 'eventId');
    // its approver rejecting it afterwards is no replay of a rejection: it stays approved
    spec
      .given(events)
      .when(
        { type: 'RejectEntitlement', eventId: 'air-1', rejectedBy: 'ops-2', reason: 'late', at },
        facts(),
      )
      .thenRefuses('ENTITLEMENT_NOT_PENDING', 'eventId');
  });

  it('HK-20: a rejection books nothing; the maker cannot reject their own; a reason is required', () => {
    const rejected: EntitlementEvent = {
      type: 'EntitlementRejected',
      data: { eventId: 'air-1', rejectedBy: 'ops-2', reason: 'wrong ratio', at },
    };
    const reject = (rejectedBy: string, reason = 'wrong ratio'): EntitlementCommand => ({
      type: 'RejectEntitlement',
      eventId: 'air-1',
      rejectedBy,
      reason,
      at,
    });
    spec.given([recorded()]).when(reject('ops-2'), facts()).thenEmits([rejected]);
    spec.given([recorded(), rejected]).when(reject('ops-2'), facts()).thenEmitsNothing();
    spec
      .given([recorded(), rejected])
      .when(approve(), facts({ c1: BTC }))
      .thenRefuses('ENTITLEMENT_NOT_PENDING', 'eventId');
    spec
      .given([recorded(), rejected])
      .when(reject('ops-3'), facts())
      .thenRefuses('ENTITLEMENT_NOT_PENDING', 'eventId');
    spec
      .given([recorded()])
      .when(reject('ops-1'), facts())
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
    spec
      .given([recorded()])
      .when(reject('ops-2', ' '), facts())
      .thenRefuses('REASON_REQUIRED', 'reason');
    spec.given([]).when(reject('ops-2'), facts()).thenRefuses('ENTITLEMENT_UNKNOWN', 'eventId');
    expect(spec.given([recorded(), rejected]).state.recorded).toMatchObject({
      status: 'rejected',
      decidedBy: 'ops-2',
      allocation: null,
    });
  });

  it('HK-20: a decision with no recorded event before it is an assertion', () => {
    expect(() => spec.given(approvedEvents({ c1: BTC }))).toThrow(
      'assertion: decision on unrecorded event air-1',
    );
  });
});

describe('HK-20 allocation and journals', () => {
  it('HK-20: a fork 1:1 between two 18-decimal assets credits the same minor units', () => {
    const allocation = allocateEntitlement(
      new Map([['c1', 1_234_567_890_123_456_789n]]),
      '1',
      18,
      18,
      'clients-pro-rata',
    );
    expect(allocation).toEqual({
      entitledMinor: 1_234_567_890_123_456_789n,
      credits: [{ clientId: 'c1', amountMinor: 1_234_567_890_123_456_789n }],
      houseMinor: 0n,
    });
  });

  it('HK-20: the clients and the house are listed in a stable order whatever the input order', () => {
    const allocation = allocateEntitlement(
      new Map([
        ['c2', 1n],
        ['c1', 1n],
      ]),
      '1',
      0,
      0,
      'clients-pro-rata',
    );
    expect(allocation.credits.map((credit) => credit.clientId)).toEqual(['c1', 'c2']);
  });

  it('HK-20: a ratio that is not an exact decimal is an assertion (refused at recording)', () => {
    expect(() => allocateEntitlement(new Map(), 'x', 0, 0, 'house-retains')).toThrow(
      "assertion: ratio 'x' is not an exact decimal",
    );
  });

  it('HK-20: each journal is balanced in the new asset (HK-8) and credits the wallet, the client and the house', () => {
    const request = { walletId: 'btc-hot-1', newAsset: 'AIR' };
    const client = entitlementClientEntries(request, { clientId: 'c1', amountMinor: 50n });
    const house = entitlementHouseEntries(request, 7n);
    expect(checkJournal(client)).toBeUndefined();
    expect(checkJournal(house)).toBeUndefined();
    expect(client).toContainEqual(
      expect.objectContaining({
        account: { kind: 'client', clientId: 'c1', asset: 'AIR' },
        side: 'credit',
        amountMinor: 50n,
      }),
    );
    expect(house).toContainEqual(
      expect.objectContaining({
        account: { kind: 'house', purpose: 'inventory', asset: 'AIR' },
        side: 'credit',
        amountMinor: 7n,
      }),
    );
    expect(entitlementDepositId('air-1', 'c1')).toBe('entitlement-air-1-c1');
  });
});

describe('HK-20 entitlementDecider: one stream per fork or airdrop', () => {
  it('HK-20: holds exactly its event types, from nothing recorded', () => {
    expect([...entitlementDecider.eventTypes]).toEqual([
      'EntitlementRecorded',
      'EntitlementApproved',
      'EntitlementRejected',
    ]);
    expect(entitlementDecider.initialState).toEqual({ recorded: undefined });
  });

  it('HK-20: a command or an event of no known type is an assertion naming it', () => {
    const stray = { type: 'Stray' } as never;
    expect(() =>
      entitlementDecider.decide(stray, entitlementDecider.initialState, facts()),
    ).toThrow('assertion: unhandled {"type":"Stray"}');
    expect(() => entitlementDecider.evolve(entitlementDecider.initialState, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
