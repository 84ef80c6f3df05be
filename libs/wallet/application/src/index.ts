export * from './chain-adapter';
export * from './shared/event-sourced';
export {
  ChainIdMismatchError,
  EVM_RPC_TIMEOUT_MS,
  EVM_SCAN_BLOCKS_MAX,
  EvmChainAdapter,
  type EvmChainOptions,
} from './evm-chain-adapter';
export * from './key-vault';
export { DEVELOPMENT_CHAIN_IDS, DevelopmentKeyVault } from './development-key-vault';
export { Pkcs11KeyVault, type Pkcs11KeyVaultOptions } from './pkcs11-key-vault';
export * from './ports';
export * from './shared/wallet-streams';
export { processorLockName } from './shared/advisory-locks';
export {
  chainsByName,
  OPEN_WITHDRAWALS_PAGE_MAX,
  SOURCE_WALLETS_MAX,
  SYSTEM_ACTOR,
  walletContext,
  type Chains,
  type Refusal,
  type WalletContext,
} from './shared/wallet-context';
export { TransferAlerts } from './shared/transfer-alerts';
export type { LookupTable } from './shared/lookup-table';
export { migrateWalletTables, WALLET_LOOKUP_TABLES } from './wallet-tables';
export * from './wallet-processor';
export * from './wallet-slices';
export * from './wallet-service';
// wallets, roster and key access
export * from './wallets/register-wallet';
export * from './wallets/rotate-key';
export { WalletFacts } from './wallets/wallet-facts';
export { WALLET_REGISTRY_TABLE } from './wallets/wallet-registry.table';
export * from './roster/key-access';
export { loadRoster } from './roster/roster-facts';
// allow-list
export * from './allow-list/allow-list-decisions';
export { AllowListFacts, type StaffAddress } from './allow-list/allow-list-facts';
export { ALLOW_LIST_INDEX_TABLE } from './allow-list/allow-list.table';
export * from './allow-list/issue-challenge';
export * from './allow-list/prove-by-signature';
// deposits
export { DepositFacts } from './deposits/deposit-facts';
export * from './deposits/deposit-tables';
export { DEPOSITS_PER_ROUND_MAX } from './deposits/confirm-deposits';
export * from './deposits/review-deposit';
// withdrawals and internal transfers
export { WITHDRAWALS_PER_ROUND_MAX } from './withdrawals/advance-withdrawals';
export * from './withdrawals/progress-withdrawal';
export * from './withdrawals/request-withdrawal';
export { SourceWallets } from './withdrawals/source-wallet';
export { OPEN_MOVEMENTS_PER_WALLET_MAX } from './withdrawals/transaction-numbers';
export { WithdrawalFacts } from './withdrawals/withdrawal-facts';
export { WITHDRAWAL_QUEUE_TABLE } from './withdrawals/withdrawal-queue.table';
export * from './withdrawals/wallet-messages';
export * from './internal-transfers/request-internal-transfer';
export {
  SIMULATED_BLOCKS_MAX,
  SIMULATED_GAS_PRICE,
  SimulatedChain,
  SimulatedChainError,
  type SimulatedChainErrorCode,
  type SimulatedChainOptions,
} from './simulated-chain';
