/**
 * The services' answers as their controllers and application code return them (read there, not
 * guessed): only the fields the pages use. Amounts are decimal strings of minor units.
 */

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/** apps/ledger/src/http/clients.controller.ts: GET /v1/clients/:clientId/balances[?at=] */
export interface BalancesAnswer {
  readonly clientId: string;
  readonly at?: string;
  readonly asOfPosition: string;
  readonly clientEventsUpTo?: string;
  readonly balances: readonly {
    readonly asset: string;
    readonly postedMinor: string;
    readonly pendingDebitsMinor: string;
    readonly availableMinor: string;
  }[];
}

/** GET /v1/clients/:clientId/statement?after=&limit= (libs/ledger/read-models: StatementLineEntity without clientId) */
export interface StatementLine {
  readonly globalPosition: string;
  readonly line: number;
  readonly asset: string;
  readonly reason: string;
  readonly sourceReference: string;
  readonly amountMinor: string;
  readonly pendingChangeMinor: string;
  readonly balanceAfterMinor: string;
  readonly availableAfterMinor: string;
  readonly occurredAt: string;
}
export interface StatementAnswer {
  readonly clientId: string;
  readonly lines: readonly StatementLine[];
  readonly next: string | null;
}

/** apps/ledger/src/http/books.controller.ts: GET /v1/books/invariants */
export interface InvariantsAnswer {
  readonly asOfPosition: string;
  readonly ok: boolean;
  readonly assets: readonly { readonly asset: string; readonly holds: boolean }[];
}

/** libs/policy/domain/src/rules.ts: RuleResult */
export interface RuleResult {
  readonly ruleId: string;
  readonly subject: string;
  readonly verdict: 'pass' | 'fail' | 'indeterminate';
  readonly policyVersion: string;
  readonly asOf: string;
  readonly reason: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly figures: Readonly<Record<string, string>>;
  readonly rebalancing?: readonly {
    readonly asset: string;
    readonly direction: 'hot-to-cold' | 'cold-to-hot';
    readonly amountMinor: string;
  }[];
}

/** libs/policy/domain/src/breaches.ts: OpenBreach */
export interface OpenBreach {
  readonly breachId: string;
  readonly ruleId: string;
  readonly subject: string;
  readonly detectedAt: string;
  readonly evidence: RuleResult;
}

/** apps/policy/src/http/compliance.controller.ts: GET /v1/compliance[?at=] (ComplianceStatus) */
export interface ComplianceAnswer {
  readonly asOf: string;
  readonly policyVersion: string;
  readonly policySource: 'approved' | 'default';
  readonly results: readonly RuleResult[];
  readonly openBreaches: readonly OpenBreach[];
}

/** GET /v1/policy-versions: the governance state's versions (Pending<PolicyProfile>) */
export interface PolicyVersionsAnswer {
  readonly activeVersion: string | null;
  readonly versions: readonly {
    readonly value: {
      readonly version: string;
      readonly jurisdictions: readonly string[];
      readonly thresholds: Readonly<Record<string, string | number>>;
    };
    readonly proposedBy: string;
    readonly reason: string;
    readonly status: 'pending' | 'approved' | 'rejected';
  }[];
  readonly classification: Readonly<Record<string, string>>;
}

/** libs/wallet/domain/src/wallet.ts: WalletState, as GET /v1/wallets lists it */
export interface WalletView {
  readonly registration: {
    readonly walletId: string;
    readonly tier: 'cold' | 'hot';
    readonly ownerClass: 'client-segregated' | 'house';
    readonly chain: string;
    readonly assets: readonly string[];
    readonly address: string;
    readonly key: {
      readonly keyId: string;
      readonly location: { readonly site: string; readonly jurisdiction: string };
      readonly rotationDueAt: string;
    };
  };
  readonly quorum: {
    readonly required: number;
    readonly spanDepartmentsOrSites: boolean;
    readonly approvalTtlMs: number;
  };
  readonly confirmationsRequired: number;
  readonly registeredAt: string;
}

/** libs/wallet/domain/src/withdrawal.ts: WithdrawalState (GET /v1/withdrawals, GET /v1/withdrawals/:id) */
export interface WithdrawalView {
  readonly request: {
    readonly withdrawalId: string;
    readonly requestId: string;
    readonly clientId: string | null;
    readonly asset: string;
    readonly amountMinor: string;
    readonly walletId: string;
    readonly destinationAddress: string;
    readonly destinationWalletId: string | null;
    readonly requestedBy: string;
    readonly chain: string;
    readonly quorum: { readonly required: number };
    readonly direction: string | null;
    readonly requestedAt: string;
  };
  readonly status:
    'awaiting-payload' | 'awaiting-approval' | 'signed' | 'broadcast' | 'confirmed' | 'failed';
  readonly payload?: {
    readonly asset: string;
    readonly amountMinor: string;
    readonly destinationAddress: string;
    readonly maxNetworkFeeMinor: string;
    readonly feeAsset: string;
    readonly payloadHash: string;
    readonly unsignedTransaction: string;
  };
  readonly approvals: readonly {
    readonly custodianId: string;
    readonly payloadHash: string;
    readonly approvedAt: string;
  }[];
  readonly approvedAt?: string;
  readonly held: boolean;
  readonly transactionHash?: string;
  /** HK-11h: how, through whom, by whom and when the destination was proven (null: an internal transfer, or no longer listed). */
  readonly destinationProof?: DestinationProof | null;
}

/** libs/wallet/domain/src/allow-list.ts: AllowListedAddress, as GET /v1/withdrawals/:id shows it. */
export interface DestinationProof {
  readonly challengeId: string;
  readonly channel: 'client' | 'staff' | 'unchecked';
  readonly method: 'signed-message' | 'micro-payment';
  readonly requestedBy: string;
  readonly requestReason: string | null;
  readonly submittedBy: string;
  readonly approvedBy: string | null;
  readonly provenAt: string;
  readonly listedAt: string;
  readonly usableFrom: string;
}

/** GET /v1/clients/:clientId/allow-list (libs/wallet/domain/src/allow-list.ts: AllowListedAddress) */
export interface AllowListAnswer {
  readonly clientId: string;
  readonly addresses: readonly {
    readonly chain: string;
    readonly address: string;
    readonly challengeId: string;
    readonly provenAt: string;
  }[];
}

/** GET /v1/custodians (libs/wallet/domain/src/custody-roster.ts) */
export interface RosterAnswer {
  readonly custodians: readonly {
    readonly custodianId: string;
    readonly name: string;
    readonly department: string;
    readonly site: string;
    readonly wallets: readonly string[];
  }[];
  readonly changes: readonly {
    readonly changeId: string;
    readonly custodianId: string;
    readonly walletId: string;
    readonly action: 'grant' | 'revoke';
    readonly reason: string;
    readonly requestedBy: string;
    readonly requestedAt: string;
    readonly status: 'pending' | 'approved' | 'rejected';
  }[];
}

/** libs/reconciliation/domain/src/discrepancy.ts: DiscrepancyState (GET /v1/discrepancies) */
export interface DiscrepancyView {
  readonly discrepancyId: string;
  readonly difference: {
    readonly asset: string;
    readonly source: string;
    readonly kind: 'shortfall' | 'surplus';
    readonly amountMinor: string;
    readonly owedMinor: string;
    readonly heldMinor: string;
    readonly wallets: readonly string[];
  };
  /** The day the run found it (TW-14.3 counts the top-up from the day after). */
  readonly discoveredOn: string;
  /** The business day the run that found it is about: earlier than `discoveredOn` for a late run. */
  readonly businessDay: string;
  readonly explainBy: string;
  readonly topUpDueOn: string | null;
  readonly status: 'open' | 'explained' | 'closed';
  readonly escalated: boolean;
  readonly overdueReported: boolean;
  readonly toppedUpMinor: string;
}

/** libs/audit/domain/src/state.ts: ReconstructedState (GET /v1/audit/reconstruction/state?at=, auditors) */
export interface ReconstructedState {
  readonly at: string;
  readonly wallets: readonly {
    readonly walletId: string;
    readonly tier: string;
    readonly ownerClass: string;
    readonly keyId: string | null;
  }[];
  readonly policyVersion: string | null;
  readonly openDiscrepancies: readonly {
    readonly discrepancyId: string;
    readonly discoveredOn: string;
    readonly topUpDueOn: unknown;
  }[];
  readonly openWithdrawals: readonly {
    readonly withdrawalId: string;
    readonly clientId: string | null;
    readonly asset: string;
    readonly amountMinor: string;
    readonly walletId: string;
    readonly destinationAddress: string;
    readonly destinationWalletId: string | null;
    readonly requestedBy: string;
    readonly requestedAt: string;
    readonly status: string;
    readonly approvals: readonly string[];
  }[];
  readonly pendingKeyAccessChanges: readonly {
    readonly changeId: string;
    readonly custodianId: string;
    readonly walletId: string;
    readonly action: string;
    readonly requestedBy: string;
    readonly requestedAt: string;
  }[];
}

/** libs/audit/domain/src/audit-record.ts: Checkpoint */
export interface Checkpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly chainHead: string;
  readonly at: string;
  readonly keyId: string;
}

/** apps/audit/src/http/audit.controller.ts: GET /v1/audit/status */
export interface AuditStatusAnswer {
  readonly size: number;
  readonly checkpoints: number;
  readonly lastCheckpoint: Checkpoint | null;
}

/** GET /v1/audit/verify: every record checked, or where the chain breaks */
export interface VerifyAnswer {
  readonly checked: number;
  readonly broken?: {
    readonly position: string;
    readonly problem: 'gap' | 'broken-link' | 'hash-mismatch';
  };
}
