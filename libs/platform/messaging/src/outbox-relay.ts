import type { PostgresEventStore } from '@custody/event-store';
import { Subscription } from '@custody/event-store';
import type { Producer } from 'kafkajs';
import { toEnvelope } from './envelope';

export const RELAY_BATCH_EVENTS_DEFAULT = 500;
export const RELAY_POLL_INTERVAL_MS_DEFAULT = 100;

export interface OutboxRelayOptions {
  /** The service's own topic, e.g. custody.ledger.events.v1. */
  readonly topic: string;
  readonly producer: Producer;
  readonly batchEvents?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown, attempt: number) => void;
}

/**
 * The event table is the outbox: this relay tails it by global position and publishes each
 * batch to the service's topic, keyed by stream id (per-stream order), waiting for every
 * in-sync replica to acknowledge (acks -1). Its checkpoint advances only in the transaction
 * that follows a successful publish, so a failed or interrupted publish is retried from the
 * same position: at-least-once, duplicates possible, gaps never.
 */
export class OutboxRelay {
  private readonly subscription: Subscription;

  constructor(store: PostgresEventStore, private readonly options: OutboxRelayOptions) {
    this.subscription = new Subscription(store, {
      name: `outbox-relay:${options.topic}`,
      batchEvents: options.batchEvents ?? RELAY_BATCH_EVENTS_DEFAULT,
      pollIntervalMs: options.pollIntervalMs ?? RELAY_POLL_INTERVAL_MS_DEFAULT,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      handler: async (events) => {
        await this.options.producer.send({
          topic: this.options.topic,
          acks: -1,
          messages: events.map((event) => ({
            key: event.streamId,
            value: JSON.stringify(toEnvelope(event)),
            headers: { 'event-type': event.type, 'event-id': event.eventId },
          })),
        });
      },
    });
  }

  start(): void {
    this.subscription.start();
  }

  stop(): Promise<void> {
    return this.subscription.stop();
  }

  /** Last global position whose publication was acknowledged. */
  checkpoint(): Promise<bigint> {
    return this.subscription.checkpoint();
  }
}
