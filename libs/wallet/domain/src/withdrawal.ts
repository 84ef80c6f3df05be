import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import type {
  InternalTransferConfirmedData,
  NetworkFeePaidData,
  WithdrawalApprovedData,
  WithdrawalConfirmedData,
  WithdrawalFailedData,
} from './published-events';
import {
  quorumStatus,
  type QuorumFacts,
  type SigningApproval,
  type SigningPayload,
} from './signing-quorum';
import {
  largeTransferAlert,
  type LargeTransferAlertedEvent,
  type TransferThresholds,
} from './transfer-monitoring';
import { keySigningProblem, walletHoldsAsset, type QuorumPolicy, type WalletState } from './wallet';
import {
  accept,
  canonical,
  isAtOrAfter,
  refuse,
  sameAddress,
  walletError,
  type WalletDecision,
  type WalletError,
  type WalletErrorCode,
} from './wallet-errors';

/**
 * An outgoing movement from one of our wallets, quorum-signed: a client withdrawal (to an
 * allow-listed address of the client, held by the ledger first) or an internal transfer between
 * two of our wallets (TW-15.4: cold-to-hot, hot-to-cold; no client, no hold). Both share the
 * review, quorum, signing, broadcast and confirmation path; `withdrawalId` names either.
 */
export interface WithdrawalRequest {
  readonly withdrawalId: string;
  /** The exchange's request id (WithdrawalRequested v1) or the API caller's. */
  readonly requestId: string;
  /** The client withdrawing; null for an internal transfer. */
  readonly clientId: string | null;
  readonly asset: string;
  readonly amountMinor: bigint;
  /** The client-segregated wallet the amount leaves from. */
  readonly walletId: string;
  readonly destinationAddress: string;
  /** The receiving wallet of an internal transfer; null for a client withdrawal. */
  readonly destinationWalletId: string | null;
  /** The authenticated person or system that asked; never counts towards its own quorum. */
  readonly requestedBy: string;
}

/** TW-15.4: which way an internal transfer goes. */
export type TransferDirection = 'cold-to-hot' | 'hot-to-cold' | 'hot-to-hot' | 'cold-to-cold';

/** The policy service's answer for a withdrawal (the policy port's decision). */
export interface WithdrawalPolicyDecision {
  readonly allowed: boolean;
  /** Distinct custodians needed for this amount (at least the wallet's own quorum is applied). */
  readonly quorumRequired: number;
  readonly reason: string;
  readonly policyVersion: string;
}

export interface WithdrawalFacts {
  readonly wallet: WalletState | undefined;
  /** Clients whose allow-list holds the destination with proven ownership (HK-11h). */
  readonly destinationAllowListedFor: readonly string[];
  /** HK-11h: when the destination's cooling-off ends on the client's allow-list (null: not listed there). */
  readonly destinationUsableFrom: string | null;
  readonly policy: WithdrawalPolicyDecision;
  readonly thresholds: TransferThresholds;
}

export type WithdrawalStatus =
  'awaiting-payload' | 'awaiting-approval' | 'signed' | 'broadcast' | 'confirmed' | 'failed';

export interface WithdrawalState {
  readonly request: WithdrawalRequest & {
    readonly chain: string;
    readonly quorum: QuorumPolicy;
    readonly direction: TransferDirection | null;
    readonly requestedAt: string;
  };
  readonly status: WithdrawalStatus;
  readonly payload: SigningPayload | undefined;
  readonly approvals: readonly SigningApproval[];
  /** When the quorum first passed (WithdrawalApproved: the ledger holds the amount). */
  readonly approvedAt: string | undefined;
  /** The ledger's hold is in place: only then may the HSM sign. */
  readonly held: boolean;
  readonly transactionHash: string | undefined;
  /** The signed transaction (public once broadcast; kept so a broadcast can be retried as is). */
  readonly signedTransaction: string | undefined;
}

export type WithdrawalEvent =
  | {
      readonly type: 'WithdrawalRequested';
      readonly data: WithdrawalRequest & {
        readonly chain: string;
        readonly quorum: QuorumPolicy;
        readonly direction: TransferDirection | null;
        readonly policyVersion: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'SigningPayloadPrepared';
      readonly data: {
        readonly withdrawalId: string;
        readonly payload: SigningPayload;
        readonly voidedApprovals: number;
        readonly at: string;
      };
    }
  | {
      readonly type: 'SigningApproved';
      readonly data: {
        readonly withdrawalId: string;
        readonly custodianId: string;
        readonly payloadHash: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'SigningQuorumReached';
      readonly data: {
        readonly withdrawalId: string;
        readonly payloadHash: string;
        readonly custodians: readonly string[];
        readonly at: string;
      };
    }
  | { readonly type: 'WithdrawalApproved'; readonly data: WithdrawalApprovedData }
  | {
      readonly type: 'WithdrawalHoldConfirmed';
      readonly data: { readonly withdrawalId: string; readonly at: string };
    }
  | {
      readonly type: 'WithdrawalSigned';
      readonly data: {
        readonly withdrawalId: string;
        readonly keyId: string;
        readonly payloadHash: string;
        readonly approvedBy: readonly string[];
        readonly transactionHash: string;
        readonly signedTransaction: string;
        readonly at: string;
      };
    }
  /** HK-11c: written BEFORE the HSM is asked (write-ahead): an access to the key is on record even if the process dies before the signature is. */
  | {
      readonly type: 'KeySigningStarted';
      readonly data: {
        readonly withdrawalId: string;
        readonly keyId: string;
        readonly walletId: string;
        readonly payloadHash: string;
        readonly custodians: readonly string[];
        readonly at: string;
      };
    }
  /** HK-11c: every use of a key, with who made it possible, what was signed and when. */
  | {
      readonly type: 'KeyUsed';
      readonly data: {
        readonly keyId: string;
        readonly walletId: string;
        readonly purpose: 'withdrawal' | 'internal-transfer';
        readonly reference: string;
        readonly payloadHash: string;
        readonly custodians: readonly string[];
        readonly requestedBy: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'WithdrawalBroadcast';
      readonly data: {
        readonly withdrawalId: string;
        readonly transactionHash: string;
        readonly at: string;
      };
    }
  /** A fee the network charged a wallet that no WithdrawalConfirmed carries (another asset's gas, an internal transfer's, a reverted transaction's). */
  | { readonly type: 'NetworkFeePaid'; readonly data: NetworkFeePaidData }
  | { readonly type: 'WithdrawalConfirmed'; readonly data: WithdrawalConfirmedData }
  | { readonly type: 'InternalTransferConfirmed'; readonly data: InternalTransferConfirmedData }
  | {
      readonly type: 'InternalTransferFailed';
      readonly data: {
        readonly withdrawalId: string;
        readonly reason: 'reverted' | 'cancelled' | 'dropped';
        readonly failedAt: string;
      };
    }
  | {
      readonly type: 'WithdrawalCancelled';
      readonly data: {
        readonly withdrawalId: string;
        readonly cancelledBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | { readonly type: 'WithdrawalFailed'; readonly data: WithdrawalFailedData }
  | LargeTransferAlertedEvent;

export interface ChainOutcome {
  readonly status: 'success' | 'reverted';
  readonly confirmations: number;
  /** What the network charged, in the chain's fee asset. */
  readonly feeAsset: string;
  readonly feeMinor: bigint;
}

export type WithdrawalCommand =
  | ({ readonly type: 'RequestWithdrawal'; readonly at: string } & WithdrawalRequest)
  | ({ readonly type: 'RequestInternalTransfer'; readonly at: string } & WithdrawalRequest)
  | {
      readonly type: 'PrepareSigningPayload';
      readonly withdrawalId: string;
      readonly payload: SigningPayload;
      readonly at: string;
    }
  | {
      readonly type: 'ApproveSigning';
      readonly withdrawalId: string;
      readonly custodianId: string;
      readonly payloadHash: string;
      readonly at: string;
    }
  | {
      readonly type: 'RecordLedgerHold';
      readonly withdrawalId: string;
      /** What the ledger says it held: it must be exactly this withdrawal's client, asset, amount and wallet. */
      readonly hold: {
        readonly clientId: string;
        readonly asset: string;
        readonly amountMinor: bigint;
        readonly walletId: string;
      };
      readonly at: string;
    }
  | {
      readonly type: 'StartSigning';
      readonly withdrawalId: string;
      readonly payloadHash: string;
      readonly at: string;
    }
  | {
      readonly type: 'RecordSignature';
      readonly withdrawalId: string;
      readonly keyId: string;
      readonly payloadHash: string;
      readonly transactionHash: string;
      readonly signedTransaction: string;
      readonly at: string;
    }
  | {
      readonly type: 'RecordBroadcast';
      readonly withdrawalId: string;
      readonly transactionHash: string;
      readonly at: string;
    }
  | {
      readonly type: 'RecordChainOutcome';
      readonly withdrawalId: string;
      readonly outcome: ChainOutcome;
      readonly at: string;
    }
  /**
   * The broadcast transaction will never be mined: its transaction number was used by another
   * transaction that is final (a nonce is used once). Nothing left the wallet for it.
   */
  | {
      readonly type: 'RecordTransactionDropped';
      readonly withdrawalId: string;
      readonly transactionHash: string;
      readonly at: string;
    }
  | {
      readonly type: 'CancelWithdrawal';
      readonly withdrawalId: string;
      readonly cancelledBy: string;
      readonly reason: string;
      readonly at: string;
    };

/** Every command on a movement after its request. */
export type WithdrawalProgressCommand = Exclude<
  WithdrawalCommand,
  { type: 'RequestWithdrawal' | 'RequestInternalTransfer' }
>;

/** What the decisions after the request need: the wallet (key, confirmations) and who may approve now. */
export interface WithdrawalProgressFacts {
  readonly wallet: WalletState;
  readonly quorum: QuorumFacts;
  /** HK-11h, now: the destination is still on the client's proven allow-list (an internal transfer's: still our wallet). */
  readonly destinationStillAllowed: boolean;
}

const FINAL: ReadonlySet<WithdrawalStatus> = new Set(['confirmed', 'failed']);

/** The same request again is a no-op; the same id with other content is refused. */
function repeated(
  state: WithdrawalState,
  request: WithdrawalRequest,
): WalletDecision<WithdrawalEvent> {
  const {
    chain: _chain,
    quorum: _quorum,
    direction: _direction,
    requestedAt: _requestedAt,
    ...recorded
  } = state.request;
  return canonical(recorded) === canonical(request)
    ? accept()
    : refuse(
        'WITHDRAWAL_ID_TAKEN',
        'withdrawalId',
        `withdrawal ${request.withdrawalId} was requested with other content`,
      );
}

/** What the wallet itself knows of a withdrawal request: everything of WithdrawalFacts but the policy's answer. */
export type WithdrawalOwnFacts = Pick<
  WithdrawalFacts,
  'wallet' | 'destinationAllowListedFor' | 'destinationUsableFrom'
>;

/** A refusal, as a Decision carries it. */
type Refused = { readonly ok: false; readonly error: WalletError };

function refused(code: WalletErrorCode, path: string, reason: string): Refused {
  return { ok: false, error: walletError(code, path, reason) };
}

/**
 * The wallet's own checks of a new client withdrawal (wallet, asset, amount, HK-11h allow-list and
 * cooling-off), without the policy's answer: the application asks the policy service (which
 * reserves what it allows) only about a withdrawal these pass. decideRequestWithdrawal makes
 * the same checks first. Passed: the wallet would take it, from `wallet`.
 */
export function ownWithdrawalChecks(
  command: Extract<WithdrawalCommand, { type: 'RequestWithdrawal' }>,
  facts: WithdrawalOwnFacts,
): { readonly ok: true; readonly wallet: WalletState } | Refused {
  const { type: _type, at, ...request } = command;
  if (request.clientId === null || request.destinationWalletId !== null)
    throw new Error('assertion: a client withdrawal names its client and no destination wallet');
  const clientId = request.clientId;
  const { wallet } = facts;
  if (wallet === undefined)
    return refused('WALLET_UNKNOWN', 'walletId', `no wallet ${request.walletId}`);
  if (wallet.registration.ownerClass !== 'client-segregated')
    return refused(
      'WITHDRAWAL_WALLET_NOT_CLIENT_SEGREGATED',
      'walletId',
      `${request.walletId} holds house assets; a client withdrawal leaves a client-segregated wallet`,
    );
  if (wallet.registration.tier !== 'hot')
    return refused(
      'WITHDRAWAL_WALLET_NOT_HOT',
      'walletId',
      `${request.walletId} is a cold wallet: a client is paid from a hot wallet, cold funds move cold-to-hot first (TW-15.4)`,
    );
  if (!walletHoldsAsset(wallet, request.asset))
    return refused(
      'WITHDRAWAL_ASSET_NOT_IN_WALLET',
      'asset',
      `${request.walletId} does not hold ${request.asset}`,
    );
  if (request.amountMinor <= 0n)
    return refused(
      'WITHDRAWAL_AMOUNT_NOT_POSITIVE',
      'amountMinor',
      'a withdrawal moves a positive amount',
    );
  // null usableFrom: not on the client's allow-list, whatever destinationAllowListedFor says (fail safe)
  if (!facts.destinationAllowListedFor.includes(clientId) || facts.destinationUsableFrom === null)
    return refused(
      'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
      'destinationAddress',
      `${request.destinationAddress} is not on client ${clientId}'s allow-list with proven ownership (HK-11h)`,
    );
  if (!isAtOrAfter(at, facts.destinationUsableFrom))
    return refused(
      'WITHDRAWAL_DESTINATION_COOLING_OFF',
      'destinationAddress',
      `${request.destinationAddress} was added to client ${clientId}'s allow-list recently: usable from ${facts.destinationUsableFrom}`,
    );
  return { ok: true, wallet };
}

export function decideRequestWithdrawal(
  command: Extract<WithdrawalCommand, { type: 'RequestWithdrawal' }>,
  state: WithdrawalState | undefined,
  facts: WithdrawalFacts,
): WalletDecision<WithdrawalEvent> {
  const { type: _type, at, ...request } = command;
  if (state !== undefined) return repeated(state, request);
  const checked = ownWithdrawalChecks(command, facts);
  if (!checked.ok) return checked;
  const { wallet } = checked;
  if (!facts.policy.allowed)
    return refuse(
      'WITHDRAWAL_REFUSED_BY_POLICY',
      '',
      `${facts.policy.reason} (policy ${facts.policy.policyVersion})`,
    );
  const quorum = {
    ...wallet.quorum,
    required: Math.max(wallet.quorum.required, facts.policy.quorumRequired),
  };
  const chain = wallet.registration.chain;
  const alert = largeTransferAlert(
    {
      kind: 'withdrawal',
      movementId: request.withdrawalId,
      clientId: request.clientId,
      walletId: request.walletId,
      asset: request.asset,
      amountMinor: request.amountMinor,
    },
    facts.thresholds,
    at,
  );
  return accept<WithdrawalEvent>(
    {
      type: 'WithdrawalRequested',
      data: {
        ...request,
        chain,
        quorum,
        direction: null,
        policyVersion: facts.policy.policyVersion,
        at,
      },
    },
    ...(alert === undefined ? [] : [alert]),
  );
}

export interface InternalTransferFacts {
  readonly source: WalletState | undefined;
  readonly destination: WalletState | undefined;
  readonly policy: WithdrawalPolicyDecision;
  readonly thresholds: TransferThresholds;
}

/**
 * TW-15.4: a transfer between two of our wallets on one chain, of an asset both hold, never
 * between client-segregated and house wallets (that would commingle; TW-4's exceptions are the
 * policy service's to grant). It goes through the source wallet's quorum like any outgoing
 * movement, with the policy's quorum for its direction if larger; no client, no ledger hold.
 */
export function decideRequestInternalTransfer(
  command: Extract<WithdrawalCommand, { type: 'RequestInternalTransfer' }>,
  state: WithdrawalState | undefined,
  facts: InternalTransferFacts,
): WalletDecision<WithdrawalEvent> {
  const { type: _type, at, ...request } = command;
  if (state !== undefined) return repeated(state, request);
  const { source, destination } = facts;
  if (request.clientId !== null || request.destinationWalletId === null)
    throw new Error('assertion: an internal transfer names a destination wallet and no client');
  if (source === undefined)
    return refuse('WALLET_UNKNOWN', 'walletId', `no wallet ${request.walletId}`);
  if (destination === undefined)
    return refuse(
      'WALLET_UNKNOWN',
      'destinationWalletId',
      `no wallet ${request.destinationWalletId}`,
    );
  if (request.walletId === request.destinationWalletId)
    return refuse(
      'TRANSFER_SAME_WALLET',
      'destinationWalletId',
      'a transfer moves between two wallets',
    );
  if (source.registration.chain !== destination.registration.chain)
    return refuse(
      'TRANSFER_WALLETS_MISMATCH',
      'destinationWalletId',
      `${request.walletId} is on ${source.registration.chain}, ${request.destinationWalletId} on ${destination.registration.chain}`,
    );
  if (source.registration.ownerClass !== destination.registration.ownerClass) {
    return refuse(
      'TRANSFER_WALLETS_MISMATCH',
      'destinationWalletId',
      `${request.walletId} is ${source.registration.ownerClass}, ${request.destinationWalletId} ${destination.registration.ownerClass}: client and house assets do not mix (TW-4)`,
    );
  }
  for (const [path, wallet] of [
    ['walletId', source],
    ['destinationWalletId', destination],
  ] as const) {
    if (!walletHoldsAsset(wallet, request.asset))
      return refuse(
        'WITHDRAWAL_ASSET_NOT_IN_WALLET',
        path,
        `${wallet.registration.walletId} does not hold ${request.asset}`,
      );
  }
  if (request.amountMinor <= 0n)
    return refuse(
      'WITHDRAWAL_AMOUNT_NOT_POSITIVE',
      'amountMinor',
      'a transfer moves a positive amount',
    );
  if (!sameAddress(request.destinationAddress, destination.registration.address))
    return refuse(
      'SIGNING_PAYLOAD_MISMATCH',
      'destinationAddress',
      `${request.destinationWalletId}'s address is ${destination.registration.address}`,
    );
  if (!facts.policy.allowed)
    return refuse(
      'WITHDRAWAL_REFUSED_BY_POLICY',
      '',
      `${facts.policy.reason} (policy ${facts.policy.policyVersion})`,
    );
  const quorum = {
    ...source.quorum,
    required: Math.max(source.quorum.required, facts.policy.quorumRequired),
  };
  const direction =
    `${source.registration.tier}-to-${destination.registration.tier}` as TransferDirection;
  const alert = largeTransferAlert(
    {
      kind: 'internal-transfer',
      movementId: request.withdrawalId,
      clientId: null,
      walletId: request.walletId,
      asset: request.asset,
      amountMinor: request.amountMinor,
    },
    facts.thresholds,
    at,
  );
  return accept<WithdrawalEvent>(
    {
      type: 'WithdrawalRequested',
      data: {
        ...request,
        chain: source.registration.chain,
        quorum,
        direction,
        policyVersion: facts.policy.policyVersion,
        at,
      },
    },
    ...(alert === undefined ? [] : [alert]),
  );
}

/** Every decision on a withdrawal after its request. */
export function decideWithdrawal(
  command: WithdrawalProgressCommand,
  state: WithdrawalState | undefined,
  facts: WithdrawalProgressFacts,
): WalletDecision<WithdrawalEvent> {
  if (state === undefined)
    return refuse('WITHDRAWAL_UNKNOWN', 'withdrawalId', `no withdrawal ${command.withdrawalId}`);
  const { withdrawalId } = command;
  const { request } = state;
  switch (command.type) {
    case 'PrepareSigningPayload': {
      const { payload } = command;
      const previousHash = state.payload?.payloadHash;
      if (previousHash === payload.payloadHash) return accept();
      if (state.status !== 'awaiting-payload' && state.status !== 'awaiting-approval')
        return refuse(
          'WITHDRAWAL_STATE_INVALID',
          'withdrawalId',
          `withdrawal ${withdrawalId} is ${state.status}; its payload is fixed`,
        );
      const mismatch = payloadMismatch(payload, request);
      if (mismatch !== undefined) return { ok: false, error: mismatch };
      const voidedApprovals = state.approvals.filter(
        (approval) => approval.payloadHash === previousHash,
      ).length;
      return accept({
        type: 'SigningPayloadPrepared',
        data: { withdrawalId, payload, voidedApprovals, at: command.at },
      });
    }
    case 'ApproveSigning': {
      const { custodianId, payloadHash, at } = command;
      const payload = approvablePayload(state);
      if (payload === undefined)
        return refuse(
          'SIGNING_NOT_AWAITING_APPROVAL',
          'withdrawalId',
          `withdrawal ${withdrawalId} is ${state.status}`,
        );
      if (custodianId === request.requestedBy)
        return refuse(
          'SIGNING_REQUESTER_CANNOT_APPROVE',
          'custodianId',
          `${custodianId} requested withdrawal ${withdrawalId}; they cannot approve it (HK-11e)`,
        );
      if (!facts.quorum.keyHolders.has(custodianId))
        return refuse(
          'SIGNING_CUSTODIAN_NOT_AUTHORISED',
          'custodianId',
          `${custodianId} holds no access to ${request.walletId}'s key (HK-11c)`,
        );
      if (!facts.destinationStillAllowed)
        return refuse(
          'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
          'withdrawalId',
          `${request.destinationAddress} was removed from the allow-list since the request (HK-11h)`,
        );
      if (payloadHash !== payload.payloadHash)
        return refuse(
          'SIGNING_PAYLOAD_CHANGED',
          'payloadHash',
          `the payload is now ${payload.payloadHash}; an approval of ${payloadHash} does not count (TW-17.4)`,
        );
      const before = quorumStatus(state.approvals, payloadHash, request.quorum, facts.quorum, at);
      if (before.counted.includes(custodianId))
        return refuse(
          'SIGNING_CUSTODIAN_ALREADY_APPROVED',
          'custodianId',
          `${custodianId} approved ${payloadHash} already; a custodian never counts twice (HK-11e)`,
        );
      const approvals = [...state.approvals, { custodianId, payloadHash, approvedAt: at }];
      const after = quorumStatus(approvals, payloadHash, request.quorum, facts.quorum, at);
      const events: WithdrawalEvent[] = [
        { type: 'SigningApproved', data: { withdrawalId, custodianId, payloadHash, at } },
      ];
      if (after.met && !before.met) {
        events.push({
          type: 'SigningQuorumReached',
          data: { withdrawalId, payloadHash, custodians: after.counted, at },
        });
        if (state.approvedAt === undefined && request.clientId !== null)
          events.push({
            type: 'WithdrawalApproved',
            data: approvalOf(request, request.clientId, at),
          });
      }
      return accept(...events);
    }
    case 'RecordLedgerHold':
      if (state.held) return accept();
      if (state.approvedAt === undefined || request.clientId === null)
        return refuse(
          'WITHDRAWAL_STATE_INVALID',
          'withdrawalId',
          `withdrawal ${withdrawalId} was never approved for a client; nothing should be held`,
        );
      for (const field of ['clientId', 'asset', 'amountMinor', 'walletId'] as const) {
        if (command.hold[field] !== request[field])
          return refuse(
            'WITHDRAWAL_HOLD_MISMATCH',
            `hold.${field}`,
            `the ledger held ${String(command.hold[field])}, withdrawal ${withdrawalId} is for ${String(request[field])}`,
          );
      }
      return accept({ type: 'WithdrawalHoldConfirmed', data: { withdrawalId, at: command.at } });
    case 'StartSigning': {
      const { payload, problem } = signable(state, facts, command.at);
      if (problem !== undefined) return { ok: false, error: problem };
      if (command.payloadHash !== payload.payloadHash)
        return refuse(
          'SIGNING_PAYLOAD_CHANGED',
          'payloadHash',
          `the payload is now ${payload.payloadHash}; the HSM is not asked to sign ${command.payloadHash}`,
        );
      const custodians = quorumStatus(
        state.approvals,
        payload.payloadHash,
        request.quorum,
        facts.quorum,
        command.at,
      ).counted;
      return accept({
        type: 'KeySigningStarted',
        data: {
          withdrawalId,
          keyId: facts.wallet.registration.key.keyId,
          walletId: request.walletId,
          payloadHash: payload.payloadHash,
          custodians,
          at: command.at,
        },
      });
    }
    case 'RecordSignature': {
      if (state.transactionHash !== undefined) {
        return state.transactionHash === command.transactionHash
          ? accept()
          : refuse(
              'WITHDRAWAL_STATE_INVALID',
              'transactionHash',
              `withdrawal ${withdrawalId} was signed as ${state.transactionHash}`,
            );
      }
      const { payload, problem } = signable(state, facts, command.at);
      if (problem !== undefined) return { ok: false, error: problem };
      if (command.payloadHash !== payload.payloadHash)
        return refuse(
          'SIGNING_PAYLOAD_CHANGED',
          'payloadHash',
          'the signature is not over the approved payload',
        );
      const approvedBy = quorumStatus(
        state.approvals,
        command.payloadHash,
        request.quorum,
        facts.quorum,
        command.at,
      ).counted;
      const { keyId, payloadHash, transactionHash, signedTransaction, at } = command;
      return accept<WithdrawalEvent>(
        {
          type: 'WithdrawalSigned',
          data: {
            withdrawalId,
            keyId,
            payloadHash,
            approvedBy,
            transactionHash,
            signedTransaction,
            at,
          },
        },
        {
          type: 'KeyUsed',
          data: {
            keyId,
            walletId: request.walletId,
            purpose: request.clientId === null ? 'internal-transfer' : 'withdrawal',
            reference: withdrawalId,
            payloadHash,
            custodians: approvedBy,
            requestedBy: request.requestedBy,
            at,
          },
        },
      );
    }
    case 'RecordBroadcast':
      if (state.status !== 'signed')
        return state.status === 'broadcast'
          ? accept()
          : refuse(
              'WITHDRAWAL_STATE_INVALID',
              'withdrawalId',
              `withdrawal ${withdrawalId} is ${state.status}`,
            );
      if (command.transactionHash !== state.transactionHash)
        return refuse(
          'WITHDRAWAL_STATE_INVALID',
          'transactionHash',
          `the signed transaction is ${state.transactionHash}`,
        );
      return accept({
        type: 'WithdrawalBroadcast',
        data: { withdrawalId, transactionHash: command.transactionHash, at: command.at },
      });
    case 'RecordChainOutcome': {
      if (FINAL.has(state.status)) return accept();
      const transactionHash = state.status === 'broadcast' ? state.transactionHash : undefined;
      if (transactionHash === undefined)
        return refuse(
          'WITHDRAWAL_STATE_INVALID',
          'withdrawalId',
          `withdrawal ${withdrawalId} is ${state.status}`,
        );
      const { outcome, at } = command;
      if (outcome.confirmations < facts.wallet.confirmationsRequired) return accept();
      const sameAssetFee = outcome.feeAsset === request.asset;
      const fee: WithdrawalEvent = {
        type: 'NetworkFeePaid',
        data: {
          walletId: request.walletId,
          reference: withdrawalId,
          transactionHash,
          feeAsset: outcome.feeAsset,
          feeMinor: outcome.feeMinor,
          at,
        },
      };
      if (request.clientId === null) {
        const { walletId: sourceWalletId, destinationWalletId, asset, amountMinor } = request;
        if (destinationWalletId === null)
          throw new Error('assertion: an internal transfer names its destination wallet');
        if (outcome.status === 'reverted')
          return accept<WithdrawalEvent>(fee, {
            type: 'InternalTransferFailed',
            data: { withdrawalId, reason: 'reverted', failedAt: at },
          });
        return accept<WithdrawalEvent>(fee, {
          type: 'InternalTransferConfirmed',
          data: {
            withdrawalId,
            sourceWalletId,
            destinationWalletId,
            asset,
            amountMinor,
            transactionHash,
            confirmedAt: at,
          },
        });
      }
      if (outcome.status === 'reverted')
        return accept<WithdrawalEvent>(fee, {
          type: 'WithdrawalFailed',
          data: { withdrawalId, clientId: request.clientId, reason: 'reverted', failedAt: at },
        });
      const confirmed: WithdrawalEvent = {
        type: 'WithdrawalConfirmed',
        data: {
          withdrawalId,
          clientId: request.clientId,
          asset: request.asset,
          amountMinor: request.amountMinor,
          networkFeeMinor: sameAssetFee ? outcome.feeMinor : 0n,
          walletId: request.walletId,
          chain: request.chain,
          transactionHash,
          confirmedAt: at,
        },
      };
      // a fee in the withdrawn asset travels on WithdrawalConfirmed (the ledger books it with the settlement); any other is NetworkFeePaid
      return sameAssetFee
        ? accept<WithdrawalEvent>(confirmed)
        : accept<WithdrawalEvent>(fee, confirmed);
    }
    case 'RecordTransactionDropped': {
      if (FINAL.has(state.status)) return accept();
      if (state.status !== 'broadcast' || command.transactionHash !== state.transactionHash)
        return refuse(
          'WITHDRAWAL_STATE_INVALID',
          'withdrawalId',
          `withdrawal ${withdrawalId} is ${state.status} as ${String(state.transactionHash)}`,
        );
      if (request.clientId === null)
        return accept({
          type: 'InternalTransferFailed',
          data: { withdrawalId, reason: 'dropped', failedAt: command.at },
        });
      // WithdrawalFailed v1 'broadcast-failed': the ledger releases the hold
      return accept({
        type: 'WithdrawalFailed',
        data: {
          withdrawalId,
          clientId: request.clientId,
          reason: 'broadcast-failed',
          failedAt: command.at,
        },
      });
    }
    case 'CancelWithdrawal': {
      if (state.status === 'failed') return accept();
      if (state.status !== 'awaiting-payload' && state.status !== 'awaiting-approval')
        return refuse(
          'WITHDRAWAL_STATE_INVALID',
          'withdrawalId',
          `withdrawal ${withdrawalId} is ${state.status}: signed transactions cannot be called back`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a cancellation states why');
      const { cancelledBy, reason, at } = command;
      const cancelled: WithdrawalEvent = {
        type: 'WithdrawalCancelled',
        data: { withdrawalId, cancelledBy, reason, at },
      };
      if (request.clientId === null)
        return accept<WithdrawalEvent>(cancelled, {
          type: 'InternalTransferFailed',
          data: { withdrawalId, reason: 'cancelled', failedAt: at },
        });
      // WithdrawalFailed v1: 'cancelled' releases a hold; one never approved was never held: 'rejected' (the ledger ignores it)
      const failure = state.approvedAt === undefined ? 'rejected' : 'cancelled';
      return accept<WithdrawalEvent>(cancelled, {
        type: 'WithdrawalFailed',
        data: { withdrawalId, clientId: request.clientId, reason: failure, failedAt: at },
      });
    }
    default:
      return unhandled(command);
  }
}

/**
 * Why the HSM may not sign this withdrawal at `at` (undefined: it may): the ledger holds the
 * amount, the quorum of the current payload holds at this instant (approvals expire; checked first:
 * the hold follows the quorum), and the
 * wallet's key is not past its rotation date (HK-11a). Checked before the HSM is asked, and again
 * when the signature is recorded.
 */
export function signingProblem(
  state: WithdrawalState,
  facts: WithdrawalProgressFacts,
  at: string,
): WalletError | undefined {
  return signable(state, facts, at).problem;
}

/** What signingProblem checks, with the payload the HSM may sign when nothing is wrong. */
type Signable =
  | { readonly payload: SigningPayload; readonly problem?: undefined }
  | { readonly payload?: undefined; readonly problem: WalletError };

function signable(state: WithdrawalState, facts: WithdrawalProgressFacts, at: string): Signable {
  const { request } = state;
  const payload = approvablePayload(state);
  if (payload === undefined)
    return {
      problem: walletError(
        'WITHDRAWAL_STATE_INVALID',
        'withdrawalId',
        `withdrawal ${request.withdrawalId} is ${state.status}`,
      ),
    };
  if (!facts.destinationStillAllowed)
    return {
      problem: walletError(
        'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
        'withdrawalId',
        `${request.destinationAddress} was removed from the allow-list since the request (HK-11h)`,
      ),
    };
  const { shortfall } = quorumStatus(
    state.approvals,
    payload.payloadHash,
    request.quorum,
    facts.quorum,
    at,
  );
  if (shortfall !== undefined) return { problem: shortfall };
  if (request.clientId !== null && !state.held)
    return {
      problem: walletError(
        'WITHDRAWAL_NOT_HELD',
        'withdrawalId',
        `the ledger has not confirmed a hold for withdrawal ${request.withdrawalId}; nothing is signed before it`,
      ),
    };
  const keyProblem = keySigningProblem(facts.wallet.registration.key, at);
  return keyProblem === undefined ? { payload } : { problem: keyProblem };
}

/** The payload custodians approve and the HSM signs: there is one only while the withdrawal awaits approval. */
function approvablePayload(state: WithdrawalState): SigningPayload | undefined {
  return state.status === 'awaiting-approval' ? state.payload : undefined;
}

function payloadMismatch(
  payload: SigningPayload,
  request: WithdrawalRequest,
): WalletError | undefined {
  if (payload.asset !== request.asset)
    return walletError(
      'SIGNING_PAYLOAD_MISMATCH',
      'payload.asset',
      `the transaction moves ${payload.asset}, the request ${request.asset}`,
    );
  if (payload.amountMinor !== request.amountMinor)
    return walletError(
      'SIGNING_PAYLOAD_MISMATCH',
      'payload.amountMinor',
      `the transaction moves ${payload.amountMinor}, the request ${request.amountMinor}`,
    );
  if (!sameAddress(payload.destinationAddress, request.destinationAddress))
    return walletError(
      'SIGNING_PAYLOAD_MISMATCH',
      'payload.destinationAddress',
      `the transaction pays ${payload.destinationAddress}, the request ${request.destinationAddress}`,
    );
  return undefined;
}

/** The contract's WithdrawalApproved: the destination is on the requesting client's own proven allow-list (checked at the request). */
function approvalOf(
  request: WithdrawalState['request'],
  clientId: string,
  approvedAt: string,
): Extract<WithdrawalEvent, { type: 'WithdrawalApproved' }>['data'] {
  const { withdrawalId, requestId, asset, amountMinor, walletId, destinationAddress, chain } =
    request;
  return {
    withdrawalId,
    requestId,
    clientId,
    asset,
    amountMinor,
    walletId,
    destinationAddress,
    chain,
    destinationAllowListedForClientId: clientId,
    approvedAt,
  };
}

export function evolveWithdrawal(
  state: WithdrawalState | undefined,
  event: WithdrawalEvent,
): WithdrawalState | undefined {
  if (event.type === 'WithdrawalRequested') {
    const { policyVersion: _version, at, ...request } = event.data;
    return {
      request: { ...request, requestedAt: at },
      status: 'awaiting-payload',
      payload: undefined,
      approvals: [],
      approvedAt: undefined,
      held: false,
      transactionHash: undefined,
      signedTransaction: undefined,
    };
  }
  if (state === undefined) throw new Error(`assertion: ${event.type} before WithdrawalRequested`);
  switch (event.type) {
    case 'SigningPayloadPrepared':
      return { ...state, payload: event.data.payload, status: 'awaiting-approval' };
    case 'SigningApproved':
      return {
        ...state,
        approvals: [
          ...state.approvals,
          {
            custodianId: event.data.custodianId,
            payloadHash: event.data.payloadHash,
            approvedAt: event.data.at,
          },
        ],
      };
    case 'SigningQuorumReached':
      return { ...state, approvedAt: state.approvedAt ?? event.data.at };
    case 'KeySigningStarted':
      return state;
    case 'WithdrawalHoldConfirmed':
      return { ...state, held: true };
    case 'WithdrawalSigned':
      return {
        ...state,
        status: 'signed',
        transactionHash: event.data.transactionHash,
        signedTransaction: event.data.signedTransaction,
      };
    case 'WithdrawalBroadcast':
      return { ...state, status: 'broadcast' };
    case 'WithdrawalConfirmed':
    case 'InternalTransferConfirmed':
      return { ...state, status: 'confirmed' };
    case 'WithdrawalFailed':
    case 'InternalTransferFailed':
      return { ...state, status: 'failed' };
    case 'WithdrawalApproved':
    case 'KeyUsed':
    case 'NetworkFeePaid':
    case 'WithdrawalCancelled':
    case 'LargeTransferAlerted':
      return state;
    default:
      return unhandled(event);
  }
}

/**
 * The facts of a withdrawal stream's command: those of its request (a client withdrawal's or an
 * internal transfer's), or those of any later step.
 */
export type WithdrawalDeciderFacts =
  WithdrawalFacts | InternalTransferFacts | WithdrawalProgressFacts;

/**
 * A movement's stream (`wallet-withdrawal-<withdrawalId>`): a client withdrawal or an internal
 * transfer, from its request to its outcome on chain. The caller loads the facts of the
 * command's kind (WithdrawalFacts, InternalTransferFacts, WithdrawalProgressFacts).
 */
export const withdrawalDecider: Decider<
  WithdrawalCommand,
  WithdrawalEvent,
  WithdrawalState | undefined,
  WalletError,
  WithdrawalDeciderFacts
> = {
  initialState: undefined,
  eventTypes: eventTypesOf<WithdrawalEvent>({
    WithdrawalRequested: true,
    SigningPayloadPrepared: true,
    SigningApproved: true,
    SigningQuorumReached: true,
    WithdrawalApproved: true,
    WithdrawalHoldConfirmed: true,
    KeySigningStarted: true,
    WithdrawalSigned: true,
    KeyUsed: true,
    WithdrawalBroadcast: true,
    NetworkFeePaid: true,
    WithdrawalConfirmed: true,
    InternalTransferConfirmed: true,
    InternalTransferFailed: true,
    WithdrawalCancelled: true,
    WithdrawalFailed: true,
    LargeTransferAlerted: true,
  }),
  decide(command, state, facts) {
    switch (command.type) {
      case 'RequestWithdrawal':
        return decideRequestWithdrawal(command, state, facts as WithdrawalFacts);
      case 'RequestInternalTransfer':
        return decideRequestInternalTransfer(command, state, facts as InternalTransferFacts);
      default:
        return decideWithdrawal(command, state, facts as WithdrawalProgressFacts);
    }
  },
  evolve: evolveWithdrawal,
};

/** A wallet that could pay a withdrawal, with its balance on chain at a stated height. */
export interface SourceCandidate {
  readonly wallet: WalletState;
  readonly balanceMinor: bigint;
}

/**
 * Which wallet pays a client withdrawal the exchange asked for (it names no wallet): a HOT
 * client-segregated wallet on the chain holding the asset with enough on chain; the fullest
 * one, ties by wallet id. Cold wallets never pay a client directly (TW-15.4: cold-to-hot first).
 */
export function chooseSourceWallet(
  candidates: readonly SourceCandidate[],
  chain: string,
  asset: string,
  amountMinor: bigint,
): WalletState | undefined {
  const eligible = candidates.filter(
    ({ wallet, balanceMinor }) =>
      wallet.registration.tier === 'hot' &&
      wallet.registration.ownerClass === 'client-segregated' &&
      wallet.registration.chain === chain &&
      walletHoldsAsset(wallet, asset) &&
      balanceMinor >= amountMinor,
  );
  eligible.sort(
    (a, b) =>
      compare(b.balanceMinor, a.balanceMinor) ||
      compare(a.wallet.registration.walletId, b.wallet.registration.walletId),
  );
  return eligible[0]?.wallet;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
function compare<T extends bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
