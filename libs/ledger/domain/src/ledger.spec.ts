import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
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
import { decideLedger } from './ledger';
import type { AssetDecimals } from './ledger-decision';
import type { LedgerCommand, TradeExecution } from './ledger-commands';
import type { LedgerErrorCode } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { balanceOf, evolveLedger, initialLedgerState, type LedgerState } from './ledger-state';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const at = '2026-11-24T09:00:00.000Z';
const metadata = { at };

/** Emmett style: given(events).when(command).then(events) / .thenRefuses(code, path). */
function given(...history: LedgerCommand[]) {
  let state = initialLedgerState();
  for (const command of history) {
    const decision = decideLedger(command, state, decimals);
    if (!decision.ok) throw new Error(`given: ${command.type} refused with ${decision.error.code}`);
    state = decision.events.reduce(evolveLedger, state);
  }
  return {
    state,
    when(command: LedgerCommand) {
      const decision = decideLedger(command, state, decimals);
      return {
        then(
          expected:
            readonly LedgerEvent[] | ((events: readonly LedgerEvent[], after: LedgerState) => void),
        ) {
          if (!decision.ok)
            throw new Error(
              `expected events, got ${decision.error.code}: ${decision.error.reason}`,
            );
          if (typeof expected === 'function')
            expected(decision.events, decision.events.reduce(evolveLedger, state));
          else expect(decision.events).toEqual(expected);
        },
        thenRefuses(code: LedgerErrorCode, path: string) {
          expect(
            decision.ok ? 'accepted' : { code: decision.error.code, path: decision.error.path },
          ).toEqual({ code, path });
        },
      };
    },
  };
}

const onboard = (clientId: string): LedgerCommand => ({
  type: 'OnboardClient',
  clientId,
  metadata,
});
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

/** 0.5 BTC at 64,000.25 USDT: 32,000.125 USDT = 32000125000 USDT minor units. */
const trade: TradeExecution = {
  tradeId: 'T-1',
  base: 'BTC',
  quote: 'USDT',
  buyerClientId: 'alice',
  sellerClientId: 'bob',
  quantityMinor: 50_000_000n,
  price: '64000.25',
  quoteAmountMinor: 32_000_125_000n,
  buyerFee: { asset: 'BTC', amountMinor: 50_000n },
  sellerFee: { asset: 'USDT', amountMinor: 32_000_000n },
};
const settle = (overrides: Partial<TradeExecution> = {}): LedgerCommand => ({
  type: 'SettleTrade',
  trade: { ...trade, ...overrides },
  metadata,
});
const funded = [
  onboard('alice'),
  onboard('bob'),
  deposit('D-1', 'alice', 'USDT', 40_000_000_000n),
  deposit('D-2', 'bob', 'BTC', 100_000_000n),
];
const posted = (state: LedgerState, account: Account) =>
  postedBalance(account, balanceOf(state, account));

describe('ledger: trades from the exchange', () => {
  it('HK-8 settles both legs and both fees in ONE journal balanced per asset, fees credited to house fee revenue', () => {
    given(...funded)
      .when(settle())
      .then((events, after) => {
        expect(events.map((event) => event.type)).toEqual(['JournalPosted']);
        expect(posted(after, clientAccount('alice', 'BTC'))).toBe(50_000_000n - 50_000n);
        expect(posted(after, clientAccount('alice', 'USDT'))).toBe(
          40_000_000_000n - 32_000_125_000n,
        );
        expect(posted(after, clientAccount('bob', 'BTC'))).toBe(50_000_000n);
        expect(posted(after, clientAccount('bob', 'USDT'))).toBe(32_000_125_000n - 32_000_000n);
        expect(posted(after, houseAccount('fee-revenue', 'BTC'))).toBe(50_000n);
        expect(posted(after, houseAccount('fee-revenue', 'USDT'))).toBe(32_000_000n);
        expect(assetBooks(after).map((books) => books.differenceMinor)).toEqual([0n, 0n]);
      });
  });

  it('given the same trade again (redelivery, or its price spelled with trailing zeros), then nothing changes', () => {
    given(...funded, settle())
      .when(settle())
      .then([]);
    given(...funded, settle())
      .when(settle({ price: '64000.2500' }))
      .then([]);
  });

  it('given a trade id booked with other content, then TRADE_ID_CONFLICT', () => {
    given(...funded, settle())
      .when(settle({ quantityMinor: 50_000_001n, quoteAmountMinor: 32_000_125_640n }))
      .thenRefuses('TRADE_ID_CONFLICT', 'trade.tradeId');
  });

  it('TW-13.3 a trade is authoritative: booked even below zero, with ClientBalanceWentNegative naming the amount', () => {
    given(onboard('alice'), onboard('bob'))
      .when(settle())
      .then((events, after) => {
        expect(
          events
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
        expect(posted(after, clientAccount('bob', 'BTC'))).toBe(-50_000_000n);
        expect(
          assetBooks(after).find((books) => books.asset === 'BTC')?.clientLiabilitiesFlooredMinor,
        ).toBe(50_000_000n - 50_000n);
      });
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
    given(...funded)
      .when(settle(overrides))
      .thenRefuses(code, path);
  });

  it('accepts a quote amount rounded either way by less than one minor unit', () => {
    // 0.00000001 BTC at 64,000.25 USDT = 0.00064000 USDT (640.0025 minor units): 640 and 641 both pass
    for (const quoteAmountMinor of [640n, 641n]) {
      given(...funded)
        .when(
          settle({
            quantityMinor: 1n,
            quoteAmountMinor,
            buyerFee: { asset: 'BTC', amountMinor: 0n },
            sellerFee: { asset: 'USDT', amountMinor: 0n },
          }),
        )
        .then((events) => expect(events).toHaveLength(1));
    }
    given(...funded)
      .when(settle({ quantityMinor: 1n, quoteAmountMinor: 642n }))
      .thenRefuses('TRADE_PRICE_MISMATCH', 'trade.price');
  });
});

describe('ledger: deposits and withdrawals', () => {
  it('a deposit credits the client and debits the custody account of the receiving wallet', () => {
    given(onboard('alice'))
      .when(deposit('D-1', 'alice', 'ETH', 5n * 10n ** 18n))
      .then((_events, after) => {
        expect(posted(after, clientAccount('alice', 'ETH'))).toBe(5n * 10n ** 18n);
        expect(posted(after, custodyAccount('wallet-cold-1', 'ETH'))).toBe(5n * 10n ** 18n);
      });
  });

  it('given a deposit id booked with another amount, then DEPOSIT_ID_CONFLICT', () => {
    given(onboard('alice'), deposit('D-1', 'alice', 'ETH', 5n))
      .when(deposit('D-1', 'alice', 'ETH', 6n))
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

  describe('when a withdrawal is approved', () => {
    it('its amount is held: available falls, posted does not', () => {
      given(...funded)
        .when(hold('W-1', 1_000_000n))
        .then((_events, after) => {
          const account = clientAccount('alice', 'USDT');
          expect(posted(after, account)).toBe(40_000_000_000n);
          expect(availableBalance(account, balanceOf(after, account))).toBe(
            40_000_000_000n - 1_000_000n,
          );
        });
    });

    it('a withdrawal beyond the available balance is refused: never below zero', () => {
      given(...funded, hold('W-1', 39_000_000_000n))
        .when(hold('W-2', 1_000_000_001n))
        .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    });

    it("HK-7 a withdrawal to an address not on the client's own allow-list is refused", () => {
      given(...funded)
        .when(hold('W-1', 1n, 'bob'))
        .thenRefuses('HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', 'destinationAllowListedForClientId');
      given(...funded)
        .when(hold('W-1', 1n, null))
        .thenRefuses('HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', 'destinationAllowListedForClientId');
    });
  });

  describe('when a held withdrawal settles or fails', () => {
    it('confirmation posts the hold to the wallet; the network fee is the house expense', () => {
      given(...funded, hold('W-1', 1_000_000n))
        .when(settleW1('alice', 1_000_000n, 2_500n))
        .then((_events, after) => {
          const account = clientAccount('alice', 'USDT');
          expect(balanceOf(after, account)).toMatchObject({
            debitsPosted: 1_000_000n,
            debitsPending: 0n,
          });
          expect(posted(after, houseAccount('network-fee-expense', 'USDT'))).toBe(2_500n);
          expect(assetBooks(after).every((books) => books.differenceMinor === 0n)).toBe(true);
        });
    });

    it('failure releases the hold and posts nothing', () => {
      given(...funded, hold('W-1', 1_000_000n))
        .when({
          type: 'ReleaseWithdrawal',
          withdrawalId: 'W-1',
          clientId: 'alice',
          reason: 'failed',
          metadata,
        })
        .then((_events, after) => {
          expect(balanceOf(after, clientAccount('alice', 'USDT'))).toMatchObject({
            debitsPosted: 0n,
            debitsPending: 0n,
          });
        });
    });

    it("a withdrawal is found only in its own client's books", () => {
      given(...funded, hold('W-1', 1n))
        .when(settleW1('bob', 1n))
        .thenRefuses('WITHDRAWAL_UNKNOWN', 'withdrawalId');
    });

    it('a confirmation that is not what was held (amount, asset or wallet) is refused', () => {
      given(...funded, hold('W-1', 1_000_000n))
        .when(settleW1('alice', 2_000_000n))
        .thenRefuses('WITHDRAWAL_CONFIRMATION_MISMATCH', 'amountMinor');
      given(...funded, hold('W-1', 1_000_000n))
        .when({ ...settleW1('alice', 1_000_000n), walletId: 'wallet-hot-2' } as LedgerCommand)
        .thenRefuses('WITHDRAWAL_CONFIRMATION_MISMATCH', 'walletId');
    });

    it('TW-13.3 a trade that spends held funds reports the available balance below zero, and the settlement that posts the hold reports the posted balance below zero', () => {
      const drained = {
        ...settle({ tradeId: 'T-9', buyerClientId: 'alice', sellerClientId: 'bob' }),
      } as LedgerCommand;
      given(...funded, hold('W-1', 39_000_000_000n))
        .when(drained)
        .then((events) => {
          expect(
            events
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
        });
      given(...funded, hold('W-1', 39_000_000_000n), drained)
        .when(settleW1('alice', 39_000_000_000n))
        .then((events) => {
          expect(
            events
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
    });

    it('a settlement confirmed again changes nothing; with another fee it is refused', () => {
      given(...funded, hold('W-1', 1_000_000n), settleW1('alice', 1_000_000n, 5n))
        .when(settleW1('alice', 1_000_000n, 5n))
        .then([]);
      given(...funded, hold('W-1', 1_000_000n), settleW1('alice', 1_000_000n, 5n))
        .when(settleW1('alice', 1_000_000n, 6n))
        .thenRefuses('WITHDRAWAL_ALREADY_SETTLED', 'withdrawalId');
    });

    it('a released withdrawal cannot settle', () => {
      given(...funded, hold('W-1', 1n), {
        type: 'ReleaseWithdrawal',
        withdrawalId: 'W-1',
        clientId: 'alice',
        reason: 'cancelled',
        metadata,
      })
        .when(settleW1('alice', 1n))
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

  it('the same approval again changes nothing', () => {
    given(...funded, request('credit', 10n), approve('approver-2'))
      .when(approve('approver-2'))
      .then([]);
    given(...funded, request('credit', 10n), approve('approver-2'))
      .when(approve('approver-3'))
      .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
  });

  it('the requester cannot approve their own adjustment', () => {
    given(...funded, request('credit', 10n))
      .when(approve('operator-1'))
      .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'approvedBy');
  });

  it('a second person approves; the compensating entry posts against house inventory', () => {
    given(...funded, request('credit', 10n))
      .when(approve('approver-2'))
      .then((events, after) => {
        expect(events.map((event) => event.type)).toEqual(['AdjustmentApproved', 'JournalPosted']);
        expect(posted(after, clientAccount('alice', 'USDT'))).toBe(40_000_000_010n);
        expect(posted(after, houseAccount('inventory', 'USDT'))).toBe(-10n);
      });
  });

  describe('when a pending adjustment is rejected', () => {
    it('an approver other than the requester rejects it with a reason; nothing is booked and it can no longer be approved', () => {
      given(...funded, request('credit', 10n))
        .when(reject('approver-2'))
        .then((events, after) => {
          expect(events).toEqual([
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
          expect(posted(after, clientAccount('alice', 'USDT'))).toBe(40_000_000_000n);
        });
      given(...funded, request('credit', 10n), reject('approver-2'))
        .when(approve('approver-3'))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('the requester cannot reject their own request (maker-checker both ways), and a rejection says why', () => {
      given(...funded, request('credit', 10n))
        .when(reject('operator-1'))
        .thenRefuses('MAKER_CHECKER_SAME_PERSON', 'rejectedBy');
      given(...funded, request('credit', 10n))
        .when(reject('approver-2', '  '))
        .thenRefuses('REASON_REQUIRED', 'reason');
    });

    it('the same rejection again changes nothing; another decision on it is refused; an approved one cannot be rejected', () => {
      given(...funded, request('credit', 10n), reject('approver-2'))
        .when(reject('approver-2'))
        .then([]);
      given(...funded, request('credit', 10n), reject('approver-2'))
        .when(reject('approver-3'))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
      given(...funded, request('credit', 10n), approve('approver-2'))
        .when(reject('approver-3'))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });
  });

  describe('when a pending adjustment outlives its approval window (72 h by default)', () => {
    it("approved in the last millisecond of the window it posts; at the window's end it is refused with ADJUSTMENT_EXPIRED and nothing is booked", () => {
      given(...funded, request('credit', 10n))
        .when(approve('approver-2', lastApprovableInstant))
        .then((events) =>
          expect(events.map((event) => event.type)).toEqual([
            'AdjustmentApproved',
            'JournalPosted',
          ]),
        );
      given(...funded, request('credit', 10n))
        .when(approve('approver-2', windowEnd))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
    });

    it('an explicit Expire closes it in the books once the window has ended, not before; again, nothing changes; then approval stays refused', () => {
      given(...funded, request('credit', 10n))
        .when(expire(lastApprovableInstant))
        .thenRefuses('ADJUSTMENT_NOT_EXPIRED', 'adjustmentId');
      given(...funded, request('credit', 10n))
        .when(expire(windowEnd))
        .then([
          {
            type: 'AdjustmentExpired',
            data: { adjustmentId: 'A-1', expiresAt: windowEnd, at: windowEnd },
          },
        ]);
      given(...funded, request('credit', 10n), expire(windowEnd))
        .when(expire(windowEnd))
        .then([]);
      given(...funded, request('credit', 10n), expire(windowEnd))
        .when(approve('approver-2', at))
        .thenRefuses('ADJUSTMENT_EXPIRED', 'adjustmentId');
      given(...funded, request('credit', 10n), approve('approver-2'))
        .when(expire(windowEnd))
        .thenRefuses('ADJUSTMENT_NOT_PENDING', 'adjustmentId');
    });

    it('an approved adjustment approved again after the window is still the same approval (a replay), not an expiry', () => {
      given(...funded, request('credit', 10n), approve('approver-2'))
        .when(approve('approver-2', windowEnd))
        .then([]);
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
    given(...funded)
      .when(request('debit', 10n, reason))
      .thenRefuses(code, 'debitReason');
  });

  it('HK-7 a debit on recorded written consent passes, and never below zero', () => {
    given(...funded)
      .when(
        request('debit', 10n, { kind: 'written-consent', consentReference: 'CONSENT-2026-118' }),
      )
      .then((events) => expect(events).toHaveLength(1));
    given(...funded)
      .when(
        request('debit', 40_000_000_001n, {
          kind: 'legal-order',
          orderReference: 'HCMP 1234/2026',
        }),
      )
      .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    given(...funded)
      .when(request('debit', 10n))
      .thenRefuses('ADJUSTMENT_DEBIT_REASON_MISSING', 'debitReason');
  });
});
