import { clientTrail, keyTrail, type AuditedEvent } from './trail';

let position = 0n;
const event = (topic: string, type: string, data: Record<string, unknown>): AuditedEvent => ({
  auditPosition: (position += 1n),
  topic,
  type,
  occurredAt: '2026-11-24T09:00:00.000Z',
  data,
});
const ledger = 'custody.ledger.events.v1';
const wallet = 'custody.wallet.events.v1';
const journal = (
  journalId: string,
  kind: string,
  entries: [string, 'debit' | 'credit', string][],
) =>
  event(ledger, 'JournalPosted', {
    journalId,
    kind,
    sourceReference: journalId.split(':')[1],
    entries: entries.map(([clientId, side, amountMinor]) => ({
      account: { kind: 'client', clientId, asset: 'ETH' },
      side,
      amountMinor,
    })),
    at: '2026-11-24T09:00:00.000Z',
  });

describe('trails from the audit record', () => {
  it("HK-22 a client's trail: each journal once (though published in both clients' streams), and the chain movements with their transactions", () => {
    const events = [
      event(wallet, 'DepositConfirmed', {
        depositId: 'D-1',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '100',
        transactionHash: '0xabc',
        confirmedAt: '2026-11-24T09:00:00.000Z',
      }),
      journal('deposit:D-1', 'deposit', [['alice', 'credit', '100']]),
      journal('trade:T-1', 'trade', [
        ['alice', 'debit', '30'],
        ['bob', 'credit', '30'],
      ]),
      journal('trade:T-1', 'trade', [
        ['alice', 'debit', '30'],
        ['bob', 'credit', '30'],
      ]),
      journal('trade:T-2', 'trade', [
        ['carol', 'debit', '5'],
        ['bob', 'credit', '5'],
      ]),
    ];
    expect(clientTrail(events, 'alice').map((entry) => [entry.type, entry.summary])).toEqual([
      ['DepositConfirmed', 'D-1 100 ETH (transaction 0xabc)'],
      ['JournalPosted', 'deposit D-1: +100 ETH'],
      ['JournalPosted', 'trade T-1: -30 ETH'],
    ]);
  });

  it("TW-18 / HK-11c a key's trail: its wallet registered, every access change with who asked and who decided, and each use; nothing of another wallet", () => {
    const events = [
      event(wallet, 'WalletRegistered', {
        walletId: 'hot-1',
        key: { keyId: 'hot-1.k1' },
        registeredBy: 'admin-1',
      }),
      event(wallet, 'WalletRegistered', {
        walletId: 'hot-2',
        key: { keyId: 'hot-2.k1' },
        registeredBy: 'admin-1',
      }),
      event(wallet, 'KeyAccessChangeRequested', {
        changeId: 'C-1',
        custodianId: 'ann',
        walletId: 'hot-1',
        action: 'grant',
        reason: 'on duty',
        requestedBy: 'admin-1',
      }),
      event(wallet, 'KeyAccessChangeRequested', {
        changeId: 'C-2',
        custodianId: 'bob',
        walletId: 'hot-2',
        action: 'grant',
        reason: 'x',
        requestedBy: 'admin-1',
      }),
      event(wallet, 'KeyAccessChangeApproved', {
        changeId: 'C-1',
        approvedBy: 'approver-1',
        reason: 'ok',
      }),
      event(wallet, 'KeyAccessChangeApproved', {
        changeId: 'C-2',
        approvedBy: 'approver-1',
        reason: 'ok',
      }),
      event(wallet, 'KeyAccessGranted', {
        changeId: 'C-1',
        custodianId: 'ann',
        walletId: 'hot-1',
        requestedBy: 'admin-1',
        approvedBy: 'approver-1',
      }),
      event(wallet, 'KeyUsed', {
        keyId: 'hot-1.k1',
        withdrawalId: 'W-1',
        payloadHash: '0xfeed',
        approvers: ['ann', 'cat'],
        requestedBy: 'ops-1',
      }),
    ];
    const trail = keyTrail(events, 'hot-1.k1');
    expect(trail.map((entry) => [entry.type, entry.people])).toEqual([
      ['WalletRegistered', { registeredBy: 'admin-1' }],
      ['KeyAccessChangeRequested', { requestedBy: 'admin-1' }],
      ['KeyAccessChangeApproved', { approvedBy: 'approver-1' }],
      ['KeyAccessGranted', { requestedBy: 'admin-1', approvedBy: 'approver-1' }],
      ['KeyUsed', { requestedBy: 'ops-1', approvers: ['ann', 'cat'] }],
    ]);
    expect(trail[1]?.summary).toBe('wallet hot-1, custodian ann, grant, "on duty"');
  });
});

describe('trails, entry by entry', () => {
  let at = 100n;
  const recorded = (topic: string, type: string, data: Record<string, unknown>): AuditedEvent => ({
    auditPosition: (at += 1n),
    topic,
    type,
    occurredAt: '2026-11-25T12:00:00.000Z',
    data,
  });

  it("HK-22 a client's trail: each entry with its record position, its business time (else the envelope's), a one-line summary and the people it names; other clients' events left out", () => {
    const events = [
      recorded(wallet, 'DepositConfirmed', {
        depositId: 'D-7',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '100',
        transactionHash: '0xabc',
        at: '2026-11-24T09:00:00.000Z',
      }),
      recorded(wallet, 'DepositConfirmed', {
        depositId: 'D-8',
        clientId: 'bob',
        asset: 'ETH',
        amountMinor: '5',
        transactionHash: '0xdef',
        at: '2026-11-24T09:01:00.000Z',
      }),
      recorded(ledger, 'JournalPosted', {
        journalId: 'trade:T-7',
        kind: 'trade',
        sourceReference: 'T-7',
        entries: [
          {
            account: { kind: 'client', clientId: 'alice', asset: 'ETH' },
            side: 'debit',
            amountMinor: '30',
          },
          {
            account: { kind: 'client', clientId: 'alice', asset: 'BTC' },
            side: 'credit',
            amountMinor: '1',
          },
          {
            account: { kind: 'house', clientId: 'alice', asset: 'ETH' },
            side: 'credit',
            amountMinor: '2',
          }, // not a client account
        ],
        at: '2026-11-24T09:02:00.000Z',
      }),
      recorded(wallet, 'WithdrawalRequested', {
        withdrawalId: 'W-7',
        requestId: 'R-7',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '20',
        requestedBy: 'operator-1',
        destinationWalletId: null,
      }), // no business time
      recorded(wallet, 'WithdrawalRequestRefused', {
        requestId: 'R-8',
        clientId: 'alice',
        decidedBy: 'policy',
        at: '2026-11-24T09:04:00.000Z',
      }),
      recorded(wallet, 'ClientNotified', { clientId: 'alice', at: '2026-11-24T09:05:00.000Z' }),
      recorded(wallet, 'BalanceNoted', {
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '70',
        by: 'ops-1',
        at: 5,
      }), // a time that is not text
      recorded(wallet, 'FeeCharged', {
        clientId: 'alice',
        amountMinor: '2',
        at: '2026-11-24T09:06:00.000Z',
      }), // an amount without its asset
    ];
    expect(clientTrail(events, 'alice')).toStrictEqual([
      {
        auditPosition: '101',
        at: '2026-11-24T09:00:00.000Z',
        type: 'DepositConfirmed',
        summary: 'D-7 100 ETH (transaction 0xabc)',
        people: {},
      },
      {
        auditPosition: '103',
        at: '2026-11-24T09:02:00.000Z',
        type: 'JournalPosted',
        summary: 'trade T-7: -30 ETH, +1 BTC',
        people: {},
      },
      {
        auditPosition: '104',
        at: '2026-11-25T12:00:00.000Z',
        type: 'WithdrawalRequested',
        summary: 'W-7 20 ETH',
        people: { requestedBy: 'operator-1' },
      },
      {
        auditPosition: '105',
        at: '2026-11-24T09:04:00.000Z',
        type: 'WithdrawalRequestRefused',
        summary: 'R-8',
        people: { decidedBy: 'policy' },
      },
      {
        auditPosition: '106',
        at: '2026-11-24T09:05:00.000Z',
        type: 'ClientNotified',
        summary: '',
        people: {},
      },
      {
        auditPosition: '107',
        at: '2026-11-25T12:00:00.000Z',
        type: 'BalanceNoted',
        summary: '70 ETH',
        people: { by: 'ops-1' },
      },
      {
        auditPosition: '108',
        at: '2026-11-24T09:06:00.000Z',
        type: 'FeeCharged',
        summary: '2',
        people: {},
      },
    ]);
  });

  it("TW-18 / HK-11c a key's trail through a rotation: the new key's trail starts at the rotation and follows its wallet; the old key's keeps the rotation", () => {
    const events = [
      recorded(wallet, 'WalletRegistered', {
        walletId: 'hot-3',
        key: { keyId: 'hot-3.k1' },
        registeredBy: 'admin-1',
        at: '2026-11-24T08:00:00.000Z',
      }),
      recorded(wallet, 'KeyRotationRequested', {
        walletId: 'hot-3',
        requestedBy: 'admin-1',
        reason: 'yearly',
        at: '2026-11-24T08:30:00.000Z',
      }),
      recorded(wallet, 'WalletKeyRotated', {
        walletId: 'hot-3',
        key: { keyId: 'hot-3.k2' },
        previousKeyId: 'hot-3.k1',
        approvedBy: 'approver-1',
        at: '2026-11-24T09:00:00.000Z',
      }),
      recorded(wallet, 'KeyAccessChangeRequested', {
        changeId: 'C-7',
        custodianId: 'ann',
        walletId: 'hot-3',
        action: 'grant',
        reason: 'on duty',
        requestedBy: 'admin-2',
        at: '2026-11-24T09:10:00.000Z',
      }),
      recorded(wallet, 'KeyAccessChangeRejected', {
        changeId: 'C-7',
        rejectedBy: 'approver-2',
        reason: 'not trained',
        at: '2026-11-24T09:20:00.000Z',
      }),
      recorded(wallet, 'KeyUsed', {
        keyId: 'hot-3.k2',
        withdrawalId: 'W-7',
        payloadHash: '0xfeed',
        approvers: ['bob', 'cat'],
        destinationWalletId: null,
        at: '2026-11-24T09:30:00.000Z',
      }),
      recorded(wallet, 'SigningPayloadPrepared', {
        withdrawalId: 'W-7',
        walletId: 'hot-3',
        payload: { payloadHash: '0xfeed', note: 'hot-3.k2' },
        at: '2026-11-24T09:25:00.000Z',
      }), // names the key in no key field, and is no key event
      recorded(wallet, 'KeyAccessChangeRequested', {
        changeId: 'C-8',
        custodianId: 'dan',
        walletId: 'hot-9',
        action: 'grant',
        reason: 'x',
        requestedBy: 'admin-2',
        at: '2026-11-24T09:40:00.000Z',
      }),
      recorded(wallet, 'KeyAccessChangeApproved', {
        changeId: 'C-8',
        approvedBy: 'approver-2',
        at: '2026-11-24T09:41:00.000Z',
      }),
    ];
    expect(keyTrail(events, 'hot-3.k2')).toStrictEqual([
      {
        auditPosition: '111',
        at: '2026-11-24T09:00:00.000Z',
        type: 'WalletKeyRotated',
        summary: 'wallet hot-3',
        people: { approvedBy: 'approver-1' },
      },
      {
        auditPosition: '112',
        at: '2026-11-24T09:10:00.000Z',
        type: 'KeyAccessChangeRequested',
        summary: 'wallet hot-3, custodian ann, grant, "on duty"',
        people: { requestedBy: 'admin-2' },
      },
      {
        auditPosition: '113',
        at: '2026-11-24T09:20:00.000Z',
        type: 'KeyAccessChangeRejected',
        summary: '"not trained"',
        people: { rejectedBy: 'approver-2' },
      },
      {
        auditPosition: '114',
        at: '2026-11-24T09:30:00.000Z',
        type: 'KeyUsed',
        summary: 'payload 0xfeed',
        people: { approvers: ['bob', 'cat'] },
      },
    ]);
    expect(keyTrail(events, 'hot-3.k1').map((entry) => [entry.type, entry.summary])).toEqual([
      ['WalletRegistered', 'wallet hot-3'],
      ['KeyRotationRequested', 'wallet hot-3, "yearly"'],
      ['WalletKeyRotated', 'wallet hot-3'],
      ['KeyAccessChangeRequested', 'wallet hot-3, custodian ann, grant, "on duty"'],
      ['KeyAccessChangeRejected', '"not trained"'],
    ]);
    expect(keyTrail(events, 'hot-9.k1')).toEqual([]);
  });
});
