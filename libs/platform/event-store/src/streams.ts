import { createHash } from 'node:crypto';
import { decodeAmounts, encodeAmounts } from './amount-codec';
import { EventIdConflictError, WrongExpectedVersionError } from './errors';
import { READ_PAGE_EVENTS_MAX } from './limits';
import type { PostgresEventStore, Transaction } from './postgres-event-store';
import type { JsonObject, RecordedEvent } from './types';
import type { Decision, DomainEvent, Fold } from '@custody/decider';

export type { Decision, DomainEvent, Fold } from '@custody/decider';

/** A command loses a race for its stream at most this many times before it gives up. */
export const STREAM_COMMAND_ATTEMPTS_MAX = 5;

/** A name-based UUID (SHA-256, RFC 4122 layout, version 8): the same name, the same id. */
export function deterministicUuid(name: string): string {
  const hex = createHash('sha256').update(name, 'utf8').digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** How a service stores its domain events: which fields are bigint (decimal text in storage) and the schema version. */
export interface StreamCodec {
  readonly bigintFields: RegExp;
  /** Every event of the service is stored at this version (a change is a new version plus an upcaster). */
  readonly schemaVersion: number;
}

export interface Loaded<S> {
  readonly state: S;
  /** The stream's version (0n: no stream yet). */
  readonly version: bigint;
}

/** Who did it, recorded beside each event (not part of the idempotency comparison). */
export interface CommandMetadata {
  readonly actor: string;
  readonly correlationId?: string;
}

/** Runs in the append's transaction with what was appended and the state after it. */
export type AfterAppend<S, E> = (
  events: readonly E[],
  state: S,
  transaction: Transaction,
) => Promise<void>;

export type Executed<S, E, Err> = Decision<E, Err> & {
  readonly state: S;
  readonly positions: readonly bigint[];
};

export function domainEventOf<E extends DomainEvent>(
  recorded: RecordedEvent,
  eventTypes: ReadonlySet<string>,
  codec: StreamCodec,
): E {
  if (!eventTypes.has(recorded.type))
    throw new Error(
      `assertion: '${recorded.type}' in ${recorded.streamId} is not an event of this stream`,
    );
  if (recorded.schemaVersion !== codec.schemaVersion)
    throw new Error(
      `assertion: ${recorded.type} v${recorded.schemaVersion} has no upcaster to v${codec.schemaVersion}`,
    );
  return { type: recorded.type, data: decodeAmounts(recorded.data, codec.bigintFields) } as E;
}

export function storedEventData(event: DomainEvent, codec: StreamCodec): JsonObject {
  return encodeAmounts(event.data, codec.bigintFields);
}

/**
 * The one write path, per stream (the wallet's and the policy's aggregates): load the stream (every page), fold it, decide (pure),
 * append with the version read as the expected version, in the caller's transaction or its own.
 * Lost a race: reload and decide again on what won. Event ids derive from the stream and
 * version, so a retried command that re-decides the same events is a no-op in the store.
 */
export class EventSourcedStreams {
  constructor(
    readonly store: PostgresEventStore,
    private readonly codec: StreamCodec,
  ) {}

  /**
   * The stream's state; with `include`, folded over only the events it accepts (the state as of a
   * past business instant: events whose own time is not after it). The version is the stream's.
   */
  async load<S, E extends DomainEvent>(
    streamId: string,
    aggregate: Fold<S, E>,
    transaction?: Transaction,
    include?: (event: E) => boolean,
  ): Promise<Loaded<S>> {
    let state = aggregate.initialState;
    let version = 0n;
    for (;;) {
      const page = await this.store.readStream(
        streamId,
        { fromVersion: version + 1n, maxCount: READ_PAGE_EVENTS_MAX },
        transaction,
      );
      for (const recorded of page) {
        const event = domainEventOf<E>(recorded, aggregate.eventTypes, this.codec);
        if (include === undefined || include(event)) state = aggregate.evolve(state, event);
        version = recorded.streamVersion;
      }
      if (page.length < READ_PAGE_EVENTS_MAX) return { state, version };
    }
  }

  /**
   * Decide on the stream's current state and append. `afterAppend` runs in the same transaction
   * with the appended events (write-side lookup tables kept in step with the stream).
   */
  async execute<S, E extends DomainEvent, Err>(
    streamId: string,
    aggregate: Fold<S, E>,
    decide: (state: S) => Decision<E, Err> | Promise<Decision<E, Err>>,
    metadata: CommandMetadata,
    options: { readonly transaction?: Transaction; readonly afterAppend?: AfterAppend<S, E> } = {},
  ): Promise<Executed<S, E, Err>> {
    const run = (transaction: Transaction) =>
      this.executeIn(streamId, aggregate, decide, metadata, transaction, options.afterAppend);
    return options.transaction === undefined
      ? this.store.withTransaction(run)
      : run(options.transaction);
  }

  private async executeIn<S, E extends DomainEvent, Err>(
    streamId: string,
    aggregate: Fold<S, E>,
    decide: (state: S) => Decision<E, Err> | Promise<Decision<E, Err>>,
    metadata: CommandMetadata,
    transaction: Transaction,
    afterAppend: AfterAppend<S, E> | undefined,
  ): Promise<Executed<S, E, Err>> {
    for (let attempt = 1; ; attempt += 1) {
      const { state, version } = await this.load(streamId, aggregate, transaction);
      const decision = await decide(state);
      if (!decision.ok || decision.events.length === 0)
        return { ...decision, state, positions: [] };
      try {
        const result = await this.store.appendToStream(
          streamId,
          decision.events.map((event, index) => ({
            eventId: deterministicUuid(
              `${this.store.schema}/${streamId}/${version + BigInt(index) + 1n}`,
            ),
            type: event.type,
            schemaVersion: this.codec.schemaVersion,
            data: storedEventData(event, this.codec),
            metadata: {
              actor: metadata.actor,
              ...(metadata.correlationId === undefined
                ? {}
                : { correlationId: metadata.correlationId }),
            },
          })),
          version === 0n ? 'no-stream' : version,
          transaction,
        );
        const next = decision.events.reduce(aggregate.evolve, state);
        await afterAppend?.(decision.events, next, transaction);
        return { ...decision, state: next, positions: result.positions };
      } catch (error) {
        const raced =
          error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError;
        if (!raced || attempt >= STREAM_COMMAND_ATTEMPTS_MAX) throw error;
      }
    }
  }
}
