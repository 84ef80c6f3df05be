import { LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import type { InboxConsumer } from '@custody/messaging';
import type { DiscrepancyEvent } from '@custody/reconciliation-domain';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import type { Discrepancies } from './discrepancies';
import { reconciliationSummary } from './reconciliation-reports';
import type { ReconciliationRuns } from './reconciliation-runs';
import {
  envelope,
  startReconciliation,
  WAIT_MS,
  type ReconciliationSetUp,
} from './reconciliation.fixture';

const ETH = 10n ** 18n;
/** Tuesday 24 November 2026, 11:00 in Taipei: alice's deposit is booked. */
const BOOKED_AT = '2026-11-24T03:00:00.000Z';
/** Friday 27 November 2026, 10:00 in Taipei: three days late, the run of Tuesday is made. */
const RUN_AT = '2026-11-27T02:00:00.000Z';

/**
 * TW-14.3 for a late run, over real PostgreSQL and the in-process bus: the ledger owes alice
 * 10 ETH from Tuesday 24 November and no client wallet records or holds any of it; the TW-14 run
 * about that Tuesday is made on Friday 27 November (D+3). The shortfalls it finds are discovered
 * on Friday, the day the run found them, and due 5 business days from the day after (Friday
 * 4 December), not from the Tuesday the run is about (that would say Tuesday 1 December). The
 * catch-up run of Wednesday made the same Friday finds them persisting, not new.
 */
describe('reconciliation: a late run discovers on the day it runs, not on the day it is about (TW-14.3; PostgreSQL)', () => {
  let db: TestDatabase;
  let consumer: InboxConsumer;
  let publish: ReconciliationSetUp['publish'];
  let runs: ReconciliationRuns;
  let discrepancies: Discrepancies;
  const notified: DiscrepancyEvent[] = [];
  const now = () => new Date(RUN_AT);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ discrepancies, runs, consumer, publish } = await startReconciliation({ db, now, notified }));
  });
  afterAll(async () => {
    await consumer?.stop();
    await db?.drop();
  });

  it('TW-14.3 given the run of Tuesday 24 November made on Friday 27 November, then its shortfalls are discovered on the 27th and due on 4 December; the catch-up run of the 25th finds them persisting', async () => {
    await publish(
      LEDGER_EVENTS_TOPIC,
      envelope(
        'JournalPosted',
        'ledger-client-alice',
        {
          journalId: 'deposit:D-1',
          kind: 'deposit',
          sourceReference: 'D-1',
          fingerprint: 'fp',
          entries: [
            {
              account: { kind: 'custody', walletId: 'hot-1', asset: 'ETH' },
              side: 'debit',
              amountMinor: (10n * ETH).toString(),
            },
            {
              account: { kind: 'client', clientId: 'alice', asset: 'ETH' },
              side: 'credit',
              amountMinor: (10n * ETH).toString(),
            },
          ],
          at: BOOKED_AT,
        },
        BOOKED_AT,
      ),
    );
    await eventually(
      async () =>
        (await db.pool.query('select count(*)::int as n from recon.recon_movements')).rows[0]?.n ===
        1,
      WAIT_MS,
    );

    const late = await runs.run('2026-11-24');
    expect(late).toMatchObject({ businessDay: '2026-11-24', provisional: false, at: RUN_AT });
    expect(late.opened).toHaveLength(2); // nothing recorded and nothing read on chain: both fall 10 ETH short
    for (const discrepancyId of late.opened)
      expect(await discrepancies.discrepancy(discrepancyId)).toMatchObject({
        difference: { asset: 'ETH', kind: 'shortfall', amountMinor: 10n * ETH },
        discoveredOn: '2026-11-27',
        businessDay: '2026-11-24',
        topUpDueOn: '2026-12-04', // Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 (from the 24th it would be Tue 1)
        explainBy: '2026-11-28T02:00:00.000Z',
      });
    expect(
      notified.map((event) => event.type === 'DiscrepancyDetected' && event.data.discoveredOn),
    ).toEqual(['2026-11-27', '2026-11-27']);
    expect(reconciliationSummary(late, await discrepancies.list('open', 10))).toMatch(
      /top-up due 2026-12-04 \(0 of 10000000000000000000 recorded\), discovered 2026-11-27 by a run about 2026-11-24\n/,
    );

    const catchUp = await runs.run('2026-11-25');
    expect(catchUp).toMatchObject({ opened: [], confirmedGone: [] });
    expect([...catchUp.persisting].sort()).toEqual([...late.opened].sort());
    expect(await discrepancies.counts()).toEqual({ open: 2, escalated: 0, overdue: 0 });
  });
});
