// The ledger's application layer: command handling over the event store (the one write path).
export {
  BATCH_COMMANDS_MAX,
  CLAIM_STREAM_PREFIX,
  clientStreamId,
  CLIENT_STREAM_PREFIX,
  COMMAND_ATTEMPTS_MAX,
  LedgerCommandHandler,
  ownersOf,
  SNAPSHOT_EVERY_EVENTS_DEFAULT,
  SNAPSHOT_TABLE,
  SOURCE_CLAIMED_TYPE,
  type HandledCommand,
  type LedgerCommandHandlerOptions,
  type LoadedBooks,
} from './ledger-command-handler';
export { decodeBooks, encodeBooks } from './books-codec';
export {
  ledgerEventOf,
  ledgerEventOfScanned,
  LEDGER_EVENT_SCHEMA_VERSION,
  storedData,
} from './stored-events';
export {
  applyLedgerMessages,
  houseCommandOf,
  ledgerCommandOf,
  LEDGER_CONSUMED_TOPICS,
  LEDGER_RETRYABLE_REFUSALS,
} from './ledger-messages';
export { HOUSE_BOOKS_STREAM_ID, HOUSE_STREAM_PREFIX, HouseBooks } from './house-books';
export { CUSTODY_WALLETS_STREAM_ID, CustodyWalletRegistry } from './custody-wallet-registry';
