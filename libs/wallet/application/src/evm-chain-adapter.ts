import { getAddress, type Hex } from 'viem';
import { EvmChainReader } from '@custody/chain';
import type { ChainAdapter, PreparedTransfer, TransactionOutcome } from './chain-adapter';
import {
  assembleSignedTransaction,
  describeTransfer,
  NATIVE_TRANSFER_GAS,
  preparedTransfer,
  transactionNonceOf,
  transferCall,
} from './evm-transactions';
import type { EvmSignature } from './key-vault';

export {
  ChainIdMismatchError,
  EVM_RPC_TIMEOUT_MS,
  EVM_SCAN_BLOCKS_MAX,
  type EvmChainOptions,
} from '@custody/chain';

/** Head-room on an estimated ERC-20 transfer gas (percent). */
const GAS_HEADROOM_PERCENT = 20n;

/** The EVM reader plus what the wallet alone does: EIP-1559 transfers prepared, decoded, assembled with the HSM's signature, broadcast. */
export class EvmChainAdapter extends EvmChainReader implements ChainAdapter {
  async prepareTransfer(
    fromAddress: string,
    asset: string,
    amountMinor: bigint,
    destinationAddress: string,
    minimumNonce = 0,
  ): Promise<PreparedTransfer> {
    const from = getAddress(fromAddress);
    const to = getAddress(destinationAddress);
    const native = asset === this.options.nativeAsset;
    const call = transferCall(to, amountMinor, native ? undefined : this.token(asset));
    const [chainNonce, fees, estimated] = await Promise.all([
      this.nextNonce(from),
      this.client.estimateFeesPerGas(),
      native
        ? Promise.resolve(NATIVE_TRANSFER_GAS)
        : this.client.estimateGas({ account: from, ...call }),
    ]);
    const nonce = Math.max(chainNonce, minimumNonce);
    const gas = native ? estimated : estimated + (estimated * GAS_HEADROOM_PERCENT) / 100n;
    return preparedTransfer(
      { asset, amountMinor, destinationAddress: to, feeAsset: this.feeAsset },
      {
        type: 'eip1559',
        chainId: this.options.chainId,
        nonce,
        gas,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        ...call,
      },
    );
  }

  nonceAt(address: string, blockNumber: bigint): Promise<number> {
    return this.client.getTransactionCount({ address: getAddress(address), blockNumber });
  }

  nextNonce(address: string): Promise<number> {
    return this.client.getTransactionCount({ address: getAddress(address), blockTag: 'pending' });
  }

  describe(unsignedTransaction: Hex): PreparedTransfer {
    return describeTransfer(unsignedTransaction, {
      chainId: this.options.chainId,
      nativeAsset: this.feeAsset,
      assetOfToken: this.assetOfToken,
    });
  }

  transactionNonce(unsignedTransaction: Hex): number {
    return transactionNonceOf(unsignedTransaction);
  }

  assembleSigned(
    unsignedTransaction: Hex,
    signature: EvmSignature,
  ): { signedTransaction: Hex; transactionHash: Hex } {
    return assembleSignedTransaction(unsignedTransaction, signature);
  }

  broadcast(signedTransaction: Hex): Promise<Hex> {
    return this.client.sendRawTransaction({ serializedTransaction: signedTransaction });
  }

  async outcome(transactionHash: Hex): Promise<TransactionOutcome | null> {
    const receipt = await this.client
      .getTransactionReceipt({ hash: transactionHash })
      .catch((error: Error) => {
        if (error.name === 'TransactionReceiptNotFoundError') return null;
        throw error;
      });
    if (receipt === null) return null;
    return {
      status: receipt.status,
      blockNumber: receipt.blockNumber,
      feeMinor: receipt.gasUsed * receipt.effectiveGasPrice,
    };
  }
}
