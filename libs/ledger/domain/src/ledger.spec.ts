import { deciderSpecification } from '@custody/decider/testing';
import {
  availableBalance,
  clientAccount,
  custodyAccount,
  houseAccount,
  postedBalance,
  type Account,
} from './accounts';
import { assetBooks } from './books';
import { ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT } from './decide-adjustment';
import { fingerprintOf } from './decide-trade';
import { ledgerDecider } from './ledger';
import type { LedgerCommand, TradeExecution } from './ledger-commands';
import type { LedgerErrorCode } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { balanceOf, type LedgerState } from './ledger-state';
import {
  after,
  at,
  decimals,
  deposited,
  eventsOf,
  metadata,
  onboarded,
  settle,
  tradeSettled,
} from './ledger-history.fixture';

/** GIVEN recorded events, WHEN a command (facts: the asset decimals), THEN events or a refusal. */
const spec = deciderSpecification(ledgerDecider);

const deposit = (
  depositId: string,
  clientId: string,
  asset: string,
  amountMinor: bigint,
): LedgerCommand => ({
  type: 'BookDeposit',
  depositId,
  clientId,
  asset,
  amountMinor,
  walletId: 'wallet-cold-1',
  metadata,
});

/** alice holds 40,000 USDT, bob 1 BTC. */
const funded: readonly LedgerEvent[] = [
  onboarded('alice'),
  onboarded('bob'),
  deposited('D-1', 'alice', 'USDT', 40_000_000_000n),
  deposited('D-2', 'bob', 'BTC', 100_000_000n),
];
const posted = (state: LedgerState, account: Account) =>
  postedBalance(account, balanceOf(state, account));

describe('ledger: trades from the exchange', () => {
  it('the recorded history these tests start from is what its commands decide: onboarding and the deposits (the trade: the HK-8 test below)', () => {
    spec
      .given([])
      .when({ type: 'OnboardClient', clientId: 'alice', metadata }, decimals)
      .thenEmits([onboarded('alice')]);
    spec
      .given([onboarded('alice'), onboarded('bob')])
      .when(deposit('D-1', 'alice', 'USDT', 40_000_000_000n), decimals)
      .thenEmits([funded[2] as LedgerEvent]);
  });

  it('HK-8 settles both legs and both fees in ONE journal balanced per asset, fees credited to house fee revenue', () => {
    const given = spec.given(funded);
    const when = given.when(settle(), decimals);
    when.thenEmits([tradeSettled()]);
    const books = after(given.state, when.decision);
    expect(posted(books, clientAccount('alice', 'BTC'))).toBe(50_000_000n - 50_000n);
    expect(posted(books, clientAccount('alice', 'USDT'))).toBe(40_000_000_000n - 32_000_125_000n);
    expect(posted(books, clientAccount('bob', 'BTC'))).toBe(50_000_000n);
    expect(posted(books, clientAccount('bob', 'USDT'))).toBe(32_000_125_000n - 32_000_000n);
    expect(posted(books, houseAccount('fee-revenue', 'BTC'))).toBe(50_000n);
    expect(posted(books, houseAccount('fee-revenue', 'USDT'))).toBe(32_000_000n);
    expect(assetBooks(books).map((books) => books.differenceMinor)).toEqual([0n, 0n]);
  });

  it('given the same trade again (redelivery, or its price spelled with trailing zeros), then nothing changes', () => {
    spec
      .given([...funded, tradeSettled()])
      .when(settle(), decimals)
      .thenEmitsNothing();
    spec
      .given([...funded, tradeSettled()])
      .when(settle({ price: '64000.2500' }), decimals)
      .thenEmitsNothing();
  });

  it('given a trade id booked with other content, then TRADE_ID_CONFLICT', () => {
    spec
      .given([...funded, tradeSettled()])
      .when(settle({ quantityMinor: 50_000_001n, quoteAmountMinor: 32_000_125_640n }), decimals)
      .thenRefuses('TRADE_ID_CONFLICT', 'trade.tradeId');
  });

  it('TW-13.3 a trade is authoritative: booked even below zero, with ClientBalanceWentNegative naming the amount', () => {
    const given = spec.given([onboarded('alice'), onboarded('bob')]);
    const { decision } = given.when(settle(), decimals);
    expect(
      eventsOf(decision)
        .filter((event) => event.type === 'ClientBalanceWentNegative')
        .map((event) => event.data),
    ).toEqual([
      {
        clientId: 'bob',
        asset: 'BTC',
        balanceMinor: -50_000_000n,
        availableMinor: -50_000_000n,
        journalId: 'trade:T-1',
        at,
      },
      {
        clientId: 'alice',
        asset: 'USDT',
        balanceMinor: -32_000_125_000n,
        availableMinor: -32_000_125_000n,
        journalId: 'trade:T-1',
        at,
      },
    ]);
    const books = after(given.state, decision);
    expect(posted(books, clientAccount('bob', 'BTC'))).toBe(-50_000_000n);
    expect(
      assetBooks(books).find((books) => books.asset === 'BTC')?.clientLiabilitiesFlooredMinor,
    ).toBe(50_000_000n - 50_000n);
  });

  it.each<[string, Partial<TradeExecution>, LedgerErrorCode, string]>([
    [
      'the buyer is the seller',
      { sellerClientId: 'alice' },
      'TRADE_SELF_MATCH',
      'trade.sellerClientId',
    ],
    ['an unknown client', { buyerClientId: 'carol' }, 'CLIENT_UNKNOWN', 'trade.buyerClientId'],
    ['an unknown asset', { base: 'DOGE' }, 'ASSET_UNKNOWN', 'trade.base'],
    ['a zero quantity', { quantityMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'trade.quantityMinor'],
    [
      'a fee in a third asset',
      { buyerFee: { asset: 'ETH', amountMinor: 1n } },
      'FEE_ASSET_MISMATCH',
      'trade.buyerFee.asset',
    ],
    [
      'a negative fee',
      { sellerFee: { asset: 'USDT', amountMinor: -1n } },
      'FEE_NEGATIVE',
      'trade.sellerFee.amountMinor',
    ],
    ['a price that is not quote/base', { price: '64001' }, 'TRADE_PRICE_MISMATCH', 'trade.price'],
    [
      'a quote amount off by two minor units',
      { quoteAmountMinor: 32_000_125_002n },
      'TRADE_PRICE_MISMATCH',
      'trade.price',
    ],
    ['a malformed price', { price: '6.4e4' }, 'TRADE_PRICE_MALFORMED', 'trade.price'],
  ])('given %s, then it is refused and nothing is booked', (_case, overrides, code, path) => {
    spec.given(funded).when(settle(overrides), decimals).thenRefuses(code, path);
  });

  it('accepts a quote amount rounded either way by less than one minor unit', () => {
    // 0.00000001 BTC at 64,000.25 USDT = 640.0025 USDT minor units: 640 and 641 both pass
    for (const quoteAmountMinor of [640n, 641n]) {
      const { decision } = spec.given(funded).when(
        settle({
          quantityMinor: 1n,
          quoteAmountMinor,
          buyerFee: { asset: 'BTC', amountMinor: 0n },
          sellerFee: { asset: 'USDT', amountMinor: 0n },
        }),
        decimals,
      );
      expect(eventsOf(decision)).toHaveLength(1);
    }
    spec
      .given(funded)
      .when(settle({ quantityMinor: 1n, quoteAmountMinor: 642n }), decimals)
      .thenRefuses('TRADE_PRICE_MISMATCH', 'trade.price');
  });
});

describe('ledger: deposits and withdrawals', () => {
  it('a deposit credits the client and debits the custody account of the receiving wallet', () => {
    const given = spec.given([onboarded('alice')]);
    const when = given.when(deposit('D-1', 'alice', 'ETH', 5n * 10n ** 18n), decimals);
    when.thenEmits([deposited('D-1', 'alice', 'ETH', 5n * 10n ** 18n)]);
    const books = after(given.state, when.decision);
    expect(posted(books, clientAccount('alice', 'ETH'))).toBe(5n * 10n ** 18n);
    expect(posted(books, custodyAccount('wallet-cold-1', 'ETH'))).toBe(5n * 10n ** 18n);
  });

  it('given a deposit id booked with another amount, then DEPOSIT_ID_CONFLICT', () => {
    spec
      .given([onboarded('alice'), deposited('D-1', 'alice', 'ETH', 5n)])
      .when(deposit('D-1', 'alice', 'ETH', 6n), decimals)
      .thenRefuses('DEPOSIT_ID_CONFLICT', 'depositId');
  });

  const hold = (
    withdrawalId: string,
    amountMinor: bigint,
    allowListedFor: string | null = 'alice',
  ): LedgerCommand => ({
    type: 'HoldWithdrawal',
    withdrawalId,
    clientId: 'alice',
    asset: 'USDT',
    amountMinor,
    walletId: 'wallet-hot-1',
    destinationAllowListedForClientId: allowListedFor,
    metadata,
  });

  const settleW1 = (
    clientId: string,
    amountMinor: bigint,
    networkFeeMinor = 0n,
  ): LedgerCommand => ({
    type: 'SettleWithdrawal',
    withdrawalId: 'W-1',
    clientId,
    asset: 'USDT',
    amountMinor,
    walletId: 'wallet-hot-1',
    networkFeeMinor,
    metadata,
  });

  const release = (reason: 'failed' | 'cancelled'): LedgerCommand => ({
    type: 'ReleaseWithdrawal',
    withdrawalId: 'W-1',
    clientId: 'alice',
    reason,
    metadata,
  });

  // As recorded: `hold(withdrawalId, amountMinor)`, `settleW1('alice', ...)`, `release(reason)`.
  const holdFingerprint = (withdrawalId: string, amountMinor: bigint) =>
    fingerprintOf([withdrawalId, 'alice', 'USDT', amountMinor, 'wallet-hot-1', 'alice']);
  const held = (withdrawalId: string, amountMinor: bigint): LedgerEvent => ({
    type: 'WithdrawalHoldPlaced',
    data: {
      withdrawalId,
      clientId: 'alice',
      asset: 'USDT',
      amountMinor,
      walletId: 'wallet-hot-1',
      fingerprint: holdFingerprint(withdrawalId, amountMinor),
      at,
    },
  });
  const hotWallet = custodyAccount('wallet-hot-1', 'USDT');
  /** W-1's hold posted to the hot wallet, its network fee (if any) the house's expense. */
  const w1Settled = (amountMinor: bigint, networkFeeMinor: bigint): LedgerEvent => ({
    type: 'JournalPosted',
    data: {
      journalId: 'withdrawal:W-1',
      kind: 'withdrawal',
      sourceReference: 'W-1',
      fingerprint: fingerprintOf([holdFingerprint('W-1', amountMinor), networkFeeMinor]),
      entries: [
        { account: clientAccount('alice', 'USDT'), side: 'debit', amountMinor },
        { account: hotWallet, side: 'credit', amountMinor },
        ...(networkFeeMinor > 0n
          ? ([
              {
                account: houseAccount('network-fee-expense', 'USDT'),
                side: 'debit',
                amountMinor: networkFeeMinor,
              },
              { account: hotWallet, side: 'credit', amountMinor: networkFeeMinor },
            ] as const)
          : []),
      ],
      at,
    },
  });
  const w1Released = (reason: 'failed' | 'cancelled'): LedgerEvent => ({
    type: 'WithdrawalHoldReleased',
    data: { withdrawalId: 'W-1', reason, at },
  });

  describe('when a withdrawal is approved', () => {
    it('its amount is held: available falls, posted does not', () => {
      const given = spec.given(funded);
      const when = given.when(hold('W-1', 1_000_000n), decimals);
      when.thenEmits([held('W-1', 1_000_000n)]);
      const books = after(given.state, when.decision);
      const account = clientAccount('alice', 'USDT');
      expect(posted(books, account)).toBe(40_000_000_000n);
      expect(availableBalance(account, balanceOf(books, account))).toBe(
        40_000_000_000n - 1_000_000n,
      );
    });

    it('a withdrawal beyond the available balance is refused: never below zero', () => {
      spec
        .given([...funded, held('W-1', 39_000_000_000n)])
        .when(hold('W-2', 1_000_000_001n), decimals)
        .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    });

    it("HK-7 a withdrawal to an address not on the client's own allow-list is refused", () => {
      spec
        .given(funded)
        .when(hold('W-1', 1n, 'bob'), decimals)
        .thenRefuses('HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', 'destinationAllowListedForClientId');
      spec
        .given(funded)
        .when(hold('W-1', 1n, null), decimals)
        .thenRefuses('HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', 'destinationAllowListedForClientId');
    });
  });

  describe('when a held withdrawal settles or fails', () => {
    it('confirmation posts the hold to the wallet; the network fee is the house expense', () => {
      const given = spec.given([...funded, held('W-1', 1_000_000n)]);
      const when = given.when(settleW1('alice', 1_000_000n, 2_500n), decimals);
      when.thenEmits([w1Settled(1_000_000n, 2_500n)]);
      const books = after(given.state, when.decision);
      const account = clientAccount('alice', 'USDT');
      expect(balanceOf(books, account)).toMatchObject({
        debitsPosted: 1_000_000n,
        debitsPending: 0n,
      });
      expect(posted(books, houseAccount('network-fee-expense', 'USDT'))).toBe(2_500n);
      expect(assetBooks(books).every((books) => books.differenceMinor === 0n)).toBe(true);
    });

    it('failure releases the hold and posts nothing', () => {
      const given = spec.given([...funded, held('W-1', 1_000_000n)]);
      const when = given.when(release('failed'), decimals);
      when.thenEmits([w1Released('failed')]);
      expect(
        balanceOf(after(given.state, when.decision), clientAccount('alice', 'USDT')),
      ).toMatchObject({ debitsPosted: 0n, debitsPending: 0n });
    });

    it("a withdrawal is found only in its own client's books", () => {
      spec
        .given([...funded, held('W-1', 1n)])
        .when(settleW1('bob', 1n), decimals)
        .thenRefuses('WITHDRAWAL_UNKNOWN', 'withdrawalId');
    });

    it('a confirmation that is not what was held (amount, asset or wallet) is refused', () => {
      spec
        .given([...funded, held('W-1', 1_000_000n)])
        .when(settleW1('alice', 2_000_000n), decimals)
        .thenRefuses('WITHDRAWAL_CONFIRMATION_MISMATCH', 'amountMinor');
      spec
        .given([...funded, held('W-1', 1_000_000n)])
        .when(
          { ...settleW1('alice', 1_000_000n), walletId: 'wallet-hot-2' } as LedgerCommand,
          decimals,
        )
        .thenRefuses('WITHDRAWAL_CONFIRMATION_MISMATCH', 'walletId');
    });

    it('TW-13.3 a trade that spends held funds reports the available balance below zero, and the settlement that posts the hold reports the posted balance below zero', () => {
      const drained = {
        ...settle({ tradeId: 'T-9', buyerClientId: 'alice', sellerClientId: 'bob' }),
      } as LedgerCommand;
      const { decision: trading } = spec
        .given([...funded, held('W-1', 39_000_000_000n)])
        .when(drained, decimals);
      expect(
        eventsOf(trading)
          .filter((event) => event.type === 'ClientBalanceWentNegative')
          .map((event) => event.data),
      ).toContainEqual(
        expect.objectContaining({
          clientId: 'alice',
          asset: 'USDT',
          balanceMinor: 40_000_000_000n - 32_000_125_000n,
          availableMinor: 40_000_000_000n - 32_000_125_000n - 39_000_000_000n,
        }),
      );
      // `drained` as recorded (the next step's history): its journal, alice's USDT below zero.
      const drainedBooked: LedgerEvent[] = [
        tradeSettled('T-9'),
        {
          type: 'ClientBalanceWentNegative',
          data: {
            clientId: 'alice',
            asset: 'USDT',
            balanceMinor: 40_000_000_000n - 32_000_125_000n,
            availableMinor: 40_000_000_000n - 32_000_125_000n - 39_000_000_000n,
            journalId: 'trade:T-9',
            at,
          },
        },
      ];
      expect(trading).toEqual({ ok: true, events: drainedBooked });
      const { decision: settling } = spec
        .given([...funded, held('W-1', 39_000_000_000n), ...drainedBooked])
        .when(settleW1('alice', 39_000_000_000n), decimals);
      expect(
        eventsOf(settling)
          .filter((event) => event.type === 'ClientBalanceWentNegative')
          .map((event) => event.data),
      ).toEqual([
        expect.objectContaining({
          clientId: 'alice',
          asset: 'USDT',
          balanceMinor: 40_000_000_000n - 32_000_125_000n - 39_000_000_000n,
          journalId: 'withdrawal:W-1',
        }),
      ]);
    });

    it('a settlement confirmed again changes nothing; with another fee it is refused', () => {
      spec
        .given([...funded, held('W-1', 1_000_000n), w1Settled(1_000_000n, 5n)])
        .when(settleW1('alice', 1_000_000n, 5n), decimals)
        .thenEmitsNothing();
      spec
        .given([...funded, held('W-1', 1_000_000n), w1Settled(1_000_000n, 5n)])
        .when(settleW1('alice', 1_000_000n, 6n), decimals)
        .thenRefuses('WITHDRAWAL_ALREADY_SETTLED', 'withdrawalId');
    });

    it('a released withdrawal cannot settle', () => {
      spec
        .given([...funded, held('W-1', 1n), w1Released('cancelled')])
        .when(settleW1('alice', 1n), decimals)
        .thenRefuses('WITHDRAWAL_ALREADY_RELEASED', 'withdrawalId');
    });
  });
});

describe('ledger: manual adjustments (maker-checker)', () => {
  const request = (
    direction: 'credit' | 'debit',
    amountMinor: bigint,
    debitReason: Extract<LedgerCommand, { type: 'RequestAdjustment' }>['debitReason'] = null,
  ): LedgerCommand => ({
    type: 'RequestAdjustment',
    adjustmentId: 'A-1',
    requestedBy: 'operator-1',
    clientId: 'alice',
    asset: 'USDT',
    direction,
    amountMinor,
    debitReason,
    note: 'correction of deposit D-1',
    metadata,
  });
  const approve = (approvedBy: string, now = at): LedgerCommand => ({
    type: 'ApproveAdjustment',
    adjustmentId: 'A-1',
    clientId: 'alice',
    approvedBy,
    approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
    metadata: { at: now },
  });
  const reject = (
    rejectedBy: string,
    reason = 'no deposit D-1 is missing: the client misread the statement',
  ): LedgerCommand => ({
    type: 'RejectAdjustment',
    adjustmentId: 'A-1',
    clientId: 'alice',
    rejectedBy,
    reason,
    metadata,
  });
  const expire = (now: string): LedgerCommand => ({
    type: 'ExpireAdjustment',
    adjustmentId: 'A-1',
    clientId: 'alice',
    approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
    metadata: { at: now },
  });
  /** The window's last millisecond and its end, counted from the request at `at`. */
  const lastApprovableInstant = new Date(
    Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT - 1,
  ).toISOString();
  const windowEnd = new Date(Date.parse(at) + ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT).toISOString();

  // As recorded: `request('credit', 10n)`, `approve(by)`, `reject(by)`, `expire(now)` above.
  const creditFingerprint = fingerprintOf([
    'A-1',
    'operator-1',
    'alice',
    'USDT',
    'credit',
    10n,
    'null',
    'correction of deposit D-1',
  ]);
  /** operator-1 asks for a credit of 10 USDT minor units to alice. */
  const requested: LedgerEvent = {
    type: 'AdjustmentRequested',
    data: {
      adjustmentId: 'A-1',
      requestedBy: 'operator-1',
      clientId: 'alice',
      asset: 'USDT',
      direction: 'credit',
      amountMinor: 10n,
      debitReason: null,
      note: 'correction of deposit D-1',
      fingerprint: creditFingerprint,
      at,
    },
  };
  /** The approval and its compensating journal: house inventory -> alice. */
  const approved = (approvedBy: string, now = at): LedgerEvent[] => [
    { type: 'AdjustmentApproved', data: { adjustmentId: 'A-1', approvedBy, at: now } },
    {
      type: 'JournalPosted',
      data: {
        journalId: 'adjustment:A-1',
        kind: 'adjustment',
        sourceReference: 'A-1',
        fingerprint: creditFingerprint,
        entries: [
          { account: houseAccount('inventory', 'USDT'), side: 'debit', amountMinor: 10n },
          { account: clientAccount('alice', 'USDT'), side: 'credit', amountMinor: 10n },
        ],
        at: now,
      },
    },
  ];
  const rejected = (rejectedBy: string): LedgerEvent => ({
    type: 'AdjustmentRejected',
    data: {
      adjustmentId: 'A-1',
      rejectedBy,
      reason: 'no deposit D-1 is missing: the client misread the statement',
      at,
    },
  });
  const expired = (now: string): LedgerEvent => ({
    type: 'AdjustmentExpired',
    data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: now },
  });

  it('the recorded history these tests start from is what its commands decide: the request, each approval, the rejection and the expiry', () => {
    spec.given(funded).when(request('credit', 10n), decimals).thenEmits([requested]);
    spec
      .given([...funded, requested])
      .when(approve('approver-2'), decimals)
      .thenEmits(approved('approver-2'));
    spec
      .given([...funded, requested])
      .when(reject('approver-2'), decimals)
      .thenEmits([rejected('approver-2')]);
    spec
      .given([...funded, requested])
      .when(expire(windowEnd), decimals)
      .thenEmits([expired(windowEnd)]);
  });

  it('the same approval again changes nothing', () => {
    spec
      .given([...funded, requested, ...approved('approver-2')])
      .when(approve('approver-2'), decimals)
      .thenEmitsNothing();
    spec
      .given([...funded, requested, ...approved('approver-2')])
      .when(approve('approver-3'), decimals)
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('the requester cannot approve their own adjustment', () => {
    spec
      .given([...funded, requested])
      .when(approve('operator-1'), decimals)
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
  });

  it('a second person approves; the compensating entry posts against house inventory', () => {
    const given = spec.given([...funded, requested]);
    const when = given.when(approve('approver-2'), decimals);
    when.thenEmits(approved('approver-2'));
    const books = after(given.state, when.decision);
    expect(posted(books, clientAccount('alice', 'USDT'))).toBe(40_000_000_010n);
    expect(posted(books, houseAccount('inventory', 'USDT'))).toBe(-10n);
  });

  describe('when a pending adjustment is rejected', () => {
    it('an approver other than the requester rejects it with a reason; nothing is booked and it can no longer be approved', () => {
      const given = spec.given([...funded, requested]);
      const when = given.when(reject('approver-2'), decimals);
      when.thenEmits([
        {
          type: 'AdjustmentRejected',
          data: {
            adjustmentId: 'A-1',
            rejectedBy: 'approver-2',
            reason: 'no deposit D-1 is missing: the client misread the statement',
            at,
          },
        },
      ]);
      expect(posted(after(given.state, when.decision), clientAccount('alice', 'USDT'))).toBe(
        40_000_000_000n,
      );
      spec
        .given([...funded, requested, rejected('approver-2')])
        .when(approve('approver-3'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('the requester cannot reject their own request (maker-checker both ways), and a rejection says why', () => {
      spec
        .given([...funded, requested])
        .when(reject('operator-1'), decimals)
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
      spec
        .given([...funded, requested])
        .when(reject('approver-2', '  '), decimals)
        .thenRefuses('REASON_REQUIRED', 'reason');
    });

    it('the same rejection again changes nothing; another decision on it is refused; an approved one cannot be rejected', () => {
      spec
        .given([...funded, requested, rejected('approver-2')])
        .when(reject('approver-2'), decimals)
        .thenEmitsNothing();
      spec
        .given([...funded, requested, rejected('approver-2')])
        .when(reject('approver-3'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
      spec
        .given([...funded, requested, ...approved('approver-2')])
        .when(reject('approver-3'), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });
  });

  describe('when a pending adjustment outlives its approval window (72 h by default)', () => {
    it("approved in the last millisecond of the window it posts; at the window's end it is refused with ADJUSTMENT_EXPIRED and nothing is booked", () => {
      spec
        .given([...funded, requested])
        .when(approve('approver-2', lastApprovableInstant), decimals)
        .thenEmits(approved('approver-2', lastApprovableInstant));
      spec
        .given([...funded, requested])
        .when(approve('approver-2', windowEnd), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('an explicit Expire closes it in the books once the window has ended, not before; again, nothing changes; then approval stays refused', () => {
      spec
        .given([...funded, requested])
        .when(expire(lastApprovableInstant), decimals)
        .thenRefuses('ADJUSTMENT_NOT_EXPIRED', 'adjustmentId');
      spec
        .given([...funded, requested])
        .when(expire(windowEnd), decimals)
        .thenEmits([
          {
            type: 'AdjustmentExpired',
            data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: windowEnd },
          },
        ]);
      spec
        .given([...funded, requested, expired(windowEnd)])
        .when(expire(windowEnd), decimals)
        .thenEmitsNothing();
      spec
        .given([...funded, requested, expired(windowEnd)])
        .when(approve('approver-2', at), decimals)
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      spec
        .given([...funded, requested, ...approved('approver-2')])
        .when(expire(windowEnd), decimals)
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('an approved adjustment approved again after the window is still the same approval (a replay), not an expiry', () => {
      spec
        .given([...funded, requested, ...approved('approver-2')])
        .when(approve('approver-2', windowEnd), decimals)
        .thenEmitsNothing();
    });
  });

  it.each<
    [string, Extract<LedgerCommand, { type: 'RequestAdjustment' }>['debitReason'], LedgerErrorCode]
  >([
    [
      'lending',
      { kind: 'lending', description: 'overnight loan' },
      'HK7_DEBIT_REASON_NOT_PERMITTED',
    ],
    ['pledging', { kind: 'pledge', description: 'collateral' }, 'HK7_DEBIT_REASON_NOT_PERMITTED'],
    [
      're-hypothecation',
      { kind: 'rehypothecation', description: 'prime broker' },
      'HK7_DEBIT_REASON_NOT_PERMITTED',
    ],
    [
      'consent without a reference',
      { kind: 'written-consent', consentReference: ' ' },
      'HK7_CONSENT_REFERENCE_MISSING',
    ],
    [
      'a legal order without a reference',
      { kind: 'legal-order', orderReference: '' },
      'HK7_LEGAL_ORDER_REFERENCE_MISSING',
    ],
    [
      'a "fee" named by the operator',
      { kind: 'fee', tradeId: '' },
      'HK7_DEBIT_REASON_NOT_PERMITTED',
    ],
    [
      'a "trade settlement" named by the operator',
      { kind: 'trade-settlement', tradeId: 'T-1' },
      'HK7_DEBIT_REASON_NOT_PERMITTED',
    ],
    [
      'a "withdrawal" named by the operator',
      { kind: 'withdrawal', withdrawalId: 'W-1', destinationAllowListedForClientId: 'alice' },
      'HK7_DEBIT_REASON_NOT_PERMITTED',
    ],
  ])('HK-7 a debit for %s is refused', (_case, reason, code) => {
    spec
      .given(funded)
      .when(request('debit', 10n, reason), decimals)
      .thenRefuses(code, 'debitReason');
  });

  it('HK-7 a debit on recorded written consent passes, and never below zero', () => {
    const { decision } = spec
      .given(funded)
      .when(
        request('debit', 10n, { kind: 'written-consent', consentReference: 'CONSENT-2026-118' }),
        decimals,
      );
    expect(eventsOf(decision)).toHaveLength(1);
    spec
      .given(funded)
      .when(
        request('debit', 40_000_000_001n, {
          kind: 'legal-order',
          orderReference: 'HCMP 1234/2026',
        }),
        decimals,
      )
      .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    spec
      .given(funded)
      .when(request('debit', 10n), decimals)
      .thenRefuses('ADJUSTMENT_DEBIT_REASON_MISSING', 'debitReason');
  });
});
