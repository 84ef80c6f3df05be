/** A JSON value as it travels in an event: no bigint, no undefined, no functions. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event as the writer hands it to the store. */
export interface NewEvent {
  /** UUID chosen by the writer: the idempotency key of this event. */
  readonly eventId: string;
  readonly type: string;
  /** Version of the payload schema of `type` (starts at 1). */
  readonly schemaVersion: number;
  readonly data: JsonObject;
  /** Correlation, causation, trace context, actor. Not part of the idempotency comparison. */
  readonly metadata?: JsonObject;
}

/** An event as read back from the store. Positions are bigint: they are PostgreSQL int8. */
export interface RecordedEvent {
  readonly eventId: string;
  readonly type: string;
  /** Schema version after upcasting (what `data` conforms to). */
  readonly schemaVersion: number;
  /** Schema version the event was written with. */
  readonly storedSchemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly streamId: string;
  /** 1-based position of the event in its stream. */
  readonly streamVersion: bigint;
  /** 1-based, gapless position in the whole store. */
  readonly globalPosition: bigint;
  readonly recordedAt: Date;
  /** Hex SHA-256 of the previous record (64 zeros for the first). */
  readonly previousHash: string;
  /** Hex SHA-256 of this record, chained on previousHash. */
  readonly hash: string;
}

/**
 * Expected version of a stream before the append:
 * - 'no-stream': the stream must not exist;
 * - 'stream-exists': it must exist, any version;
 * - 'any': no check;
 * - a bigint: the stream's current version must equal it exactly.
 */
export type ExpectedVersion = 'no-stream' | 'stream-exists' | 'any' | bigint;

export interface StreamAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  readonly streamId: string;
  /** Version of the stream after this append: pass it as the next expected version. */
  readonly nextExpectedVersion: bigint;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly bigint[];
  /** Hash-chain link (hex SHA-256) of each appended event, in order: identifies exactly what is stored there. */
  readonly hashes: readonly string[];
  /** True when every event was already stored with the same payload (an idempotent retry). */
  readonly alreadyStored: boolean;
}

/** The last event of a stream: its version and its hash-chain link (hex). */
export interface StreamHead {
  readonly version: bigint;
  readonly hash: string;
}

export interface ReadStreamOptions {
  /** First stream version to return (1-based, inclusive). Default 1. */
  readonly fromVersion?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this global position. Default 0 (from the start). */
  readonly after?: bigint;
  readonly maxCount?: number;
  /** Return events up to and including this position (point-in-time reads). */
  readonly upTo?: bigint;
}

/** A published head of the chain, for example a signed checkpoint held by an auditor. */
export interface ChainAnchor {
  readonly globalPosition: bigint;
  readonly hash: string;
}

export type ChainFailureReason =
  'position-gap' | 'broken-link' | 'hash-mismatch' | 'anchor-mismatch' | 'anchor-missing';

export type ChainVerification =
  | { readonly ok: true; readonly eventsChecked: bigint; readonly head: ChainAnchor | null }
  | {
      readonly ok: false;
      /** First global position at which the chain does not hold. */
      readonly position: bigint;
      readonly reason: ChainFailureReason;
      readonly detail: string;
      readonly eventsChecked: bigint;
    };
