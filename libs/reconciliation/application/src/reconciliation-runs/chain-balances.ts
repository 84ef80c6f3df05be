import { blockAtOrBefore, type ChainReader } from '@custody/chain';
import type { OnChainBalance, WalletRecord } from '@custody/reconciliation-domain';
import type { ClientWallet } from './reconciliation-run-facts';

/** The chain as a run reads it: each wallet's balances at one height per chain, and the wallets on no chain read. */
export interface ChainBalances {
  readonly onChain: OnChainBalance[];
  readonly heights: { chain: string; blockNumber: string }[];
  readonly unread: string[];
}

/**
 * The client-segregated wallets' balances at the last block before `asOf` (the close, or the run
 * when provisional), per chain read: each asset a wallet has records of or clients are owed; a
 * wallet on a chain no reader serves is reported unread.
 */
export async function chainBalances(
  chains: readonly ChainReader[],
  wallets: readonly ClientWallet[],
  records: readonly WalletRecord[],
  owedAssets: readonly string[],
  asOf: string,
): Promise<ChainBalances> {
  const onChain: OnChainBalance[] = [];
  const heights: { chain: string; blockNumber: string }[] = [];
  const unread: string[] = [];
  const assetsOf = (walletId: string, reader: ChainReader) =>
    [
      ...new Set([
        ...records.filter((record) => record.walletId === walletId).map((record) => record.asset),
        ...owedAssets.filter((asset) => reader.assets.includes(asset)),
      ]),
    ]
      .filter((asset) => reader.assets.includes(asset))
      .sort();
  for (const reader of chains) {
    const onThisChain = wallets.filter((wallet) => wallet.chain === reader.chain);
    if (onThisChain.length === 0) continue;
    const height = await blockAtOrBefore(reader, Date.parse(asOf) - 1);
    heights.push({
      chain: reader.chain,
      blockNumber: height === undefined ? 'none' : height.toString(),
    });
    for (const wallet of onThisChain) {
      for (const asset of assetsOf(wallet.walletId, reader)) {
        onChain.push({
          walletId: wallet.walletId,
          asset,
          balanceMinor:
            height === undefined ? 0n : await reader.balanceAt(wallet.address, asset, height),
          blockNumber: height ?? 0n,
        });
      }
    }
  }
  for (const wallet of wallets)
    if (!chains.some((reader) => reader.chain === wallet.chain)) unread.push(wallet.walletId);
  return { onChain, heights, unread };
}
