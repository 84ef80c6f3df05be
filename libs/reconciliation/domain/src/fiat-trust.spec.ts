import type { BusinessCalendar } from './business-calendar';
import { decideDiscrepancy } from './discrepancy';
import {
  fiatTrustRun,
  parseTrustStatementCsv,
  STATEMENT_LINES_MAX,
  statementBalanceAt,
  type FiatMovement,
  type TrustStatement,
} from './fiat-trust';

// Taipei: cut-off 15:30 local (07:30 UTC)
const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(),
};
const DAY = '2026-11-24';
let sequence = 0;
const movement = (
  kind: FiatMovement['kind'],
  clientId: string | null,
  amountMinor: bigint,
  occurredAt: string,
  extra: Partial<FiatMovement> = {},
): FiatMovement => ({
  movementId: `M-${(sequence += 1)}`,
  kind,
  clientId,
  currency: 'TWD',
  amountMinor,
  throughCollector: false,
  receiptIds: [],
  occurredAt,
  ...extra,
});
const statement = (
  openingBalanceMinor: bigint,
  lines: TrustStatement['lines'] = [],
): TrustStatement => ({
  accountId: 'TRUST-1',
  currency: 'TWD',
  from: '2026-11-24T00:00:00.000Z',
  to: '2026-11-24T23:59:59.999Z',
  openingBalanceMinor,
  lines,
});

describe('TW-10 / TW-11 client fiat in trust', () => {
  it("TW-10 given receipts and payouts, then each client's balance; a negative balance shows but counts as zero in the total owed", () => {
    const run = fiatTrustRun(
      [
        movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z'),
        movement('paid-out', 'alice', 2_500n, '2026-11-24T02:00:00.000Z'),
        movement('paid-out', 'bob', 300n, '2026-11-24T02:00:00.000Z'),
      ],
      [statement(7_500n)],
      DAY,
      'TWD',
      TW,
    );
    expect(run.lines).toEqual([
      { clientId: 'alice', balanceMinor: 7_500n, countedMinor: 7_500n },
      { clientId: 'bob', balanceMinor: -300n, countedMinor: 0n },
    ]);
    expect(run).toMatchObject({ owedMinor: 7_500n, trustBalanceMinor: 7_500n, difference: null });
  });

  it('TW-10 given a receipt at the cut-off second, then it counts on the next business day; one millisecond before, on this one', () => {
    const before = fiatTrustRun(
      [movement('received', 'alice', 100n, '2026-11-24T07:29:59.999Z')],
      [],
      DAY,
      'TWD',
      TW,
    );
    const at = fiatTrustRun(
      [movement('received', 'alice', 100n, '2026-11-24T07:30:00.000Z')],
      [],
      DAY,
      'TWD',
      TW,
    );
    expect([
      before.owedMinor,
      before.movementsDeferred,
      at.owedMinor,
      at.movementsDeferred,
    ]).toEqual([100n, 0, 0n, 1]);
  });

  it('TW-11 given fiat collected by a third party and not yet settled, then it counts as owed and as held in transit; once settled, the trust account holds it', () => {
    const collected = movement('received', 'carol', 5_000n, '2026-11-24T03:00:00.000Z', {
      throughCollector: true,
    });
    const open = fiatTrustRun([collected], [statement(0n)], DAY, 'TWD', TW);
    expect(open).toMatchObject({
      owedMinor: 5_000n,
      inTransitMinor: 5_000n,
      trustBalanceMinor: 0n,
      difference: null,
    });
    const settled = fiatTrustRun(
      [
        collected,
        movement('collector-settled', null, 5_000n, '2026-11-24T06:00:00.000Z', {
          receiptIds: [collected.movementId],
        }),
      ],
      [
        statement(0n, [
          { bookedAt: '2026-11-24T06:00:00.000Z', reference: 'CVS-7', amountMinor: 5_000n },
        ]),
      ],
      DAY,
      'TWD',
      TW,
    );
    expect(settled).toMatchObject({
      inTransitMinor: 0n,
      trustBalanceMinor: 5_000n,
      difference: null,
    });
  });

  it('TW-11 given the trust account one minor unit short at the close, then a shortfall of 1; a line booked after the cut-off does not count', () => {
    const run = fiatTrustRun(
      [movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z')],
      [
        statement(9_999n, [
          { bookedAt: '2026-11-24T08:00:00.000Z', reference: 'late', amountMinor: 1n },
        ]),
      ],
      DAY,
      'TWD',
      TW,
    );
    expect(run.difference).toEqual({
      asset: 'TWD',
      source: 'trust-account',
      kind: 'shortfall',
      amountMinor: 1n,
      owedMinor: 10_000n,
      heldMinor: 9_999n,
      wallets: ['TRUST-1'],
    });
  });

  it('TW-11 given no statement covering the close, then no verdict: the trust balance is unknown, not zero', () => {
    const run = fiatTrustRun(
      [movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z')],
      [{ ...statement(10_000n), from: '2026-11-23T00:00:00.000Z', to: '2026-11-23T23:59:59.999Z' }],
      DAY,
      'TWD',
      TW,
    );
    expect(run).toMatchObject({ trustBalanceMinor: null, difference: null });
  });

  it('TW-11 a fiat shortfall is due within 2 business days (a crypto one within 5)', () => {
    const difference = {
      asset: 'TWD',
      source: 'trust-account' as const,
      kind: 'shortfall' as const,
      amountMinor: 1n,
      owedMinor: 2n,
      heldMinor: 1n,
      wallets: ['TRUST-1'],
    };
    const detected = decideDiscrepancy(
      {
        type: 'DetectDiscrepancy',
        discrepancyId: 'D',
        difference,
        runId: 'R',
        businessDay: '2026-11-26',
        explainWithinMs: 1,
        at: '2026-11-26T02:00:00.000Z',
      },
      undefined,
      TW,
    );
    expect(
      detected.ok && detected.events[0]?.type === 'DiscrepancyDetected'
        ? detected.events[0].data.topUpDueOn
        : undefined,
    ).toBe('2026-11-30'); // Thursday + 2 business days: Monday
  });
});

describe('trust account statements in CSV', () => {
  it('given lines that add up, then amounts in minor units with their instants', () => {
    const parsed = parseTrustStatementCsv(
      'booked_at,reference,description,amount,balance\n2026-11-24T09:00:00+08:00,DEP-1,deposit alice,1500.00,2500.00\n2026-11-24T10:00:00+08:00,PAY-1,payout bob,-250.5,2249.50\n',
      'TWD',
      100_000n,
    );
    expect(parsed).toEqual({
      ok: true,
      lines: [
        { bookedAt: '2026-11-24T01:00:00.000Z', reference: 'DEP-1', amountMinor: 150_000n },
        { bookedAt: '2026-11-24T02:00:00.000Z', reference: 'PAY-1', amountMinor: -25_050n },
      ],
    });
  });

  it('given a balance that does not follow, a third decimal, a time without zone or a missing column, then every problem with its line and column', () => {
    const parsed = parseTrustStatementCsv(
      'booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,A,10.00,11.00\n2026-11-24T10:00:00,B,1.005,12.00\n',
      'TWD',
      0n,
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        {
          line: 2,
          column: 'balance',
          reason: 'the running balance is 1000 minor units, the statement says 1100',
        },
        { line: 3, column: 'booked_at', reason: 'an ISO 8601 instant with its zone' },
        { line: 3, column: 'amount', reason: 'a decimal with at most 2 decimals' },
      ],
    });
    expect(
      parseTrustStatementCsv(
        'booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,A,--5,5.00\n',
        'TWD',
        0n,
      ),
    ).toMatchObject({ ok: false, problems: [{ line: 2, column: 'amount' }] });
    expect(parseTrustStatementCsv('date,amount\n', 'TWD', 0n)).toMatchObject({
      ok: false,
      problems: [{ column: 'booked_at' }, { column: 'reference' }, { column: 'balance' }],
    });
    expect(parseTrustStatementCsv('booked_at,reference,amount,balance\n', 'XAU', 0n)).toMatchObject(
      { ok: false, problems: [{ column: 'currency' }] },
    );
  });
});

describe('TW-11 the trust check: held against owed, to the minor unit', () => {
  const owedTen = [movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z')];

  it('TW-11 given the trust account holding exactly what is owed, then no difference', () => {
    expect(fiatTrustRun(owedTen, [statement(10_000n)], DAY, 'TWD', TW)).toMatchObject({
      owedMinor: 10_000n,
      trustBalanceMinor: 10_000n,
      difference: null,
    });
  });

  it('TW-11 given one minor unit more held than owed, then a surplus of 1, not a shortfall', () => {
    expect(fiatTrustRun(owedTen, [statement(10_001n)], DAY, 'TWD', TW).difference).toEqual({
      asset: 'TWD',
      source: 'trust-account',
      kind: 'surplus',
      amountMinor: 1n,
      owedMinor: 10_000n,
      heldMinor: 10_001n,
      wallets: ['TRUST-1'],
    });
  });

  it('TW-11 given one minor unit less held than owed, then a shortfall of 1', () => {
    expect(fiatTrustRun(owedTen, [statement(9_999n)], DAY, 'TWD', TW).difference).toEqual({
      asset: 'TWD',
      source: 'trust-account',
      kind: 'shortfall',
      amountMinor: 1n,
      owedMinor: 10_000n,
      heldMinor: 9_999n,
      wallets: ['TRUST-1'],
    });
  });

  it('TW-11 given fiat in transit with a collector, then it counts as held beside the trust accounts', () => {
    const collected = movement('received', 'carol', 3_000n, '2026-11-24T03:00:00.000Z', {
      throughCollector: true,
    });
    expect(
      fiatTrustRun([...owedTen, collected], [statement(9_000n)], DAY, 'TWD', TW).difference,
    ).toEqual({
      asset: 'TWD',
      source: 'trust-account',
      kind: 'shortfall',
      amountMinor: 1_000n,
      owedMinor: 13_000n,
      heldMinor: 12_000n,
      wallets: ['TRUST-1'],
    });
  });

  it('TW-10 given the whole run, then every figure: the close, the client lines in order, the accounts, what was counted and deferred', () => {
    const movements = [
      movement('received', 'zoe', 500n, '2026-11-24T01:00:00.000Z'),
      movement('received', 'alice', 700n, '2026-11-24T02:00:00.000Z'),
      movement('received', 'alice', 50n, '2026-11-24T02:30:00.000Z', { currency: 'HKD' }), // another currency: not in this run at all
      movement('received', 'bob', 90n, '2026-11-24T07:30:00.000Z'), // at the cut-off: tomorrow
    ];
    const second = { ...statement(300n), accountId: 'TRUST-0' };
    const hkd = { ...statement(1_000_000n), accountId: 'TRUST-HKD', currency: 'HKD' };
    expect(fiatTrustRun(movements, [statement(900n), hkd, second], DAY, 'TWD', TW)).toEqual({
      businessDay: DAY,
      currency: 'TWD',
      cutOff: '2026-11-24T07:30:00.000Z',
      lines: [
        { clientId: 'alice', balanceMinor: 700n, countedMinor: 700n },
        { clientId: 'zoe', balanceMinor: 500n, countedMinor: 500n },
      ],
      owedMinor: 1_200n,
      inTransitMinor: 0n,
      trustBalanceMinor: 1_200n,
      accounts: [
        { accountId: 'TRUST-0', balanceMinor: 300n },
        { accountId: 'TRUST-1', balanceMinor: 900n },
      ],
      difference: null,
      movementsCounted: 2,
      movementsDeferred: 1,
    });
  });

  it('TW-11 given two accounts of which one has no statement covering the close, then no verdict', () => {
    const uncovered = {
      ...statement(5_000n),
      accountId: 'TRUST-2',
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-23T23:59:59.999Z',
    };
    expect(fiatTrustRun(owedTen, [statement(10_000n), uncovered], DAY, 'TWD', TW)).toMatchObject({
      trustBalanceMinor: null,
      difference: null,
      accounts: [{ accountId: 'TRUST-1', balanceMinor: 10_000n }],
    });
  });

  it('TW-11 given no statement at all in the currency, then no verdict', () => {
    expect(
      fiatTrustRun(owedTen, [{ ...statement(10_000n), currency: 'HKD' }], DAY, 'TWD', TW),
    ).toMatchObject({ trustBalanceMinor: null, difference: null, accounts: [] });
  });

  it('TW-11 given an account with several statements, then the balance from the one whose period holds the close', () => {
    const yesterday = {
      ...statement(1n),
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-23T23:59:59.999Z',
    };
    expect(fiatTrustRun(owedTen, [yesterday, statement(10_000n)], DAY, 'TWD', TW)).toMatchObject({
      trustBalanceMinor: 10_000n,
      difference: null,
    });
  });

  it('TW-11 given a settlement of several receipts, then only the receipts it names leave transit', () => {
    const first = movement('received', 'carol', 1_000n, '2026-11-24T01:00:00.000Z', {
      throughCollector: true,
    });
    const second = movement('received', 'dave', 2_000n, '2026-11-24T01:00:00.000Z', {
      throughCollector: true,
    });
    const third = movement('received', 'erin', 4_000n, '2026-11-24T01:00:00.000Z', {
      throughCollector: true,
    });
    const settlement = movement('collector-settled', null, 3_000n, '2026-11-24T02:00:00.000Z', {
      receiptIds: [first.movementId, second.movementId],
    });
    const run = fiatTrustRun(
      [
        first,
        second,
        third,
        settlement,
        movement('received', 'frank', 8_000n, '2026-11-24T01:00:00.000Z'),
      ],
      [statement(11_000n)],
      DAY,
      'TWD',
      TW,
    );
    expect(run).toMatchObject({
      owedMinor: 15_000n,
      inTransitMinor: 4_000n,
      trustBalanceMinor: 11_000n,
      difference: null,
      movementsCounted: 5,
    });
  });

  it('TW-11 given a settlement after the cut-off, then its receipts are still in transit at this close', () => {
    const collected = movement('received', 'carol', 1_000n, '2026-11-24T01:00:00.000Z', {
      throughCollector: true,
    });
    const late = movement('collector-settled', null, 1_000n, '2026-11-24T08:00:00.000Z', {
      receiptIds: [collected.movementId],
    });
    expect(fiatTrustRun([collected, late], [statement(0n)], DAY, 'TWD', TW)).toMatchObject({
      inTransitMinor: 1_000n,
      difference: null,
      movementsCounted: 1,
      movementsDeferred: 1,
    });
  });

  it('TW-11 given a payout marked as through a collector, then nothing is in transit: only receipts are collected for clients', () => {
    const run = fiatTrustRun(
      [
        movement('received', 'alice', 1_000n, '2026-11-24T01:00:00.000Z'),
        movement('paid-out', 'alice', 400n, '2026-11-24T02:00:00.000Z', { throughCollector: true }),
      ],
      [statement(600n)],
      DAY,
      'TWD',
      TW,
    );
    expect(run).toMatchObject({ owedMinor: 600n, inTransitMinor: 0n, difference: null });
  });

  it("TW-11 given one account number kept in two currencies (a multi-currency account), then only this currency's statement counts", () => {
    const hkd = { ...statement(999_999n), currency: 'HKD' };
    expect(fiatTrustRun(owedTen, [hkd, statement(10_000n)], DAY, 'TWD', TW)).toMatchObject({
      accounts: [{ accountId: 'TRUST-1', balanceMinor: 10_000n }],
      trustBalanceMinor: 10_000n,
      difference: null,
    });
  });

  it('given a receipt or payout that names no client, then an assertion fails', () => {
    expect(() =>
      fiatTrustRun(
        [movement('received', null, 1n, '2026-11-24T01:00:00.000Z')],
        [],
        DAY,
        'TWD',
        TW,
      ),
    ).toThrow('names no client');
  });
});

describe("a trust statement's balance at an instant", () => {
  const lines = [
    { bookedAt: '2026-11-24T03:00:00.000Z', reference: 'A', amountMinor: 100n },
    { bookedAt: '2026-11-24T05:00:00.000Z', reference: 'B', amountMinor: -30n },
  ];
  it('given an instant inside the period, then the opening balance plus the lines booked strictly before it', () => {
    expect(statementBalanceAt(statement(1_000n, lines), '2026-11-24T03:00:00.000Z')).toBe(1_000n);
    expect(statementBalanceAt(statement(1_000n, lines), '2026-11-24T03:00:00.001Z')).toBe(1_100n);
    expect(statementBalanceAt(statement(1_000n, lines), '2026-11-24T06:00:00.000Z')).toBe(1_070n);
  });

  it('given the first and the last instant of the period, then inside; one millisecond outside either, nothing', () => {
    expect(statementBalanceAt(statement(1_000n, lines), '2026-11-24T00:00:00.000Z')).toBe(1_000n);
    expect(statementBalanceAt(statement(1_000n, lines), '2026-11-24T23:59:59.999Z')).toBe(1_070n);
    expect(
      statementBalanceAt(statement(1_000n, lines), '2026-11-23T23:59:59.999Z'),
    ).toBeUndefined();
    expect(
      statementBalanceAt(statement(1_000n, lines), '2026-11-25T00:00:00.000Z'),
    ).toBeUndefined();
  });
});

describe('trust account statements in CSV: each rule of the format', () => {
  const HEADER = 'booked_at,reference,amount,balance';
  const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
  const problemsOf = (parsed: ReturnType<typeof parseTrustStatementCsv>) =>
    parsed.ok ? 'accepted' : parsed.problems.map((problem) => [problem.line, problem.column]);

  it('given Windows line ends, blank lines, spaces around cells and a header in any case, then the same lines', () => {
    const parsed = parseTrustStatementCsv(
      ' Booked_At , REFERENCE,Amount ,balance\r\n\r\n 2026-11-24T01:00:00Z , DEP-1 , 1.50 , 1.50 \r\n   \r\n2026-11-24T02:00:00-05:00,DEP-2,0.01,1.51\r\n',
      'TWD',
      0n,
    );
    expect(parsed).toEqual({
      ok: true,
      lines: [
        { bookedAt: '2026-11-24T01:00:00.000Z', reference: 'DEP-1', amountMinor: 150n },
        { bookedAt: '2026-11-24T07:00:00.000Z', reference: 'DEP-2', amountMinor: 1n },
      ],
    });
  });

  it('given columns in another order among others, then each is read by its name', () => {
    const parsed = parseTrustStatementCsv(
      'balance,note,amount,reference,booked_at\n12.00,x,2.00,R-1,2026-11-24T01:00:00Z\n',
      'TWD',
      1_000n,
    );
    expect(parsed).toEqual({
      ok: true,
      lines: [{ bookedAt: '2026-11-24T01:00:00.000Z', reference: 'R-1', amountMinor: 200n }],
    });
  });

  it('given a currency without minor units (JPY), then whole amounts only; a currency with 2, then at most 2 decimals', () => {
    expect(parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,J-1,1500,1500'), 'JPY', 0n)).toEqual({
      ok: true,
      lines: [{ bookedAt: '2026-11-24T01:00:00.000Z', reference: 'J-1', amountMinor: 1_500n }],
    });
    expect(
      problemsOf(parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,J-1,1500.5,1500.5'), 'JPY', 0n)),
    ).toEqual([
      [2, 'amount'],
      [2, 'balance'],
    ]);
    expect(
      parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,U-1,-0.01,9.99'), 'USD', 1_000n),
    ).toEqual({
      ok: true,
      lines: [{ bookedAt: '2026-11-24T01:00:00.000Z', reference: 'U-1', amountMinor: -1n }],
    });
    expect(
      parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,U-1,2.500,12.50'), 'USD', 1_000n),
    ).toEqual({
      ok: true,
      lines: [{ bookedAt: '2026-11-24T01:00:00.000Z', reference: 'U-1', amountMinor: 250n }],
    }); // trailing zeros are not finer
  });

  it('given amounts that are not plain decimals (a second sign, a plus, a bare point, leading zeros, an exponent, a space), then refused', () => {
    for (const amount of ['--1.00', '+1.00', '1.', '.50', '01.00', '1e2', '1 00', '-', '', 'abc']) {
      expect([
        amount,
        problemsOf(
          parseTrustStatementCsv(csv(`2026-11-24T01:00:00Z,A-1,${amount},1.00`), 'TWD', 0n),
        ),
      ]).toEqual([amount, [[2, 'amount']]]);
    }
  });

  it("given a booked_at with a zone (Z, +hh:mm, -hh:mm), then accepted; without one (a zone in a comment is none: the server's zone would apply), or not a date, refused", () => {
    for (const booked of [
      '2026-11-24T01:00:00Z',
      '2026-11-24T09:00:00+08:00',
      '2026-11-23T20:00:00-05:00',
    ])
      expect(parseTrustStatementCsv(csv(`${booked},A-1,1.00,1.00`), 'TWD', 0n)).toEqual({
        ok: true,
        lines: [{ bookedAt: '2026-11-24T01:00:00.000Z', reference: 'A-1', amountMinor: 100n }],
      });
    for (const booked of [
      '2026-11-24T01:00:00',
      'Nov 24 2026 01:00:00 (Z)',
      '2026-11-24T01:00:00+0800',
      '2026-13-24T01:00:00Z',
      'Z',
      '',
    ])
      expect([
        booked,
        problemsOf(parseTrustStatementCsv(csv(`${booked},A-1,1.00,1.00`), 'TWD', 0n)),
      ]).toEqual([booked, [[2, 'booked_at']]]);
  });

  it('given a reference of 200 characters, then accepted; empty or of 201, refused', () => {
    expect(
      parseTrustStatementCsv(csv(`2026-11-24T01:00:00Z,${'r'.repeat(200)},1.00,1.00`), 'TWD', 0n),
    ).toMatchObject({ ok: true });
    for (const reference of ['', 'r'.repeat(201)])
      expect(
        problemsOf(
          parseTrustStatementCsv(csv(`2026-11-24T01:00:00Z,${reference},1.00,1.00`), 'TWD', 0n),
        ),
      ).toEqual([[2, 'reference']]);
  });

  it('given a short row, then each missing cell is a problem of its own', () => {
    expect(problemsOf(parseTrustStatementCsv(csv('2026-11-24T01:00:00Z'), 'TWD', 0n))).toEqual([
      [2, 'reference'],
      [2, 'amount'],
      [2, 'balance'],
    ]);
  });

  it('given one line whose balance is wrong, then that line only: the next is checked from the balance it states', () => {
    const parsed = parseTrustStatementCsv(
      csv(
        '2026-11-24T01:00:00Z,A,1.00,1.00',
        '2026-11-24T02:00:00Z,B,1.00,5.00',
        '2026-11-24T03:00:00Z,C,1.00,6.00',
        '2026-11-24T04:00:00Z,D,1.00,6.00',
      ),
      'TWD',
      0n,
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        {
          line: 3,
          column: 'balance',
          reason: 'the running balance is 200 minor units, the statement says 500',
        },
        {
          line: 5,
          column: 'balance',
          reason: 'the running balance is 700 minor units, the statement says 600',
        },
      ],
    });
  });

  it('given a good amount but a balance that is no amount, then that balance only: no running balance is compared with it', () => {
    expect(
      problemsOf(parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,A,1.00,1.005'), 'TWD', 0n)),
    ).toEqual([[2, 'balance']]);
  });

  it('given an opening balance, then the first line is checked from it', () => {
    expect(
      parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,A,1.00,3.00'), 'TWD', 200n),
    ).toMatchObject({ ok: true });
    expect(
      problemsOf(parseTrustStatementCsv(csv('2026-11-24T01:00:00Z,A,1.00,3.00'), 'TWD', 0n)),
    ).toEqual([[2, 'balance']]);
  });

  it('given an instant that is not a date but amounts that add up, then refused for that column only', () => {
    expect(
      problemsOf(parseTrustStatementCsv(csv('2026-02-30T99:00:00Z,A,1.00,1.00'), 'TWD', 0n)),
    ).toEqual([[2, 'booked_at']]);
  });

  it('given nothing at all, then every column is missing from the header (line 1)', () => {
    expect(problemsOf(parseTrustStatementCsv('', 'TWD', 0n))).toEqual([
      [1, 'booked_at'],
      [1, 'reference'],
      [1, 'amount'],
      [1, 'balance'],
    ]);
  });

  it('given a header alone, then a statement without lines', () => {
    expect(parseTrustStatementCsv(`${HEADER}\n`, 'TWD', 0n)).toEqual({ ok: true, lines: [] });
  });

  it(`given ${STATEMENT_LINES_MAX} lines, then the size is no problem; one more, then refused for its size before anything else is read`, () => {
    expect(STATEMENT_LINES_MAX).toBe(100_000);
    const lines = 'x\n'.repeat(STATEMENT_LINES_MAX); // a header without the needed columns: refused for it without reading the lines
    expect(problemsOf(parseTrustStatementCsv(`date,amount\n${lines}`, 'TWD', 0n))).toEqual([
      [1, 'booked_at'],
      [1, 'reference'],
      [1, 'balance'],
    ]);
    expect(problemsOf(parseTrustStatementCsv(`date,amount\n${lines}x\n`, 'TWD', 0n))).toEqual([
      [0, ''],
    ]);
  });
});
