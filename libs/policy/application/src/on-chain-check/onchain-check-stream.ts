import type { Fold } from '@custody/event-store';
import type { ChainBalance, RuleResult } from '@custody/policy-domain';

export const ONCHAIN_CHECKS_STREAM_ID = 'policy-onchain-checks';

/** TW-14 (last paragraph): one check of the ratios and the cap on chain, with the heights read and every rule's evidence. */
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

export const ONCHAIN_CHECKS_FOLD: Fold<
  readonly OnChainCheckRecorded['data'][],
  OnChainCheckRecorded
> = {
  initialState: [],
  eventTypes: new Set(['OnChainComplianceChecked']),
  evolve: (checks, event) => [...checks, event.data],
};
