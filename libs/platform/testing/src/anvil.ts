import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPublicClient, createWalletClient, http, type Abi, type Address, type Hex } from 'viem';
import { freePort } from './service-process';

const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 50;
const OUTPUT_BYTES_MAX = 100_000;
/** Anvil's default chain id; tests may choose another. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON artifact from a package without exports for it
const TEST_TOKEN_ARTIFACT = require('@openzeppelin/contracts/build/contracts/ERC20PresetFixedSupply.json') as { abi: Abi; bytecode: Hex };

export const ANVIL_CHAIN_ID_DEFAULT = 31_337;

/** The platform package of anvil that carries the binary for this machine (what `@foundry-rs/anvil` would pick). */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': 'anvil-linux-amd64',
  'linux-arm64': 'anvil-linux-arm64',
  'darwin-x64': 'anvil-darwin-amd64',
  'darwin-arm64': 'anvil-darwin-arm64',
};

export interface ChainNode {
  /** JSON-RPC over HTTP on 127.0.0.1. */
  readonly rpcUrl: string;
  readonly chainId: number;
  stop(): Promise<void>;
}

export function anvilBinary(): string {
  const platformPackage = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (platformPackage === undefined) throw new Error(`no anvil binary package for ${process.platform}-${process.arch}`);
  const binary = path.join(WORKSPACE_ROOT, 'node_modules/@foundry-rs', platformPackage, 'bin/anvil');
  // package.json lists only the linux-x64 package (this registry serves no other platform's): elsewhere, add yours
  if (!existsSync(binary)) throw new Error(`${binary} is missing: npm install --no-save @foundry-rs/${platformPackage}@1.7.1 (anvil's binary for this platform)`);
  return binary;
}

/**
 * A real local EVM node (anvil, from its npm platform package `@foundry-rs/anvil-<os>-<arch>`) on a free port, for one
 * test file: blocks are mined on each transaction (or every `blockTimeSeconds`). Its dev accounts
 * are anvil's public, well-known test keys: never a secret of ours.
 */
export async function startAnvil(options: { chainId?: number; blockTimeSeconds?: number } = {}): Promise<ChainNode> {
  const port = await freePort();
  const chainId = options.chainId ?? ANVIL_CHAIN_ID_DEFAULT;
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent'];
  if (options.blockTimeSeconds !== undefined) args.push('--block-time', String(options.blockTimeSeconds));
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-OUTPUT_BYTES_MAX)));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${rpcUrl} within ${START_TIMEOUT_MS} ms: ${stderr}`);
    }
    const answered = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    await sleep(POLL_MS);
  }
  return { rpcUrl, chainId, stop: () => stopNode(child) };
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** anvil's unlocked dev accounts (public, well-known test accounts; the node signs for them, no key here). */
export async function anvilAccounts(node: ChainNode): Promise<Address[]> {
  return createWalletClient({ transport: http(node.rpcUrl) }).getAddresses();
}

/**
 * Deploys a small ERC-20 test token (OpenZeppelin 4.9 ERC20PresetFixedSupply, its compiled
 * artifact from npm: no compiler needed) from a dev account, the whole supply to `owner`. Its
 * decimals() says 18 whatever the asset registry says: the wallet counts raw token units.
 */
export async function deployTestToken(node: ChainNode, options: { name: string; symbol: string; supply: bigint; owner: Address; from: Address }): Promise<Address> {
  const walletClient = createWalletClient({ transport: http(node.rpcUrl) });
  const hash = await walletClient.deployContract({
    abi: TEST_TOKEN_ARTIFACT.abi,
    bytecode: TEST_TOKEN_ARTIFACT.bytecode,
    args: [options.name, options.symbol, options.supply, options.owner],
    account: options.from,
    chain: null,
  });
  const receipt = await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || receipt.contractAddress == null) throw new Error(`test token deployment failed: ${receipt.status}`);
  return receipt.contractAddress;
}
