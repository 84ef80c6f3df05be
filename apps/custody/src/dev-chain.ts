/**
 * The runner's local chain (issue 9): anvil from its npm package, kept across restarts in the
 * data directory, with a USDT-like ERC-20 deployed on the first start. The exchange and its
 * simulated clients are anvil's unlocked development accounts (public, well-known test keys: the
 * node signs for them; no key of theirs is ours to keep). The wallet's own keys are in the
 * development key vault (WALLET_DEV_KEY_DIR), never anvil's.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { ANVIL_CHAIN_ID_DEFAULT, deployDevelopmentToken, startLocalChain, type ChainNode } from '@custody/chain/local';
import type { Logger } from '@custody/observability';
import { createWalletClient, http, isAddress, type Address } from 'viem';

/** Seconds per block: a deposit or withdrawal sees its confirmations within seconds. */
export const DEV_CHAIN_BLOCK_SECONDS = 1;
/** The chain is also written to disk this often (and on a clean stop): a killed runner loses at most this much of it. */
export const DEV_CHAIN_STATE_INTERVAL_SECONDS = 10;
/** The USDT-like token's whole supply, to the exchange's account (registry minor units: 6 decimals). */
export const DEV_USDT_SUPPLY_MINOR = 10n ** 9n * 10n ** 6n;

export interface DevChain {
  readonly node: ChainNode;
  readonly usdt: Address;
  /** anvil's account 0: the exchange (token supply, gas). */
  readonly exchange: Address;
  /** anvil's accounts 1..: one per simulated client, in the simulator's order. */
  readonly clientAddresses: readonly Address[];
  /** The chain for the wallet, reconciliation and policy services. */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** How long a left-over node is given to write its state and exit. */
const LEFT_OVER_STOP_MS = 5_000;

/**
 * A node left running by a runner that was killed (its pid file names it, and on Linux its
 * command line is anvil on this very state file) is stopped first; it writes its state as it goes.
 */
async function stopLeftOver(pidFile: string, stateFile: string, logger: Logger): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  const command = `/proc/${pid}/cmdline`;
  if (!Number.isSafeInteger(pid) || pid <= 0 || !existsSync(command)) return;
  const args = readFileSync(command, 'utf8').split('\0');
  if (!args.some((arg) => arg.endsWith('anvil')) || !args.includes(stateFile)) return; // another program has that pid now
  logger.warn({ pid }, 'chain: a node left running by an earlier runner is stopped first');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + LEFT_OVER_STOP_MS;
  while (existsSync(command) && Date.now() < deadline) await sleep(50);
  if (existsSync(command)) process.kill(pid, 'SIGKILL');
}

/** Starts (or resumes) the chain on `port` with an account for the exchange and each of `clients`. */
export async function startDevChain(options: { dataDir: string; port: number; clients: number; logger: Logger }): Promise<DevChain> {
  const directory = join(options.dataDir, 'chain');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const pidFile = join(directory, 'anvil.pid');
  await stopLeftOver(pidFile, join(directory, 'state.json'), options.logger);
  const node = await startLocalChain({
    port: options.port,
    chainId: ANVIL_CHAIN_ID_DEFAULT,
    blockTimeSeconds: DEV_CHAIN_BLOCK_SECONDS,
    stateFile: join(directory, 'state.json'),
    stateIntervalSeconds: DEV_CHAIN_STATE_INTERVAL_SECONDS,
    accounts: options.clients + 1,
  });
  if (node.pid !== undefined) writeFileSync(pidFile, `${node.pid}\n`);
  try {
    const accounts = await createWalletClient({ transport: http(node.rpcUrl) }).getAddresses();
    const [exchange, ...clientAddresses] = accounts;
    if (exchange === undefined || clientAddresses.length < options.clients) throw new Error(`anvil has ${accounts.length} accounts, ${options.clients + 1} needed`);
    const tokensFile = join(directory, 'tokens.json');
    let usdt = existsSync(tokensFile) ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as { USDT?: string }).USDT : undefined;
    if (usdt === undefined || !isAddress(usdt)) {
      usdt = await deployDevelopmentToken(node.rpcUrl, { name: 'Tether USD (development)', symbol: 'USDT', supply: DEV_USDT_SUPPLY_MINOR, owner: exchange, from: exchange });
      writeFileSync(tokensFile, `${JSON.stringify({ USDT: usdt }, null, 2)}\n`);
      options.logger.info({ usdt }, 'chain: USDT deployed');
    }
    const chain = { RPC_URL: node.rpcUrl, CHAIN_ID: String(node.chainId), CHAIN: 'ethereum', NATIVE_ASSET: 'ETH', TOKENS: `USDT=${usdt}` };
    const environment = Object.fromEntries(['WALLET_EVM', 'RECON_EVM', 'POLICY_EVM'].flatMap((prefix) => Object.entries(chain).map(([name, value]) => [`${prefix}_${name}`, value])));
    const stop = async () => {
      await node.stop();
      rmSync(pidFile, { force: true });
    };
    return { node, usdt: usdt as Address, exchange, clientAddresses: clientAddresses.slice(0, options.clients), environment, stop };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
