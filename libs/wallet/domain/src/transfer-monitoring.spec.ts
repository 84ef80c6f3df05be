import {
  largeTransferAlert,
  NO_TRANSFER_THRESHOLDS,
  type Movement,
  type TransferThresholds,
} from './transfer-monitoring';

const at = '2026-11-24T09:00:00.000Z';
const movement: Movement = {
  kind: 'withdrawal',
  movementId: 'WD-1',
  clientId: 'alice',
  walletId: 'w-hot',
  asset: 'ETH',
  amountMinor: 1_000n,
};
const thresholds = (
  perAsset: bigint | undefined,
  perClient: bigint | undefined,
): TransferThresholds => ({
  perAssetMinor: new Map(perAsset === undefined ? [] : [['ETH', perAsset]]),
  perClientMinor: new Map(
    perClient === undefined ? [] : [['alice', new Map([['ETH', perClient]])]],
  ),
  notifyRoles: ['compliance-officer', 'head-of-custody'],
});

describe('large transfer monitoring (TW-15.3)', () => {
  it('TW-15.3 given an amount exactly at the asset threshold, then no alert; one minor unit above, an alert naming the threshold and who to notify', () => {
    expect(largeTransferAlert(movement, thresholds(1_000n, undefined), at)).toBeUndefined();
    expect(largeTransferAlert(movement, thresholds(999n, undefined), at)).toEqual({
      type: 'LargeTransferAlerted',
      data: {
        ...movement,
        thresholdMinor: 999n,
        thresholdScope: 'asset',
        notifyRoles: ['compliance-officer', 'head-of-custody'],
        at,
      },
    });
  });

  it("TW-15.3 given an amount exactly at the client's threshold, then no alert; one minor unit above, an alert of client scope", () => {
    expect(largeTransferAlert(movement, thresholds(undefined, 1_000n), at)).toBeUndefined();
    expect(largeTransferAlert(movement, thresholds(undefined, 999n), at)?.data).toMatchObject({
      thresholdMinor: 999n,
      thresholdScope: 'client',
    });
  });

  it('TW-15.3 given both thresholds exceeded, then the alert names the lower one, whichever scope it is', () => {
    expect(largeTransferAlert(movement, thresholds(500n, 900n), at)?.data).toMatchObject({
      thresholdMinor: 500n,
      thresholdScope: 'asset',
    });
    expect(largeTransferAlert(movement, thresholds(900n, 500n), at)?.data).toMatchObject({
      thresholdMinor: 500n,
      thresholdScope: 'client',
    });
  });

  it('TW-15.3 given only the higher threshold not exceeded, then the lower exceeded one alerts', () => {
    expect(largeTransferAlert(movement, thresholds(2_000n, 999n), at)?.data).toMatchObject({
      thresholdMinor: 999n,
      thresholdScope: 'client',
    });
    expect(largeTransferAlert(movement, thresholds(999n, 2_000n), at)?.data).toMatchObject({
      thresholdMinor: 999n,
      thresholdScope: 'asset',
    });
  });

  it('TW-15.3 given equal asset and client thresholds both exceeded, then the asset one is named (the first found)', () => {
    expect(largeTransferAlert(movement, thresholds(999n, 999n), at)?.data).toMatchObject({
      thresholdMinor: 999n,
      thresholdScope: 'asset',
    });
  });

  it("TW-15.3 given a movement of nobody's (clientId null), then only the asset threshold applies", () => {
    const nobodys = { ...movement, clientId: null };
    expect(largeTransferAlert(nobodys, thresholds(undefined, 1n), at)).toBeUndefined();
    expect(largeTransferAlert(nobodys, thresholds(2n, 1n), at)?.data).toMatchObject({
      clientId: null,
      thresholdMinor: 2n,
      thresholdScope: 'asset',
    });
  });

  it('TW-15.3 given thresholds for another asset or client only, or none at all, then no alert', () => {
    expect(
      largeTransferAlert({ ...movement, asset: 'USDT' }, thresholds(1n, 1n), at),
    ).toBeUndefined();
    expect(
      largeTransferAlert({ ...movement, clientId: 'bob' }, thresholds(undefined, 1n), at),
    ).toBeUndefined();
    expect(largeTransferAlert(movement, NO_TRANSFER_THRESHOLDS, at)).toBeUndefined();
  });

  it('TW-15.3 given no thresholds configured, then nobody is named to notify either', () => {
    expect(NO_TRANSFER_THRESHOLDS).toEqual({
      perAssetMinor: new Map(),
      perClientMinor: new Map(),
      notifyRoles: [],
    });
  });
});
