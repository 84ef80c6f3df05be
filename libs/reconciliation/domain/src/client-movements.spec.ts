import { reconcileClientMovements } from './client-movements';

const deposit = (movementId: string, clientId: string, amountMinor: bigint) => ({ kind: 'deposit' as const, movementId, clientId, asset: 'ETH', amountMinor });

describe('HK-21 per-client reconciliation of the books with the movements on chain', () => {
  it('HK-21 given every booked deposit and withdrawal on chain with the same client, asset and amount, then no break', () => {
    const booked = [deposit('D-1', 'alice', 10n), { ...deposit('W-1', 'alice', 4n), kind: 'withdrawal' as const }];
    const result = reconcileClientMovements(booked, booked.map((movement) => ({ ...movement, transactionHash: `0x${movement.movementId}` })));
    expect(result).toEqual({ clients: 1, movementsMatched: 2, breaks: [] });
  });

  it('HK-21 given a deposit on chain not booked, one booked not on chain, and one booked for another amount, then three breaks each named', () => {
    const result = reconcileClientMovements([deposit('D-2', 'bob', 5n), deposit('D-3', 'carol', 7n)], [{ ...deposit('D-1', 'alice', 10n), transactionHash: '0xaa' }, { ...deposit('D-3', 'carol', 6n), transactionHash: '0xcc' }]);
    expect(result.breaks.map((entry) => [entry.clientId, entry.movementId, entry.problem, entry.bookedMinor, entry.onChainMinor])).toEqual([
      ['alice', 'D-1', 'not-booked', null, 10n],
      ['bob', 'D-2', 'not-on-chain', 5n, null],
      ['carol', 'D-3', 'different', 7n, 6n],
    ]);
    expect(result).toMatchObject({ clients: 3, movementsMatched: 0 });
  });
});
