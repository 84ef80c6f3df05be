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
      // issue 25: a wallet holding on chain what its records do not have is also a finding of its own
      {
        asset: 'BTC',
        source: 'unrecorded',
        kind: 'surplus',
        amountMinor: 2n,
        owedMinor: 0n,
        heldMinor: 2n,
        wallets: ['stray-1'],
      },
      {
        asset: 'USDT',
        source: 'unrecorded',
        kind: 'surplus',
        amountMinor: 7n,
        owedMinor: 0n,
        heldMinor: 7n,
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

describe('TW-14 every registered wallet and every asset on its chain, recorded or not (issue 25)', () => {
  const unrecorded = (asset: string, heldMinor: bigint, wallets: string[]) => ({
    asset,
    source: 'unrecorded',
    kind: 'surplus',
    amountMinor: heldMinor,
    owedMinor: 0n,
    heldMinor,
    wallets,
  });
  const owed = new Map([['ETH', 100n]]);
  const records = [{ walletId: 'hot-1', asset: 'ETH', recordedMinor: 100n }];
  const eth = { walletId: 'hot-1', asset: 'ETH', balanceMinor: 100n, blockNumber: 5n };

  it('TW-14 given USDC on chain in a client wallet that no record has, then an unrecorded finding naming the wallet and what the chain holds, beside the on-chain surplus of the total', () => {
    const result = reconcile('2026-11-24', owed, records, [
      eth,
      { walletId: 'hot-1', asset: 'USDC', balanceMinor: 5_000_000n, blockNumber: 5n },
    ]);
    expect(result.differences).toEqual([
      {
        asset: 'USDC',
        source: 'on-chain',
        kind: 'surplus',
        amountMinor: 5_000_000n,
        owedMinor: 0n,
        heldMinor: 5_000_000n,
        wallets: ['hot-1'],
      },
      unrecorded('USDC', 5_000_000n, ['hot-1']),
    ]);
  });

  it('TW-14 given an asset no record has read at 0 on chain, then nothing: the line shows it read, and no finding', () => {
    const result = reconcile('2026-11-24', owed, records, [
      eth,
      { walletId: 'hot-1', asset: 'USDC', balanceMinor: 0n, blockNumber: 5n },
    ]);
    expect(result.differences).toEqual([]);
    expect(result.perWallet).toContainEqual({
      walletId: 'hot-1',
      asset: 'USDC',
      recordedMinor: 0n,
      houseMinor: 0n,
      onChainMinor: 0n,
      blockNumber: 5n,
      differenceMinor: 0n,
    });
  });

  it('TW-14 given records that came to exactly 0 (deposited, then all withdrawn) and 1 minor unit on chain, then it is unrecorded; one minor unit recorded against it, no finding of its own', () => {
    const chain = [eth, { walletId: 'hot-1', asset: 'USDT', balanceMinor: 1n, blockNumber: 5n }];
    const zero = reconcile(
      '2026-11-24',
      owed,
      [...records, { walletId: 'hot-1', asset: 'USDT', recordedMinor: 0n }],
      chain,
    );
    expect(zero.differences.filter((difference) => difference.source === 'unrecorded')).toEqual([
      unrecorded('USDT', 1n, ['hot-1']),
    ]);
    const one = reconcile(
      '2026-11-24',
      owed,
      [...records, { walletId: 'hot-1', asset: 'USDT', recordedMinor: 1n }],
      chain,
    );
    expect(one.differences.filter((difference) => difference.source === 'unrecorded')).toEqual([]);
  });

  it("TW-14 given a client wallet whose records hold only the house's gas float (clients 0, house 3) and 3 on chain, then it is recorded: no unrecorded finding", () => {
    const result = reconcile(
      '2026-11-24',
      owed,
      [...records, { walletId: 'cold-1', asset: 'ETH', recordedMinor: 0n, houseMinor: 3n }],
      [eth, { walletId: 'cold-1', asset: 'ETH', balanceMinor: 3n, blockNumber: 5n }],
    );
    expect(result.differences).toEqual([]);
  });

  it('TW-14 given 5 missing from one client wallet and 5 unrecorded in another, then the total on chain matches and the unrecorded balance is still a finding, naming its wallet', () => {
    const result = reconcile('2026-11-24', owed, records, [
      { ...eth, balanceMinor: 95n },
      { walletId: 'hot-2', asset: 'ETH', balanceMinor: 5n, blockNumber: 5n },
    ]);
    expect(result.differences).toEqual([unrecorded('ETH', 5n, ['hot-2'])]);
  });

  describe('a house wallet read', () => {
    const house = {
      records: [{ walletId: 'house-1', asset: 'ETH', recordedMinor: 0n, houseMinor: 10n }],
      onChain: [
        { walletId: 'house-1', asset: 'ETH', balanceMinor: 12n, blockNumber: 5n },
        { walletId: 'house-1', asset: 'USDT', balanceMinor: 4n, blockNumber: 5n },
      ],
    };

    it('TW-14 given a house wallet holding 4 USDT no record has, then an unrecorded finding naming it; its ETH recorded (10, 12 on chain) is shown, not a finding, and never counts in what clients hold', () => {
      const result = reconcile('2026-11-24', owed, records, [{ ...eth, balanceMinor: 95n }], house);
      expect(result.houseWallets).toEqual([
        {
          walletId: 'house-1',
          asset: 'ETH',
          recordedMinor: 0n,
          houseMinor: 10n,
          onChainMinor: 12n,
          blockNumber: 5n,
          differenceMinor: 2n,
        },
        {
          walletId: 'house-1',
          asset: 'USDT',
          recordedMinor: 0n,
          houseMinor: 0n,
          onChainMinor: 4n,
          blockNumber: 5n,
          differenceMinor: 4n,
        },
      ]);
      expect(result.perAsset).toEqual([
        { asset: 'ETH', owedMinor: 100n, recordedMinor: 100n, houseMinor: 0n, onChainMinor: 95n },
      ]);
      expect(result.differences).toEqual([
        {
          asset: 'ETH',
          source: 'on-chain',
          kind: 'shortfall',
          amountMinor: 5n,
          owedMinor: 100n,
          heldMinor: 95n,
          wallets: ['hot-1'],
        },
        unrecorded('USDT', 4n, ['house-1']),
      ]);
    });

    it('TW-14 given no house wallet, then no house lines', () => {
      expect(reconcile('2026-11-24', owed, records, [eth]).houseWallets).toEqual([]);
    });
  });

  it('TW-14 given unrecorded balances of two assets in client and house wallets out of order, then one finding per asset in order, each naming its wallets in order with their sum', () => {
    const result = reconcile(
      '2026-11-24',
      owed,
      records,
      [
        eth,
        { walletId: 'a-hot', asset: 'USDT', balanceMinor: 2n, blockNumber: 5n },
        { walletId: 'z-hot', asset: 'BTC', balanceMinor: 1n, blockNumber: 5n },
      ],
      {
        records: [],
        onChain: [{ walletId: 'm-house', asset: 'BTC', balanceMinor: 3n, blockNumber: 5n }],
      },
    );
    expect(result.differences.filter((difference) => difference.source === 'unrecorded')).toEqual([
      unrecorded('BTC', 4n, ['m-house', 'z-hot']),
      unrecorded('USDT', 2n, ['a-hot']),
    ]);
  });
});
