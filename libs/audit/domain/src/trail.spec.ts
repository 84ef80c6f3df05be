import { clientTrail, keyTrail, type AuditedEvent } from './trail';

let position = 0n;
const event = (topic: string, type: string, data: Record<string, unknown>): AuditedEvent => ({ auditPosition: (position += 1n), topic, type, occurredAt: '2026-11-24T09:00:00.000Z', data });
const ledger = 'custody.ledger.events.v1';
const wallet = 'custody.wallet.events.v1';
const journal = (journalId: string, kind: string, entries: [string, 'debit' | 'credit', string][]) =>
  event(ledger, 'JournalPosted', { journalId, kind, sourceReference: journalId.split(':')[1], entries: entries.map(([clientId, side, amountMinor]) => ({ account: { kind: 'client', clientId, asset: 'ETH' }, side, amountMinor })), at: '2026-11-24T09:00:00.000Z' });

describe('trails from the audit record', () => {
  it('HK-22 a client\'s trail: each journal once (though published in both clients\' streams), and the chain movements with their transactions', () => {
    const events = [
      event(wallet, 'DepositConfirmed', { depositId: 'D-1', clientId: 'alice', asset: 'ETH', amountMinor: '100', transactionHash: '0xabc', confirmedAt: '2026-11-24T09:00:00.000Z' }),
      journal('deposit:D-1', 'deposit', [['alice', 'credit', '100']]),
      journal('trade:T-1', 'trade', [['alice', 'debit', '30'], ['bob', 'credit', '30']]),
      journal('trade:T-1', 'trade', [['alice', 'debit', '30'], ['bob', 'credit', '30']]),
      journal('trade:T-2', 'trade', [['carol', 'debit', '5'], ['bob', 'credit', '5']]),
    ];
    expect(clientTrail(events, 'alice').map((entry) => [entry.type, entry.summary])).toEqual([
      ['DepositConfirmed', 'D-1 100 ETH (transaction 0xabc)'],
      ['JournalPosted', 'deposit D-1: +100 ETH'],
      ['JournalPosted', 'trade T-1: -30 ETH'],
    ]);
  });

  it('TW-18 / HK-11c a key\'s trail: its wallet registered, every access change with who asked and who decided, and each use; nothing of another wallet', () => {
    const events = [
      event(wallet, 'WalletRegistered', { walletId: 'hot-1', key: { keyId: 'hot-1.k1' }, registeredBy: 'admin-1' }),
      event(wallet, 'WalletRegistered', { walletId: 'hot-2', key: { keyId: 'hot-2.k1' }, registeredBy: 'admin-1' }),
      event(wallet, 'KeyAccessChangeRequested', { changeId: 'C-1', custodianId: 'ann', walletId: 'hot-1', action: 'grant', reason: 'on duty', requestedBy: 'admin-1' }),
      event(wallet, 'KeyAccessChangeRequested', { changeId: 'C-2', custodianId: 'bob', walletId: 'hot-2', action: 'grant', reason: 'x', requestedBy: 'admin-1' }),
      event(wallet, 'KeyAccessChangeApproved', { changeId: 'C-1', approvedBy: 'approver-1', reason: 'ok' }),
      event(wallet, 'KeyAccessChangeApproved', { changeId: 'C-2', approvedBy: 'approver-1', reason: 'ok' }),
      event(wallet, 'KeyAccessGranted', { changeId: 'C-1', custodianId: 'ann', walletId: 'hot-1', requestedBy: 'admin-1', approvedBy: 'approver-1' }),
      event(wallet, 'KeyUsed', { keyId: 'hot-1.k1', withdrawalId: 'W-1', payloadHash: '0xfeed', approvers: ['ann', 'cat'], requestedBy: 'ops-1' }),
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
