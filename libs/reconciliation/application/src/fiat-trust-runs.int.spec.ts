import { EXCHANGE_FIAT_TOPIC } from '@custody/contracts';
import type { InboxConsumer, InProcessMessageBus } from '@custody/messaging';
import type { DiscrepancyEvent } from '@custody/reconciliation-domain';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import type { Discrepancies } from './discrepancies';
import type { FiatTrustRuns } from './fiat-trust-runs';
import { envelope, startReconciliation, WAIT_MS } from './reconciliation.fixture';

const fiat = (data: Record<string, unknown>) =>
  envelope(
    'FiatMovementRecorded',
    `fiat-${String(data['movementId'])}`,
    data,
    '2026-11-24T08:00:00.000Z',
  );

/**
 * TW-10 / TW-11 over real PostgreSQL and the in-process bus: fiat movements from exchange.fiat.v1,
 * the trust account registered and its bank statements imported as CSV by maker-checker (only
 * approved ones count), a daily run per currency against them with
 * third-party collections counted in transit, and a shortfall due within 2 business days.
 */
describe('fiat in trust: daily runs against the trust account statements (PostgreSQL)', () => {
  let db: TestDatabase;
  let consumer: InboxConsumer;
  let bus: InProcessMessageBus;
  let fiatRuns: FiatTrustRuns;
  let discrepancies: Discrepancies;
  const notified: DiscrepancyEvent[] = [];
  let tuesdayId = '';
  /** Imported by one person, approved by another: only then does it count. */
  const importApproved = async (input: Parameters<FiatTrustRuns['importStatement']>[0]) => {
    const imported = await fiatRuns.importStatement(input);
    if (!imported.ok) throw new Error(`${imported.error.code}: ${imported.error.reason}`);
    expect(
      await fiatRuns.decideStatement({
        statementId: imported.statement.statementId,
        decision: 'approve',
        reason: '',
        by: 'approver-1',
      }),
    ).toMatchObject({ ok: true });
  };
  const statementOfTuesday =
    'booked_at,reference,description,amount,balance\n2026-11-24T09:10:00+08:00,DEP-A1,alice,100.00,100.00\n2026-11-24T16:00:00+08:00,LATE-1,after the close,7.00,107.00\n';

  beforeAll(async () => {
    db = await createTestDatabase();
    const started = await startReconciliation({
      db,
      now: () => new Date('2026-11-26T02:00:00.000Z'),
      notified,
      fiat: true,
    });
    ({ discrepancies, bus, consumer } = started);
    if (!started.fiatRuns) throw new Error('the fiat trust runs were not started');
    fiatRuns = started.fiatRuns;
  });
  afterAll(async () => {
    await consumer?.stop();
    await db?.drop();
  });

  it("TW-11 given alice's 100.00 in the trust account and carol's 50.00 still with a collector, then owed 150.00 and held 100.00 + 50.00 in transit: no difference", async () => {
    const movements = [
      fiat({
        kind: 'received',
        movementId: 'F-1',
        clientId: 'alice',
        currency: 'TWD',
        amountMinor: '10000',
        channel: 'trust-account',
        collectorId: null,
        occurredAt: '2026-11-24T01:10:00.000Z',
      }),
      fiat({
        kind: 'received',
        movementId: 'F-2',
        clientId: 'carol',
        currency: 'TWD',
        amountMinor: '5000',
        channel: 'third-party-collector',
        collectorId: 'cvs-7',
        occurredAt: '2026-11-24T03:00:00.000Z',
      }),
    ];
    await bus.publisher.publish(
      EXCHANGE_FIAT_TOPIC,
      movements.map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
    );
    await eventually(
      async () =>
        (await db.pool.query('select count(*)::int as n from recon.recon_fiat_movements')).rows[0]
          ?.n === 2,
      WAIT_MS,
    );
    expect(
      await fiatRuns.requestAccount({
        accountId: 'TRUST-1',
        currency: 'TWD',
        bank: 'Bank of Taiwan',
        accountName: 'client money 1',
        openingBalanceMinor: 0n,
        openingBalanceAt: '2026-11-24T00:00:00+08:00',
        by: 'ops-1',
      }),
    ).toMatchObject({ ok: true, account: { registration: { status: 'pending' } } });
    expect(
      await fiatRuns.decideAccount({
        accountId: 'TRUST-1',
        decision: 'approve',
        reason: '',
        by: 'ops-1',
      }),
    ).toMatchObject({ ok: false, error: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      await fiatRuns.decideAccount({
        accountId: 'TRUST-1',
        decision: 'approve',
        reason: '',
        by: 'approver-1',
      }),
    ).toMatchObject({
      ok: true,
      account: { registration: { status: 'approved', decidedBy: 'approver-1' } },
    });
    const imported = await fiatRuns.importStatement({
      accountId: 'TRUST-1',
      currency: 'TWD',
      from: '2026-11-24T00:00:00+08:00',
      to: '2026-11-25T00:00:00+08:00',
      openingBalanceMinor: 0n,
      csv: statementOfTuesday,
      by: 'ops-1',
    });
    expect(imported).toMatchObject({
      ok: true,
      statement: {
        statementId: expect.stringMatching(/^TRUST-1:2026-11-23T16:00:00.000Z:[0-9a-f]{16}$/),
        lineCount: 2,
        closingBalanceMinor: 10_700n,
        status: 'pending',
      },
    });
    tuesdayId = imported.ok ? imported.statement.statementId : '';
    // pending: nobody but its importer vouches for it, so it says nothing about the trust account yet
    expect(await fiatRuns.run('2026-11-24', 'TWD')).toMatchObject({
      trustBalanceMinor: null,
      statements: [],
    });
    expect(
      await fiatRuns.decideStatement({
        statementId: tuesdayId,
        decision: 'approve',
        reason: '',
        by: 'ops-1',
      }),
    ).toMatchObject({ ok: false, error: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      await fiatRuns.decideStatement({
        statementId: tuesdayId,
        decision: 'approve',
        reason: '',
        by: 'approver-1',
      }),
    ).toMatchObject({ ok: true, statement: { status: 'approved' } });
    const run = await fiatRuns.run('2026-11-24', 'TWD');
    expect(run).toMatchObject({
      owedMinor: 15_000n,
      trustBalanceMinor: 10_000n,
      inTransitMinor: 5_000n,
      differences: [],
      lineCount: 2,
    });
    expect(await fiatRuns.lines(run.runId, 10)).toEqual([
      { clientId: 'alice', balanceMinor: '10000', countedMinor: '10000' },
      { clientId: 'carol', balanceMinor: '5000', countedMinor: '5000' },
    ]);
  });

  it('a statement imported again changes nothing; another one overlapping its period, one that does not add up, one of an unregistered account or one opening at another balance than the last approved closing is refused', async () => {
    const again = await fiatRuns.importStatement({
      accountId: 'TRUST-1',
      currency: 'TWD',
      from: '2026-11-24T00:00:00+08:00',
      to: '2026-11-25T00:00:00+08:00',
      openingBalanceMinor: 0n,
      csv: statementOfTuesday,
      by: 'ops-2',
    });
    expect(again).toMatchObject({
      ok: true,
      statement: { statementId: tuesdayId, submittedBy: 'ops-1', status: 'approved' },
    });
    const overlapping = await fiatRuns.importStatement({
      accountId: 'TRUST-1',
      currency: 'TWD',
      from: '2026-11-24T12:00:00+08:00',
      to: '2026-11-25T12:00:00+08:00',
      openingBalanceMinor: 10_000n,
      csv: 'booked_at,reference,amount,balance\n',
      by: 'ops-1',
    });
    expect(overlapping).toMatchObject({
      ok: false,
      error: { code: 'STATEMENT_OVERLAPS', path: 'from' },
    });
    const wrong = await fiatRuns.importStatement({
      accountId: 'TRUST-2',
      currency: 'TWD',
      from: '2026-11-24T00:00:00+08:00',
      to: '2026-11-25T00:00:00+08:00',
      openingBalanceMinor: 0n,
      csv: 'booked_at,reference,amount,balance\n2026-11-24T09:00:00+08:00,X,1.00,2.00\n',
      by: 'ops-1',
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'STATEMENT_INVALID', problems: [{ line: 2, column: 'balance' }] },
    });
    const unregistered = await fiatRuns.importStatement({
      accountId: 'TRUST-2',
      currency: 'TWD',
      from: '2026-11-24T00:00:00+08:00',
      to: '2026-11-25T00:00:00+08:00',
      openingBalanceMinor: 0n,
      csv: 'booked_at,reference,amount,balance\n',
      by: 'ops-1',
    });
    expect(unregistered).toMatchObject({
      ok: false,
      error: { code: 'TRUST_ACCOUNT_UNKNOWN', path: 'accountId' },
    });
    const hiding = await fiatRuns.importStatement({
      accountId: 'TRUST-1',
      currency: 'TWD',
      from: '2026-11-25T00:00:00+08:00',
      to: '2026-11-26T00:00:00+08:00',
      openingBalanceMinor: 50_000n,
      csv: 'booked_at,reference,amount,balance\n',
      by: 'ops-1',
    });
    expect(hiding).toMatchObject({
      ok: false,
      error: {
        code: 'OPENING_BALANCE_MISMATCH',
        path: 'openingBalanceMinor',
        reason: expect.stringMatching(/opens at 50000 .* closed at 10700/),
      },
    });
  });

  it("TW-11 given Wednesday's payout to alice debited twice by the bank, then a shortfall of 13.00 (20.00 debited twice, less 7.00 credited after Tuesday's close) due within 2 business days; fixed by a top-up, the next run confirms and closes it", async () => {
    await bus.publisher.publish(
      EXCHANGE_FIAT_TOPIC,
      [
        fiat({
          kind: 'paid-out',
          movementId: 'F-3',
          clientId: 'alice',
          currency: 'TWD',
          amountMinor: '2000',
          occurredAt: '2026-11-25T02:00:00.000Z',
        }),
      ].map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
    );
    await eventually(
      async () =>
        (await db.pool.query('select count(*)::int as n from recon.recon_fiat_movements')).rows[0]
          ?.n === 3,
      WAIT_MS,
    );
    const wednesday =
      'booked_at,reference,amount,balance\n2026-11-25T10:00:00+08:00,PAY-F3,-20.00,87.00\n2026-11-25T10:00:01+08:00,PAY-F3-DUP,-20.00,67.00\n';
    await importApproved({
      accountId: 'TRUST-1',
      currency: 'TWD',
      from: '2026-11-25T00:00:00+08:00',
      to: '2026-11-26T00:00:00+08:00',
      openingBalanceMinor: 10_700n,
      csv: wednesday,
      by: 'ops-1',
    });
    const run = await fiatRuns.run('2026-11-25', 'TWD');
    // owed: alice 80.00 + carol 50.00; held: 67.00 in the account (the late 7.00 of Tuesday included) + 50.00 in transit
    expect(run).toMatchObject({
      owedMinor: 13_000n,
      trustBalanceMinor: 6_700n,
      inTransitMinor: 5_000n,
      differences: [{ kind: 'shortfall', amountMinor: 1_300n }],
    });
    const discrepancyId = run.opened[0] ?? '';
    // the run of Wednesday 25th made on Thursday 26th (10:00 in Taipei) found it on the 26th: due 2 business days from the 27th
    expect(await discrepancies.discrepancy(discrepancyId)).toMatchObject({
      difference: { source: 'trust-account', asset: 'TWD' },
      discoveredOn: '2026-11-26',
      businessDay: '2026-11-25',
      topUpDueOn: '2026-11-30',
    });
    expect(notified.map((event) => event.type)).toEqual(['DiscrepancyDetected']);

    expect(
      (
        await discrepancies.act(discrepancyId, {
          type: 'RecordTopUp',
          amountMinor: 1_300n,
          reference: 'TOPUP-1',
          by: 'treasury-1',
          at: '2026-11-26T02:00:00.000Z',
        })
      ).ok,
    ).toBe(true);
    const thursday =
      'booked_at,reference,amount,balance\n2026-11-26T09:00:00+08:00,TOPUP-1,13.00,80.00\n';
    await importApproved({
      accountId: 'TRUST-1',
      currency: 'TWD',
      from: '2026-11-26T00:00:00+08:00',
      to: '2026-11-27T00:00:00+08:00',
      openingBalanceMinor: 6_700n,
      csv: thursday,
      by: 'ops-1',
    });
    const next = await fiatRuns.run('2026-11-26', 'TWD');
    expect(next).toMatchObject({
      trustBalanceMinor: 8_000n,
      differences: [],
      confirmedGone: [discrepancyId],
    });
    expect(await discrepancies.discrepancy(discrepancyId)).toMatchObject({ status: 'closed' });
  });

  it('TW-11 without a statement covering the close there is no verdict, and the run confirms nothing gone', async () => {
    const run = await fiatRuns.run('2026-12-01', 'TWD');
    expect(run).toMatchObject({ trustBalanceMinor: null, differences: [], confirmedGone: [] });
  });
});
