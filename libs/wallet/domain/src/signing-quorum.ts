import { unhandled } from '@custody/decider';
import type { Custodian } from './custody-roster';
import { quorumSpan, type QuorumPolicy, type QuorumSpan } from './wallet';
import { walletError, type WalletError } from './wallet-errors';

/** What the custodians review before they approve (TW-17.4): the decoded content and the hash the HSM will sign. */
export interface SigningPayload {
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly destinationAddress: string;
  /** The most the network may charge, in the chain's fee asset (ETH on ethereum). */
  readonly maxNetworkFeeMinor: bigint;
  readonly feeAsset: string;
  /** The 32-byte digest the HSM signs (EVM: keccak256 of the serialized unsigned transaction), 0x hex. */
  readonly payloadHash: string;
  /** The serialized unsigned transaction, 0x hex: anyone can decode it and check it says the above. */
  readonly unsignedTransaction: string;
}

export interface SigningApproval {
  readonly custodianId: string;
  readonly payloadHash: string;
  readonly approvedAt: string;
}

/** Who may approve right now: the roster entries and the custodians holding access to the wallet's key. */
export interface QuorumFacts {
  readonly custodians: ReadonlyMap<string, Custodian>;
  readonly keyHolders: ReadonlySet<string>;
}

export interface QuorumStatus {
  readonly met: boolean;
  /** The custodians whose approvals count, in the order they approved. */
  readonly counted: readonly string[];
  /** Why it is not met (undefined when met). */
  readonly shortfall?: WalletError;
}

/** An approval counts until approvedAt + ttl (exclusive). */
export function approvalExpired(
  approval: SigningApproval,
  policy: QuorumPolicy,
  at: string,
): boolean {
  return Date.parse(at) >= Date.parse(approval.approvedAt) + policy.approvalTtlMs;
}

/**
 * HK-11d / HK-11e: the approvals that count at `at` are those of the payload hash being signed,
 * not expired, by custodians on the roster who still hold access to the key (a key holder missing
 * from the roster is no one we can name, so counts for nothing: fail safe); each custodian once, however
 * often they approved. The quorum is met with `required` of them and, when the policy asks for
 * a span, they come from at least two distinct departments, two distinct sites, both, or either,
 * as the wallet's quorum says (HK-11e; a quorum recorded without saying which spans 'either').
 */
export function quorumStatus(
  approvals: readonly SigningApproval[],
  payloadHash: string,
  policy: QuorumPolicy,
  facts: QuorumFacts,
  at: string,
): QuorumStatus {
  const counted: string[] = [];
  let expired = 0;
  for (const approval of approvals) {
    const eligible =
      facts.keyHolders.has(approval.custodianId) && facts.custodians.has(approval.custodianId);
    if (approval.payloadHash !== payloadHash || !eligible || counted.includes(approval.custodianId))
      continue;
    if (approvalExpired(approval, policy, at)) {
      expired += 1;
      continue;
    }
    counted.push(approval.custodianId);
  }
  if (counted.length < policy.required) {
    const shortfall = walletError(
      'SIGNING_QUORUM_NOT_MET',
      'approvals',
      `${counted.length} of ${policy.required} distinct custodians approved ${payloadHash}${expired > 0 ? ` (${expired} approval(s) expired)` : ''} (HK-11d)`,
    );
    return { met: false, counted, shortfall };
  }
  const span = quorumSpan(policy);
  if (span !== undefined) {
    // Stryker disable next-line ArrayDeclaration: never evaluated: a counted id is eligible, so the roster has it
    const members = counted.flatMap((id) => facts.custodians.get(id) ?? []);
    const departments = new Set(members.map((custodian) => custodian.department)).size;
    const sites = new Set(members.map((custodian) => custodian.site)).size;
    if (!spanMet(span, departments >= 2, sites >= 2)) {
      return {
        met: false,
        counted,
        shortfall: walletError(
          'SIGNING_QUORUM_NOT_MET',
          'approvals',
          `the approving custodians come from ${departments} department(s) and ${sites} site(s); the wallet's quorum asks for ${span === 'both' ? 'two departments and two sites' : span === 'either' ? 'two departments or two sites' : `two ${span}`} (HK-11e)`,
        ),
      };
    }
  }
  return { met: true, counted };
}

/** HK-11e: whether approvers from two or more departments, and from two or more sites, make the span. */
function spanMet(span: QuorumSpan, departments: boolean, sites: boolean): boolean {
  switch (span) {
    case 'either':
      return departments || sites;
    case 'departments':
      return departments;
    case 'sites':
      return sites;
    case 'both':
      return departments && sites;
    default:
      return unhandled(span);
  }
}
