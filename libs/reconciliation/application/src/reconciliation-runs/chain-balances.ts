import { blockAtOrBefore, type ChainReader } from '@custody/chain';
import type { OnChainBalance, WalletRecord } from '@custody/reconciliation-domain';
import type { RegisteredWallet } from './reconciliation-run-facts';

/** Wallet x asset balances one run reads at most: every registered wallet, each asset of the registry its chain carries. */
export const CHAIN_READS_MAX = 10_000;
/** One balance read that has not answered within this fails the run (nothing is recorded; it is run again). */
export const CHAIN_READ_TIMEOUT_MS = 15_000;
/** The search for a chain's last block before the close (at most 66 reads) that has not answered within this fails the run. */
export const CHAIN_HEIGHT_TIMEOUT_MS = 60_000;

/** The chain as a run reads it: each wallet's balances at one height per chain, what was read, and the wallets on no chain read. */
export interface ChainBalances {
  /** The client-segregated wallets' balances. */
  readonly onChain: OnChainBalance[];
  /** The house wallets' balances. */
  readonly houseOnChain: OnChainBalance[];
  readonly heights: { chain: string; blockNumber: string }[];
  /** Registered wallets on a chain no reader serves: not read. */
  readonly unread: string[];
  /** Each wallet read and every asset read in it (a balance of 0 of an asset it has no records of is read, not kept). */
  readonly read: { walletId: string; assets: string[] }[];
}

/** `work`, or an error naming `what` once `timeoutMs` has passed without an answer. */
async function within<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every registered wallet's balances at the last block before `asOf` (the close, or the run when
 * provisional), per chain read: in each wallet, each asset of the registry its chain's reader
 * knows (native and tokens), each asset it has records of and, in a client-segregated wallet, each
 * asset clients are owed. A balance is kept when the wallet has records of the asset or clients are
 * owed it (0 included), or when it is above zero: an asset that arrived unrecorded is compared, not
 * missed. A wallet on a chain no reader serves is reported unread. A read that fails or does not
 * answer in time fails the run, naming it: an unanswered read is never taken for a balance.
 */
export async function chainBalances(
  chains: readonly ChainReader[],
  wallets: readonly RegisteredWallet[],
  records: readonly WalletRecord[],
  owedAssets: readonly string[],
  registry: readonly string[],
  asOf: string,
): Promise<ChainBalances> {
  const onChain: OnChainBalance[] = [];
  const houseOnChain: OnChainBalance[] = [];
  const heights: { chain: string; blockNumber: string }[] = [];
  const read: { walletId: string; assets: string[] }[] = [];
  const recordedOf = (walletId: string) =>
    records.filter((record) => record.walletId === walletId).map((record) => record.asset);
  const keptAlways = (wallet: RegisteredWallet) =>
    new Set([
      ...recordedOf(wallet.walletId),
      ...(wallet.ownerClass === 'client-segregated' ? owedAssets : []),
    ]);
  const plans = chains.map((reader) => ({
    reader,
    wallets: wallets
      .filter((wallet) => wallet.chain === reader.chain)
      .map((wallet) => ({
        wallet,
        assets: [...new Set([...registry, ...keptAlways(wallet)])]
          .filter((asset) => reader.assets.includes(asset))
          .sort(),
      })),
  }));
  const reads = plans.reduce(
    (total, plan) => total + plan.wallets.reduce((sum, entry) => sum + entry.assets.length, 0),
    0,
  );
  if (reads > CHAIN_READS_MAX)
    throw new Error(
      `more than ${CHAIN_READS_MAX} wallet x asset balances to read (${reads}): reconcile per chain`,
    );
  for (const { reader, wallets: onThisChain } of plans) {
    if (onThisChain.length === 0) continue;
    const height = await within(
      blockAtOrBefore(reader, Date.parse(asOf) - 1),
      CHAIN_HEIGHT_TIMEOUT_MS,
      `${reader.chain}: the last block before ${asOf}`,
    );
    heights.push({
      chain: reader.chain,
      blockNumber: height === undefined ? 'none' : height.toString(),
    });
    for (const { wallet, assets } of onThisChain) {
      const kept = keptAlways(wallet);
      for (const asset of assets) {
        const balanceMinor =
          height === undefined
            ? 0n
            : await within(
                reader.balanceAt(wallet.address, asset, height),
                CHAIN_READ_TIMEOUT_MS,
                `${reader.chain}: ${asset} of ${wallet.walletId} at block ${height}`,
              );
        if (balanceMinor === 0n && !kept.has(asset)) continue;
        (wallet.ownerClass === 'house' ? houseOnChain : onChain).push({
          walletId: wallet.walletId,
          asset,
          balanceMinor,
          blockNumber: height ?? 0n,
        });
      }
      read.push({ walletId: wallet.walletId, assets });
    }
  }
  const unread = wallets
    .filter((wallet) => !chains.some((reader) => reader.chain === wallet.chain))
    .map((wallet) => wallet.walletId);
  return { onChain, houseOnChain, heights, unread, read };
}
