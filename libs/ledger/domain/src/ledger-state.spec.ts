import { clientAccount, custodyAccount, houseAccount, ZERO_BALANCE } from './accounts';
import type { LedgerEvent } from './ledger-events';
import {
  balanceOf,
  clientBooks,
  evolveLedger,
  holdSettledBy,
  withdrawalSettledBy,
  initialLedgerState,
  journalIdOf,
  mergeBooks,
  type LedgerState,
  type RequestedAdjustment,
} from './ledger-state';

const at = '2026-11-24T09:00:00.000Z';
const later = '2026-11-25T09:00:00.000Z';
const aliceBtc = clientAccount('alice', 'BTC');
const wallet = custodyAccount('wallet-cold-1', 'BTC');

const onboarded = (clientId: string): LedgerEvent => ({
  type: 'ClientOnboarded',
  data: { clientId, at },
});
const deposited = (
  journalId: string,
  clientId: string,
  amountMinor: bigint,
  asset = 'BTC',
): LedgerEvent => ({
  type: 'JournalPosted',
  data: {
    journalId,
    kind: 'deposit',
    sourceReference: journalId,
    fingerprint: `fp-${journalId}`,
    entries: [
      { account: custodyAccount('wallet-cold-1', asset), side: 'debit', amountMinor },
      { account: clientAccount(clientId, asset), side: 'credit', amountMinor },
    ],
    at,
  },
});
const held = (withdrawalId: string, clientId: string, amountMinor: bigint): LedgerEvent => ({
  type: 'WithdrawalHoldPlaced',
  data: {
    withdrawalId,
    clientId,
    asset: 'BTC',
    amountMinor,
    walletId: 'wallet-hot-1',
    fingerprint: `fp-${withdrawalId}`,
    at,
  },
});
const settled = (
  withdrawalId: string,
  clientId: string,
  amountMinor: bigint,
  kind: 'withdrawal' | 'adjustment' = 'withdrawal',
): LedgerEvent => ({
  type: 'JournalPosted',
  data: {
    journalId: `${kind}:${withdrawalId}`,
    kind,
    sourceReference: withdrawalId,
    fingerprint: `settled-${withdrawalId}`,
    entries: [
      { account: clientAccount(clientId, 'BTC'), side: 'debit', amountMinor },
      { account: custodyAccount('wallet-hot-1', 'BTC'), side: 'credit', amountMinor },
    ],
    at,
  },
});
const requested = (adjustmentId: string, clientId: string): LedgerEvent => ({
  type: 'AdjustmentRequested',
  data: {
    adjustmentId,
    requestedBy: 'operator-1',
    clientId,
    asset: 'BTC',
    direction: 'debit',
    amountMinor: 5n,
    debitReason: { kind: 'legal-order', orderReference: 'HCMP 1/2026' },
    note: 'n',
    fingerprint: `fp-${adjustmentId}`,
    at,
  },
});
const fold = (...events: LedgerEvent[]): LedgerState =>
  events.reduce(evolveLedger, initialLedgerState());

describe('the ledger state folds recorded events (events are facts: evolve never refuses)', () => {
  it('starts empty', () => {
    const state = initialLedgerState();
    expect([
      state.clients.size,
      state.accounts.size,
      state.journals.size,
      state.withdrawals.size,
      state.adjustments.size,
    ]).toEqual([0, 0, 0, 0, 0]);
  });

  it('names a journal by its kind and source reference', () => {
    expect(journalIdOf('trade', 'T-1')).toBe('trade:T-1');
    expect(journalIdOf('adjustment', 'A-7')).toBe('adjustment:A-7');
  });

  it('an account never touched has the zero balance', () => {
    expect(balanceOf(initialLedgerState(), aliceBtc)).toEqual(ZERO_BALANCE);
  });

  it('ClientOnboarded adds the client and keeps the others; the state before is left unchanged', () => {
    const before = fold(onboarded('alice'));
    const after = evolveLedger(before, onboarded('bob'));
    expect([...after.clients]).toEqual(['alice', 'bob']);
    expect([...before.clients]).toEqual(['alice']);
  });

  describe('JournalPosted', () => {
    it('adds each line to its side of its account and records the journal fingerprint by id', () => {
      const state = fold(
        deposited('deposit:D-1', 'alice', 10n),
        deposited('deposit:D-2', 'alice', 5n),
      );
      expect(balanceOf(state, aliceBtc)).toEqual({ ...ZERO_BALANCE, creditsPosted: 15n });
      expect(balanceOf(state, wallet)).toEqual({ ...ZERO_BALANCE, debitsPosted: 15n });
      expect([...state.journals]).toEqual([
        ['deposit:D-1', 'fp-deposit:D-1'],
        ['deposit:D-2', 'fp-deposit:D-2'],
      ]);
    });

    it('adds debits and credits of the same account apart (both counters kept, never netted)', () => {
      const state = fold(
        deposited('deposit:D-1', 'alice', 10n),
        settled('A-1', 'alice', 4n, 'adjustment'),
      );
      expect(balanceOf(state, aliceBtc)).toEqual({
        ...ZERO_BALANCE,
        creditsPosted: 10n,
        debitsPosted: 4n,
      });
    });

    it('a withdrawal journal turns its hold into the posted debit and marks the withdrawal settled with the journal fingerprint', () => {
      const state = fold(
        deposited('deposit:D-1', 'alice', 10n),
        held('W-1', 'alice', 4n),
        settled('W-1', 'alice', 4n),
      );
      expect(balanceOf(state, aliceBtc)).toEqual({
        ...ZERO_BALANCE,
        creditsPosted: 10n,
        debitsPosted: 4n,
        debitsPending: 0n,
      });
      expect(state.withdrawals.get('W-1')).toEqual({
        clientId: 'alice',
        asset: 'BTC',
        amountMinor: 4n,
        walletId: 'wallet-hot-1',
        fingerprint: 'fp-W-1',
        status: 'settled',
        settlementFingerprint: 'settled-W-1',
      });
      expect(state.journals.get('withdrawal:W-1')).toBe('settled-W-1');
    });

    it('a journal of another kind with the same reference as a held withdrawal leaves the hold alone', () => {
      const state = fold(
        deposited('deposit:D-1', 'alice', 10n),
        held('W-1', 'alice', 4n),
        settled('W-1', 'alice', 4n, 'adjustment'),
      );
      expect(balanceOf(state, aliceBtc)).toEqual({
        ...ZERO_BALANCE,
        creditsPosted: 10n,
        debitsPosted: 4n,
        debitsPending: 4n,
      });
      expect(state.withdrawals.get('W-1')).toMatchObject({
        status: 'held',
        settlementFingerprint: null,
      });
    });

    it('a withdrawal journal for no held withdrawal only posts its lines', () => {
      const state = fold(settled('W-9', 'alice', 4n));
      expect(balanceOf(state, aliceBtc)).toEqual({ ...ZERO_BALANCE, debitsPosted: 4n });
      expect(state.withdrawals.size).toBe(0);
    });
  });

  it('ClientBalanceWentNegative is a report: the state is the same object', () => {
    const state = fold(onboarded('alice'));
    expect(
      evolveLedger(state, {
        type: 'ClientBalanceWentNegative',
        data: {
          clientId: 'alice',
          asset: 'BTC',
          balanceMinor: -1n,
          availableMinor: -1n,
          journalId: 'trade:T-1',
          at,
        },
      }),
    ).toBe(state);
  });

  describe('withdrawal holds', () => {
    it('a hold adds to the pending debits and records the withdrawal as held', () => {
      const state = fold(
        deposited('deposit:D-1', 'alice', 10n),
        held('W-1', 'alice', 4n),
        held('W-2', 'alice', 3n),
      );
      expect(balanceOf(state, aliceBtc)).toEqual({
        ...ZERO_BALANCE,
        creditsPosted: 10n,
        debitsPending: 7n,
      });
      expect(state.withdrawals.get('W-1')).toEqual({
        clientId: 'alice',
        asset: 'BTC',
        amountMinor: 4n,
        walletId: 'wallet-hot-1',
        fingerprint: 'fp-W-1',
        status: 'held',
        settlementFingerprint: null,
      });
    });

    it('a release takes the hold back off the pending debits and marks it released', () => {
      const state = fold(
        deposited('deposit:D-1', 'alice', 10n),
        held('W-1', 'alice', 4n),
        held('W-2', 'alice', 3n),
        { type: 'WithdrawalHoldReleased', data: { withdrawalId: 'W-1', reason: 'failed', at } },
      );
      expect(balanceOf(state, aliceBtc)).toEqual({
        ...ZERO_BALANCE,
        creditsPosted: 10n,
        debitsPending: 3n,
      });
      expect(state.withdrawals.get('W-1')).toMatchObject({ status: 'released', amountMinor: 4n });
      expect(state.withdrawals.get('W-2')).toMatchObject({ status: 'held' });
    });

    it('the release of a withdrawal never held is a corrupt history: it throws', () => {
      expect(() =>
        fold({
          type: 'WithdrawalHoldReleased',
          data: { withdrawalId: 'W-9', reason: 'failed', at },
        }),
      ).toThrow('assertion: release of unknown withdrawal W-9');
    });
  });

  describe('adjustments', () => {
    it('a request is recorded pending, unapproved, from its instant', () => {
      const state = fold(requested('A-1', 'alice'));
      const expected: RequestedAdjustment = {
        requestedBy: 'operator-1',
        clientId: 'alice',
        asset: 'BTC',
        direction: 'debit',
        amountMinor: 5n,
        debitReason: { kind: 'legal-order', orderReference: 'HCMP 1/2026' },
        fingerprint: 'fp-A-1',
        requestedAt: at,
        status: 'pending',
        approvedBy: null,
      };
      expect(state.adjustments.get('A-1')).toEqual(expected);
    });

    it('an approval records who approved and keeps the rest', () => {
      const state = fold(requested('A-1', 'alice'), requested('A-2', 'alice'), {
        type: 'AdjustmentApproved',
        data: { adjustmentId: 'A-1', approvedBy: 'approver-2', at: later },
      });
      expect(state.adjustments.get('A-1')).toEqual({
        ...fold(requested('A-1', 'alice')).adjustments.get('A-1'),
        status: 'approved',
        approvedBy: 'approver-2',
      });
      expect(state.adjustments.get('A-2')).toMatchObject({ status: 'pending', approvedBy: null });
    });

    it('a rejection records who rejected and why; an expiry only closes it', () => {
      const rejected = fold(requested('A-1', 'alice'), {
        type: 'AdjustmentRejected',
        data: {
          adjustmentId: 'A-1',
          rejectedBy: 'approver-2',
          reason: 'no error found',
          at: later,
        },
      });
      expect(rejected.adjustments.get('A-1')).toEqual({
        ...fold(requested('A-1', 'alice')).adjustments.get('A-1'),
        status: 'rejected',
        rejectedBy: 'approver-2',
        rejectionReason: 'no error found',
      });
      const expired = fold(requested('A-1', 'alice'), {
        type: 'AdjustmentExpired',
        data: { adjustmentId: 'A-1', expiresAt: later, at: later },
      });
      expect(expired.adjustments.get('A-1')).toEqual({
        ...fold(requested('A-1', 'alice')).adjustments.get('A-1'),
        status: 'expired',
      });
    });

    it('a decision on an adjustment never requested is a corrupt history: it throws, naming the event', () => {
      expect(() =>
        fold({ type: 'AdjustmentApproved', data: { adjustmentId: 'A-9', approvedBy: 'x', at } }),
      ).toThrow('assertion: approval of unknown adjustment A-9');
      expect(() =>
        fold({
          type: 'AdjustmentRejected',
          data: { adjustmentId: 'A-9', rejectedBy: 'x', reason: 'r', at },
        }),
      ).toThrow('assertion: AdjustmentRejected of unknown adjustment A-9');
      expect(() =>
        fold({ type: 'AdjustmentExpired', data: { adjustmentId: 'A-9', expiresAt: at, at } }),
      ).toThrow('assertion: AdjustmentExpired of unknown adjustment A-9');
    });
  });

  it('an event of no known type is a programmer error', () => {
    expect(() =>
      evolveLedger(initialLedgerState(), { type: 'Forgotten', data: {} } as unknown as LedgerEvent),
    ).toThrow('assertion: unhandled {"type":"Forgotten","data":{}}');
  });
});

describe("a client's books, and several clients' books merged", () => {
  const everyone = fold(
    onboarded('alice'),
    onboarded('bob'),
    deposited('deposit:D-1', 'alice', 10n),
    deposited('deposit:D-2', 'bob', 20n),
    deposited('deposit:D-3', 'alice', 1n, 'ETH'),
    {
      type: 'JournalPosted',
      data: {
        journalId: 'trade:T-1',
        kind: 'trade',
        sourceReference: 'T-1',
        fingerprint: 'fp',
        entries: [
          { account: clientAccount('bob', 'BTC'), side: 'debit', amountMinor: 1n },
          { account: houseAccount('fee-revenue', 'BTC'), side: 'credit', amountMinor: 1n },
        ],
        at,
      },
    },
    held('W-1', 'alice', 2n),
    held('W-2', 'bob', 3n),
    requested('A-1', 'alice'),
    requested('A-2', 'bob'),
  );

  it("keeps only the client's own accounts, withdrawals and adjustments; no journals, no house or custody", () => {
    const alice = clientBooks(everyone, 'alice');
    expect([...alice.clients]).toEqual(['alice']);
    expect([...alice.accounts.keys()]).toEqual(['client/alice/BTC', 'client/alice/ETH']);
    expect(alice.accounts.get('client/alice/BTC')).toEqual(
      everyone.accounts.get('client/alice/BTC'),
    );
    expect([...alice.withdrawals.keys()]).toEqual(['W-1']);
    expect([...alice.adjustments.keys()]).toEqual(['A-1']);
    expect(alice.journals.size).toBe(0);
  });

  it('a client never onboarded has empty books', () => {
    const carol = clientBooks(everyone, 'carol');
    expect([
      carol.clients.size,
      carol.accounts.size,
      carol.withdrawals.size,
      carol.adjustments.size,
    ]).toEqual([0, 0, 0, 0]);
  });

  it("merging both clients' books gives back their accounts, withdrawals and adjustments, with the journals given", () => {
    const merged = mergeBooks(
      [clientBooks(everyone, 'alice'), clientBooks(everyone, 'bob')],
      new Map([['trade:T-1', 'fp']]),
    );
    expect([...merged.clients]).toEqual(['alice', 'bob']);
    expect([...merged.accounts.keys()]).toEqual([
      'client/alice/BTC',
      'client/alice/ETH',
      'client/bob/BTC',
    ]);
    expect(balanceOf(merged, clientAccount('bob', 'BTC'))).toEqual(
      balanceOf(everyone, clientAccount('bob', 'BTC')),
    );
    expect([...merged.withdrawals.keys()]).toEqual(['W-1', 'W-2']);
    expect([...merged.adjustments.keys()]).toEqual(['A-1', 'A-2']);
    expect([...merged.journals]).toEqual([['trade:T-1', 'fp']]);
  });

  it('merging with no journals given has none', () => {
    expect(mergeBooks([clientBooks(everyone, 'alice')]).journals.size).toBe(0);
    expect(mergeBooks([]).clients.size).toBe(0);
  });
});

describe('the hold a journal settles (the books and the projection find it alike)', () => {
  const holds = new Map([['W-1', 'the hold of W-1']]);

  it('a withdrawal journal settles the hold under its source reference', () => {
    expect(holdSettledBy({ kind: 'withdrawal', sourceReference: 'W-1' }, holds)).toBe(
      'the hold of W-1',
    );
    expect(holdSettledBy({ kind: 'withdrawal', sourceReference: 'W-2' }, holds)).toBeUndefined();
  });

  it('any other journal under the same reference settles nothing', () => {
    for (const kind of [
      'trade',
      'deposit',
      'adjustment',
      'custody-transfer',
      'network-fee',
    ] as const) {
      expect(withdrawalSettledBy({ kind, sourceReference: 'W-1' })).toBeUndefined();
      expect(holdSettledBy({ kind, sourceReference: 'W-1' }, holds)).toBeUndefined();
    }
    expect(withdrawalSettledBy({ kind: 'withdrawal', sourceReference: 'W-1' })).toBe('W-1');
  });
});
