import { EvmChainReader, type ChainReader } from '@custody/chain';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  anvilAccounts,
  createTestDatabase,
  deployTestToken,
  startAnvil,
  type ChainNode,
  type TestDatabase,
} from '@custody/testing';
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  parseEther,
  type Address,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { composePolicy, type ComposedPolicy } from '../testing/compose-policy';

const decimals = new Map(
  Object.entries(DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>).map(
    ([asset, { decimals: places }]) => [asset, places],
  ),
);

/**
 * TW-14 (last paragraph) on a real chain: the wallet records put 80 ETH cold and 20 hot (TW-3
 * passes on them), the chain holds 70 and 30. The check reads the chain at the last block, recomputes
 * the ratios and the cap from it alone, fails TW-3 where the records pass, and records the heights.
 */
describe('policy service: the monthly on-chain check (anvil, PostgreSQL)', () => {
  let db: TestDatabase;
  let node: ChainNode;
  let policy: ComposedPolicy;
  const cold = privateKeyToAccount(generatePrivateKey()).address;
  const hot = privateKeyToAccount(generatePrivateKey()).address;

  beforeAll(async () => {
    [db, node] = await Promise.all([createTestDatabase(), startAnvil()]);
    const store = new PostgresEventStore({ pool: db.pool, schema: 'policy' });
    await store.migrate();
    policy = composePolicy({
      store,
      jurisdictions: ['TW'],
      reportCurrency: 'USD',
      decimals,
      insurance: [],
    });
    await policy.migrate();
    await store.withTransaction(async ({ client }) => {
      const at = policy.clock.at();
      await policy.facts.registerWallet(client, at, {
        walletId: 'cold-1',
        tier: 'cold',
        ownerClass: 'client-segregated',
        chain: 'ethereum',
        address: cold,
      });
      await policy.facts.registerWallet(client, at, {
        walletId: 'hot-1',
        tier: 'hot',
        ownerClass: 'client-segregated',
        chain: 'ethereum',
        address: hot,
      });
      await policy.facts.addHolding(client, at, 'cold-1', 'ETH', parseEther('80'), 0n);
      await policy.facts.addHolding(client, at, 'hot-1', 'ETH', parseEther('20'), 0n);
      // TW-3 passes by value as well as by quantity: a price is needed to fail it on both
      await policy.facts.observePrice(client, at, {
        asset: 'ETH',
        quoteCurrency: 'USD',
        price: '3000',
        observedAt: at,
      });
    });
    const [funder] = (await anvilAccounts(node)) as [Address];
    const chain = createPublicClient({ transport: http(node.rpcUrl) });
    for (const [to, value] of [
      [cold, parseEther('70')],
      [hot, parseEther('30')],
    ] as const) {
      const hash = await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
        account: funder,
        to,
        value,
        chain: null,
      });
      await chain.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    }
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    await db?.drop();
  });

  it('TW-14 given the records passing TW-3 but the chain at 70% cold, then the check fails TW-3 on the chain, with the balances and the height read', async () => {
    expect(
      (await policy.compliance.status()).results.find((result) => result.ruleId === 'TW-3')
        ?.verdict,
    ).toBe('pass');
    const reader = new EvmChainReader({
      chain: 'ethereum',
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
      nativeAsset: 'ETH',
      tokens: {},
    });
    const check = await policy.runOnChainCheck.handle([reader]);
    expect(check.heights).toEqual([
      { chain: 'ethereum', blockNumber: (await reader.head()).toString() },
    ]);
    expect(check.balances).toEqual([
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: parseEther('70') },
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: parseEther('30') },
    ]);
    expect(check.results.find((result) => result.ruleId === 'TW-3')).toMatchObject({
      verdict: 'fail',
      policyVersion: 'TW-default-1',
    });
    expect(check.unread).toEqual([]);
    expect((await policy.onChainChecks.recent(5)).map((recorded) => recorded.checkId)).toEqual([
      check.checkId,
    ]);
  });

  it('TW-14 a wallet on a chain with no reader is named unread, not counted as empty', async () => {
    const check = await policy.runOnChainCheck.handle([]);
    expect(check).toMatchObject({ heights: [], unread: ['cold-1', 'hot-1'], balances: [] });
  });

  it('TW-14 given 5 USDC sent on chain to a client wallet and 1 ETH to a house wallet that no deposit recorded, then every asset of the registry on the chain is read in every wallet and each such balance is a failing TW-14 item naming wallet, asset, recorded 0 and the amount', async () => {
    const [funder] = (await anvilAccounts(node)) as [Address];
    const house = privateKeyToAccount(generatePrivateKey()).address;
    const usdc = await deployTestToken(node, {
      name: 'Test USD Coin',
      symbol: 'USDC',
      supply: 1_000_000_000_000n,
      owner: funder,
      from: funder,
    });
    await policy.store.withTransaction(({ client }) =>
      policy.facts.registerWallet(client, policy.clock.at(), {
        walletId: 'house-1',
        tier: 'hot',
        ownerClass: 'house',
        chain: 'ethereum',
        address: house,
      }),
    );
    const chain = createPublicClient({ transport: http(node.rpcUrl) });
    const wallet = createWalletClient({ transport: http(node.rpcUrl) });
    for (const hash of [
      await wallet.writeContract({
        address: usdc,
        abi: erc20Abi,
        functionName: 'transfer',
        args: [hot, 5_000_000n],
        account: funder,
        chain: null,
      }),
      await wallet.sendTransaction({
        account: funder,
        to: house,
        value: parseEther('1'),
        chain: null,
      }),
    ])
      await chain.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    const reader = new EvmChainReader({
      chain: 'ethereum',
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
      nativeAsset: 'ETH',
      tokens: { USDC: usdc },
    });

    const check = await policy.runOnChainCheck.handle([reader]);
    expect(check.balances).toEqual([
      { walletId: 'cold-1', asset: 'ETH', balanceMinor: parseEther('70') },
      { walletId: 'cold-1', asset: 'USDC', balanceMinor: 0n },
      { walletId: 'hot-1', asset: 'ETH', balanceMinor: parseEther('30') },
      { walletId: 'hot-1', asset: 'USDC', balanceMinor: 5_000_000n },
      { walletId: 'house-1', asset: 'ETH', balanceMinor: parseEther('1') },
      { walletId: 'house-1', asset: 'USDC', balanceMinor: 0n },
    ]);
    expect(check).toMatchObject({ unread: [], unreadBalances: [] });
    expect(check.results.filter((result) => result.ruleId === 'TW-14')).toEqual([
      expect.objectContaining({
        subject: 'all',
        verdict: 'fail',
        figures: { walletsRead: '3', balancesRead: '6', unrecorded: '2', unread: '0' },
      }),
      expect.objectContaining({
        subject: 'hot-1/USDC',
        verdict: 'fail',
        reason:
          'client-segregated hot wallet hot-1 holds 5.000000 USDC (5000000 minor units) on chain that the records do not have: they have 0.000000 USDC (0 minor units)',
        figures: {
          recorded: '0.000000',
          onChain: '5.000000',
          recordedMinor: '0',
          onChainMinor: '5000000',
        },
      }),
      expect.objectContaining({
        subject: 'house-1/ETH',
        verdict: 'fail',
        figures: {
          recorded: '0.000000000000000000',
          onChain: '1.000000000000000000',
          recordedMinor: '0',
          onChainMinor: parseEther('1').toString(),
        },
      }),
    ]);
    const [recorded] = await policy.onChainChecks.recent(1);
    expect(
      recorded?.results
        .filter((result) => result.verdict === 'fail')
        .map((result) => `${result.ruleId} ${result.subject}`),
    ).toEqual(['TW-14 all', 'TW-14 hot-1/USDC', 'TW-14 house-1/ETH']);
    // the unrecorded USDC is the clients' on chain: all of it hot, and with no price TW-3 cannot pass on value
    expect(recorded?.results.find((result) => result.ruleId === 'TW-3')?.verdict).toBe(
      'indeterminate',
    );
  });

  it('TW-14 given a chain whose node does not answer and a token read that fails, then what was not read is named with why, and nothing passes on it', async () => {
    const reader = new EvmChainReader({
      chain: 'ethereum',
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
      nativeAsset: 'ETH',
      tokens: { USDC: `0x${'7'.repeat(40)}` }, // no contract there: its reads fail
    });
    const partly = await policy.runOnChainCheck.handle([reader]);
    expect(partly.unread).toEqual(['cold-1', 'hot-1', 'house-1']);
    expect(partly.unreadBalances?.map((entry) => [entry.walletId, entry.asset])).toEqual([
      ['cold-1', 'USDC'],
      ['hot-1', 'USDC'],
      ['house-1', 'USDC'],
    ]);
    expect(partly.balances.map((balance) => `${balance.walletId} ${balance.asset}`)).toEqual([
      'cold-1 ETH',
      'hot-1 ETH',
      'house-1 ETH',
    ]);
    const down: ChainReader = {
      chain: reader.chain,
      feeAsset: reader.feeAsset,
      assets: reader.assets,
      head: () => Promise.reject(new Error('connection refused')),
      blockTime: (blockNumber) => reader.blockTime(blockNumber),
      balanceAt: (address, asset, blockNumber) => reader.balanceAt(address, asset, blockNumber),
      transfersTo: (addresses, from, to) => reader.transfersTo(addresses, from, to),
    };
    const check = await policy.runOnChainCheck.handle([down]);
    expect(check).toMatchObject({
      heights: [],
      balances: [],
      unread: ['cold-1', 'hot-1', 'house-1'],
    });
    expect(check.unreadBalances?.[0]).toEqual({
      walletId: 'cold-1',
      asset: null,
      reason: expect.stringMatching(
        /^ethereum: its last block before .* could not be read: connection refused$/,
      ),
    });
    expect(check.results.map((result) => [result.ruleId, result.verdict])).toEqual([
      ['TW-3', 'indeterminate'],
      ['TW-14', 'indeterminate'],
    ]);
  });
});
