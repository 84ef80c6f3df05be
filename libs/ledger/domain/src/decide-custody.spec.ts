import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import {
  availableBalance,
  clientAccount,
  custodyAccount,
  houseAccount,
  postedBalance,
} from './accounts';
import { fingerprintOf } from './decide-trade';
import { decideLedger, type AssetDecimals, type Decision } from './ledger';
import type { LedgerCommand } from './ledger-commands';
import type { LedgerErrorCode } from './ledger-errors';
import { balanceOf, evolveLedger, initialLedgerState, type LedgerState } from './ledger-state';

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const at = '2026-11-24T09:00:00.000Z';
const metadata = { at };

/** State after each command of the history is decided and its events applied (every one must pass). */
function given(...history: LedgerCommand[]): LedgerState {
  let state = initialLedgerState();
  for (const command of history) {
    const decision = decideLedger(command, state, decimals);
    if (!decision.ok) throw new Error(`given: ${command.type} refused with ${decision.error.code}`);
    state = decision.events.reduce(evolveLedger, state);
  }
  return state;
}

function refusal(decision: Decision): { code: LedgerErrorCode; path: string } | 'accepted' {
  return decision.ok ? 'accepted' : { code: decision.error.code, path: decision.error.path };
}

const aliceUsdt = clientAccount('alice', 'USDT');
const available = (state: LedgerState) => availableBalance(aliceUsdt, balanceOf(state, aliceUsdt));
const posted = (state: LedgerState) => postedBalance(aliceUsdt, balanceOf(state, aliceUsdt));
const after = (state: LedgerState, decision: Decision) =>
  decision.ok ? decision.events.reduce(evolveLedger, state) : state;

type Deposit = Extract<LedgerCommand, { type: 'BookDeposit' }>;
type Hold = Extract<LedgerCommand, { type: 'HoldWithdrawal' }>;
type Settle = Extract<LedgerCommand, { type: 'SettleWithdrawal' }>;
type Release = Extract<LedgerCommand, { type: 'ReleaseWithdrawal' }>;

const onboard = (clientId: string): LedgerCommand => ({
  type: 'OnboardClient',
  clientId,
  metadata,
});
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
/** alice holds exactly 1 USDT (1,000,000 minor units). */
const funded = [onboard('alice'), onboard('bob'), deposit()];
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

describe('custody: deposits', () => {
  it("a confirmed deposit debits the receiving wallet's custody account and credits the client, under the deposit id", () => {
    const state = given(onboard('alice'));
    expect(decideLedger(deposit(), state, decimals)).toEqual({
      ok: true,
      events: [
        {
          type: 'JournalPosted',
          data: {
            journalId: 'deposit:D-1',
            kind: 'deposit',
            sourceReference: 'D-1',
            fingerprint: fingerprintOf(['D-1', 'alice', 'USDT', 1_000_000n, 'wallet-cold-1']),
            entries: [
              {
                account: custodyAccount('wallet-cold-1', 'USDT'),
                side: 'debit',
                amountMinor: 1_000_000n,
              },
              { account: aliceUsdt, side: 'credit', amountMinor: 1_000_000n },
            ],
            at,
          },
        },
      ],
    });
  });

  it('the same deposit again (a redelivery) books nothing', () => {
    expect(decideLedger(deposit(), given(...funded), decimals)).toEqual({ ok: true, events: [] });
  });

  it('the same deposit id into another wallet is refused with DEPOSIT_ID_CONFLICT', () => {
    expect(
      refusal(decideLedger(deposit({ walletId: 'wallet-cold-2' }), given(...funded), decimals)),
    ).toEqual({ code: 'DEPOSIT_ID_CONFLICT', path: 'depositId' });
  });

  it('one minor unit is the smallest deposit booked', () => {
    const state = given(onboard('alice'));
    expect(posted(after(state, decideLedger(deposit({ amountMinor: 1n }), state, decimals)))).toBe(
      1n,
    );
  });

  it.each<[string, Partial<Deposit>, LedgerErrorCode, string]>([
    ['a client not onboarded', { clientId: 'carol' }, 'CLIENT_UNKNOWN', 'clientId'],
    ['an asset not in the registry', { asset: 'DOGE' }, 'ASSET_UNKNOWN', 'asset'],
    ['a zero amount', { amountMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
    ['a negative amount', { amountMinor: -1n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
  ])('a deposit for %s is refused', (_case, overrides, code, path) => {
    expect(refusal(decideLedger(deposit(overrides), given(onboard('alice')), decimals))).toEqual({
      code,
      path,
    });
  });
});

describe('custody: withdrawal holds', () => {
  it('an approved withdrawal places a hold carrying what was approved; available falls, posted does not', () => {
    const state = given(...funded);
    const decision = decideLedger(hold(), state, decimals);
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'WithdrawalHoldPlaced',
          data: {
            withdrawalId: 'W-1',
            clientId: 'alice',
            asset: 'USDT',
            amountMinor: 400_000n,
            walletId: 'wallet-hot-1',
            fingerprint: fingerprintOf(['W-1', 'alice', 'USDT', 400_000n, 'wallet-hot-1', 'alice']),
            at,
          },
        },
      ],
    });
    expect([posted(after(state, decision)), available(after(state, decision))]).toEqual([
      1_000_000n,
      600_000n,
    ]);
  });

  describe('given the hold is placed already', () => {
    it('the same hold re-sent (a replay) places no second hold', () => {
      const state = given(...funded, hold());
      const decision = decideLedger(hold(), state, decimals);
      expect(decision).toEqual({ ok: true, events: [] });
      expect(available(after(state, decision))).toBe(600_000n);
    });

    it('the same withdrawal id with another amount is refused with WITHDRAWAL_ID_CONFLICT', () => {
      expect(
        refusal(decideLedger(hold({ amountMinor: 400_001n }), given(...funded, hold()), decimals)),
      ).toEqual({ code: 'WITHDRAWAL_ID_CONFLICT', path: 'withdrawalId' });
    });
  });

  describe('never below zero: the available balance (posted minus holds) must cover it', () => {
    it('a withdrawal of exactly the available balance is held', () => {
      const state = given(...funded, hold());
      const decision = decideLedger(
        hold({ withdrawalId: 'W-2', amountMinor: 600_000n }),
        state,
        decimals,
      );
      expect(decision.ok && decision.events.map((event) => event.type)).toEqual([
        'WithdrawalHoldPlaced',
      ]);
      expect(available(after(state, decision))).toBe(0n);
    });

    it('one minor unit more than the available balance is refused with INSUFFICIENT_AVAILABLE_BALANCE', () => {
      expect(
        refusal(
          decideLedger(
            hold({ withdrawalId: 'W-2', amountMinor: 600_001n }),
            given(...funded, hold()),
            decimals,
          ),
        ),
      ).toEqual({ code: 'INSUFFICIENT_AVAILABLE_BALANCE', path: 'amountMinor' });
    });
  });

  it("HK-7: a withdrawal to an address on another client's allow-list is refused", () => {
    expect(
      refusal(
        decideLedger(
          hold({ destinationAllowListedForClientId: 'bob' }),
          given(...funded),
          decimals,
        ),
      ),
    ).toEqual({
      code: 'HK7_WITHDRAWAL_ADDRESS_NOT_CLIENTS',
      path: 'destinationAllowListedForClientId',
    });
  });

  it.each<[string, Partial<Hold>, LedgerErrorCode, string]>([
    ['a client not onboarded', { clientId: 'carol' }, 'CLIENT_UNKNOWN', 'clientId'],
    ['an asset not in the registry', { asset: 'DOGE' }, 'ASSET_UNKNOWN', 'asset'],
    ['a zero amount', { amountMinor: 0n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
    ['a negative amount', { amountMinor: -1n }, 'AMOUNT_NOT_POSITIVE', 'amountMinor'],
  ])('a withdrawal for %s is refused', (_case, overrides, code, path) => {
    expect(refusal(decideLedger(hold(overrides), given(...funded), decimals))).toEqual({
      code,
      path,
    });
  });
});

describe('custody: a held withdrawal confirmed on chain', () => {
  const wallet = custodyAccount('wallet-hot-1', 'USDT');

  it("the hold posts (client -> wallet) and the network fee is the house's expense out of the same wallet, in one journal", () => {
    expect(decideLedger(settle(), given(...funded, hold()), decimals)).toEqual({
      ok: true,
      events: [
        {
          type: 'JournalPosted',
          data: {
            journalId: 'withdrawal:W-1',
            kind: 'withdrawal',
            sourceReference: 'W-1',
            fingerprint: fingerprintOf([
              fingerprintOf(['W-1', 'alice', 'USDT', 400_000n, 'wallet-hot-1', 'alice']),
              2_500n,
            ]),
            entries: [
              { account: aliceUsdt, side: 'debit', amountMinor: 400_000n },
              { account: wallet, side: 'credit', amountMinor: 400_000n },
              {
                account: houseAccount('network-fee-expense', 'USDT'),
                side: 'debit',
                amountMinor: 2_500n,
              },
              { account: wallet, side: 'credit', amountMinor: 2_500n },
            ],
            at,
          },
        },
      ],
    });
  });

  it('with no network fee (paid in another asset), only the hold posts', () => {
    const decision = decideLedger(
      settle({ networkFeeMinor: 0n }),
      given(...funded, hold()),
      decimals,
    );
    expect(
      decision.ok &&
        decision.events.flatMap((event) =>
          event.type === 'JournalPosted' ? event.data.entries : [],
        ),
    ).toEqual([
      { account: aliceUsdt, side: 'debit', amountMinor: 400_000n },
      { account: wallet, side: 'credit', amountMinor: 400_000n },
    ]);
  });

  it('after it posts, the hold is gone: posted and available are both what is left', () => {
    const state = given(...funded, hold());
    const settled = after(state, decideLedger(settle(), state, decimals));
    expect([posted(settled), available(settled)]).toEqual([600_000n, 600_000n]);
  });

  it('TW-13.3: a hold of the whole balance that posts leaves zero, which is not below zero: no ClientBalanceWentNegative', () => {
    const whole = { amountMinor: 1_000_000n };
    const decision = decideLedger(
      settle({ ...whole, networkFeeMinor: 0n }),
      given(...funded, hold(whole)),
      decimals,
    );
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['JournalPosted']);
  });

  it('a network fee of one minor unit is booked; a negative one is refused with FEE_NEGATIVE', () => {
    const decision = decideLedger(
      settle({ networkFeeMinor: 1n }),
      given(...funded, hold()),
      decimals,
    );
    expect(
      decision.ok &&
        decision.events.flatMap((event) =>
          event.type === 'JournalPosted'
            ? event.data.entries.map((entry) => entry.amountMinor)
            : [],
        ),
    ).toEqual([400_000n, 400_000n, 1n, 1n]);
    expect(
      refusal(decideLedger(settle({ networkFeeMinor: -1n }), given(...funded, hold()), decimals)),
    ).toEqual({ code: 'FEE_NEGATIVE', path: 'networkFeeMinor' });
  });

  it.each<[string, Partial<Settle>, string]>([
    ['another asset', { asset: 'USDC' }, 'asset'],
    ['another amount', { amountMinor: 399_999n }, 'amountMinor'],
    ['another sending wallet', { walletId: 'wallet-hot-2' }, 'walletId'],
  ])(
    'a confirmation of %s than was held is refused with WITHDRAWAL_CONFIRMATION_MISMATCH',
    (_case, overrides, path) => {
      expect(refusal(decideLedger(settle(overrides), given(...funded, hold()), decimals))).toEqual({
        code: 'WITHDRAWAL_CONFIRMATION_MISMATCH',
        path,
      });
    },
  );

  it.each<[string, LedgerCommand[], Partial<Settle>]>([
    ['when no withdrawal was held', funded, {}],
    ['for another withdrawal id', [...funded, hold()], { withdrawalId: 'W-2' }],
    ["for another client's withdrawal", [...funded, hold()], { clientId: 'bob' }],
  ])('a confirmation %s is refused with WITHDRAWAL_UNKNOWN', (_case, history, overrides) => {
    expect(refusal(decideLedger(settle(overrides), given(...history), decimals))).toEqual({
      code: 'WITHDRAWAL_UNKNOWN',
      path: 'withdrawalId',
    });
  });

  describe('given it settled already', () => {
    const settled = () => given(...funded, hold(), settle());

    it('the same confirmation again books nothing', () => {
      expect(decideLedger(settle(), settled(), decimals)).toEqual({ ok: true, events: [] });
    });

    it('a confirmation with another network fee is refused with WITHDRAWAL_ALREADY_SETTLED', () => {
      expect(
        refusal(decideLedger(settle({ networkFeeMinor: 2_501n }), settled(), decimals)),
      ).toEqual({ code: 'WITHDRAWAL_ALREADY_SETTLED', path: 'withdrawalId' });
    });

    it('it can no longer be released: WITHDRAWAL_ALREADY_SETTLED (a correction is an adjustment)', () => {
      expect(refusal(decideLedger(release(), settled(), decimals))).toEqual({
        code: 'WITHDRAWAL_ALREADY_SETTLED',
        path: 'withdrawalId',
      });
    });
  });
});

describe('custody: a held withdrawal that failed or was cancelled', () => {
  it.each<Release['reason']>(['failed', 'cancelled'])(
    '%s: the hold is released with its reason and nothing posts; available is whole again',
    (reason) => {
      const state = given(...funded, hold());
      const decision = decideLedger(release({ reason }), state, decimals);
      expect(decision).toEqual({
        ok: true,
        events: [{ type: 'WithdrawalHoldReleased', data: { withdrawalId: 'W-1', reason, at } }],
      });
      expect([posted(after(state, decision)), available(after(state, decision))]).toEqual([
        1_000_000n,
        1_000_000n,
      ]);
    },
  );

  it('released again (a replay) changes nothing: the hold is not given back twice', () => {
    const state = given(...funded, hold(), release());
    const decision = decideLedger(release(), state, decimals);
    expect(decision).toEqual({ ok: true, events: [] });
    expect(available(after(state, decision))).toBe(1_000_000n);
  });

  it('once released it cannot settle: WITHDRAWAL_ALREADY_RELEASED', () => {
    expect(refusal(decideLedger(settle(), given(...funded, hold(), release()), decimals))).toEqual({
      code: 'WITHDRAWAL_ALREADY_RELEASED',
      path: 'withdrawalId',
    });
  });

  it.each<[string, LedgerCommand[], Partial<Release>]>([
    ['when no withdrawal was held', funded, {}],
    ['for another withdrawal id', [...funded, hold()], { withdrawalId: 'W-2' }],
    ["for another client's withdrawal", [...funded, hold()], { clientId: 'bob' }],
  ])('a release %s is refused with WITHDRAWAL_UNKNOWN', (_case, history, overrides) => {
    expect(refusal(decideLedger(release(overrides), given(...history), decimals))).toEqual({
      code: 'WITHDRAWAL_UNKNOWN',
      path: 'withdrawalId',
    });
  });
});
