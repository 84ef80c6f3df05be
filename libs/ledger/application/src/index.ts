// The ledger's application layer: command handling over the event store (the one write path).
// The write path (ledger-command-handler.ts) over the clients' books (client-books/: streams,
// snapshots, loading, cache) and the ledger-wide claims of ids (claims/); the messages it
// consumes (ledger-messages.ts), one slice per family: trades/, custody-movements/ (deposits,
// withdrawal holds and their outcomes), house-movements/ (the house's own journals) and
// custody-wallets/ (the wallets movements may name). Onboarding and maker-checker adjustments
// arrive over HTTP (apps/ledger) straight into the write path.
export {
  BATCH_COMMANDS_MAX,
  COMMAND_ATTEMPTS_MAX,
  LedgerCommandHandler,
  type HandledCommand,
  type LedgerCommandHandlerOptions,
} from './ledger-command-handler';
export { CLAIM_STREAM_PREFIX, SOURCE_CLAIMED_TYPE } from './claims/ledger-claims';
export { decodeBooks, encodeBooks } from './client-books/books-codec';
export { SNAPSHOT_EVERY_EVENTS_DEFAULT, SNAPSHOT_TABLE } from './client-books/client-snapshots';
export { clientStreamId, CLIENT_STREAM_PREFIX, ownersOf } from './client-books/client-streams';
export type { LoadedBooks } from './client-books/load-client-books';
export {
  ledgerEventOf,
  ledgerEventOfScanned,
  LEDGER_EVENT_SCHEMA_VERSION,
  storedData,
} from './stored-events';
export {
  applyLedgerMessages,
  ledgerCommandOf,
  LEDGER_CONSUMED_TOPICS,
  LEDGER_RETRYABLE_REFUSALS,
} from './ledger-messages';
export { houseCommandOf } from './house-movements/house-messages';
export {
  HOUSE_BOOKS_STREAM_ID,
  HOUSE_STREAM_PREFIX,
  HouseBooks,
} from './house-movements/house-books';
export {
  CUSTODY_WALLETS_STREAM_ID,
  CustodyWalletRegistry,
} from './custody-wallets/custody-wallet-registry';
export {
  ENTITLEMENT_HOUSE_STREAM_PREFIX,
  ENTITLEMENT_STREAM_PREFIX,
  EntitlementBookings,
  entitlementStreamId,
  type EntitlementDisclosureSource,
  type EntitlementHolders,
  type EntitlementResult,
} from './entitlements/entitlement-bookings';
