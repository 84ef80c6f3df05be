// The ledger's application layer: command handling over the event store (the one write path).
export { CLAIM_STREAM_PREFIX, clientsOf, clientStreamId, CLIENT_STREAM_PREFIX, COMMAND_ATTEMPTS_MAX, SOURCE_CLAIMED_TYPE, LedgerCommandHandler, type HandledCommand } from './ledger-command-handler';
export { ledgerEventOf, LEDGER_EVENT_SCHEMA_VERSION, storedData } from './stored-events';
export { applyLedgerMessages, ledgerCommandOf, LEDGER_CONSUMED_TOPICS } from './ledger-messages';
