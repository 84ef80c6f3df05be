import { reconstructState } from './state';
import type { AuditedEvent } from './trail';

let position = 0n;
const event = (type: string, data: Record<string, unknown>): AuditedEvent => ({ auditPosition: (position += 1n), topic: 't', type, occurredAt: '2026-11-24T00:00:00.000Z', data });
const events = [
  event('WalletRegistered', { walletId: 'hot-1', tier: 'hot', ownerClass: 'client-segregated', key: { keyId: 'hot-1.k1' }, at: '2026-11-24T08:00:00.000Z' }),
  event('AddressOwnershipProven', { clientId: 'alice', chain: 'ethereum', address: '0xAbC', evidence: { method: 'signed-message' }, at: '2026-11-24T08:05:00.000Z' }),
  event('KeyAccessGranted', { walletId: 'hot-1', custodianId: 'ann', approvedBy: 'approver-1', at: '2026-11-24T08:10:00.000Z' }),
  event('PriceObserved', { asset: 'ETH', quoteCurrency: 'USD', price: '3000', observedAt: '2026-11-24T08:30:00.000Z' }),
  event('ComplianceBreachDetected', { breachId: 'HK-11g/ETH@1', ruleId: 'HK-11g', subject: 'ETH', detectedAt: '2026-11-24T09:00:00.000Z' }),
  event('PolicyVersionApproved', { version: 'HK-2026.2', at: '2026-11-24T09:30:00.000Z' }),
  event('PriceObserved', { asset: 'ETH', quoteCurrency: 'USD', price: '3100', observedAt: '2026-11-24T10:00:00.000Z' }),
  event('ComplianceBreachResolved', { breachId: 'HK-11g/ETH@1', ruleId: 'HK-11g', subject: 'ETH', resolvedAt: '2026-11-24T10:30:00.000Z' }),
  event('KeyAccessRevoked', { walletId: 'hot-1', custodianId: 'ann', approvedBy: 'approver-2', at: '2026-11-24T11:00:00.000Z' }),
  event('AddressRemovedFromAllowList', { clientId: 'alice', chain: 'ethereum', address: '0xabc', at: '2026-11-24T11:30:00.000Z' }),
];

describe('HK-22 the state an auditor asks about, as of an instant, from the audit record alone', () => {
  it('HK-22 at 09:45: the wallet, the proven address, the grant, the approved version, the open breach and the price then', () => {
    const state = reconstructState(events, '2026-11-24T09:45:00.000Z');
    expect(state).toMatchObject({
      wallets: [{ walletId: 'hot-1', tier: 'hot', keyId: 'hot-1.k1' }],
      allowListed: [{ clientId: 'alice', address: '0xAbC', evidence: { method: 'signed-message' } }],
      keyAccess: [{ walletId: 'hot-1', custodianId: 'ann', approvedBy: 'approver-1' }],
      policyVersion: 'HK-2026.2',
      openBreaches: [{ ruleId: 'HK-11g', subject: 'ETH' }],
      prices: [{ asset: 'ETH', price: '3000' }],
    });
  });

  it('HK-22 at noon: the breach resolved, the grant revoked, the address removed, the newer price; before everything, nothing', () => {
    expect(reconstructState(events, '2026-11-24T12:00:00.000Z')).toMatchObject({ keyAccess: [], allowListed: [], openBreaches: [], prices: [{ price: '3100' }] });
    expect(reconstructState(events, '2026-11-24T07:00:00.000Z')).toMatchObject({ wallets: [], policyVersion: null, prices: [] });
  });

  it('HK-22 HK-11h an address proven since issue 22 is listed by its AddressAllowListed only: a proof held for an approver lists nothing until the approval', () => {
    const walletEvent = (type: string, data: Record<string, unknown>): AuditedEvent => ({ auditPosition: (position += 1n), topic: 'custody.wallet.events.v1', type, occurredAt: '2026-11-25T00:00:00.000Z', data });
    const additions = [
      walletEvent('AddressProofRecorded', { challengeId: 'CH-7', clientId: 'bob', chain: 'ethereum', address: '0xDef', channel: 'staff', submittedBy: 'ops-1', evidence: { method: 'signed-message', signature: '0xs' }, holds: [{ code: 'ADDITION_REQUESTED_BY_STAFF' }], at: '2026-11-24T14:00:00.000Z' }),
      walletEvent('AddressAllowListed', { challengeId: 'CH-7', clientId: 'bob', chain: 'ethereum', address: '0xDef', channel: 'staff', approvedBy: 'approver-1', usableFrom: '2026-11-25T14:30:00.000Z', at: '2026-11-24T14:30:00.000Z' }),
    ];
    expect(reconstructState(additions, '2026-11-24T14:15:00.000Z').allowListed).toEqual([]);
    expect(reconstructState(additions, '2026-11-24T14:30:00.000Z').allowListed).toEqual([{ clientId: 'bob', chain: 'ethereum', address: '0xDef', evidence: { method: 'signed-message', signature: '0xs' } }]);
  });

  describe('the approval queue as it was (HK-11d, TW-18)', () => {
    // the wallet's own event shapes; the envelope's time is far from the business times, which must decide
    const walletEvent = (type: string, data: Record<string, unknown>): AuditedEvent => ({ auditPosition: (position += 1n), topic: 'custody.wallet.events.v1', type, occurredAt: '2026-11-25T00:00:00.000Z', data });
    const queue = [
      walletEvent('WithdrawalRequested', { withdrawalId: 'W-1', requestId: 'W-1', clientId: 'alice', asset: 'ETH', amountMinor: '500000000000000000', walletId: 'hot-1', destinationAddress: '0xAbC', destinationWalletId: null, requestedBy: 'operator-1', at: '2026-11-24T13:00:00.000Z' }),
      walletEvent('SigningPayloadPrepared', { withdrawalId: 'W-1', payload: { payloadHash: '0xA' }, voidedApprovals: 0, at: '2026-11-24T13:01:00.000Z' }),
      walletEvent('SigningApproved', { withdrawalId: 'W-1', custodianId: 'ann', payloadHash: '0xA', at: '2026-11-24T13:02:00.000Z' }),
      walletEvent('KeyAccessChangeRequested', { changeId: 'C-1', custodianId: 'cat', walletId: 'hot-1', action: 'grant', reason: 'r', requestedBy: 'admin-1', at: '2026-11-24T13:03:00.000Z' }),
      // a new payload (the fee moved): approvals of the old one no longer count
      walletEvent('SigningPayloadPrepared', { withdrawalId: 'W-1', payload: { payloadHash: '0xB' }, voidedApprovals: 1, at: '2026-11-24T13:04:00.000Z' }),
      walletEvent('SigningApproved', { withdrawalId: 'W-1', custodianId: 'bob', payloadHash: '0xB', at: '2026-11-24T13:05:00.000Z' }),
      // ... and back to the first payload: ann's approval of it counts again (as the wallet counts it)
      walletEvent('SigningPayloadPrepared', { withdrawalId: 'W-1', payload: { payloadHash: '0xA' }, voidedApprovals: 1, at: '2026-11-24T13:05:30.000Z' }),
      walletEvent('SigningApproved', { withdrawalId: 'W-1', custodianId: 'bob', payloadHash: '0xA', at: '2026-11-24T13:06:00.000Z' }),
      walletEvent('SigningQuorumReached', { withdrawalId: 'W-1', payloadHash: '0xA', custodians: ['ann', 'bob'], at: '2026-11-24T13:06:00.000Z' }),
      walletEvent('WithdrawalApproved', { withdrawalId: 'W-1', requestId: 'W-1', clientId: 'alice', asset: 'ETH', amountMinor: '500000000000000000', walletId: 'hot-1', destinationAddress: '0xAbC', chain: 'ethereum', destinationAllowListedForClientId: 'alice', approvedAt: '2026-11-24T13:06:00.000Z' }),
      walletEvent('KeyAccessChangeApproved', { changeId: 'C-1', approvedBy: 'approver-1', reason: 'ok', at: '2026-11-24T13:07:00.000Z' }),
      walletEvent('WithdrawalBroadcast', { withdrawalId: 'W-1', transactionHash: '0xt', at: '2026-11-24T13:08:00.000Z' }),
      walletEvent('WithdrawalConfirmed', { withdrawalId: 'W-1', clientId: 'alice', confirmedAt: '2026-11-24T13:10:00.000Z' }),
      // an internal transfer is approved by its quorum alone (no WithdrawalApproved), and fails
      walletEvent('WithdrawalRequested', { withdrawalId: 'T-1', requestId: 'T-1', clientId: null, asset: 'ETH', amountMinor: '1', walletId: 'hot-1', destinationAddress: '0xC0', destinationWalletId: 'cold-1', requestedBy: 'operator-1', at: '2026-11-24T14:00:00.000Z' }),
      walletEvent('SigningPayloadPrepared', { withdrawalId: 'T-1', payload: { payloadHash: '0xT' }, voidedApprovals: 0, at: '2026-11-24T14:01:00.000Z' }),
      walletEvent('SigningQuorumReached', { withdrawalId: 'T-1', payloadHash: '0xT', custodians: ['ann', 'bob'], at: '2026-11-24T14:02:00.000Z' }),
      walletEvent('InternalTransferFailed', { withdrawalId: 'T-1', reason: 'reverted', failedAt: '2026-11-24T14:03:00.000Z' }),
    ];
    const at = (time: string) => reconstructState(queue, `2026-11-24T${time}:30.000Z`);

    it('HK-11d given a withdrawal through its life, then at each moment its status and the approvals of the payload then in force', () => {
      expect(at('12:59').openWithdrawals).toEqual([]);
      expect(at('13:00').openWithdrawals).toEqual([expect.objectContaining({ withdrawalId: 'W-1', clientId: 'alice', amountMinor: '500000000000000000', status: 'requested', approvals: [], requestedBy: 'operator-1' })]);
      expect(at('13:02').openWithdrawals).toEqual([expect.objectContaining({ status: 'awaiting-approval', approvals: ['ann'] })]);
      expect(at('13:04').openWithdrawals).toEqual([expect.objectContaining({ status: 'awaiting-approval', approvals: [] })]);
      expect(reconstructState(queue, '2026-11-24T13:05:15.000Z').openWithdrawals).toEqual([expect.objectContaining({ status: 'awaiting-approval', approvals: ['bob'] })]);
      // back to payload A at 13:05:30: ann's approval of A counts again, bob's of B does not
      expect(at('13:05').openWithdrawals).toEqual([expect.objectContaining({ status: 'awaiting-approval', approvals: ['ann'] })]);
      expect(at('13:06').openWithdrawals).toEqual([expect.objectContaining({ status: 'approved', approvals: ['ann', 'bob'] })]);
      expect(at('13:08').openWithdrawals).toEqual([expect.objectContaining({ status: 'broadcast' })]);
      expect(at('13:10').openWithdrawals).toEqual([]);
    });

    it('HK-11d given an internal transfer, then its quorum alone makes it approved, and its failure ends it', () => {
      expect(at('14:01').openWithdrawals).toEqual([expect.objectContaining({ withdrawalId: 'T-1', clientId: null, destinationWalletId: 'cold-1', status: 'awaiting-approval' })]);
      expect(at('14:02').openWithdrawals).toEqual([expect.objectContaining({ withdrawalId: 'T-1', status: 'approved' })]);
      expect(at('14:03').openWithdrawals).toEqual([]);
    });

    it('TW-18 given a key-access change, then it is pending from its request until its decision', () => {
      expect(at('13:02').pendingKeyAccessChanges).toEqual([]);
      expect(at('13:03').pendingKeyAccessChanges).toEqual([{ changeId: 'C-1', custodianId: 'cat', walletId: 'hot-1', action: 'grant', requestedBy: 'admin-1', requestedAt: '2026-11-24T13:03:00.000Z' }]);
      expect(at('13:07').pendingKeyAccessChanges).toEqual([]);
    });
  });
});
