import { fromMinor, multiply, parseDecimal, rational, type Rational } from '@custody/exact';

/** What one wallet holds of one asset, split by whose it is (from the ledger and the wallet service), and what the chain shows. */
export interface WalletHolding {
  readonly walletId: string;
  readonly tier: 'cold' | 'hot';
  readonly ownerClass: 'client-segregated' | 'house';
  readonly asset: string;
  /** Client assets held in this wallet (minor units). */
  readonly clientMinor: bigint;
  /** The institution's own assets in this wallet (minor units): in a client wallet only by a commingling exception (TW-4). */
  readonly houseMinor: bigint;
  /** What the chain shows at the snapshot's height (minor units). */
  readonly onChainMinor: bigint;
}

/** A price of one unit of an asset in the report currency, exact decimal text, with when it was observed. */
export interface PriceObservation {
  readonly asset: string;
  readonly price: string;
  readonly observedAt: string;
}

/** TW-4's four purposes for house assets in a client wallet. */
export const COMMINGLING_PURPOSES = [
  'network-fee',
  'trading-fees-held',
  'prefunded-rewards',
  'settlement-prefunding',
] as const;
export type ComminglingPurpose = (typeof COMMINGLING_PURPOSES)[number];

/** A recorded commingling exception (`ComminglingExceptionRecorded`): house assets placed in a client wallet, with why. */
export interface ComminglingException {
  readonly exceptionId: string;
  readonly walletId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly purpose: ComminglingPurpose;
}

/** An insurance or compensation arrangement (HK-11j): its limit in the report currency, until when it runs. */
export interface InsurancePolicy {
  readonly policyId: string;
  readonly insurer: string;
  readonly limit: string;
  readonly expiresAt: string;
}

/** What the ledger's custody account of one wallet records it holding of one asset (minor units; HK-8 double entry). */
export interface CustodyBalance {
  readonly walletId: string;
  /** As the wallet service registered it; `unregistered` when the policy service has not seen the wallet. */
  readonly ownerClass: 'client-segregated' | 'house' | 'unregistered';
  readonly asset: string;
  readonly custodyMinor: bigint;
}

/**
 * The ledger's books as the segregation rule (HK-6) reads them: per asset, what the institution
 * owes its clients (each client's balance counted only when positive: a client who owes the
 * house offsets nothing owed to the others, as in TW-13 (3)) and what its custody accounts say
 * each wallet holds. Both come from the same journals, so they are never out of step.
 */
export interface LedgerBooks {
  readonly clientLiabilities: ReadonlyMap<string, bigint>;
  readonly custody: readonly CustodyBalance[];
}

/** The facts the rules read, all as of one instant (`asOf`, from the command, never the clock). */
export interface ComplianceFacts {
  readonly asOf: string;
  readonly reportCurrency: string;
  readonly holdings: readonly WalletHolding[];
  readonly prices: ReadonlyMap<string, PriceObservation>;
  /** asset -> decimals of its minor unit */
  readonly decimals: ReadonlyMap<string, number>;
  readonly exceptions: readonly ComminglingException[];
  readonly insurance: readonly InsurancePolicy[];
  /** What the facts are known to miss (a wallet whose balance is not observed): a report built on them says so. */
  readonly gaps?: readonly string[];
  /** The ledger's books (HK-6); absent when the policy service has not read the ledger. */
  readonly books?: LedgerBooks;
}

/** A price may be observed this far ahead of the facts' instant (clocks of two systems), no more. */
export const PRICE_CLOCK_SKEW_MS = 5_000;

export type PriceProblem = {
  readonly asset: string;
  readonly problem: 'missing' | 'stale' | 'invalid';
  readonly observedAt?: string;
};

/**
 * The value of one minor unit of an asset at its price (with the decimals of that unit), or why
 * it cannot be valued now: no price, a price that does not parse, or a price older than the
 * staleness limit (fail safe: never valued on an old price). Whether an asset can be valued
 * depends on its price alone, never on an amount.
 */
export function unitValueOf(
  facts: ComplianceFacts,
  asset: string,
  stalenessMs: number,
): { readonly perMinor: Rational; readonly decimals: number } | PriceProblem {
  const observation = facts.prices.get(asset);
  if (observation === undefined) return { asset, problem: 'missing' };
  const price = parseDecimal(observation.price);
  const decimals = facts.decimals.get(asset);
  const age = Date.parse(facts.asOf) - Date.parse(observation.observedAt);
  // no price, a zero or negative one, a time that does not parse or lies ahead of the facts: not a price to value by
  if (
    price === undefined ||
    decimals === undefined ||
    price.numerator <= 0n ||
    Number.isNaN(age) ||
    age < -PRICE_CLOCK_SKEW_MS
  )
    return { asset, problem: 'invalid', observedAt: observation.observedAt };
  if (age > stalenessMs) return { asset, problem: 'stale', observedAt: observation.observedAt };
  return { perMinor: multiply(fromMinor(1n, decimals), price), decimals };
}

/** The value of an amount of an asset at its price, or why it cannot be valued now (`unitValueOf`). */
export function valueOf(
  facts: ComplianceFacts,
  asset: string,
  amountMinor: bigint,
  stalenessMs: number,
): { readonly value: Rational } | PriceProblem {
  const unit = unitValueOf(facts, asset, stalenessMs);
  return 'perMinor' in unit ? { value: multiply(rational(amountMinor), unit.perMinor) } : unit;
}
