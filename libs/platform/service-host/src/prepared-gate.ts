import {
  ServiceUnavailableException,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@custody/observability';
import type { DatabaseReadiness } from './database-readiness';

/** What a gate prepares and what its routes answer until then. */
export interface PreparedGateOptions {
  /** The service, in the log line of a failed start-up ('<service>: start-up failed'). */
  readonly service: string;
  /** The preparation's name in DatabaseReadiness (what the readiness probe says is pending). */
  readonly step: string;
  /** The 503's code (e.g. AUDIT_NOT_READY) and reason until the preparation is done. */
  readonly code: string;
  readonly reason: string;
}

/**
 * A service's own preparation (its tables), run through DatabaseReadiness once the event store's
 * schema is prepared (retried while the database is down): the routes that call `assertReady`
 * answer 503 with the gate's code before, and what waits on `prepared` (schedules, consumers)
 * starts after. A service's gate extends this class, injects what its preparation needs and
 * gives that preparation as `prepare`.
 */
export abstract class PreparedGate implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private ready = false;
  private markPrepared: () => void = () => undefined;
  /** Resolves once the preparation is done (never, if the service stops first or only migrates). */
  readonly prepared: Promise<void> = new Promise((resolve) => (this.markPrepared = resolve));
  private readonly stopping = new AbortController();

  protected constructor(
    private readonly readiness: DatabaseReadiness,
    private readonly logger: Logger,
    private readonly gate: PreparedGateOptions,
  ) {}

  /** The service's preparation, retried by DatabaseReadiness until it succeeds or the service stops. */
  protected abstract prepare(): Promise<void>;

  get isReady(): boolean {
    return this.ready;
  }

  /** 503 with the gate's code and reason until the preparation is done. */
  assertReady(): void {
    if (!this.ready)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: this.gate.code,
        reason: this.gate.reason,
      });
  }

  onApplicationBootstrap(): void {
    // not awaited at shutdown: with the database down the preparation never ends; the continuation checks `stopping`
    void this.readiness
      .prepare(this.gate.step, () => this.prepare())
      .then(() => {
        if (this.stopping.signal.aborted) return;
        this.ready = true;
        this.markPrepared();
      })
      .catch((error: unknown) =>
        this.logger.error(
          { error: (error as Error).message },
          `${this.gate.service}: start-up failed`,
        ),
      );
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }
}
