/**
 * The runner's local chain (issue 9): anvil from its npm package, kept across restarts in the
 * data directory, with a USDT-like ERC-20 deployed on the first start. The exchange and its
 * simulated clients are anvil's unlocked development accounts (public, well-known test keys: the
 * node signs for them; no key of theirs is ours to keep). The wallet's own keys are in the
 * development key vault (WALLET_DEV_KEY_DIR), never anvil's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANVIL_CHAIN_ID_DEFAULT,
  deployDevelopmentToken,
  startLocalChain,
  stopLeftOverNode,
  type ChainNode,
} from '@custody/chain/local';
import type { Logger } from '@custody/observability';
import {
  createPublicClient,
  createWalletClient,
  http,
  isAddress,
  type Address,
  type PublicClient,
} from 'viem';

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
  /** SIGTERM to the node now, without waiting (it writes its state and exits): for a process about to exit. */
  kill(): void;
}

/** Starts (or resumes) the chain on `port` with an account for the exchange and each of `clients`. */
export async function startDevChain(options: {
  dataDir: string;
  port: number;
  clients: number;
  logger: Logger;
}): Promise<DevChain> {
  const directory = join(options.dataDir, 'chain');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const pidFile = join(directory, 'anvil.pid');
  const stateFile = join(directory, 'state.json');
  if (await stopLeftOverNode(pidFile, stateFile))
    options.logger.warn(
      {},
      'chain: a node left running by an earlier runner was stopped first (it wrote its state)',
    );
  const node = await startLocalChain({
    port: options.port,
    chainId: ANVIL_CHAIN_ID_DEFAULT,
    blockTimeSeconds: DEV_CHAIN_BLOCK_SECONDS,
    stateFile,
    stateIntervalSeconds: DEV_CHAIN_STATE_INTERVAL_SECONDS,
    accounts: options.clients + 1,
    pidFile,
    detached: true,
  });
  const lastBlockFile = join(directory, 'last-block.json');
  const reader = createPublicClient({ transport: http(node.rpcUrl) });
  try {
    await checkNotRewound(reader, lastBlockFile, options.logger);
    const accounts = await createWalletClient({ transport: http(node.rpcUrl) }).getAddresses();
    const [exchange, ...clientAddresses] = accounts;
    if (exchange === undefined || clientAddresses.length < options.clients)
      throw new Error(`anvil has ${accounts.length} accounts, ${options.clients + 1} needed`);
    const tokensFile = join(directory, 'tokens.json');
    let usdt = existsSync(tokensFile)
      ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as { USDT?: string }).USDT
      : undefined;
    // a token the chain no longer holds (its state lost): a transfer to an address without code succeeds and does nothing
    if (
      usdt !== undefined &&
      isAddress(usdt) &&
      (await reader.getCode({ address: usdt })) === undefined
    ) {
      options.logger.error(
        { usdt },
        'chain: the USDT contract recorded in tokens.json is not on the chain (its state was lost); deploying it again',
      );
      usdt = undefined;
    }
    if (usdt === undefined || !isAddress(usdt)) {
      usdt = await deployDevelopmentToken(node.rpcUrl, {
        name: 'Tether USD (development)',
        symbol: 'USDT',
        supply: DEV_USDT_SUPPLY_MINOR,
        owner: exchange,
        from: exchange,
      });
      writeFileSync(tokensFile, `${JSON.stringify({ USDT: usdt }, null, 2)}\n`);
      options.logger.info({ usdt }, 'chain: USDT deployed');
    }
    const chain = {
      RPC_URL: node.rpcUrl,
      CHAIN_ID: String(node.chainId),
      CHAIN: 'ethereum',
      NATIVE_ASSET: 'ETH',
      TOKENS: `USDT=${usdt}`,
    };
    const environment = Object.fromEntries(
      ['WALLET_EVM', 'RECON_EVM', 'POLICY_EVM'].flatMap((prefix) =>
        Object.entries(chain).map(([name, value]) => [`${prefix}_${name}`, value]),
      ),
    );
    let stopped = false;
    const stop = async () => {
      stopped = true;
      // the block the books last saw: the next start checks the chain still has it
      await recordLastBlock(reader, lastBlockFile).catch((error: unknown) =>
        options.logger.warn(
          { error: (error as Error).message },
          'chain: the last block was not recorded',
        ),
      );
      await node.stop();
    };
    return {
      node,
      usdt: usdt as Address,
      exchange,
      clientAddresses: clientAddresses.slice(0, options.clients),
      environment,
      stop,
      kill: () => {
        if (stopped || node.pid === undefined) return;
        stopped = true;
        try {
          process.kill(node.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      },
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

/** The chain's latest block, kept beside its state at every clean stop. */
async function recordLastBlock(reader: PublicClient, file: string): Promise<void> {
  const block = await reader.getBlock({ blockTag: 'latest' });
  writeFileSync(file, `${JSON.stringify({ number: block.number.toString(), hash: block.hash })}\n`);
}

/**
 * The chain must still hold the block recorded at the last clean stop. A node killed without
 * writing its state resumes from an older one: what the books credited since is then not on the
 * chain, which reconciliation reports as a shortfall. Said plainly at start, with what to do.
 */
async function checkNotRewound(reader: PublicClient, file: string, logger: Logger): Promise<void> {
  if (!existsSync(file)) return;
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as { number: string; hash: string };
  const block = await reader
    .getBlock({ blockNumber: BigInt(recorded.number) })
    .catch(() => undefined);
  if (block?.hash === recorded.hash) return;
  logger.error(
    {
      recordedBlock: recorded.number,
      recordedHash: recorded.hash,
      found: block?.hash ?? 'no such block',
    },
    'chain: the local chain lost blocks the books saw (its node was killed before it wrote its state): on-chain balances now differ from the ledger and reconciliation will report it; delete the data directory to start afresh',
  );
}
