import { deciderSpecification } from '@custody/decider/testing';
import {
  depositDecider,
  type DepositCommand,
  type DepositEvent,
  type DepositReviewReason,
  type DepositState,
  type ObservedTransfer,
} from './deposit';
import { NO_TRANSFER_THRESHOLDS } from './transfer-monitoring';
import type { WalletState } from './wallet';

const t0 = '2026-11-24T09:00:00.000Z';
const wallet: WalletState = {
  registration: {
    walletId: 'w-hot',
    tier: 'hot',
    ownerClass: 'client-segregated',
    chain: 'ethereum',
    assets: ['ETH'],
    address: '0x00000000000000000000000000000000000000aa',
    key: {
      keyId: 'k-hot',
      location: { site: 'HK-DC1', jurisdiction: 'HK' },
      backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
      rotationDueAt: '2027-01-01T00:00:00.000Z',
    },
  },
  quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 },
  confirmationsRequired: 3,
  registeredAt: t0,
};
const facts = { wallet, thresholds: NO_TRANSFER_THRESHOLDS };
const transfer: ObservedTransfer = {
  depositId: `ethereum:0x${'d'.repeat(64)}:native`,
  walletId: 'w-hot',
  chain: 'ethereum',
  asset: 'ETH',
  amountMinor: 5n * 10n ** 17n,
  fromAddress: '0x52908400098527886e0f7030069857d2e4169ee7',
  toAddress: wallet.registration.address,
  transactionHash: `0x${'d'.repeat(64)}`,
  blockNumber: 10n,
};
const observe = (senderAllowListedFor: string[]): DepositCommand => ({
  type: 'ObserveDeposit',
  transfer,
  senderAllowListedFor,
  at: t0,
});
const confirm = (confirmations: number): DepositCommand => ({
  type: 'ConfirmDeposit',
  depositId: transfer.depositId,
  confirmations,
  at: '2026-11-24T09:00:36.000Z',
});

// events: the deposit stream's past, as the commands of this spec record it
const observed = (clientId: string | null): DepositEvent => ({
  type: 'DepositObserved',
  data: { ...transfer, clientId, at: t0 },
});
const flagged = (reason: DepositReviewReason, candidates: string[]): DepositEvent => ({
  type: 'DepositFlaggedForReview',
  data: { depositId: transfer.depositId, reason, candidates, at: t0 },
});
/** The same wallet registered as a house wallet: the institution's own. */
const houseFacts = {
  ...facts,
  wallet: { ...wallet, registration: { ...wallet.registration, ownerClass: 'house' as const } },
};
/** observe([...]) into the house wallet: the house's, whoever sent it. */
const observedForHouse: DepositEvent[] = [
  { type: 'DepositObserved', data: { ...transfer, clientId: null, house: true, at: t0 } },
];
/** observe(['alice']): alice's. */
const observedForAlice = [observed('alice')];
/** observe([]): nobody's, flagged. */
const observedForNobody = [observed(null), flagged('source-not-allow-listed', [])];
/** observe(['alice', 'bob']): on two lists, flagged with both. */
const observedForTwo = [observed(null), flagged('source-on-several-allow-lists', ['alice', 'bob'])];
/** ops-1 proposes bob (propose('bob')). */
const proposedBob: DepositEvent = {
  type: 'DepositAttributionProposed',
  data: {
    depositId: transfer.depositId,
    clientId: 'bob',
    proposedBy: 'ops-1',
    reason: 'evidence',
    at: t0,
  },
};
/**
 * decide(decidedBy, decision): bob's attribution decided at 10:00, and attributed when approved.
 */
const decidedBob = (decidedBy: string, decision: 'approve' | 'reject'): DepositEvent[] => {
  const at = '2026-11-24T10:00:00.000Z';
  const depositId = transfer.depositId;
  return [
    {
      type: 'DepositAttributionDecided',
      data: { depositId, clientId: 'bob', decision, decidedBy, reason: 'checked', at },
    },
    ...(decision === 'approve'
      ? [{ type: 'DepositAttributed', data: { depositId, clientId: 'bob', at } } as const]
      : []),
  ];
};
const attributed = (clientId: string): DepositEvent => ({
  type: 'DepositAttributed',
  data: { depositId: transfer.depositId, clientId, at: '2026-11-25T09:00:00.000Z' },
});
/** confirm(confirmations) of alice's deposit. */
const confirmed = (confirmations: number): DepositEvent => ({
  type: 'DepositConfirmed',
  data: {
    depositId: transfer.depositId,
    clientId: 'alice',
    asset: 'ETH',
    amountMinor: transfer.amountMinor,
    walletId: 'w-hot',
    chain: 'ethereum',
    transactionHash: transfer.transactionHash,
    confirmations,
    confirmedAt: '2026-11-24T09:00:36.000Z',
  },
});
const deposits = deciderSpecification(depositDecider);
/** The deposit after `events`. */
const given = (...events: DepositEvent[]): DepositState | undefined => deposits.given(events).state;
const typesOf = (decision: { ok: boolean; events?: readonly DepositEvent[] }) =>
  (decision.events ?? []).map((event) => event.type);

describe('deposits (HK-11h, TW-13 confirmation time)', () => {
  it("HK-11h given a deposit from an address on exactly one client's proven allow-list, then it is theirs and credited once it has the wallet's confirmations, with the confirmation time", () => {
    deposits
      .given([])
      .when(observe(['alice']), facts)
      .thenEmits(observedForAlice);
    deposits.given(observedForAlice).when(confirm(2), facts).thenEmitsNothing();
    // once, however often it is confirmed again
    expect(typesOf(deposits.given(observedForAlice).when(confirm(3), facts).decision)).toEqual([
      'DepositConfirmed',
    ]);
    deposits
      .given([...observedForAlice, confirmed(3)])
      .when(confirm(4), facts)
      .thenEmitsNothing();
    const decision = depositDecider.decide(confirm(3), given(...observedForAlice), facts);
    expect(decision.ok && decision.events[0]?.data).toMatchObject({
      clientId: 'alice',
      amountMinor: 5n * 10n ** 17n,
      confirmations: 3,
      confirmedAt: '2026-11-24T09:00:36.000Z',
    });
  });

  it('HK-11h given a deposit from an address on no allow-list, or on several, then it is flagged for review and credited to nobody', () => {
    expect(typesOf(depositDecider.decide(observe([]), undefined, facts))).toEqual([
      'DepositObserved',
      'DepositFlaggedForReview',
    ]);
    deposits.given(observedForNobody).when(confirm(10), facts).thenEmitsNothing();
    const decision = depositDecider.decide(observe(['bob', 'alice']), undefined, facts);
    expect(decision.ok && decision.events[1]?.data).toMatchObject({
      reason: 'source-on-several-allow-lists',
      candidates: ['alice', 'bob'],
    });
  });

  it("HK-11h given a flagged deposit whose sender is later proven to be exactly one client's address, then it is attributed to them and credited once confirmed; before that, nothing", () => {
    const reattribute = (candidates: string[]): DepositCommand => ({
      type: 'ReattributeDeposit',
      depositId: transfer.depositId,
      senderAllowListedFor: candidates,
      at: '2026-11-25T09:00:00.000Z',
    });
    const flaggedForNobody = deposits.given(observedForNobody);
    flaggedForNobody.when(reattribute([]), facts).thenEmitsNothing();
    flaggedForNobody.when(reattribute(['alice', 'bob']), facts).thenEmitsNothing();
    flaggedForNobody.when(confirm(10), facts).thenEmitsNothing();
    flaggedForNobody.when(reattribute(['carol']), facts).thenEmits([attributed('carol')]);
    const carols = deposits.given([...observedForNobody, attributed('carol')]);
    expect(typesOf(carols.when(confirm(10), facts).decision)).toEqual(['DepositConfirmed']);
    expect(carols.state?.clientId).toBe('carol');
    deposits
      .given(observedForAlice)
      .when(reattribute(['carol']), facts)
      .thenEmitsNothing(); // an attributed deposit stays its client's
    // flagged because its sender was on two lists: one list shrinking later does not hand it to the other client
    deposits
      .given(observedForTwo)
      .when(reattribute(['bob']), facts)
      .thenEmitsNothing();
  });

  it("HK-11h given a deposit from an address on two clients' lists, then a reviewer proposes one of them and a different one approves; nobody else, never the proposer", () => {
    const propose = (clientId: string, by = 'ops-1'): DepositCommand => ({
      type: 'ProposeDepositAttribution',
      depositId: transfer.depositId,
      clientId,
      reason: 'evidence',
      proposedBy: by,
      at: t0,
    });
    const decide = (by: string, decision: 'approve' | 'reject' = 'approve'): DepositCommand => ({
      type: 'DecideDepositAttribution',
      depositId: transfer.depositId,
      decision,
      reason: 'checked',
      decidedBy: by,
      at: t0,
    });
    const flagged = given(...observedForTwo);
    const code = (command: DepositCommand, state: DepositState | undefined) => {
      const decision = depositDecider.decide(command, state, facts);
      return decision.ok
        ? decision.events.map((event) => event.type)
        : [decision.error.code, decision.error.path];
    };
    expect(code(propose('carol'), flagged)).toEqual(['ALLOWLIST_ADDRESS_NOT_LISTED', 'clientId']);
    const proposed = given(...observedForTwo, proposedBob);
    expect(code(decide('ops-1'), proposed)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
    expect(code(decide('approver-1'), proposed)).toEqual([
      'DepositAttributionDecided',
      'DepositAttributed',
    ]);
    expect(code(decide('approver-1', 'reject'), proposed)).toEqual(['DepositAttributionDecided']);
    expect(code(propose('alice'), given(...observedForNobody))).toEqual([
      'DEPOSIT_NOT_UNDER_REVIEW',
      'depositId',
    ]); // an unknown sender proves the address instead
  });

  it('given the same transfer observed again, then nothing new; the same id with another amount is DEPOSIT_ID_CONFLICT', () => {
    const state = given(...observedForAlice);
    expect(depositDecider.decide(observe(['alice']), state, facts)).toEqual({
      ok: true,
      events: [],
    });
    const other = depositDecider.decide(
      { ...observe(['alice']), transfer: { ...transfer, amountMinor: 1n } } as DepositCommand,
      state,
      facts,
    );
    expect(other.ok ? 'accepted' : other.error.code).toBe('DEPOSIT_ID_CONFLICT');
  });

  it('TW-15.3 given a deposit above the asset threshold, then LargeTransferAlerted', () => {
    const thresholds = {
      perAssetMinor: new Map([['ETH', 10n ** 17n]]),
      perClientMinor: new Map(),
      notifyRoles: ['compliance-officer'],
    };
    const decision = depositDecider.decide(observe(['alice']), undefined, { ...facts, thresholds });
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
      'DepositObserved',
      'LargeTransferAlerted',
    ]);
  });
});

describe('deposits: confirmations, replays and review (HK-11h, TW-13, TW-15.3)', () => {
  const outcome = (command: DepositCommand, state: DepositState | undefined, withFacts = facts) => {
    const decision = depositDecider.decide(command, state, withFacts);
    return decision.ok
      ? decision.events.map((event) => event.type)
      : [decision.error.code, decision.error.path];
  };
  const propose = (
    clientId: string,
    overrides: Partial<Extract<DepositCommand, { type: 'ProposeDepositAttribution' }>> = {},
  ): DepositCommand => ({
    type: 'ProposeDepositAttribution',
    depositId: transfer.depositId,
    clientId,
    reason: 'evidence',
    proposedBy: 'ops-1',
    at: t0,
    ...overrides,
  });
  const decide = (
    decidedBy: string,
    decision: 'approve' | 'reject' = 'approve',
    reason = 'checked',
  ): DepositCommand => ({
    type: 'DecideDepositAttribution',
    depositId: transfer.depositId,
    decision,
    reason,
    decidedBy,
    at: '2026-11-24T10:00:00.000Z',
  });
  const reattribute = (candidates: string[]): DepositCommand => ({
    type: 'ReattributeDeposit',
    depositId: transfer.depositId,
    senderAllowListedFor: candidates,
    at: '2026-11-25T09:00:00.000Z',
  });

  it("TW-13 given a wallet asking for 3 confirmations, when the deposit has exactly 3, then DepositConfirmed carries exactly the contract's fields", () => {
    expect(depositDecider.decide(confirm(3), given(...observedForAlice), facts)).toEqual({
      ok: true,
      events: [
        {
          type: 'DepositConfirmed',
          data: {
            depositId: transfer.depositId,
            clientId: 'alice',
            asset: 'ETH',
            amountMinor: 5n * 10n ** 17n,
            walletId: 'w-hot',
            chain: 'ethereum',
            transactionHash: transfer.transactionHash,
            confirmations: 3,
            confirmedAt: '2026-11-24T09:00:36.000Z',
          },
        },
      ],
    });
  });

  it('TW-13 given a wallet asking for 3 confirmations, when the deposit has 2 (one below), then nothing is credited yet', () => {
    expect(depositDecider.decide(confirm(2), given(...observedForAlice), facts)).toEqual({
      ok: true,
      events: [],
    });
  });

  it('TW-13 given a deposit already confirmed, when the confirmation is replayed, then nothing new; the state says confirmed', () => {
    const state = given(...observedForAlice, confirmed(3));
    expect(state?.confirmed).toBe(true);
    expect(depositDecider.decide(confirm(3), state, facts)).toEqual({ ok: true, events: [] });
  });

  it('HK-11h given a deposit credited to nobody (flagged), when it has every confirmation, then nothing is credited', () => {
    expect(depositDecider.decide(confirm(3), given(...observedForNobody), facts)).toEqual({
      ok: true,
      events: [],
    });
  });

  it('given no such deposit, then confirming, reattributing, proposing or deciding is DEPOSIT_UNKNOWN on depositId', () => {
    expect(outcome(confirm(3), undefined)).toEqual(['DEPOSIT_UNKNOWN', 'depositId']);
    expect(outcome(reattribute(['alice']), undefined)).toEqual(['DEPOSIT_UNKNOWN', 'depositId']);
    expect(outcome(propose('alice'), undefined)).toEqual(['DEPOSIT_UNKNOWN', 'depositId']);
    expect(outcome(decide('ops-2'), undefined)).toEqual(['DEPOSIT_UNKNOWN', 'depositId']);
  });

  it("HK-11h given a deposit from exactly one client's proven address, then DepositObserved names the client and nothing is flagged", () => {
    expect(depositDecider.decide(observe(['alice', 'alice']), undefined, facts)).toEqual({
      ok: true,
      events: [{ type: 'DepositObserved', data: { ...transfer, clientId: 'alice', at: t0 } }],
    });
  });

  it('HK-11h given a deposit from an unknown sender, then it is observed for nobody and flagged source-not-allow-listed with no candidates', () => {
    expect(depositDecider.decide(observe([]), undefined, facts)).toEqual({
      ok: true,
      events: [
        { type: 'DepositObserved', data: { ...transfer, clientId: null, at: t0 } },
        {
          type: 'DepositFlaggedForReview',
          data: {
            depositId: transfer.depositId,
            reason: 'source-not-allow-listed',
            candidates: [],
            at: t0,
          },
        },
      ],
    });
    expect(given(...observedForNobody)).toEqual({
      transfer,
      house: false,
      clientId: null,
      confirmed: false,
      reviewReason: 'source-not-allow-listed',
      candidates: [],
      proposal: null,
    });
  });

  it("BC-1 given a deposit into a house wallet, even from one client's address, then it is observed as the house's, for no client, and never flagged for review", () => {
    const decision = depositDecider.decide(observe(['alice']), undefined, houseFacts);
    expect(decision).toEqual({ ok: true, events: observedForHouse });
    expect(given(...observedForHouse)).toEqual({
      transfer,
      house: true,
      clientId: null,
      confirmed: false,
      reviewReason: null,
      candidates: [],
      proposal: null,
    });
    // a house wallet's deposit is not the machine's to hand to a client later, nor a reviewer's
    expect(
      depositDecider.decide(reattribute(['alice']), given(...observedForHouse), houseFacts),
    ).toEqual({ ok: true, events: [] });
    expect(outcome(propose('alice'), given(...observedForHouse), houseFacts)).toEqual([
      'DEPOSIT_NOT_UNDER_REVIEW',
      'depositId',
    ]);
  });

  it('given the same transfer observed again with other senders proven, then nothing new (the transfer is what identifies it)', () => {
    expect(depositDecider.decide(observe(['bob']), given(...observedForAlice), facts)).toEqual({
      ok: true,
      events: [],
    });
    expect(
      outcome(
        { ...observe(['alice']), transfer: { ...transfer, blockNumber: 11n } } as DepositCommand,
        given(...observedForAlice),
      ),
    ).toEqual(['DEPOSIT_ID_CONFLICT', 'transfer.depositId']);
  });

  it("HK-11h given an unknown sender proven since to be one client's address, then DepositAttributed names that client at the reattribution time", () => {
    expect(
      depositDecider.decide(reattribute(['carol', 'carol']), given(...observedForNobody), facts),
    ).toEqual({
      ok: true,
      events: [
        {
          type: 'DepositAttributed',
          data: {
            depositId: transfer.depositId,
            clientId: 'carol',
            at: '2026-11-25T09:00:00.000Z',
          },
        },
      ],
    });
  });

  it("HK-11h given a deposit attributed once its sender was proven, when another client's proof of the sender arrives later, then it stays with the first", () => {
    const carols = deposits.given([...observedForNobody, attributed('carol')]);
    carols.when(reattribute(['dave']), facts).thenEmitsNothing();
    expect(carols.state?.clientId).toBe('carol');
  });

  it('HK-11h given the wallet is not client-segregated when the sender is proven, then the machine attributes nothing', () => {
    const house = {
      ...facts,
      wallet: { ...wallet, registration: { ...wallet.registration, ownerClass: 'house' as const } },
    };
    expect(
      depositDecider.decide(reattribute(['carol']), given(...observedForNobody), house),
    ).toEqual({
      ok: true,
      events: [],
    });
  });

  it("HK-11h given a deposit from one client's address, then its state is that client's, unconfirmed, unflagged, with no candidates and no proposal", () => {
    expect(given(...observedForAlice)).toEqual({
      transfer,
      house: false,
      clientId: 'alice',
      confirmed: false,
      reviewReason: null,
      candidates: [],
      proposal: null,
    });
  });

  it("HK-11h given a reviewer's proposal, then DepositAttributionProposed carries it and a second proposal waits: DEPOSIT_ATTRIBUTION_PENDING", () => {
    const flagged = given(...observedForTwo);
    expect(depositDecider.decide(propose('bob'), flagged, facts)).toEqual({
      ok: true,
      events: [
        {
          type: 'DepositAttributionProposed',
          data: {
            depositId: transfer.depositId,
            clientId: 'bob',
            proposedBy: 'ops-1',
            reason: 'evidence',
            at: t0,
          },
        },
      ],
    });
    const proposed = given(...observedForTwo, proposedBob);
    expect(proposed?.proposal).toEqual({
      clientId: 'bob',
      proposedBy: 'ops-1',
      reason: 'evidence',
    });
    expect(outcome(propose('alice', { proposedBy: 'ops-2' }), proposed)).toEqual([
      'DEPOSIT_ATTRIBUTION_PENDING',
      'depositId',
    ]);
  });

  it('HK-11h given a proposal without a reason, or about an attributed deposit, then REASON_REQUIRED or DEPOSIT_NOT_UNDER_REVIEW', () => {
    expect(outcome(propose('bob', { reason: ' ' }), given(...observedForTwo))).toEqual([
      'REASON_REQUIRED',
      'reason',
    ]);
    expect(outcome(propose('alice'), given(...observedForAlice))).toEqual([
      'DEPOSIT_NOT_UNDER_REVIEW',
      'depositId',
    ]);
    // attributed by reviewers already: its review reason stays, but it is somebody's now
    expect(
      outcome(
        propose('alice'),
        given(...observedForTwo, proposedBob, ...decidedBob('ops-2', 'approve')),
      ),
    ).toEqual(['DEPOSIT_NOT_UNDER_REVIEW', 'depositId']);
  });

  it('maker-checker: given a proposal by ops-1, then ops-1 cannot decide it; ops-2 approving attributes it to the proposed client, with both events', () => {
    const proposed = given(...observedForTwo, proposedBob);
    expect(outcome(decide('ops-1'), proposed)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
    expect(depositDecider.decide(decide('ops-2'), proposed, facts)).toEqual({
      ok: true,
      events: [
        {
          type: 'DepositAttributionDecided',
          data: {
            depositId: transfer.depositId,
            clientId: 'bob',
            decision: 'approve',
            decidedBy: 'ops-2',
            reason: 'checked',
            at: '2026-11-24T10:00:00.000Z',
          },
        },
        {
          type: 'DepositAttributed',
          data: { depositId: transfer.depositId, clientId: 'bob', at: '2026-11-24T10:00:00.000Z' },
        },
      ],
    });
    const bobs = deposits.given([
      ...observedForTwo,
      proposedBob,
      ...decidedBob('ops-2', 'approve'),
    ]);
    const { decision } = bobs.when(confirm(3), facts);
    expect(typesOf(decision)).toEqual(['DepositConfirmed']);
    expect(
      (decision.ok ? decision.events : []).reduce(depositDecider.evolve, bobs.state),
    ).toMatchObject({ clientId: 'bob', proposal: null, confirmed: true });
  });

  it("maker-checker: given a proposal, when ops-2 rejects it, then only DepositAttributionDecided (reject); the deposit stays nobody's and may be proposed again", () => {
    const proposed = given(...observedForTwo, proposedBob);
    expect(depositDecider.decide(decide('ops-2', 'reject'), proposed, facts)).toEqual({
      ok: true,
      events: [
        {
          type: 'DepositAttributionDecided',
          data: {
            depositId: transfer.depositId,
            clientId: 'bob',
            decision: 'reject',
            decidedBy: 'ops-2',
            reason: 'checked',
            at: '2026-11-24T10:00:00.000Z',
          },
        },
      ],
    });
    const rejected = given(...observedForTwo, proposedBob, ...decidedBob('ops-2', 'reject'));
    expect(rejected).toMatchObject({ clientId: null, proposal: null });
    expect(outcome(propose('alice', { proposedBy: 'ops-3' }), rejected)).toEqual([
      'DepositAttributionProposed',
    ]);
  });

  it('maker-checker: given no proposal, or a decision without a reason, then DEPOSIT_NOT_UNDER_REVIEW or REASON_REQUIRED', () => {
    expect(outcome(decide('ops-2'), given(...observedForTwo))).toEqual([
      'DEPOSIT_NOT_UNDER_REVIEW',
      'depositId',
    ]);
    expect(
      outcome(decide('ops-2', 'approve', '  '), given(...observedForTwo, proposedBob)),
    ).toEqual(['REASON_REQUIRED', 'reason']);
  });

  it("TW-15.3 given a deposit above its client's threshold, then the alert names the client and the deposit as the movement", () => {
    const thresholds = {
      perAssetMinor: new Map<string, bigint>(),
      perClientMinor: new Map([['alice', new Map([['ETH', 10n ** 17n]])]]),
      notifyRoles: ['compliance-officer'],
    };
    const decision = depositDecider.decide(observe(['alice']), undefined, { ...facts, thresholds });
    expect(decision.ok && decision.events[1]).toEqual({
      type: 'LargeTransferAlerted',
      data: {
        kind: 'deposit',
        movementId: transfer.depositId,
        clientId: 'alice',
        walletId: 'w-hot',
        asset: 'ETH',
        amountMinor: 5n * 10n ** 17n,
        thresholdMinor: 10n ** 17n,
        thresholdScope: 'client',
        notifyRoles: ['compliance-officer'],
        at: t0,
      },
    });
    const state = [decision]
      .flatMap((d) => (d.ok ? d.events : []))
      .reduce(depositDecider.evolve, undefined);
    expect(state).toEqual(given(...observedForAlice)); // an alert changes nothing in the deposit
  });

  it('given deposit events for a deposit never observed, then confirming or attributing is an assertion failure and review events leave nothing', () => {
    const confirmed = depositDecider.decide(confirm(3), given(...observedForAlice), facts);
    const attributed = depositDecider.decide(
      reattribute(['carol']),
      given(...observedForNobody),
      facts,
    );
    expect(() =>
      (confirmed.ok ? confirmed.events : []).reduce(depositDecider.evolve, undefined),
    ).toThrow('assertion');
    expect(() =>
      (attributed.ok ? attributed.events : []).reduce(depositDecider.evolve, undefined),
    ).toThrow('assertion');
    const flagged = depositDecider.decide(observe([]), undefined, facts);
    const proposed = depositDecider.decide(propose('bob'), given(...observedForTwo), facts);
    const decided = depositDecider.decide(
      decide('ops-2', 'reject'),
      given(...observedForTwo, proposedBob),
      facts,
    );
    const reviewEvents = [flagged, proposed, decided]
      .flatMap((d) => (d.ok ? d.events : []))
      .filter((event) => event.type !== 'DepositObserved');
    expect(reviewEvents.map((event) => event.type)).toEqual([
      'DepositFlaggedForReview',
      'DepositAttributionProposed',
      'DepositAttributionDecided',
    ]);
    expect(reviewEvents.reduce(depositDecider.evolve, undefined)).toBeUndefined();
  });
});

describe("house deposits: the institution's own, confirmed and published as the house's (issue 25, BC-1..BC-4, TW-15)", () => {
  const houseConfirmed = (confirmations: number): DepositEvent => ({
    type: 'HouseDepositConfirmed',
    data: {
      depositId: transfer.depositId,
      walletId: 'w-hot',
      asset: 'ETH',
      amountMinor: 5n * 10n ** 17n,
      chain: 'ethereum',
      transactionHash: transfer.transactionHash,
      confirmations,
      confirmedAt: '2026-11-24T09:00:36.000Z',
    },
  });

  it("BC-1 given a house wallet asking for 3 confirmations, when its deposit has exactly 3, then HouseDepositConfirmed carries exactly the contract's fields and no client", () => {
    deposits
      .given(observedForHouse)
      .when(confirm(3), houseFacts)
      .thenEmits([houseConfirmed(3)]);
  });

  it('BC-1 given a house deposit with 2 confirmations (one below the 3 asked), then nothing is confirmed yet', () => {
    deposits.given(observedForHouse).when(confirm(2), houseFacts).thenEmitsNothing();
  });

  it('BC-1 given a house deposit already confirmed, when the confirmation is replayed, then nothing new; the state says confirmed', () => {
    const confirmedHouse = deposits.given([...observedForHouse, houseConfirmed(3)]);
    expect(confirmedHouse.state?.confirmed).toBe(true);
    confirmedHouse.when(confirm(4), houseFacts).thenEmitsNothing();
  });

  it("HK-11h given a client wallet, then its deposit stays a client's: from one client's address DepositConfirmed for them, from nobody's flagged and never confirmed as the house's", () => {
    expect(typesOf(depositDecider.decide(confirm(3), given(...observedForAlice), facts))).toEqual([
      'DepositConfirmed',
    ]);
    expect(typesOf(depositDecider.decide(observe([]), undefined, facts))).toEqual([
      'DepositObserved',
      'DepositFlaggedForReview',
    ]);
    deposits.given(observedForNobody).when(confirm(10), facts).thenEmitsNothing();
  });

  it("BC-1 given a house deposit from an unknown sender above the asset's threshold, then it is observed as the house's with a TW-15.3 alert naming no client", () => {
    const decision = depositDecider.decide(observe([]), undefined, {
      ...houseFacts,
      thresholds: { ...NO_TRANSFER_THRESHOLDS, perAssetMinor: new Map([['ETH', 1n]]) },
    });
    expect(typesOf(decision)).toEqual(['DepositObserved', 'LargeTransferAlerted']);
    expect(decision.ok && decision.events[1]?.data).toMatchObject({ clientId: null });
  });

  it('given a house confirmation of a deposit never observed, then an assertion failure', () => {
    expect(() => depositDecider.evolve(undefined, houseConfirmed(3))).toThrow('assertion');
  });
});

describe('depositDecider: the deposit stream (issue 24)', () => {
  it("holds exactly the deposit stream's event types", () => {
    expect([...depositDecider.eventTypes]).toEqual([
      'DepositObserved',
      'DepositFlaggedForReview',
      'DepositAttributed',
      'DepositAttributionProposed',
      'DepositAttributionDecided',
      'DepositConfirmed',
      'HouseDepositConfirmed',
      'LargeTransferAlerted',
    ]);
    expect(depositDecider.initialState).toBeUndefined();
  });

  it('given a command or an event of no known type, then an assertion failure naming it', () => {
    const stray = { type: 'Stray' } as never;
    expect(() => depositDecider.decide(stray, undefined, facts)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
    expect(() => depositDecider.evolve(undefined, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
