import { createPublicClient, createTestClient, createWalletClient, http, parseEther } from 'viem';
import { startAnvil, type ChainNode } from './anvil';

const ADDRESS = '0x00000000000000000000000000000000c0ffee01';
const ANVIL_DEV_ACCOUNT = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

/** The chain-node fixture: a real EVM JSON-RPC node (anvil from npm), not a simulation. */
describe('anvil chain node fixture', () => {
  let node: ChainNode;

  beforeAll(async () => {
    node = await startAnvil({ chainId: 1_337 });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('answers JSON-RPC with its chain id, mines on request, executes a transfer and keeps balances per block height', async () => {
    const client = createPublicClient({ transport: http(node.rpcUrl) });
    const testClient = createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) });
    expect(await client.getChainId()).toBe(1_337);
    const start = await client.getBlockNumber({ cacheTime: 0 });
    await testClient.mine({ blocks: 3 });
    const before = await client.getBlockNumber({ cacheTime: 0 });
    expect(before).toBe(start + 3n);
    // a real transfer from anvil's first (public, well-known) dev account, mined at once
    const hash = await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
      account: ANVIL_DEV_ACCOUNT,
      to: ADDRESS,
      value: parseEther('2'),
      chain: null,
    });
    expect(await client.waitForTransactionReceipt({ hash })).toMatchObject({
      status: 'success',
      blockNumber: before + 1n,
    });
    expect(await client.getBalance({ address: ADDRESS })).toBe(parseEther('2'));
    expect(await client.getBalance({ address: ADDRESS, blockNumber: before })).toBe(0n);
  });

  it('stops: the port no longer answers', async () => {
    const second = await startAnvil();
    await second.stop();
    await expect(fetch(second.rpcUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
