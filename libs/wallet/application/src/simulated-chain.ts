import { getAddress, keccak256, toHex, type Address, type Hex } from 'viem';
import type {
  ChainAdapter,
  ChainTransfer,
  PreparedTransfer,
  TransactionOutcome,
} from './chain-adapter';
import {
  assembleSignedTransaction,
  describeTransfer,
  NATIVE_TRANSFER_GAS,
  preparedTransfer,
  transactionNonceOf,
  transferCall,
} from './evm-transactions';
import type { EvmSignature } from './key-vault';
import {
  readSignedTransfer,
  SIMULATED_GAS_PRICE,
  SimulatedChainError,
  type SimulatedTransfer,
} from './simulated-transaction';

export {
  SIMULATED_GAS_PRICE,
  SimulatedChainError,
  type SimulatedChainErrorCode,
} from './simulated-transaction';

/** A simulated chain keeps at most this many blocks (a demo or a test, not a node). */
export const SIMULATED_BLOCKS_MAX = 1_000_000;
interface SimulatedBlock {
  readonly number: bigint;
  readonly minedAtMs: number;
  readonly transfers: readonly SimulatedTransfer[];
  /** Fees paid in this block: payer -> amount of the fee asset. */
  readonly fees: ReadonlyMap<Address, bigint>;
}

export interface SimulatedChainOptions {
  readonly chain: string;
  readonly chainId: number;
  readonly nativeAsset: string;
  /** ERC-20-like assets: asset -> the token address transactions call. */
  readonly tokens: Readonly<Record<string, string>>;
  /** When each new block is mined (ms); default: the wall clock. */
  readonly now?: () => number;
}

/**
 * A deterministic EVM-like chain in memory, behind the same port as the real node, for unit
 * tests and the embedded demo: every broadcast is checked (the signer recovered from the
 * signature, its nonce, its balance for value plus fee) and mined at once in its own block; other
 * parties' transfers (`transfer`) and blocks (`mine`) are the test's or the simulator's to make.
 * Balances at any height are replayed from the blocks. Nothing random: the same calls give the
 * same blocks, hashes and balances.
 */
export class SimulatedChain implements ChainAdapter {
  readonly chain: string;
  readonly feeAsset: string;
  readonly assets: readonly string[];
  private readonly blocks: SimulatedBlock[];
  private readonly now: () => number;
  private readonly nonces = new Map<Address, number>();
  private readonly outcomes = new Map<Hex, TransactionOutcome>();
  private readonly tokenOf: ReadonlyMap<string, Address>;
  private readonly assetOfToken: ReadonlyMap<Address, string>;
  private sequence = 0;
  /** Every mined transaction of ours: who sent it, in which block (the account's nonce at any height). */
  private readonly mined: { readonly from: Address; readonly blockNumber: bigint }[] = [];
  /** lower-case token address -> asset */
  private readonly tokenAssets: ReadonlyMap<string, string>;

  constructor(private readonly options: SimulatedChainOptions) {
    this.now = options.now ?? (() => Date.now());
    this.blocks = [{ number: 0n, minedAtMs: this.now(), transfers: [], fees: new Map() }];
    this.chain = options.chain;
    this.feeAsset = options.nativeAsset;
    this.assets = [options.nativeAsset, ...Object.keys(options.tokens)];
    this.tokenOf = new Map(
      Object.entries(options.tokens).map(([asset, address]) => [asset, getAddress(address)]),
    );
    this.assetOfToken = new Map(
      Object.entries(options.tokens).map(([asset, address]) => [getAddress(address), asset]),
    );
    this.tokenAssets = new Map(
      Object.entries(options.tokens).map(([asset, address]) => [address.toLowerCase(), asset]),
    );
  }

  head(): Promise<bigint> {
    return Promise.resolve(this.headNumber());
  }

  blockTime(blockNumber: bigint): Promise<number> {
    const block = this.blocks[Number(blockNumber)];
    if (block === undefined)
      return Promise.reject(
        new SimulatedChainError('BLOCK_UNKNOWN', `no block ${blockNumber} on ${this.chain}`),
      );
    return Promise.resolve(block.minedAtMs);
  }

  /** Empty blocks on top (confirmations). */
  mine(blocks = 1): void {
    for (let index = 0; index < blocks; index += 1) this.append([], new Map());
  }

  /** Someone outside (a client, the exchange, a faucet with `from` = null) sends an asset: mined in its own block. */
  transfer(from: string | null, to: string, asset: string, amountMinor: bigint): Hex {
    if (!this.assets.includes(asset))
      throw new SimulatedChainError('ASSET_UNKNOWN', `${this.chain} has no asset ${asset}`);
    if (amountMinor <= 0n)
      throw new SimulatedChainError('TRANSACTION_INVALID', 'a transfer moves a positive amount');
    const fromAddress = from === null ? ZERO_ADDRESS : getAddress(from);
    if (from !== null && this.balanceNow(fromAddress, asset) < amountMinor)
      throw new SimulatedChainError(
        'INSUFFICIENT_FUNDS',
        `${fromAddress} holds less than ${amountMinor} ${asset}`,
      );
    this.sequence += 1;
    const transactionHash = keccak256(
      toHex(`${this.chain}/external/${this.sequence}/${fromAddress}/${to}/${asset}/${amountMinor}`),
    );
    const logIndex = asset === this.feeAsset ? null : 0;
    this.append(
      [{ asset, amountMinor, fromAddress, toAddress: getAddress(to), transactionHash, logIndex }],
      new Map(),
    );
    this.outcomes.set(transactionHash, {
      status: 'success',
      blockNumber: this.headNumber(),
      feeMinor: 0n,
    });
    return transactionHash;
  }

  balanceAt(address: string, asset: string, blockNumber: bigint): Promise<bigint> {
    return Promise.resolve(this.balanceUpTo(getAddress(address), asset, blockNumber));
  }

  transfersTo(
    addresses: readonly string[],
    fromBlock: bigint,
    toBlock: bigint,
  ): Promise<ChainTransfer[]> {
    const watched = new Set(addresses.map((address) => getAddress(address)));
    const found: ChainTransfer[] = [];
    for (const block of this.blocks) {
      if (block.number < fromBlock || block.number > toBlock) continue;
      for (const transfer of block.transfers)
        if (watched.has(transfer.toAddress)) found.push({ ...transfer, blockNumber: block.number });
    }
    return Promise.resolve(found);
  }

  prepareTransfer(
    fromAddress: string,
    asset: string,
    amountMinor: bigint,
    destinationAddress: string,
    minimumNonce = 0,
  ): Promise<PreparedTransfer> {
    const native = asset === this.feeAsset;
    const token = this.tokenOf.get(asset);
    if (!native && token === undefined)
      return Promise.reject(
        new SimulatedChainError('ASSET_UNKNOWN', `${this.chain} has no asset ${asset}`),
      );
    const call = transferCall(
      getAddress(destinationAddress),
      amountMinor,
      native ? undefined : token,
    );
    const nonce = Math.max(this.nonces.get(getAddress(fromAddress)) ?? 0, minimumNonce);
    const gas = native ? NATIVE_TRANSFER_GAS : 2n * NATIVE_TRANSFER_GAS;
    return Promise.resolve(
      preparedTransfer(
        { asset, amountMinor, destinationAddress, feeAsset: this.feeAsset },
        {
          type: 'eip1559',
          chainId: this.options.chainId,
          nonce,
          gas,
          maxFeePerGas: SIMULATED_GAS_PRICE,
          maxPriorityFeePerGas: SIMULATED_GAS_PRICE,
          ...call,
        },
      ),
    );
  }

  nonceAt(address: string, blockNumber: bigint): Promise<number> {
    const sender = getAddress(address);
    return Promise.resolve(
      this.mined.filter((entry) => entry.from === sender && entry.blockNumber <= blockNumber)
        .length,
    );
  }

  nextNonce(address: string): Promise<number> {
    return Promise.resolve(this.nonces.get(getAddress(address)) ?? 0);
  }

  describe(unsignedTransaction: Hex): PreparedTransfer {
    return describeTransfer(unsignedTransaction, {
      chainId: this.options.chainId,
      nativeAsset: this.feeAsset,
      assetOfToken: this.tokenAssets,
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

  /** Checks the signed transaction as a node would (signer, chain, nonce, funds) and mines it in a block of its own. */
  async broadcast(signedTransaction: Hex): Promise<Hex> {
    const transactionHash = keccak256(signedTransaction);
    if (this.outcomes.has(transactionHash)) return transactionHash; // already mined: a re-broadcast changes nothing
    let expected = 0;
    const { from, fee, moved } = await readSignedTransfer(
      signedTransaction,
      { chainId: this.options.chainId, feeAsset: this.feeAsset, assetOfToken: this.assetOfToken },
      (sender, nonce) => {
        expected = this.nonces.get(sender) ?? 0;
        if (nonce !== expected)
          throw new SimulatedChainError(
            'NONCE_MISMATCH',
            `nonce ${nonce} from ${sender}; the chain expects ${expected}`,
          );
      },
    );
    const nativeNeeded = fee + (moved.asset === this.feeAsset ? moved.amountMinor : 0n);
    if (
      this.balanceNow(from, this.feeAsset) < nativeNeeded ||
      this.balanceNow(from, moved.asset) < moved.amountMinor
    ) {
      throw new SimulatedChainError(
        'INSUFFICIENT_FUNDS',
        `${from} cannot pay ${moved.amountMinor} ${moved.asset} plus the fee`,
      );
    }
    this.nonces.set(from, expected + 1);
    this.append(moved.amountMinor > 0n ? [moved] : [], new Map([[from, fee]]));
    this.mined.push({ from, blockNumber: this.headNumber() });
    this.outcomes.set(transactionHash, {
      status: 'success',
      blockNumber: this.headNumber(),
      feeMinor: fee,
    });
    return transactionHash;
  }

  outcome(transactionHash: Hex): Promise<TransactionOutcome | null> {
    return Promise.resolve(this.outcomes.get(transactionHash) ?? null);
  }

  private headNumber(): bigint {
    return BigInt(this.blocks.length - 1);
  }

  private append(
    transfers: readonly SimulatedTransfer[],
    fees: ReadonlyMap<Address, bigint>,
  ): void {
    if (this.blocks.length >= SIMULATED_BLOCKS_MAX)
      throw new Error(
        `assertion: the simulated chain holds at most ${SIMULATED_BLOCKS_MAX} blocks`,
      );
    // block times never decrease, whatever the clock does
    this.blocks.push({
      number: BigInt(this.blocks.length),
      minedAtMs: Math.max(this.now(), this.blocks.at(-1)?.minedAtMs ?? 0),
      transfers,
      fees,
    });
  }

  private balanceNow(address: Address, asset: string): bigint {
    return this.balanceUpTo(address, asset, this.headNumber());
  }

  private balanceUpTo(address: Address, asset: string, blockNumber: bigint): bigint {
    let balance = 0n;
    for (const block of this.blocks) {
      if (block.number > blockNumber) break;
      for (const transfer of block.transfers) {
        if (transfer.asset !== asset) continue;
        if (transfer.toAddress === address) balance += transfer.amountMinor;
        if (transfer.fromAddress === address) balance -= transfer.amountMinor;
      }
      if (asset === this.feeAsset) balance -= block.fees.get(address) ?? 0n;
    }
    return balance;
  }
}

/** The faucet: where `transfer(null, ...)` coins come from. */
const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';
