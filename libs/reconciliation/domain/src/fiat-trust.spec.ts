import type { BusinessCalendar } from './business-calendar';
import { decideDiscrepancy } from './discrepancy';
import { fiatTrustRun, parseTrustStatementCsv, type FiatMovement, type TrustStatement } from './fiat-trust';

// Taipei: cut-off 15:30 local (07:30 UTC)
const TW: BusinessCalendar = { jurisdiction: 'TW', timeZone: 'Asia/Taipei', cutOff: '15:30', weekendDays: [0, 6], holidays: new Set() };
const DAY = '2026-11-24';
let sequence = 0;
const movement = (kind: FiatMovement['kind'], clientId: string | null, amountMinor: bigint, occurredAt: string, extra: Partial<FiatMovement> = {}): FiatMovement => ({
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
const statement = (openingBalanceMinor: bigint, lines: TrustStatement['lines'] = []): TrustStatement => ({ accountId: 'TRUST-1', currency: 'TWD', from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T23:59:59.999Z', openingBalanceMinor, lines });

describe('TW-10 / TW-11 client fiat in trust', () => {
  it('TW-10 given receipts and payouts, then each client\'s balance; a negative balance shows but counts as zero in the total owed', () => {
    const run = fiatTrustRun([movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z'), movement('paid-out', 'alice', 2_500n, '2026-11-24T02:00:00.000Z'), movement('paid-out', 'bob', 300n, '2026-11-24T02:00:00.000Z')], [statement(7_500n)], DAY, 'TWD', TW);
    expect(run.lines).toEqual([{ clientId: 'alice', balanceMinor: 7_500n, countedMinor: 7_500n }, { clientId: 'bob', balanceMinor: -300n, countedMinor: 0n }]);
    expect(run).toMatchObject({ owedMinor: 7_500n, trustBalanceMinor: 7_500n, difference: null });
  });

  it('TW-10 given a receipt at the cut-off second, then it counts on the next business day; one millisecond before, on this one', () => {
    const before = fiatTrustRun([movement('received', 'alice', 100n, '2026-11-24T07:29:59.999Z')], [], DAY, 'TWD', TW);
    const at = fiatTrustRun([movement('received', 'alice', 100n, '2026-11-24T07:30:00.000Z')], [], DAY, 'TWD', TW);
    expect([before.owedMinor, before.movementsDeferred, at.owedMinor, at.movementsDeferred]).toEqual([100n, 0, 0n, 1]);
  });

  it('TW-11 given fiat collected by a third party and not yet settled, then it counts as owed and as held in transit; once settled, the trust account holds it', () => {
    const collected = movement('received', 'carol', 5_000n, '2026-11-24T03:00:00.000Z', { throughCollector: true });
    const open = fiatTrustRun([collected], [statement(0n)], DAY, 'TWD', TW);
    expect(open).toMatchObject({ owedMinor: 5_000n, inTransitMinor: 5_000n, trustBalanceMinor: 0n, difference: null });
    const settled = fiatTrustRun([collected, movement('collector-settled', null, 5_000n, '2026-11-24T06:00:00.000Z', { receiptIds: [collected.movementId] })], [statement(0n, [{ bookedAt: '2026-11-24T06:00:00.000Z', reference: 'CVS-7', amountMinor: 5_000n }])], DAY, 'TWD', TW);
    expect(settled).toMatchObject({ inTransitMinor: 0n, trustBalanceMinor: 5_000n, difference: null });
  });

  it('TW-11 given the trust account one minor unit short at the close, then a shortfall of 1; a line booked after the cut-off does not count', () => {
    const run = fiatTrustRun([movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z')], [statement(9_999n, [{ bookedAt: '2026-11-24T08:00:00.000Z', reference: 'late', amountMinor: 1n }])], DAY, 'TWD', TW);
    expect(run.difference).toEqual({ asset: 'TWD', source: 'trust-account', kind: 'shortfall', amountMinor: 1n, owedMinor: 10_000n, heldMinor: 9_999n, wallets: ['TRUST-1'] });
  });

  it('TW-11 given no statement covering the close, then no verdict: the trust balance is unknown, not zero', () => {
    const run = fiatTrustRun([movement('received', 'alice', 10_000n, '2026-11-24T01:00:00.000Z')], [{ ...statement(10_000n), from: '2026-11-23T00:00:00.000Z', to: '2026-11-23T23:59:59.999Z' }], DAY, 'TWD', TW);
    expect(run).toMatchObject({ trustBalanceMinor: null, difference: null });
  });

  it('TW-11 a fiat shortfall is due within 2 business days (a crypto one within 5)', () => {
    const difference = { asset: 'TWD', source: 'trust-account' as const, kind: 'shortfall' as const, amountMinor: 1n, owedMinor: 2n, heldMinor: 1n, wallets: ['TRUST-1'] };
    const detected = decideDiscrepancy({ type: 'DetectDiscrepancy', discrepancyId: 'D', difference, runId: 'R', discoveredOn: '2026-11-26', explainWithinMs: 1, at: '2026-11-26T02:00:00.000Z' }, undefined, TW);
    expect(detected.ok && detected.events[0]?.type === 'DiscrepancyDetected' ? detected.events[0].data.topUpDueOn : undefined).toBe('2026-11-30'); // Thursday + 2 business days: Monday
  });
});

describe('trust account statements in CSV', () => {
  it('given lines that add up, then amounts in minor units with their instants', () => {
    const parsed = parseTrustStatementCsv('booked_at,reference,description,amount,balance\n2026-11-24T09:00:00+08:00,DEP-1,deposit alice,1500.00,2500.00\n2026-11-24T10:00:00+08:00,PAY-1,payout bob,-250.5,2249.50\n', 'TWD', 100_000n);
    expect(parsed).toEqual({ ok: true, lines: [{ bookedAt: '2026-11-24T01:00:00.000Z', reference: 'DEP-1', amountMinor: 150_000n }, { bookedAt: '2026-11-24T02:00:00.000Z', reference: 'PAY-1', amountMinor: -25_050n }] });
  });

  it('given a balance that does not follow, a third decimal, a time without zone or a missing column, then every problem with its line and column', () => {
    const parsed = parseTrustStatementCsv('booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,A,10.00,11.00\n2026-11-24T10:00:00,B,1.005,12.00\n', 'TWD', 0n);
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { line: 2, column: 'balance', reason: 'the running balance is 1000 minor units, the statement says 1100' },
        { line: 3, column: 'booked_at', reason: 'an ISO 8601 instant with its zone' },
        { line: 3, column: 'amount', reason: 'a decimal with at most 2 decimals' },
      ],
    });
    expect(parseTrustStatementCsv('booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,A,--5,5.00\n', 'TWD', 0n)).toMatchObject({ ok: false, problems: [{ line: 2, column: 'amount' }] });
    expect(parseTrustStatementCsv('date,amount\n', 'TWD', 0n)).toMatchObject({ ok: false, problems: [{ column: 'booked_at' }, { column: 'reference' }, { column: 'balance' }] });
    expect(parseTrustStatementCsv('booked_at,reference,amount,balance\n', 'XAU', 0n)).toMatchObject({ ok: false, problems: [{ column: 'currency' }] });
  });
});
