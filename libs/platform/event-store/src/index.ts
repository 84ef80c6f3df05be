export * from './errors';
export { GENESIS_HASH, chainHash, chainLink, contentDigest, type HashedContent, type HashedPlacement, type HashedRecord } from './hash-chain';
export * from './limits';
export { PostgresEventStore, type PostgresEventStoreOptions, type Transaction } from './postgres-event-store';
export type { Queryable } from './queryable';
export { Subscription, type SubscriptionHandler, type SubscriptionOptions } from './subscription';
export * from './types';
export { UpcasterRegistry, type Upcaster } from './upcasters';
export type { VerifyChainOptions } from './verify-chain';
