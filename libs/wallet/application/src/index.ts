export * from './chain-adapter';
export * from './event-sourced';
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
export * from './wallet-messages';
export * from './wallet-processor';
export * from './wallet-service';
export * from './wallet-streams';
export { migrateWalletTables } from './wallet-tables';
export {
  SIMULATED_BLOCKS_MAX,
  SIMULATED_GAS_PRICE,
  SimulatedChain,
  SimulatedChainError,
  type SimulatedChainErrorCode,
  type SimulatedChainOptions,
} from './simulated-chain';
