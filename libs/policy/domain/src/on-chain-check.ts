import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type { ComplianceFacts, WalletHolding } from './facts';
import type { PolicyError } from './policy-errors';
import type { PolicyProfile } from './policy-profile';
import { hkColdStorage, twColdStorage, twCommingling, type RuleResult } from './rules';

/** What the chain shows one wallet holding of one asset at the height read. */
export interface ChainBalance {
  readonly walletId: string;
  readonly asset: string;
  readonly balanceMinor: bigint;
}

/**
 * The facts as the chain alone shows them (TW-14, last paragraph): every wallet read holds what
 * the chain says; in a client wallet the client share is that less the house share the records
 * know (commingling exceptions less the fees paid from them), in a house wallet all of it is the
 * house's. A wallet or asset the chain was not read for keeps no holding: nothing is assumed.
 */
export function onChainFacts(
  facts: ComplianceFacts,
  wallets: ReadonlyMap<string, Pick<WalletHolding, 'tier' | 'ownerClass'>>,
  balances: readonly ChainBalance[],
): ComplianceFacts {
  const holdings: WalletHolding[] = [];
  for (const balance of balances) {
    const wallet = wallets.get(balance.walletId);
    if (wallet === undefined)
      throw new Error(`assertion: ${balance.walletId} was read on chain but is not a known wallet`);
    const recorded = facts.holdings.find(
      (holding) => holding.walletId === balance.walletId && holding.asset === balance.asset,
    );
    const houseMinor =
      wallet.ownerClass === 'house' ? balance.balanceMinor : (recorded?.houseMinor ?? 0n);
    // in a house wallet the house share is the whole balance, so the client share is 0
    holdings.push({
      walletId: balance.walletId,
      tier: wallet.tier,
      ownerClass: wallet.ownerClass,
      asset: balance.asset,
      clientMinor: balance.balanceMinor - houseMinor,
      houseMinor,
      onChainMinor: balance.balanceMinor,
    });
  }
  return { ...facts, holdings };
}

/** The rules TW-14's monthly check recomputes on chain: the cold storage ratios (TW-3, with HK-11g where licensed) and the TW-4 cap. */
export function onChainCheck(facts: ComplianceFacts, profile: PolicyProfile): RuleResult[] {
  const results: RuleResult[] = [];
  if (profile.jurisdictions.includes('HK')) results.push(...hkColdStorage(facts, profile));
  if (profile.jurisdictions.includes('TW'))
    results.push(twColdStorage(facts, profile), ...twCommingling(facts, profile));
  return results;
}

/**
 * TW-14 (last paragraph): one check of the ratios and the cap on chain, with the heights read and
 * every rule's evidence.
 */
export interface OnChainCheckRecorded {
  readonly type: 'OnChainComplianceChecked';
  readonly data: {
    readonly checkId: string;
    readonly at: string;
    readonly policyVersion: string;
    readonly heights: readonly { readonly chain: string; readonly blockNumber: string }[];
    readonly unread: readonly string[];
    readonly balances: readonly ChainBalance[];
    readonly results: readonly RuleResult[];
  };
}

export interface RecordOnChainCheck {
  readonly type: 'RecordOnChainCheck';
  readonly check: OnChainCheckRecorded['data'];
}

/** The on-chain checks' stream: every check recorded, in order; recording refuses nothing. */
export const onChainChecksDecider: Decider<
  RecordOnChainCheck,
  OnChainCheckRecorded,
  readonly OnChainCheckRecorded['data'][],
  PolicyError
> = {
  initialState: [],
  eventTypes: eventTypesOf<OnChainCheckRecorded>({ OnChainComplianceChecked: true }),
  decide: (command) => ({
    ok: true,
    events: [{ type: 'OnChainComplianceChecked', data: command.check }],
  }),
  evolve(checks, event) {
    switch (event.type) {
      case 'OnChainComplianceChecked':
        return [...checks, event.data];
      default:
        return unhandled(event.type);
    }
  },
};
