/**
 * TW-15.3: transfers above set amounts are monitored and named people notified. Thresholds are
 * per asset, and optionally tighter per client; a movement above any that applies is alerted
 * once, naming the roles to notify.
 */
export interface TransferThresholds {
  /** asset -> amount (minor units) above which any movement is alerted. */
  readonly perAssetMinor: ReadonlyMap<string, bigint>;
  /** clientId -> asset -> amount (minor units) for that client's movements. */
  readonly perClientMinor: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  readonly notifyRoles: readonly string[];
}

export type MovementKind = 'deposit' | 'withdrawal' | 'internal-transfer';

export interface Movement {
  readonly kind: MovementKind;
  /** The deposit or withdrawal id. */
  readonly movementId: string;
  readonly clientId: string | null;
  readonly walletId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
}

export interface LargeTransferAlertedEvent {
  readonly type: 'LargeTransferAlerted';
  readonly data: Movement & {
    readonly thresholdMinor: bigint;
    readonly thresholdScope: 'asset' | 'client';
    readonly notifyRoles: readonly string[];
    readonly at: string;
  };
}

export const NO_TRANSFER_THRESHOLDS: TransferThresholds = { perAssetMinor: new Map(), perClientMinor: new Map(), notifyRoles: [] };

/** The alert a movement raises (the lowest threshold it exceeds), or none. */
export function largeTransferAlert(movement: Movement, thresholds: TransferThresholds, at: string): LargeTransferAlertedEvent | undefined {
  const candidates: { thresholdMinor: bigint; thresholdScope: 'asset' | 'client' }[] = [];
  const perAsset = thresholds.perAssetMinor.get(movement.asset);
  if (perAsset !== undefined) candidates.push({ thresholdMinor: perAsset, thresholdScope: 'asset' });
  const perClient = movement.clientId === null ? undefined : thresholds.perClientMinor.get(movement.clientId)?.get(movement.asset);
  if (perClient !== undefined) candidates.push({ thresholdMinor: perClient, thresholdScope: 'client' });
  const exceeded = candidates.filter((candidate) => movement.amountMinor > candidate.thresholdMinor).sort((a, b) => (a.thresholdMinor < b.thresholdMinor ? -1 : a.thresholdMinor > b.thresholdMinor ? 1 : 0))[0];
  if (exceeded === undefined) return undefined;
  return { type: 'LargeTransferAlerted', data: { ...movement, ...exceeded, notifyRoles: thresholds.notifyRoles, at } };
}
