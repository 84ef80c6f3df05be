import {
  Catch,
  Controller,
  UseFilters,
  applyDecorators,
  type BeforeApplicationShutdown,
  type ExceptionFilter,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { MODULE_METADATA } from '@nestjs/common/constants';
import type { FactoryProvider, InjectionToken, Provider, Type } from '@nestjs/common';
import { isTopic, type Topic } from '@custody/contracts';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import type { MessageBus } from '@custody/messaging';
import type { Logger, ServiceMetrics } from '@custody/observability';
import type { Pool } from 'pg';
import { BusIngestion, type BusIngestionOptions } from './bus-ingestion';
import type { ServiceConfig } from './config';
import {
  DATABASE_POOL,
  EMBEDDED_BUS,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  SERVICE_METRICS,
} from './tokens';

/**
 * The service's inbox consumer as a Nest transport (issue 24): message handlers are
 * `@EventPattern(topic)` methods of `@MessageController()` classes, and this strategy delivers
 * each batch to the handler of its topic (a batch is always one topic-partition's).
 *
 * What the hand-written consumer guaranteed still holds, because the batch still runs inside
 * `InboxConsumer` (libs/platform/messaging): the batch's inbox rows and the handler's effects in
 * ONE PostgreSQL transaction (the handler gets it as `context.transaction`), offsets committed
 * after it, poison and refusals parked with their bytes, restarts on fatal consumer errors,
 * trace context. A handler that throws rolls the batch back and it is retried, never skipped.
 *
 * Authentication happens where messages enter (Kafka SASL/mTLS, exchange signatures checked
 * by the inbox before parsing); the HTTP bearer guard does not apply to messages: the transport
 * is connected without the HTTP application's global enhancers (`inheritAppConfig` off).
 */

/** The context of a handled batch: its topic and partition, and the transaction to write in. */
export class InboxContext extends BaseRpcContext<[PoolClient, string, number]> {
  /** The batch's transaction: inbox rows and every effect of the handler commit together. */
  get transaction(): PoolClient {
    return this.args[0];
  }

  get topic(): string {
    return this.args[1];
  }

  get partition(): number {
    return this.args[2];
  }
}

/** What a message handler receives as payload: the batch's new messages (never one already applied). */
export type InboxBatch = readonly ConsumedMessage[];

/** What a message handler returns: nothing, or the messages it refused (parked as dead letters). */
export type InboxHandlerResult = Promise<void | ApplyOutcome>;

/**
 * Hands a handler's error to the consumer as it was thrown. Nest's default RPC filter would
 * replace it with `{ status: 'error', message: 'Internal server error' }`, and the log line of
 * the retried batch would no longer say what failed.
 */
@Catch()
export class RethrowToInbox implements ExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** A class of `@EventPattern` handlers for the inbox transport (no HTTP routes). */
export function MessageController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(RethrowToInbox));
}

/**
 * The topics of the `@EventPattern` methods of message controllers, sorted: what the service's
 * group subscribes to, so a test can hold it equal to the topics its Kafka ACLs grant.
 */
export function handledTopics(...controllers: readonly Type<unknown>[]): string[] {
  const topics = new Set<string>();
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = prototype[name];
      if (typeof method !== 'function') continue;
      const patterns = Reflect.getMetadata(PATTERN_METADATA, method) as unknown[] | undefined;
      for (const pattern of patterns ?? []) topics.add(String(pattern));
    }
  }
  return [...topics].sort();
}

export interface InboxTransportOptions extends Omit<BusIngestionOptions, 'apply' | 'topics'> {
  /**
   * Consumption starts once this resolves (the service's schema is ready), never before; never
   * when it resolves `false` (the service found it cannot work, and says why itself).
   */
  readonly ready?: Promise<unknown>;
}

/** Provide this token (a factory returning an InboxTransport, or null) to consume messages. */
export const INBOX_TRANSPORT = Symbol('custody.inbox-transport');

export class InboxTransport
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown
{
  private ingestion: BusIngestion | undefined;

  constructor(private readonly options: InboxTransportOptions) {
    super();
  }

  /** The topics of the registered `@EventPattern` handlers: what the group subscribes to. */
  topics(): Topic[] {
    return [...this.getHandlers().keys()].map((pattern) => {
      if (!isTopic(pattern))
        throw new Error(`assertion: @EventPattern('${pattern}') names no topic of the contracts`);
      return pattern;
    });
  }

  listen(callback: (error?: unknown) => void): void {
    const topics = this.topics();
    if (topics.length === 0) {
      callback(new Error(`assertion: ${this.options.name} has no @EventPattern handler`));
      return;
    }
    const ingestion = new BusIngestion({
      ...this.options,
      topics,
      apply: (messages, transaction) => this.dispatch(messages, transaction),
    });
    this.ingestion = ingestion;
    // not awaited: with the database down the service is never ready, and stop() ends a start in progress
    void (this.options.ready ?? Promise.resolve())
      .then(async (ready) => {
        if (ready !== false) await ingestion.start();
      })
      .catch((error: unknown) =>
        this.options.logger.error(
          { error: (error as Error).message },
          `${this.options.name} did not start`,
        ),
      );
    callback();
  }

  /** One batch (one topic's) to the handler of its topic, in the batch's transaction. */
  async dispatch(messages: InboxBatch, transaction: PoolClient): Promise<void | ApplyOutcome> {
    const first = messages[0];
    if (first === undefined) return undefined;
    const handler = this.getHandlerByPattern(first.topic);
    if (handler === null) throw new Error(`assertion: no @EventPattern handler for ${first.topic}`);
    const result: unknown = await handler(
      messages,
      new InboxContext([transaction, first.topic, first.partition]),
    );
    const outcome = isObservable(result)
      ? await lastValueFrom(result, { defaultValue: undefined })
      : result;
    return outcome as void | ApplyOutcome;
  }

  /** Before the host's own shutdown hooks: the consumer stops while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.ingestion?.stop();
  }

  async close(): Promise<void> {
    await this.ingestion?.stop();
  }

  on(): never {
    throw new Error('assertion: the inbox transport emits no events to listen to');
  }

  unwrap<T>(): T {
    throw new Error('assertion: the inbox transport has no client to unwrap');
  }
}

/**
 * The service's INBOX_TRANSPORT provider: the host's pool, bus, logger and metrics, the
 * service's group, and when to start. `ready` gets the instances of `inject` and returns the
 * promise consumption waits for, or null when this process consumes nothing (a role left out).
 */
export function inboxTransportProvider(options: {
  readonly name: string;
  readonly groupId: string;
  readonly retryableRefusals?: ReadonlySet<string>;
  readonly inject: readonly InjectionToken[];
  readonly ready: (...dependencies: never[]) => Promise<unknown> | null;
}): FactoryProvider<InboxTransport | null> {
  return {
    provide: INBOX_TRANSPORT,
    inject: [
      SERVICE_CONFIG,
      EMBEDDED_BUS,
      SERVICE_LOGGER,
      SERVICE_METRICS,
      DATABASE_POOL,
      ...options.inject,
    ],
    useFactory: (
      config: ServiceConfig,
      embeddedBus: MessageBus | null,
      logger: Logger,
      metrics: ServiceMetrics,
      pool: Pool,
      ...dependencies: unknown[]
    ) => {
      const ready = options.ready(...(dependencies as never[]));
      if (ready === null) return null;
      return new InboxTransport({
        config,
        embeddedBus,
        logger,
        metrics,
        pool,
        name: options.name,
        groupId: options.groupId,
        ready,
        ...(options.retryableRefusals === undefined
          ? {}
          : { retryableRefusals: options.retryableRefusals }),
      });
    },
  };
}

/**
 * Connects the service's inbox transport, when its module provides one (INBOX_TRANSPORT), to
 * the application: a hybrid application whose `startAllMicroservices()` starts consuming.
 * Without `inheritAppConfig`: the HTTP guards, interceptors and filters stay HTTP's.
 *
 * Whether the module provides it is read from its metadata, not by asking the container: the
 * application Nest returns aborts the process on any error of `get`, a missing token included.
 */
export function connectInboxTransport(
  app: INestApplication,
  serviceModule: Type<unknown>,
): boolean {
  const providers = (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, serviceModule) ??
    []) as Provider[];
  const declared = providers.some(
    (provider) => typeof provider === 'object' && provider.provide === INBOX_TRANSPORT,
  );
  if (!declared) return false;
  const transport = app.get<InboxTransport | null>(INBOX_TRANSPORT, { strict: false });
  if (transport === null) return false;
  app.connectMicroservice({ strategy: transport });
  return true;
}
