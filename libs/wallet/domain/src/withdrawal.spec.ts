import { deciderSpecification } from '@custody/decider/testing';
import type { Custodian } from './custody-roster';
import { quorumStatus, type SigningPayload } from './signing-quorum';
import { NO_TRANSFER_THRESHOLDS } from './transfer-monitoring';
import type { WalletState } from './wallet';
import {
  ADDRESS_COOLING_OFF_MS_DEFAULT,
  allowListedAddress,
  decideAllowList,
  evolveAllowList,
  initialAllowListState,
  type AllowListCommand,
} from './allow-list';
import {
  chooseSourceWallet,
  signingProblem,
  type WithdrawalCommand,
  type WithdrawalEvent,
  type WithdrawalFacts,
  type WithdrawalProgressCommand,
  type WithdrawalProgressFacts,
  type WithdrawalState,
  withdrawalDecider,
  ownWithdrawalChecks,
} from './withdrawal';

const t0 = '2026-11-24T09:00:00.000Z';
const minutes = (n: number) => new Date(Date.parse(t0) + n * 60_000).toISOString();
const destination = '0x52908400098527886E0F7030069857D2E4169EE7';

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
  quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 30 * 60_000 },
  confirmationsRequired: 3,
  registeredAt: '2026-11-01T00:00:00.000Z',
};
const custodian = (custodianId: string, department: string, site: string): [string, Custodian] => [
  custodianId,
  { custodianId, name: custodianId, department, site },
];
const custodians = new Map([
  custodian('ann', 'treasury', 'HK-DC1'),
  custodian('ben', 'treasury', 'HK-DC1'),
  custodian('cat', 'risk', 'HK-DC2'),
  custodian('dan', 'treasury', 'HK-DC1'),
]);
const progress: WithdrawalProgressFacts = {
  wallet,
  quorum: { custodians, keyHolders: new Set(['ann', 'ben', 'cat', 'ops-1']) },
  destinationStillAllowed: true,
};
const requestFacts: WithdrawalFacts = {
  wallet,
  destinationAllowListedFor: ['alice'],
  destinationUsableFrom: '2026-11-01T00:00:00.000Z',
  policy: {
    allowed: true,
    quorumRequired: 2,
    reason: 'default: quorum',
    policyVersion: 'default-1',
  },
  thresholds: NO_TRANSFER_THRESHOLDS,
};
const request: Extract<WithdrawalCommand, { type: 'RequestWithdrawal' }> = {
  type: 'RequestWithdrawal',
  withdrawalId: 'W-1',
  requestId: 'R-1',
  clientId: 'alice',
  asset: 'ETH',
  amountMinor: 10n ** 18n,
  walletId: 'w-hot',
  destinationAddress: destination,
  destinationWalletId: null,
  requestedBy: 'ops-1',
  at: t0,
};
const payload = (payloadHash: string, overrides: Partial<SigningPayload> = {}): SigningPayload => ({
  asset: 'ETH',
  amountMinor: 10n ** 18n,
  destinationAddress: destination.toLowerCase(),
  maxNetworkFeeMinor: 21_000n * 10n ** 9n,
  feeAsset: 'ETH',
  payloadHash,
  unsignedTransaction: '0x02',
  ...overrides,
});
const HASH_A = `0x${'a'.repeat(64)}`;
const HASH_B = `0x${'b'.repeat(64)}`;

type Later = WithdrawalProgressCommand;
function run(state: WithdrawalState | undefined, command: Later, facts = progress) {
  const decision = withdrawalDecider.decide(command, state, facts);
  if (!decision.ok) return { state, decision };
  return { state: decision.events.reduce(withdrawalDecider.evolve, state), decision };
}

// events: the stream's past, as the commands of this spec record it
const requested: Extract<WithdrawalEvent, { type: 'WithdrawalRequested' }> = {
  type: 'WithdrawalRequested',
  data: {
    withdrawalId: 'W-1',
    requestId: 'R-1',
    clientId: 'alice',
    asset: 'ETH',
    amountMinor: 10n ** 18n,
    walletId: 'w-hot',
    destinationAddress: destination,
    destinationWalletId: null,
    requestedBy: 'ops-1',
    chain: 'ethereum',
    quorum: wallet.quorum,
    direction: null,
    policyVersion: 'default-1',
    at: t0,
  },
};
const prepared = (hash: string, at = t0, voidedApprovals = 0): WithdrawalEvent => ({
  type: 'SigningPayloadPrepared',
  data: { withdrawalId: 'W-1', payload: payload(hash), voidedApprovals, at },
});
const approvedBy = (custodianId: string, hash = HASH_A, at = minutes(1)): WithdrawalEvent => ({
  type: 'SigningApproved',
  data: { withdrawalId: 'W-1', custodianId, payloadHash: hash, at },
});
/** ann then cat approve payload A: the quorum of two is reached and the ledger asked to hold. */
const approvedByAnnAndCat: readonly WithdrawalEvent[] = [
  prepared(HASH_A),
  approvedBy('ann'),
  approvedBy('cat'),
  {
    type: 'SigningQuorumReached',
    data: { withdrawalId: 'W-1', payloadHash: HASH_A, custodians: ['ann', 'cat'], at: minutes(1) },
  },
  {
    type: 'WithdrawalApproved',
    data: {
      withdrawalId: 'W-1',
      requestId: 'R-1',
      clientId: 'alice',
      asset: 'ETH',
      amountMinor: 10n ** 18n,
      walletId: 'w-hot',
      destinationAddress: destination,
      chain: 'ethereum',
      destinationAllowListedForClientId: 'alice',
      approvedAt: minutes(1),
    },
  },
];
const holdConfirmed = (at = minutes(2)): WithdrawalEvent => ({
  type: 'WithdrawalHoldConfirmed',
  data: { withdrawalId: 'W-1', at },
});
/** Payload A signed by k-hot as transaction B, approved by ann and cat. */
const signedWithKey: readonly WithdrawalEvent[] = [
  {
    type: 'WithdrawalSigned',
    data: {
      withdrawalId: 'W-1',
      keyId: 'k-hot',
      payloadHash: HASH_A,
      approvedBy: ['ann', 'cat'],
      transactionHash: HASH_B,
      signedTransaction: '0x02f8',
      at: minutes(3),
    },
  },
  {
    type: 'KeyUsed',
    data: {
      keyId: 'k-hot',
      walletId: 'w-hot',
      purpose: 'withdrawal',
      reference: 'W-1',
      payloadHash: HASH_A,
      custodians: ['ann', 'cat'],
      requestedBy: 'ops-1',
      at: minutes(3),
    },
  },
];
const withdrawals = deciderSpecification(withdrawalDecider);
/** The withdrawal after its request (W-1 of alice, 1 ETH from w-hot) and then `events`. */
function given(...events: WithdrawalEvent[]): WithdrawalState {
  const { state } = withdrawals.given([requested, ...events]);
  if (state === undefined) throw new Error('no state');
  return state;
}
const prepare = (hash: string, at = t0): Later => ({
  type: 'PrepareSigningPayload',
  withdrawalId: 'W-1',
  payload: payload(hash),
  at,
});
const approve = (custodianId: string, hash = HASH_A, at = minutes(1)): Later => ({
  type: 'ApproveSigning',
  withdrawalId: 'W-1',
  custodianId,
  payloadHash: hash,
  at,
});
const held = { clientId: 'alice', asset: 'ETH', amountMinor: 10n ** 18n, walletId: 'w-hot' };
const hold = (at = minutes(2)): Later => ({
  type: 'RecordLedgerHold',
  withdrawalId: 'W-1',
  hold: held,
  at,
});
const refusal = (state: WithdrawalState, command: Later, facts = progress) => {
  const decision = withdrawalDecider.decide(command, state, facts);
  return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
};

describe('withdrawal request (HK-11h, TW-15)', () => {
  const refused = (overrides: Partial<typeof request>, facts: Partial<WithdrawalFacts> = {}) => {
    const decision = withdrawalDecider.decide({ ...request, ...overrides }, undefined, {
      ...requestFacts,
      ...facts,
    });
    return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
  };

  it("HK-11h given a destination on no client's proven allow-list, or on another client's, then WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED", () => {
    expect(refused({}, { destinationAllowListedFor: [] })).toEqual([
      'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
      'destinationAddress',
    ]);
    expect(refused({}, { destinationAllowListedFor: ['bob'] })).toEqual([
      'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
      'destinationAddress',
    ]);
    expect(refused({})).toBe('accepted');
  });

  it('HK-11h given a destination listed recently, when the withdrawal is asked for before its cooling-off ends, then WITHDRAWAL_DESTINATION_COOLING_OFF; at its end, accepted', () => {
    const usableFrom = request.at;
    const later = new Date(Date.parse(request.at) + 1).toISOString();
    expect(refused({}, { destinationUsableFrom: later })).toEqual([
      'WITHDRAWAL_DESTINATION_COOLING_OFF',
      'destinationAddress',
    ]);
    expect(refused({}, { destinationUsableFrom: usableFrom })).toBe('accepted');
  });

  it("HK-11h given the client is named as holding the destination but no cooling-off end is known for it (null: not on the client's allow-list), then WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED: facts that disagree never let a withdrawal through", () => {
    expect(
      refused({}, { destinationAllowListedFor: ['alice'], destinationUsableFrom: null }),
    ).toEqual(['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'destinationAddress']);
  });

  it('HK-11h given an address the client proved through its own channel, then a withdrawal to it one ms before its cooling-off ends is WITHDRAWAL_DESTINATION_COOLING_OFF, exactly at its end it is accepted', () => {
    const listing: AllowListCommand[] = [
      {
        type: 'IssueOwnershipChallenge',
        challenge: {
          challengeId: 'CH-1',
          clientId: 'alice',
          chain: 'ethereum',
          address: destination,
          method: 'signed-message',
          nonce: 'n-1',
          microPayment: null,
          expiresAt: minutes(15),
        },
        channel: 'client',
        reason: null,
        issuedBy: 'exchange',
        at: t0,
      },
      {
        type: 'ProveBySignature',
        challengeId: 'CH-1',
        signature: '0xsig',
        recoveredAddress: destination,
        at: minutes(5),
        submittedBy: 'exchange',
        channel: 'client',
        facts: { otherClients: [], ourWalletId: null },
        coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
      },
    ];
    const allowList = listing.reduce((state, command) => {
      const decision = decideAllowList(command, state, 'alice');
      return decision.ok ? decision.events.reduce(evolveAllowList, state) : state;
    }, initialAllowListState);
    const usableFrom = allowListedAddress(allowList, 'ethereum', destination)?.usableFrom ?? null;
    expect(usableFrom).toBe(
      new Date(Date.parse(minutes(5)) + ADDRESS_COOLING_OFF_MS_DEFAULT).toISOString(),
    );
    const askAt = (offsetMs: number) => ({
      ...request,
      at: new Date(Date.parse(usableFrom ?? '') + offsetMs).toISOString(),
    });
    const decide = (offsetMs: number) =>
      withdrawalDecider.decide(askAt(offsetMs), undefined, {
        ...requestFacts,
        destinationUsableFrom: usableFrom,
      });
    expect(decide(-1)).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_DESTINATION_COOLING_OFF', path: 'destinationAddress' },
    });
    expect(decide(0).ok).toBe(true);
  });

  it('given an unknown wallet, a house wallet, an asset the wallet lacks, a zero amount or a policy refusal, then each has its own code', () => {
    expect(refused({}, { wallet: undefined })).toEqual(['WALLET_UNKNOWN', 'walletId']);
    expect(
      refused(
        {},
        { wallet: { ...wallet, registration: { ...wallet.registration, ownerClass: 'house' } } },
      ),
    ).toEqual(['WITHDRAWAL_WALLET_NOT_CLIENT_SEGREGATED', 'walletId']);
    expect(refused({ asset: 'USDT' })).toEqual(['WITHDRAWAL_ASSET_NOT_IN_WALLET', 'asset']);
    expect(refused({ amountMinor: 0n })).toEqual(['WITHDRAWAL_AMOUNT_NOT_POSITIVE', 'amountMinor']);
    expect(refused({ amountMinor: -1n })).toEqual([
      'WITHDRAWAL_AMOUNT_NOT_POSITIVE',
      'amountMinor',
    ]);
    expect(refused({ amountMinor: 1n })).toBe('accepted');
    expect(
      refused(
        {},
        { wallet: { ...wallet, registration: { ...wallet.registration, tier: 'cold' } } },
      ),
    ).toEqual(['WITHDRAWAL_WALLET_NOT_HOT', 'walletId']); // TW-15.4: cold-to-hot first
    expect(
      refused({}, { policy: { ...requestFacts.policy, allowed: false, reason: 'daily limit' } }),
    ).toEqual(['WITHDRAWAL_REFUSED_BY_POLICY', '']);
  });

  it("issue 24 given the wallet's own checks (no policy answer yet), then they refuse exactly what decideRequestWithdrawal refuses before the policy, and pass, with the wallet, what only the policy could refuse", () => {
    const own = (overrides: Partial<typeof request>, facts: Partial<WithdrawalFacts> = {}) => {
      const checked = ownWithdrawalChecks(
        { ...request, ...overrides },
        { ...requestFacts, ...facts },
      );
      return checked.ok ? checked.wallet : [checked.error.code, checked.error.path];
    };
    const cold = { ...wallet, registration: { ...wallet.registration, tier: 'cold' as const } };
    const house = {
      ...wallet,
      registration: { ...wallet.registration, ownerClass: 'house' as const },
    };
    const cases: [Partial<typeof request>, Partial<WithdrawalFacts>][] = [
      [{}, { wallet: undefined }],
      [{}, { wallet: house }],
      [{}, { wallet: cold }],
      [{ asset: 'USDT' }, {}],
      [{ amountMinor: 0n }, {}],
      [{}, { destinationAllowListedFor: [] }],
      [{}, { destinationUsableFrom: null }],
      [{}, { destinationUsableFrom: minutes(1) }],
    ];
    for (const [overrides, facts] of cases) {
      const expected = refused(overrides, facts);
      expect(expected).not.toBe('accepted');
      expect(own(overrides, facts)).toEqual(expected);
    }
    expect(own({})).toBe(wallet);
    const policyRefuses = { policy: { ...requestFacts.policy, allowed: false, reason: 'limit' } };
    expect(refused({}, policyRefuses)).toEqual(['WITHDRAWAL_REFUSED_BY_POLICY', '']);
    expect(own({}, policyRefuses)).toBe(wallet);
    expect(() => ownWithdrawalChecks({ ...request, clientId: null }, requestFacts)).toThrow(
      /assertion/,
    );
  });

  it('given the same request again, then nothing new; the same id with another amount is WITHDRAWAL_ID_TAKEN', () => {
    const state = given();
    const again = withdrawalDecider.decide(request, state, requestFacts);
    expect(again).toEqual({ ok: true, events: [] });
    const other = withdrawalDecider.decide({ ...request, amountMinor: 2n }, state, requestFacts);
    expect(other.ok ? 'accepted' : [other.error.code, other.error.path]).toEqual([
      'WITHDRAWAL_ID_TAKEN',
      'withdrawalId',
    ]);
  });

  it('TW-15.3 given a per-asset threshold below the amount, then LargeTransferAlerted names the roles to notify; a tighter per-client threshold wins', () => {
    const thresholds = {
      perAssetMinor: new Map([['ETH', 5n * 10n ** 17n]]),
      perClientMinor: new Map([['alice', new Map([['ETH', 10n ** 17n]])]]),
      notifyRoles: ['compliance-officer', 'head-of-custody'],
    };
    const decision = withdrawalDecider.decide(request, undefined, { ...requestFacts, thresholds });
    const alert = decision.ok
      ? decision.events.find((event) => event.type === 'LargeTransferAlerted')
      : undefined;
    expect(alert?.data).toEqual({
      kind: 'withdrawal',
      movementId: 'W-1',
      clientId: 'alice',
      walletId: 'w-hot',
      asset: 'ETH',
      amountMinor: 10n ** 18n,
      thresholdMinor: 10n ** 17n,
      thresholdScope: 'client',
      notifyRoles: ['compliance-officer', 'head-of-custody'],
      at: t0,
    });
    const below = withdrawalDecider.decide(request, undefined, {
      ...requestFacts,
      thresholds: {
        ...thresholds,
        perAssetMinor: new Map([['ETH', 10n ** 18n]]),
        perClientMinor: new Map(),
      },
    });
    expect(below.ok && below.events.map((event) => event.type)).toEqual(['WithdrawalRequested']); // equal to the threshold is not above it
  });

  it("assertion: a client withdrawal names its client and no destination wallet; anything else is a caller's bug, not a refusal", () => {
    expect(() =>
      withdrawalDecider.decide({ ...request, clientId: null }, undefined, requestFacts),
    ).toThrow(/assertion/);
    expect(() =>
      withdrawalDecider.decide(
        { ...request, destinationWalletId: 'w-cold' },
        undefined,
        requestFacts,
      ),
    ).toThrow(/assertion/);
  });

  it("the quorum is the wallet's or the policy's for this amount, whichever is larger", () => {
    const decision = withdrawalDecider.decide(request, undefined, {
      ...requestFacts,
      policy: { ...requestFacts.policy, quorumRequired: 3 },
    });
    const state = (decision.ok ? decision.events : []).reduce(
      withdrawalDecider.evolve,
      undefined as WithdrawalState | undefined,
    );
    expect(state?.request.quorum.required).toBe(3);
  });
});

describe('quorum signing (HK-11d, HK-11e, TW-17.4)', () => {
  it('HK-11d / TW-16 given 2 distinct custodians approve the payload hash, then the quorum is reached once and WithdrawalApproved asks the ledger to hold', () => {
    const state = given(prepared(HASH_A), approvedBy('ann'));
    const { decision } = run(state, approve('cat'));
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
      'SigningApproved',
      'SigningQuorumReached',
      'WithdrawalApproved',
    ]);
    expect(decision.ok && decision.events[2]?.data).toMatchObject({
      withdrawalId: 'W-1',
      clientId: 'alice',
      amountMinor: 10n ** 18n,
      destinationAllowListedForClientId: 'alice',
      approvedAt: minutes(1),
    });
  });

  it('HK-11e given the requester approves their own withdrawal, then SIGNING_REQUESTER_CANNOT_APPROVE', () => {
    expect(refusal(given(prepared(HASH_A)), approve('ops-1'))).toEqual([
      'SIGNING_REQUESTER_CANNOT_APPROVE',
      'custodianId',
    ]);
  });

  it('HK-11e / TW-16 given a custodian approves twice, then SIGNING_CUSTODIAN_ALREADY_APPROVED and one custodian never makes a quorum alone', () => {
    const state = given(prepared(HASH_A), approvedBy('ann'));
    expect(refusal(state, approve('ann', HASH_A, minutes(2)))).toEqual([
      'SIGNING_CUSTODIAN_ALREADY_APPROVED',
      'custodianId',
    ]);
    // even an approval history with ann twice (after her first expired) counts her once
    const twice = given(
      prepared(HASH_A),
      approvedBy('ann'),
      approvedBy('ann', HASH_A, minutes(40)),
    );
    expect(twice.approvedAt).toBeUndefined();
    expect(
      quorumStatus(twice.approvals, HASH_A, twice.request.quorum, progress.quorum, minutes(41)),
    ).toMatchObject({ met: false, counted: ['ann'] });
  });

  it("HK-11c / TW-16 given an approver without access to the wallet's key, then SIGNING_CUSTODIAN_NOT_AUTHORISED", () => {
    expect(refusal(given(prepared(HASH_A)), approve('dan'))).toEqual([
      'SIGNING_CUSTODIAN_NOT_AUTHORISED',
      'custodianId',
    ]);
  });

  it('TW-17.4 given the payload changed after approvals, then an approval of the old hash is SIGNING_PAYLOAD_CHANGED and the earlier approvals no longer count', () => {
    const approvedOld = given(prepared(HASH_A), approvedBy('ann'));
    const { state: changed, decision } = run(approvedOld, prepare(HASH_B, minutes(2)));
    expect(decision.ok && decision.events[0]?.data).toMatchObject({ voidedApprovals: 1 });
    if (changed === undefined) throw new Error('no state');
    expect(refusal(changed, approve('cat', HASH_A, minutes(3)))).toEqual([
      'SIGNING_PAYLOAD_CHANGED',
      'payloadHash',
    ]);
    // cat approves the new hash: ann's approval of the old one does not make it two
    const { decision: afterCat } = run(changed, approve('cat', HASH_B, minutes(3)));
    expect(afterCat.ok && afterCat.events.map((event) => event.type)).toEqual(['SigningApproved']);
  });

  it('TW-17.4 given a payload whose decoded content differs from the request, then SIGNING_PAYLOAD_MISMATCH names the field', () => {
    const state = given();
    expect(
      refusal(state, {
        type: 'PrepareSigningPayload',
        withdrawalId: 'W-1',
        payload: payload(HASH_A, { amountMinor: 2n * 10n ** 18n }),
        at: t0,
      }),
    ).toEqual(['SIGNING_PAYLOAD_MISMATCH', 'payload.amountMinor']);
    expect(
      refusal(state, {
        type: 'PrepareSigningPayload',
        withdrawalId: 'W-1',
        payload: payload(HASH_A, {
          destinationAddress: '0x00000000000000000000000000000000000000bb',
        }),
        at: t0,
      }),
    ).toEqual(['SIGNING_PAYLOAD_MISMATCH', 'payload.destinationAddress']);
    expect(
      refusal(state, {
        type: 'PrepareSigningPayload',
        withdrawalId: 'W-1',
        payload: payload(HASH_A, { asset: 'USDT' }),
        at: t0,
      }),
    ).toEqual(['SIGNING_PAYLOAD_MISMATCH', 'payload.asset']);
    expect(refusal(state, prepare(HASH_A))).toBe('accepted'); // the destination's checksum casing is presentation
  });

  it('HK-11d given approvals older than the approval time-to-live at signing, then SIGNING_QUORUM_NOT_MET says they expired and the HSM is not asked', () => {
    const state = given(...approvedByAnnAndCat, holdConfirmed());
    expect(signingProblem(state, progress, minutes(30))).toBeUndefined(); // 29 minutes after the approvals
    const late = signingProblem(state, progress, minutes(31)); // 30 minutes after: expired
    expect(late?.code).toBe('SIGNING_QUORUM_NOT_MET');
    expect(late?.reason).toMatch(/expired/);
    expect(
      refusal(state, {
        type: 'RecordSignature',
        withdrawalId: 'W-1',
        keyId: 'k-hot',
        payloadHash: HASH_A,
        transactionHash: HASH_B,
        signedTransaction: '0x02',
        at: minutes(31),
      }),
    ).toEqual(['SIGNING_QUORUM_NOT_MET', 'approvals']);
  });

  it('HK-11e given the policy asks for two departments or sites, then two approvers of one department at one site do not make the quorum, one from elsewhere does', () => {
    const spanning: WithdrawalProgressFacts = {
      ...progress,
      wallet: { ...wallet, quorum: { ...wallet.quorum, spanDepartmentsOrSites: true } },
    };
    const history: WithdrawalEvent[] = [
      { ...requested, data: { ...requested.data, quorum: spanning.wallet.quorum } },
      prepared(HASH_A),
      approvedBy('ann'),
    ];
    // ann and ben: treasury, HK-DC1 both; no quorum reached
    withdrawals
      .given(history)
      .when(approve('ben'), spanning)
      .thenEmits([approvedBy('ben')]);
    const { decision } = withdrawals
      .given([...history, approvedBy('ben')])
      .when(approve('cat'), spanning);
    expect(decision.ok && decision.events.map((event) => event.type)).toContain(
      'WithdrawalApproved',
    );
  });

  it('HK-11e given a wallet that requires distinct departments, when a withdrawal is requested from it, then the request records that span; K1 (Ops, HK1) and K4 (Ops, HK2) do not make its quorum, K2 (Risk, HK1) does', () => {
    const departments = {
      ...wallet,
      quorum: { ...wallet.quorum, spanDepartmentsOrSites: true, span: 'departments' as const },
    };
    const decision = withdrawalDecider.decide(request, undefined, {
      ...requestFacts,
      wallet: departments,
    });
    const [recorded] = decision.ok ? decision.events : [];
    expect(recorded).toEqual({
      ...requested,
      data: { ...requested.data, quorum: departments.quorum },
    });
    const facts: WithdrawalProgressFacts = {
      ...progress,
      wallet: departments,
      quorum: {
        custodians: new Map([
          custodian('K1', 'Ops', 'HK1'),
          custodian('K2', 'Risk', 'HK1'),
          custodian('K4', 'Ops', 'HK2'),
        ]),
        keyHolders: new Set(['K1', 'K2', 'K4']),
      },
    };
    const history: WithdrawalEvent[] = [
      ...(recorded === undefined ? [] : [recorded]),
      prepared(HASH_A),
      approvedBy('K1'),
    ];
    withdrawals
      .given(history)
      .when(approve('K4'), facts)
      .thenEmits([approvedBy('K4')]);
    const { decision: third } = withdrawals
      .given([...history, approvedBy('K4')])
      .when(approve('K2'), facts);
    expect(third.ok && third.events.map((event) => event.type)).toEqual([
      'SigningApproved',
      'SigningQuorumReached',
      'WithdrawalApproved',
    ]);
    // the same two under the span recorded before the choice existed (either): K1 and K4 suffice
    const either = { ...facts, wallet };
    const { decision: second } = withdrawals
      .given([
        {
          ...requested,
          data: { ...requested.data, quorum: { ...wallet.quorum, spanDepartmentsOrSites: true } },
        },
        prepared(HASH_A),
        approvedBy('K1'),
      ])
      .when(approve('K4'), either);
    expect(second.ok && second.events.map((event) => event.type)).toEqual([
      'SigningApproved',
      'SigningQuorumReached',
      'WithdrawalApproved',
    ]);
  });

  it('given no ledger hold yet, then WITHDRAWAL_NOT_HELD: nothing is signed before the ledger holds the amount', () => {
    const state = given(...approvedByAnnAndCat);
    expect(signingProblem(state, progress, minutes(2))?.code).toBe('WITHDRAWAL_NOT_HELD');
    expect(
      refusal(state, {
        type: 'StartSigning',
        withdrawalId: 'W-1',
        payloadHash: HASH_A,
        at: minutes(2),
      }),
    ).toEqual(['WITHDRAWAL_NOT_HELD', 'withdrawalId']); // no access to the key is even recorded
  });

  it('given a ledger hold for another client, asset, amount or wallet than the withdrawal, then WITHDRAWAL_HOLD_MISMATCH: a hold elsewhere lets nothing here be signed', () => {
    const approved = given(...approvedByAnnAndCat);
    expect(
      refusal(approved, {
        type: 'RecordLedgerHold',
        withdrawalId: 'W-1',
        hold: { ...held, amountMinor: 1n },
        at: minutes(2),
      }),
    ).toEqual(['WITHDRAWAL_HOLD_MISMATCH', 'hold.amountMinor']);
    expect(
      refusal(approved, {
        type: 'RecordLedgerHold',
        withdrawalId: 'W-1',
        hold: { ...held, clientId: 'bob' },
        at: minutes(2),
      }),
    ).toEqual(['WITHDRAWAL_HOLD_MISMATCH', 'hold.clientId']);
    expect(
      refusal(approved, {
        type: 'RecordLedgerHold',
        withdrawalId: 'W-1',
        hold: { ...held, asset: 'USDT' },
        at: minutes(2),
      }),
    ).toEqual(['WITHDRAWAL_HOLD_MISMATCH', 'hold.asset']);
    expect(
      refusal(approved, {
        type: 'RecordLedgerHold',
        withdrawalId: 'W-1',
        hold: { ...held, walletId: 'w-other' },
        at: minutes(2),
      }),
    ).toEqual(['WITHDRAWAL_HOLD_MISMATCH', 'hold.walletId']);
    expect(withdrawalDecider.decide(hold(), approved, progress)).toEqual({
      ok: true,
      events: [{ type: 'WithdrawalHoldConfirmed', data: { withdrawalId: 'W-1', at: minutes(2) } }],
    });
  });

  it('HK-11h given the destination was removed from the allow-list after the request, then it is neither approved nor signed', () => {
    const removed = { ...progress, destinationStillAllowed: false };
    expect(refusal(given(prepared(HASH_A)), approve('ann'), removed)).toEqual([
      'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
      'withdrawalId',
    ]);
    const approvedAndHeld = given(...approvedByAnnAndCat, holdConfirmed());
    expect(signingProblem(approvedAndHeld, removed, minutes(3))?.code).toBe(
      'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
    );
    expect(
      refusal(
        approvedAndHeld,
        { type: 'StartSigning', withdrawalId: 'W-1', payloadHash: HASH_A, at: minutes(3) },
        removed,
      ),
    ).toEqual(['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'withdrawalId']);
    expect(
      refusal(approvedAndHeld, {
        type: 'StartSigning',
        withdrawalId: 'W-1',
        payloadHash: HASH_A,
        at: minutes(3),
      }),
    ).toBe('accepted'); // still listed: the same withdrawal may be signed
  });

  it('TW-17.4 given the payload changed between the check and the signing, then StartSigning names the old hash and is refused: the HSM never signs a hash not on record', () => {
    const state = given(...approvedByAnnAndCat, holdConfirmed());
    expect(
      refusal(state, {
        type: 'StartSigning',
        withdrawalId: 'W-1',
        payloadHash: HASH_B,
        at: minutes(3),
      }),
    ).toEqual(['SIGNING_PAYLOAD_CHANGED', 'payloadHash']);
  });

  it('HK-11a given the wallet key is past its rotation date, then KEY_ROTATION_OVERDUE even with a full quorum', () => {
    const overdue: WithdrawalProgressFacts = {
      ...progress,
      wallet: {
        ...wallet,
        registration: {
          ...wallet.registration,
          key: { ...wallet.registration.key, rotationDueAt: minutes(3) },
        },
      },
    };
    const state = given(...approvedByAnnAndCat, holdConfirmed());
    expect(signingProblem(state, overdue, minutes(3))?.code).toBe('KEY_ROTATION_OVERDUE');
  });

  it('HK-11c / TW-16 given the signing may start, then KeySigningStarted names the key, the payload hash and the approvers before the HSM is asked', () => {
    const state = given(...approvedByAnnAndCat, holdConfirmed());
    const decision = withdrawalDecider.decide(
      { type: 'StartSigning', withdrawalId: 'W-1', payloadHash: HASH_A, at: minutes(3) },
      state,
      progress,
    );
    expect(decision.ok && decision.events).toEqual([
      {
        type: 'KeySigningStarted',
        data: {
          withdrawalId: 'W-1',
          keyId: 'k-hot',
          walletId: 'w-hot',
          payloadHash: HASH_A,
          custodians: ['ann', 'cat'],
          at: minutes(3),
        },
      },
    ]);
  });

  it('HK-11c / TW-16 given a signature is recorded, then WithdrawalSigned and KeyUsed name the key, the payload hash, the approvers and the requester', () => {
    const state = given(...approvedByAnnAndCat, holdConfirmed());
    const { decision } = run(state, {
      type: 'RecordSignature',
      withdrawalId: 'W-1',
      keyId: 'k-hot',
      payloadHash: HASH_A,
      transactionHash: HASH_B,
      signedTransaction: '0x02f8',
      at: minutes(3),
    });
    expect(decision.ok && decision.events[1]).toEqual({
      type: 'KeyUsed',
      data: {
        keyId: 'k-hot',
        walletId: 'w-hot',
        purpose: 'withdrawal',
        reference: 'W-1',
        payloadHash: HASH_A,
        custodians: ['ann', 'cat'],
        requestedBy: 'ops-1',
        at: minutes(3),
      },
    });
  });
});

describe('withdrawal on chain', () => {
  const signed = () => given(...approvedByAnnAndCat, holdConfirmed(), ...signedWithKey);
  const broadcast = () =>
    given(...approvedByAnnAndCat, holdConfirmed(), ...signedWithKey, {
      type: 'WithdrawalBroadcast',
      data: { withdrawalId: 'W-1', transactionHash: HASH_B, at: minutes(4) },
    });
  const outcome = (status: 'success' | 'reverted', confirmations: number): Later => ({
    type: 'RecordChainOutcome',
    withdrawalId: 'W-1',
    outcome: { status, confirmations, feeAsset: 'ETH', feeMinor: 21_000n },
    at: minutes(5),
  });

  it('given fewer confirmations than the wallet asks, then nothing; with enough, WithdrawalConfirmed with the network fee in the same asset', () => {
    expect(withdrawalDecider.decide(outcome('success', 2), broadcast(), progress)).toEqual({
      ok: true,
      events: [],
    });
    const decision = withdrawalDecider.decide(outcome('success', 3), broadcast(), progress);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
      'WithdrawalConfirmed',
    ]); // the fee in ETH rides on it
    expect(decision.ok && decision.events[0]?.data).toMatchObject({
      networkFeeMinor: 21_000n,
      transactionHash: HASH_B,
      confirmedAt: minutes(5),
    });
  });

  it('given the transaction reverted, then WithdrawalFailed (the ledger releases the hold) and the burnt gas is recorded', () => {
    const decision = withdrawalDecider.decide(outcome('reverted', 3), broadcast(), progress);
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'NetworkFeePaid',
          data: {
            walletId: 'w-hot',
            reference: 'W-1',
            transactionHash: HASH_B,
            feeAsset: 'ETH',
            feeMinor: 21_000n,
            at: minutes(5),
          },
        },
        {
          type: 'WithdrawalFailed',
          data: {
            withdrawalId: 'W-1',
            clientId: 'alice',
            reason: 'reverted',
            failedAt: minutes(5),
          },
        },
      ],
    });
  });

  it('given the confirmed withdrawal, then WithdrawalConfirmed v1 carries exactly the client, asset, amount, same-asset fee, wallet, chain and transaction', () => {
    expect(withdrawalDecider.decide(outcome('success', 3), broadcast(), progress)).toEqual({
      ok: true,
      events: [
        {
          type: 'WithdrawalConfirmed',
          data: {
            withdrawalId: 'W-1',
            clientId: 'alice',
            asset: 'ETH',
            amountMinor: 10n ** 18n,
            networkFeeMinor: 21_000n,
            walletId: 'w-hot',
            chain: 'ethereum',
            transactionHash: HASH_B,
            confirmedAt: minutes(5),
          },
        },
      ],
    });
  });

  it('given a token withdrawal whose fee the network charged in another asset, then NetworkFeePaid for the fee and WithdrawalConfirmed with no fee: nothing is booked twice', () => {
    const tokenWallet: WalletState = {
      ...wallet,
      registration: { ...wallet.registration, assets: ['ETH', 'USDT'] },
    };
    const facts = { ...progress, wallet: tokenWallet };
    const usdt = { asset: 'USDT', amountMinor: 5_000_000n };
    const { state } = withdrawals.given([
      { ...requested, data: { ...requested.data, ...usdt } },
      ...approvedByAnnAndCat.map((event): WithdrawalEvent => {
        if (event.type === 'SigningPayloadPrepared')
          return {
            ...event,
            data: { ...event.data, payload: payload(HASH_A, usdt) },
          };
        if (event.type === 'WithdrawalApproved')
          return { ...event, data: { ...event.data, ...usdt } };
        return event;
      }),
      holdConfirmed(),
      ...signedWithKey,
      {
        type: 'WithdrawalBroadcast',
        data: { withdrawalId: 'W-1', transactionHash: HASH_B, at: minutes(4) },
      },
    ]);
    const decision = withdrawalDecider.decide(outcome('success', 3), state, facts);
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'NetworkFeePaid',
          data: {
            walletId: 'w-hot',
            reference: 'W-1',
            transactionHash: HASH_B,
            feeAsset: 'ETH',
            feeMinor: 21_000n,
            at: minutes(5),
          },
        },
        {
          type: 'WithdrawalConfirmed',
          data: {
            withdrawalId: 'W-1',
            clientId: 'alice',
            asset: 'USDT',
            amountMinor: 5_000_000n,
            networkFeeMinor: 0n,
            walletId: 'w-hot',
            chain: 'ethereum',
            transactionHash: HASH_B,
            confirmedAt: minutes(5),
          },
        },
      ],
    });
  });

  it('given a confirmed or failed withdrawal, then a later outcome or drop report changes nothing (the chain watcher repeats itself)', () => {
    const confirmed = run(broadcast(), outcome('success', 3)).state as WithdrawalState;
    const reverted = run(broadcast(), outcome('reverted', 3)).state as WithdrawalState;
    expect([confirmed.status, reverted.status]).toEqual(['confirmed', 'failed']);
    const dropped: Later = {
      type: 'RecordTransactionDropped',
      withdrawalId: 'W-1',
      transactionHash: HASH_B,
      at: minutes(6),
    };
    for (const final of [confirmed, reverted]) {
      expect(withdrawalDecider.decide(outcome('success', 4), final, progress)).toEqual({
        ok: true,
        events: [],
      });
      expect(withdrawalDecider.decide(dropped, final, progress)).toEqual({ ok: true, events: [] });
    }
  });

  it('given a broadcast transaction that will never be mined, then WithdrawalFailed broadcast-failed (the ledger releases the hold), no fee; only for the transaction on record', () => {
    const decision = withdrawalDecider.decide(
      {
        type: 'RecordTransactionDropped',
        withdrawalId: 'W-1',
        transactionHash: HASH_B,
        at: minutes(6),
      },
      broadcast(),
      progress,
    );
    expect(decision.ok && decision.events).toEqual([
      {
        type: 'WithdrawalFailed',
        data: {
          withdrawalId: 'W-1',
          clientId: 'alice',
          reason: 'broadcast-failed',
          failedAt: minutes(6),
        },
      },
    ]);
    expect(
      refusal(broadcast(), {
        type: 'RecordTransactionDropped',
        withdrawalId: 'W-1',
        transactionHash: HASH_A,
        at: minutes(6),
      }),
    ).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
  });

  it('given a signed withdrawal, then it cannot be cancelled; before signing it can, with a reason', () => {
    const cancel: Later = {
      type: 'CancelWithdrawal',
      withdrawalId: 'W-1',
      cancelledBy: 'ops-2',
      reason: 'client asked',
      at: minutes(4),
    };
    expect(refusal(signed(), cancel)).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
    const decision = withdrawalDecider.decide(cancel, given(prepared(HASH_A)), progress);
    expect(
      decision.ok &&
        decision.events.map((event) => [event.type, (event.data as { reason?: string }).reason]),
    ).toEqual([
      ['WithdrawalCancelled', 'client asked'],
      ['WithdrawalFailed', 'rejected'],
    ]); // never approved: never held
    const approved = withdrawalDecider.decide(cancel, given(...approvedByAnnAndCat), progress);
    expect(approved.ok && approved.events[1]?.data).toMatchObject({ reason: 'cancelled' }); // approved: the ledger releases its hold
  });
});

describe('when the withdrawal is asked about before or after its turn', () => {
  const signature = (transactionHash = HASH_B, payloadHash = HASH_A, at = minutes(3)): Later => ({
    type: 'RecordSignature',
    withdrawalId: 'W-1',
    keyId: 'k-hot',
    payloadHash,
    transactionHash,
    signedTransaction: '0x02f8',
    at,
  });
  const startSigning = (payloadHash = HASH_A, at = minutes(3)): Later => ({
    type: 'StartSigning',
    withdrawalId: 'W-1',
    payloadHash,
    at,
  });
  const broadcastOf = (transactionHash = HASH_B, at = minutes(4)): Later => ({
    type: 'RecordBroadcast',
    withdrawalId: 'W-1',
    transactionHash,
    at,
  });
  const signed = () => given(...approvedByAnnAndCat, holdConfirmed(), ...signedWithKey);

  it('given no withdrawal of that id, then WITHDRAWAL_UNKNOWN', () => {
    expect(withdrawalDecider.decide(prepare(HASH_A), undefined, progress)).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_UNKNOWN', path: 'withdrawalId' },
    });
  });

  it('TW-17.4 given the same payload prepared again, then nothing new; a new payload voids only the approvals of the one it replaces', () => {
    const first = withdrawalDecider.decide(prepare(HASH_A), given(), progress);
    expect(first).toEqual({
      ok: true,
      events: [
        {
          type: 'SigningPayloadPrepared',
          data: { withdrawalId: 'W-1', payload: payload(HASH_A), voidedApprovals: 0, at: t0 },
        },
      ],
    });
    expect(
      withdrawalDecider.decide(
        prepare(HASH_A, minutes(1)),
        given(prepared(HASH_A), approvedBy('ann')),
        progress,
      ),
    ).toEqual({ ok: true, events: [] });
    // ann approved A, cat approved B: replacing B voids cat's approval only (ann's was voided when B came)
    const twice = given(
      prepared(HASH_A),
      approvedBy('ann'),
      prepared(HASH_B, minutes(2), 1),
      approvedBy('cat', HASH_B, minutes(3)),
    );
    const third = withdrawalDecider.decide(
      prepare(`0x${'c'.repeat(64)}`, minutes(4)),
      twice,
      progress,
    );
    expect(third.ok && third.events[0]?.data).toMatchObject({ voidedApprovals: 1 });
  });

  it('TW-17.4 given a signed withdrawal, then its payload is fixed: another one is WITHDRAWAL_STATE_INVALID', () => {
    expect(refusal(signed(), prepare(HASH_B, minutes(4)))).toEqual([
      'WITHDRAWAL_STATE_INVALID',
      'withdrawalId',
    ]);
  });

  it('given no payload yet, or a withdrawal already signed, then an approval is SIGNING_NOT_AWAITING_APPROVAL', () => {
    expect(refusal(given(), approve('ann'))).toEqual([
      'SIGNING_NOT_AWAITING_APPROVAL',
      'withdrawalId',
    ]);
    expect(refusal(signed(), approve('ben', HASH_A, minutes(4)))).toEqual([
      'SIGNING_NOT_AWAITING_APPROVAL',
      'withdrawalId',
    ]);
  });

  it('HK-11d given the quorum is reached again over a new payload after the withdrawal was approved, then SigningQuorumReached but no second WithdrawalApproved: the ledger holds once', () => {
    const reapproving = given(
      ...approvedByAnnAndCat,
      holdConfirmed(),
      prepared(HASH_B, minutes(3), 2),
      approvedBy('ann', HASH_B, minutes(4)),
    );
    const decision = withdrawalDecider.decide(
      approve('cat', HASH_B, minutes(5)),
      reapproving,
      progress,
    );
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'SigningApproved',
          data: { withdrawalId: 'W-1', custodianId: 'cat', payloadHash: HASH_B, at: minutes(5) },
        },
        {
          type: 'SigningQuorumReached',
          data: {
            withdrawalId: 'W-1',
            payloadHash: HASH_B,
            custodians: ['ann', 'cat'],
            at: minutes(5),
          },
        },
      ],
    });
  });

  it('given the hold recorded again, then nothing new; a hold before the quorum approved the withdrawal is WITHDRAWAL_STATE_INVALID', () => {
    const heldState = given(...approvedByAnnAndCat, holdConfirmed());
    expect(withdrawalDecider.decide(hold(minutes(3)), heldState, progress)).toEqual({
      ok: true,
      events: [],
    });
    expect(refusal(given(prepared(HASH_A), approvedBy('ann')), hold())).toEqual([
      'WITHDRAWAL_STATE_INVALID',
      'withdrawalId',
    ]);
  });

  it('HK-11c given no payload awaiting approval (none yet, or already signed), then StartSigning is WITHDRAWAL_STATE_INVALID and signingProblem says so', () => {
    expect(refusal(given(), startSigning())).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
    expect(refusal(signed(), startSigning(HASH_A, minutes(4)))).toEqual([
      'WITHDRAWAL_STATE_INVALID',
      'withdrawalId',
    ]);
    expect(signingProblem(signed(), progress, minutes(4))?.code).toBe('WITHDRAWAL_STATE_INVALID');
  });

  it('HK-11c given a signature recorded again, then nothing new; another transaction for a signed withdrawal is WITHDRAWAL_STATE_INVALID', () => {
    expect(
      withdrawalDecider.decide(signature(HASH_B, HASH_A, minutes(4)), signed(), progress),
    ).toEqual({
      ok: true,
      events: [],
    });
    expect(refusal(signed(), signature(`0x${'d'.repeat(64)}`))).toEqual([
      'WITHDRAWAL_STATE_INVALID',
      'transactionHash',
    ]);
  });

  it('TW-17.4 given a signature over another payload hash than the approved one, then SIGNING_PAYLOAD_CHANGED and nothing is recorded as signed', () => {
    const ready = given(...approvedByAnnAndCat, holdConfirmed());
    expect(refusal(ready, signature(HASH_B, HASH_B))).toEqual([
      'SIGNING_PAYLOAD_CHANGED',
      'payloadHash',
    ]);
    const decision = withdrawalDecider.decide(signature(), ready, progress);
    expect(decision.ok && decision.events[0]).toEqual({
      type: 'WithdrawalSigned',
      data: {
        withdrawalId: 'W-1',
        keyId: 'k-hot',
        payloadHash: HASH_A,
        approvedBy: ['ann', 'cat'],
        transactionHash: HASH_B,
        signedTransaction: '0x02f8',
        at: minutes(3),
      },
    });
  });

  it('given a broadcast, then WithdrawalBroadcast; again, nothing new; before signing, or of another transaction, WITHDRAWAL_STATE_INVALID', () => {
    expect(withdrawalDecider.decide(broadcastOf(), signed(), progress)).toEqual({
      ok: true,
      events: [
        {
          type: 'WithdrawalBroadcast',
          data: { withdrawalId: 'W-1', transactionHash: HASH_B, at: minutes(4) },
        },
      ],
    });
    const sent = given(...approvedByAnnAndCat, holdConfirmed(), ...signedWithKey, {
      type: 'WithdrawalBroadcast',
      data: { withdrawalId: 'W-1', transactionHash: HASH_B, at: minutes(4) },
    });
    expect(sent.status).toBe('broadcast');
    expect(withdrawalDecider.decide(broadcastOf(HASH_B, minutes(5)), sent, progress)).toEqual({
      ok: true,
      events: [],
    });
    expect(refusal(given(prepared(HASH_A)), broadcastOf())).toEqual([
      'WITHDRAWAL_STATE_INVALID',
      'withdrawalId',
    ]);
    expect(refusal(signed(), broadcastOf(HASH_A))).toEqual([
      'WITHDRAWAL_STATE_INVALID',
      'transactionHash',
    ]);
  });

  it('given a chain outcome or a dropped transaction before the broadcast, then WITHDRAWAL_STATE_INVALID: nothing is on chain yet', () => {
    const outcome: Later = {
      type: 'RecordChainOutcome',
      withdrawalId: 'W-1',
      outcome: { status: 'success', confirmations: 3, feeAsset: 'ETH', feeMinor: 21_000n },
      at: minutes(5),
    };
    expect(refusal(signed(), outcome)).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
    expect(
      refusal(signed(), {
        type: 'RecordTransactionDropped',
        withdrawalId: 'W-1',
        transactionHash: HASH_B,
        at: minutes(5),
      }),
    ).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
  });

  it('given a cancellation without a reason (empty or blank), then REASON_REQUIRED; before any payload it is a rejection (never held); cancelled again, nothing new', () => {
    const cancel = (reason: string): Later => ({
      type: 'CancelWithdrawal',
      withdrawalId: 'W-1',
      cancelledBy: 'ops-2',
      reason,
      at: minutes(1),
    });
    expect(refusal(given(), cancel(''))).toEqual(['REASON_REQUIRED', 'reason']);
    expect(refusal(given(), cancel('  '))).toEqual(['REASON_REQUIRED', 'reason']);
    expect(withdrawalDecider.decide(cancel('duplicate'), given(), progress)).toEqual({
      ok: true,
      events: [
        {
          type: 'WithdrawalCancelled',
          data: { withdrawalId: 'W-1', cancelledBy: 'ops-2', reason: 'duplicate', at: minutes(1) },
        },
        {
          type: 'WithdrawalFailed',
          data: {
            withdrawalId: 'W-1',
            clientId: 'alice',
            reason: 'rejected',
            failedAt: minutes(1),
          },
        },
      ],
    });
    const cancelled = given(
      {
        type: 'WithdrawalCancelled',
        data: { withdrawalId: 'W-1', cancelledBy: 'ops-2', reason: 'duplicate', at: minutes(1) },
      },
      {
        type: 'WithdrawalFailed',
        data: { withdrawalId: 'W-1', clientId: 'alice', reason: 'rejected', failedAt: minutes(1) },
      },
    );
    expect(cancelled.status).toBe('failed');
    expect(withdrawalDecider.decide(cancel('duplicate'), cancelled, progress)).toEqual({
      ok: true,
      events: [],
    });
  });
});

describe('withdrawal history (evolve)', () => {
  it('given WithdrawalRequested, then the withdrawal awaits its payload with nothing approved, held or signed', () => {
    expect(given()).toEqual({
      request: {
        withdrawalId: 'W-1',
        requestId: 'R-1',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: 10n ** 18n,
        walletId: 'w-hot',
        destinationAddress: destination,
        destinationWalletId: null,
        requestedBy: 'ops-1',
        chain: 'ethereum',
        quorum: wallet.quorum,
        direction: null,
        requestedAt: t0,
      },
      status: 'awaiting-payload',
      payload: undefined,
      approvals: [],
      approvedAt: undefined,
      held: false,
      transactionHash: undefined,
      signedTransaction: undefined,
    });
  });

  it('assertion: an event of a withdrawal never requested is a bug in the stream', () => {
    expect(() =>
      withdrawalDecider.evolve(undefined, {
        type: 'WithdrawalBroadcast',
        data: { withdrawalId: 'W-1', transactionHash: HASH_B, at: t0 },
      }),
    ).toThrow(/assertion/);
  });

  it('given records that change nothing decided (key use, fees, alerts, the contract events), then the state is the same', () => {
    const state = given(prepared(HASH_A));
    const unchanged = [
      {
        type: 'KeySigningStarted',
        data: {
          withdrawalId: 'W-1',
          keyId: 'k-hot',
          walletId: 'w-hot',
          payloadHash: HASH_A,
          custodians: ['ann'],
          at: t0,
        },
      },
      {
        type: 'KeyUsed',
        data: {
          keyId: 'k-hot',
          walletId: 'w-hot',
          purpose: 'withdrawal',
          reference: 'W-1',
          payloadHash: HASH_A,
          custodians: ['ann'],
          requestedBy: 'ops-1',
          at: t0,
        },
      },
      {
        type: 'NetworkFeePaid',
        data: {
          walletId: 'w-hot',
          reference: 'W-1',
          transactionHash: HASH_B,
          feeAsset: 'ETH',
          feeMinor: 1n,
          at: t0,
        },
      },
      {
        type: 'WithdrawalCancelled',
        data: { withdrawalId: 'W-1', cancelledBy: 'ops-2', reason: 'r', at: t0 },
      },
      {
        type: 'LargeTransferAlerted',
        data: {
          kind: 'withdrawal',
          movementId: 'W-1',
          clientId: 'alice',
          walletId: 'w-hot',
          asset: 'ETH',
          amountMinor: 1n,
          thresholdMinor: 0n,
          thresholdScope: 'asset',
          notifyRoles: [],
          at: t0,
        },
      },
    ] as const;
    for (const event of unchanged) expect(withdrawalDecider.evolve(state, event)).toBe(state);
  });

  it('given a confirmation or a failure, of a client withdrawal or an internal transfer, then the movement is final', () => {
    const state = given(prepared(HASH_A));
    const confirmedAt = minutes(9);
    expect(
      withdrawalDecider.evolve(state, {
        type: 'WithdrawalConfirmed',
        data: {
          withdrawalId: 'W-1',
          clientId: 'alice',
          asset: 'ETH',
          amountMinor: 1n,
          networkFeeMinor: 0n,
          walletId: 'w-hot',
          chain: 'ethereum',
          transactionHash: HASH_B,
          confirmedAt,
        },
      })?.status,
    ).toBe('confirmed');
    expect(
      withdrawalDecider.evolve(state, {
        type: 'InternalTransferConfirmed',
        data: {
          withdrawalId: 'W-1',
          sourceWalletId: 'w-hot',
          destinationWalletId: 'w-cold',
          asset: 'ETH',
          amountMinor: 1n,
          transactionHash: HASH_B,
          confirmedAt,
        },
      })?.status,
    ).toBe('confirmed');
    expect(
      withdrawalDecider.evolve(state, {
        type: 'WithdrawalFailed',
        data: { withdrawalId: 'W-1', clientId: 'alice', reason: 'reverted', failedAt: confirmedAt },
      })?.status,
    ).toBe('failed');
    expect(
      withdrawalDecider.evolve(state, {
        type: 'InternalTransferFailed',
        data: { withdrawalId: 'W-1', reason: 'reverted', failedAt: confirmedAt },
      })?.status,
    ).toBe('failed');
  });
});

describe('source wallet of an exchange withdrawal (TW-15.4)', () => {
  const hot = (
    walletId: string,
    overrides: Partial<WalletState['registration']> = {},
  ): WalletState => ({
    ...wallet,
    registration: { ...wallet.registration, walletId, ...overrides },
  });
  it('TW-15.4 given hot and cold client wallets, then the fullest hot client-segregated wallet on the chain with enough balance pays; cold or house never', () => {
    const candidates = [
      { wallet: hot('w-cold', { tier: 'cold' }), balanceMinor: 100n },
      { wallet: hot('w-house', { ownerClass: 'house' }), balanceMinor: 100n },
      { wallet: hot('w-hot-b'), balanceMinor: 9n },
      { wallet: hot('w-hot-c'), balanceMinor: 20n },
      { wallet: hot('w-hot-a'), balanceMinor: 20n },
    ];
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 10n)?.registration.walletId).toBe(
      'w-hot-a',
    );
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 21n)).toBeUndefined();
    expect(chooseSourceWallet(candidates, 'ethereum', 'USDT', 1n)).toBeUndefined();
  });

  it("TW-15.4 given wallets with different balances, then the fullest pays whatever its id; a balance exactly the amount is enough; another chain's wallet never", () => {
    const candidates = [
      { wallet: hot('w-hot-a'), balanceMinor: 20n },
      { wallet: hot('w-hot-z'), balanceMinor: 30n },
      { wallet: hot('w-hot-b'), balanceMinor: 25n },
      { wallet: hot('w-tron', { chain: 'tron' }), balanceMinor: 1_000n },
    ];
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 10n)?.registration.walletId).toBe(
      'w-hot-z',
    );
    expect(
      chooseSourceWallet([...candidates].reverse(), 'ethereum', 'ETH', 10n)?.registration.walletId,
    ).toBe('w-hot-z');
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 30n)?.registration.walletId).toBe(
      'w-hot-z',
    );
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 31n)).toBeUndefined();
  });

  it('TW-15.4 given two equally full wallets, then the smaller wallet id pays, in whichever order they come', () => {
    const tied = [
      { wallet: hot('w-hot-a'), balanceMinor: 20n },
      { wallet: hot('w-hot-c'), balanceMinor: 20n },
      { wallet: hot('w-hot-b'), balanceMinor: 10n },
    ];
    expect(chooseSourceWallet(tied, 'ethereum', 'ETH', 5n)?.registration.walletId).toBe('w-hot-a');
    expect(
      chooseSourceWallet([...tied].reverse(), 'ethereum', 'ETH', 5n)?.registration.walletId,
    ).toBe('w-hot-a');
  });
});

describe('internal transfers between our wallets (TW-15.4)', () => {
  const cold: WalletState = {
    ...wallet,
    registration: {
      ...wallet.registration,
      walletId: 'w-cold',
      tier: 'cold',
      address: '0x00000000000000000000000000000000000000cc',
    },
    quorum: { ...wallet.quorum, required: 3 },
  };
  const transfer: Extract<WithdrawalCommand, { type: 'RequestInternalTransfer' }> = {
    type: 'RequestInternalTransfer',
    withdrawalId: 'T-1',
    requestId: 'T-1',
    clientId: null,
    asset: 'ETH',
    amountMinor: 10n ** 18n,
    walletId: 'w-hot',
    destinationAddress: cold.registration.address,
    destinationWalletId: 'w-cold',
    requestedBy: 'ops-1',
    at: t0,
  };
  const facts = {
    source: wallet,
    destination: cold,
    policy: { ...requestFacts.policy, quorumRequired: 3 },
    thresholds: NO_TRANSFER_THRESHOLDS,
  };
  const refused = (
    overrides: Partial<typeof transfer>,
    factOverrides: Partial<typeof facts> = {},
  ) => {
    const decision = withdrawalDecider.decide({ ...transfer, ...overrides }, undefined, {
      ...facts,
      ...factOverrides,
    });
    return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
  };

  it('TW-15.4 given a hot-to-cold transfer, then it is requested with its direction and the stricter quorum; no allow-list, no ledger hold', () => {
    const decision = withdrawalDecider.decide(transfer, undefined, facts);
    expect(decision.ok && decision.events[0]?.data).toMatchObject({
      direction: 'hot-to-cold',
      clientId: null,
      quorum: { required: 3 },
    });
    const three = {
      ...progress,
      quorum: { ...progress.quorum, keyHolders: new Set(['ann', 'ben', 'cat']) },
    };
    let state: WithdrawalState | undefined = givenTransfer(
      transferPrepared,
      transferApprovedBy('ann'),
      transferApprovedBy('ben'),
    );
    const third = withdrawalDecider.decide(
      { ...approve('cat'), withdrawalId: 'T-1' } as Later,
      state,
      three,
    );
    expect(third.ok && third.events.map((event) => event.type)).toEqual([
      'SigningApproved',
      'SigningQuorumReached',
    ]); // no WithdrawalApproved: the ledger holds nothing
    state = (third.ok ? third.events : []).reduce(withdrawalDecider.evolve, state);
    if (state === undefined) throw new Error('no state');
    expect(signingProblem(state, three, minutes(2))).toBeUndefined(); // no hold needed
  });

  it('TW-4 / TW-15.4 given a transfer to the same wallet, across chains, or between client-segregated and house wallets, then each is refused with its code', () => {
    expect(refused({ destinationWalletId: 'w-hot' }, { destination: wallet })).toEqual([
      'TRANSFER_SAME_WALLET',
      'destinationWalletId',
    ]);
    expect(
      refused(
        {},
        { destination: { ...cold, registration: { ...cold.registration, chain: 'tron' } } },
      ),
    ).toEqual(['TRANSFER_WALLETS_MISMATCH', 'destinationWalletId']);
    expect(
      refused(
        {},
        { destination: { ...cold, registration: { ...cold.registration, ownerClass: 'house' } } },
      ),
    ).toEqual(['TRANSFER_WALLETS_MISMATCH', 'destinationWalletId']);
    expect(refused({}, { destination: undefined })).toEqual([
      'WALLET_UNKNOWN',
      'destinationWalletId',
    ]);
    expect(refused({ destinationAddress: destination })).toEqual([
      'SIGNING_PAYLOAD_MISMATCH',
      'destinationAddress',
    ]);
  });

  it('given a confirmed internal transfer, then InternalTransferConfirmed, never the client contract events', () => {
    const requested = withdrawalDecider.decide(transfer, undefined, facts);
    const base = (requested.ok ? requested.events : []).reduce(
      withdrawalDecider.evolve,
      undefined as WithdrawalState | undefined,
    );
    if (base === undefined) throw new Error('no state');
    const broadcast: WithdrawalState = { ...base, status: 'broadcast', transactionHash: HASH_B };
    const decision = withdrawalDecider.decide(
      {
        type: 'RecordChainOutcome',
        withdrawalId: 'T-1',
        outcome: { status: 'success', confirmations: 3, feeAsset: 'ETH', feeMinor: 21_000n },
        at: minutes(5),
      },
      broadcast,
      progress,
    );
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
      'NetworkFeePaid',
      'InternalTransferConfirmed',
    ]);
  });

  // events: the transfer's past, as the steps below record it
  const { type: _type, at: _at, ...asked } = transfer;
  /** T-1 requested: hot to cold, the policy's quorum of three. */
  const transferRequested: WithdrawalEvent = {
    type: 'WithdrawalRequested',
    data: {
      ...asked,
      chain: 'ethereum',
      quorum: { ...wallet.quorum, required: 3 },
      direction: 'hot-to-cold',
      policyVersion: 'default-1',
      at: t0,
    },
  };
  const transferPrepared: WithdrawalEvent = {
    type: 'SigningPayloadPrepared',
    data: {
      withdrawalId: 'T-1',
      payload: payload(HASH_A, { destinationAddress: cold.registration.address }),
      voidedApprovals: 0,
      at: t0,
    },
  };
  const transferApprovedBy = (custodianId: string): WithdrawalEvent => ({
    type: 'SigningApproved',
    data: { withdrawalId: 'T-1', custodianId, payloadHash: HASH_A, at: minutes(1) },
  });
  /** ann, ben and cat approve: the quorum is reached (no WithdrawalApproved: nothing to hold). */
  const approvedByThree: readonly WithdrawalEvent[] = [
    transferPrepared,
    transferApprovedBy('ann'),
    transferApprovedBy('ben'),
    transferApprovedBy('cat'),
    {
      type: 'SigningQuorumReached',
      data: {
        withdrawalId: 'T-1',
        payloadHash: HASH_A,
        custodians: ['ann', 'ben', 'cat'],
        at: minutes(1),
      },
    },
  ];
  /** T-1 after its request and then `events`. */
  const givenTransfer = (...events: WithdrawalEvent[]): WithdrawalState => {
    const { state } = withdrawals.given([transferRequested, ...events]);
    if (state === undefined) throw new Error('no state');
    return state;
  };
  const three: WithdrawalProgressFacts = {
    ...progress,
    quorum: { ...progress.quorum, keyHolders: new Set(['ann', 'ben', 'cat']) },
  };
  const step = {
    prepare: {
      type: 'PrepareSigningPayload',
      withdrawalId: 'T-1',
      payload: payload(HASH_A, { destinationAddress: cold.registration.address }),
      at: t0,
    },
    approve: (custodianId: string): Later => ({
      type: 'ApproveSigning',
      withdrawalId: 'T-1',
      custodianId,
      payloadHash: HASH_A,
      at: minutes(1),
    }),
    sign: {
      type: 'RecordSignature',
      withdrawalId: 'T-1',
      keyId: 'k-hot',
      payloadHash: HASH_A,
      transactionHash: HASH_B,
      signedTransaction: '0x02f8',
      at: minutes(3),
    },
    broadcast: {
      type: 'RecordBroadcast',
      withdrawalId: 'T-1',
      transactionHash: HASH_B,
      at: minutes(4),
    },
  } as const;
  const approved = () => givenTransfer(...approvedByThree);
  const sent = () =>
    givenTransfer(
      ...approvedByThree,
      {
        type: 'WithdrawalSigned',
        data: {
          withdrawalId: 'T-1',
          keyId: 'k-hot',
          payloadHash: HASH_A,
          approvedBy: ['ann', 'ben', 'cat'],
          transactionHash: HASH_B,
          signedTransaction: '0x02f8',
          at: minutes(3),
        },
      },
      {
        type: 'KeyUsed',
        data: {
          keyId: 'k-hot',
          walletId: 'w-hot',
          purpose: 'internal-transfer',
          reference: 'T-1',
          payloadHash: HASH_A,
          custodians: ['ann', 'ben', 'cat'],
          requestedBy: 'ops-1',
          at: minutes(3),
        },
      },
      {
        type: 'WithdrawalBroadcast',
        data: { withdrawalId: 'T-1', transactionHash: HASH_B, at: minutes(4) },
      },
    );
  const chainOutcome = (status: 'success' | 'reverted'): Later => ({
    type: 'RecordChainOutcome',
    withdrawalId: 'T-1',
    outcome: { status, confirmations: 3, feeAsset: 'ETH', feeMinor: 21_000n },
    at: minutes(5),
  });

  it('TW-15 given the policy refuses the transfer, then WITHDRAWAL_REFUSED_BY_POLICY and nothing is requested; allowed, it is', () => {
    expect(
      refused(
        {},
        { policy: { ...facts.policy, allowed: false, reason: 'cold-to-hot window closed' } },
      ),
    ).toEqual(['WITHDRAWAL_REFUSED_BY_POLICY', '']);
    expect(refused({})).toBe('accepted');
  });

  it('TW-15.4 given an unknown source wallet, an asset one of the two wallets lacks, or no positive amount, then each is refused with its code and field', () => {
    expect(refused({}, { source: undefined })).toEqual(['WALLET_UNKNOWN', 'walletId']);
    expect(
      refused(
        {},
        { source: { ...wallet, registration: { ...wallet.registration, assets: ['USDT'] } } },
      ),
    ).toEqual(['WITHDRAWAL_ASSET_NOT_IN_WALLET', 'walletId']);
    expect(
      refused(
        {},
        { destination: { ...cold, registration: { ...cold.registration, assets: ['USDT'] } } },
      ),
    ).toEqual(['WITHDRAWAL_ASSET_NOT_IN_WALLET', 'destinationWalletId']);
    expect(refused({ amountMinor: 0n })).toEqual(['WITHDRAWAL_AMOUNT_NOT_POSITIVE', 'amountMinor']);
    expect(refused({ amountMinor: 1n })).toBe('accepted');
  });

  it('given the same transfer requested again, then nothing new; the same id with another amount is WITHDRAWAL_ID_TAKEN', () => {
    const state = givenTransfer();
    expect(withdrawalDecider.decide(transfer, state, facts)).toEqual({ ok: true, events: [] });
    expect(withdrawalDecider.decide({ ...transfer, amountMinor: 2n }, state, facts)).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_ID_TAKEN', path: 'withdrawalId' },
    });
  });

  it('assertion: an internal transfer names a destination wallet and no client', () => {
    expect(() =>
      withdrawalDecider.decide({ ...transfer, clientId: 'alice' }, undefined, facts),
    ).toThrow(/assertion/);
    expect(() =>
      withdrawalDecider.decide({ ...transfer, destinationWalletId: null }, undefined, facts),
    ).toThrow(/assertion/);
  });

  it("TW-15.3 given an internal transfer above the asset's threshold, then LargeTransferAlerted names it an internal transfer of no client; a client's own threshold does not apply", () => {
    const thresholds = {
      perAssetMinor: new Map([['ETH', 5n * 10n ** 17n]]),
      perClientMinor: new Map([['alice', new Map([['ETH', 1n]])]]),
      notifyRoles: ['head-of-custody'],
    };
    const decision = withdrawalDecider.decide(transfer, undefined, { ...facts, thresholds });
    expect(decision.ok && decision.events[1]).toEqual({
      type: 'LargeTransferAlerted',
      data: {
        kind: 'internal-transfer',
        movementId: 'T-1',
        clientId: null,
        walletId: 'w-hot',
        asset: 'ETH',
        amountMinor: 10n ** 18n,
        thresholdMinor: 5n * 10n ** 17n,
        thresholdScope: 'asset',
        notifyRoles: ['head-of-custody'],
        at: t0,
      },
    });
  });

  it('TW-15.4 given a cold-to-hot transfer, then WithdrawalRequested carries its direction, the chain, the larger quorum and the policy version', () => {
    const coldToHot = {
      ...transfer,
      walletId: 'w-cold',
      destinationWalletId: 'w-hot',
      destinationAddress: wallet.registration.address,
    };
    const decision = withdrawalDecider.decide(coldToHot, undefined, {
      ...facts,
      source: cold,
      destination: wallet,
      policy: { ...facts.policy, quorumRequired: 2 },
    });
    const { type: _type, ...fields } = coldToHot;
    expect(decision.ok && decision.events).toEqual([
      {
        type: 'WithdrawalRequested',
        data: {
          ...fields,
          chain: 'ethereum',
          quorum: cold.quorum,
          direction: 'cold-to-hot',
          policyVersion: 'default-1',
        },
      },
    ]); // cold's own quorum (3) is larger than the policy's (2)
  });

  it('given a ledger hold reported for an internal transfer, then WITHDRAWAL_STATE_INVALID: nothing of a client is held for it', () => {
    expect(
      withdrawalDecider.decide(
        { type: 'RecordLedgerHold', withdrawalId: 'T-1', hold: held, at: minutes(2) },
        approved(),
        three,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'WITHDRAWAL_STATE_INVALID', path: 'withdrawalId' },
    });
  });

  it('HK-11c / TW-16 given the transfer is signed, then KeyUsed records the purpose internal-transfer', () => {
    const decision = withdrawalDecider.decide(step.sign, approved(), three);
    expect(decision.ok && decision.events[1]).toEqual({
      type: 'KeyUsed',
      data: {
        keyId: 'k-hot',
        walletId: 'w-hot',
        purpose: 'internal-transfer',
        reference: 'T-1',
        payloadHash: HASH_A,
        custodians: ['ann', 'ben', 'cat'],
        requestedBy: 'ops-1',
        at: minutes(3),
      },
    });
  });

  it('TW-15 given the transfer reverted on chain, then the burnt gas is paid and InternalTransferFailed reverted: it is never booked as confirmed', () => {
    expect(withdrawalDecider.decide(chainOutcome('reverted'), sent(), three)).toEqual({
      ok: true,
      events: [
        {
          type: 'NetworkFeePaid',
          data: {
            walletId: 'w-hot',
            reference: 'T-1',
            transactionHash: HASH_B,
            feeAsset: 'ETH',
            feeMinor: 21_000n,
            at: minutes(5),
          },
        },
        {
          type: 'InternalTransferFailed',
          data: { withdrawalId: 'T-1', reason: 'reverted', failedAt: minutes(5) },
        },
      ],
    });
  });

  it("TW-15 given the transfer succeeded, then InternalTransferConfirmed names both wallets, the asset, the amount and the transaction; the fee is the house's NetworkFeePaid", () => {
    expect(withdrawalDecider.decide(chainOutcome('success'), sent(), three)).toEqual({
      ok: true,
      events: [
        {
          type: 'NetworkFeePaid',
          data: {
            walletId: 'w-hot',
            reference: 'T-1',
            transactionHash: HASH_B,
            feeAsset: 'ETH',
            feeMinor: 21_000n,
            at: minutes(5),
          },
        },
        {
          type: 'InternalTransferConfirmed',
          data: {
            withdrawalId: 'T-1',
            sourceWalletId: 'w-hot',
            destinationWalletId: 'w-cold',
            asset: 'ETH',
            amountMinor: 10n ** 18n,
            transactionHash: HASH_B,
            confirmedAt: minutes(5),
          },
        },
      ],
    });
  });

  it("given the broadcast transfer will never be mined, or is cancelled before signing, then InternalTransferFailed dropped or cancelled, never a client's WithdrawalFailed", () => {
    expect(
      withdrawalDecider.decide(
        {
          type: 'RecordTransactionDropped',
          withdrawalId: 'T-1',
          transactionHash: HASH_B,
          at: minutes(6),
        },
        sent(),
        three,
      ),
    ).toEqual({
      ok: true,
      events: [
        {
          type: 'InternalTransferFailed',
          data: { withdrawalId: 'T-1', reason: 'dropped', failedAt: minutes(6) },
        },
      ],
    });
    expect(
      withdrawalDecider.decide(
        {
          type: 'CancelWithdrawal',
          withdrawalId: 'T-1',
          cancelledBy: 'ops-2',
          reason: 'window closed',
          at: minutes(2),
        },
        givenTransfer(transferPrepared),
        three,
      ),
    ).toEqual({
      ok: true,
      events: [
        {
          type: 'WithdrawalCancelled',
          data: {
            withdrawalId: 'T-1',
            cancelledBy: 'ops-2',
            reason: 'window closed',
            at: minutes(2),
          },
        },
        {
          type: 'InternalTransferFailed',
          data: { withdrawalId: 'T-1', reason: 'cancelled', failedAt: minutes(2) },
        },
      ],
    });
  });

  it('assertion: a recorded movement with neither a client nor a destination wallet is a bug in the stream, not a confirmation', () => {
    const broken: WithdrawalState = {
      ...sent(),
      request: { ...sent().request, destinationWalletId: null },
    };
    expect(() => withdrawalDecider.decide(chainOutcome('success'), broken, three)).toThrow(
      /assertion/,
    );
  });
});

describe('withdrawalDecider: the movement stream (issue 24)', () => {
  it("holds exactly the withdrawal stream's event types, from no movement", () => {
    expect([...withdrawalDecider.eventTypes]).toEqual([
      'WithdrawalRequested',
      'SigningPayloadPrepared',
      'SigningApproved',
      'SigningQuorumReached',
      'WithdrawalApproved',
      'WithdrawalHoldConfirmed',
      'KeySigningStarted',
      'WithdrawalSigned',
      'KeyUsed',
      'WithdrawalBroadcast',
      'NetworkFeePaid',
      'WithdrawalConfirmed',
      'InternalTransferConfirmed',
      'InternalTransferFailed',
      'WithdrawalCancelled',
      'WithdrawalFailed',
      'LargeTransferAlerted',
    ]);
    expect(withdrawalDecider.initialState).toBeUndefined();
  });

  it('given a command or an event of no known type, then an assertion failure naming it', () => {
    const stray = { type: 'Stray', withdrawalId: 'W-1' } as never;
    expect(() => withdrawalDecider.decide(stray, given(), progress)).toThrow(
      'assertion: unhandled {"type":"Stray","withdrawalId":"W-1"}',
    );
    expect(() => withdrawalDecider.evolve(given(), stray)).toThrow(
      'assertion: unhandled {"type":"Stray","withdrawalId":"W-1"}',
    );
  });
});
