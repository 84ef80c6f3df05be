import type { ExpectedVersion } from './types';

/** Stable result codes of the event store. Never renumber or reuse. */
export const EventStoreErrorCode = {
  wrongExpectedVersion: 'EVENT_STORE_WRONG_EXPECTED_VERSION',
  eventIdConflict: 'EVENT_STORE_EVENT_ID_CONFLICT',
} as const;
export type EventStoreErrorCode = (typeof EventStoreErrorCode)[keyof typeof EventStoreErrorCode];

export abstract class EventStoreError extends Error {
  abstract readonly code: EventStoreErrorCode;
}

export function describeExpectedVersion(expected: ExpectedVersion): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/** The stream is not at the version the writer expected: someone else wrote first. */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = EventStoreErrorCode.wrongExpectedVersion;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** Current version of the stream; 0n when it does not exist. */
    readonly actual: bigint,
  ) {
    super(
      `stream '${streamId}': expected version ${describeExpectedVersion(expected)}, ` +
        `actual version ${actual === 0n ? '0 (no stream)' : actual.toString()}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

export type EventIdConflictReason =
  'different-payload' | 'different-stream' | 'partially-stored-append';

/** The event id is already stored with another payload or in another stream. */
export class EventIdConflictError extends EventStoreError {
  readonly code = EventStoreErrorCode.eventIdConflict;
  constructor(
    readonly eventId: string,
    readonly streamId: string,
    readonly reason: EventIdConflictReason,
  ) {
    super(`event id ${eventId} (stream '${streamId}'): ${reason}`);
    this.name = 'EventIdConflictError';
  }
}
