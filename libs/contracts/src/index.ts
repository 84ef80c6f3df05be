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
  TRACEPARENT_PATTERN,
  formatAmountMinor,
  parseAmountMinor,
} from './primitives';
export { anyEnvelopeSchema, type AnyEnvelope, envelopeSchema } from './envelope';
export { VALIDATION_CODES, type ValidationCode, type ValidationIssue, type ValidationResult } from './issues';
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
  DEAD_LETTER_REASON_CODES,
  MESSAGE_DEAD_LETTERED_SCHEMA_VERSION,
  MESSAGE_DEAD_LETTERED_TYPE,
  type DeadLetterV1,
  deadLetterV1Schema,
} from './custody/deadletter.v1';
export {
  type Contracts,
  type ContractSchemas,
  createContracts,
  defaultContracts,
  type MessageOf,
  type UpstreamTopicSchemas,
  validateMessage,
} from './contracts';
export { CONTRACTS_OUTPUT_DIRECTORY, generateJsonSchemaFiles } from './json-schema';
