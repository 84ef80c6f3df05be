import {
  decodeFunctionData,
  erc20Abi,
  getAddress,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  type Address,
  type Hex,
} from 'viem';
import { NATIVE_TRANSFER_GAS } from './evm-transactions';

/** The fee per gas the simulated chain charges: fixed, so fees are predictable. */
export const SIMULATED_GAS_PRICE = 1_000_000_000n;

export type SimulatedChainErrorCode =
  | 'NONCE_MISMATCH'
  | 'INSUFFICIENT_FUNDS'
  | 'TRANSACTION_INVALID'
  | 'ASSET_UNKNOWN'
  | 'BLOCK_UNKNOWN';

export class SimulatedChainError extends Error {
  constructor(
    readonly code: SimulatedChainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatedChainError';
  }
}

export interface SimulatedTransfer {
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly fromAddress: Address;
  readonly toAddress: Address;
  readonly transactionHash: Hex;
  readonly logIndex: number | null;
}

/** What a signed transaction moves on the simulated chain, read from its bytes. */
export interface SignedTransfer {
  /** The signer, recovered from the signature. */
  readonly from: Address;
  readonly fee: bigint;
  readonly moved: SimulatedTransfer;
}

/**
 * Reads a signed transaction as a node would: an EIP-1559 transaction for this chain with a
 * recipient and gas, its signer recovered, the native value or the ERC-20 transfer it makes, and
 * the fee at the simulated gas price. `checkNonce` is asked right after the signer is known, as
 * a node does; funds are the chain's to check.
 */
export async function readSignedTransfer(
  signedTransaction: Hex,
  chain: {
    readonly chainId: number;
    readonly feeAsset: string;
    readonly assetOfToken: ReadonlyMap<Address, string>;
  },
  checkNonce: (from: Address, nonce: number | undefined) => void,
): Promise<SignedTransfer> {
  const transactionHash = keccak256(signedTransaction);
  const transaction = parseTransaction(signedTransaction);
  if (
    transaction.type !== 'eip1559' ||
    transaction.chainId !== chain.chainId ||
    transaction.to == null ||
    transaction.gas === undefined ||
    transaction.maxFeePerGas === undefined
  ) {
    throw new SimulatedChainError(
      'TRANSACTION_INVALID',
      'an EIP-1559 transaction for this chain, with a recipient and gas',
    );
  }
  const from = getAddress(
    await recoverTransactionAddress({
      serializedTransaction: signedTransaction as Parameters<
        typeof recoverTransactionAddress
      >[0]['serializedTransaction'],
    }),
  );
  checkNonce(from, transaction.nonce);
  const gasUsed =
    transaction.data === undefined || transaction.data === '0x'
      ? NATIVE_TRANSFER_GAS
      : 2n * NATIVE_TRANSFER_GAS;
  const fee = gasUsed * SIMULATED_GAS_PRICE;
  const token = chain.assetOfToken.get(getAddress(transaction.to));
  if (token === undefined) {
    const moved = {
      asset: chain.feeAsset,
      amountMinor: transaction.value ?? 0n,
      fromAddress: from,
      toAddress: getAddress(transaction.to),
      transactionHash,
      logIndex: null,
    };
    return { from, fee, moved };
  }
  const call = decodeFunctionData({ abi: erc20Abi, data: transaction.data ?? '0x' });
  if (call.functionName !== 'transfer')
    throw new SimulatedChainError(
      'TRANSACTION_INVALID',
      'only ERC-20 transfer calls are simulated',
    );
  const [to, amountMinor] = call.args;
  const moved = {
    asset: token,
    amountMinor,
    fromAddress: from,
    toAddress: getAddress(to),
    transactionHash,
    logIndex: 0,
  };
  return { from, fee, moved };
}
