/**
 * TW-14 / HK-21: the TW-13 total per asset (what clients are owed) against (a) what the wallet
 * service records in client-segregated wallets and (b) what the chain shows for them at stated
 * heights; every difference named per asset and per wallet. Besides, every registered wallet,
 * client or house, is held to its own records: a balance the chain shows of an asset its records
 * put nothing in is a finding of its own (`unrecorded`). Pure.
 */
export interface WalletRecord {
  readonly walletId: string;
  readonly asset: string;
  /** What the wallet service's records put in this client-segregated wallet for clients (minor units). */
  readonly recordedMinor: bigint;
  /** The institution's own share in it (a gas float by a TW-4 exception, less the fees it paid); on chain beside the clients'. */
  readonly houseMinor?: bigint;
}

export interface OnChainBalance {
  readonly walletId: string;
  readonly asset: string;
  readonly balanceMinor: bigint;
  /** The height the balance was read at (evidence: anyone can read it again there). */
  readonly blockNumber: bigint;
}

/**
 * Where the held side was read: the wallet's records, the chain (TW-14), or the fiat trust
 * account's statement (TW-10/11); `unrecorded`: the chain, in wallets whose records put nothing
 * of the asset there (`owedMinor` is then what those records put there: 0).
 */
export type DifferenceSource = 'wallet-records' | 'on-chain' | 'trust-account' | 'unrecorded';

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

/**
 * The institution's own (house) wallets as a run reads them: what their records put in them and
 * what the chain shows. Never part of what clients are owed or hold: a house wallet is held only
 * to its own records.
 */
export interface HouseWallets {
  readonly records: readonly WalletRecord[];
  readonly onChain: readonly OnChainBalance[];
}

const NO_HOUSE_WALLETS: HouseWallets = { records: [], onChain: [] };

/** One wallet and asset: its records (the clients' and the house's shares) beside the chain. */
export interface WalletLine {
  readonly walletId: string;
  readonly asset: string;
  readonly recordedMinor: bigint;
  readonly houseMinor: bigint;
  readonly onChainMinor: bigint;
  readonly blockNumber: bigint | null;
  readonly differenceMinor: bigint;
}

export interface ReconciliationResult {
  readonly businessDay: string;
  /** `onChainMinor` is the whole chain balance; `houseMinor` the house share recorded in these wallets, which the chain also holds. */
  readonly perAsset: readonly {
    readonly asset: string;
    readonly owedMinor: bigint;
    readonly recordedMinor: bigint;
    readonly houseMinor: bigint;
    readonly onChainMinor: bigint;
  }[];
  readonly perWallet: readonly WalletLine[];
  /** The house wallets, each asset read or recorded: held to their records only. */
  readonly houseWallets: readonly WalletLine[];
  readonly differences: readonly Difference[];
}

/** Owed against held: a shortfall when less is held, a surplus when more, nothing when they are equal. */
export function differenceOf(
  asset: string,
  source: DifferenceSource,
  owedMinor: bigint,
  heldMinor: bigint,
  wallets: readonly string[],
): Difference | null {
  if (heldMinor < owedMinor)
    return {
      asset,
      source,
      kind: 'shortfall',
      amountMinor: owedMinor - heldMinor,
      owedMinor,
      heldMinor,
      wallets,
    };
  if (heldMinor > owedMinor)
    return {
      asset,
      source,
      kind: 'surplus',
      amountMinor: heldMinor - owedMinor,
      owedMinor,
      heldMinor,
      wallets,
    };
  return null;
}

function sumBy<T>(
  items: readonly T[],
  asset: string,
  of: (item: T) => { asset: string; amount: bigint },
): bigint {
  return items.reduce((total, item) => {
    const { asset: itemAsset, amount } = of(item);
    return itemAsset === asset ? total + amount : total;
  }, 0n);
}

export function reconcile(
  businessDay: string,
  owedMinor: ReadonlyMap<string, bigint>,
  records: readonly WalletRecord[],
  onChain: readonly OnChainBalance[],
  house: HouseWallets = NO_HOUSE_WALLETS,
): ReconciliationResult {
  const assets = [
    ...new Set([
      ...owedMinor.keys(),
      ...records.map((record) => record.asset),
      ...onChain.map((balance) => balance.asset),
    ]),
  ].sort();
  const perAsset = assets.map((asset) => ({
    asset,
    owedMinor: owedMinor.get(asset) ?? 0n,
    recordedMinor: sumBy(records, asset, (record) => ({
      asset: record.asset,
      amount: record.recordedMinor,
    })),
    houseMinor: sumBy(records, asset, (record) => ({
      asset: record.asset,
      amount: record.houseMinor ?? 0n,
    })),
    onChainMinor: sumBy(onChain, asset, (balance) => ({
      asset: balance.asset,
      amount: balance.balanceMinor,
    })),
  }));
  const perWallet = walletLines(records, onChain);
  const houseWallets = walletLines(house.records, house.onChain);
  const differences: Difference[] = [];
  for (const line of perAsset) {
    // on chain, what is there for clients is the balance less the house's own share
    for (const [source, held] of [
      ['wallet-records', line.recordedMinor],
      ['on-chain', line.onChainMinor - line.houseMinor],
    ] as const) {
      const wallets = perWallet
        .filter(
          (wallet) =>
            wallet.asset === line.asset &&
            (source === 'on-chain' ? wallet.differenceMinor !== 0n : true),
        )
        .map((wallet) => wallet.walletId);
      const difference = differenceOf(line.asset, source, line.owedMinor, held, wallets);
      if (difference !== null) differences.push(difference);
    }
  }
  differences.push(...unrecorded([...perWallet, ...houseWallets]));
  return { businessDay, perAsset, perWallet, houseWallets, differences };
}

/** One line per wallet and asset on either side, in order. */
function walletLines(
  records: readonly WalletRecord[],
  onChain: readonly OnChainBalance[],
): WalletLine[] {
  const keys = [
    ...new Set([...records, ...onChain].map((entry) => `${entry.walletId}\u0000${entry.asset}`)),
  ].sort();
  return keys.map((key) => {
    const parts = key.split('\u0000');
    // Stryker disable next-line StringLiteral: the defaults are never used: every key is a wallet and an asset joined above
    const [walletId = '', asset = ''] = parts;
    const mine = records.filter((record) => record.walletId === walletId && record.asset === asset);
    const recordedMinor = mine.reduce((total, record) => total + record.recordedMinor, 0n);
    const houseMinor = mine.reduce((total, record) => total + (record.houseMinor ?? 0n), 0n);
    const chain = onChain.find(
      (balance) => balance.walletId === walletId && balance.asset === asset,
    );
    const onChainMinor = chain?.balanceMinor ?? 0n;
    // the chain holds the clients' and the house's share alike
    return {
      walletId,
      asset,
      recordedMinor,
      houseMinor,
      onChainMinor,
      blockNumber: chain?.blockNumber ?? null,
      differenceMinor: onChainMinor - recordedMinor - houseMinor,
    };
  });
}

/**
 * TW-14 / HK-21: per asset, the wallets (client or house) whose chain balance is above zero while
 * their records put nothing there (no record, or the clients' and house's shares summing to zero
 * or less), with what the chain holds: a finding even when another wallet's difference would
 * offset it in the asset's total.
 */
function unrecorded(lines: readonly WalletLine[]): Difference[] {
  const found = lines.filter(
    (line) => line.onChainMinor > 0n && line.recordedMinor + line.houseMinor <= 0n,
  );
  return [...new Set(found.map((line) => line.asset))].sort().map((asset) => {
    const mine = found.filter((line) => line.asset === asset);
    const heldMinor = mine.reduce((total, line) => total + line.onChainMinor, 0n);
    return {
      asset,
      source: 'unrecorded' as const,
      kind: 'surplus' as const,
      amountMinor: heldMinor,
      owedMinor: 0n,
      heldMinor,
      wallets: mine.map((line) => line.walletId).sort(),
    };
  });
}
