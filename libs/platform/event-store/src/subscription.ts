import { setTimeout as sleep } from 'node:timers/promises';
import {
  READ_PAGE_EVENTS_MAX,
  SUBSCRIPTION_BATCH_EVENTS_DEFAULT,
  SUBSCRIPTION_POLL_INTERVAL_MS_DEFAULT,
  SUBSCRIPTION_RETRY_BACKOFF_MS_MAX,
} from './limits';
import type { PoolClient } from 'pg';
import type { PostgresEventStore, Transaction } from './postgres-event-store';
import type { RecordedEvent } from './types';

export type SubscriptionHandler = (
  events: readonly RecordedEvent[],
  transaction: Transaction,
) => Promise<void>;

export interface SubscriptionOptions {
  /** Durable name: the checkpoint is kept under it. */
  readonly name: string;
  readonly handler: SubscriptionHandler;
  readonly batchEvents?: number;
  readonly pollIntervalMs?: number;
  /** Called when a batch fails; the batch is retried after a capped backoff. */
  readonly onError?: (error: unknown, attempt: number) => void;
  /**
   * Wake up on the store's NOTIFY as soon as an append commits, instead of waiting for the
   * next poll (default true). Polling stays as the fallback: a lost notification only delays.
   */
  readonly listen?: boolean;
  /** Called once a batch and its checkpoint have committed, with the batch's last position (work that must see the batch). */
  readonly afterCommit?: (lastPosition: bigint) => void;
}

/**
 * A durable subscription to all events of a store, in global position order.
 *
 * Each batch runs in one transaction: the checkpoint row is locked (so two instances of the
 * same subscriber never process the same batch), the handler makes its own writes with the
 * same transaction, and the checkpoint advances in it. Either all of it commits or none.
 */
export class Subscription {
  private running = false;
  private loop: Promise<void> | null = null;
  private listener: PoolClient | null = null;
  private wake: ((reason: 'notify' | 'stop') => void) | null = null;
  /** A notification that arrived while a batch was running: the next poll wait returns at once. */
  private notified = false;
  private readonly onNotification = () => {
    if (this.wake === null) this.notified = true;
    else this.wake('notify');
  };
  private readonly onListenerError = (error: Error) => this.options.onError?.(error, 0);
  private readonly batchEvents: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly options: SubscriptionOptions,
  ) {
    this.batchEvents = options.batchEvents ?? SUBSCRIPTION_BATCH_EVENTS_DEFAULT;
    this.pollIntervalMs = options.pollIntervalMs ?? SUBSCRIPTION_POLL_INTERVAL_MS_DEFAULT;
    if (this.batchEvents < 1 || this.batchEvents > READ_PAGE_EVENTS_MAX) {
      throw new Error(`assertion: subscription batch must be 1..${READ_PAGE_EVENTS_MAX} events`);
    }
  }

  /** Processes at most one batch. Returns how many events it handled. */
  async processBatch(): Promise<number> {
    const handled = await this.store.withTransaction(async (transaction) => {
      const { client } = transaction;
      const table = `${this.store.schema}.subscription_checkpoints`;
      await client.query(
        `insert into ${table} (subscription_name, global_position, updated_at) values ($1, 0, now())
         on conflict (subscription_name) do nothing`,
        [this.options.name],
      );
      const checkpoint = await client.query<{ global_position: string }>(
        `select global_position from ${table} where subscription_name = $1 for update`,
        [this.options.name],
      );
      const after = BigInt(checkpoint.rows[0]?.global_position ?? 0);
      const events = await this.store.readAll({ after, maxCount: this.batchEvents }, transaction);
      const last = events.at(-1);
      if (last === undefined) return 0;
      await this.options.handler(events, transaction);
      await client.query(
        `update ${table} set global_position = $2, updated_at = now() where subscription_name = $1`,
        [this.options.name, last.globalPosition.toString()],
      );
      return { count: events.length, lastPosition: last.globalPosition };
    });
    if (handled === 0) return 0;
    this.options.afterCommit?.(handled.lastPosition);
    return handled.count;
  }

  async checkpoint(): Promise<bigint> {
    const result = await this.store.pool.query<{ global_position: string }>(
      `select global_position from ${this.store.schema}.subscription_checkpoints where subscription_name = $1`,
      [this.options.name],
    );
    return BigInt(result.rows[0]?.global_position ?? 0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.('stop');
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    if (this.options.listen ?? true) await this.listen();
    let attempt = 0;
    try {
      while (this.running) {
        try {
          const handled = await this.processBatch();
          attempt = 0;
          if (handled === 0) await this.idle(this.pollIntervalMs, true);
        } catch (error) {
          attempt += 1;
          this.options.onError?.(error, attempt);
          // A backoff is not cut short by new appends: a failing handler must not spin.
          await this.idle(
            Math.min(this.pollIntervalMs * 2 ** attempt, SUBSCRIPTION_RETRY_BACKOFF_MS_MAX),
            false,
          );
        }
      }
    } finally {
      await this.unlisten();
    }
  }

  /** Waits `milliseconds`, or less on stop, or (when `wakeOnNotify`) when an append commits. */
  private async idle(milliseconds: number, wakeOnNotify: boolean): Promise<void> {
    if (!this.running || (wakeOnNotify && this.notified)) {
      this.notified = false;
      return;
    }
    const abort = new AbortController();
    const woken = new Promise<void>((resolve) => {
      this.wake = (reason) => {
        if (reason === 'stop' || wakeOnNotify) resolve();
        else this.notified = true;
      };
    });
    await Promise.race([
      sleep(milliseconds, undefined, { signal: abort.signal }).catch(() => undefined),
      woken,
    ]);
    abort.abort();
    this.wake = null;
  }

  /** A dedicated connection LISTENs to the store's channel; failures fall back to polling. */
  private async listen(): Promise<void> {
    try {
      this.listener = await this.store.pool.connect();
      this.listener.on('notification', this.onNotification);
      this.listener.on('error', this.onListenerError);
      await this.listener.query(`listen ${this.store.schema}_events`);
    } catch (error) {
      this.options.onError?.(error, 0);
      await this.unlisten();
    }
  }

  private async unlisten(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    if (listener === null) return;
    listener.off('notification', this.onNotification);
    listener.off('error', this.onListenerError);
    try {
      await listener.query(`unlisten ${this.store.schema}_events`);
      listener.release();
    } catch (error) {
      listener.release(error as Error); // a broken connection is discarded, not reused
    }
  }
}
