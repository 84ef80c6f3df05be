// Public API of the ledger's pure domain (no I/O, no frameworks): accounts, journals, the HK-7
// guard, commands, events, decide/evolve and the books' invariant.
export * from './accounts';
export { assetBooks, flooredLiability, houseShare, type AssetBooks } from './books';
export {
  refuseClientDebit,
  type ClientDebitReason,
  type ClientDebitRefusal,
} from './client-debit-guard';
export { parseExactDecimal, type ExactDecimal } from './decimal';
export {
  checkJournal,
  JOURNAL_ENTRIES_MAX,
  transfer,
  type JournalEntry,
  type JournalProblem,
} from './journal';
export { decideLedger, ledgerDecider } from './ledger';
export {
  type AssetDecimals,
  type LedgerDecision,
  /** The ledger's decision under the name the write path knows it by. */
  type LedgerDecision as Decision,
} from './ledger-decision';
export {
  commandClients,
  type CommandMetadata,
  type FeeLeg,
  type LedgerCommand,
  type TradeExecution,
} from './ledger-commands';
export { LEDGER_ERROR_CODES, type LedgerError, type LedgerErrorCode } from './ledger-errors';
export type { JournalKind, LedgerEvent, LedgerEventType } from './ledger-events';
export {
  balanceOf,
  clientBooks,
  evolveLedger,
  holdSettledBy,
  withdrawalSettledBy,
  mergeBooks,
  initialLedgerState,
  journalIdOf,
  type HeldWithdrawal,
  type LedgerState,
  type RequestedAdjustment,
} from './ledger-state';
export { ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT, adjustmentExpiresAt } from './decide-adjustment';
export {
  decideHouse,
  evolveHouse,
  houseDecider,
  type HouseCommand,
  type HouseEvent,
  type HouseJournals,
} from './decide-house';
export {
  custodyWalletsDecider,
  decideRecogniseWallet,
  evolveCustodyWallets,
  initialCustodyWallets,
  refuseMovementWallets,
  type CustodyWallet,
  type NamedWallet,
  type CustodyWalletEvent,
  type CustodyWallets,
  type RecogniseWallet,
} from './custody-wallets';
export * from './decide-entitlement';
