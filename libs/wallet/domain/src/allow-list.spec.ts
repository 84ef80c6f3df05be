import { decideAllowList, evolveAllowList, initialAllowListState, isAllowListed, type AllowListCommand, type AllowListState } from './allow-list';

const t0 = '2026-11-24T09:00:00.000Z';
const minutes = (n: number) => new Date(Date.parse(t0) + n * 60_000).toISOString();
const address = '0x52908400098527886E0F7030069857D2E4169EE7';
const vault = '0x00000000000000000000000000000000000000aa';

const issueSigned: AllowListCommand = {
  type: 'IssueOwnershipChallenge',
  challenge: { challengeId: 'CH-1', clientId: 'alice', chain: 'ethereum', address, method: 'signed-message', nonce: 'n-7f3a', microPayment: null, expiresAt: minutes(15) },
  issuedBy: 'alice',
  at: t0,
};
const issuePayment: AllowListCommand = {
  type: 'IssueOwnershipChallenge',
  challenge: { challengeId: 'CH-2', clientId: 'alice', chain: 'ethereum', address, method: 'micro-payment', nonce: 'n-19bc', microPayment: { asset: 'ETH', amountMinor: 1_234_567n, walletId: 'w-hot', toAddress: vault }, expiresAt: minutes(60) },
  issuedBy: 'alice',
  at: t0,
};
function given(...commands: AllowListCommand[]): AllowListState {
  return commands.reduce((state, command) => {
    const decision = decideAllowList(command, state, 'alice');
    if (!decision.ok) throw new Error(decision.error.code);
    return decision.events.reduce(evolveAllowList, state);
  }, initialAllowListState);
}
const outcome = (command: AllowListCommand, state: AllowListState) => {
  const decision = decideAllowList(command, state, 'alice');
  return decision.ok ? decision.events.map((event) => event.type) : [decision.error.code, decision.error.path];
};
const signed = (recoveredAddress: string | null, at = minutes(5)): AllowListCommand => ({ type: 'ProveBySignature', challengeId: 'CH-1', signature: '0xsig', recoveredAddress, at });
const payment = (overrides: Partial<Extract<AllowListCommand, { type: 'ProveByMicroPayment' }>> = {}): AllowListCommand => ({
  type: 'ProveByMicroPayment',
  challengeId: 'CH-2',
  transactionHash: `0x${'c'.repeat(64)}`,
  fromAddress: address.toLowerCase(),
  toAddress: vault,
  asset: 'ETH',
  amountMinor: 1_234_567n,
  blockNumber: 12n,
  at: minutes(10),
  ...overrides,
});

describe('allow-listed addresses with proof of ownership (HK-11h)', () => {
  it('HK-11h given a challenge, when the address\'s key signs it, then the address is allow-listed with the message and signature as evidence', () => {
    const issued = given(issueSigned);
    expect(isAllowListed(issued, 'ethereum', address)).toBe(false); // a challenge alone lists nothing
    const decision = decideAllowList(signed(address.toLowerCase()), issued, 'alice');
    expect(decision.ok && decision.events[0]?.data).toMatchObject({ address, evidence: { method: 'signed-message', signature: '0xsig' } });
    const proven = (decision.ok ? decision.events : []).reduce(evolveAllowList, issued);
    expect(isAllowListed(proven, 'ethereum', address.toUpperCase().replace('0X', '0x'))).toBe(true);
  });

  it('HK-11h the challenge text names the client, address, chain, nonce and expiry, so a signature cannot be reused elsewhere', () => {
    const decision = decideAllowList(issueSigned, initialAllowListState, 'alice');
    const message = decision.ok ? (decision.events[0]?.data as { message: string }).message : '';
    for (const part of ['alice', address, 'ethereum', 'n-7f3a', minutes(15)]) expect(message).toContain(part);
  });

  it('HK-11h given a signature by another key (or none that recovers), then OWNERSHIP_SIGNATURE_INVALID and nothing is listed', () => {
    expect(outcome(signed('0x00000000000000000000000000000000000000bb'), given(issueSigned))).toEqual(['OWNERSHIP_SIGNATURE_INVALID', 'signature']);
    expect(outcome(signed(null), given(issueSigned))).toEqual(['OWNERSHIP_SIGNATURE_INVALID', 'signature']);
  });

  it('HK-11h given the answer comes at or after the expiry, then CHALLENGE_EXPIRED; an answered challenge is not answered again', () => {
    expect(outcome(signed(address, minutes(15)), given(issueSigned))).toEqual(['CHALLENGE_EXPIRED', 'challengeId']);
    expect(outcome(signed(address, minutes(6)), given(issueSigned, signed(address)))).toEqual(['CHALLENGE_SETTLED', 'challengeId']);
    expect(outcome({ ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>), challengeId: 'CH-404' }, given())).toEqual(['CHALLENGE_UNKNOWN', 'challengeId']);
  });

  it('HK-11h given a micro-payment challenge, then only exactly that amount, from that address, to that wallet proves it', () => {
    expect(outcome(payment({ amountMinor: 1_234_568n }), given(issuePayment))).toEqual(['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor']);
    expect(outcome(payment({ fromAddress: '0x00000000000000000000000000000000000000cc' }), given(issuePayment))).toEqual(['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor']);
    expect(outcome(payment(), given(issuePayment))).toEqual(['AddressOwnershipProven']);
    expect(outcome({ ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>), challengeId: 'CH-2' }, given(issuePayment))).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challengeId']);
  });

  it('given a challenge that expires in the past or too far ahead, then CHALLENGE_EXPIRY_INVALID', () => {
    const challenge = (issueSigned as Extract<AllowListCommand, { type: 'IssueOwnershipChallenge' }>).challenge;
    expect(outcome({ ...issueSigned, challenge: { ...challenge, expiresAt: t0 } } as AllowListCommand, given())).toEqual(['CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt']);
    expect(outcome({ ...issueSigned, challenge: { ...challenge, expiresAt: '2026-12-24T09:00:00.000Z' } } as AllowListCommand, given())).toEqual(['CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt']);
  });

  it('given a listed address removed with a reason, then it is no longer listed', () => {
    const removed = given(issueSigned, signed(address), { type: 'RemoveAllowListedAddress', chain: 'ethereum', address, removedBy: 'ops-1', reason: 'client closed it', at: minutes(20) });
    expect(isAllowListed(removed, 'ethereum', address)).toBe(false);
  });
});
