/**
 * A local development chain: anvil (from its npm platform package) for the tests and for
 * `npm start`, and a small ERC-20 token to deploy on it. Never a chain that carries value. A
 * separate entry point (`@custody/chain/local`): no service imports it, so no service image
 * carries it or its development dependencies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createPublicClient,
  createWalletClient,
  http,
  type Abi,
  type Address,
  type Hex,
} from 'viem';

/** The anvil version of the platform packages (package.json pins the linux-x64 one). */
export const ANVIL_VERSION = '1.7.1';
/** Anvil's default chain id. */
export const ANVIL_CHAIN_ID_DEFAULT = 31_337;
export const LOCAL_CHAIN_START_TIMEOUT_MS = 15_000;
export const LOCAL_CHAIN_STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 50;
const OUTPUT_BYTES_MAX = 100_000;

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
  /** The node's process (a node of our own), for a later start to find it if this process dies. */
  readonly pid?: number;
  stop(): Promise<void>;
}

export interface LocalChainOptions {
  readonly port: number;
  readonly chainId?: number;
  /** Interval mining; unset: a block on each transaction. */
  readonly blockTimeSeconds?: number;
  /** Where the chain is kept across restarts (anvil --state: loaded at start, dumped on exit and every `stateIntervalSeconds`). */
  readonly stateFile?: string;
  readonly stateIntervalSeconds?: number;
  /** Unlocked development accounts (anvil's default: 10). */
  readonly accounts?: number;
  /** Written with the node's pid as soon as it is spawned (stopLeftOverNode finds it after a crash). */
  readonly pidFile?: string;
  /**
   * In a process group of its own: Ctrl-C at a terminal reaches the parent only, which stops the
   * node itself after what uses it (a node left by a killed parent is found by its pid file).
   */
  readonly detached?: boolean;
}

/**
 * The local EVM node's binary (anvil, from its npm platform package `@foundry-rs/anvil-<os>-<arch>`).
 * Throws with the install command when it is missing.
 */
export function anvilBinary(): string {
  const platformPackage = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (platformPackage === undefined)
    throw new Error(`no anvil binary package for ${process.platform}-${process.arch}`);
  let binary: string | undefined;
  try {
    binary = join(
      dirname(require.resolve(`@foundry-rs/${platformPackage}/package.json`)),
      'bin/anvil',
    );
  } catch {
    // not installed: reported below
  }
  // package.json lists only the linux-x64 package (this registry serves no other platform's): elsewhere, add yours
  if (binary === undefined || !existsSync(binary))
    throw new Error(
      `anvil's binary is missing: npm install --no-save @foundry-rs/${platformPackage}@${ANVIL_VERSION} (anvil for this platform)`,
    );
  return binary;
}

/**
 * Starts anvil on 127.0.0.1:`port` and waits until it answers. Its dev accounts are anvil's
 * public, well-known test keys: never a secret of ours.
 */
export async function startLocalChain(options: LocalChainOptions): Promise<ChainNode> {
  const chainId = options.chainId ?? ANVIL_CHAIN_ID_DEFAULT;
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--chain-id',
    String(chainId),
    '--silent',
  ];
  if (options.blockTimeSeconds !== undefined)
    args.push('--block-time', String(options.blockTimeSeconds));
  if (options.accounts !== undefined) args.push('--accounts', String(options.accounts));
  if (options.stateFile !== undefined)
    args.push(
      '--state',
      options.stateFile,
      ...(options.stateIntervalSeconds === undefined
        ? []
        : ['--state-interval', String(options.stateIntervalSeconds)]),
    );
  const child = spawn(anvilBinary(), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: options.detached === true,
  });
  if (options.pidFile !== undefined && child.pid !== undefined)
    writeFileSync(options.pidFile, `${child.pid}\n`, { mode: 0o600 });
  let stderr = '';
  child.stderr?.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-OUTPUT_BYTES_MAX)),
  );
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  let failure: Error | undefined;
  void spawnFailed.then((error) => (failure = error));
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  const started = Date.now();
  for (;;) {
    if (failure !== undefined) throw new Error(`anvil could not be started: ${failure.message}`);
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() - started > LOCAL_CHAIN_START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(
        `anvil did not answer on ${rpcUrl} within ${LOCAL_CHAIN_START_TIMEOUT_MS} ms: ${stderr}`,
      );
    }
    const answered = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    await sleep(POLL_MS);
  }
  return {
    rpcUrl,
    chainId,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    stop: () => stopNode(child, options.pidFile),
  };
}

/** SIGTERM (anvil dumps its --state file then), SIGKILL after LOCAL_CHAIN_STOP_TIMEOUT_MS. */
async function stopNode(child: ChildProcess, pidFile: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), LOCAL_CHAIN_STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  if (pidFile !== undefined) rmSync(pidFile, { force: true });
}

/**
 * A node left running by a process that was killed, named by its pid file, is stopped (SIGTERM:
 * it writes its state; SIGKILL past LOCAL_CHAIN_STOP_TIMEOUT_MS). Only when, on Linux, its command
 * line is anvil on `stateFile`: after a reboot the pid may be another program's. True when one was stopped.
 */
export async function stopLeftOverNode(pidFile: string, stateFile: string): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  const command = `/proc/${pid}/cmdline`;
  if (!Number.isSafeInteger(pid) || pid <= 0 || !existsSync(command)) return false;
  const args = readFileSync(command, 'utf8').split('\0');
  if (!args.some((arg) => arg.endsWith('anvil')) || !args.includes(stateFile)) return false;
  const gone = async (deadline: number) => {
    while (existsSync(command) && Date.now() < deadline) await sleep(POLL_MS);
    return !existsSync(command);
  };
  process.kill(pid, 'SIGTERM');
  if (!(await gone(Date.now() + LOCAL_CHAIN_STOP_TIMEOUT_MS))) {
    process.kill(pid, 'SIGKILL');
    await gone(Date.now() + LOCAL_CHAIN_STOP_TIMEOUT_MS);
  }
  return true;
}

/**
 * Deploys a small ERC-20 token on a local development chain (OpenZeppelin 4.9
 * ERC20PresetFixedSupply, its compiled artifact from npm, a development dependency: no compiler
 * needed) from one of the node's unlocked accounts, the whole supply to `owner`. Its decimals()
 * says 18 whatever the asset registry says: the wallet counts raw token units.
 */
export async function deployDevelopmentToken(
  rpcUrl: string,
  options: { name: string; symbol: string; supply: bigint; owner: Address; from: Address },
): Promise<Address> {
  // loaded here, not at the top: a development dependency, absent from a production image
  const artifact =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON artifact from a package without exports for it
    require('@openzeppelin/contracts/build/contracts/ERC20PresetFixedSupply.json') as {
      abi: Abi;
      bytecode: Hex;
    };
  const hash = await createWalletClient({ transport: http(rpcUrl) }).deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args: [options.name, options.symbol, options.supply, options.owner],
    account: options.from,
    chain: null,
  });
  const receipt = await createPublicClient({ transport: http(rpcUrl) }).waitForTransactionReceipt({
    hash,
  });
  if (receipt.status !== 'success' || receipt.contractAddress == null)
    throw new Error(`token deployment failed: ${receipt.status}`);
  return receipt.contractAddress;
}
