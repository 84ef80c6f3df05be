/** A transfer into a watched address, final or not (confirmations are counted from `blockNumber`). */
export interface ChainTransfer {
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly fromAddress: string;
  readonly toAddress: string;
  readonly transactionHash: string;
  /** Position of the ERC-20 Transfer log in its block; null for a native transfer. */
  readonly logIndex: number | null;
  readonly blockNumber: bigint;
}

/**
 * One chain, read only: its head, balances at a stated height (anyone can read them again there:
 * the evidence of a reconciliation), transfers into watched addresses. The wallet's chain adapter
 * adds preparing and broadcasting; reconciliation needs only this.
 */
export interface ChainReader {
  readonly chain: string;
  /** The asset fees are paid in (ETH on ethereum). */
  readonly feeAsset: string;
  /** Assets this reader can observe. */
  readonly assets: readonly string[];
  head(): Promise<bigint>;
  balanceAt(address: string, asset: string, blockNumber: bigint): Promise<bigint>;
  /** Successful transfers of known assets into `addresses` in blocks [fromBlock, toBlock]. */
  transfersTo(
    addresses: readonly string[],
    fromBlock: bigint,
    toBlock: bigint,
  ): Promise<ChainTransfer[]>;
  /** When a block was mined (ms since the epoch, as the chain records it). */
  blockTime(blockNumber: bigint): Promise<number>;
}

/** A binary search over block times takes at most this many reads (2^64 blocks). */
export const BLOCK_SEARCH_STEPS_MAX = 64;

/**
 * The last block mined at or before an instant (a business day's cut-off), by binary search over
 * block times (they never decrease along the chain); undefined when the chain's first block is
 * later. Never beyond the head.
 */
export async function blockAtOrBefore(
  reader: Pick<ChainReader, 'head' | 'blockTime'>,
  instantMs: number,
): Promise<bigint | undefined> {
  const head = await reader.head();
  if ((await reader.blockTime(head)) <= instantMs) return head;
  if ((await reader.blockTime(0n)) > instantMs) return undefined;
  let low = 0n; // mined at or before the instant
  let high = head; // mined after it
  for (let step = 0; high - low > 1n; step += 1) {
    if (step >= BLOCK_SEARCH_STEPS_MAX)
      throw new Error('assertion: a block search takes at most 64 steps');
    const middle = (low + high) / 2n;
    if ((await reader.blockTime(middle)) <= instantMs) low = middle;
    else high = middle;
  }
  return low;
}

/** Blocks on top of a transaction's block, counting its own (1 when just mined). */
export function confirmationsAt(head: bigint, blockNumber: bigint): number {
  return head < blockNumber ? 0 : Number(head - blockNumber + 1n);
}
