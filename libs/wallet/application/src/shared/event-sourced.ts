import {
  EventSourcedStreams,
  type Executed as StreamExecuted,
  type PostgresEventStore,
  type StreamCodec,
} from '@custody/event-store';
import type { WalletError } from '@custody/wallet-domain';

export type { Fold, CommandMetadata } from '@custody/event-store';

/** Bigint fields of wallet events: amounts (`...Minor`) and chain heights (`blockNumber`); every wallet event at schema version 1. */
export const WALLET_CODEC: StreamCodec = {
  bigintFields: /(Minor|^blockNumber)$/,
  schemaVersion: 1,
};

export type Executed<S, E> = StreamExecuted<S, E, WalletError>;

/** The wallet's streams over its event store (the platform's one write path per stream). */
export function walletStreams(store: PostgresEventStore): EventSourcedStreams {
  return new EventSourcedStreams(store, WALLET_CODEC);
}
