import { reconcileClientMovements } from './client-movements';

const deposit = (movementId: string, clientId: string, amountMinor: bigint) => ({
  kind: 'deposit' as const,
  movementId,
  clientId,
  asset: 'ETH',
  amountMinor,
});

describe('HK-21 per-client reconciliation of the books with the movements on chain', () => {
  it('HK-21 given every booked deposit and withdrawal on chain with the same client, asset and amount, then no break', () => {
    const booked = [
      deposit('D-1', 'alice', 10n),
      { ...deposit('W-1', 'alice', 4n), kind: 'withdrawal' as const },
    ];
    const result = reconcileClientMovements(
      booked,
      booked.map((movement) => ({ ...movement, transactionHash: `0x${movement.movementId}` })),
    );
    expect(result).toEqual({ clients: 1, movementsMatched: 2, breaks: [] });
  });

  it('HK-21 given a deposit on chain not booked, one booked not on chain, and one booked for another amount, then three breaks each named', () => {
    const result = reconcileClientMovements(
      [deposit('D-2', 'bob', 5n), deposit('D-3', 'carol', 7n)],
      [
        { ...deposit('D-1', 'alice', 10n), transactionHash: '0xaa' },
        { ...deposit('D-3', 'carol', 6n), transactionHash: '0xcc' },
      ],
    );
    expect(
      result.breaks.map((entry) => [
        entry.clientId,
        entry.movementId,
        entry.problem,
        entry.bookedMinor,
        entry.onChainMinor,
      ]),
    ).toEqual([
      ['alice', 'D-1', 'not-booked', null, 10n],
      ['bob', 'D-2', 'not-on-chain', 5n, null],
      ['carol', 'D-3', 'different', 7n, 6n],
    ]);
    expect(result).toMatchObject({ clients: 3, movementsMatched: 0 });
  });

  it("HK-21 given a movement on chain for another client, or in another asset, with the same amount, then a break that shows the books' client and asset", () => {
    const result = reconcileClientMovements(
      [deposit('D-1', 'alice', 10n), deposit('D-2', 'bob', 5n)],
      [
        { ...deposit('D-1', 'mallory', 10n), transactionHash: '0x01' },
        { ...deposit('D-2', 'bob', 5n), asset: 'USDT', transactionHash: '0x02' },
      ],
    );
    expect(
      result.breaks.map((entry) => [
        entry.clientId,
        entry.asset,
        entry.movementId,
        entry.problem,
        entry.bookedMinor,
        entry.onChainMinor,
        entry.transactionHash,
      ]),
    ).toEqual([
      ['alice', 'ETH', 'D-1', 'different', 10n, 10n, '0x01'],
      ['bob', 'ETH', 'D-2', 'different', 5n, 5n, '0x02'],
    ]);
    expect(result).toMatchObject({ clients: 3, movementsMatched: 0 });
  });

  it('HK-21 given breaks of several clients and movements in any order, then sorted by client, movement, then kind', () => {
    const withdrawal = (movementId: string, clientId: string, amountMinor: bigint) => ({
      ...deposit(movementId, clientId, amountMinor),
      kind: 'withdrawal' as const,
    });
    const result = reconcileClientMovements(
      [
        deposit('M-9', 'carol', 1n),
        withdrawal('M-2', 'carol', 1n),
        deposit('M-2', 'carol', 1n),
        deposit('M-5', 'alice', 1n),
        deposit('M-1', 'bob', 1n),
      ],
      [],
    );
    expect(result.breaks.map((entry) => [entry.clientId, entry.movementId, entry.kind])).toEqual([
      ['alice', 'M-5', 'deposit'],
      ['bob', 'M-1', 'deposit'],
      ['carol', 'M-2', 'deposit'],
      ['carol', 'M-2', 'withdrawal'],
      ['carol', 'M-9', 'deposit'],
    ]);
  });
});
