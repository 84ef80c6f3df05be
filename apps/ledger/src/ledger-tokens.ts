/** Injection tokens of the ledger service. */
export const LEDGER_COMMAND_HANDLER = Symbol('custody.ledger.command-handler');
