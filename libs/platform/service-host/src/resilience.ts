import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@custody/observability';

/** Backoff between attempts to reach a dependency (Kafka) at start. */
export const RETRY_DELAY_MS_MIN = 250;
export const RETRY_DELAY_MS_MAX = 10_000;
/** Repeated warnings about one failing dependency are logged at most this often. */
export const WARNING_LOG_INTERVAL_MS = 10_000;

/** `work`, or a rejection once `timeoutMs` has passed. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A warning that repeats while a dependency stays down: logged at most once per interval. */
export class RateLimitedWarning {
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = WARNING_LOG_INTERVAL_MS,
  ) {}

  warn(fields: Record<string, unknown>, message: string): void {
    if (Date.now() - this.lastAt < this.intervalMs) return;
    this.lastAt = Date.now();
    this.logger.warn(fields, message);
  }
}

/**
 * Runs `attempt` until it succeeds or `signal` aborts, with a capped exponential backoff; the
 * wait ends at once on abort. Resolves true when it succeeded. For clients that do not retry
 * their own first connection (kafkajs).
 */
export async function retryUntilDone(
  attempt: () => Promise<void>,
  signal: AbortSignal,
  onFailure: (error: unknown, attempt: number) => void,
): Promise<boolean> {
  for (let count = 1; !signal.aborted; count += 1) {
    try {
      await attempt();
      return true;
    } catch (error) {
      onFailure(error, count);
      const delayMs = Math.min(
        RETRY_DELAY_MS_MIN * 2 ** Math.min(count - 1, 10),
        RETRY_DELAY_MS_MAX,
      );
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return false;
}
