import {
  createPublicClient,
  erc20Abi,
  getAddress,
  http,
  parseEventLogs,
  type Address,
  type PublicClient,
} from 'viem';
import type { ChainReader, ChainTransfer } from './chain-reader';

/** Blocks scanned per call of transfersTo: a long gap is walked in slices the caller checkpoints. */
export const EVM_SCAN_BLOCKS_MAX = 500n;
/** A JSON-RPC call that does not answer within this is an error (retried by the caller's loop). */
export const EVM_RPC_TIMEOUT_MS = 10_000;

export interface EvmChainOptions {
  readonly chain: string;
  readonly rpcUrl: string;
  readonly chainId: number;
  /** The native asset (ETH). */
  readonly nativeAsset: string;
  /** ERC-20 assets: asset -> token contract. */
  readonly tokens: Readonly<Record<string, string>>;
}

/** The node answers for another chain than configured: nothing may be signed or broadcast through it. */
export class ChainIdMismatchError extends Error {
  override readonly name = 'ChainIdMismatchError';
}

/** EVM over JSON-RPC (viem), read only: native transfers from blocks, ERC-20 transfers from Transfer logs, balances at a height. */
export class EvmChainReader implements ChainReader {
  readonly chain: string;
  readonly feeAsset: string;
  readonly assets: readonly string[];
  protected readonly client: PublicClient;
  protected readonly tokenOf: ReadonlyMap<string, Address>;
  /** lower-case token address -> asset */
  protected readonly assetOfToken: ReadonlyMap<string, string>;

  constructor(protected readonly options: EvmChainOptions) {
    this.chain = options.chain;
    this.feeAsset = options.nativeAsset;
    this.assets = [options.nativeAsset, ...Object.keys(options.tokens)];
    this.client = createPublicClient({
      transport: http(options.rpcUrl, { timeout: EVM_RPC_TIMEOUT_MS, retryCount: 0 }),
    });
    this.tokenOf = new Map(
      Object.entries(options.tokens).map(([asset, address]) => [asset, getAddress(address)]),
    );
    this.assetOfToken = new Map(
      Object.entries(options.tokens).map(([asset, address]) => [address.toLowerCase(), asset]),
    );
  }

  /** The node serves the chain this adapter signs for (a transaction signed for chain 1 must not go to another). */
  async verifyChainId(): Promise<void> {
    const served = await this.client.getChainId();
    if (served !== this.options.chainId)
      throw new ChainIdMismatchError(
        `the ${this.options.chain} node serves chain id ${served}, configured ${this.options.chainId}`,
      );
  }

  head(): Promise<bigint> {
    return this.client.getBlockNumber({ cacheTime: 0 });
  }

  async blockTime(blockNumber: bigint): Promise<number> {
    const block = await this.client.getBlock({ blockNumber });
    return Number(block.timestamp) * 1000;
  }

  async balanceAt(address: string, asset: string, blockNumber: bigint): Promise<bigint> {
    if (asset === this.options.nativeAsset)
      return this.client.getBalance({ address: getAddress(address), blockNumber });
    return this.client.readContract({
      address: this.token(asset),
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [getAddress(address)],
      blockNumber,
    });
  }

  async transfersTo(
    addresses: readonly string[],
    fromBlock: bigint,
    toBlock: bigint,
  ): Promise<ChainTransfer[]> {
    if (toBlock < fromBlock || addresses.length === 0) return [];
    if (toBlock - fromBlock + 1n > EVM_SCAN_BLOCKS_MAX)
      throw new Error(`assertion: scan at most ${EVM_SCAN_BLOCKS_MAX} blocks at once`);
    const watched = new Set(addresses.map((address) => address.toLowerCase()));
    const transfers: ChainTransfer[] = [];
    for (let number = fromBlock; number <= toBlock; number += 1n) {
      const block = await this.client.getBlock({ blockNumber: number, includeTransactions: true });
      for (const transaction of block.transactions) {
        if (
          transaction.to === null ||
          transaction.value === 0n ||
          !watched.has(transaction.to.toLowerCase())
        )
          continue;
        const receipt = await this.client.getTransactionReceipt({ hash: transaction.hash });
        if (receipt.status !== 'success') continue; // a reverted transaction moved nothing
        transfers.push({
          asset: this.options.nativeAsset,
          amountMinor: transaction.value,
          fromAddress: transaction.from,
          toAddress: transaction.to,
          transactionHash: transaction.hash,
          logIndex: null,
          blockNumber: number,
        });
      }
    }
    if (this.tokenOf.size > 0) {
      const logs = await this.client.getLogs({
        address: [...this.tokenOf.values()],
        event: erc20Abi.find(
          (item) => item.type === 'event' && item.name === 'Transfer',
        ) as Extract<(typeof erc20Abi)[number], { name: 'Transfer'; type: 'event' }>,
        args: { to: [...watched].map((address) => getAddress(address)) },
        fromBlock,
        toBlock,
      });
      for (const log of parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs })) {
        const asset = this.assetOfToken.get(log.address.toLowerCase());
        if (
          asset === undefined ||
          log.blockNumber === null ||
          log.transactionHash === null ||
          log.logIndex === null
        )
          continue;
        transfers.push({
          asset,
          amountMinor: log.args.value,
          fromAddress: log.args.from,
          toAddress: log.args.to,
          transactionHash: log.transactionHash,
          logIndex: log.logIndex,
          blockNumber: log.blockNumber,
        });
      }
    }
    return transfers.sort((a, b) =>
      a.blockNumber === b.blockNumber
        ? (a.logIndex ?? -1) - (b.logIndex ?? -1)
        : a.blockNumber < b.blockNumber
          ? -1
          : 1,
    );
  }

  protected token(asset: string): Address {
    const token = this.tokenOf.get(asset);
    if (token === undefined) throw new Error(`assertion: ${this.chain} has no token for ${asset}`);
    return token;
  }
}
