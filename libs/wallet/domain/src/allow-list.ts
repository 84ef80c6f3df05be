import { eventTypesOf, unhandled, type Decider } from '@custody/decider';
import {
  accept,
  canonical,
  isAtOrAfter,
  refuse,
  sameAddress,
  walletError,
  type WalletDecision,
  type WalletError,
} from './wallet-errors';

/** How a client proves an address is theirs (HK-11h). */
export type OwnershipMethod = 'signed-message' | 'micro-payment';

/** A challenge lives at most this long: a proof is about now, not about some day. */
export const CHALLENGE_TTL_MS_MAX = 7 * 24 * 60 * 60 * 1000;
/**
 * HK-11h: a newly listed address waits this long before the first withdrawal to it (default; the
 * wallet's configuration may set another): a client whose exchange account was taken over has a
 * day to notice the new address before funds can leave to it.
 */
export const ADDRESS_COOLING_OFF_MS_DEFAULT = 24 * 60 * 60 * 1000;
/** The longest cooling-off a configuration may ask for. */
export const ADDRESS_COOLING_OFF_MS_MAX = 30 * 24 * 60 * 60 * 1000;

/**
 * Through whom an address addition came: `client`, the client's own channel (the exchange's
 * service identity forwarding the client's signed challenge, or a micro-payment asked for through
 * it); `staff`, an operator of ours (needs an approver: maker-checker).
 */
export type AdditionChannel = 'client' | 'staff';

/** Why a proven address waits for an approver instead of being listed (stable codes, never reused). */
export type AdditionHoldCode =
  | 'ADDITION_REQUESTED_BY_STAFF'
  | 'ADDRESS_BELONGS_TO_ANOTHER_CLIENT'
  | 'ADDRESS_IS_OUR_WALLET'
  | 'ADDRESS_OF_STAFF_MEMBER';
export interface AdditionHold {
  readonly code: AdditionHoldCode;
  readonly reason: string;
  /** ADDRESS_OF_STAFF_MEMBER: whose registered address it is (who may therefore not decide it). */
  readonly staffMember?: string;
}

/** What an addition needs to know from outside the client's stream, looked up by the caller. */
export interface AdditionFacts {
  /** Other clients whose allow-list holds (or is waiting to hold) this address. */
  readonly otherClients: readonly string[];
  /** The wallet of ours at this address (any registered wallet, client or house, any key it had), or null. */
  readonly ourWalletId: string | null;
  /** The staff member who registered this address as their own (the staff-address register), if any. */
  readonly staffMember?: string | null;
}

export interface MicroPaymentTerms {
  readonly asset: string;
  /** The random small amount the service picked: only the address's holder can send exactly it from there. */
  readonly amountMinor: bigint;
  readonly walletId: string;
  /** Where to send it: a client-segregated wallet of the institution. */
  readonly toAddress: string;
}

export interface OwnershipChallenge {
  readonly challengeId: string;
  readonly clientId: string;
  readonly chain: string;
  readonly address: string;
  readonly method: OwnershipMethod;
  /** Random, issued by the service: a signature over an old challenge proves nothing now. */
  readonly nonce: string;
  /** The exact text the client signs (EIP-191 personal message). */
  readonly message: string;
  readonly microPayment: MicroPaymentTerms | null;
  readonly expiresAt: string;
}

export type OwnershipEvidence =
  | {
      readonly method: 'signed-message';
      readonly message: string;
      readonly signature: string;
      readonly recoveredAddress: string;
    }
  | {
      readonly method: 'micro-payment';
      readonly transactionHash: string;
      readonly fromAddress: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly blockNumber: bigint;
    };

/** How, through whom, by whom and when an address was proven (what the custodians' review shows). */
export interface AdditionProvenance {
  readonly challengeId: string;
  readonly chain: string;
  readonly address: string;
  /** `unchecked`: listed before channels were told apart (AddressOwnershipProven). */
  readonly channel: AdditionChannel | 'unchecked';
  readonly method: OwnershipMethod;
  /** Who asked for the challenge, and why (staff state a reason). */
  readonly requestedBy: string;
  readonly requestReason: string | null;
  /** Who handed in the proof (the exchange's identity, an operator, or the chain watcher for a micro-payment). */
  readonly submittedBy: string;
  readonly provenAt: string;
}

export interface AllowListedAddress extends AdditionProvenance {
  /** The approver who decided (a staff addition, or a hold); null: the client's own channel sufficed. */
  readonly approvedBy: string | null;
  readonly listedAt: string;
  /** The first instant a withdrawal to it may be requested (listedAt + the cooling-off). */
  readonly usableFrom: string;
}

/** A proven address waiting for an approver (maker-checker), with why. */
export interface PendingAddition extends AdditionProvenance {
  readonly holds: readonly AdditionHold[];
}

export type ChallengeStatus = 'open' | 'awaiting-approval' | 'listed' | 'rejected';

export interface ChallengeEntry extends OwnershipChallenge {
  readonly channel: AdditionChannel | 'unchecked';
  readonly requestedBy: string;
  readonly requestReason: string | null;
  /** Answered (proof recorded): not answered again. */
  readonly settled: boolean;
  readonly status: ChallengeStatus;
  /** The proof handed in (a retried identical proof is a no-op). */
  readonly evidence: OwnershipEvidence | null;
  readonly decidedBy: string | null;
}

export interface AllowListState {
  readonly challenges: ReadonlyMap<string, ChallengeEntry>;
  /** challengeId -> proven addition waiting for an approver. */
  readonly pending: ReadonlyMap<string, PendingAddition>;
  /** `${chain}:${lowercase address}` -> entry. */
  readonly addresses: ReadonlyMap<string, AllowListedAddress>;
}

export const initialAllowListState: AllowListState = {
  challenges: new Map(),
  pending: new Map(),
  addresses: new Map(),
};

type ListedData = AdditionProvenance & {
  readonly clientId: string;
  readonly approvedBy: string | null;
  readonly approvalReason: string | null;
  readonly coolingOffMs: number;
  readonly usableFrom: string;
  readonly at: string;
};

export type AllowListEvent =
  /** Recorded before issue 22 (no channel): read, never written any more. */
  | {
      readonly type: 'OwnershipChallengeIssued';
      readonly data: OwnershipChallenge & { readonly issuedBy: string; readonly at: string };
    }
  /** Recorded before issue 22: proof and listing in one, no cooling-off. Read, never written any more. */
  | {
      readonly type: 'AddressOwnershipProven';
      readonly data: {
        readonly challengeId: string;
        readonly clientId: string;
        readonly chain: string;
        readonly address: string;
        readonly evidence: OwnershipEvidence;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AddressChallengeIssued';
      readonly data: OwnershipChallenge & {
        readonly channel: AdditionChannel;
        readonly requestedBy: string;
        readonly requestReason: string | null;
        readonly at: string;
      };
    }
  /** The proof, kept as evidence; `holds` empty: listed at once (AddressAllowListed follows), otherwise it waits for an approver. */
  | {
      readonly type: 'AddressProofRecorded';
      readonly data: {
        readonly challengeId: string;
        readonly clientId: string;
        readonly chain: string;
        readonly address: string;
        readonly channel: AdditionChannel;
        readonly submittedBy: string;
        readonly evidence: OwnershipEvidence;
        readonly holds: readonly AdditionHold[];
        readonly at: string;
      };
    }
  | { readonly type: 'AddressAllowListed'; readonly data: ListedData }
  | {
      readonly type: 'AddressAdditionRejected';
      readonly data: {
        readonly challengeId: string;
        readonly clientId: string;
        readonly chain: string;
        readonly address: string;
        readonly rejectedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'AddressRemovedFromAllowList';
      readonly data: {
        readonly clientId: string;
        readonly chain: string;
        readonly address: string;
        readonly removedBy: string;
        readonly reason: string;
        readonly at: string;
      };
    };

/** What every proof command carries: who hands it in, through which channel, what is known about the address elsewhere, the cooling-off in force. */
export interface ProofContext {
  readonly submittedBy: string;
  readonly channel: AdditionChannel;
  readonly facts: AdditionFacts;
  readonly coolingOffMs: number;
}

export type AllowListCommand =
  | {
      readonly type: 'IssueOwnershipChallenge';
      readonly challenge: Omit<OwnershipChallenge, 'message'>;
      readonly channel: AdditionChannel;
      readonly reason: string | null;
      readonly issuedBy: string;
      readonly at: string;
    }
  | ({
      readonly type: 'ProveBySignature';
      readonly challengeId: string;
      readonly signature: string;
      readonly recoveredAddress: string | null;
      readonly at: string;
    } & ProofContext)
  | ({
      readonly type: 'ProveByMicroPayment';
      readonly challengeId: string;
      readonly transactionHash: string;
      readonly fromAddress: string;
      readonly toAddress: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly blockNumber: bigint;
      readonly at: string;
    } & ProofContext)
  /** An approver's decision on a held addition (maker-checker): never the one who asked or handed in the proof. */
  | {
      readonly type: 'DecideAddressAddition';
      readonly challengeId: string;
      readonly decision: 'approve' | 'reject';
      readonly reason: string;
      readonly decidedBy: string;
      readonly coolingOffMs: number;
      readonly at: string;
    }
  | {
      readonly type: 'RemoveAllowListedAddress';
      readonly chain: string;
      readonly address: string;
      readonly removedBy: string;
      readonly reason: string;
      readonly at: string;
    };

export function allowListKey(chain: string, address: string): string {
  return `${chain}:${address.toLowerCase()}`;
}

export function isAllowListed(state: AllowListState, chain: string, address: string): boolean {
  return state.addresses.has(allowListKey(chain, address));
}

/** The listed entry for an address (how and by whom it was proven, when it becomes usable), if any. */
export function allowListedAddress(
  state: AllowListState,
  chain: string,
  address: string,
): AllowListedAddress | undefined {
  return state.addresses.get(allowListKey(chain, address));
}

/**
 * The text a client signs to prove an address (EIP-191): names the institution's purpose, the
 * client, the address, the chain, the nonce and the expiry, so a signature cannot be replayed
 * for another client, address or time.
 */
export function ownershipChallengeMessage(challenge: Omit<OwnershipChallenge, 'message'>): string {
  return [
    'Custody address ownership proof',
    `Client: ${challenge.clientId}`,
    `Chain: ${challenge.chain}`,
    `Address: ${challenge.address}`,
    `Nonce: ${challenge.nonce}`,
    `Expires: ${challenge.expiresAt}`,
  ].join('\n');
}

/** Why a proof through this channel, of this address, waits for an approver (none: listed at once). */
export function additionHolds(
  channel: AdditionChannel,
  facts: AdditionFacts,
  clientId: string,
): AdditionHold[] {
  const holds: AdditionHold[] = [];
  if (channel === 'staff')
    holds.push({
      code: 'ADDITION_REQUESTED_BY_STAFF',
      reason:
        "an addition through staff, not the client's own channel, is decided by an approver (maker-checker)",
    });
  const others = facts.otherClients.filter((other) => other !== clientId);
  if (others.length > 0)
    holds.push({
      code: 'ADDRESS_BELONGS_TO_ANOTHER_CLIENT',
      reason: `the address is on the allow-list of ${others.join(', ')}`,
    });
  if (facts.ourWalletId !== null)
    holds.push({
      code: 'ADDRESS_IS_OUR_WALLET',
      reason: `the address is our wallet ${facts.ourWalletId}`,
    });
  const staffMember = facts.staffMember ?? null;
  if (staffMember !== null)
    holds.push({
      code: 'ADDRESS_OF_STAFF_MEMBER',
      reason: `the address is registered to staff member ${staffMember}`,
      staffMember,
    });
  return holds;
}

function assertCoolingOff(coolingOffMs: number): void {
  if (
    !Number.isSafeInteger(coolingOffMs) ||
    coolingOffMs < 0 ||
    coolingOffMs > ADDRESS_COOLING_OFF_MS_MAX
  )
    throw new Error(
      `assertion: a cooling-off is 0 to ${ADDRESS_COOLING_OFF_MS_MAX} ms, not ${coolingOffMs}`,
    );
}

function listed(
  clientId: string,
  provenance: AdditionProvenance,
  approval: { readonly approvedBy: string; readonly reason: string } | null,
  coolingOffMs: number,
  at: string,
): AllowListEvent {
  assertCoolingOff(coolingOffMs);
  const usableFrom = new Date(Date.parse(at) + coolingOffMs).toISOString();
  return {
    type: 'AddressAllowListed',
    data: {
      ...provenance,
      clientId,
      approvedBy: approval?.approvedBy ?? null,
      approvalReason: approval?.reason ?? null,
      coolingOffMs,
      usableFrom,
      at,
    },
  };
}

/**
 * HK-11h: an address enters a client's allow-list only with proof the client controls it, the
 * proof kept as evidence. Through the client's own channel and owned by no one else here, it is
 * listed at once; through staff, or already another client's or ours, it waits for an approver
 * who is neither the requester nor the submitter. Either way it is usable only after the
 * cooling-off. Retried commands with the same content change nothing.
 */
export function decideAllowList(
  command: AllowListCommand,
  state: AllowListState,
  clientId: string,
): WalletDecision<AllowListEvent> {
  switch (command.type) {
    case 'IssueOwnershipChallenge': {
      const { challenge, channel, reason, issuedBy, at } = command;
      const existing = state.challenges.get(challenge.challengeId);
      if (existing !== undefined) {
        const same =
          existing.clientId === clientId &&
          existing.chain === challenge.chain &&
          sameAddress(existing.address, challenge.address) &&
          existing.method === challenge.method &&
          existing.channel === channel &&
          existing.requestedBy === issuedBy;
        return same
          ? accept()
          : refuse(
              'CHALLENGE_ID_TAKEN',
              'challenge.challengeId',
              `challenge ${challenge.challengeId} exists`,
            );
      }
      if (channel === 'staff' && (reason === null || reason.trim() === ''))
        return refuse(
          'REASON_REQUIRED',
          'reason',
          'an address addition asked for by staff states why',
        );
      const ttl = Date.parse(challenge.expiresAt) - Date.parse(at);
      if (!(ttl > 0 && ttl <= CHALLENGE_TTL_MS_MAX))
        return refuse(
          'CHALLENGE_EXPIRY_INVALID',
          'challenge.expiresAt',
          `a challenge expires after ${at} and within ${CHALLENGE_TTL_MS_MAX} ms`,
        );
      if ((challenge.method === 'micro-payment') !== (challenge.microPayment !== null))
        return refuse(
          'CHALLENGE_METHOD_MISMATCH',
          'challenge.microPayment',
          'a micro-payment challenge, and only one, names its payment terms',
        );
      if (challenge.microPayment !== null && challenge.microPayment.amountMinor <= 0n)
        return refuse(
          'CHALLENGE_METHOD_MISMATCH',
          'challenge.microPayment.amountMinor',
          'the test amount is positive',
        );
      const message = ownershipChallengeMessage({ ...challenge, clientId });
      return accept({
        type: 'AddressChallengeIssued',
        data: {
          ...challenge,
          clientId,
          message,
          channel,
          requestedBy: issuedBy,
          requestReason: channel === 'staff' ? reason : null,
          at,
        },
      });
    }
    case 'ProveBySignature':
    case 'ProveByMicroPayment':
      return decideProof(command, state, clientId);
    case 'DecideAddressAddition':
      return decideAddition(command, state, clientId);
    case 'RemoveAllowListedAddress': {
      if (!isAllowListed(state, command.chain, command.address))
        return refuse(
          'ALLOWLIST_ADDRESS_NOT_LISTED',
          'address',
          `${command.address} is not on client ${clientId}'s allow-list`,
        );
      if (command.reason.trim() === '')
        return refuse('REASON_REQUIRED', 'reason', 'a removal states why');
      const { chain, address, removedBy, reason, at } = command;
      return accept({
        type: 'AddressRemovedFromAllowList',
        data: { clientId, chain, address, removedBy, reason, at },
      });
    }
    default:
      return unhandled(command);
  }
}

/** The evidence a proof command hands in, or why it proves nothing. */
type Proof =
  | { readonly evidence: OwnershipEvidence; readonly error?: undefined }
  | { readonly evidence?: undefined; readonly error: WalletError };

function evidenceOf(
  command: Extract<AllowListCommand, { type: 'ProveBySignature' | 'ProveByMicroPayment' }>,
  challenge: ChallengeEntry,
): Proof {
  const methodMismatch = (): Proof => ({
    error: walletError(
      'CHALLENGE_METHOD_MISMATCH',
      'challengeId',
      `challenge ${challenge.challengeId} is answered by a ${challenge.method}`,
    ),
  });
  if (command.type === 'ProveBySignature') {
    if (challenge.method !== 'signed-message') return methodMismatch();
    if (
      command.recoveredAddress === null ||
      !sameAddress(command.recoveredAddress, challenge.address)
    ) {
      return {
        error: walletError(
          'OWNERSHIP_SIGNATURE_INVALID',
          'signature',
          `the signature is not by ${challenge.address} over the challenge message (EIP-191)`,
        ),
      };
    }
    return {
      evidence: {
        method: 'signed-message',
        message: challenge.message,
        signature: command.signature,
        recoveredAddress: command.recoveredAddress,
      },
    };
  }
  const terms = challenge.microPayment;
  if (challenge.method !== 'micro-payment' || terms === null) return methodMismatch();
  const exact =
    sameAddress(command.fromAddress, challenge.address) &&
    sameAddress(command.toAddress, terms.toAddress) &&
    command.asset === terms.asset &&
    command.amountMinor === terms.amountMinor;
  if (!exact)
    return {
      error: walletError(
        'OWNERSHIP_PAYMENT_MISMATCH',
        'amountMinor',
        `expected exactly ${terms.amountMinor} ${terms.asset} from ${challenge.address} to ${terms.toAddress}`,
      ),
    };
  const { transactionHash, fromAddress, asset, amountMinor, blockNumber } = command;
  return {
    evidence: {
      method: 'micro-payment',
      transactionHash,
      fromAddress,
      asset,
      amountMinor,
      blockNumber,
    },
  };
}

function decideProof(
  command: Extract<AllowListCommand, { type: 'ProveBySignature' | 'ProveByMicroPayment' }>,
  state: AllowListState,
  clientId: string,
): WalletDecision<AllowListEvent> {
  const challenge = state.challenges.get(command.challengeId);
  if (challenge === undefined)
    return refuse(
      'CHALLENGE_UNKNOWN',
      'challengeId',
      `no challenge ${command.challengeId} for client ${clientId}`,
    );
  const { evidence: proof, error } = evidenceOf(command, challenge);
  if (challenge.settled) {
    // the same proof handed in again (a retry) changes nothing; another answer, or one that proves nothing (no evidence), is refused
    const again = canonical(proof) === canonical(challenge.evidence);
    return again
      ? accept()
      : refuse(
          'CHALLENGE_SETTLED',
          'challengeId',
          `challenge ${command.challengeId} was answered already; ask for a new one`,
        );
  }
  if (isAtOrAfter(command.at, challenge.expiresAt))
    return refuse(
      'CHALLENGE_EXPIRED',
      'challengeId',
      `challenge ${command.challengeId} expired at ${challenge.expiresAt}`,
    );
  if (error !== undefined) return { ok: false, error };
  // both ends through the client's channel, or it is a staff addition (a challenge of the client's proven by an operator, or the reverse)
  const channel: AdditionChannel =
    challenge.channel === 'client' && command.channel === 'client' ? 'client' : 'staff';
  const holds = additionHolds(channel, command.facts, clientId);
  const { challengeId, chain, address, method, requestedBy, requestReason } = challenge;
  const recorded: AllowListEvent = {
    type: 'AddressProofRecorded',
    data: {
      challengeId,
      clientId,
      chain,
      address,
      channel,
      submittedBy: command.submittedBy,
      evidence: proof,
      holds,
      at: command.at,
    },
  };
  if (holds.length > 0) return accept(recorded);
  const provenance: AdditionProvenance = {
    challengeId,
    chain,
    address,
    channel,
    method,
    requestedBy,
    requestReason,
    submittedBy: command.submittedBy,
    provenAt: command.at,
  };
  return accept(recorded, listed(clientId, provenance, null, command.coolingOffMs, command.at));
}

function decideAddition(
  command: Extract<AllowListCommand, { type: 'DecideAddressAddition' }>,
  state: AllowListState,
  clientId: string,
): WalletDecision<AllowListEvent> {
  const { challengeId, decision, reason, decidedBy, coolingOffMs, at } = command;
  const challenge = state.challenges.get(challengeId);
  if (challenge === undefined)
    return refuse(
      'CHALLENGE_UNKNOWN',
      'challengeId',
      `no challenge ${challengeId} for client ${clientId}`,
    );
  const pending = state.pending.get(challengeId);
  if (pending === undefined) {
    const again =
      challenge.decidedBy === decidedBy &&
      challenge.status === (decision === 'approve' ? 'listed' : 'rejected');
    return again
      ? accept()
      : refuse(
          'ADDRESS_ADDITION_NOT_PENDING',
          'challengeId',
          `the addition of challenge ${challengeId} is ${challenge.status}, not awaiting an approver`,
        );
  }
  if (decidedBy === pending.requestedBy || decidedBy === pending.submittedBy)
    return refuse(
      'MAKER_CHECKER_SAME_PERSON',
      'decidedBy',
      `${decidedBy} asked for or handed in this addition; a different person decides it`,
    );
  if (pending.holds.some((hold) => hold.staffMember === decidedBy))
    return refuse(
      'MAKER_CHECKER_SAME_PERSON',
      'decidedBy',
      `the address is ${decidedBy}'s own registered address; a different person decides it`,
    );
  if (reason.trim() === '')
    return refuse('REASON_REQUIRED', 'reason', 'a decision on an address addition states why');
  if (decision === 'reject')
    return accept({
      type: 'AddressAdditionRejected',
      data: {
        challengeId,
        clientId,
        chain: pending.chain,
        address: pending.address,
        rejectedBy: decidedBy,
        reason,
        at,
      },
    });
  const { holds: _holds, ...provenance } = pending;
  return accept(listed(clientId, provenance, { approvedBy: decidedBy, reason }, coolingOffMs, at));
}

function withChallenge(
  state: AllowListState,
  challengeId: string,
  change: (challenge: ChallengeEntry) => ChallengeEntry,
): ReadonlyMap<string, ChallengeEntry> {
  const challenge = state.challenges.get(challengeId);
  if (challenge === undefined)
    throw new Error(`assertion: event of unknown challenge ${challengeId}`);
  return new Map(state.challenges).set(challengeId, change(challenge));
}

export function evolveAllowList(state: AllowListState, event: AllowListEvent): AllowListState {
  switch (event.type) {
    case 'OwnershipChallengeIssued': {
      const { issuedBy, at: _at, ...challenge } = event.data;
      const entry: ChallengeEntry = {
        ...challenge,
        channel: 'unchecked',
        requestedBy: issuedBy,
        requestReason: null,
        settled: false,
        status: 'open',
        evidence: null,
        decidedBy: null,
      };
      return { ...state, challenges: new Map(state.challenges).set(challenge.challengeId, entry) };
    }
    case 'AddressChallengeIssued': {
      const { at: _at, ...challenge } = event.data;
      return {
        ...state,
        challenges: new Map(state.challenges).set(challenge.challengeId, {
          ...challenge,
          settled: false,
          status: 'open',
          evidence: null,
          decidedBy: null,
        }),
      };
    }
    case 'AddressOwnershipProven': {
      const { challengeId, chain, address, evidence, at } = event.data;
      const challenges = withChallenge(state, challengeId, (challenge) => ({
        ...challenge,
        settled: true,
        status: 'listed',
        evidence,
      }));
      const challenge = challenges.get(challengeId) as ChallengeEntry;
      const entry: AllowListedAddress = {
        challengeId,
        chain,
        address,
        channel: 'unchecked',
        method: evidence.method,
        requestedBy: challenge.requestedBy,
        requestReason: null,
        submittedBy: challenge.requestedBy,
        provenAt: at,
        approvedBy: null,
        listedAt: at,
        usableFrom: at,
      };
      return {
        ...state,
        challenges,
        addresses: new Map(state.addresses).set(allowListKey(chain, address), entry),
      };
    }
    case 'AddressProofRecorded': {
      const { challengeId, chain, address, channel, submittedBy, evidence, holds, at } = event.data;
      const challenges = withChallenge(state, challengeId, (challenge) => ({
        ...challenge,
        settled: true,
        status: holds.length > 0 ? 'awaiting-approval' : 'listed',
        evidence,
      }));
      if (holds.length === 0) return { ...state, challenges };
      const challenge = challenges.get(challengeId) as ChallengeEntry;
      const pending: PendingAddition = {
        challengeId,
        chain,
        address,
        channel,
        method: evidence.method,
        requestedBy: challenge.requestedBy,
        requestReason: challenge.requestReason,
        submittedBy,
        provenAt: at,
        holds,
      };
      return { ...state, challenges, pending: new Map(state.pending).set(challengeId, pending) };
    }
    case 'AddressAllowListed': {
      const {
        clientId: _clientId,
        approvalReason: _reason,
        coolingOffMs: _coolingOffMs,
        at,
        ...entry
      } = event.data;
      const pending = new Map(state.pending);
      pending.delete(entry.challengeId);
      const challenges = withChallenge(state, entry.challengeId, (challenge) => ({
        ...challenge,
        status: 'listed',
        decidedBy: entry.approvedBy,
      }));
      return {
        challenges,
        pending,
        addresses: new Map(state.addresses).set(allowListKey(entry.chain, entry.address), {
          ...entry,
          listedAt: at,
        }),
      };
    }
    case 'AddressAdditionRejected': {
      const pending = new Map(state.pending);
      pending.delete(event.data.challengeId);
      return {
        ...state,
        pending,
        challenges: withChallenge(state, event.data.challengeId, (challenge) => ({
          ...challenge,
          status: 'rejected',
          decidedBy: event.data.rejectedBy,
        })),
      };
    }
    case 'AddressRemovedFromAllowList': {
      const addresses = new Map(state.addresses);
      addresses.delete(allowListKey(event.data.chain, event.data.address));
      return { ...state, addresses };
    }
    default:
      return unhandled(event);
  }
}

/**
 * A client's allow-list stream (`wallet-allowlist-<clientId>`); its facts are the client's id
 * (the stream is one client's, the commands do not repeat it).
 */
export const allowListDecider: Decider<
  AllowListCommand,
  AllowListEvent,
  AllowListState,
  WalletError,
  string
> = {
  initialState: initialAllowListState,
  eventTypes: eventTypesOf<AllowListEvent>({
    OwnershipChallengeIssued: true,
    AddressOwnershipProven: true,
    AddressChallengeIssued: true,
    AddressProofRecorded: true,
    AddressAllowListed: true,
    AddressAdditionRejected: true,
    AddressRemovedFromAllowList: true,
  }),
  decide: decideAllowList,
  evolve: evolveAllowList,
};
