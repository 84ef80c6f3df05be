import { blockAtOrBefore, type ChainReader } from '@custody/chain';
import type { EventSourcedStreams, PostgresEventStore } from '@custody/event-store';
import {
  onChainCheck,
  onChainChecksDecider,
  onChainFacts,
  onChainRecordsCheck,
  type ChainBalance,
  type OnChainCheckRecorded,
  type UnreadBalance,
} from '@custody/policy-domain';
import { HOLDINGS_ROWS_MAX, type ComplianceFactsLoader } from '../compliance/compliance-facts';
import type { PolicyProfiles } from '../governance/policy-profiles';
import type { PolicyClock } from '../policy-clock';
import { ONCHAIN_CHECKS_STREAM_ID } from './onchain-check-stream';

/** Wallet x asset balances one check reads at most; any beyond are named unread (the check is then never a pass). */
export const ONCHAIN_READS_MAX = 10_000;
/** A balance read that has not answered within this is named unread. */
export const ONCHAIN_READ_TIMEOUT_MS = 15_000;
/** The search for a chain's last block before the check (at most 66 reads) that has not answered within this leaves the chain unread. */
export const ONCHAIN_HEIGHT_TIMEOUT_MS = 60_000;

/** `work`, or an error once `timeoutMs` has passed without an answer. */
async function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
   * alone, at the last block of each chain before now, and every registered wallet (client and
   * house) held to its records (TW-14 / HK-21): each asset of the asset registry its chain's reader
   * knows (native and tokens) and each asset it has records of is read, recorded or not, and a
   * balance the records do not have is a failing item. Recorded as an `OnChainComplianceChecked`
   * event with the heights and every rule's evidence (relayed to custody.policy.events.v1). What
   * could not be read (no reader or address, an asset the reader does not know, a read that failed
   * or did not answer in time, reads beyond ONCHAIN_READS_MAX) is named, never assumed, and makes
   * the check indeterminate, never a pass.
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
    // the asset registry (its decimals, as the facts carry them)
    const registry = [...facts.decimals.keys()];
    const balances: ChainBalance[] = [];
    const unreadBalances: UnreadBalance[] = [];
    const heights: { chain: string; blockNumber: string }[] = [];
    let reads = 0;
    for (const reader of readers) {
      const onChain = wallets.filter(
        (wallet) => wallet.chain === reader.chain && wallet.address !== null,
      );
      if (onChain.length === 0) continue;
      let height: bigint | undefined;
      try {
        height = await within(blockAtOrBefore(reader, Date.parse(at)), ONCHAIN_HEIGHT_TIMEOUT_MS);
      } catch (error) {
        for (const wallet of onChain)
          unreadBalances.push({
            walletId: wallet.wallet_id,
            asset: null,
            reason: `${reader.chain}: its last block before ${at} could not be read: ${messageOf(error)}`,
          });
        continue;
      }
      heights.push({
        chain: reader.chain,
        blockNumber: height === undefined ? 'none' : height.toString(),
      });
      for (const wallet of onChain) {
        const recorded = facts.holdings
          .filter((holding) => holding.walletId === wallet.wallet_id)
          .map((holding) => holding.asset);
        const assets = [...new Set([...registry, ...recorded])].sort();
        for (const asset of assets) {
          if (!reader.assets.includes(asset)) {
            // an asset of the registry on another chain is not this wallet's; one it has records of is unread
            if (recorded.includes(asset))
              unreadBalances.push({
                walletId: wallet.wallet_id,
                asset,
                reason: `the ${reader.chain} reader does not know ${asset}`,
              });
            continue;
          }
          if (reads >= ONCHAIN_READS_MAX) {
            unreadBalances.push({
              walletId: wallet.wallet_id,
              asset,
              reason: `beyond the ${ONCHAIN_READS_MAX} balances one check reads`,
            });
            continue;
          }
          reads += 1;
          try {
            balances.push({
              walletId: wallet.wallet_id,
              asset,
              balanceMinor:
                height === undefined
                  ? 0n
                  : await within(
                      reader.balanceAt(wallet.address ?? '', asset, height),
                      ONCHAIN_READ_TIMEOUT_MS,
                    ),
            });
          } catch (error) {
            unreadBalances.push({
              walletId: wallet.wallet_id,
              asset,
              reason: `${reader.chain} at block ${height}: ${messageOf(error)}`,
            });
          }
        }
      }
    }
    for (const wallet of wallets)
      if (wallet.address === null)
        unreadBalances.push({ walletId: wallet.wallet_id, asset: null, reason: 'no address' });
      else if (!readers.some((reader) => reader.chain === wallet.chain))
        unreadBalances.push({
          walletId: wallet.wallet_id,
          asset: null,
          reason: `no reader for the ${wallet.chain} chain`,
        });
    const unread = wallets
      .map((wallet) => wallet.wallet_id)
      .filter((walletId) => unreadBalances.some((entry) => entry.walletId === walletId));
    const { profile } = await this.profiles.profile();
    const known = new Map(
      wallets.map((wallet) => [
        wallet.wallet_id,
        { tier: wallet.tier, ownerClass: wallet.owner_class },
      ]),
    );
    const results = [
      ...onChainCheck(onChainFacts(facts, known, balances), profile, unreadBalances),
      ...onChainRecordsCheck(facts, known, balances, unreadBalances, profile),
    ];
    const data: OnChainCheckRecorded['data'] = {
      checkId: `onchain-${at}`,
      at,
      policyVersion: profile.version,
      heights,
      unread,
      unreadBalances,
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
