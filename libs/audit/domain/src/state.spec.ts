import { reconstructState } from './state';
import type { AuditedEvent } from './trail';

let position = 0n;
const event = (type: string, data: Record<string, unknown>): AuditedEvent => ({
  auditPosition: (position += 1n),
  topic: 't',
  type,
  occurredAt: '2026-11-24T00:00:00.000Z',
  data,
});
const events = [
  event('WalletRegistered', {
    walletId: 'hot-1',
    tier: 'hot',
    ownerClass: 'client-segregated',
    key: { keyId: 'hot-1.k1' },
    at: '2026-11-24T08:00:00.000Z',
  }),
  event('AddressOwnershipProven', {
    clientId: 'alice',
    chain: 'ethereum',
    address: '0xAbC',
    evidence: { method: 'signed-message' },
    at: '2026-11-24T08:05:00.000Z',
  }),
  event('KeyAccessGranted', {
    walletId: 'hot-1',
    custodianId: 'ann',
    approvedBy: 'approver-1',
    at: '2026-11-24T08:10:00.000Z',
  }),
  event('PriceObserved', {
    asset: 'ETH',
    quoteCurrency: 'USD',
    price: '3000',
    observedAt: '2026-11-24T08:30:00.000Z',
  }),
  event('ComplianceBreachDetected', {
    breachId: 'HK-11g/ETH@1',
    ruleId: 'HK-11g',
    subject: 'ETH',
    detectedAt: '2026-11-24T09:00:00.000Z',
  }),
  event('PolicyVersionApproved', { version: 'HK-2026.2', at: '2026-11-24T09:30:00.000Z' }),
  event('PriceObserved', {
    asset: 'ETH',
    quoteCurrency: 'USD',
    price: '3100',
    observedAt: '2026-11-24T10:00:00.000Z',
  }),
  event('ComplianceBreachResolved', {
    breachId: 'HK-11g/ETH@1',
    ruleId: 'HK-11g',
    subject: 'ETH',
    resolvedAt: '2026-11-24T10:30:00.000Z',
  }),
  event('KeyAccessRevoked', {
    walletId: 'hot-1',
    custodianId: 'ann',
    approvedBy: 'approver-2',
    at: '2026-11-24T11:00:00.000Z',
  }),
  event('AddressRemovedFromAllowList', {
    clientId: 'alice',
    chain: 'ethereum',
    address: '0xabc',
    at: '2026-11-24T11:30:00.000Z',
  }),
];

describe('HK-22 the state an auditor asks about, as of an instant, from the audit record alone', () => {
  it('HK-22 at 09:45: the wallet, the proven address, the grant, the approved version, the open breach and the price then', () => {
    const state = reconstructState(events, '2026-11-24T09:45:00.000Z');
    expect(state).toMatchObject({
      wallets: [{ walletId: 'hot-1', tier: 'hot', keyId: 'hot-1.k1' }],
      allowListed: [
        { clientId: 'alice', address: '0xAbC', evidence: { method: 'signed-message' } },
      ],
      keyAccess: [{ walletId: 'hot-1', custodianId: 'ann', approvedBy: 'approver-1' }],
      policyVersion: 'HK-2026.2',
      openBreaches: [{ ruleId: 'HK-11g', subject: 'ETH' }],
      prices: [{ asset: 'ETH', price: '3000' }],
    });
  });

  it('HK-22 at noon: the breach resolved, the grant revoked, the address removed, the newer price; before everything, nothing', () => {
    expect(reconstructState(events, '2026-11-24T12:00:00.000Z')).toMatchObject({
      keyAccess: [],
      allowListed: [],
      openBreaches: [],
      prices: [{ price: '3100' }],
    });
    expect(reconstructState(events, '2026-11-24T07:00:00.000Z')).toMatchObject({
      wallets: [],
      policyVersion: null,
      prices: [],
    });
  });

  it('HK-22 HK-11h an address proven since issue 22 is listed by its AddressAllowListed only: a proof held for an approver lists nothing until the approval', () => {
    const walletEvent = (type: string, data: Record<string, unknown>): AuditedEvent => ({
      auditPosition: (position += 1n),
      topic: 'custody.wallet.events.v1',
      type,
      occurredAt: '2026-11-25T00:00:00.000Z',
      data,
    });
    const additions = [
      walletEvent('AddressProofRecorded', {
        challengeId: 'CH-7',
        clientId: 'bob',
        chain: 'ethereum',
        address: '0xDef',
        channel: 'staff',
        submittedBy: 'ops-1',
        evidence: { method: 'signed-message', signature: '0xs' },
        holds: [{ code: 'ADDITION_REQUESTED_BY_STAFF' }],
        at: '2026-11-24T14:00:00.000Z',
      }),
      walletEvent('AddressAllowListed', {
        challengeId: 'CH-7',
        clientId: 'bob',
        chain: 'ethereum',
        address: '0xDef',
        channel: 'staff',
        approvedBy: 'approver-1',
        usableFrom: '2026-11-25T14:30:00.000Z',
        at: '2026-11-24T14:30:00.000Z',
      }),
    ];
    expect(reconstructState(additions, '2026-11-24T14:15:00.000Z').allowListed).toEqual([]);
    expect(reconstructState(additions, '2026-11-24T14:30:00.000Z').allowListed).toEqual([
      {
        clientId: 'bob',
        chain: 'ethereum',
        address: '0xDef',
        evidence: { method: 'signed-message', signature: '0xs' },
      },
    ]);
  });

  describe('the approval queue as it was (HK-11d, TW-18)', () => {
    // the wallet's own event shapes; the envelope's time is far from the business times, which must decide
    const walletEvent = (type: string, data: Record<string, unknown>): AuditedEvent => ({
      auditPosition: (position += 1n),
      topic: 'custody.wallet.events.v1',
      type,
      occurredAt: '2026-11-25T00:00:00.000Z',
      data,
    });
    const queue = [
      walletEvent('WithdrawalRequested', {
        withdrawalId: 'W-1',
        requestId: 'W-1',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '500000000000000000',
        walletId: 'hot-1',
        destinationAddress: '0xAbC',
        destinationWalletId: null,
        requestedBy: 'operator-1',
        at: '2026-11-24T13:00:00.000Z',
      }),
      walletEvent('SigningPayloadPrepared', {
        withdrawalId: 'W-1',
        payload: { payloadHash: '0xA' },
        voidedApprovals: 0,
        at: '2026-11-24T13:01:00.000Z',
      }),
      walletEvent('SigningApproved', {
        withdrawalId: 'W-1',
        custodianId: 'ann',
        payloadHash: '0xA',
        at: '2026-11-24T13:02:00.000Z',
      }),
      walletEvent('KeyAccessChangeRequested', {
        changeId: 'C-1',
        custodianId: 'cat',
        walletId: 'hot-1',
        action: 'grant',
        reason: 'r',
        requestedBy: 'admin-1',
        at: '2026-11-24T13:03:00.000Z',
      }),
      // a new payload (the fee moved): approvals of the old one no longer count
      walletEvent('SigningPayloadPrepared', {
        withdrawalId: 'W-1',
        payload: { payloadHash: '0xB' },
        voidedApprovals: 1,
        at: '2026-11-24T13:04:00.000Z',
      }),
      walletEvent('SigningApproved', {
        withdrawalId: 'W-1',
        custodianId: 'bob',
        payloadHash: '0xB',
        at: '2026-11-24T13:05:00.000Z',
      }),
      // ... and back to the first payload: ann's approval of it counts again (as the wallet counts it)
      walletEvent('SigningPayloadPrepared', {
        withdrawalId: 'W-1',
        payload: { payloadHash: '0xA' },
        voidedApprovals: 1,
        at: '2026-11-24T13:05:30.000Z',
      }),
      walletEvent('SigningApproved', {
        withdrawalId: 'W-1',
        custodianId: 'bob',
        payloadHash: '0xA',
        at: '2026-11-24T13:06:00.000Z',
      }),
      walletEvent('SigningQuorumReached', {
        withdrawalId: 'W-1',
        payloadHash: '0xA',
        custodians: ['ann', 'bob'],
        at: '2026-11-24T13:06:00.000Z',
      }),
      walletEvent('WithdrawalApproved', {
        withdrawalId: 'W-1',
        requestId: 'W-1',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '500000000000000000',
        walletId: 'hot-1',
        destinationAddress: '0xAbC',
        chain: 'ethereum',
        destinationAllowListedForClientId: 'alice',
        approvedAt: '2026-11-24T13:06:00.000Z',
      }),
      walletEvent('KeyAccessChangeApproved', {
        changeId: 'C-1',
        approvedBy: 'approver-1',
        reason: 'ok',
        at: '2026-11-24T13:07:00.000Z',
      }),
      walletEvent('WithdrawalBroadcast', {
        withdrawalId: 'W-1',
        transactionHash: '0xt',
        at: '2026-11-24T13:08:00.000Z',
      }),
      walletEvent('WithdrawalConfirmed', {
        withdrawalId: 'W-1',
        clientId: 'alice',
        confirmedAt: '2026-11-24T13:10:00.000Z',
      }),
      // an internal transfer is approved by its quorum alone (no WithdrawalApproved), and fails
      walletEvent('WithdrawalRequested', {
        withdrawalId: 'T-1',
        requestId: 'T-1',
        clientId: null,
        asset: 'ETH',
        amountMinor: '1',
        walletId: 'hot-1',
        destinationAddress: '0xC0',
        destinationWalletId: 'cold-1',
        requestedBy: 'operator-1',
        at: '2026-11-24T14:00:00.000Z',
      }),
      walletEvent('SigningPayloadPrepared', {
        withdrawalId: 'T-1',
        payload: { payloadHash: '0xT' },
        voidedApprovals: 0,
        at: '2026-11-24T14:01:00.000Z',
      }),
      walletEvent('SigningQuorumReached', {
        withdrawalId: 'T-1',
        payloadHash: '0xT',
        custodians: ['ann', 'bob'],
        at: '2026-11-24T14:02:00.000Z',
      }),
      walletEvent('InternalTransferFailed', {
        withdrawalId: 'T-1',
        reason: 'reverted',
        failedAt: '2026-11-24T14:03:00.000Z',
      }),
    ];
    const at = (time: string) => reconstructState(queue, `2026-11-24T${time}:30.000Z`);

    it('HK-11d given a withdrawal through its life, then at each moment its status and the approvals of the payload then in force', () => {
      expect(at('12:59').openWithdrawals).toEqual([]);
      expect(at('13:00').openWithdrawals).toEqual([
        expect.objectContaining({
          withdrawalId: 'W-1',
          clientId: 'alice',
          amountMinor: '500000000000000000',
          status: 'requested',
          approvals: [],
          requestedBy: 'operator-1',
        }),
      ]);
      expect(at('13:02').openWithdrawals).toEqual([
        expect.objectContaining({ status: 'awaiting-approval', approvals: ['ann'] }),
      ]);
      expect(at('13:04').openWithdrawals).toEqual([
        expect.objectContaining({ status: 'awaiting-approval', approvals: [] }),
      ]);
      expect(reconstructState(queue, '2026-11-24T13:05:15.000Z').openWithdrawals).toEqual([
        expect.objectContaining({ status: 'awaiting-approval', approvals: ['bob'] }),
      ]);
      // back to payload A at 13:05:30: ann's approval of A counts again, bob's of B does not
      expect(at('13:05').openWithdrawals).toEqual([
        expect.objectContaining({ status: 'awaiting-approval', approvals: ['ann'] }),
      ]);
      expect(at('13:06').openWithdrawals).toEqual([
        expect.objectContaining({ status: 'approved', approvals: ['ann', 'bob'] }),
      ]);
      expect(at('13:08').openWithdrawals).toEqual([
        expect.objectContaining({ status: 'broadcast' }),
      ]);
      expect(at('13:10').openWithdrawals).toEqual([]);
    });

    it('HK-11d given an internal transfer, then its quorum alone makes it approved, and its failure ends it', () => {
      expect(at('14:01').openWithdrawals).toEqual([
        expect.objectContaining({
          withdrawalId: 'T-1',
          clientId: null,
          destinationWalletId: 'cold-1',
          status: 'awaiting-approval',
        }),
      ]);
      expect(at('14:02').openWithdrawals).toEqual([
        expect.objectContaining({ withdrawalId: 'T-1', status: 'approved' }),
      ]);
      expect(at('14:03').openWithdrawals).toEqual([]);
    });

    it('TW-18 given a key-access change, then it is pending from its request until its decision', () => {
      expect(at('13:02').pendingKeyAccessChanges).toEqual([]);
      expect(at('13:03').pendingKeyAccessChanges).toEqual([
        {
          changeId: 'C-1',
          custodianId: 'cat',
          walletId: 'hot-1',
          action: 'grant',
          requestedBy: 'admin-1',
          requestedAt: '2026-11-24T13:03:00.000Z',
        },
      ]);
      expect(at('13:07').pendingKeyAccessChanges).toEqual([]);
    });
  });
});

describe('HK-22 the whole state as of an instant, field by field', () => {
  // the envelope's time (occurredAt) is a day after every business time: only the business time may decide
  let at = 0n;
  const recorded = (type: string, data: Record<string, unknown>): AuditedEvent => ({
    auditPosition: (at += 1n),
    topic: 'custody.wallet.events.v1',
    type,
    occurredAt: '2026-11-25T12:00:00.000Z',
    data,
  });
  const history = [
    recorded('WalletRegistered', {
      walletId: 'hot-2',
      tier: 'hot',
      ownerClass: 'house',
      key: { keyId: 'hot-2.k1' },
      at: '2026-11-24T08:00:00.000Z',
    }),
    recorded('WalletRegistered', {
      walletId: 'cold-1',
      tier: 'cold',
      ownerClass: 'client-segregated',
      at: '2026-11-24T08:01:00.000Z',
    }), // its key not recorded
    recorded('WalletKeyRotated', {
      walletId: 'hot-2',
      key: { keyId: 'hot-2.k2' },
      previousKeyId: 'hot-2.k1',
      at: '2026-11-24T08:02:00.000Z',
    }),
    recorded('WalletKeyRotated', { walletId: 'cold-1', at: '2026-11-24T08:03:00.000Z' }), // no key recorded: the known one stays
    recorded('WalletKeyRotated', {
      walletId: 'never-registered',
      key: { keyId: 'x' },
      at: '2026-11-24T08:04:00.000Z',
    }),
    recorded('AddressProofRecorded', {
      challengeId: 'CH-1',
      clientId: 'bob',
      chain: 'ethereum',
      address: '0xDEF',
      evidence: { method: 'micro-payment' },
      at: '2026-11-24T08:10:00.000Z',
    }),
    recorded('AddressAllowListed', {
      challengeId: 'CH-1',
      clientId: 'bob',
      chain: 'ethereum',
      address: '0xDEF',
      at: '2026-11-24T08:11:00.000Z',
    }),
    recorded('AddressAllowListed', {
      challengeId: 'CH-9',
      clientId: 'bob',
      chain: 'bitcoin',
      address: 'bc1q',
      at: '2026-11-24T08:12:00.000Z',
    }), // no proof recorded for CH-9
    recorded('AddressAllowListed', {
      challengeId: 'CH-2',
      clientId: 'alice',
      chain: 'ethereum',
      address: '0xaaa',
      at: '2026-11-24T08:13:00.000Z',
    }),
    recorded('AddressOwnershipProven', {
      clientId: 'carol',
      chain: 'polygon',
      address: '0xCcc',
      evidence: { method: 'signed-message' },
      at: '2026-11-24T08:14:00.000Z',
    }), // before issue 22: listed by its proof
    recorded('ComplianceBreachDetected', {
      breachId: 'TW-3/all@1',
      ruleId: 'TW-3',
      subject: 'all',
      detectedAt: '2026-11-24T09:00:00.000Z',
    }),
    recorded('DiscrepancyDetected', {
      discrepancyId: 'D-2',
      discoveredOn: '2026-11-24',
      topUpDueOn: '2026-11-25',
      at: '2026-11-24T09:01:00.000Z',
    }),
    recorded('DiscrepancyDetected', {
      discrepancyId: 'D-1',
      discoveredOn: '2026-11-24',
      at: '2026-11-24T09:02:00.000Z',
    }),
    recorded('PriceObserved', {
      asset: 'ETH',
      quoteCurrency: 'USD',
      price: '3000',
      observedAt: '2026-11-24T09:10:00.000Z',
    }),
    recorded('PriceObserved', {
      asset: 'ETH',
      quoteCurrency: 'EUR',
      price: '2800',
      observedAt: '2026-11-24T09:10:00.000Z',
    }),
    recorded('PriceObserved', {
      asset: 'ETH',
      quoteCurrency: 'USD',
      price: '2999',
      observedAt: '2026-11-24T09:10:00.000Z',
    }), // same instant: the first stands
    recorded('PriceObserved', {
      asset: 'ETH',
      quoteCurrency: 'USD',
      price: '2900',
      observedAt: '2026-11-24T09:05:00.000Z',
    }), // older, recorded late: ignored
    recorded('PriceObserved', {
      asset: 'BTC',
      quoteCurrency: 'USD',
      price: '90000',
      observedAt: '2026-11-24T09:11:00.000Z',
    }),
    recorded('WithdrawalRequested', {
      withdrawalId: 'W-9',
      clientId: 'bob',
      asset: 'ETH',
      amountMinor: '7',
      walletId: 'hot-2',
      destinationAddress: '0xDEF',
      requestedBy: 'operator-2',
      at: '2026-11-24T10:00:00.000Z',
    }),
    recorded('WithdrawalRequested', {
      withdrawalId: 'W-8',
      clientId: 'alice',
      asset: 'ETH',
      amountMinor: '3',
      walletId: 'hot-2',
      destinationAddress: '0xaaa',
      destinationWalletId: null,
      requestedBy: 'operator-1',
      at: '2026-11-24T10:01:00.000Z',
    }),
    recorded('SigningPayloadPrepared', {
      withdrawalId: 'W-9',
      payload: { payloadHash: '0xP' },
      at: '2026-11-24T10:02:00.000Z',
    }),
    recorded('SigningApproved', {
      withdrawalId: 'W-9',
      custodianId: 'ann',
      payloadHash: '0xP',
      at: '2026-11-24T10:03:00.000Z',
    }),
    recorded('WithdrawalApproved', { withdrawalId: 'W-9', approvedAt: '2026-11-24T10:04:00.000Z' }), // its business time is approvedAt
    recorded('WithdrawalSigned', { withdrawalId: 'W-9', at: '2026-11-24T10:05:00.000Z' }),
    recorded('KeyUsed', { keyId: 'hot-2.k2', withdrawalId: 'W-9', at: '2026-11-24T10:05:30.000Z' }), // not an end of the withdrawal
    recorded('WithdrawalSigned', { withdrawalId: 'W-unknown', at: '2026-11-24T10:06:00.000Z' }),
    recorded('WithdrawalRequested', {
      withdrawalId: 'T-5',
      asset: 'ETH',
      amountMinor: '1',
      walletId: 'hot-2',
      destinationAddress: '0xC01D',
      destinationWalletId: 'cold-1',
      requestedBy: 'operator-1',
      at: '2026-11-24T10:07:00.000Z',
    }), // an internal transfer: no client
    recorded('DiscrepancyClosed', { discrepancyId: 'D-2', at: '2026-11-24T11:00:00.000Z' }),
    recorded('AddressRemovedFromAllowList', {
      clientId: 'bob',
      chain: 'ethereum',
      address: '0xdef',
      at: '2026-11-24T11:01:00.000Z',
    }),
    recorded('KeyAccessChangeRequested', {
      changeId: 'C-2',
      custodianId: 'dan',
      walletId: 'hot-2',
      action: 'revoke',
      requestedBy: 'admin-2',
      at: '2026-11-24T11:02:00.000Z',
    }),
    recorded('KeyAccessChangeRequested', {
      changeId: 'C-1',
      custodianId: 'eve',
      walletId: 'cold-1',
      action: 'grant',
      requestedBy: 'admin-1',
      at: '2026-11-24T11:03:00.000Z',
    }),
    recorded('KeyAccessChangeRejected', {
      changeId: 'C-2',
      rejectedBy: 'approver-1',
      at: '2026-11-24T11:04:00.000Z',
    }),
  ];

  it('HK-22 before anything, then nothing at all', () => {
    expect(reconstructState(history, '2026-11-24T07:59:59.999Z')).toStrictEqual({
      at: '2026-11-24T07:59:59.999Z',
      wallets: [],
      allowListed: [],
      keyAccess: [],
      policyVersion: null,
      openBreaches: [],
      openDiscrepancies: [],
      prices: [],
      openWithdrawals: [],
      pendingKeyAccessChanges: [],
    });
  });

  it('HK-22 at 10:10, then every wallet with its key then, listed addresses with their proofs, the breach and discrepancies open, the latest price per pair, the queue; all in key order', () => {
    expect(reconstructState(history, '2026-11-24T10:10:00.000Z')).toStrictEqual({
      at: '2026-11-24T10:10:00.000Z',
      wallets: [
        { walletId: 'cold-1', tier: 'cold', ownerClass: 'client-segregated', keyId: null },
        { walletId: 'hot-2', tier: 'hot', ownerClass: 'house', keyId: 'hot-2.k2' },
      ],
      allowListed: [
        { clientId: 'bob', chain: 'bitcoin', address: 'bc1q', evidence: null },
        { clientId: 'alice', chain: 'ethereum', address: '0xaaa', evidence: null },
        {
          clientId: 'bob',
          chain: 'ethereum',
          address: '0xDEF',
          evidence: { method: 'micro-payment' },
        },
        {
          clientId: 'carol',
          chain: 'polygon',
          address: '0xCcc',
          evidence: { method: 'signed-message' },
        },
      ],
      keyAccess: [],
      policyVersion: null,
      openBreaches: [
        {
          breachId: 'TW-3/all@1',
          ruleId: 'TW-3',
          subject: 'all',
          detectedAt: '2026-11-24T09:00:00.000Z',
        },
      ],
      openDiscrepancies: [
        { discrepancyId: 'D-1', discoveredOn: '2026-11-24', topUpDueOn: null },
        { discrepancyId: 'D-2', discoveredOn: '2026-11-24', topUpDueOn: '2026-11-25' },
      ],
      prices: [
        {
          asset: 'BTC',
          quoteCurrency: 'USD',
          price: '90000',
          observedAt: '2026-11-24T09:11:00.000Z',
        },
        {
          asset: 'ETH',
          quoteCurrency: 'EUR',
          price: '2800',
          observedAt: '2026-11-24T09:10:00.000Z',
        },
        {
          asset: 'ETH',
          quoteCurrency: 'USD',
          price: '3000',
          observedAt: '2026-11-24T09:10:00.000Z',
        },
      ],
      openWithdrawals: [
        {
          withdrawalId: 'T-5',
          clientId: null,
          asset: 'ETH',
          amountMinor: '1',
          walletId: 'hot-2',
          destinationAddress: '0xC01D',
          destinationWalletId: 'cold-1',
          requestedBy: 'operator-1',
          requestedAt: '2026-11-24T10:07:00.000Z',
          status: 'requested',
          approvals: [],
        },
        {
          withdrawalId: 'W-8',
          clientId: 'alice',
          asset: 'ETH',
          amountMinor: '3',
          walletId: 'hot-2',
          destinationAddress: '0xaaa',
          destinationWalletId: null,
          requestedBy: 'operator-1',
          requestedAt: '2026-11-24T10:01:00.000Z',
          status: 'requested',
          approvals: [],
        },
        {
          withdrawalId: 'W-9',
          clientId: 'bob',
          asset: 'ETH',
          amountMinor: '7',
          walletId: 'hot-2',
          destinationAddress: '0xDEF',
          destinationWalletId: null,
          requestedBy: 'operator-2',
          requestedAt: '2026-11-24T10:00:00.000Z',
          status: 'signed',
          approvals: ['ann'],
        },
      ],
      pendingKeyAccessChanges: [],
    });
  });

  it('HK-22 the breach as of its detection, the approval as of its approvedAt, the earlier price until a later observation', () => {
    expect(reconstructState(history, '2026-11-24T08:59:59.999Z').openBreaches).toEqual([]);
    expect(reconstructState(history, '2026-11-24T10:03:59.999Z').openWithdrawals[1]).toMatchObject({
      withdrawalId: 'W-9',
      status: 'awaiting-approval',
    });
    expect(reconstructState(history, '2026-11-24T10:04:00.000Z').openWithdrawals[1]).toMatchObject({
      withdrawalId: 'W-9',
      status: 'approved',
    });
  });

  it('HK-22 at 11:05, then the closed discrepancy, the removed address (written in another case) and the rejected change are gone; the change still asked is pending', () => {
    const state = reconstructState(history, '2026-11-24T11:05:00.000Z');
    expect(state.openDiscrepancies.map((discrepancy) => discrepancy.discrepancyId)).toEqual([
      'D-1',
    ]);
    expect(state.allowListed.map((listed) => `${listed.chain}/${listed.address}`)).toEqual([
      'bitcoin/bc1q',
      'ethereum/0xaaa',
      'polygon/0xCcc',
    ]);
    expect(state.pendingKeyAccessChanges).toStrictEqual([
      {
        changeId: 'C-1',
        custodianId: 'eve',
        walletId: 'cold-1',
        action: 'grant',
        requestedBy: 'admin-1',
        requestedAt: '2026-11-24T11:03:00.000Z',
      },
    ]);
  });

  it('HK-22 given an event without a field the state shows, then that field is empty text; a payload prepared without its payload voids the approvals of the earlier one', () => {
    const sparse = [
      ...history,
      recorded('ComplianceBreachDetected', {
        breachId: 'HK-6/x@1',
        ruleId: 'HK-6',
        detectedAt: '2026-11-24T12:00:00.000Z',
      }),
      recorded('SigningPayloadPrepared', { withdrawalId: 'W-9', at: '2026-11-24T12:01:00.000Z' }),
    ];
    const state = reconstructState(sparse, '2026-11-24T12:01:00.000Z');
    expect(state.openBreaches).toContainEqual({
      breachId: 'HK-6/x@1',
      ruleId: 'HK-6',
      subject: '',
      detectedAt: '2026-11-24T12:00:00.000Z',
    });
    expect(state.openWithdrawals.find((open) => open.withdrawalId === 'W-9')).toMatchObject({
      status: 'awaiting-approval',
      approvals: [],
    });
  });

  it.each([
    'WithdrawalConfirmed',
    'InternalTransferConfirmed',
    'WithdrawalFailed',
    'InternalTransferFailed',
    'WithdrawalCancelled',
  ])('HK-11d given %s, then the withdrawal leaves the queue', (type) => {
    const ended = [
      ...history,
      recorded(type, { withdrawalId: 'W-9', at: '2026-11-24T12:00:00.000Z' }),
    ];
    expect(
      reconstructState(ended, '2026-11-24T11:59:59.999Z').openWithdrawals.map(
        (open) => open.withdrawalId,
      ),
    ).toEqual(['T-5', 'W-8', 'W-9']);
    expect(
      reconstructState(ended, '2026-11-24T12:00:00.000Z').openWithdrawals.map(
        (open) => open.withdrawalId,
      ),
    ).toEqual(['T-5', 'W-8']);
  });
});
