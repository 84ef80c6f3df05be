/** Injection tokens of the ledger service. */
export const LEDGER_COMMAND_HANDLER = Symbol('custody.ledger.command-handler');
export const LEDGER_READ_MODELS = Symbol('custody.ledger.read-models');
/** `{ ready }`: resolves once the write side's own table (client snapshots) is prepared. */
export const LEDGER_WRITE_SIDE_READY = Symbol('custody.ledger.write-side-ready');
export interface WriteSideReady {
  readonly ready: Promise<void>;
}
