import {
  decodeAmounts,
  encodeAmounts,
  EventIdConflictError,
  READ_PAGE_EVENTS_MAX,
  WrongExpectedVersionError,
  type JsonObject,
  type PostgresEventStore,
  type RecordedEvent,
  type Transaction,
} from '@custody/event-store';
import { deterministicUuid } from '@custody/messaging';
import type { WalletDecision } from '@custody/wallet-domain';

/** Bigint fields of wallet events: amounts (`...Minor`) and chain heights (`blockNumber`). */
export const WALLET_BIGINT_FIELDS = /(Minor|^blockNumber)$/;
/** Every wallet event is stored at schema version 1 (a change is a new version plus an upcaster). */
export const WALLET_EVENT_SCHEMA_VERSION = 1;
/** A command loses a race for its stream at most this many times before it gives up. */
export const WALLET_COMMAND_ATTEMPTS_MAX = 5;

export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/** A stream's fold: its start and how each event moves it. */
export interface Aggregate<S, E extends DomainEvent> {
  readonly initial: S;
  /** Event types this stream holds: anything else is a programmer error (an upcaster is missing). */
  readonly eventTypes: ReadonlySet<string>;
  evolve(state: S, event: E): S;
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
export type AfterAppend<S, E> = (events: readonly E[], state: S, transaction: Transaction) => Promise<void>;

export type Executed<S, E> = WalletDecision<E> & { readonly state: S; readonly positions: readonly bigint[] };

export function domainEventOf<E extends DomainEvent>(recorded: RecordedEvent, eventTypes: ReadonlySet<string>): E {
  if (!eventTypes.has(recorded.type)) throw new Error(`assertion: '${recorded.type}' in ${recorded.streamId} is not an event of this stream`);
  if (recorded.schemaVersion !== WALLET_EVENT_SCHEMA_VERSION) throw new Error(`assertion: ${recorded.type} v${recorded.schemaVersion} has no upcaster to v${WALLET_EVENT_SCHEMA_VERSION}`);
  return { type: recorded.type, data: decodeAmounts(recorded.data, WALLET_BIGINT_FIELDS) } as E;
}

export function storedWalletData(event: DomainEvent): JsonObject {
  return encodeAmounts(event.data, WALLET_BIGINT_FIELDS);
}

/**
 * The wallet's one write path, per stream: load the stream (every page), fold it, decide (pure),
 * append with the version read as the expected version, in the caller's transaction or its own.
 * Lost a race: reload and decide again on what won. Event ids derive from the stream and
 * version, so a retried command that re-decides the same events is a no-op in the store.
 */
export class EventSourcedStreams {
  constructor(readonly store: PostgresEventStore) {}

  async load<S, E extends DomainEvent>(streamId: string, aggregate: Aggregate<S, E>, transaction?: Transaction): Promise<Loaded<S>> {
    let state = aggregate.initial;
    let version = 0n;
    for (;;) {
      const page = await this.store.readStream(streamId, { fromVersion: version + 1n, maxCount: READ_PAGE_EVENTS_MAX }, transaction);
      for (const recorded of page) {
        state = aggregate.evolve(state, domainEventOf<E>(recorded, aggregate.eventTypes));
        version = recorded.streamVersion;
      }
      if (page.length < READ_PAGE_EVENTS_MAX) return { state, version };
    }
  }

  /**
   * Decide on the stream's current state and append. `afterAppend` runs in the same transaction
   * with the appended events (write-side lookup tables kept in step with the stream).
   */
  async execute<S, E extends DomainEvent>(
    streamId: string,
    aggregate: Aggregate<S, E>,
    decide: (state: S) => WalletDecision<E> | Promise<WalletDecision<E>>,
    metadata: CommandMetadata,
    options: { readonly transaction?: Transaction; readonly afterAppend?: AfterAppend<S, E> } = {},
  ): Promise<Executed<S, E>> {
    const run = (transaction: Transaction) => this.executeIn(streamId, aggregate, decide, metadata, transaction, options.afterAppend);
    return options.transaction === undefined ? this.store.withTransaction(run) : run(options.transaction);
  }

  private async executeIn<S, E extends DomainEvent>(
    streamId: string,
    aggregate: Aggregate<S, E>,
    decide: (state: S) => WalletDecision<E> | Promise<WalletDecision<E>>,
    metadata: CommandMetadata,
    transaction: Transaction,
    afterAppend: AfterAppend<S, E> | undefined,
  ): Promise<Executed<S, E>> {
    for (let attempt = 1; ; attempt += 1) {
      const { state, version } = await this.load(streamId, aggregate, transaction);
      const decision = await decide(state);
      if (!decision.ok || decision.events.length === 0) return { ...decision, state, positions: [] };
      try {
        const result = await this.store.appendToStream(
          streamId,
          decision.events.map((event, index) => ({
            eventId: deterministicUuid(`${this.store.schema}/${streamId}/${version + BigInt(index) + 1n}`),
            type: event.type,
            schemaVersion: WALLET_EVENT_SCHEMA_VERSION,
            data: storedWalletData(event),
            metadata: { actor: metadata.actor, ...(metadata.correlationId === undefined ? {} : { correlationId: metadata.correlationId }) },
          })),
          version === 0n ? 'no-stream' : version,
          transaction,
        );
        const next = decision.events.reduce(aggregate.evolve, state);
        await afterAppend?.(decision.events, next, transaction);
        return { ...decision, state: next, positions: result.positions };
      } catch (error) {
        const raced = error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError;
        if (!raced || attempt >= WALLET_COMMAND_ATTEMPTS_MAX) throw error;
      }
    }
  }
}
