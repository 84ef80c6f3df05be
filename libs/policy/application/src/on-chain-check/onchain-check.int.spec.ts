import { EvmChainReader } from '@custody/chain';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  anvilAccounts,
  createTestDatabase,
  startAnvil,
  type ChainNode,
  type TestDatabase,
} from '@custody/testing';
import { createPublicClient, createWalletClient, http, parseEther, type Address } from 'viem';
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
});
