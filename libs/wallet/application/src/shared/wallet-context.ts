import type { EventSourcedStreams, PostgresEventStore } from '@custody/event-store';
import { walletError, type WalletError } from '@custody/wallet-domain';
import type { ChainAdapter } from '../chain-adapter';
import { walletStreams } from './event-sourced';

/**
 * What every wallet slice writes and reads through: the event store (schema `wallet`), its
 * streams with the wallet's codec, and the service's clock (business time enters the domain on
 * each command from here, never from `new Date()` inside it).
 */
export interface WalletContext {
  readonly store: PostgresEventStore;
  readonly streams: EventSourcedStreams;
  readonly schema: string;
  readonly now: () => Date;
}

export function walletContext(store: PostgresEventStore, now?: () => Date): WalletContext {
  return {
    store,
    streams: walletStreams(store),
    schema: store.schema,
    now: now ?? (() => new Date()),
  };
}

/** The context's clock as the domain records times. */
export function instantOf(context: WalletContext): string {
  return context.now().toISOString();
}

/** The chain adapters by chain name. */
export type Chains = ReadonlyMap<string, ChainAdapter>;

export function chainsByName(chains: readonly ChainAdapter[]): Chains {
  return new Map(chains.map((chain) => [chain.chain, chain]));
}

export type Refusal = { readonly ok: false; readonly error: WalletError };
export const refusal = (error: WalletError): Refusal => ({ ok: false, error });

export function chainUnsupported(chain: string, path = 'chain'): WalletError {
  return walletError('CHAIN_UNSUPPORTED', path, `no chain adapter for ${chain}`);
}

/** Most rows one listing returns (open withdrawals, flagged deposits). */
export const OPEN_WITHDRAWALS_PAGE_MAX = 100;

export function assertPageLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > OPEN_WITHDRAWALS_PAGE_MAX)
    throw new Error(`assertion: a page holds 1 to ${OPEN_WITHDRAWALS_PAGE_MAX}`);
}

/** The system acts as this actor on what it does by itself (preparing, signing after the quorum, broadcasting, observing). */
export const SYSTEM_ACTOR = 'wallet-service';

/** Wallets considered as the source of one exchange withdrawal (and as the receiver of one micro-payment). */
export const SOURCE_WALLETS_MAX = 50;
