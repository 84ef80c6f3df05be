import { blockAtOrBefore, type ChainReader } from '@custody/chain';
import type { EventSourcedStreams, PostgresEventStore } from '@custody/event-store';
import {
  onChainCheck,
  onChainChecksDecider,
  onChainFacts,
  type ChainBalance,
  type OnChainCheckRecorded,
} from '@custody/policy-domain';
import { HOLDINGS_ROWS_MAX, type ComplianceFactsLoader } from '../compliance/compliance-facts';
import type { PolicyProfiles } from '../governance/policy-profiles';
import type { PolicyClock } from '../policy-clock';
import { ONCHAIN_CHECKS_STREAM_ID } from './onchain-check-stream';

/** TW-14 (last paragraph): the on-chain check, run now and recorded. */
export class RunOnChainCheckHandler {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly streams: EventSourcedStreams,
    private readonly clock: PolicyClock,
    private readonly profiles: PolicyProfiles,
    private readonly facts: ComplianceFactsLoader,
  ) {}

  /**
   * TW-14 (last paragraph): the cold storage ratios and the TW-4 cap recomputed from the chain
   * alone, at the last block of each chain before now, recorded as an `OnChainComplianceChecked`
   * event with the heights and every rule's evidence (relayed to custody.policy.events.v1).
   * Wallets on a chain with no reader are named, not assumed.
   */
  async handle(readers: readonly ChainReader[]): Promise<OnChainCheckRecorded['data']> {
    const at = this.clock.at();
    const { rows: wallets } = await this.store.pool.query<{
      wallet_id: string;
      tier: 'cold' | 'hot';
      owner_class: 'client-segregated' | 'house';
      chain: string;
      address: string | null;
    }>(
      `select wallet_id, tier, owner_class, chain, address from ${this.store.schema}.policy_wallets order by wallet_id limit ${HOLDINGS_ROWS_MAX}`,
    );
    const facts = await this.facts.facts(at);
    const balances: ChainBalance[] = [];
    const heights: { chain: string; blockNumber: string }[] = [];
    for (const reader of readers) {
      const onChain = wallets.filter(
        (wallet) => wallet.chain === reader.chain && wallet.address !== null,
      );
      if (onChain.length === 0) continue;
      const height = await blockAtOrBefore(reader, Date.parse(at));
      heights.push({
        chain: reader.chain,
        blockNumber: height === undefined ? 'none' : height.toString(),
      });
      for (const wallet of onChain) {
        const assets = [
          ...new Set(
            facts.holdings
              .filter((holding) => holding.walletId === wallet.wallet_id)
              .map((holding) => holding.asset),
          ),
        ]
          .filter((asset) => reader.assets.includes(asset))
          .sort();
        for (const asset of assets)
          balances.push({
            walletId: wallet.wallet_id,
            asset,
            balanceMinor:
              height === undefined
                ? 0n
                : await reader.balanceAt(wallet.address ?? '', asset, height),
          });
      }
    }
    const unread = wallets
      .filter(
        (wallet) =>
          wallet.address === null || !readers.some((reader) => reader.chain === wallet.chain),
      )
      .map((wallet) => wallet.wallet_id);
    const { profile } = await this.profiles.profile();
    const known = new Map(
      wallets.map((wallet) => [
        wallet.wallet_id,
        { tier: wallet.tier, ownerClass: wallet.owner_class },
      ]),
    );
    const results = onChainCheck(onChainFacts(facts, known, balances), profile);
    const data: OnChainCheckRecorded['data'] = {
      checkId: `onchain-${at}`,
      at,
      policyVersion: profile.version,
      heights,
      unread,
      balances,
      results,
    };
    await this.streams.execute(
      ONCHAIN_CHECKS_STREAM_ID,
      onChainChecksDecider,
      (checks) => onChainChecksDecider.decide({ type: 'RecordOnChainCheck', check: data }, checks),
      { actor: 'policy-service' },
    );
    return data;
  }
}
