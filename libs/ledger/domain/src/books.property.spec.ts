import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import fc from 'fast-check';
import { availableBalance, clientAccount } from './accounts';
import { assetBooks } from './books';
import { ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT } from './decide-adjustment';
import { checkJournal } from './journal';
import { decideLedger } from './ledger';
import type { AssetDecimals } from './ledger-decision';
import type { LedgerCommand } from './ledger-commands';
import type { LedgerEvent } from './ledger-events';
import {
  balanceOf,
  clientBooks,
  evolveLedger,
  initialLedgerState,
  journalIdOf,
  mergeBooks,
  type LedgerState,
} from './ledger-state';
import { commandClients } from './ledger-commands';

/** Seeded: a failure names its seed and path and reproduces exactly. */
const SEED = 20_261_124;
const COMMANDS_LONG_RUN = 10_000;
const RUNS = 20;
const COMMANDS_PER_RUN_MAX = 600;
const CLIENTS = 25;
const ASSETS = ['BTC', 'ETH', 'USDT'] as const;
const WALLETS = ['wallet-cold-1', 'wallet-hot-1'] as const;
const INVARIANT_EVERY_COMMANDS = 250;
const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const metadata = { at: '2026-11-24T09:00:00.000Z' };

/** What to do next; turned into a command against the state reached so far. */
type Intent =
  | { kind: 'deposit'; client: number; asset: number; wallet: number; amountMinor: bigint }
  | {
      kind: 'trade';
      buyer: number;
      seller: number;
      base: number;
      quote: number;
      quantityMinor: bigint;
      priceCents: bigint;
      feeMinor: bigint;
    }
  | { kind: 'withdraw'; client: number; asset: number; wallet: number; amountMinor: bigint }
  | { kind: 'finish-withdrawal'; pick: number; settle: boolean; networkFeeMinor: bigint }
  | { kind: 'spend-held'; pick: number; buyer: number; priceCents: bigint }
  | {
      kind: 'adjust';
      client: number;
      asset: number;
      debit: boolean;
      amountMinor: bigint;
      approve: boolean;
    };

const index = (size: number) => fc.integer({ min: 0, max: size - 1 });
const amount = fc.bigInt({ min: 1n, max: 10n ** 12n });
const intent: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      client: index(CLIENTS),
      asset: index(ASSETS.length),
      wallet: index(WALLETS.length),
      amountMinor: amount,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      buyer: index(CLIENTS),
      seller: index(CLIENTS),
      base: index(ASSETS.length),
      quote: index(ASSETS.length),
      quantityMinor: amount,
      priceCents: fc.bigInt({ min: 1n, max: 10_000_000n }),
      feeMinor: fc.bigInt({ min: 0n, max: 10_000n }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      client: index(CLIENTS),
      asset: index(ASSETS.length),
      wallet: index(WALLETS.length),
      amountMinor: amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('finish-withdrawal' as const),
      pick: fc.nat(),
      settle: fc.boolean(),
      networkFeeMinor: fc.bigInt({ min: 0n, max: 1_000n }),
    }),
  },
  // a trade in which the owner of a held withdrawal sells more than is available: the hold is then drained
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('spend-held' as const),
      pick: fc.nat(),
      buyer: index(CLIENTS),
      priceCents: fc.bigInt({ min: 100n, max: 10_000_000n }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      client: index(CLIENTS),
      asset: index(ASSETS.length),
      debit: fc.boolean(),
      amountMinor: amount,
      approve: fc.boolean(),
    }),
  },
);

function commandsFor(next: Intent, step: number, state: LedgerState): LedgerCommand[] {
  const client = (n: number) => `client-${n}`;
  const asset = (n: number) => ASSETS[n] as string;
  switch (next.kind) {
    case 'deposit':
      return [
        {
          type: 'BookDeposit',
          depositId: `D-${step}`,
          clientId: client(next.client),
          asset: asset(next.asset),
          amountMinor: next.amountMinor,
          walletId: WALLETS[next.wallet] as string,
          metadata,
        },
      ];
    case 'trade': {
      const base = asset(next.base);
      const quote = asset(next.quote);
      // quote minor = quantity x price (cents) x 10^quoteDecimals / (10^baseDecimals x 100), rounded down
      const quoteAmountMinor =
        (next.quantityMinor * next.priceCents * 10n ** BigInt(decimals(quote) ?? 0)) /
        (10n ** BigInt(decimals(base) ?? 0) * 100n);
      const price = `${next.priceCents / 100n}.${(next.priceCents % 100n).toString().padStart(2, '0')}`;
      const trade = {
        tradeId: `T-${step}`,
        base,
        quote,
        buyerClientId: client(next.buyer),
        sellerClientId: client(next.seller),
        quantityMinor: next.quantityMinor,
        price,
        quoteAmountMinor,
      };
      return [
        {
          type: 'SettleTrade',
          trade: {
            ...trade,
            buyerFee: { asset: base, amountMinor: next.feeMinor },
            sellerFee: { asset: quote, amountMinor: next.feeMinor },
          },
          metadata,
        },
      ];
    }
    case 'withdraw':
      return [
        {
          type: 'HoldWithdrawal',
          withdrawalId: `W-${step}`,
          clientId: client(next.client),
          asset: asset(next.asset),
          amountMinor: next.amountMinor,
          walletId: WALLETS[next.wallet] as string,
          destinationAllowListedForClientId: client(next.client),
          metadata,
        },
      ];
    case 'finish-withdrawal': {
      const held = [...state.withdrawals.entries()].filter(
        ([, withdrawal]) => withdrawal.status === 'held',
      );
      const picked = held[next.pick % Math.max(held.length, 1)];
      if (picked === undefined) return [];
      const [withdrawalId, { clientId, asset, amountMinor, walletId }] = picked;
      return [
        next.settle
          ? {
              type: 'SettleWithdrawal',
              withdrawalId,
              clientId,
              asset,
              amountMinor,
              walletId,
              networkFeeMinor: next.networkFeeMinor,
              metadata,
            }
          : { type: 'ReleaseWithdrawal', withdrawalId, clientId, reason: 'failed', metadata },
      ];
    }
    case 'spend-held': {
      const held = [...state.withdrawals.values()].filter(
        (withdrawal) => withdrawal.status === 'held',
      );
      const picked = held[next.pick % Math.max(held.length, 1)];
      if (picked === undefined || client(next.buyer) === picked.clientId) return [];
      const seller = clientAccount(picked.clientId, picked.asset);
      const quantityMinor = availableBalance(seller, balanceOf(state, seller)) + 1n;
      const base = picked.asset;
      const quote = ASSETS.find((candidate) => candidate !== base) as string;
      const quoteAmountMinor =
        (quantityMinor * next.priceCents * 10n ** BigInt(decimals(quote) ?? 0)) /
        (10n ** BigInt(decimals(base) ?? 0) * 100n);
      const price = `${next.priceCents / 100n}.${(next.priceCents % 100n).toString().padStart(2, '0')}`;
      const trade = {
        tradeId: `T-${step}`,
        base,
        quote,
        buyerClientId: client(next.buyer),
        sellerClientId: picked.clientId,
        quantityMinor,
        price,
        quoteAmountMinor,
      };
      return [
        {
          type: 'SettleTrade',
          trade: {
            ...trade,
            buyerFee: { asset: base, amountMinor: 0n },
            sellerFee: { asset: quote, amountMinor: 0n },
          },
          metadata,
        },
      ];
    }
    case 'adjust': {
      const request: LedgerCommand = {
        type: 'RequestAdjustment',
        adjustmentId: `A-${step}`,
        requestedBy: 'operator-1',
        clientId: client(next.client),
        asset: asset(next.asset),
        direction: next.debit ? 'debit' : 'credit',
        amountMinor: next.amountMinor,
        debitReason: next.debit
          ? { kind: 'written-consent', consentReference: `CONSENT-${step}` }
          : null,
        note: 'property test',
        metadata,
      };
      return next.approve
        ? [
            request,
            {
              type: 'ApproveAdjustment',
              adjustmentId: `A-${step}`,
              clientId: client(next.client),
              approvedBy: 'approver-2',
              approvalWindowMs: ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
              metadata,
            },
          ]
        : [request];
    }
  }
}

/** The involved clients' books and, as the ledger-wide claim of a trade or deposit id gives it, that journal's fingerprint. */
function booksOfInvolved(command: LedgerCommand, state: LedgerState): LedgerState {
  const claimed =
    command.type === 'SettleTrade'
      ? journalIdOf('trade', command.trade.tradeId)
      : command.type === 'BookDeposit'
        ? journalIdOf('deposit', command.depositId)
        : undefined;
  const fingerprint = claimed === undefined ? undefined : state.journals.get(claimed);
  const journals = new Map(
    claimed !== undefined && fingerprint !== undefined ? [[claimed, fingerprint]] : [],
  );
  return mergeBooks(
    commandClients(command).map((clientId) => clientBooks(state, clientId)),
    journals,
  );
}

/** The client account a withdrawal hold or an approved debit adjustment debits. */
function debitedBy(command: LedgerCommand, state: LedgerState) {
  if (command.type === 'HoldWithdrawal') return clientAccount(command.clientId, command.asset);
  if (command.type !== 'ApproveAdjustment') return undefined;
  const request = state.adjustments.get(command.adjustmentId);
  return request?.direction === 'debit'
    ? clientAccount(request.clientId, request.asset)
    : undefined;
}

interface RunResult {
  readonly state: LedgerState;
  readonly events: readonly LedgerEvent[];
  readonly accepted: readonly LedgerCommand[];
}

/** Runs the intents through decide/evolve and checks, as it goes, what must hold after every command. */
function run(intents: readonly Intent[]): RunResult {
  let state = initialLedgerState();
  for (let n = 0; n < CLIENTS; n += 1)
    state = evolveLedger(state, {
      type: 'ClientOnboarded',
      data: { clientId: `client-${n}`, at: metadata.at },
    });
  const events: LedgerEvent[] = [];
  const accepted: LedgerCommand[] = [];
  intents.forEach((next, step) => {
    for (const command of commandsFor(next, step, state)) {
      const decision = decideLedger(command, state, decimals);
      // the write path decides on the books of the clients involved only, plus the journal its id claimed: the same decision
      expect(decideLedger(command, booksOfInvolved(command, state), decimals)).toEqual(decision);
      if (!decision.ok) continue;
      accepted.push(command);
      for (const event of decision.events) {
        // HK-8: every journal balanced per asset, positive integer amounts
        if (event.type === 'JournalPosted')
          expect(checkJournal(event.data.entries)).toBeUndefined();
        // TW-13.3: only an authoritative trade takes a client below zero (a settlement only posts what a trade already spent)
        if (event.type === 'ClientBalanceWentNegative')
          expect(/^(trade|withdrawal):/.test(event.data.journalId)).toBe(true);
        state = evolveLedger(state, event);
        events.push(event);
      }
      // a withdrawal or a debit adjustment never takes a client below zero
      const debited = debitedBy(command, state);
      if (debited !== undefined)
        expect(availableBalance(debited, balanceOf(state, debited))).toBeGreaterThanOrEqual(0n);
      // TW-13.3: every journal that leaves a client it debits below zero says so, in the same decision
      expect(unreportedNegatives(decision.events, state)).toEqual([]);
    }
    if (step % INVARIANT_EVERY_COMMANDS === 0)
      expect(assetBooks(state).filter((books) => books.differenceMinor !== 0n)).toEqual([]);
  });
  return { state, events, accepted };
}

/** Client accounts a decision's journals debit below zero (available) without a ClientBalanceWentNegative for them. */
function unreportedNegatives(decided: readonly LedgerEvent[], after: LedgerState): string[] {
  const reported = new Set(
    decided.flatMap((event) =>
      event.type === 'ClientBalanceWentNegative'
        ? [`${event.data.clientId}/${event.data.asset}`]
        : [],
    ),
  );
  const debited = decided.flatMap((event) =>
    event.type === 'JournalPosted'
      ? event.data.entries.flatMap((entry) =>
          entry.side === 'debit' && entry.account.kind === 'client' ? [entry.account] : [],
        )
      : [],
  );
  return debited
    .filter((account) => availableBalance(account, balanceOf(after, account)) < 0n)
    .map((account) => (account.kind === 'client' ? `${account.clientId}/${account.asset}` : ''))
    .filter((key) => !reported.has(key));
}

function expectBooksHold({ state, events, accepted }: RunResult): void {
  // client liabilities + house balances = custody assets recorded, for every asset
  expect(assetBooks(state).filter((books) => books.differenceMinor !== 0n)).toEqual([]);
  // replaying the history from position 0 reproduces the books
  const replayed = events.reduce(evolveLedger, run([]).state);
  expect(assetBooks(replayed)).toEqual(assetBooks(state));
  expect([...replayed.accounts.entries()].sort()).toEqual([...state.accounts.entries()].sort());
  // redelivery changes nothing: every trade and deposit again decides no events
  for (const command of accepted) {
    if (command.type !== 'SettleTrade' && command.type !== 'BookDeposit') continue;
    expect(decideLedger(command, state, decimals)).toEqual({ ok: true, events: [] });
  }
}

describe('ledger books under random trades, deposits, withdrawals and adjustments (fast-check, seeded)', () => {
  it(`HK-8 / HK-6 keep every journal balanced, custody = client liabilities + house per asset, and withdrawals never below zero (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.array(intent, { minLength: 50, maxLength: COMMANDS_PER_RUN_MAX }),
        (intents) => {
          expectBooksHold(run(intents));
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`holds over one long history of ${COMMANDS_LONG_RUN.toLocaleString('en')} commands`, () => {
    const [intents] = fc.sample(
      fc.array(intent, { minLength: COMMANDS_LONG_RUN, maxLength: COMMANDS_LONG_RUN }),
      { seed: SEED, numRuns: 1 },
    );
    const result = run(intents ?? []);
    expectBooksHold(result);
    // the history exercised what it claims: many journals of each kind, some negative trades, some held withdrawals settled
    const kinds = new Map<string, number>();
    for (const event of result.events)
      kinds.set(
        event.type === 'JournalPosted' ? event.data.kind : event.type,
        (kinds.get(event.type === 'JournalPosted' ? event.data.kind : event.type) ?? 0) + 1,
      );
    for (const kind of [
      'trade',
      'deposit',
      'withdrawal',
      'adjustment',
      'ClientBalanceWentNegative',
      'WithdrawalHoldReleased',
    ])
      expect(kinds.get(kind) ?? 0).toBeGreaterThan(50);
    // ...including settlements of holds a trade had drained (the posted balance then goes below zero too)
    expect(
      result.events.filter(
        (event) =>
          event.type === 'ClientBalanceWentNegative' &&
          event.data.journalId.startsWith('withdrawal:'),
      ).length,
    ).toBeGreaterThan(5);
  });
});
