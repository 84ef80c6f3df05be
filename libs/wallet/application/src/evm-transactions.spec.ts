import { keccak256, serializeTransaction, type Hex } from 'viem';
import { describeTransfer, transferCall } from './evm-transactions';

const TOKEN = '0x00000000000000000000000000000000000000c0';
const CLIENT = '0x52908400098527886E0F7030069857D2E4169EE7';
const chain = { chainId: 31_337, nativeAsset: 'ETH', assetOfToken: new Map([[TOKEN, 'USDT']]) };
const unsigned = (call: { to: `0x${string}`; value: bigint; data?: Hex }, chainId = 31_337) =>
  serializeTransaction({
    type: 'eip1559',
    chainId,
    nonce: 7,
    gas: 60_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    ...call,
  });

describe('TW-17.4 what custodians review is read from the transaction bytes', () => {
  it('given a native transfer, then asset, amount, recipient, the most it can cost and the digest come from the bytes', () => {
    const bytes = unsigned(transferCall(CLIENT, 5n, undefined));
    expect(describeTransfer(bytes, chain)).toEqual({
      asset: 'ETH',
      amountMinor: 5n,
      destinationAddress: CLIENT,
      feeAsset: 'ETH',
      maxNetworkFeeMinor: 120_000_000_000_000n,
      unsignedTransaction: bytes,
      payloadHash: keccak256(bytes),
    });
  });

  it("given a token transfer, then the token's asset and the transfer's recipient and amount (not the token contract) are what is reviewed", () => {
    const described = describeTransfer(unsigned(transferCall(CLIENT, 250_000_000n, TOKEN)), chain);
    expect(described).toMatchObject({
      asset: 'USDT',
      amountMinor: 250_000_000n,
      destinationAddress: CLIENT,
    });
  });

  it('given a call to an unknown contract, another chain, or value riding on a token call, then it is refused, not described', () => {
    expect(() =>
      describeTransfer(
        unsigned(transferCall(CLIENT, 1n, '0x00000000000000000000000000000000000000d0')),
        chain,
      ),
    ).toThrow(/not a known token/);
    expect(() => describeTransfer(unsigned(transferCall(CLIENT, 1n, undefined), 1), chain)).toThrow(
      /chain 31337/,
    );
    expect(() =>
      describeTransfer(unsigned({ ...transferCall(CLIENT, 1n, TOKEN), value: 1n }), chain),
    ).toThrow(/value rides/);
  });
});
