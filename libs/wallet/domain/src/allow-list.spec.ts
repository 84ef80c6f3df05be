import { ADDRESS_COOLING_OFF_MS_DEFAULT, allowListedAddress, decideAllowList, evolveAllowList, initialAllowListState, isAllowListed, type AdditionChannel, type AdditionFacts, type AllowListCommand, type AllowListEvent, type AllowListState } from './allow-list';

const t0 = '2026-11-24T09:00:00.000Z';
const minutes = (n: number) => new Date(Date.parse(t0) + n * 60_000).toISOString();
const address = '0x52908400098527886E0F7030069857D2E4169EE7';
const vault = '0x00000000000000000000000000000000000000aa';
const nobodyElse: AdditionFacts = { otherClients: [], ourWalletId: null };
/** The exchange's service identity: the client's own channel. */
const EXCHANGE = 'exchange';

const issue = (channel: AdditionChannel = 'client', issuedBy = EXCHANGE, reason: string | null = null): AllowListCommand => ({
  type: 'IssueOwnershipChallenge',
  challenge: { challengeId: 'CH-1', clientId: 'alice', chain: 'ethereum', address, method: 'signed-message', nonce: 'n-7f3a', microPayment: null, expiresAt: minutes(15) },
  channel,
  reason,
  issuedBy,
  at: t0,
});
const issuePayment = (channel: AdditionChannel = 'client', issuedBy = EXCHANGE, reason: string | null = null): AllowListCommand => ({
  type: 'IssueOwnershipChallenge',
  challenge: { challengeId: 'CH-2', clientId: 'alice', chain: 'ethereum', address, method: 'micro-payment', nonce: 'n-19bc', microPayment: { asset: 'ETH', amountMinor: 1_234_567n, walletId: 'w-hot', toAddress: vault }, expiresAt: minutes(60) },
  channel,
  reason,
  issuedBy,
  at: t0,
});
const signed = (recoveredAddress: string | null, options: { at?: string; channel?: AdditionChannel; submittedBy?: string; facts?: AdditionFacts; signature?: string } = {}): AllowListCommand => ({
  type: 'ProveBySignature',
  challengeId: 'CH-1',
  signature: options.signature ?? '0xsig',
  recoveredAddress,
  at: options.at ?? minutes(5),
  submittedBy: options.submittedBy ?? EXCHANGE,
  channel: options.channel ?? 'client',
  facts: options.facts ?? nobodyElse,
  coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
});
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
  submittedBy: 'wallet-chain-watcher',
  channel: 'client',
  facts: nobodyElse,
  coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
  ...overrides,
});
const decide = (decidedBy: string, decision: 'approve' | 'reject' = 'approve', reason = 'called the client back on the number on file'): AllowListCommand => ({ type: 'DecideAddressAddition', challengeId: 'CH-1', decision, reason, decidedBy, coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT, at: minutes(30) });
const staffIssue = issue('staff', 'ops-1', 'client asked at the branch, signature on paper');
const staffProof = signed(address, { channel: 'staff', submittedBy: 'ops-1' });

function given(...commands: AllowListCommand[]): AllowListState {
  return commands.reduce((state, command) => {
    const decision = decideAllowList(command, state, 'alice');
    if (!decision.ok) throw new Error(decision.error.code);
    return decision.events.reduce(evolveAllowList, state);
  }, initialAllowListState);
}
const eventsOf = (command: AllowListCommand, state: AllowListState): readonly AllowListEvent[] => {
  const decision = decideAllowList(command, state, 'alice');
  if (!decision.ok) throw new Error(decision.error.code);
  return decision.events;
};
const outcome = (command: AllowListCommand, state: AllowListState) => {
  const decision = decideAllowList(command, state, 'alice');
  return decision.ok ? decision.events.map((event) => event.type) : [decision.error.code, decision.error.path];
};
const holdsOf = (command: AllowListCommand, state: AllowListState) => {
  const recorded = eventsOf(command, state).find((event) => event.type === 'AddressProofRecorded');
  return recorded?.type === 'AddressProofRecorded' ? recorded.data.holds.map((hold) => hold.code) : undefined;
};

describe('allow-listed addresses with proof of ownership (HK-11h)', () => {
  describe('when the client proves an address through its own channel (the exchange forwards the signature)', () => {
    it('HK-11h given a challenge, when the address\'s key signs it, then the address is listed with the proof, who handed it in and when it becomes usable', () => {
      const issued = given(issue());
      expect(isAllowListed(issued, 'ethereum', address)).toBe(false); // a challenge alone lists nothing
      const events = eventsOf(signed(address.toLowerCase()), issued);
      expect(events.map((event) => event.type)).toEqual(['AddressProofRecorded', 'AddressAllowListed']);
      expect(events[0]?.data).toMatchObject({ address, channel: 'client', submittedBy: EXCHANGE, holds: [], evidence: { method: 'signed-message', signature: '0xsig' } });
      const proven = events.reduce(evolveAllowList, issued);
      expect(isAllowListed(proven, 'ethereum', address.toUpperCase().replace('0X', '0x'))).toBe(true);
      expect(allowListedAddress(proven, 'ethereum', address)).toMatchObject({ channel: 'client', method: 'signed-message', requestedBy: EXCHANGE, submittedBy: EXCHANGE, approvedBy: null, provenAt: minutes(5), listedAt: minutes(5), usableFrom: '2026-11-25T09:05:00.000Z' });
    });

    it('HK-11h the cooling-off comes in on the command: 0 makes the address usable at once (development), 24 h is the default', () => {
      const events = eventsOf({ ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>), coolingOffMs: 0 }, given(issue()));
      expect(events[1]?.data).toMatchObject({ coolingOffMs: 0, usableFrom: minutes(5) });
      expect(ADDRESS_COOLING_OFF_MS_DEFAULT).toBe(24 * 60 * 60 * 1000);
      expect(() => decideAllowList({ ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>), coolingOffMs: -1 }, given(issue()), 'alice')).toThrow(/assertion/);
    });

    it('HK-11h the challenge text names the client, address, chain, nonce and expiry, so a signature cannot be reused elsewhere', () => {
      const decision = decideAllowList(issue(), initialAllowListState, 'alice');
      const message = decision.ok ? (decision.events[0]?.data as { message: string }).message : '';
      for (const part of ['alice', address, 'ethereum', 'n-7f3a', minutes(15)]) expect(message).toContain(part);
    });

    it('HK-11h given a signature by another key (or none that recovers), then OWNERSHIP_SIGNATURE_INVALID and nothing is listed', () => {
      expect(outcome(signed('0x00000000000000000000000000000000000000bb'), given(issue()))).toEqual(['OWNERSHIP_SIGNATURE_INVALID', 'signature']);
      expect(outcome(signed(null), given(issue()))).toEqual(['OWNERSHIP_SIGNATURE_INVALID', 'signature']);
    });

    it('HK-11h given the answer comes at or after the expiry, then CHALLENGE_EXPIRED; an unknown challenge is CHALLENGE_UNKNOWN', () => {
      expect(outcome(signed(address, { at: minutes(15) }), given(issue()))).toEqual(['CHALLENGE_EXPIRED', 'challengeId']);
      expect(outcome({ ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>), challengeId: 'CH-404' }, given())).toEqual(['CHALLENGE_UNKNOWN', 'challengeId']);
    });

    it('replays: the same challenge asked again and the same proof handed in again change nothing; another answer to an answered challenge is CHALLENGE_SETTLED', () => {
      const proven = given(issue(), signed(address));
      expect(outcome(issue(), proven)).toEqual([]);
      expect(outcome(signed(address, { at: minutes(6) }), proven)).toEqual([]);
      expect(outcome(signed(address, { signature: '0xother' }), proven)).toEqual(['CHALLENGE_SETTLED', 'challengeId']);
      expect(outcome({ ...(issue() as Extract<AllowListCommand, { type: 'IssueOwnershipChallenge' }>), issuedBy: 'ops-1' }, proven)).toEqual(['CHALLENGE_ID_TAKEN', 'challenge.challengeId']);
    });

    it('HK-11h given a micro-payment challenge, then only exactly that amount, from that address, to that wallet proves it, and it is listed through the client\'s channel', () => {
      expect(outcome(payment({ amountMinor: 1_234_568n }), given(issuePayment()))).toEqual(['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor']);
      expect(outcome(payment({ fromAddress: '0x00000000000000000000000000000000000000cc' }), given(issuePayment()))).toEqual(['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor']);
      expect(outcome(payment(), given(issuePayment()))).toEqual(['AddressProofRecorded', 'AddressAllowListed']);
      expect(outcome({ ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>), challengeId: 'CH-2' }, given(issuePayment()))).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challengeId']);
    });

    it('given a challenge that expires in the past or too far ahead, then CHALLENGE_EXPIRY_INVALID', () => {
      const command = issue() as Extract<AllowListCommand, { type: 'IssueOwnershipChallenge' }>;
      expect(outcome({ ...command, challenge: { ...command.challenge, expiresAt: t0 } }, given())).toEqual(['CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt']);
      expect(outcome({ ...command, challenge: { ...command.challenge, expiresAt: '2026-12-24T09:00:00.000Z' } }, given())).toEqual(['CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt']);
    });
  });

  describe('when staff add an address (maker-checker)', () => {
    it('HK-11h given an operator asks without a reason, then REASON_REQUIRED; with one, the challenge is issued', () => {
      expect(outcome(issue('staff', 'ops-1', null), given())).toEqual(['REASON_REQUIRED', 'reason']);
      expect(outcome(issue('staff', 'ops-1', '  '), given())).toEqual(['REASON_REQUIRED', 'reason']);
      expect(outcome(staffIssue, given())).toEqual(['AddressChallengeIssued']);
    });

    it('HK-11h given an operator hands in a valid signature, then the proof is kept but the address waits for an approver and is not usable', () => {
      const state = given(staffIssue);
      expect(holdsOf(staffProof, state)).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
      const proven = given(staffIssue, staffProof);
      expect(isAllowListed(proven, 'ethereum', address)).toBe(false);
      expect(proven.pending.get('CH-1')).toMatchObject({ requestedBy: 'ops-1', submittedBy: 'ops-1', requestReason: 'client asked at the branch, signature on paper', holds: [{ code: 'ADDITION_REQUESTED_BY_STAFF' }] });
    });

    it('HK-11h a client challenge answered by an operator, or a staff challenge answered through the client channel, is a staff addition too', () => {
      expect(holdsOf(signed(address, { channel: 'staff', submittedBy: 'ops-1' }), given(issue()))).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
      expect(holdsOf(signed(address), given(staffIssue))).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
      expect(holdsOf(payment(), given(issuePayment('staff', 'ops-1', 'no signing wallet')))).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
    });

    it('HK-11h given a held addition, when a different approver approves with a reason, then it is listed with who approved, and usable only after the cooling-off from the approval', () => {
      const events = eventsOf(decide('approver-1'), given(staffIssue, staffProof));
      expect(events.map((event) => event.type)).toEqual(['AddressAllowListed']);
      const listed = events.reduce(evolveAllowList, given(staffIssue, staffProof));
      expect(allowListedAddress(listed, 'ethereum', address)).toMatchObject({ channel: 'staff', requestedBy: 'ops-1', submittedBy: 'ops-1', approvedBy: 'approver-1', provenAt: minutes(5), listedAt: minutes(30), usableFrom: '2026-11-25T09:30:00.000Z' });
      expect(listed.pending.size).toBe(0);
    });

    it('HK-11h given a held addition, when the operator who asked (or handed in the proof) decides it, then MAKER_CHECKER_SAME_PERSON and nothing is listed', () => {
      expect(outcome(decide('ops-1'), given(staffIssue, staffProof))).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
      const otherSubmitter = given(staffIssue, signed(address, { channel: 'staff', submittedBy: 'ops-2' }));
      expect(outcome(decide('ops-2'), otherSubmitter)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
      expect(outcome(decide('approver-1', 'approve', ' '), otherSubmitter)).toEqual(['REASON_REQUIRED', 'reason']);
    });

    it('given a rejection, then nothing is listed and the addition is not decided again; the same decision replayed changes nothing', () => {
      const rejected = given(staffIssue, staffProof, decide('approver-1', 'reject', 'the client says it is not theirs'));
      expect(isAllowListed(rejected, 'ethereum', address)).toBe(false);
      expect(outcome(decide('approver-2'), rejected)).toEqual(['ADDRESS_ADDITION_NOT_PENDING', 'challengeId']);
      expect(outcome(decide('approver-1', 'reject'), rejected)).toEqual([]);
      const approved = given(staffIssue, staffProof, decide('approver-1'));
      expect(outcome(decide('approver-1'), approved)).toEqual([]);
      expect(outcome(decide('approver-1', 'reject'), approved)).toEqual(['ADDRESS_ADDITION_NOT_PENDING', 'challengeId']);
      expect(outcome(decide('approver-1'), given(issue(), signed(address)))).toEqual(['ADDRESS_ADDITION_NOT_PENDING', 'challengeId']); // the client's own: nothing to decide
      expect(outcome(decide('approver-1'), given())).toEqual(['CHALLENGE_UNKNOWN', 'challengeId']);
    });
  });

  describe('when the address is someone else\'s here', () => {
    it('HK-11h given the address is on another client\'s allow-list, then even the client\'s own proof waits for an approver: ADDRESS_BELONGS_TO_ANOTHER_CLIENT', () => {
      expect(holdsOf(signed(address, { facts: { otherClients: ['bob'], ourWalletId: null } }), given(issue()))).toEqual(['ADDRESS_BELONGS_TO_ANOTHER_CLIENT']);
      const held = given(issue(), signed(address, { facts: { otherClients: ['bob'], ourWalletId: null } }));
      expect(isAllowListed(held, 'ethereum', address)).toBe(false);
      expect(outcome(decide('approver-1'), held)).toEqual(['AddressAllowListed']); // an approver may decide it is shared (e.g. a joint account)
    });

    it('HK-11h given the address is one of our wallets (client or house), then ADDRESS_IS_OUR_WALLET holds it; the client itself on the list is no conflict', () => {
      expect(holdsOf(signed(address, { facts: { otherClients: [], ourWalletId: 'eth-house-1' } }), given(issue()))).toEqual(['ADDRESS_IS_OUR_WALLET']);
      expect(holdsOf(signed(address, { facts: { otherClients: ['alice'], ourWalletId: null } }), given(issue()))).toEqual([]);
      expect(holdsOf(signed(address, { channel: 'staff', submittedBy: 'ops-1', facts: { otherClients: ['bob'], ourWalletId: 'eth-hot-1' } }), given(issue()))).toEqual(['ADDITION_REQUESTED_BY_STAFF', 'ADDRESS_BELONGS_TO_ANOTHER_CLIENT', 'ADDRESS_IS_OUR_WALLET']);
    });
  });

  describe('when the address is a staff member\'s registered address', () => {
    const staffs: AdditionFacts = { otherClients: [], ourWalletId: null, staffMember: 'ops-2' };

    it('HK-11h given the address is on the staff-address register, then even the client\'s own proof waits for an approver: ADDRESS_OF_STAFF_MEMBER', () => {
      expect(holdsOf(signed(address, { facts: staffs }), given(issue()))).toEqual(['ADDRESS_OF_STAFF_MEMBER']);
      expect(isAllowListed(given(issue(), signed(address, { facts: staffs })), 'ethereum', address)).toBe(false);
    });

    it('HK-11h the staff member it belongs to cannot decide it (even as an approver); another approver can', () => {
      const held = given(issue(), signed(address, { facts: staffs }));
      expect(outcome(decide('ops-2'), held)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
      expect(outcome(decide('approver-1'), held)).toEqual(['AddressAllowListed']);
    });
  });

  describe('when history was recorded before channels were told apart', () => {
    it('given an OwnershipChallengeIssued and AddressOwnershipProven of old, then the address is listed as it was, channel unchecked, usable from its proof', () => {
      const old: AllowListEvent[] = [
        { type: 'OwnershipChallengeIssued', data: { challengeId: 'CH-0', clientId: 'alice', chain: 'ethereum', address, method: 'signed-message', nonce: 'n', message: 'm', microPayment: null, expiresAt: minutes(15), issuedBy: 'ops-1', at: t0 } },
        { type: 'AddressOwnershipProven', data: { challengeId: 'CH-0', clientId: 'alice', chain: 'ethereum', address, evidence: { method: 'signed-message', message: 'm', signature: '0xs', recoveredAddress: address }, at: minutes(1) } },
      ];
      const state = old.reduce(evolveAllowList, initialAllowListState);
      expect(allowListedAddress(state, 'ethereum', address)).toMatchObject({ channel: 'unchecked', requestedBy: 'ops-1', approvedBy: null, usableFrom: minutes(1) });
    });
  });

  it('given a listed address removed with a reason, then it is no longer listed', () => {
    const removed = given(issue(), signed(address), { type: 'RemoveAllowListedAddress', chain: 'ethereum', address, removedBy: 'ops-1', reason: 'client closed it', at: minutes(20) });
    expect(isAllowListed(removed, 'ethereum', address)).toBe(false);
  });
});
