import {
  EventSourcedStreams,
  type PostgresEventStore,
  type StreamCodec,
} from '@custody/event-store';

/** Policy events store amounts (`...Minor`) as decimal text; every policy event at schema version 1. */
export const POLICY_CODEC: StreamCodec = { bigintFields: /Minor$/, schemaVersion: 1 };

/** The policy service's streams over its event store, with the policy codec. */
export function policyStreams(store: PostgresEventStore): EventSourcedStreams {
  return new EventSourcedStreams(store, POLICY_CODEC);
}
