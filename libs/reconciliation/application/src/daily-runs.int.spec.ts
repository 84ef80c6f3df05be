import { randomUUID } from 'node:crypto';
import { LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus } from '@custody/messaging';
import type { BusinessCalendar } from '@custody/reconciliation-domain';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import { DailyRuns } from './daily-runs';
import { RECONCILIATION_CONSUMED_TOPICS } from './reconciliation-messages';

const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(),
};
const WAIT_MS = 20_000;

type Entry = { account: Record<string, string>; side: 'debit' | 'credit'; amountMinor: string };
/** A JournalPosted as the ledger publishes it: one copy in each client's stream it touches. */
function journal(journalId: string, clientStream: string, at: string, entries: Entry[]) {
  const eventId = randomUUID();
  return {
    eventId,
    type: 'JournalPosted',
    schemaVersion: 1,
    streamId: `ledger-client-${clientStream}`,
    streamVersion: '1',
    occurredAt: at,
    causationId: null,
    correlationId: eventId,
    data: {
      journalId,
      kind: journalId.split(':')[0],
      sourceReference: journalId.split(':')[1],
      fingerprint: journalId,
      entries,
      at,
    },
  };
}
const client = (
  clientId: string,
  side: 'debit' | 'credit',
  amountMinor: string,
  asset = 'USDT',
): Entry => ({ account: { kind: 'client', clientId, asset }, side, amountMinor });
const custody = (side: 'debit' | 'credit', amountMinor: string, asset = 'USDT'): Entry => ({
  account: { kind: 'custody', walletId: 'hot-1', asset },
  side,
  amountMinor,
});

/** TW-13 runs over the ledger's published journals (PostgreSQL, the in-process bus with the Kafka port's semantics). */
describe("TW-13 daily balance runs from the ledger's journals", () => {
  let db: TestDatabase;
  let runs: DailyRuns;
  let bus: InProcessMessageBus;
  let consumer: InboxConsumer;
  const publish = (...messages: ReturnType<typeof journal>[]) =>
    bus.publisher.publish(
      LEDGER_EVENTS_TOPIC,
      messages.map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'reconciliation' });
    await store.migrate();
    runs = new DailyRuns(
      store,
      TW,
      new Map([['USDT', 10_000n]]),
      () => new Date('2026-11-24T10:00:00.000Z'),
    );
    await runs.migrate();
    bus = new InProcessMessageBus();
    consumer = new InboxConsumer({
      bus,
      groupId: 'reconciliation',
      topics: [...RECONCILIATION_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'reconciliation',
      apply: runs.apply(),
    });
    await consumer.migrate();
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await db?.drop();
  });

  it('TW-13 counts a journal once though the ledger publishes a copy per client, applies the cut-off, rounds totals up and floors negatives, and records the run with its input point', async () => {
    const trade = [client('alice', 'debit', '1234567'), client('bob', 'credit', '1234567')];
    await publish(
      journal('deposit:D-1', 'alice', '2026-11-24T01:00:00.000Z', [
        custody('debit', '5000000'),
        client('alice', 'credit', '5000000'),
      ]),
      journal('trade:T-1', 'alice', '2026-11-24T02:00:00.000Z', trade),
      journal('trade:T-1', 'bob', '2026-11-24T02:00:00.000Z', trade), // the same journal in bob's stream
      journal('adjustment:A-1', 'carol', '2026-11-24T03:00:00.000Z', [
        client('carol', 'debit', '20000'),
        {
          account: { kind: 'house', purpose: 'inventory', asset: 'USDT' },
          side: 'credit',
          amountMinor: '20000',
        },
      ]),
      journal('deposit:D-2', 'bob', '2026-11-24T08:00:00.000Z', [
        custody('debit', '70000'),
        client('bob', 'credit', '70000'),
      ]), // 16:00 in Taipei: tomorrow
    );
    // client entries, each journal once: D-1 1, T-1 2 (its second copy adds nothing), A-1 1, D-2 1
    await eventually(
      async () =>
        (
          await db.pool.query<{ count: string }>(
            'select count(*)::text as count from reconciliation.recon_movements',
          )
        ).rows[0]?.count === '5',
      WAIT_MS,
    );
    const { run, recorded } = await runs.run('2026-11-24');
    expect(run.lines.map((line) => [line.clientId, line.balanceMinor, line.countedMinor])).toEqual([
      ['alice', 3_765_433n, 3_770_000n], // 5,000,000 - 1,234,567, rounded up to 0.01 USDT in the total
      ['bob', 1_234_567n, 1_240_000n], // D-2 after the cut-off: tomorrow
      ['carol', -20_000n, 0n], // negative: shown, counted as zero
    ]);
    expect(recorded).toMatchObject({
      businessDay: '2026-11-24',
      totals: { USDT: '5010000' },
      lineCount: 3,
    });
  });

  it('TW-13 the same day over the same input gives the same numbers and records nothing new; a late correcting journal makes a new run beside the first', async () => {
    const first = await runs.run('2026-11-24');
    const again = await runs.run('2026-11-24', BigInt(first.recorded.upToReceived));
    expect(again.recorded).toEqual(first.recorded);
    const store = new PostgresEventStore({ pool: db.pool, schema: 'reconciliation' });
    expect((await store.readStream('recon-daily-TW-2026-11-24')).length).toBe(1);

    await publish(
      journal('adjustment:A-2', 'carol', '2026-11-24T04:00:00.000Z', [
        {
          account: { kind: 'house', purpose: 'inventory', asset: 'USDT' },
          side: 'debit',
          amountMinor: '20000',
        },
        client('carol', 'credit', '20000'),
      ]),
    );
    await eventually(
      async () => (await runs.receivedSoFar()) > BigInt(first.recorded.upToReceived),
      WAIT_MS,
    );
    const corrected = await runs.run('2026-11-24');
    expect(corrected.recorded.runId).not.toBe(first.recorded.runId);
    expect(corrected.run.lines.find((line) => line.clientId === 'carol')?.balanceMinor).toBe(0n);
    expect(
      (await store.readStream('recon-daily-TW-2026-11-24')).map((event) => event.data['runId']),
    ).toEqual([first.recorded.runId, corrected.recorded.runId]); // the first run stays as it was
  });
});
