import { reconstructClientBalances, type AuditedLedgerEvent } from './reconstruct';

const journal = (position: bigint, journalId: string, kind: string, entries: [string, string, 'debit' | 'credit', string][], sourceReference = journalId): AuditedLedgerEvent => ({
  sourcePosition: position,
  type: 'JournalPosted',
  data: { journalId, kind, sourceReference, entries: entries.map(([clientId, asset, side, amountMinor]) => ({ account: clientId === 'custody' ? { kind: 'custody', walletId: 'w', asset } : { kind: 'client', clientId, asset }, side, amountMinor })) },
});
const events: AuditedLedgerEvent[] = [
  journal(1n, 'deposit:D-1', 'deposit', [['custody', 'ETH', 'debit', '100'], ['alice', 'ETH', 'credit', '100']]),
  journal(2n, 'trade:T-1', 'trade', [['alice', 'ETH', 'debit', '30'], ['bob', 'ETH', 'credit', '30']]),
  journal(3n, 'trade:T-1', 'trade', [['alice', 'ETH', 'debit', '30'], ['bob', 'ETH', 'credit', '30']]), // the copy in bob's stream
  { sourcePosition: 4n, type: 'WithdrawalHoldPlaced', data: { withdrawalId: 'W-1', clientId: 'alice', asset: 'ETH', amountMinor: '20' } },
  journal(5n, 'withdrawal:W-1', 'withdrawal', [['alice', 'ETH', 'debit', '20'], ['custody', 'ETH', 'credit', '20']], 'W-1'),
];

describe('HK-22 a client\'s balances rebuilt from the audit record as of a ledger position', () => {
  it('given a deposit and a trade published in both clients\' streams, then the trade counts once', () => {
    expect(reconstructClientBalances(events, 'alice', 3n)).toEqual([{ asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 0n, availableMinor: 70n }]);
    expect(reconstructClientBalances(events, 'bob', 3n)).toEqual([{ asset: 'ETH', postedMinor: 30n, pendingDebitsMinor: 0n, availableMinor: 30n }]);
  });

  it('given a withdrawal held, then pending until it settles; once settled, posted', () => {
    expect(reconstructClientBalances(events, 'alice', 4n)).toEqual([{ asset: 'ETH', postedMinor: 70n, pendingDebitsMinor: 20n, availableMinor: 50n }]);
    expect(reconstructClientBalances(events, 'alice', 5n)).toEqual([{ asset: 'ETH', postedMinor: 50n, pendingDebitsMinor: 0n, availableMinor: 50n }]);
  });

  it('given a position before anything, then nothing', () => {
    expect(reconstructClientBalances(events, 'alice', 0n)).toEqual([]);
  });
});
