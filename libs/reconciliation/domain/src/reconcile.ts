/**
 * TW-14 / HK-21: the TW-13 total per asset (what clients are owed) against (a) what the wallet
 * service records in client-segregated wallets and (b) what the chain shows for them at stated
 * heights; every difference named per asset and per wallet. Pure.
 */
export interface WalletRecord {
  readonly walletId: string;
  readonly asset: string;
  /** What the wallet service's records put in this client-segregated wallet for clients (minor units). */
  readonly recordedMinor: bigint;
}

export interface OnChainBalance {
  readonly walletId: string;
  readonly asset: string;
  readonly balanceMinor: bigint;
  /** The height the balance was read at (evidence: anyone can read it again there). */
  readonly blockNumber: bigint;
}

export type DifferenceSource = 'wallet-records' | 'on-chain';

export interface Difference {
  readonly asset: string;
  readonly source: DifferenceSource;
  /** `shortfall`: clients are owed more than is held; `surplus`: more is held than owed. */
  readonly kind: 'shortfall' | 'surplus';
  readonly amountMinor: bigint;
  readonly owedMinor: bigint;
  readonly heldMinor: bigint;
  readonly wallets: readonly string[];
}

export interface ReconciliationResult {
  readonly businessDay: string;
  readonly perAsset: readonly { readonly asset: string; readonly owedMinor: bigint; readonly recordedMinor: bigint; readonly onChainMinor: bigint }[];
  readonly perWallet: readonly { readonly walletId: string; readonly asset: string; readonly recordedMinor: bigint; readonly onChainMinor: bigint; readonly blockNumber: bigint | null; readonly differenceMinor: bigint }[];
  readonly differences: readonly Difference[];
}

function sumBy<T>(items: readonly T[], asset: string, of: (item: T) => { asset: string; amount: bigint }): bigint {
  return items.reduce((total, item) => {
    const { asset: itemAsset, amount } = of(item);
    return itemAsset === asset ? total + amount : total;
  }, 0n);
}

export function reconcile(businessDay: string, owedMinor: ReadonlyMap<string, bigint>, records: readonly WalletRecord[], onChain: readonly OnChainBalance[]): ReconciliationResult {
  const assets = [...new Set([...owedMinor.keys(), ...records.map((record) => record.asset), ...onChain.map((balance) => balance.asset)])].sort();
  const perAsset = assets.map((asset) => ({
    asset,
    owedMinor: owedMinor.get(asset) ?? 0n,
    recordedMinor: sumBy(records, asset, (record) => ({ asset: record.asset, amount: record.recordedMinor })),
    onChainMinor: sumBy(onChain, asset, (balance) => ({ asset: balance.asset, amount: balance.balanceMinor })),
  }));
  const keys = [...new Set([...records, ...onChain].map((entry) => `${entry.walletId}\u0000${entry.asset}`))].sort();
  const perWallet = keys.map((key) => {
    const [walletId = '', asset = ''] = key.split('\u0000');
    const recordedMinor = records.filter((record) => record.walletId === walletId && record.asset === asset).reduce((total, record) => total + record.recordedMinor, 0n);
    const chain = onChain.find((balance) => balance.walletId === walletId && balance.asset === asset);
    const onChainMinor = chain?.balanceMinor ?? 0n;
    return { walletId, asset, recordedMinor, onChainMinor, blockNumber: chain?.blockNumber ?? null, differenceMinor: onChainMinor - recordedMinor };
  });
  const differences: Difference[] = [];
  for (const line of perAsset) {
    for (const [source, held] of [['wallet-records', line.recordedMinor], ['on-chain', line.onChainMinor]] as const) {
      if (held === line.owedMinor) continue;
      const wallets = perWallet.filter((wallet) => wallet.asset === line.asset && (source === 'on-chain' ? wallet.differenceMinor !== 0n : true)).map((wallet) => wallet.walletId);
      differences.push({ asset: line.asset, source, kind: held < line.owedMinor ? 'shortfall' : 'surplus', amountMinor: held < line.owedMinor ? line.owedMinor - held : held - line.owedMinor, owedMinor: line.owedMinor, heldMinor: held, wallets });
    }
  }
  return { businessDay, perAsset, perWallet, differences };
}
