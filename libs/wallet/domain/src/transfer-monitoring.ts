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

export const NO_TRANSFER_THRESHOLDS: TransferThresholds = {
  perAssetMinor: new Map(),
  perClientMinor: new Map(),
  notifyRoles: [],
};

/** The alert a movement raises (the lowest threshold it exceeds; the asset's on a tie), or none. */
export function largeTransferAlert(
  movement: Movement,
  thresholds: TransferThresholds,
  at: string,
): LargeTransferAlertedEvent | undefined {
  const applicable = [
    {
      thresholdMinor: thresholds.perAssetMinor.get(movement.asset),
      thresholdScope: 'asset' as const,
    },
    {
      thresholdMinor:
        movement.clientId === null
          ? undefined
          : thresholds.perClientMinor.get(movement.clientId)?.get(movement.asset),
      thresholdScope: 'client' as const,
    },
  ];
  let lowest: { thresholdMinor: bigint; thresholdScope: 'asset' | 'client' } | undefined;
  for (const { thresholdMinor, thresholdScope } of applicable) {
    if (thresholdMinor === undefined || movement.amountMinor <= thresholdMinor) continue;
    if (lowest === undefined || thresholdMinor < lowest.thresholdMinor)
      lowest = { thresholdMinor, thresholdScope };
  }
  if (lowest === undefined) return undefined;
  return {
    type: 'LargeTransferAlerted',
    data: { ...movement, ...lowest, notifyRoles: thresholds.notifyRoles, at },
  };
}
