import type { Transaction } from '@custody/event-store';
import { chooseSourceWallet } from '@custody/wallet-domain';
import { SOURCE_WALLETS_MAX, type Chains } from '../shared/wallet-context';
import type { WalletFacts } from '../wallets/wallet-facts';

/** What choosing a source wallet needs of a withdrawal. */
export interface SourceWalletQuestion {
  readonly chain: string;
  readonly asset: string;
  readonly amountMinor: bigint;
}

/**
 * The hot client-segregated wallet an exchange withdrawal pays from (reads balances on chain).
 * Callers inside a transaction that appends should resolve it BEFORE their first append: the
 * store's append lock is held from then to the commit, and chain reads must not run under it.
 */
export class SourceWallets {
  constructor(
    private readonly chains: Chains,
    private readonly wallets: WalletFacts,
  ) {}

  async choose(
    input: SourceWalletQuestion,
    transaction?: Transaction,
  ): Promise<string | undefined> {
    const chain = this.chains.get(input.chain);
    if (chain === undefined) return undefined;
    const head = await chain.head();
    const candidates = [];
    const walletIds = await this.wallets.walletIds(input.chain, transaction);
    for (const walletId of walletIds.slice(0, SOURCE_WALLETS_MAX)) {
      const wallet = await this.wallets.wallet(walletId, transaction);
      if (
        wallet === undefined ||
        wallet.registration.tier !== 'hot' ||
        !wallet.registration.assets.includes(input.asset)
      )
        continue;
      candidates.push({
        wallet,
        balanceMinor: await chain.balanceAt(wallet.registration.address, input.asset, head),
      });
    }
    return chooseSourceWallet(candidates, input.chain, input.asset, input.amountMinor)?.registration
      .walletId;
  }
}
