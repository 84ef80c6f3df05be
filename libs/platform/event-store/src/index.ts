export {
  AMOUNT_FIELD_PATTERN,
  decodeAmounts,
  decodeAmountsInPlace,
  encodeAmounts,
} from './amount-codec';
export * from './errors';
export {
  GENESIS_HASH,
  chainHash,
  chainLink,
  contentDigest,
  type HashedContent,
  type HashedPlacement,
  type HashedRecord,
} from './hash-chain';
export * from './limits';
export { schemaOwnedByAnother, withSchemaDdl } from './schema';
export { grantServiceRole } from './service-role';
export {
  guardHistory,
  HISTORY_CHANGE_REFUSED,
  HISTORY_CHANGE_REFUSED_SQLSTATE,
  HISTORY_GUARD_FUNCTION,
  MIGRATION_SETTING,
  SERVICE_HISTORY_TABLES,
} from './history-guard';
export {
  PostgresEventStore,
  type PostgresEventStoreOptions,
  type Transaction,
} from './postgres-event-store';
export type { Queryable } from './queryable';
export type { StreamCursor } from './read';
export { copyTextValue, openCopyIn, unescapeCopyText, type CopyIn } from './copy-text';
export type { ScanOptions, ScannedEvent } from './scan';
export { Subscription, type SubscriptionHandler, type SubscriptionOptions } from './subscription';
export { activeTraceContext, formatTraceparent, parseTraceparent } from './tracing';
export * from './types';
export { UpcasterRegistry, type Upcaster } from './upcasters';
export type { VerifyChainOptions } from './verify-chain';
export {
  deterministicUuid,
  domainEventOf,
  EventSourcedStreams,
  STREAM_COMMAND_ATTEMPTS_MAX,
  storedEventData,
  type AfterAppend,
  type Fold,
  type CommandMetadata,
  type DomainEvent,
  type Executed,
  type Loaded,
  type StreamCodec,
  type Decision,
} from './streams';
