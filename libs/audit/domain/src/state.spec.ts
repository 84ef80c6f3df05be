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
});
