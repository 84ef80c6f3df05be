import { randomUUID } from 'node:crypto';
import type { ChainReader } from '@custody/chain';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus } from '@custody/messaging';
import type { BusinessCalendar, DiscrepancyEvent } from '@custody/reconciliation-domain';
import type { Pool } from 'pg';
import { DailyRuns } from './daily-runs';
import { Discrepancies } from './discrepancies';
import { FiatTrustRuns } from './fiat-trust-runs';
import {
  applyReconciliationMessages,
  RECONCILIATION_CONSUMED_TOPICS,
} from './reconciliation-messages';
import { ReconciliationRuns } from './reconciliation-runs';

/** Spec-only set-up shared by the reconciliation int specs (not exported from index.ts). */

export const WAIT_MS = 20_000;

export const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(),
};

/** A published message as the producers write it (occurredAt: now unless given). */
export function envelope(
  type: string,
  streamId: string,
  data: Record<string, unknown>,
  occurredAt = new Date().toISOString(),
) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt,
    causationId: null,
    correlationId: eventId,
    data,
  };
}

export type Envelope = ReturnType<typeof envelope>;

/**
 * The reconciliation service as its host wires it, over the test database's `recon` schema and an
 * in-process bus: the store, the daily runs, the discrepancies (each event pushed to `notified`),
 * the TW-14 runs over `chains` and, with `fiat`, the fiat trust runs; all migrated, and the
 * service's inbox consumer started on its topics.
 */
export async function startReconciliation(options: {
  readonly db: { readonly pool: Pool };
  readonly now: () => Date;
  readonly notified: DiscrepancyEvent[];
  readonly chains?: readonly ChainReader[];
  readonly explainWithinMs?: number;
  readonly fiat?: boolean;
}) {
  const { db, now, notified } = options;
  const store = new PostgresEventStore({ pool: db.pool, schema: 'recon' });
  await store.migrate();
  const daily = new DailyRuns(store, TW, new Map(), now);
  const discrepancies = new Discrepancies({
    store,
    calendar: TW,
    notifier: { notify: (event) => Promise.resolve(void notified.push(event)) },
    ...(options.explainWithinMs === undefined ? {} : { explainWithinMs: options.explainWithinMs }),
    now,
  });
  const runs = new ReconciliationRuns({
    store,
    calendar: TW,
    dailyRuns: daily,
    chains: options.chains ?? [],
    discrepancies,
    now,
  });
  const fiatRuns = options.fiat
    ? new FiatTrustRuns({ store, calendar: TW, discrepancies, now })
    : undefined;
  await daily.migrate(db.pool);
  const client = await db.pool.connect();
  await Promise.resolve()
    .then(() => runs.migrate(client))
    .then(() => discrepancies.migrate(client))
    .then(() => fiatRuns?.migrate(client))
    .finally(() => client.release());
  const bus = new InProcessMessageBus();
  const consumer = new InboxConsumer({
    bus,
    groupId: 'reconciliation',
    topics: [...RECONCILIATION_CONSUMED_TOPICS],
    pool: db.pool,
    schema: 'recon',
    apply: applyReconciliationMessages(daily, runs, fiatRuns),
  });
  await consumer.migrate();
  await consumer.start();
  const publish = (topic: string, message: Envelope) =>
    bus.publisher.publish(topic, [{ key: message.streamId, value: JSON.stringify(message) }]);
  return { store, daily, discrepancies, runs, fiatRuns, bus, consumer, publish };
}

export type ReconciliationSetUp = Awaited<ReturnType<typeof startReconciliation>>;
