// Public API of @custody/contracts: wire schemas (zod v4 API, `zod/v4`), topics, validation.
export {
  AMOUNT_DIGITS_MAX,
  ASSET_CODE_PATTERN,
  type AssetDefinition,
  type AssetRegistry,
  assertValidAssetRegistry,
  DEFAULT_ASSET_REGISTRY,
  type DefaultAssetCode,
} from './assets';
export {
  AMOUNT_MINOR_PATTERN,
  DECIMAL_PATTERN,
  DECIMAL_TEXT_LENGTH_MAX,
  HTTP_IDENTIFIER_PATTERN,
  httpIdentifierSchema,
  IDENTIFIER_LENGTH_MAX,
  TRACEPARENT_PATTERN,
  formatAmountMinor,
  parseAmountMinor,
} from './primitives';
export {
  anyEnvelopeSchema,
  type AnyEnvelope,
  envelopeSchema,
  SCHEMA_VERSION_MAX,
} from './envelope';
export {
  type CatalogMessage,
  type CatalogTopicMessage,
  catalogTopicSchema,
  type EventCatalog,
  uncataloguedEnvelopeSchema,
  validateCatalogMessage,
} from './event-catalog';
export {
  VALIDATION_CODES,
  validateWith,
  type ValidationCode,
  type ValidationIssue,
  type ValidationResult,
} from './issues';
export {
  REFUSAL_STATUS,
  type RefusalCode,
  type RefusalCodes,
  type RefusalStatus,
} from './refusals';
export * from './topics';
export {
  TRADE_EXECUTED_SCHEMA_VERSION,
  TRADE_EXECUTED_TYPE,
  type TradeExecutedV1,
  tradeExecutedV1Schema,
} from './exchange/trades.v1';
export {
  WITHDRAWAL_REQUESTED_SCHEMA_VERSION,
  WITHDRAWAL_REQUESTED_TYPE,
  type WithdrawalRequestedV1,
  withdrawalRequestedV1Schema,
} from './exchange/withdrawal-requests.v1';
export {
  PRICE_OBSERVED_SCHEMA_VERSION,
  PRICE_OBSERVED_TYPE,
  type PriceObservedV1,
  priceObservedV1Schema,
} from './exchange/prices.v1';
export {
  FIAT_MOVEMENT_KINDS,
  FIAT_MOVEMENT_RECORDED_SCHEMA_VERSION,
  FIAT_MOVEMENT_RECORDED_TYPE,
  FIAT_RECEIPT_CHANNELS,
  type FiatMovementRecordedV1,
  fiatMovementRecordedV1Schema,
  SETTLEMENT_RECEIPTS_MAX,
} from './exchange/fiat.v1';
export {
  DEAD_LETTER_REASON_CODES,
  MESSAGE_DEAD_LETTERED_SCHEMA_VERSION,
  MESSAGE_DEAD_LETTERED_TYPE,
  type DeadLetterV1,
  deadLetterV1Schema,
} from './custody/deadletter.v1';
export {
  DEAD_LETTER_STAGES,
  type DeadLetterStage,
  type DeadLetterV2,
  deadLetterV2Schema,
  MESSAGE_DEAD_LETTERED_V2_SCHEMA_VERSION,
  REASON_CODE_PATTERN,
} from './custody/deadletter.v2';
export {
  CONFIRMATIONS_MAX,
  DEPOSIT_CONFIRMED_SCHEMA_VERSION,
  DEPOSIT_CONFIRMED_TYPE,
  type DepositConfirmedV1,
  depositConfirmedV1Schema,
  TRANSACTION_HASH_PATTERN,
  WITHDRAWAL_APPROVED_SCHEMA_VERSION,
  WITHDRAWAL_APPROVED_TYPE,
  WITHDRAWAL_CONFIRMED_SCHEMA_VERSION,
  WITHDRAWAL_CONFIRMED_TYPE,
  WITHDRAWAL_FAILED_SCHEMA_VERSION,
  WITHDRAWAL_FAILED_TYPE,
  WITHDRAWAL_FAILURE_REASONS,
  type WithdrawalApprovedV1,
  withdrawalApprovedV1Schema,
  type WithdrawalConfirmedV1,
  withdrawalConfirmedV1Schema,
  type WithdrawalFailedV1,
  withdrawalFailedV1Schema,
  type WithdrawalFailureReason,
} from './custody/wallet-events.v1';
export {
  HOUSE_ACCOUNT_PURPOSES,
  JOURNAL_KINDS,
  JOURNAL_POSTED_TYPE,
  type JournalPostedV1,
  HOLD_FINGERPRINT_LENGTH_MAX,
  WITHDRAWAL_HOLD_PLACED_SCHEMA_VERSION,
  WITHDRAWAL_HOLD_PLACED_TYPE,
  type WithdrawalHoldPlacedV1,
  withdrawalHoldPlacedV1Schema,
} from './custody/ledger-events.v1';
export {
  ledgerEventCatalog,
  type LedgerEventCatalog,
  TYPED_LEDGER_EVENT_TYPES,
  type TypedLedgerEvent,
} from './custody/ledger-events';
export {
  INTERNAL_TRANSFER_CONFIRMED_TYPE,
  type InternalTransferConfirmedV1,
  NETWORK_FEE_PAID_TYPE,
  type NetworkFeePaidV1,
  WALLET_REGISTERED_TYPE,
  type WalletRegisteredV1,
} from './custody/wallet-events.v1-holdings';
export {
  HOUSE_DEPOSIT_CONFIRMED_SCHEMA_VERSION,
  HOUSE_DEPOSIT_CONFIRMED_TYPE,
  type HouseDepositConfirmedV1,
  houseDepositConfirmedV1Schema,
} from './custody/wallet-events.v1-house';
export {
  isTypedWalletEvent,
  TYPED_WALLET_EVENT_TYPES,
  type TypedWalletEvent,
  type TypedWalletEventType,
  type WalletEventCatalog,
  walletEventCatalog,
  type WalletEventsMessage,
} from './custody/wallet-events';
export { type HoldingDelta, walletHoldingDeltas } from './custody/wallet-holdings';
export {
  type Contracts,
  type ContractSchemas,
  createContracts,
  defaultContracts,
  type MessageOf,
  type ServiceTopicSchemas,
  type UpstreamTopicSchemas,
  validateMessage,
} from './contracts';
export { CONTRACTS_OUTPUT_DIRECTORY, generateJsonSchemaFiles } from './json-schema';
