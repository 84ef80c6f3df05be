import type { Hex } from 'viem';
import type { ChainReader } from '@custody/chain';
import type { EvmSignature } from './key-vault';

export { confirmationsAt, type ChainTransfer } from '@custody/chain';

/** An unsigned transfer ready for review and signing (TW-17.4): its digest is what the custodians approve. */
export interface PreparedTransfer {
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly destinationAddress: string;
  readonly feeAsset: string;
  /** The most the network can charge (gas limit x max fee per gas). */
  readonly maxNetworkFeeMinor: bigint;
  /** The serialized unsigned transaction. */
  readonly unsignedTransaction: Hex;
  /** The digest the key signs: keccak256 of the unsigned transaction. */
  readonly payloadHash: Hex;
}

export interface TransactionOutcome {
  readonly status: 'success' | 'reverted';
  readonly blockNumber: bigint;
  /** What the network charged, in the chain's fee asset. */
  readonly feeMinor: bigint;
}

/**
 * One chain, as the wallet service sees it: the reader (head, balances at a stated height,
 * watched transfers) plus preparing, signing and broadcasting. Adapters: EVM over JSON-RPC
 * (viem); a deterministic simulated chain.
 */
export interface ChainAdapter extends ChainReader {
  /**
   * An unsigned transfer from one of our addresses. `minimumNonce`: the account's next
   * transaction number is at least this (numbers already given to other prepared, unsent
   * transactions of the same wallet are not reused).
   */
  prepareTransfer(
    fromAddress: string,
    asset: string,
    amountMinor: bigint,
    destinationAddress: string,
    minimumNonce?: number,
  ): Promise<PreparedTransfer>;
  /** The account's next transaction number as the chain sees it (mined and pending). */
  nextNonce(address: string): Promise<number>;
  /** The account's transactions mined up to and including a block (its next number as of then). */
  nonceAt(address: string, blockNumber: bigint): Promise<number>;
  /** What an unsigned transaction does, decoded from its bytes, with its signing digest (TW-17.4: what custodians review). */
  describe(unsignedTransaction: Hex): PreparedTransfer;
  /** The transaction number an unsigned transaction carries. */
  transactionNonce(unsignedTransaction: Hex): number;
  /** The signed transaction for an unsigned one and the key's signature over its payload hash. */
  assembleSigned(
    unsignedTransaction: Hex,
    signature: EvmSignature,
  ): { readonly signedTransaction: Hex; readonly transactionHash: Hex };
  broadcast(signedTransaction: Hex): Promise<Hex>;
  /** Mined or not (null): its status, block and fee. */
  outcome(transactionHash: Hex): Promise<TransactionOutcome | null>;
}
