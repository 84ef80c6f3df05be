import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import { unitsText } from '@custody/exact';
import type { ComplianceFacts, WalletHolding } from './facts';
import type { PolicyError } from './policy-errors';
import type { Jurisdiction, PolicyProfile } from './policy-profile';
import { hkColdStorage, twColdStorage, twCommingling, type RuleResult } from './rules';

/** What the chain shows one wallet holding of one asset at the height read. */
export interface ChainBalance {
  readonly walletId: string;
  readonly asset: string;
  readonly balanceMinor: bigint;
}

/**
 * A wallet, or one asset in it, the check set out to read on chain and could not: no reader for
 * the wallet's chain, no address, an asset its chain's reader does not know, a node that failed or
 * did not answer in time, or more reads than a check makes. Never taken for a balance, never a pass.
 */
export interface UnreadBalance {
  readonly walletId: string;
  /** null: nothing of the wallet was read. */
  readonly asset: string | null;
  readonly reason: string;
}

type KnownWallets = ReadonlyMap<string, Pick<WalletHolding, 'tier' | 'ownerClass'>>;

function knownWallet(wallets: KnownWallets, walletId: string) {
  const wallet = wallets.get(walletId);
  if (wallet === undefined)
    throw new Error(`assertion: ${walletId} was read on chain but is not a known wallet`);
  return wallet;
}

function recordedHolding(facts: ComplianceFacts, walletId: string, asset: string) {
  return facts.holdings.find((holding) => holding.walletId === walletId && holding.asset === asset);
}

/**
 * The facts as the chain alone shows them (TW-14, last paragraph): every wallet read holds what
 * the chain says; in a client wallet the client share is that less the house share the records
 * know (commingling exceptions less the fees paid from them), in a house wallet all of it is the
 * house's. A wallet or asset the chain was not read for keeps no holding: nothing is assumed; an
 * asset read at 0 that the records do not have either is no holding.
 */
export function onChainFacts(
  facts: ComplianceFacts,
  wallets: KnownWallets,
  balances: readonly ChainBalance[],
): ComplianceFacts {
  const holdings: WalletHolding[] = [];
  for (const balance of balances) {
    const wallet = knownWallet(wallets, balance.walletId);
    const recorded = recordedHolding(facts, balance.walletId, balance.asset);
    if (recorded === undefined && balance.balanceMinor === 0n) continue;
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

const unreadText = (unread: readonly UnreadBalance[]) =>
  unread
    .map(
      (entry) =>
        `${entry.walletId}${entry.asset === null ? '' : ` ${entry.asset}`} (${entry.reason})`,
    )
    .join('; ');

/**
 * The rules TW-14's monthly check recomputes on chain: the cold storage ratios (TW-3, with HK-11g
 * where licensed) and the TW-4 cap. With anything unread, a rule that passes on what was read is
 * indeterminate, never a pass.
 */
export function onChainCheck(
  facts: ComplianceFacts,
  profile: PolicyProfile,
  unread: readonly UnreadBalance[] = [],
): RuleResult[] {
  const results: RuleResult[] = [];
  if (profile.jurisdictions.includes('HK')) results.push(...hkColdStorage(facts, profile));
  if (profile.jurisdictions.includes('TW'))
    results.push(twColdStorage(facts, profile), ...twCommingling(facts, profile));
  if (unread.length === 0) return results;
  return results.map((result) =>
    result.verdict === 'pass'
      ? {
          ...result,
          verdict: 'indeterminate',
          reason: `${result.reason} on what was read; not read on chain: ${unreadText(unread)}`,
        }
      : result,
  );
}

/** What the records have and what the chain holds, in minor units and, where the registry gives its decimals, in units of the asset. */
function figuresOf(
  recordedMinor: bigint,
  onChainMinor: bigint,
  decimals: number | undefined,
): Record<string, string> {
  const minor = { recordedMinor: recordedMinor.toString(), onChainMinor: onChainMinor.toString() };
  return decimals === undefined
    ? minor
    : {
        recorded: unitsText(recordedMinor, decimals),
        onChain: unitsText(onChainMinor, decimals),
        ...minor,
      };
}

/** The rule each licence answers the records check under: HK-21 (books against on-chain records), TW-14 (the check on chain). */
const RECORDS_RULES: readonly (readonly [Jurisdiction, string])[] = [
  ['HK', 'HK-21'],
  ['TW', 'TW-14'],
];

/**
 * TW-14 (last paragraph) / HK-21: every wallet read, client and house, held to its own records:
 * each balance above zero of an asset whose records in that wallet come to nothing (never
 * recorded, or recorded down to 0) is a failing item naming the wallet, the asset, what the
 * records have and what the chain holds, in units of the asset and in minor units. One item over
 * all says what was read: it fails with any such balance, is indeterminate with anything unread,
 * and passes only when everything set out to be read was read and the records have it.
 */
export function onChainRecordsCheck(
  facts: ComplianceFacts,
  wallets: KnownWallets,
  balances: readonly ChainBalance[],
  unread: readonly UnreadBalance[],
  profile: PolicyProfile,
): RuleResult[] {
  const found = balances.flatMap((balance) => {
    const holding = recordedHolding(facts, balance.walletId, balance.asset);
    const recordedMinor = holding === undefined ? 0n : holding.clientMinor + holding.houseMinor;
    return balance.balanceMinor > 0n && recordedMinor <= 0n
      ? [{ ...balance, recordedMinor, ...knownWallet(wallets, balance.walletId) }]
      : [];
  });
  const walletsRead = new Set(balances.map((balance) => balance.walletId)).size;
  const shown = (amountMinor: bigint, asset: string) => {
    const decimals = facts.decimals.get(asset);
    return decimals === undefined
      ? `${amountMinor} minor units of ${asset}`
      : `${unitsText(amountMinor, decimals)} ${asset} (${amountMinor} minor units)`;
  };
  const reasons = [
    ...(found.length > 0
      ? [
          `${found.length} balances on chain that the records do not have: ${found.map((entry) => `${entry.walletId} ${shown(entry.balanceMinor, entry.asset)}`).join(', ')}`,
        ]
      : []),
    ...(unread.length > 0 ? [`not read on chain: ${unreadText(unread)}`] : []),
  ];
  return RECORDS_RULES.filter(([jurisdiction]) =>
    profile.jurisdictions.includes(jurisdiction),
  ).flatMap(([, ruleId]): RuleResult[] => [
    {
      ruleId,
      subject: 'all',
      verdict: found.length > 0 ? 'fail' : unread.length > 0 ? 'indeterminate' : 'pass',
      policyVersion: profile.version,
      asOf: facts.asOf,
      reason:
        reasons.length > 0
          ? reasons.join('; ')
          : `every balance read on chain (${balances.length} in ${walletsRead} wallets, each asset of the registry on each wallet's chain) is one the records have`,
      inputs: { unread },
      figures: {
        walletsRead: String(walletsRead),
        balancesRead: String(balances.length),
        unrecorded: String(found.length),
        unread: String(unread.length),
      },
    },
    ...found.map((entry): RuleResult => ({
      ruleId,
      subject: `${entry.walletId}/${entry.asset}`,
      verdict: 'fail',
      policyVersion: profile.version,
      asOf: facts.asOf,
      reason: `${entry.ownerClass} ${entry.tier} wallet ${entry.walletId} holds ${shown(entry.balanceMinor, entry.asset)} on chain that the records do not have: they have ${shown(entry.recordedMinor, entry.asset)}`,
      inputs: {
        walletId: entry.walletId,
        asset: entry.asset,
        ownerClass: entry.ownerClass,
        tier: entry.tier,
      },
      figures: figuresOf(entry.recordedMinor, entry.balanceMinor, facts.decimals.get(entry.asset)),
    })),
  ]);
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
    /** Wallets with anything unread. */
    readonly unread: readonly string[];
    /** What was not read and why; absent from checks recorded before issue 25. */
    readonly unreadBalances?: readonly UnreadBalance[];
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
