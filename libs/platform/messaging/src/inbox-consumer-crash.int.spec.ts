import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { waitFor } from './bus-contract.test-support';
import {
  ADMIN_POLL_MS,
  appliedTotals,
  groupCaughtUp,
  publishEnvelopes,
  startConsumerProcess,
  stopConsumerProcess,
  useReliabilityFixture,
  type ConsumerProcess,
  type ConsumerProcessOptions,
} from './reliability.test-support';

const MESSAGES = 10_000;
const PARTITIONS = 3;
/** Small fetches: one record batch per partition per fetch, ~30 batches for the whole run. */
const MAX_BYTES_PER_PARTITION = 16_384;
/** Members that SIGKILL themselves after their N-th committed batch, before its offset commit. */
const SELF_CRASHES = 3;
const CRASH_AFTER_BATCHES = 3;
const GROUP_ID = 'policy-ledger-projection';
const SCHEMA = 'policy';
const RUN_WAIT_MS = 150_000;

/**
 * Exactly-once effects across crashes: consumer processes die by SIGKILL (no graceful stop) in
 * the middle of a run of 10,000 messages, some right after a batch's transaction committed and
 * before its offsets did (so the batch is certainly delivered again), one at a random moment
 * (mid-transaction, mid-fetch). The sum invariant then holds: every message applied once.
 */
describe('inbox consumer killed mid-batch and restarted (Kafka test broker + PostgreSQL)', () => {
  const fixture = useReliabilityFixture(SCHEMA, PARTITIONS);

  it('given 10,000 messages, when consumers are SIGKILLed mid-run and restarted, then the effect of every message is applied exactly once (sum invariant)', async () => {
    const { db, broker, kafka, publisher } = fixture();
    const expectedSum = await publishEnvelopes(publisher, LEDGER_EVENTS_TOPIC, 0, MESSAGES);
    const options = (member: string, crashAfterBatches?: number): ConsumerProcessOptions => ({
      brokers: broker.brokers,
      databaseUrl: db.url,
      topic: LEDGER_EVENTS_TOPIC,
      groupId: GROUP_ID,
      schema: SCHEMA,
      member,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      ...(crashAfterBatches === undefined ? {} : { crashAfterBatches }),
    });
    const members: ConsumerProcess[] = [];
    try {
      for (let round = 1; round <= SELF_CRASHES; round += 1) {
        const member = await startConsumerProcess(
          options(`self-crash-${round}`, CRASH_AFTER_BATCHES),
        );
        members.push(member);
        expect(await member.exit).toEqual({ code: null, signal: 'SIGKILL' });
      }
      // Killed from outside at a random moment of its work: maybe mid-transaction, maybe between.
      const victim = await startConsumerProcess(options('killed-from-outside'));
      members.push(victim);
      await waitFor(() => victim.batches() >= 1, 'the victim to apply a batch', RUN_WAIT_MS);
      await sleep(randomInt(0, 300));
      victim.kill('SIGKILL');
      expect((await victim.exit).signal).toBe('SIGKILL');

      const survivor = await startConsumerProcess(options('survivor'));
      members.push(survivor);
      await waitFor(
        () => groupCaughtUp(kafka, GROUP_ID, LEDGER_EVENTS_TOPIC),
        'the group to commit every partition to its end',
        RUN_WAIT_MS,
        ADMIN_POLL_MS,
      );
      await stopConsumerProcess(survivor);

      const totals = await appliedTotals(db, SCHEMA);
      expect({
        rows: totals.rows,
        distinctEvents: totals.distinctEvents,
        sumMinor: totals.sumMinor,
      }).toEqual({
        rows: MESSAGES,
        distinctEvents: MESSAGES,
        sumMinor: expectedSum,
      });
      const inbox = await db.pool.query<{ count: string }>(
        `select count(*) from ${SCHEMA}.inbox where consumer_group = $1`,
        [GROUP_ID],
      );
      expect(Number(inbox.rows[0]?.count)).toBe(MESSAGES);
      // The test exercised what it claims: batches whose transaction committed were delivered again.
      const delivered = members.reduce((sum, member) => sum + member.delivered(), 0);
      expect(delivered).toBeGreaterThan(MESSAGES);
      expect(
        members.slice(0, SELF_CRASHES).every((member) => member.batches() === CRASH_AFTER_BATCHES),
      ).toBe(true);
    } finally {
      await Promise.all(members.map((member) => stopConsumerProcess(member)));
    }
  }, 240_000);
});
