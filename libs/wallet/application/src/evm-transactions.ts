import {
  decodeFunctionData,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  keccak256,
  parseTransaction,
  serializeTransaction,
  type Address,
  type Hex,
  type TransactionSerializableEIP1559,
} from 'viem';
import type { PreparedTransfer } from './chain-adapter';
import type { EvmSignature } from './key-vault';

/** Gas of a plain value transfer. */
export const NATIVE_TRANSFER_GAS = 21_000n;

/** The call that moves an asset: value for the native coin, an ERC-20 `transfer` for a token. */
export function transferCall(
  destination: Address,
  amountMinor: bigint,
  token: Address | undefined,
): { to: Address; value: bigint; data?: Hex } {
  return token === undefined
    ? { to: destination, value: amountMinor }
    : {
        to: token,
        value: 0n,
        data: encodeFunctionData({
          abi: erc20Abi,
          functionName: 'transfer',
          args: [destination, amountMinor],
        }),
      };
}

/** An EIP-1559 transaction, serialized unsigned, with the digest the key signs (TW-17.4: what the custodians approve). */
export function preparedTransfer(
  details: { asset: string; amountMinor: bigint; destinationAddress: string; feeAsset: string },
  transaction: TransactionSerializableEIP1559 & { gas: bigint; maxFeePerGas: bigint },
): PreparedTransfer {
  const unsignedTransaction = serializeTransaction(transaction);
  return {
    ...details,
    destinationAddress: getAddress(details.destinationAddress),
    maxNetworkFeeMinor: transaction.gas * transaction.maxFeePerGas,
    unsignedTransaction,
    payloadHash: keccak256(unsignedTransaction),
  };
}

export function transactionNonceOf(unsignedTransaction: Hex): number {
  const nonce = parseTransaction(unsignedTransaction).nonce;
  if (nonce === undefined) throw new Error('assertion: a prepared transaction carries its nonce');
  return nonce;
}

/** The signed transaction for an unsigned EIP-1559 one and the key's signature over its digest. */
export function assembleSignedTransaction(
  unsignedTransaction: Hex,
  signature: EvmSignature,
): { signedTransaction: Hex; transactionHash: Hex } {
  const transaction = parseTransaction(unsignedTransaction);
  if (transaction.type !== 'eip1559')
    throw new Error('assertion: only EIP-1559 transactions are prepared here');
  const signedTransaction = serializeTransaction(
    transaction as TransactionSerializableEIP1559,
    signature,
  );
  return { signedTransaction, transactionHash: keccak256(signedTransaction) };
}

/**
 * TW-17.4: what an unsigned EIP-1559 transaction really does, read from its bytes (never from what
 * the code that built it claims): the asset (native value, or an ERC-20 `transfer` of a known
 * token), the amount, the recipient, the most it can cost, and the digest the key will sign.
 * Refuses anything else (another chain, a call that is not a plain transfer, value sent with a
 * token call).
 */
export function describeTransfer(
  unsignedTransaction: Hex,
  chain: { chainId: number; nativeAsset: string; assetOfToken: ReadonlyMap<string, string> },
): PreparedTransfer {
  const transaction = parseTransaction(unsignedTransaction);
  if (transaction.type !== 'eip1559' || transaction.chainId !== chain.chainId)
    throw new Error(`assertion: not an EIP-1559 transaction for chain ${chain.chainId}`);
  if (
    transaction.to == null ||
    transaction.gas === undefined ||
    transaction.maxFeePerGas === undefined
  )
    throw new Error('assertion: a transfer has a recipient and gas limits');
  const common = {
    feeAsset: chain.nativeAsset,
    maxNetworkFeeMinor: transaction.gas * transaction.maxFeePerGas,
    unsignedTransaction,
    payloadHash: keccak256(unsignedTransaction),
  };
  const data = transaction.data ?? '0x';
  if (data === '0x')
    return {
      ...common,
      asset: chain.nativeAsset,
      amountMinor: transaction.value ?? 0n,
      destinationAddress: getAddress(transaction.to),
    };
  const asset = chain.assetOfToken.get(transaction.to.toLowerCase());
  if (asset === undefined || (transaction.value ?? 0n) !== 0n)
    throw new Error(
      `assertion: ${transaction.to} is not a known token, or value rides on a token call`,
    );
  const call = decodeFunctionData({ abi: erc20Abi, data });
  if (call.functionName !== 'transfer')
    throw new Error(`assertion: ${call.functionName} is not a transfer`);
  const [to, amountMinor] = call.args;
  return { ...common, asset, amountMinor, destinationAddress: getAddress(to) };
}
