import { randomBytes, randomInt } from 'node:crypto';
import {
  decideAllowList,
  walletError,
  type AdditionChannel,
  type AllowListEvent,
  type AllowListState,
  type OwnershipMethod,
  type WalletState,
} from '@custody/wallet-domain';
import { isAddress } from 'viem';
import type { Executed } from '../shared/event-sourced';
import { keptInStep } from '../shared/lookup-table';
import {
  chainUnsupported,
  refusal,
  SOURCE_WALLETS_MAX,
  type Chains,
  type Refusal,
  type WalletContext,
} from '../shared/wallet-context';
import { ALLOW_LIST_AGGREGATE, allowListStreamId } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';
import { ALLOW_LIST_INDEX_TABLE } from './allow-list.table';

/** A challenge answers within this by default (HK-11h: a proof is about now). */
export const CHALLENGE_TTL_MS_DEFAULT = 15 * 60 * 1000;
/** Micro-payment test amounts of a native asset, in minor units [min, max): 1e12 to 1e13 wei (0.000001 to 0.00001 ETH). */
export const MICRO_PAYMENT_RANGE_MINOR_DEFAULT: readonly [bigint, bigint] = [
  10n ** 12n,
  10n ** 13n,
];
const NONCE_BYTES = 16;

export interface ChallengeRequest {
  readonly challengeId: string;
  readonly clientId: string;
  readonly chain: string;
  readonly address: string;
  readonly method: OwnershipMethod;
  readonly channel: AdditionChannel;
  readonly reason: string | null;
}

export interface IssueChallengeDependencies {
  readonly context: WalletContext;
  readonly chains: Chains;
  readonly wallets: WalletFacts;
  readonly challengeTtlMs?: number;
  readonly microPaymentRangeMinor?: readonly [bigint, bigint];
}

/** HK-11h: a challenge with a random nonce (and, for a micro-payment, a random amount to one of our client wallets on that chain). */
export class IssueOwnershipChallenge {
  constructor(private readonly dependencies: IssueChallengeDependencies) {}

  async execute(
    request: ChallengeRequest,
    actor: string,
  ): Promise<Executed<AllowListState, AllowListEvent> | Refusal> {
    const { context, chains } = this.dependencies;
    const chain = chains.get(request.chain);
    if (chain === undefined) return refusal(chainUnsupported(request.chain));
    if (!isAddress(request.address, { strict: false }))
      return refusal(
        walletError(
          'ADDRESS_INVALID',
          'address',
          `${request.address} is not an address on ${request.chain}`,
        ),
      );
    const now = context.now();
    let microPayment = null;
    if (request.method === 'micro-payment') {
      const receiver = await this.microPaymentReceiver(request.chain, chain.feeAsset);
      if (receiver === undefined)
        return refusal(
          walletError(
            'WALLET_UNKNOWN',
            'chain',
            `no client-segregated wallet on ${request.chain} receives ${chain.feeAsset}`,
          ),
        );
      const [min, max] =
        this.dependencies.microPaymentRangeMinor ?? MICRO_PAYMENT_RANGE_MINOR_DEFAULT;
      microPayment = {
        asset: chain.feeAsset,
        amountMinor: min + randomBelow(max - min),
        walletId: receiver.registration.walletId,
        toAddress: receiver.registration.address,
      };
    }
    const ttlMs = this.dependencies.challengeTtlMs ?? CHALLENGE_TTL_MS_DEFAULT;
    const challenge = {
      challengeId: request.challengeId,
      clientId: request.clientId,
      chain: request.chain,
      address: request.address,
      method: request.method,
      nonce: randomBytes(NONCE_BYTES).toString('hex'),
      microPayment,
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    };
    const command = {
      type: 'IssueOwnershipChallenge' as const,
      challenge,
      channel: request.channel,
      reason: request.reason,
      issuedBy: actor,
      at: now.toISOString(),
    };
    return context.streams.execute(
      allowListStreamId(request.clientId),
      ALLOW_LIST_AGGREGATE,
      (state) => decideAllowList(command, state, request.clientId),
      { actor },
      { afterAppend: keptInStep(ALLOW_LIST_INDEX_TABLE, context.schema) },
    );
  }

  private async microPaymentReceiver(
    chain: string,
    asset: string,
  ): Promise<WalletState | undefined> {
    const { wallets } = this.dependencies;
    for (const walletId of (await wallets.walletIds(chain)).slice(0, SOURCE_WALLETS_MAX)) {
      const wallet = await wallets.wallet(walletId);
      if (
        wallet !== undefined &&
        wallet.registration.ownerClass === 'client-segregated' &&
        wallet.registration.assets.includes(asset)
      )
        return wallet;
    }
    return undefined;
  }
}

/** A uniform random bigint in [0, bound), bound < 2^48 (crypto.randomInt's range). */
function randomBelow(bound: bigint): bigint {
  if (bound <= 0n || bound >= 2n ** 48n)
    throw new Error('assertion: micro-payment range must be within 1 and 2^48 minor units');
  return BigInt(randomInt(Number(bound)));
}
