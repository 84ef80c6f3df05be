import { accept, isAtOrAfter, refuse, sameAddress, type WalletDecision } from './wallet-errors';

/** How a client proves an address is theirs (HK-11h). */
export type OwnershipMethod = 'signed-message' | 'micro-payment';

/** A challenge lives at most this long: a proof is about now, not about some day. */
export const CHALLENGE_TTL_MS_MAX = 7 * 24 * 60 * 60 * 1000;

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
  | { readonly method: 'signed-message'; readonly message: string; readonly signature: string; readonly recoveredAddress: string }
  | { readonly method: 'micro-payment'; readonly transactionHash: string; readonly fromAddress: string; readonly asset: string; readonly amountMinor: bigint; readonly blockNumber: bigint };

export interface AllowListedAddress {
  readonly chain: string;
  readonly address: string;
  readonly challengeId: string;
  readonly provenAt: string;
}

export interface AllowListState {
  readonly challenges: ReadonlyMap<string, OwnershipChallenge & { readonly settled: boolean }>;
  /** `${chain}:${lowercase address}` -> entry. */
  readonly addresses: ReadonlyMap<string, AllowListedAddress>;
}

export const initialAllowListState: AllowListState = { challenges: new Map(), addresses: new Map() };

export type AllowListEvent =
  | { readonly type: 'OwnershipChallengeIssued'; readonly data: OwnershipChallenge & { readonly issuedBy: string; readonly at: string } }
  | { readonly type: 'AddressOwnershipProven'; readonly data: { readonly challengeId: string; readonly clientId: string; readonly chain: string; readonly address: string; readonly evidence: OwnershipEvidence; readonly at: string } }
  | { readonly type: 'AddressRemovedFromAllowList'; readonly data: { readonly clientId: string; readonly chain: string; readonly address: string; readonly removedBy: string; readonly reason: string; readonly at: string } };

export type AllowListCommand =
  | { readonly type: 'IssueOwnershipChallenge'; readonly challenge: Omit<OwnershipChallenge, 'message'>; readonly issuedBy: string; readonly at: string }
  | { readonly type: 'ProveBySignature'; readonly challengeId: string; readonly signature: string; readonly recoveredAddress: string | null; readonly at: string }
  | {
      readonly type: 'ProveByMicroPayment';
      readonly challengeId: string;
      readonly transactionHash: string;
      readonly fromAddress: string;
      readonly toAddress: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly blockNumber: bigint;
      readonly at: string;
    }
  | { readonly type: 'RemoveAllowListedAddress'; readonly chain: string; readonly address: string; readonly removedBy: string; readonly reason: string; readonly at: string };

export function allowListKey(chain: string, address: string): string {
  return `${chain}:${address.toLowerCase()}`;
}

export function isAllowListed(state: AllowListState, chain: string, address: string): boolean {
  return state.addresses.has(allowListKey(chain, address));
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

/** HK-11h: an address enters a client's allow-list only with proof the client controls it; the proof is kept as evidence. */
export function decideAllowList(command: AllowListCommand, state: AllowListState, clientId: string): WalletDecision<AllowListEvent> {
  switch (command.type) {
    case 'IssueOwnershipChallenge': {
      const { challenge, issuedBy, at } = command;
      if (state.challenges.has(challenge.challengeId)) return refuse('CHALLENGE_ID_TAKEN', 'challenge.challengeId', `challenge ${challenge.challengeId} exists`);
      const ttl = Date.parse(challenge.expiresAt) - Date.parse(at);
      if (!(ttl > 0 && ttl <= CHALLENGE_TTL_MS_MAX)) return refuse('CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt', `a challenge expires after ${at} and within ${CHALLENGE_TTL_MS_MAX} ms`);
      if ((challenge.method === 'micro-payment') !== (challenge.microPayment !== null)) return refuse('CHALLENGE_METHOD_MISMATCH', 'challenge.microPayment', 'a micro-payment challenge, and only one, names its payment terms');
      if (challenge.microPayment !== null && challenge.microPayment.amountMinor <= 0n) return refuse('CHALLENGE_METHOD_MISMATCH', 'challenge.microPayment.amountMinor', 'the test amount is positive');
      return accept({ type: 'OwnershipChallengeIssued', data: { ...challenge, clientId, message: ownershipChallengeMessage({ ...challenge, clientId }), issuedBy, at } });
    }
    case 'ProveBySignature':
    case 'ProveByMicroPayment': {
      const challenge = state.challenges.get(command.challengeId);
      if (challenge === undefined) return refuse('CHALLENGE_UNKNOWN', 'challengeId', `no challenge ${command.challengeId} for client ${clientId}`);
      if (challenge.settled) return refuse('CHALLENGE_SETTLED', 'challengeId', `challenge ${command.challengeId} was answered already; ask for a new one`);
      if (isAtOrAfter(command.at, challenge.expiresAt)) return refuse('CHALLENGE_EXPIRED', 'challengeId', `challenge ${command.challengeId} expired at ${challenge.expiresAt}`);
      const proven = (evidence: OwnershipEvidence) =>
        accept<AllowListEvent>({ type: 'AddressOwnershipProven', data: { challengeId: challenge.challengeId, clientId, chain: challenge.chain, address: challenge.address, evidence, at: command.at } });
      if (command.type === 'ProveBySignature') {
        if (challenge.method !== 'signed-message') return refuse('CHALLENGE_METHOD_MISMATCH', 'challengeId', `challenge ${challenge.challengeId} is answered by a ${challenge.method}`);
        if (command.recoveredAddress === null || !sameAddress(command.recoveredAddress, challenge.address)) {
          return refuse('OWNERSHIP_SIGNATURE_INVALID', 'signature', `the signature is not by ${challenge.address} over the challenge message (EIP-191)`);
        }
        return proven({ method: 'signed-message', message: challenge.message, signature: command.signature, recoveredAddress: command.recoveredAddress });
      }
      const terms = challenge.microPayment;
      if (challenge.method !== 'micro-payment' || terms === null) return refuse('CHALLENGE_METHOD_MISMATCH', 'challengeId', `challenge ${challenge.challengeId} is answered by a ${challenge.method}`);
      const exact = sameAddress(command.fromAddress, challenge.address) && sameAddress(command.toAddress, terms.toAddress) && command.asset === terms.asset && command.amountMinor === terms.amountMinor;
      if (!exact) return refuse('OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor', `expected exactly ${terms.amountMinor} ${terms.asset} from ${challenge.address} to ${terms.toAddress}`);
      const { transactionHash, fromAddress, asset, amountMinor, blockNumber } = command;
      return proven({ method: 'micro-payment', transactionHash, fromAddress, asset, amountMinor, blockNumber });
    }
    case 'RemoveAllowListedAddress': {
      if (!isAllowListed(state, command.chain, command.address)) return refuse('ALLOWLIST_ADDRESS_NOT_LISTED', 'address', `${command.address} is not on client ${clientId}'s allow-list`);
      if (command.reason.trim() === '') return refuse('REASON_REQUIRED', 'reason', 'a removal states why');
      const { chain, address, removedBy, reason, at } = command;
      return accept({ type: 'AddressRemovedFromAllowList', data: { clientId, chain, address, removedBy, reason, at } });
    }
  }
}

export function evolveAllowList(state: AllowListState, event: AllowListEvent): AllowListState {
  switch (event.type) {
    case 'OwnershipChallengeIssued': {
      const { issuedBy: _by, at: _at, ...challenge } = event.data;
      return { ...state, challenges: new Map(state.challenges).set(challenge.challengeId, { ...challenge, settled: false }) };
    }
    case 'AddressOwnershipProven': {
      const { challengeId, chain, address, at } = event.data;
      const challenge = state.challenges.get(challengeId);
      if (challenge === undefined) throw new Error(`assertion: proof of unknown challenge ${challengeId}`);
      return {
        challenges: new Map(state.challenges).set(challengeId, { ...challenge, settled: true }),
        addresses: new Map(state.addresses).set(allowListKey(chain, address), { chain, address, challengeId, provenAt: at }),
      };
    }
    case 'AddressRemovedFromAllowList': {
      const addresses = new Map(state.addresses);
      addresses.delete(allowListKey(event.data.chain, event.data.address));
      return { ...state, addresses };
    }
  }
}
