import type { Custodian } from './custody-roster';
import { quorumStatus, type SigningPayload } from './signing-quorum';
import { NO_TRANSFER_THRESHOLDS } from './transfer-monitoring';
import type { WalletState } from './wallet';
import { chooseSourceWallet, decideRequestInternalTransfer, decideRequestWithdrawal, decideWithdrawal, evolveWithdrawal, signingProblem, type WithdrawalCommand, type WithdrawalFacts, type WithdrawalProgressCommand, type WithdrawalProgressFacts, type WithdrawalState } from './withdrawal';

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
    key: { keyId: 'k-hot', location: { site: 'HK-DC1', jurisdiction: 'HK' }, backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }], rotationDueAt: '2027-01-01T00:00:00.000Z' },
  },
  quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 30 * 60_000 },
  confirmationsRequired: 3,
  registeredAt: '2026-11-01T00:00:00.000Z',
};
const custodian = (custodianId: string, department: string, site: string): [string, Custodian] => [custodianId, { custodianId, name: custodianId, department, site }];
const custodians = new Map([custodian('ann', 'treasury', 'HK-DC1'), custodian('ben', 'treasury', 'HK-DC1'), custodian('cat', 'risk', 'HK-DC2'), custodian('dan', 'treasury', 'HK-DC1')]);
const progress: WithdrawalProgressFacts = { wallet, quorum: { custodians, keyHolders: new Set(['ann', 'ben', 'cat', 'ops-1']) }, destinationStillAllowed: true };
const requestFacts: WithdrawalFacts = {
  wallet,
  destinationAllowListedFor: ['alice'],
  destinationUsableFrom: '2026-11-01T00:00:00.000Z',
  policy: { allowed: true, quorumRequired: 2, reason: 'default: quorum', policyVersion: 'default-1' },
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
  const decision = decideWithdrawal(command, state, facts);
  if (!decision.ok) return { state, decision };
  return { state: decision.events.reduce(evolveWithdrawal, state), decision };
}
function given(...commands: Later[]): WithdrawalState {
  const requested = decideRequestWithdrawal(request, undefined, requestFacts);
  if (!requested.ok) throw new Error(requested.error.code);
  let state = requested.events.reduce(evolveWithdrawal, undefined as WithdrawalState | undefined);
  for (const command of commands) {
    const { decision, state: next } = run(state, command);
    if (!decision.ok) throw new Error(`given ${command.type}: ${decision.error.code}`);
    state = next;
  }
  if (state === undefined) throw new Error('no state');
  return state;
}
const prepare = (hash: string, at = t0): Later => ({ type: 'PrepareSigningPayload', withdrawalId: 'W-1', payload: payload(hash), at });
const approve = (custodianId: string, hash = HASH_A, at = minutes(1)): Later => ({ type: 'ApproveSigning', withdrawalId: 'W-1', custodianId, payloadHash: hash, at });
const held = { clientId: 'alice', asset: 'ETH', amountMinor: 10n ** 18n, walletId: 'w-hot' };
const hold = (at = minutes(2)): Later => ({ type: 'RecordLedgerHold', withdrawalId: 'W-1', hold: held, at });
const refusal = (state: WithdrawalState, command: Later, facts = progress) => {
  const decision = decideWithdrawal(command, state, facts);
  return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
};

describe('withdrawal request (HK-11h, TW-15)', () => {
  const refused = (overrides: Partial<typeof request>, facts: Partial<WithdrawalFacts> = {}) => {
    const decision = decideRequestWithdrawal({ ...request, ...overrides }, undefined, { ...requestFacts, ...facts });
    return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
  };

  it('HK-11h given a destination on no client\'s proven allow-list, or on another client\'s, then WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', () => {
    expect(refused({}, { destinationAllowListedFor: [] })).toEqual(['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'destinationAddress']);
    expect(refused({}, { destinationAllowListedFor: ['bob'] })).toEqual(['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'destinationAddress']);
    expect(refused({})).toBe('accepted');
  });

  it('HK-11h given a destination listed recently, when the withdrawal is asked for before its cooling-off ends, then WITHDRAWAL_DESTINATION_COOLING_OFF; at its end, accepted', () => {
    const usableFrom = request.at;
    const later = new Date(Date.parse(request.at) + 1).toISOString();
    expect(refused({}, { destinationUsableFrom: later })).toEqual(['WITHDRAWAL_DESTINATION_COOLING_OFF', 'destinationAddress']);
    expect(refused({}, { destinationUsableFrom: usableFrom })).toBe('accepted');
  });

  it('HK-11h given the client is named as holding the destination but no cooling-off end is known for it (null: not on the client\'s allow-list), then WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED: facts that disagree never let a withdrawal through', () => {
    expect(refused({}, { destinationAllowListedFor: ['alice'], destinationUsableFrom: null })).toEqual(['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'destinationAddress']);
  });

  it('given an unknown wallet, a house wallet, an asset the wallet lacks, a zero amount or a policy refusal, then each has its own code', () => {
    expect(refused({}, { wallet: undefined })).toEqual(['WALLET_UNKNOWN', 'walletId']);
    expect(refused({}, { wallet: { ...wallet, registration: { ...wallet.registration, ownerClass: 'house' } } })).toEqual(['WITHDRAWAL_WALLET_NOT_CLIENT_SEGREGATED', 'walletId']);
    expect(refused({ asset: 'USDT' })).toEqual(['WITHDRAWAL_ASSET_NOT_IN_WALLET', 'asset']);
    expect(refused({ amountMinor: 0n })).toEqual(['WITHDRAWAL_AMOUNT_NOT_POSITIVE', 'amountMinor']);
    expect(refused({}, { wallet: { ...wallet, registration: { ...wallet.registration, tier: 'cold' } } })).toEqual(['WITHDRAWAL_WALLET_NOT_HOT', 'walletId']); // TW-15.4: cold-to-hot first
    expect(refused({}, { policy: { ...requestFacts.policy, allowed: false, reason: 'daily limit' } })).toEqual(['WITHDRAWAL_REFUSED_BY_POLICY', '']);
  });

  it('given the same request again, then nothing new; the same id with another amount is WITHDRAWAL_ID_TAKEN', () => {
    const state = given();
    const again = decideRequestWithdrawal(request, state, requestFacts);
    expect(again).toEqual({ ok: true, events: [] });
    const other = decideRequestWithdrawal({ ...request, amountMinor: 2n }, state, requestFacts);
    expect(other.ok ? 'accepted' : other.error.code).toBe('WITHDRAWAL_ID_TAKEN');
  });

  it('TW-15.3 given a per-asset threshold below the amount, then LargeTransferAlerted names the roles to notify; a tighter per-client threshold wins', () => {
    const thresholds = { perAssetMinor: new Map([['ETH', 5n * 10n ** 17n]]), perClientMinor: new Map([['alice', new Map([['ETH', 10n ** 17n]])]]), notifyRoles: ['compliance-officer', 'head-of-custody'] };
    const decision = decideRequestWithdrawal(request, undefined, { ...requestFacts, thresholds });
    const alert = decision.ok ? decision.events.find((event) => event.type === 'LargeTransferAlerted') : undefined;
    expect(alert?.data).toMatchObject({ movementId: 'W-1', thresholdMinor: 10n ** 17n, thresholdScope: 'client', notifyRoles: ['compliance-officer', 'head-of-custody'] });
    const below = decideRequestWithdrawal(request, undefined, { ...requestFacts, thresholds: { ...thresholds, perAssetMinor: new Map([['ETH', 10n ** 18n]]), perClientMinor: new Map() } });
    expect(below.ok && below.events.map((event) => event.type)).toEqual(['WithdrawalRequested']); // equal to the threshold is not above it
  });

  it('the quorum is the wallet\'s or the policy\'s for this amount, whichever is larger', () => {
    const decision = decideRequestWithdrawal(request, undefined, { ...requestFacts, policy: { ...requestFacts.policy, quorumRequired: 3 } });
    const state = (decision.ok ? decision.events : []).reduce(evolveWithdrawal, undefined as WithdrawalState | undefined);
    expect(state?.request.quorum.required).toBe(3);
  });
});

describe('quorum signing (HK-11d, HK-11e, TW-17.4)', () => {
  it('HK-11d given 2 distinct custodians approve the payload hash, then the quorum is reached once and WithdrawalApproved asks the ledger to hold', () => {
    const state = given(prepare(HASH_A), approve('ann'));
    const { decision } = run(state, approve('cat'));
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['SigningApproved', 'SigningQuorumReached', 'WithdrawalApproved']);
    expect(decision.ok && decision.events[2]?.data).toMatchObject({ withdrawalId: 'W-1', clientId: 'alice', amountMinor: 10n ** 18n, destinationAllowListedForClientId: 'alice', approvedAt: minutes(1) });
  });

  it('HK-11e given the requester approves their own withdrawal, then SIGNING_REQUESTER_CANNOT_APPROVE', () => {
    expect(refusal(given(prepare(HASH_A)), approve('ops-1'))).toEqual(['SIGNING_REQUESTER_CANNOT_APPROVE', 'custodianId']);
  });

  it('HK-11e given a custodian approves twice, then SIGNING_CUSTODIAN_ALREADY_APPROVED and one custodian never makes a quorum alone', () => {
    const state = given(prepare(HASH_A), approve('ann'));
    expect(refusal(state, approve('ann', HASH_A, minutes(2)))).toEqual(['SIGNING_CUSTODIAN_ALREADY_APPROVED', 'custodianId']);
    // even an approval history with ann twice (after her first expired) counts her once
    const twice = given(prepare(HASH_A), approve('ann'), approve('ann', HASH_A, minutes(40)));
    expect(twice.approvedAt).toBeUndefined();
    expect(quorumStatus(twice.approvals, HASH_A, twice.request.quorum, progress.quorum, minutes(41))).toMatchObject({ met: false, counted: ['ann'] });
  });

  it('HK-11c given an approver without access to the wallet\'s key, then SIGNING_CUSTODIAN_NOT_AUTHORISED', () => {
    expect(refusal(given(prepare(HASH_A)), approve('dan'))).toEqual(['SIGNING_CUSTODIAN_NOT_AUTHORISED', 'custodianId']);
  });

  it('TW-17.4 given the payload changed after approvals, then an approval of the old hash is SIGNING_PAYLOAD_CHANGED and the earlier approvals no longer count', () => {
    const approvedOld = given(prepare(HASH_A), approve('ann'));
    const { state: changed, decision } = run(approvedOld, prepare(HASH_B, minutes(2)));
    expect(decision.ok && decision.events[0]?.data).toMatchObject({ voidedApprovals: 1 });
    if (changed === undefined) throw new Error('no state');
    expect(refusal(changed, approve('cat', HASH_A, minutes(3)))).toEqual(['SIGNING_PAYLOAD_CHANGED', 'payloadHash']);
    // cat approves the new hash: ann's approval of the old one does not make it two
    const { decision: afterCat } = run(changed, approve('cat', HASH_B, minutes(3)));
    expect(afterCat.ok && afterCat.events.map((event) => event.type)).toEqual(['SigningApproved']);
  });

  it('TW-17.4 given a payload whose decoded content differs from the request, then SIGNING_PAYLOAD_MISMATCH names the field', () => {
    const state = given();
    expect(refusal(state, { type: 'PrepareSigningPayload', withdrawalId: 'W-1', payload: payload(HASH_A, { amountMinor: 2n * 10n ** 18n }), at: t0 })).toEqual(['SIGNING_PAYLOAD_MISMATCH', 'payload.amountMinor']);
    expect(refusal(state, { type: 'PrepareSigningPayload', withdrawalId: 'W-1', payload: payload(HASH_A, { destinationAddress: '0x00000000000000000000000000000000000000bb' }), at: t0 })).toEqual(['SIGNING_PAYLOAD_MISMATCH', 'payload.destinationAddress']);
  });

  it('HK-11d given approvals older than the approval time-to-live at signing, then SIGNING_QUORUM_NOT_MET says they expired and the HSM is not asked', () => {
    const state = given(prepare(HASH_A), approve('ann'), approve('cat'), hold());
    expect(signingProblem(state, progress, minutes(30))).toBeUndefined(); // 29 minutes after the approvals
    const late = signingProblem(state, progress, minutes(31)); // 30 minutes after: expired
    expect(late?.code).toBe('SIGNING_QUORUM_NOT_MET');
    expect(late?.reason).toMatch(/expired/);
    expect(refusal(state, { type: 'RecordSignature', withdrawalId: 'W-1', keyId: 'k-hot', payloadHash: HASH_A, transactionHash: HASH_B, signedTransaction: '0x02', at: minutes(31) })).toEqual(['SIGNING_QUORUM_NOT_MET', 'approvals']);
  });

  it('HK-11e given the policy asks for two departments or sites, then two approvers of one department at one site do not make the quorum, one from elsewhere does', () => {
    const spanning: WithdrawalProgressFacts = { ...progress, wallet: { ...wallet, quorum: { ...wallet.quorum, spanDepartmentsOrSites: true } } };
    const requested = decideRequestWithdrawal(request, undefined, { ...requestFacts, wallet: spanning.wallet });
    let state = (requested.ok ? requested.events : []).reduce(evolveWithdrawal, undefined as WithdrawalState | undefined);
    for (const command of [prepare(HASH_A), approve('ann'), approve('ben')]) state = run(state, command, spanning).state;
    expect(state?.approvedAt).toBeUndefined();
    const { decision } = run(state, approve('cat'), spanning);
    expect(decision.ok && decision.events.map((event) => event.type)).toContain('WithdrawalApproved');
  });

  it('given no ledger hold yet, then WITHDRAWAL_NOT_HELD: nothing is signed before the ledger holds the amount', () => {
    const state = given(prepare(HASH_A), approve('ann'), approve('cat'));
    expect(signingProblem(state, progress, minutes(2))?.code).toBe('WITHDRAWAL_NOT_HELD');
    expect(refusal(state, { type: 'StartSigning', withdrawalId: 'W-1', payloadHash: HASH_A, at: minutes(2) })).toEqual(['WITHDRAWAL_NOT_HELD', 'withdrawalId']); // no access to the key is even recorded
  });

  it('given a ledger hold for another client, asset, amount or wallet than the withdrawal, then WITHDRAWAL_HOLD_MISMATCH: a hold elsewhere lets nothing here be signed', () => {
    const approved = given(prepare(HASH_A), approve('ann'), approve('cat'));
    expect(refusal(approved, { type: 'RecordLedgerHold', withdrawalId: 'W-1', hold: { ...held, amountMinor: 1n }, at: minutes(2) })).toEqual(['WITHDRAWAL_HOLD_MISMATCH', 'hold.amountMinor']);
    expect(refusal(approved, { type: 'RecordLedgerHold', withdrawalId: 'W-1', hold: { ...held, clientId: 'bob' }, at: minutes(2) })).toEqual(['WITHDRAWAL_HOLD_MISMATCH', 'hold.clientId']);
  });

  it('HK-11h given the destination was removed from the allow-list after the request, then it is neither approved nor signed', () => {
    const removed = { ...progress, destinationStillAllowed: false };
    expect(refusal(given(prepare(HASH_A)), approve('ann'), removed)).toEqual(['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'withdrawalId']);
    expect(signingProblem(given(prepare(HASH_A), approve('ann'), approve('cat'), hold()), removed, minutes(3))?.code).toBe('WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED');
  });

  it('TW-17.4 given the payload changed between the check and the signing, then StartSigning names the old hash and is refused: the HSM never signs a hash not on record', () => {
    const state = given(prepare(HASH_A), approve('ann'), approve('cat'), hold());
    expect(refusal(state, { type: 'StartSigning', withdrawalId: 'W-1', payloadHash: HASH_B, at: minutes(3) })).toEqual(['SIGNING_PAYLOAD_CHANGED', 'payloadHash']);
  });

  it('HK-11a given the wallet key is past its rotation date, then KEY_ROTATION_OVERDUE even with a full quorum', () => {
    const overdue: WithdrawalProgressFacts = { ...progress, wallet: { ...wallet, registration: { ...wallet.registration, key: { ...wallet.registration.key, rotationDueAt: minutes(3) } } } };
    const state = given(prepare(HASH_A), approve('ann'), approve('cat'), hold());
    expect(signingProblem(state, overdue, minutes(3))?.code).toBe('KEY_ROTATION_OVERDUE');
  });

  it('HK-11c given the signing may start, then KeySigningStarted names the key, the payload hash and the approvers before the HSM is asked', () => {
    const state = given(prepare(HASH_A), approve('ann'), approve('cat'), hold());
    const decision = decideWithdrawal({ type: 'StartSigning', withdrawalId: 'W-1', payloadHash: HASH_A, at: minutes(3) }, state, progress);
    expect(decision.ok && decision.events).toEqual([{ type: 'KeySigningStarted', data: { withdrawalId: 'W-1', keyId: 'k-hot', walletId: 'w-hot', payloadHash: HASH_A, custodians: ['ann', 'cat'], at: minutes(3) } }]);
  });

  it('HK-11c given a signature is recorded, then WithdrawalSigned and KeyUsed name the key, the payload hash, the approvers and the requester', () => {
    const state = given(prepare(HASH_A), approve('ann'), approve('cat'), hold());
    const { decision } = run(state, { type: 'RecordSignature', withdrawalId: 'W-1', keyId: 'k-hot', payloadHash: HASH_A, transactionHash: HASH_B, signedTransaction: '0x02f8', at: minutes(3) });
    expect(decision.ok && decision.events[1]).toEqual({ type: 'KeyUsed', data: { keyId: 'k-hot', walletId: 'w-hot', purpose: 'withdrawal', reference: 'W-1', payloadHash: HASH_A, custodians: ['ann', 'cat'], requestedBy: 'ops-1', at: minutes(3) } });
  });
});

describe('withdrawal on chain', () => {
  const signed = () => given(prepare(HASH_A), approve('ann'), approve('cat'), hold(), { type: 'RecordSignature', withdrawalId: 'W-1', keyId: 'k-hot', payloadHash: HASH_A, transactionHash: HASH_B, signedTransaction: '0x02f8', at: minutes(3) });
  const broadcast = () => run(signed(), { type: 'RecordBroadcast', withdrawalId: 'W-1', transactionHash: HASH_B, at: minutes(4) }).state as WithdrawalState;
  const outcome = (status: 'success' | 'reverted', confirmations: number): Later => ({ type: 'RecordChainOutcome', withdrawalId: 'W-1', outcome: { status, confirmations, feeAsset: 'ETH', feeMinor: 21_000n }, at: minutes(5) });

  it('given fewer confirmations than the wallet asks, then nothing; with enough, WithdrawalConfirmed with the network fee in the same asset', () => {
    expect(decideWithdrawal(outcome('success', 2), broadcast(), progress)).toEqual({ ok: true, events: [] });
    const decision = decideWithdrawal(outcome('success', 3), broadcast(), progress);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['WithdrawalConfirmed']); // the fee in ETH rides on it
    expect(decision.ok && decision.events[0]?.data).toMatchObject({ networkFeeMinor: 21_000n, transactionHash: HASH_B, confirmedAt: minutes(5) });
  });

  it('given the transaction reverted, then WithdrawalFailed (the ledger releases the hold) and the burnt gas is recorded', () => {
    const decision = decideWithdrawal(outcome('reverted', 3), broadcast(), progress);
    expect(decision.ok && decision.events.map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual([['NetworkFeePaid', undefined], ['WithdrawalFailed', 'reverted']]);
  });

  it('given a broadcast transaction that will never be mined, then WithdrawalFailed broadcast-failed (the ledger releases the hold), no fee; only for the transaction on record', () => {
    const decision = decideWithdrawal({ type: 'RecordTransactionDropped', withdrawalId: 'W-1', transactionHash: HASH_B, at: minutes(6) }, broadcast(), progress);
    expect(decision.ok && decision.events).toEqual([{ type: 'WithdrawalFailed', data: { withdrawalId: 'W-1', clientId: 'alice', reason: 'broadcast-failed', failedAt: minutes(6) } }]);
    expect(refusal(broadcast(), { type: 'RecordTransactionDropped', withdrawalId: 'W-1', transactionHash: HASH_A, at: minutes(6) })).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
  });

  it('given a signed withdrawal, then it cannot be cancelled; before signing it can, with a reason', () => {
    const cancel: Later = { type: 'CancelWithdrawal', withdrawalId: 'W-1', cancelledBy: 'ops-2', reason: 'client asked', at: minutes(4) };
    expect(refusal(signed(), cancel)).toEqual(['WITHDRAWAL_STATE_INVALID', 'withdrawalId']);
    const decision = decideWithdrawal(cancel, given(prepare(HASH_A)), progress);
    expect(decision.ok && decision.events.map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual([['WithdrawalCancelled', 'client asked'], ['WithdrawalFailed', 'rejected']]); // never approved: never held
    const approved = decideWithdrawal(cancel, given(prepare(HASH_A), approve('ann'), approve('cat')), progress);
    expect(approved.ok && approved.events[1]?.data).toMatchObject({ reason: 'cancelled' }); // approved: the ledger releases its hold
  });
});

describe('source wallet of an exchange withdrawal (TW-15.4)', () => {
  const hot = (walletId: string, overrides: Partial<WalletState['registration']> = {}): WalletState => ({ ...wallet, registration: { ...wallet.registration, walletId, ...overrides } });
  it('TW-15.4 given hot and cold client wallets, then the fullest hot client-segregated wallet on the chain with enough balance pays; cold or house never', () => {
    const candidates = [
      { wallet: hot('w-cold', { tier: 'cold' }), balanceMinor: 100n },
      { wallet: hot('w-house', { ownerClass: 'house' }), balanceMinor: 100n },
      { wallet: hot('w-hot-b'), balanceMinor: 9n },
      { wallet: hot('w-hot-c'), balanceMinor: 20n },
      { wallet: hot('w-hot-a'), balanceMinor: 20n },
    ];
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 10n)?.registration.walletId).toBe('w-hot-a');
    expect(chooseSourceWallet(candidates, 'ethereum', 'ETH', 21n)).toBeUndefined();
    expect(chooseSourceWallet(candidates, 'ethereum', 'USDT', 1n)).toBeUndefined();
  });
});

describe('internal transfers between our wallets (TW-15.4)', () => {
  const cold: WalletState = { ...wallet, registration: { ...wallet.registration, walletId: 'w-cold', tier: 'cold', address: '0x00000000000000000000000000000000000000cc' }, quorum: { ...wallet.quorum, required: 3 } };
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
  const facts = { source: wallet, destination: cold, policy: { ...requestFacts.policy, quorumRequired: 3 }, thresholds: NO_TRANSFER_THRESHOLDS };
  const refused = (overrides: Partial<typeof transfer>, factOverrides: Partial<typeof facts> = {}) => {
    const decision = decideRequestInternalTransfer({ ...transfer, ...overrides }, undefined, { ...facts, ...factOverrides });
    return decision.ok ? 'accepted' : [decision.error.code, decision.error.path];
  };

  it('TW-15.4 given a hot-to-cold transfer, then it is requested with its direction and the stricter quorum; no allow-list, no ledger hold', () => {
    const decision = decideRequestInternalTransfer(transfer, undefined, facts);
    expect(decision.ok && decision.events[0]?.data).toMatchObject({ direction: 'hot-to-cold', clientId: null, quorum: { required: 3 } });
    let state = (decision.ok ? decision.events : []).reduce(evolveWithdrawal, undefined as WithdrawalState | undefined);
    const three = { ...progress, quorum: { ...progress.quorum, keyHolders: new Set(['ann', 'ben', 'cat']) } };
    for (const command of [{ ...prepare(HASH_A), withdrawalId: 'T-1', payload: payload(HASH_A, { destinationAddress: cold.registration.address }) }, { ...approve('ann'), withdrawalId: 'T-1' }, { ...approve('ben'), withdrawalId: 'T-1' }]) {
      state = run(state, command as Later, three).state;
    }
    const third = decideWithdrawal({ ...approve('cat'), withdrawalId: 'T-1' } as Later, state, three);
    expect(third.ok && third.events.map((event) => event.type)).toEqual(['SigningApproved', 'SigningQuorumReached']); // no WithdrawalApproved: the ledger holds nothing
    state = (third.ok ? third.events : []).reduce(evolveWithdrawal, state);
    if (state === undefined) throw new Error('no state');
    expect(signingProblem(state, three, minutes(2))).toBeUndefined(); // no hold needed
  });

  it('TW-4 / TW-15.4 given a transfer to the same wallet, across chains, or between client-segregated and house wallets, then each is refused with its code', () => {
    expect(refused({ destinationWalletId: 'w-hot' }, { destination: wallet })).toEqual(['TRANSFER_SAME_WALLET', 'destinationWalletId']);
    expect(refused({}, { destination: { ...cold, registration: { ...cold.registration, chain: 'tron' } } })).toEqual(['TRANSFER_WALLETS_MISMATCH', 'destinationWalletId']);
    expect(refused({}, { destination: { ...cold, registration: { ...cold.registration, ownerClass: 'house' } } })).toEqual(['TRANSFER_WALLETS_MISMATCH', 'destinationWalletId']);
    expect(refused({}, { destination: undefined })).toEqual(['WALLET_UNKNOWN', 'destinationWalletId']);
    expect(refused({ destinationAddress: destination })).toEqual(['SIGNING_PAYLOAD_MISMATCH', 'destinationAddress']);
  });

  it('given a confirmed internal transfer, then InternalTransferConfirmed, never the client contract events', () => {
    const requested = decideRequestInternalTransfer(transfer, undefined, facts);
    const base = (requested.ok ? requested.events : []).reduce(evolveWithdrawal, undefined as WithdrawalState | undefined);
    if (base === undefined) throw new Error('no state');
    const broadcast: WithdrawalState = { ...base, status: 'broadcast', transactionHash: HASH_B };
    const decision = decideWithdrawal({ type: 'RecordChainOutcome', withdrawalId: 'T-1', outcome: { status: 'success', confirmations: 3, feeAsset: 'ETH', feeMinor: 21_000n }, at: minutes(5) }, broadcast, progress);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['NetworkFeePaid', 'InternalTransferConfirmed']);
  });
});
