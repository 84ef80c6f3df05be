import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { deciderSpecification } from '@custody/decider/testing';
import {
  availableBalance,
  clientAccount,
  custodyAccount,
  houseAccount,
  postedBalance,
} from './accounts';
import { fingerprintOf } from './decide-trade';
import { ledgerDecider } from './ledger';
import type { LedgerCommand } from './ledger-commands';
import type { AssetDecimals, LedgerDecision } from './ledger-decision';
import type { LedgerErrorCode } from './ledger-errors';
import type { LedgerEvent } from './ledger-events';
import { balanceOf, evolveLedger, type LedgerState } from './ledger-state';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const at = '2026-11-24T09:00:00.000Z';
const metadata = { at };
const spec = deciderSpecification(ledgerDecider);

const aliceUsdt = clientAccount('alice', 'USDT');
const hotWallet = custodyAccount('wallet-hot-1', 'USDT');
const available = (state: LedgerState) => availableBalance(aliceUsdt, balanceOf(state, aliceUsdt));
const posted = (state: LedgerState) => postedBalance(aliceUsdt, balanceOf(state, aliceUsdt));
/** The books after a decision's events (a refusal leaves them as they were). */
const after = (state: LedgerState, decision: LedgerDecision) =>
  decision.ok ? decision.events.reduce(evolveLedger, state) : state;

type Deposit = Extract<LedgerCommand, { type: 'BookDeposit' }>;
type Hold = Extract<LedgerCommand, { type: 'HoldWithdrawal' }>;
type Settle = Extract<LedgerCommand, { type: 'SettleWithdrawal' }>;
type Release = Extract<LedgerCommand, { type: 'ReleaseWithdrawal' }>;

const deposit = (overrides: Partial<Deposit> = {}): Deposit => ({
  type: 'BookDeposit',
  depositId: 'D-1',
  clientId: 'alice',
  asset: 'USDT',
  amountMinor: 1_000_000n,
  walletId: 'wallet-cold-1',
  metadata,
  ...overrides,
});
const hold = (overrides: Partial<Hold> = {}): Hold => ({
  type: 'HoldWithdrawal',
  withdrawalId: 'W-1',
  clientId: 'alice',
  asset: 'USDT',
  amountMinor: 400_000n,
  walletId: 'wallet-hot-1',
  destinationAllowListedForClientId: 'alice',
  metadata,
  ...overrides,
});
const settle = (overrides: Partial<Settle> = {}): Settle => ({
  type: 'SettleWithdrawal',
  withdrawalId: 'W-1',
  clientId: 'alice',
  asset: 'USDT',
  amountMinor: 400_000n,
  walletId: 'wallet-hot-1',
  networkFeeMinor: 2_500n,
  metadata,
  ...overrides,
});
const release = (overrides: Partial<Release> = {}): Release => ({
  type: 'ReleaseWithdrawal',
  withdrawalId: 'W-1',
  clientId: 'alice',
  reason: 'failed',
  metadata,
  ...overrides,
});

// The history as the ledger recorded it: each event is what the command above decides (the
// tests below that decide them compare with these).
const onboarded = (clientId: string): LedgerEvent => ({
  type: 'ClientOnboarded',
  data: { clientId, at },
});
/** alice's deposit D-1 of exactly 1 USDT (1,000,000 minor units) into wallet-cold-1. */
const deposited: LedgerEvent = {
  type: 'JournalPosted',
  data: {
    journalId: 'deposit:D-1',
    kind: 'deposit',
    sourceReference: 'D-1',
    fingerprint: fingerprintOf(['D-1', 'alice', 'USDT', 1_000_000n, 'wallet-cold-1']),
    entries: [
      { account: custodyAccount('wallet-cold-1', 'USDT'), side: 'debit', amountMinor: 1_000_000n },
      { account: aliceUsdt, side: 'credit', amountMinor: 1_000_000n },
    ],
    at,
  },
};
const holdFingerprint = (amountMinor: bigint) =>
  fingerprintOf(['W-1', 'alice', 'USDT', amountMinor, 'wallet-hot-1', 'alice']);
/** The hold of withdrawal W-1 from wallet-hot-1 (400,000 minor units unless said). */
const held = (amountMinor = 400_000n): LedgerEvent => ({
  type: 'WithdrawalHoldPlaced',
  data: {
    withdrawalId: 'W-1',
    clientId: 'alice',
    asset: 'USDT',
    amountMinor,
    walletId: 'wallet-hot-1',
    fingerprint: holdFingerprint(amountMinor),
    at,
  },
});
/** W-1 confirmed on chain with a network fee of 2,500 minor units. */
const settled: LedgerEvent = {
  type: 'JournalPosted',
  data: {
    journalId: 'withdrawal:W-1',
    kind: 'withdrawal',
    sourceReference: 'W-1',
    fingerprint: fingerprintOf([holdFingerprint(400_000n), 2_500n]),
    entries: [
      { account: aliceUsdt, side: 'debit', amountMinor: 400_000n },
      { account: hotWallet, side: 'credit', amountMinor: 400_000n },
      { account: houseAccount('network-fee-expense', 'USDT'), side: 'debit', amountMinor: 2_500n },
      { account: hotWallet, side: 'credit', amountMinor: 2_500n },
    ],
    at,
  },
};
const released = (reason: Release['reason'] = 'failed'): LedgerEvent => ({
  type: 'WithdrawalHoldReleased',
  data: { withdrawalId: 'W-1', reason, at },
});
/** alice holds exactly 1 USDT; bob is a client with nothing. */
const funded = [onboarded('alice'), onboarded('bob'), deposited];

describe('custody: deposits', () => {
  it("a confirmed deposit debits the receiving wallet's custody account and credits the client, under the deposit id", () => {
    spec
      .given([onboarded('alice')])
      .when(deposit(), decimals)
      .thenEmits([deposited]);
  });

  it('the same deposit again (a redelivery) books nothing', () => {
    spec.given(funded).when(deposit(), decimals).thenEmitsNothing();
  });

  it('the same deposit id into another wallet is refused with DEPOSIT_ID_CONFLICT', () => {
    spec
      .given(funded)
      .when(deposit({ walletId: 'wallet-cold-2' }), decimals)
      .thenRefuses('DEPOSIT_ID_CONFLICT', 'depositId');
  });

  it('one minor unit is the smallest deposit booked', () => {
    const given = spec.given([onboarded('alice')]);
    const { decision } = given.when(deposit({ amountMinor: 1n }), decimals);
    expect(posted(after(given.state, decision))).toBe(1n);
  });

  it.each<[string, Partial<Deposit>, LedgerErrorCode, string]>([
    ['a client not onboarded', { clientId: 'carol' }, 'CLIENT_UNKNOWN', 'clientId'],
    ['an asset not in the registry', { asset: 'DOGE' }, 'ASSET_UNKNOWN', 'asset'],
    ['a zero amount', { amountMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
    ['a negative amount', { amountMinor: -1n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
  ])('a deposit for %s is refused', (_case, overrides, code, path) => {
    spec
      .given([onboarded('alice')])
      .when(deposit(overrides), decimals)
      .thenRefuses(code, path);
  });
});

describe('custody: withdrawal holds', () => {
  it('an approved withdrawal places a hold carrying what was approved; available falls, posted does not', () => {
    const given = spec.given(funded);
    const when = given.when(hold(), decimals);
    when.thenEmits([held()]);
    const books = after(given.state, when.decision);
    expect([posted(books), available(books)]).toEqual([1_000_000n, 600_000n]);
  });

  describe('given the hold is placed already', () => {
    it('the same hold re-sent (a replay) places no second hold', () => {
      const given = spec.given([...funded, held()]);
      const when = given.when(hold(), decimals);
      when.thenEmitsNothing();
      expect(available(after(given.state, when.decision))).toBe(600_000n);
    });

    it('the same withdrawal id with another amount is refused with WITHDRAWAL_ID_CONFLICT', () => {
      spec
        .given([...funded, held()])
        .when(hold({ amountMinor: 400_001n }), decimals)
        .thenRefuses('WITHDRAWAL_ID_CONFLICT', 'withdrawalId');
    });
  });

  describe('never below zero: the available balance (posted minus holds) must cover it', () => {
    it('a withdrawal of exactly the available balance is held', () => {
      const given = spec.given([...funded, held()]);
      const { decision } = given.when(
        hold({ withdrawalId: 'W-2', amountMinor: 600_000n }),
        decimals,
      );
      expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
        'WithdrawalHoldPlaced',
      ]);
      expect(available(after(given.state, decision))).toBe(0n);
    });

    it('one minor unit more than the available balance is refused with INSUFFICIENT_AVAILABLE_BALANCE', () => {
      spec
        .given([...funded, held()])
        .when(hold({ withdrawalId: 'W-2', amountMinor: 600_001n }), decimals)
        .thenRefuses('INSUFFICIENT_AVAILABLE_BALANCE', 'amountMinor');
    });
  });

  it("HK-7: a withdrawal to an address on another client's allow-list is refused", () => {
    spec
      .given(funded)
      .when(hold({ destinationAllowListedForClientId: 'bob' }), decimals)
      .thenRefuses('HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS', 'destinationAllowListedForClientId');
  });

  it.each<[string, Partial<Hold>, LedgerErrorCode, string]>([
    ['a client not onboarded', { clientId: 'carol' }, 'CLIENT_UNKNOWN', 'clientId'],
    ['an asset not in the registry', { asset: 'DOGE' }, 'ASSET_UNKNOWN', 'asset'],
    ['a zero amount', { amountMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
    ['a negative amount', { amountMinor: -1n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
  ])('a withdrawal for %s is refused', (_case, overrides, code, path) => {
    spec.given(funded).when(hold(overrides), decimals).thenRefuses(code, path);
  });
});

describe('custody: a held withdrawal confirmed on chain', () => {
  it("the hold posts (client -> wallet) and the network fee is the house's expense out of the same wallet, in one journal", () => {
    spec
      .given([...funded, held()])
      .when(settle(), decimals)
      .thenEmits([settled]);
  });

  it('with no network fee (paid in another asset), only the hold posts', () => {
    const { decision } = spec
      .given([...funded, held()])
      .when(settle({ networkFeeMinor: 0n }), decimals);
    expect(
      decision.ok &&
        decision.events.flatMap((event) =>
          event.type === 'JournalPosted' ? event.data.entries : [],
        ),
    ).toEqual([
      { account: aliceUsdt, side: 'debit', amountMinor: 400_000n },
      { account: hotWallet, side: 'credit', amountMinor: 400_000n },
    ]);
  });

  it('after it posts, the hold is gone: posted and available are both what is left', () => {
    const given = spec.given([...funded, held()]);
    const books = after(given.state, given.when(settle(), decimals).decision);
    expect([posted(books), available(books)]).toEqual([600_000n, 600_000n]);
  });

  it('TW-13.3: a hold of the whole balance that posts leaves zero, which is not below zero: no ClientBalanceWentNegative', () => {
    const { decision } = spec
      .given([...funded, held(1_000_000n)])
      .when(settle({ amountMinor: 1_000_000n, networkFeeMinor: 0n }), decimals);
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['JournalPosted']);
  });

  it('a network fee of one minor unit is booked; a negative one is refused with FEE_NEGATIVE', () => {
    const { decision } = spec
      .given([...funded, held()])
      .when(settle({ networkFeeMinor: 1n }), decimals);
    expect(
      decision.ok &&
        decision.events.flatMap((event) =>
          event.type === 'JournalPosted'
            ? event.data.entries.map((entry) => entry.amountMinor)
            : [],
        ),
    ).toEqual([400_000n, 400_000n, 1n, 1n]);
    spec
      .given([...funded, held()])
      .when(settle({ networkFeeMinor: -1n }), decimals)
      .thenRefuses('FEE_NEGATIVE', 'networkFeeMinor');
  });

  it.each<[string, Partial<Settle>, string]>([
    ['another asset', { asset: 'USDC' }, 'asset'],
    ['another amount', { amountMinor: 399_999n }, 'amountMinor'],
    ['another sending wallet', { walletId: 'wallet-hot-2' }, 'walletId'],
  ])(
    'a confirmation of %s than was held is refused with WITHDRAWAL_CONFIRMATION_MISMATCH',
    (_case, overrides, path) => {
      spec
        .given([...funded, held()])
        .when(settle(overrides), decimals)
        .thenRefuses('WITHDRAWAL_CONFIRMATION_MISMATCH', path);
    },
  );

  it.each<[string, LedgerEvent[], Partial<Settle>]>([
    ['when no withdrawal was held', funded, {}],
    ['for another withdrawal id', [...funded, held()], { withdrawalId: 'W-2' }],
    ["for another client's withdrawal", [...funded, held()], { clientId: 'bob' }],
  ])('a confirmation %s is refused with WITHDRAWAL_UNKNOWN', (_case, history, overrides) => {
    spec
      .given(history)
      .when(settle(overrides), decimals)
      .thenRefuses('WITHDRAWAL_UNKNOWN', 'withdrawalId');
  });

  describe('given it settled already', () => {
    const history = [...funded, held(), settled];

    it('the same confirmation again books nothing', () => {
      spec.given(history).when(settle(), decimals).thenEmitsNothing();
    });

    it('a confirmation with another network fee is refused with WITHDRAWAL_ALREADY_SETTLED', () => {
      spec
        .given(history)
        .when(settle({ networkFeeMinor: 2_501n }), decimals)
        .thenRefuses('WITHDRAWAL_ALREADY_SETTLED', 'withdrawalId');
    });

    it('it can no longer be released: WITHDRAWAL_ALREADY_SETTLED (a correction is an adjustment)', () => {
      spec
        .given(history)
        .when(release(), decimals)
        .thenRefuses('WITHDRAWAL_ALREADY_SETTLED', 'withdrawalId');
    });
  });
});

describe('custody: a held withdrawal that failed or was cancelled', () => {
  it.each<Release['reason']>(['failed', 'cancelled'])(
    '%s: the hold is released with its reason and nothing posts; available is whole again',
    (reason) => {
      const given = spec.given([...funded, held()]);
      const when = given.when(release({ reason }), decimals);
      when.thenEmits([released(reason)]);
      const books = after(given.state, when.decision);
      expect([posted(books), available(books)]).toEqual([1_000_000n, 1_000_000n]);
    },
  );

  it('released again (a replay) changes nothing: the hold is not given back twice', () => {
    const given = spec.given([...funded, held(), released()]);
    const when = given.when(release(), decimals);
    when.thenEmitsNothing();
    expect(available(after(given.state, when.decision))).toBe(1_000_000n);
  });

  it('once released it cannot settle: WITHDRAWAL_ALREADY_RELEASED', () => {
    spec
      .given([...funded, held(), released()])
      .when(settle(), decimals)
      .thenRefuses('WITHDRAWAL_ALREADY_RELEASED', 'withdrawalId');
  });

  it.each<[string, LedgerEvent[], Partial<Release>]>([
    ['when no withdrawal was held', funded, {}],
    ['for another withdrawal id', [...funded, held()], { withdrawalId: 'W-2' }],
    ["for another client's withdrawal", [...funded, held()], { clientId: 'bob' }],
  ])('a release %s is refused with WITHDRAWAL_UNKNOWN', (_case, history, overrides) => {
    spec
      .given(history)
      .when(release(overrides), decimals)
      .thenRefuses('WITHDRAWAL_UNKNOWN', 'withdrawalId');
  });
});
