import { walletHoldingDeltas } from './wallet-holdings';

const at = '2026-11-24T09:00:00.000Z';

describe("what the wallet's published movements mean for each wallet's holdings", () => {
  it('a deposit adds to the client share of its wallet', () => {
    expect(
      walletHoldingDeltas({
        type: 'DepositConfirmed',
        data: { walletId: 'hot-1', asset: 'ETH', amountMinor: '5', confirmedAt: at },
      }),
    ).toEqual([{ walletId: 'hot-1', asset: 'ETH', clientDeltaMinor: 5n, houseDeltaMinor: 0n, at }]);
  });

  it("a house deposit adds to the house share of its wallet, never to the client share (BC-1: the institution's own)", () => {
    expect(
      walletHoldingDeltas({
        type: 'HouseDepositConfirmed',
        data: { walletId: 'house-1', asset: 'ETH', amountMinor: '7', confirmedAt: at },
      }),
    ).toEqual([
      { walletId: 'house-1', asset: 'ETH', clientDeltaMinor: 0n, houseDeltaMinor: 7n, at },
    ]);
  });

  it('a withdrawal takes its amount from the client share and its same-asset fee from the house share', () => {
    expect(
      walletHoldingDeltas({
        type: 'WithdrawalConfirmed',
        data: {
          walletId: 'hot-1',
          asset: 'ETH',
          amountMinor: '5',
          networkFeeMinor: '2',
          confirmedAt: at,
        },
      }),
    ).toEqual([
      { walletId: 'hot-1', asset: 'ETH', clientDeltaMinor: -5n, houseDeltaMinor: -2n, at },
    ]);
  });

  it('an internal transfer moves client assets from one wallet to the other; a separate fee comes from the house share', () => {
    expect(
      walletHoldingDeltas({
        type: 'InternalTransferConfirmed',
        data: {
          sourceWalletId: 'hot-1',
          destinationWalletId: 'cold-1',
          asset: 'USDT',
          amountMinor: '7',
          confirmedAt: at,
        },
      }).map((delta) => [delta.walletId, delta.clientDeltaMinor]),
    ).toEqual([
      ['hot-1', -7n],
      ['cold-1', 7n],
    ]);
    expect(
      walletHoldingDeltas({
        type: 'NetworkFeePaid',
        data: { walletId: 'hot-1', feeAsset: 'ETH', feeMinor: '3', at },
      }),
    ).toEqual([
      { walletId: 'hot-1', asset: 'ETH', clientDeltaMinor: 0n, houseDeltaMinor: -3n, at },
    ]);
  });

  it('any other event holds nothing', () => {
    expect(walletHoldingDeltas({ type: 'KeyUsed', data: {} })).toEqual([]);
  });
});
