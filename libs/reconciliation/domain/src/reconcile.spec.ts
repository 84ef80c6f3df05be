import { reconcile } from './reconcile';

describe('TW-14 reconciliation of the TW-13 totals with wallet records and the chain', () => {
  const owed = new Map([
    ['ETH', 1_000n],
    ['USDT', 500n],
  ]);
  const records = [
    { walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n },
    { walletId: 'cold-1', asset: 'ETH', recordedMinor: 900n },
    { walletId: 'hot-1', asset: 'USDT', recordedMinor: 500n },
  ];

  it('TW-14 given the chain holding what the records say and the ledger owes, then no difference', () => {
    const chain = records.map((record) => ({
      walletId: record.walletId,
      asset: record.asset,
      balanceMinor: record.recordedMinor,
      blockNumber: 42n,
    }));
    expect(reconcile('2026-11-24', owed, records, chain).differences).toEqual([]);
  });

  it('TW-14 given 40 ETH missing on chain from the cold wallet, then an on-chain shortfall of 40 naming that wallet, at the height read', () => {
    const chain = [
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 100n, blockNumber: 42n },
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: 860n, blockNumber: 42n },
      { walletId: 'hot-1', asset: 'USDT', balanceMinor: 500n, blockNumber: 42n },
    ];
    const result = reconcile('2026-11-24', owed, records, chain);
    expect(result.differences).toEqual([
      {
        asset: 'ETH',
        source: 'on-chain',
        kind: 'shortfall',
        amountMinor: 40n,
        owedMinor: 1_000n,
        heldMinor: 960n,
        wallets: ['cold-1'],
      },
    ]);
    expect(
      result.perWallet.find((wallet) => wallet.walletId === 'cold-1' && wallet.asset === 'ETH'),
    ).toMatchObject({ differenceMinor: -40n, blockNumber: 42n });
  });

  it('TW-14 given more on chain than owed (a flagged deposit, a house float), then a surplus, not a shortfall', () => {
    const chain = [{ walletId: 'hot-1', asset: 'USDT', balanceMinor: 520n, blockNumber: 42n }];
    expect(
      reconcile(
        '2026-11-24',
        new Map([['USDT', 500n]]),
        [{ walletId: 'hot-1', asset: 'USDT', recordedMinor: 500n }],
        chain,
      ).differences,
    ).toEqual([
      {
        asset: 'USDT',
        source: 'on-chain',
        kind: 'surplus',
        amountMinor: 20n,
        owedMinor: 500n,
        heldMinor: 520n,
        wallets: ['hot-1'],
      },
    ]);
  });
});

describe("TW-14 the house's own share on chain", () => {
  it("TW-14 given a recorded gas float of 3 beside the clients' 100, then 103 on chain is no difference; 102 is a shortfall of 1 for clients", () => {
    const records = [{ walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n, houseMinor: 3n }];
    const owed = new Map([['ETH', 100n]]);
    expect(
      reconcile('2026-11-24', owed, records, [
        { walletId: 'hot-1', asset: 'ETH', balanceMinor: 103n, blockNumber: 7n },
      ]).differences,
    ).toEqual([]);
    const short = reconcile('2026-11-24', owed, records, [
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 102n, blockNumber: 7n },
    ]);
    expect(short.differences).toEqual([
      {
        asset: 'ETH',
        source: 'on-chain',
        kind: 'shortfall',
        amountMinor: 1n,
        owedMinor: 100n,
        heldMinor: 99n,
        wallets: ['hot-1'],
      },
    ]);
    expect(short.perWallet[0]).toMatchObject({ houseMinor: 3n, differenceMinor: -1n });
  });
});

describe('TW-14 / HK-21 every asset and every wallet, each figure shown', () => {
  // ETH in two wallets (one with a gas float), USDT in one wallet and one the records do not know, BTC only on chain, DOGE only in the records
  const owed = new Map([
    ['USDT', 500n],
    ['ETH', 1_000n],
  ]);
  const records = [
    { walletId: 'hot-1', asset: 'USDT', recordedMinor: 500n },
    { walletId: 'hot-1', asset: 'DOGE', recordedMinor: 0n }, // recorded, with nothing on it: neither owed nor on chain
    { walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n, houseMinor: 3n },
    { walletId: 'cold-1', asset: 'ETH', recordedMinor: 900n },
  ];
  const chain = [
    { walletId: 'hot-1', asset: 'USDT', balanceMinor: 500n, blockNumber: 9n },
    { walletId: 'stray-1', asset: 'USDT', balanceMinor: 7n, blockNumber: 9n },
    { walletId: 'hot-1', asset: 'ETH', balanceMinor: 103n, blockNumber: 42n },
    { walletId: 'stray-1', asset: 'BTC', balanceMinor: 2n, blockNumber: 800_000n },
  ];
  const run = () => reconcile('2026-11-24', owed, records, chain); // inside each test: a failure is the test's

  it('HK-21 given assets from the totals, the records and the chain, then one line per asset in order, with what is owed, recorded, the house share and on chain', () => {
    const result = run();
    expect(result.businessDay).toBe('2026-11-24');
    expect(result.perAsset).toEqual([
      { asset: 'BTC', owedMinor: 0n, recordedMinor: 0n, houseMinor: 0n, onChainMinor: 2n },
      { asset: 'DOGE', owedMinor: 0n, recordedMinor: 0n, houseMinor: 0n, onChainMinor: 0n },
      {
        asset: 'ETH',
        owedMinor: 1_000n,
        recordedMinor: 1_000n,
        houseMinor: 3n,
        onChainMinor: 103n,
      },
      { asset: 'USDT', owedMinor: 500n, recordedMinor: 500n, houseMinor: 0n, onChainMinor: 507n },
    ]);
  });

  it('HK-21 given wallets on either side only, then one line per wallet and asset in order; a wallet not read on chain has no height', () => {
    expect(run().perWallet).toEqual([
      {
        walletId: 'cold-1',
        asset: 'ETH',
        recordedMinor: 900n,
        houseMinor: 0n,
        onChainMinor: 0n,
        blockNumber: null,
        differenceMinor: -900n,
      },
      {
        walletId: 'hot-1',
        asset: 'DOGE',
        recordedMinor: 0n,
        houseMinor: 0n,
        onChainMinor: 0n,
        blockNumber: null,
        differenceMinor: 0n,
      },
      {
        walletId: 'hot-1',
        asset: 'ETH',
        recordedMinor: 100n,
        houseMinor: 3n,
        onChainMinor: 103n,
        blockNumber: 42n,
        differenceMinor: 0n,
      },
      {
        walletId: 'hot-1',
        asset: 'USDT',
        recordedMinor: 500n,
        houseMinor: 0n,
        onChainMinor: 500n,
        blockNumber: 9n,
        differenceMinor: 0n,
      },
      {
        walletId: 'stray-1',
        asset: 'BTC',
        recordedMinor: 0n,
        houseMinor: 0n,
        onChainMinor: 2n,
        blockNumber: 800_000n,
        differenceMinor: 2n,
      },
      {
        walletId: 'stray-1',
        asset: 'USDT',
        recordedMinor: 0n,
        houseMinor: 0n,
        onChainMinor: 7n,
        blockNumber: 9n,
        differenceMinor: 7n,
      },
    ]);
  });

  it('TW-14 given records that match but a chain that does not, then on-chain differences only, naming just the wallets that differ', () => {
    expect(run().differences).toEqual([
      {
        asset: 'BTC',
        source: 'on-chain',
        kind: 'surplus',
        amountMinor: 2n,
        owedMinor: 0n,
        heldMinor: 2n,
        wallets: ['stray-1'],
      },
      {
        asset: 'ETH',
        source: 'on-chain',
        kind: 'shortfall',
        amountMinor: 900n,
        owedMinor: 1_000n,
        heldMinor: 100n,
        wallets: ['cold-1'],
      },
      {
        asset: 'USDT',
        source: 'on-chain',
        kind: 'surplus',
        amountMinor: 7n,
        owedMinor: 500n,
        heldMinor: 507n,
        wallets: ['stray-1'],
      },
    ]);
  });

  it('TW-14 given records one unit short of the total, then a wallet-records shortfall of 1 naming every wallet of the asset; one over, a surplus of 1', () => {
    const matchingChain = [
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: 100n, blockNumber: 1n },
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: 899n, blockNumber: 1n },
    ];
    const short = reconcile(
      '2026-11-24',
      new Map([['ETH', 1_000n]]),
      [
        { walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n },
        { walletId: 'cold-1', asset: 'ETH', recordedMinor: 899n },
      ],
      matchingChain,
    );
    expect(short.differences).toEqual([
      {
        asset: 'ETH',
        source: 'wallet-records',
        kind: 'shortfall',
        amountMinor: 1n,
        owedMinor: 1_000n,
        heldMinor: 999n,
        wallets: ['cold-1', 'hot-1'],
      },
      {
        asset: 'ETH',
        source: 'on-chain',
        kind: 'shortfall',
        amountMinor: 1n,
        owedMinor: 1_000n,
        heldMinor: 999n,
        wallets: [],
      },
    ]);
    const over = reconcile(
      '2026-11-24',
      new Map([['ETH', 998n]]),
      [
        { walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n },
        { walletId: 'cold-1', asset: 'ETH', recordedMinor: 899n },
      ],
      matchingChain,
    );
    expect(
      over.differences.map((difference) => [
        difference.source,
        difference.kind,
        difference.amountMinor,
      ]),
    ).toEqual([
      ['wallet-records', 'surplus', 1n],
      ['on-chain', 'surplus', 1n],
    ]);
  });
});
