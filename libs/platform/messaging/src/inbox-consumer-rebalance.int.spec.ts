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
} from './reliability.test-support';

const MESSAGES = 10_000;
const PARTITIONS = 6;
/** The exchange keeps publishing while members come and go: 40 chunks of 250, one every 400 ms. */
const PUBLISH_CHUNK_MESSAGES = 250;
const PUBLISH_PAUSE_MS = 400;
/**
 * The exchange keeps publishing until the membership changes are done, however slow the machine
 * (a newcomer must find messages arriving), and at least MESSAGES; at most this many.
 */
const MESSAGES_MAX = 40_000;
const MAX_BYTES_PER_PARTITION = 16_384;
const GROUP_ID = 'reconciliation-ledger-projection';
const SCHEMA = 'reconciliation';
const STEP_WAIT_MS = 90_000;

/**
 * Rebalances under load: members join, leave gracefully and crash while 10,000 messages (more
 * on a slow machine: publishing goes on until the membership changes are done) are being
 * published and applied. Partitions move between members mid-run, batches in flight at a
 * revocation are delivered again to the new owner; nothing may be lost or applied twice.
 */
describe('inbox consumer group rebalancing during a run (Kafka test broker + PostgreSQL)', () => {
  const fixture = useReliabilityFixture(SCHEMA, PARTITIONS);

  it('given 10,000 messages arriving while consumers join, leave and crash, then nothing is lost and nothing is applied twice', async () => {
    const { db, broker, kafka, publisher } = fixture();
    const members: ConsumerProcess[] = [];
    const join = async (member: string) => {
      const started = await startConsumerProcess({
        brokers: broker.brokers,
        databaseUrl: db.url,
        topic: LEDGER_EVENTS_TOPIC,
        groupId: GROUP_ID,
        schema: SCHEMA,
        member,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      });
      members.push(started);
      return started;
    };
    const appliedAtLeast = (rows: number) =>
      waitFor(
        async () => (await appliedTotals(db, SCHEMA)).rows >= rows,
        `${rows} applied rows`,
        STEP_WAIT_MS,
      );
    let published = 0;
    let expectedSum = 0n;
    let membershipChangesDone = false;
    const publishing = (async () => {
      for (
        ;
        (published < MESSAGES || !membershipChangesDone) && published < MESSAGES_MAX;
        published += PUBLISH_CHUNK_MESSAGES
      ) {
        expectedSum += await publishEnvelopes(
          publisher,
          LEDGER_EVENTS_TOPIC,
          published,
          PUBLISH_CHUNK_MESSAGES,
        );
        await sleep(PUBLISH_PAUSE_MS);
      }
    })();
    try {
      // After each join, the newcomer must get partitions and apply a batch before the next step.
      const [first, second] = await Promise.all([join('first'), join('second')]);
      await appliedAtLeast(1_500);
      const third = await join('third'); // join: partitions move from first and second
      await waitFor(() => third.batches() >= 1, 'the third member to apply a batch', STEP_WAIT_MS);
      await stopConsumerProcess(first as ConsumerProcess); // graceful leave
      await appliedAtLeast(4_500);
      const fourth = await join('fourth');
      await waitFor(
        () => fourth.batches() >= 1,
        'the fourth member to apply a batch',
        STEP_WAIT_MS,
      );
      third.kill('SIGKILL'); // a crash: its partitions move once its session expires
      await appliedAtLeast(7_000);
      await stopConsumerProcess(second as ConsumerProcess);
      membershipChangesDone = true;
      await publishing;
      await waitFor(
        () => groupCaughtUp(kafka, GROUP_ID, LEDGER_EVENTS_TOPIC),
        'the group to commit every partition to its end',
        STEP_WAIT_MS,
        ADMIN_POLL_MS,
      );

      const totals = await appliedTotals(db, SCHEMA);
      expect(published).toBeGreaterThanOrEqual(MESSAGES);
      expect({
        rows: totals.rows,
        distinctEvents: totals.distinctEvents,
        sumMinor: totals.sumMinor,
      }).toEqual({
        rows: published,
        distinctEvents: published,
        sumMinor: expectedSum,
      });
      // Every member took part: the partitions really moved between them during the run.
      expect([...totals.members].sort()).toEqual(['first', 'fourth', 'second', 'third']);
      const delivered = members.reduce((sum, member) => sum + member.delivered(), 0);
      process.stdout.write(
        `rebalance run: ${delivered} messages delivered for ${published}; Kafka client restarts ${members.map((member) => member.restarts()).join('/')}\n`,
      );
    } finally {
      membershipChangesDone = true;
      await publishing.catch(() => undefined);
      await Promise.all(members.map((member) => stopConsumerProcess(member)));
    }
  }, 300_000);
});
