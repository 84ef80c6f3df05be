import { deciderSpecification } from '@custody/decider/testing';
import {
  additionHolds,
  ADDRESS_COOLING_OFF_MS_DEFAULT,
  ADDRESS_COOLING_OFF_MS_MAX,
  allowListDecider,
  allowListedAddress,
  allowListKey,
  CHALLENGE_TTL_MS_MAX,
  initialAllowListState,
  isAllowListed,
  type AdditionChannel,
  type AdditionFacts,
  type AllowListCommand,
  type AllowListEvent,
  type AllowListState,
  ownershipChallengeMessage,
} from './allow-list';

const t0 = '2026-11-24T09:00:00.000Z';
const minutes = (n: number) => new Date(Date.parse(t0) + n * 60_000).toISOString();
const address = '0x52908400098527886E0F7030069857D2E4169EE7';
const vault = '0x00000000000000000000000000000000000000aa';
const nobodyElse: AdditionFacts = { otherClients: [], ourWalletId: null };
/** The exchange's service identity: the client's own channel. */
const EXCHANGE = 'exchange';

const issue = (
  channel: AdditionChannel = 'client',
  issuedBy = EXCHANGE,
  reason: string | null = null,
): AllowListCommand => ({
  type: 'IssueOwnershipChallenge',
  challenge: {
    challengeId: 'CH-1',
    clientId: 'alice',
    chain: 'ethereum',
    address,
    method: 'signed-message',
    nonce: 'n-7f3a',
    microPayment: null,
    expiresAt: minutes(15),
  },
  channel,
  reason,
  issuedBy,
  at: t0,
});
const issuePayment = (
  channel: AdditionChannel = 'client',
  issuedBy = EXCHANGE,
  reason: string | null = null,
): AllowListCommand => ({
  type: 'IssueOwnershipChallenge',
  challenge: {
    challengeId: 'CH-2',
    clientId: 'alice',
    chain: 'ethereum',
    address,
    method: 'micro-payment',
    nonce: 'n-19bc',
    microPayment: { asset: 'ETH', amountMinor: 1_234_567n, walletId: 'w-hot', toAddress: vault },
    expiresAt: minutes(60),
  },
  channel,
  reason,
  issuedBy,
  at: t0,
});
const signed = (
  recoveredAddress: string | null,
  options: {
    at?: string;
    channel?: AdditionChannel;
    submittedBy?: string;
    facts?: AdditionFacts;
    signature?: string;
  } = {},
): AllowListCommand => ({
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
const payment = (
  overrides: Partial<Extract<AllowListCommand, { type: 'ProveByMicroPayment' }>> = {},
): AllowListCommand => ({
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
const decide = (
  decidedBy: string,
  decision: 'approve' | 'reject' = 'approve',
  reason = 'called the client back on the number on file',
): AllowListCommand => ({
  type: 'DecideAddressAddition',
  challengeId: 'CH-1',
  decision,
  reason,
  decidedBy,
  coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
  at: minutes(30),
});
const staffIssue = issue('staff', 'ops-1', 'client asked at the branch, signature on paper');
const staffProof = signed(address, { channel: 'staff', submittedBy: 'ops-1' });

// events: what those commands record (the stream's past, stated)
/** The challenge an IssueOwnershipChallenge command above issues, as recorded. */
const challengeIssued = (command: AllowListCommand): AllowListEvent => {
  const { challenge, channel, reason, issuedBy, at } = command as Issue;
  return {
    type: 'AddressChallengeIssued',
    data: {
      ...challenge,
      message: ownershipChallengeMessage(challenge),
      channel,
      requestedBy: issuedBy,
      requestReason: channel === 'staff' ? reason : null,
      at,
    },
  };
};
/**
 * CH-1 proven by the address's signature at minute 5, through `channel`, handed in by
 * `submittedBy`; held for what `facts` show.
 */
const signatureRecorded = (
  channel: AdditionChannel = 'client',
  submittedBy = EXCHANGE,
  facts: AdditionFacts = nobodyElse,
): AllowListEvent => ({
  type: 'AddressProofRecorded',
  data: {
    challengeId: 'CH-1',
    clientId: 'alice',
    chain: 'ethereum',
    address,
    channel,
    submittedBy,
    evidence: {
      method: 'signed-message',
      message: ownershipChallengeMessage((issue() as Issue).challenge),
      signature: '0xsig',
      recoveredAddress: address,
    },
    holds: additionHolds(channel, facts, 'alice'),
    at: minutes(5),
  },
});
/**
 * CH-1 listed: at once after the client's own proof (no approver), or when `approvedBy` approves
 * the held addition at minute 30.
 */
const listedEvent = (
  approval: { readonly approvedBy: string; readonly reason: string } | null,
  requested: {
    readonly channel: AdditionChannel;
    readonly by: string;
    readonly reason: string | null;
  },
  at: string,
): AllowListEvent => ({
  type: 'AddressAllowListed',
  data: {
    challengeId: 'CH-1',
    chain: 'ethereum',
    address,
    channel: requested.channel,
    method: 'signed-message',
    requestedBy: requested.by,
    requestReason: requested.reason,
    submittedBy: requested.by,
    provenAt: minutes(5),
    clientId: 'alice',
    approvedBy: approval?.approvedBy ?? null,
    approvalReason: approval?.reason ?? null,
    coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
    usableFrom: new Date(Date.parse(at) + ADDRESS_COOLING_OFF_MS_DEFAULT).toISOString(),
    at,
  },
});
/** issue() then signed(address): the client's own proof, listed at once. */
const provenBySignature: readonly AllowListEvent[] = [
  challengeIssued(issue()),
  signatureRecorded(),
  listedEvent(null, { channel: 'client', by: EXCHANGE, reason: null }, minutes(5)),
];
/** issuePayment() then payment(): the client's micro-payment, listed at once. */
const provenByPayment: readonly AllowListEvent[] = [
  challengeIssued(issuePayment()),
  {
    type: 'AddressProofRecorded',
    data: {
      challengeId: 'CH-2',
      clientId: 'alice',
      chain: 'ethereum',
      address,
      channel: 'client',
      submittedBy: 'wallet-chain-watcher',
      evidence: {
        method: 'micro-payment',
        transactionHash: `0x${'c'.repeat(64)}`,
        fromAddress: address.toLowerCase(),
        asset: 'ETH',
        amountMinor: 1_234_567n,
        blockNumber: 12n,
      },
      holds: [],
      at: minutes(10),
    },
  },
  {
    type: 'AddressAllowListed',
    data: {
      challengeId: 'CH-2',
      chain: 'ethereum',
      address,
      channel: 'client',
      method: 'micro-payment',
      requestedBy: EXCHANGE,
      requestReason: null,
      submittedBy: 'wallet-chain-watcher',
      provenAt: minutes(10),
      clientId: 'alice',
      approvedBy: null,
      approvalReason: null,
      coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
      usableFrom: new Date(Date.parse(minutes(10)) + ADDRESS_COOLING_OFF_MS_DEFAULT).toISOString(),
      at: minutes(10),
    },
  },
];
/** staffIssue then staffProof: ops-1 asked and handed in the proof; it waits for an approver. */
const staffProven: readonly AllowListEvent[] = [
  challengeIssued(staffIssue),
  signatureRecorded('staff', 'ops-1'),
];
const staffRequest = {
  channel: 'staff',
  by: 'ops-1',
  reason: 'client asked at the branch, signature on paper',
} as const;
const approvedByApprover1 = listedEvent(
  { approvedBy: 'approver-1', reason: 'called the client back on the number on file' },
  staffRequest,
  minutes(30),
);
const allowList = deciderSpecification(allowListDecider);
/** Alice's allow-list after `events`. */
const given = (...events: AllowListEvent[]): AllowListState => allowList.given(events).state;
const eventsOf = (command: AllowListCommand, state: AllowListState): readonly AllowListEvent[] => {
  const decision = allowListDecider.decide(command, state, 'alice');
  if (!decision.ok) throw new Error(decision.error.code);
  return decision.events;
};
const outcome = (command: AllowListCommand, state: AllowListState) => {
  const decision = allowListDecider.decide(command, state, 'alice');
  return decision.ok
    ? decision.events.map((event) => event.type)
    : [decision.error.code, decision.error.path];
};
const holdsOf = (command: AllowListCommand, state: AllowListState) => {
  const recorded = eventsOf(command, state).find((event) => event.type === 'AddressProofRecorded');
  return recorded?.type === 'AddressProofRecorded'
    ? recorded.data.holds.map((hold) => hold.code)
    : undefined;
};

describe('allow-listed addresses with proof of ownership (HK-11h)', () => {
  describe('when the client proves an address through its own channel (the exchange forwards the signature)', () => {
    it("HK-11h given a challenge, when the address's key signs it, then the address is listed with the proof, who handed it in and when it becomes usable", () => {
      const issued = given(challengeIssued(issue()));
      expect(isAllowListed(issued, 'ethereum', address)).toBe(false); // a challenge alone lists nothing
      const events = eventsOf(signed(address.toLowerCase()), issued);
      expect(events.map((event) => event.type)).toEqual([
        'AddressProofRecorded',
        'AddressAllowListed',
      ]);
      expect(events[0]?.data).toMatchObject({
        address,
        channel: 'client',
        submittedBy: EXCHANGE,
        holds: [],
        evidence: { method: 'signed-message', signature: '0xsig' },
      });
      const proven = events.reduce(allowListDecider.evolve, issued);
      expect(isAllowListed(proven, 'ethereum', address.toUpperCase().replace('0X', '0x'))).toBe(
        true,
      );
      expect(allowListedAddress(proven, 'ethereum', address)).toMatchObject({
        channel: 'client',
        method: 'signed-message',
        requestedBy: EXCHANGE,
        submittedBy: EXCHANGE,
        approvedBy: null,
        provenAt: minutes(5),
        listedAt: minutes(5),
        usableFrom: '2026-11-25T09:05:00.000Z',
      });
    });

    it('HK-11h the cooling-off comes in on the command: 0 makes the address usable at once (development), 24 h is the default', () => {
      const events = eventsOf(
        {
          ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>),
          coolingOffMs: 0,
        },
        given(challengeIssued(issue())),
      );
      expect(events[1]?.data).toMatchObject({ coolingOffMs: 0, usableFrom: minutes(5) });
      expect(ADDRESS_COOLING_OFF_MS_DEFAULT).toBe(24 * 60 * 60 * 1000);
      expect(() =>
        allowListDecider.decide(
          {
            ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>),
            coolingOffMs: -1,
          },
          given(challengeIssued(issue())),
          'alice',
        ),
      ).toThrow(/assertion/);
    });

    it('HK-11h the challenge text names the client, address, chain, nonce and expiry, so a signature cannot be reused elsewhere', () => {
      const decision = allowListDecider.decide(issue(), initialAllowListState, 'alice');
      const message = decision.ok ? (decision.events[0]?.data as { message: string }).message : '';
      for (const part of ['alice', address, 'ethereum', 'n-7f3a', minutes(15)])
        expect(message).toContain(part);
    });

    it('HK-11h given a signature by another key (or none that recovers), then OWNERSHIP_SIGNATURE_INVALID and nothing is listed', () => {
      expect(
        outcome(
          signed('0x00000000000000000000000000000000000000bb'),
          given(challengeIssued(issue())),
        ),
      ).toEqual(['OWNERSHIP_SIGNATURE_INVALID', 'signature']);
      expect(outcome(signed(null), given(challengeIssued(issue())))).toEqual([
        'OWNERSHIP_SIGNATURE_INVALID',
        'signature',
      ]);
    });

    it('HK-11h given the answer comes at or after the expiry, then CHALLENGE_EXPIRED; an unknown challenge is CHALLENGE_UNKNOWN', () => {
      expect(
        outcome(signed(address, { at: minutes(15) }), given(challengeIssued(issue()))),
      ).toEqual(['CHALLENGE_EXPIRED', 'challengeId']);
      expect(
        outcome(
          {
            ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>),
            challengeId: 'CH-404',
          },
          given(),
        ),
      ).toEqual(['CHALLENGE_UNKNOWN', 'challengeId']);
    });

    it('replays: the same challenge asked again and the same proof handed in again change nothing; another answer to an answered challenge is CHALLENGE_SETTLED', () => {
      const proven = given(...provenBySignature);
      expect(outcome(issue(), proven)).toEqual([]);
      expect(outcome(signed(address, { at: minutes(6) }), proven)).toEqual([]);
      expect(outcome(signed(address, { signature: '0xother' }), proven)).toEqual([
        'CHALLENGE_SETTLED',
        'challengeId',
      ]);
      expect(
        outcome(
          {
            ...(issue() as Extract<AllowListCommand, { type: 'IssueOwnershipChallenge' }>),
            issuedBy: 'ops-1',
          },
          proven,
        ),
      ).toEqual(['CHALLENGE_ID_TAKEN', 'challenge.challengeId']);
    });

    it("HK-11h given a micro-payment challenge, then only exactly that amount, from that address, to that wallet proves it, and it is listed through the client's channel", () => {
      expect(
        outcome(payment({ amountMinor: 1_234_568n }), given(challengeIssued(issuePayment()))),
      ).toEqual(['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor']);
      expect(
        outcome(
          payment({ fromAddress: '0x00000000000000000000000000000000000000cc' }),
          given(challengeIssued(issuePayment())),
        ),
      ).toEqual(['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor']);
      expect(outcome(payment(), given(challengeIssued(issuePayment())))).toEqual([
        'AddressProofRecorded',
        'AddressAllowListed',
      ]);
      expect(
        outcome(
          {
            ...(signed(address) as Extract<AllowListCommand, { type: 'ProveBySignature' }>),
            challengeId: 'CH-2',
          },
          given(challengeIssued(issuePayment())),
        ),
      ).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challengeId']);
    });

    it('given a challenge that expires in the past or too far ahead, then CHALLENGE_EXPIRY_INVALID', () => {
      const command = issue() as Extract<AllowListCommand, { type: 'IssueOwnershipChallenge' }>;
      expect(
        outcome({ ...command, challenge: { ...command.challenge, expiresAt: t0 } }, given()),
      ).toEqual(['CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt']);
      expect(
        outcome(
          {
            ...command,
            challenge: { ...command.challenge, expiresAt: '2026-12-24T09:00:00.000Z' },
          },
          given(),
        ),
      ).toEqual(['CHALLENGE_EXPIRY_INVALID', 'challenge.expiresAt']);
    });
  });

  describe('when staff add an address (maker-checker)', () => {
    it('HK-11h given an operator asks without a reason, then REASON_REQUIRED; with one, the challenge is issued', () => {
      expect(outcome(issue('staff', 'ops-1', null), given())).toEqual([
        'REASON_REQUIRED',
        'reason',
      ]);
      expect(outcome(issue('staff', 'ops-1', '  '), given())).toEqual([
        'REASON_REQUIRED',
        'reason',
      ]);
      expect(outcome(staffIssue, given())).toEqual(['AddressChallengeIssued']);
    });

    it('HK-11h given an operator hands in a valid signature, then the proof is kept but the address waits for an approver and is not usable', () => {
      const state = given(challengeIssued(staffIssue));
      expect(holdsOf(staffProof, state)).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
      const proven = given(...staffProven);
      expect(isAllowListed(proven, 'ethereum', address)).toBe(false);
      expect(proven.pending.get('CH-1')).toMatchObject({
        requestedBy: 'ops-1',
        submittedBy: 'ops-1',
        requestReason: 'client asked at the branch, signature on paper',
        holds: [{ code: 'ADDITION_REQUESTED_BY_STAFF' }],
      });
    });

    it('HK-11h a client challenge answered by an operator, or a staff challenge answered through the client channel, is a staff addition too', () => {
      expect(
        holdsOf(
          signed(address, { channel: 'staff', submittedBy: 'ops-1' }),
          given(challengeIssued(issue())),
        ),
      ).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
      expect(holdsOf(signed(address), given(challengeIssued(staffIssue)))).toEqual([
        'ADDITION_REQUESTED_BY_STAFF',
      ]);
      expect(
        holdsOf(
          payment(),
          given(challengeIssued(issuePayment('staff', 'ops-1', 'no signing wallet'))),
        ),
      ).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
    });

    it('HK-11h given a held addition, when a different approver approves with a reason, then it is listed with who approved, and usable only after the cooling-off from the approval', () => {
      const events = eventsOf(decide('approver-1'), given(...staffProven));
      expect(events.map((event) => event.type)).toEqual(['AddressAllowListed']);
      const listed = events.reduce(allowListDecider.evolve, given(...staffProven));
      expect(allowListedAddress(listed, 'ethereum', address)).toMatchObject({
        channel: 'staff',
        requestedBy: 'ops-1',
        submittedBy: 'ops-1',
        approvedBy: 'approver-1',
        provenAt: minutes(5),
        listedAt: minutes(30),
        usableFrom: '2026-11-25T09:30:00.000Z',
      });
      expect(listed.pending.size).toBe(0);
    });

    it('HK-11h given a held addition, when the operator who asked (or handed in the proof) decides it, then MAKER_CHECKER_SAME_PERSON and nothing is listed', () => {
      expect(outcome(decide('ops-1'), given(...staffProven))).toEqual([
        'MAKER_CHECKER_SAME_PERSON',
        'decidedBy',
      ]);
      const otherSubmitter = given(
        challengeIssued(staffIssue),
        signatureRecorded('staff', 'ops-2'),
      );
      expect(outcome(decide('ops-2'), otherSubmitter)).toEqual([
        'MAKER_CHECKER_SAME_PERSON',
        'decidedBy',
      ]);
      expect(outcome(decide('approver-1', 'approve', ' '), otherSubmitter)).toEqual([
        'REASON_REQUIRED',
        'reason',
      ]);
    });

    it('given a rejection, then nothing is listed and the addition is not decided again; the same decision replayed changes nothing', () => {
      const rejected = given(...staffProven, {
        type: 'AddressAdditionRejected',
        data: {
          challengeId: 'CH-1',
          clientId: 'alice',
          chain: 'ethereum',
          address,
          rejectedBy: 'approver-1',
          reason: 'the client says it is not theirs',
          at: minutes(30),
        },
      });
      expect(isAllowListed(rejected, 'ethereum', address)).toBe(false);
      expect(outcome(decide('approver-2'), rejected)).toEqual([
        'ADDRESS_ADDITION_NOT_PENDING',
        'challengeId',
      ]);
      expect(outcome(decide('approver-1', 'reject'), rejected)).toEqual([]);
      const approved = given(...staffProven, approvedByApprover1);
      expect(outcome(decide('approver-1'), approved)).toEqual([]);
      expect(outcome(decide('approver-1', 'reject'), approved)).toEqual([
        'ADDRESS_ADDITION_NOT_PENDING',
        'challengeId',
      ]);
      expect(outcome(decide('approver-1'), given(...provenBySignature))).toEqual([
        'ADDRESS_ADDITION_NOT_PENDING',
        'challengeId',
      ]); // the client's own: nothing to decide
      expect(outcome(decide('approver-1'), given())).toEqual(['CHALLENGE_UNKNOWN', 'challengeId']);
    });
  });

  describe("when the address is someone else's here", () => {
    it("HK-11h given the address is on another client's allow-list, then even the client's own proof waits for an approver: ADDRESS_BELONGS_TO_ANOTHER_CLIENT", () => {
      expect(
        holdsOf(
          signed(address, { facts: { otherClients: ['bob'], ourWalletId: null } }),
          given(challengeIssued(issue())),
        ),
      ).toEqual(['ADDRESS_BELONGS_TO_ANOTHER_CLIENT']);
      const held = given(
        challengeIssued(issue()),
        signatureRecorded('client', EXCHANGE, { otherClients: ['bob'], ourWalletId: null }),
      );
      expect(isAllowListed(held, 'ethereum', address)).toBe(false);
      expect(outcome(decide('approver-1'), held)).toEqual(['AddressAllowListed']); // an approver may decide it is shared (e.g. a joint account)
    });

    it('HK-11h given the address is one of our wallets (client or house), then ADDRESS_IS_OUR_WALLET holds it; the client itself on the list is no conflict', () => {
      expect(
        holdsOf(
          signed(address, { facts: { otherClients: [], ourWalletId: 'eth-house-1' } }),
          given(challengeIssued(issue())),
        ),
      ).toEqual(['ADDRESS_IS_OUR_WALLET']);
      expect(
        holdsOf(
          signed(address, { facts: { otherClients: ['alice'], ourWalletId: null } }),
          given(challengeIssued(issue())),
        ),
      ).toEqual([]);
      expect(
        holdsOf(
          signed(address, {
            channel: 'staff',
            submittedBy: 'ops-1',
            facts: { otherClients: ['bob'], ourWalletId: 'eth-hot-1' },
          }),
          given(challengeIssued(issue())),
        ),
      ).toEqual([
        'ADDITION_REQUESTED_BY_STAFF',
        'ADDRESS_BELONGS_TO_ANOTHER_CLIENT',
        'ADDRESS_IS_OUR_WALLET',
      ]);
    });
  });

  describe("when the address is a staff member's registered address", () => {
    const staffs: AdditionFacts = { otherClients: [], ourWalletId: null, staffMember: 'ops-2' };

    it("HK-11h given the address is on the staff-address register, then even the client's own proof waits for an approver: ADDRESS_OF_STAFF_MEMBER", () => {
      expect(holdsOf(signed(address, { facts: staffs }), given(challengeIssued(issue())))).toEqual([
        'ADDRESS_OF_STAFF_MEMBER',
      ]);
      expect(
        isAllowListed(
          given(challengeIssued(issue()), signatureRecorded('client', EXCHANGE, staffs)),
          'ethereum',
          address,
        ),
      ).toBe(false);
    });

    it('HK-11h the staff member it belongs to cannot decide it (even as an approver); another approver can', () => {
      const held = given(challengeIssued(issue()), signatureRecorded('client', EXCHANGE, staffs));
      expect(outcome(decide('ops-2'), held)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
      expect(outcome(decide('approver-1'), held)).toEqual(['AddressAllowListed']);
    });
  });

  describe('when history was recorded before channels were told apart', () => {
    it('given an OwnershipChallengeIssued and AddressOwnershipProven of old, then the address is listed as it was, channel unchecked, usable from its proof', () => {
      const old: AllowListEvent[] = [
        {
          type: 'OwnershipChallengeIssued',
          data: {
            challengeId: 'CH-0',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            method: 'signed-message',
            nonce: 'n',
            message: 'm',
            microPayment: null,
            expiresAt: minutes(15),
            issuedBy: 'ops-1',
            at: t0,
          },
        },
        {
          type: 'AddressOwnershipProven',
          data: {
            challengeId: 'CH-0',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            evidence: {
              method: 'signed-message',
              message: 'm',
              signature: '0xs',
              recoveredAddress: address,
            },
            at: minutes(1),
          },
        },
      ];
      const state = old.reduce(allowListDecider.evolve, initialAllowListState);
      expect(allowListedAddress(state, 'ethereum', address)).toMatchObject({
        channel: 'unchecked',
        requestedBy: 'ops-1',
        approvedBy: null,
        usableFrom: minutes(1),
      });
    });
  });

  it('given a listed address removed with a reason, then it is no longer listed', () => {
    const removed = given(...provenBySignature, {
      type: 'AddressRemovedFromAllowList',
      data: {
        clientId: 'alice',
        chain: 'ethereum',
        address,
        removedBy: 'ops-1',
        reason: 'client closed it',
        at: minutes(20),
      },
    });
    expect(isAllowListed(removed, 'ethereum', address)).toBe(false);
  });
});

type Issue = Extract<AllowListCommand, { type: 'IssueOwnershipChallenge' }>;
type Signed = Extract<AllowListCommand, { type: 'ProveBySignature' }>;
const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

describe('allow-list boundaries and replays (HK-11h)', () => {
  describe('when a challenge is issued', () => {
    const command = issue() as Issue;
    const withChallenge = (challenge: Partial<Issue['challenge']>): Issue => ({
      ...command,
      challenge: { ...command.challenge, ...challenge },
    });

    it('HK-11h a challenge expires at the earliest 1 ms and at the latest exactly CHALLENGE_TTL_MS_MAX after it is issued', () => {
      expect(CHALLENGE_TTL_MS_MAX).toBe(7 * 24 * 60 * 60 * 1000);
      expect(outcome(withChallenge({ expiresAt: at(1) }), given())).toEqual([
        'AddressChallengeIssued',
      ]);
      expect(outcome(withChallenge({ expiresAt: at(CHALLENGE_TTL_MS_MAX) }), given())).toEqual([
        'AddressChallengeIssued',
      ]);
      expect(outcome(withChallenge({ expiresAt: at(CHALLENGE_TTL_MS_MAX + 1) }), given())).toEqual([
        'CHALLENGE_EXPIRY_INVALID',
        'challenge.expiresAt',
      ]);
      expect(outcome(withChallenge({ expiresAt: at(-1) }), given())).toEqual([
        'CHALLENGE_EXPIRY_INVALID',
        'challenge.expiresAt',
      ]);
    });

    it('HK-11h a micro-payment challenge, and only one, names its terms, with a positive test amount', () => {
      const terms = { asset: 'ETH', amountMinor: 1n, walletId: 'w-hot', toAddress: vault };
      expect(
        outcome(withChallenge({ method: 'micro-payment', microPayment: null }), given()),
      ).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challenge.microPayment']);
      expect(
        outcome(withChallenge({ method: 'signed-message', microPayment: terms }), given()),
      ).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challenge.microPayment']);
      expect(
        outcome(
          withChallenge({ method: 'micro-payment', microPayment: { ...terms, amountMinor: 0n } }),
          given(),
        ),
      ).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challenge.microPayment.amountMinor']);
      expect(
        outcome(
          withChallenge({ method: 'micro-payment', microPayment: { ...terms, amountMinor: -1n } }),
          given(),
        ),
      ).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challenge.microPayment.amountMinor']);
      expect(
        outcome(withChallenge({ method: 'micro-payment', microPayment: terms }), given()),
      ).toEqual(['AddressChallengeIssued']);
    });

    it('HK-11h the challenge records its channel and requester; a reason is kept only for a staff addition', () => {
      expect(eventsOf({ ...command, reason: 'the client asked us to' }, given())).toEqual([
        {
          type: 'AddressChallengeIssued',
          data: {
            ...command.challenge,
            clientId: 'alice',
            message: ownershipChallengeMessage({ ...command.challenge, clientId: 'alice' }),
            channel: 'client',
            requestedBy: EXCHANGE,
            requestReason: null,
            at: t0,
          },
        },
      ]);
      expect(eventsOf(staffIssue, given())[0]?.data).toMatchObject({
        channel: 'staff',
        requestedBy: 'ops-1',
        requestReason: 'client asked at the branch, signature on paper',
      });
    });

    it('HK-11h the signed text is exactly the purpose, then client, chain, address, nonce and expiry, one per line', () => {
      expect(ownershipChallengeMessage(command.challenge)).toBe(
        [
          'Custody address ownership proof',
          'Client: alice',
          'Chain: ethereum',
          `Address: ${address}`,
          'Nonce: n-7f3a',
          `Expires: ${minutes(15)}`,
        ].join('\n'),
      );
    });

    it('replays: the same challenge id asked again for another client, chain, address, method, channel or requester is CHALLENGE_ID_TAKEN; the same one (address in any case) changes nothing', () => {
      const issued = given(challengeIssued(issue()));
      const taken = ['CHALLENGE_ID_TAKEN', 'challenge.challengeId'];
      expect(outcome(withChallenge({ address: address.toLowerCase() }), issued)).toEqual([]);
      const forBob = allowListDecider.decide(command, issued, 'bob');
      expect(forBob.ok ? 'accepted' : [forBob.error.code, forBob.error.path]).toEqual(taken);
      expect(outcome(withChallenge({ chain: 'tron' }), issued)).toEqual(taken);
      expect(outcome(withChallenge({ address: vault }), issued)).toEqual(taken);
      expect(outcome(withChallenge({ method: 'micro-payment' }), issued)).toEqual(taken);
      expect(outcome({ ...command, channel: 'staff', reason: 'branch' }, issued)).toEqual(taken);
      expect(outcome({ ...command, issuedBy: 'ops-1' }, issued)).toEqual(taken);
    });
  });

  describe('when a micro-payment answers the challenge', () => {
    const mismatch = ['OWNERSHIP_PAYMENT_MISMATCH', 'amountMinor'];

    it('HK-11h only exactly the amount proves it: one minor unit less or more is OWNERSHIP_PAYMENT_MISMATCH', () => {
      expect(
        outcome(payment({ amountMinor: 1_234_566n }), given(challengeIssued(issuePayment()))),
      ).toEqual(mismatch);
      expect(
        outcome(payment({ amountMinor: 1_234_568n }), given(challengeIssued(issuePayment()))),
      ).toEqual(mismatch);
      expect(
        outcome(payment({ amountMinor: 1_234_567n }), given(challengeIssued(issuePayment()))),
      ).toEqual(['AddressProofRecorded', 'AddressAllowListed']);
    });

    it('HK-11h the same amount in another asset proves nothing: OWNERSHIP_PAYMENT_MISMATCH', () => {
      expect(outcome(payment({ asset: 'USDT' }), given(challengeIssued(issuePayment())))).toEqual(
        mismatch,
      );
    });

    it('HK-11h it must come from the challenged address and go to our named wallet address (in any letter case); from or to any other is OWNERSHIP_PAYMENT_MISMATCH', () => {
      expect(
        outcome(payment({ fromAddress: vault }), given(challengeIssued(issuePayment()))),
      ).toEqual(mismatch);
      expect(
        outcome(payment({ toAddress: address }), given(challengeIssued(issuePayment()))),
      ).toEqual(mismatch);
      expect(
        outcome(
          payment({
            fromAddress: address.toUpperCase().replace('0X', '0x'),
            toAddress: vault.toUpperCase().replace('0X', '0x'),
          }),
          given(challengeIssued(issuePayment())),
        ),
      ).toEqual(['AddressProofRecorded', 'AddressAllowListed']);
    });

    it('HK-11h the proof kept as evidence is the payment itself: transaction, sender, asset, amount and block', () => {
      const recorded = eventsOf(payment(), given(challengeIssued(issuePayment())))[0];
      expect(recorded?.data).toEqual({
        challengeId: 'CH-2',
        clientId: 'alice',
        chain: 'ethereum',
        address,
        channel: 'client',
        submittedBy: 'wallet-chain-watcher',
        evidence: {
          method: 'micro-payment',
          transactionHash: `0x${'c'.repeat(64)}`,
          fromAddress: address.toLowerCase(),
          asset: 'ETH',
          amountMinor: 1_234_567n,
          blockNumber: 12n,
        },
        holds: [],
        at: minutes(10),
      });
    });

    it('HK-11h a payment answering a signed-message challenge is CHALLENGE_METHOD_MISMATCH', () => {
      expect(outcome(payment({ challengeId: 'CH-1' }), given(challengeIssued(issue())))).toEqual([
        'CHALLENGE_METHOD_MISMATCH',
        'challengeId',
      ]);
    });

    it('HK-11h given a challenge recorded before issue 22 whose method and terms disagree, then a payment proves nothing: CHALLENGE_METHOD_MISMATCH', () => {
      const old = (
        method: 'signed-message' | 'micro-payment',
        microPayment: {
          asset: string;
          amountMinor: bigint;
          walletId: string;
          toAddress: string;
        } | null,
      ): AllowListState =>
        allowListDecider.evolve(initialAllowListState, {
          type: 'OwnershipChallengeIssued',
          data: {
            challengeId: 'CH-2',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            method,
            nonce: 'n',
            message: 'm',
            microPayment,
            expiresAt: minutes(60),
            issuedBy: 'ops-1',
            at: t0,
          },
        });
      expect(
        outcome(
          payment(),
          old('signed-message', {
            asset: 'ETH',
            amountMinor: 1_234_567n,
            walletId: 'w-hot',
            toAddress: vault,
          }),
        ),
      ).toEqual(['CHALLENGE_METHOD_MISMATCH', 'challengeId']);
      expect(outcome(payment(), old('micro-payment', null))).toEqual([
        'CHALLENGE_METHOD_MISMATCH',
        'challengeId',
      ]);
    });
  });

  describe('when an answered challenge is answered again', () => {
    it('replays: a proof that proves nothing, sent to an answered challenge, is CHALLENGE_SETTLED, as is another valid one; the same one changes nothing', () => {
      const proven = given(...provenBySignature);
      expect(outcome(signed('0x00000000000000000000000000000000000000bb'), proven)).toEqual([
        'CHALLENGE_SETTLED',
        'challengeId',
      ]);
      expect(outcome(signed(null), proven)).toEqual(['CHALLENGE_SETTLED', 'challengeId']);
      expect(outcome(signed(address, { at: minutes(20) }), proven)).toEqual([]); // even after the expiry: it changes nothing
      const paid = given(...provenByPayment);
      expect(outcome(payment({ blockNumber: 13n }), paid)).toEqual([
        'CHALLENGE_SETTLED',
        'challengeId',
      ]);
      expect(outcome(payment(), paid)).toEqual([]);
    });
  });

  describe('when the address is listed', () => {
    it("HK-11h through the client's own channel: AddressAllowListed has no approver, no approval reason, and usableFrom is exactly the proof plus the cooling-off", () => {
      const listed = eventsOf(signed(address), given(challengeIssued(issue())))[1];
      expect(listed).toEqual({
        type: 'AddressAllowListed',
        data: {
          challengeId: 'CH-1',
          chain: 'ethereum',
          address,
          channel: 'client',
          method: 'signed-message',
          requestedBy: EXCHANGE,
          requestReason: null,
          submittedBy: EXCHANGE,
          provenAt: minutes(5),
          clientId: 'alice',
          approvedBy: null,
          approvalReason: null,
          coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
          usableFrom: at(5 * 60_000 + ADDRESS_COOLING_OFF_MS_DEFAULT),
          at: minutes(5),
        },
      });
    });

    it('HK-11h by an approver: AddressAllowListed names the approver and the reason, and the cooling-off runs from the approval', () => {
      const listed = eventsOf(decide('approver-1'), given(...staffProven))[0];
      expect(listed?.data).toMatchObject({
        approvedBy: 'approver-1',
        approvalReason: 'called the client back on the number on file',
        coolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
        usableFrom: at(30 * 60_000 + ADDRESS_COOLING_OFF_MS_DEFAULT),
        at: minutes(30),
      });
    });

    it('HK-11h the cooling-off may be at most ADDRESS_COOLING_OFF_MS_MAX (30 days) and whole milliseconds: anything else is a configuration bug', () => {
      const proof = (coolingOffMs: number) =>
        allowListDecider.decide(
          { ...(signed(address) as Signed), coolingOffMs },
          given(challengeIssued(issue())),
          'alice',
        );
      expect(ADDRESS_COOLING_OFF_MS_MAX).toBe(30 * 24 * 60 * 60 * 1000);
      const longest = proof(ADDRESS_COOLING_OFF_MS_MAX);
      expect(longest.ok && longest.events[1]?.data).toMatchObject({
        usableFrom: at(5 * 60_000 + ADDRESS_COOLING_OFF_MS_MAX),
      });
      expect(() => proof(ADDRESS_COOLING_OFF_MS_MAX + 1)).toThrow(/assertion/);
      expect(() => proof(1.5)).toThrow(/assertion/);
      expect(() =>
        allowListDecider.decide(
          {
            ...(decide('approver-1') as Extract<
              AllowListCommand,
              { type: 'DecideAddressAddition' }
            >),
            coolingOffMs: ADDRESS_COOLING_OFF_MS_MAX + 1,
          },
          given(...staffProven),
          'alice',
        ),
      ).toThrow(/assertion/);
    });

    it('HK-11h the key of an address is its chain and its lowercase form: one address in any case is one entry, another address is not listed by it', () => {
      expect(allowListKey('ethereum', address)).toBe(`ethereum:${address.toLowerCase()}`);
      const proven = given(...provenBySignature);
      expect(isAllowListed(proven, 'ethereum', vault)).toBe(false);
      expect(isAllowListed(proven, 'tron', address)).toBe(false);
    });
  });

  describe('when an operator and an approver decide a held addition (maker-checker)', () => {
    it('HK-11h the operator who asked for the challenge cannot decide it, even when another handed in the proof; a third person can', () => {
      const askedByOps1 = given(challengeIssued(staffIssue), signatureRecorded('staff', 'ops-2'));
      expect(outcome(decide('ops-1'), askedByOps1)).toEqual([
        'MAKER_CHECKER_SAME_PERSON',
        'decidedBy',
      ]);
      expect(outcome(decide('approver-1'), askedByOps1)).toEqual(['AddressAllowListed']);
    });

    it('HK-11h a staff member whose registered address it is cannot decide it, whatever other holds it has; another approver can', () => {
      const held = given(
        challengeIssued(staffIssue),
        signatureRecorded('staff', 'ops-1', {
          otherClients: [],
          ourWalletId: null,
          staffMember: 'ops-3',
        }),
      );
      expect(held.pending.get('CH-1')?.holds.map((hold) => hold.code)).toEqual([
        'ADDITION_REQUESTED_BY_STAFF',
        'ADDRESS_OF_STAFF_MEMBER',
      ]);
      expect(outcome(decide('ops-3'), held)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
      expect(outcome(decide('approver-1'), held)).toEqual(['AddressAllowListed']);
    });

    it('HK-11h a rejection records who rejected, why and what, and lists nothing', () => {
      const rejection = decide('approver-1', 'reject', 'the client says it is not theirs');
      expect(eventsOf(rejection, given(...staffProven))).toEqual([
        {
          type: 'AddressAdditionRejected',
          data: {
            challengeId: 'CH-1',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            rejectedBy: 'approver-1',
            reason: 'the client says it is not theirs',
            at: minutes(30),
          },
        },
      ]);
      expect(outcome(decide('approver-1', 'reject', ''), given(...staffProven))).toEqual([
        'REASON_REQUIRED',
        'reason',
      ]);
    });

    it('replays: an approval replayed by another approver after the listing is ADDRESS_ADDITION_NOT_PENDING', () => {
      expect(outcome(decide('approver-2'), given(...staffProven, approvedByApprover1))).toEqual([
        'ADDRESS_ADDITION_NOT_PENDING',
        'challengeId',
      ]);
    });
  });

  describe('when a listed address is removed', () => {
    const remove = (reason: string, removed = address): AllowListCommand => ({
      type: 'RemoveAllowListedAddress',
      chain: 'ethereum',
      address: removed,
      removedBy: 'ops-1',
      reason,
      at: minutes(20),
    });

    it('given the address in any letter case and a reason, then AddressRemovedFromAllowList records who, why and when', () => {
      expect(
        eventsOf(remove('client closed it', address.toLowerCase()), given(...provenBySignature)),
      ).toEqual([
        {
          type: 'AddressRemovedFromAllowList',
          data: {
            clientId: 'alice',
            chain: 'ethereum',
            address: address.toLowerCase(),
            removedBy: 'ops-1',
            reason: 'client closed it',
            at: minutes(20),
          },
        },
      ]);
    });

    it('given an address not listed, then ALLOWLIST_ADDRESS_NOT_LISTED; without a reason (empty or blank), REASON_REQUIRED', () => {
      expect(outcome(remove('client closed it'), given(challengeIssued(issue())))).toEqual([
        'ALLOWLIST_ADDRESS_NOT_LISTED',
        'address',
      ]);
      expect(outcome(remove(''), given(...provenBySignature))).toEqual([
        'REASON_REQUIRED',
        'reason',
      ]);
      expect(outcome(remove('   '), given(...provenBySignature))).toEqual([
        'REASON_REQUIRED',
        'reason',
      ]);
    });
  });

  describe('when the history is read (evolve)', () => {
    it('given AddressChallengeIssued, then an open, unanswered challenge of its channel and requester', () => {
      const { challenge } = staffIssue as Issue;
      expect(given(challengeIssued(staffIssue)).challenges.get('CH-1')).toEqual({
        ...challenge,
        message: ownershipChallengeMessage(challenge),
        channel: 'staff',
        requestedBy: 'ops-1',
        requestReason: 'client asked at the branch, signature on paper',
        settled: false,
        status: 'open',
        evidence: null,
        decidedBy: null,
      });
    });

    it("given an OwnershipChallengeIssued of old, then an open challenge, channel unchecked, that can still be answered; not known to be the client's channel, the addition waits for an approver", () => {
      const old = allowListDecider.evolve(initialAllowListState, {
        type: 'OwnershipChallengeIssued',
        data: {
          challengeId: 'CH-1',
          clientId: 'alice',
          chain: 'ethereum',
          address,
          method: 'signed-message',
          nonce: 'n',
          message: 'm',
          microPayment: null,
          expiresAt: minutes(15),
          issuedBy: 'ops-1',
          at: t0,
        },
      });
      expect(old.challenges.get('CH-1')).toEqual({
        challengeId: 'CH-1',
        clientId: 'alice',
        chain: 'ethereum',
        address,
        method: 'signed-message',
        nonce: 'n',
        message: 'm',
        microPayment: null,
        expiresAt: minutes(15),
        channel: 'unchecked',
        requestedBy: 'ops-1',
        requestReason: null,
        settled: false,
        status: 'open',
        evidence: null,
        decidedBy: null,
      });
      expect(holdsOf(signed(address), old)).toEqual(['ADDITION_REQUESTED_BY_STAFF']);
    });

    it('given an AddressOwnershipProven of old, then its challenge is answered and listed: another answer is CHALLENGE_SETTLED', () => {
      const evidence = {
        method: 'signed-message',
        message: 'm',
        signature: '0xs',
        recoveredAddress: address,
      } as const;
      const old: AllowListEvent[] = [
        {
          type: 'OwnershipChallengeIssued',
          data: {
            challengeId: 'CH-1',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            method: 'signed-message',
            nonce: 'n',
            message: 'm',
            microPayment: null,
            expiresAt: minutes(15),
            issuedBy: 'ops-1',
            at: t0,
          },
        },
        {
          type: 'AddressOwnershipProven',
          data: {
            challengeId: 'CH-1',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            evidence,
            at: minutes(1),
          },
        },
      ];
      const state = old.reduce(allowListDecider.evolve, initialAllowListState);
      expect(state.challenges.get('CH-1')).toMatchObject({
        settled: true,
        status: 'listed',
        evidence,
      });
      expect(outcome(signed(address, { signature: '0xother' }), state)).toEqual([
        'CHALLENGE_SETTLED',
        'challengeId',
      ]);
    });

    it('given a proof recorded with holds, then the challenge awaits approval; with none, it is listed and nothing waits for an approver', () => {
      expect(given(...staffProven).challenges.get('CH-1')?.status).toBe('awaiting-approval');
      const recorded = eventsOf(signed(address), given(challengeIssued(issue())))[0];
      if (recorded === undefined) throw new Error('no proof recorded');
      const afterProof = allowListDecider.evolve(given(challengeIssued(issue())), recorded);
      expect(afterProof.challenges.get('CH-1')).toMatchObject({ settled: true, status: 'listed' });
      expect(afterProof.pending.size).toBe(0);
    });

    it('assertion: an event of a challenge never issued is a bug in the stream', () => {
      expect(() =>
        allowListDecider.evolve(initialAllowListState, {
          type: 'AddressAdditionRejected',
          data: {
            challengeId: 'CH-404',
            clientId: 'alice',
            chain: 'ethereum',
            address,
            rejectedBy: 'approver-1',
            reason: 'r',
            at: t0,
          },
        }),
      ).toThrow(/assertion/);
    });
  });
});

describe('allowListDecider: a client allow-list stream (issue 24)', () => {
  it("holds exactly the allow-list stream's event types, from an empty list", () => {
    expect([...allowListDecider.eventTypes]).toEqual([
      'OwnershipChallengeIssued',
      'AddressOwnershipProven',
      'AddressChallengeIssued',
      'AddressProofRecorded',
      'AddressAllowListed',
      'AddressAdditionRejected',
      'AddressRemovedFromAllowList',
    ]);
    expect(allowListDecider.initialState).toBe(initialAllowListState);
  });

  it('given a command or an event of no known type, then an assertion failure naming it', () => {
    const stray = { type: 'Stray' } as never;
    expect(() => allowListDecider.decide(stray, initialAllowListState, 'alice')).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
    expect(() => allowListDecider.evolve(initialAllowListState, stray)).toThrow(
      'assertion: unhandled {"type":"Stray"}',
    );
  });
});
