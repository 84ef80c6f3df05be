// Schemas bound to one asset registry, and validation that never throws for bad input.
import { z } from 'zod/v4';
import { type AssetRegistry, assertValidAssetRegistry, DEFAULT_ASSET_REGISTRY } from './assets';
import { deadLetterV1Schema } from './custody/deadletter.v1';
import { deadLetterV2Schema } from './custody/deadletter.v2';
import { ledgerEventCatalog } from './custody/ledger-events';
import { walletEventCatalog } from './custody/wallet-events';
import { anyEnvelopeSchema } from './envelope';
import { catalogTopicSchema, type EventCatalog, validateCatalogMessage } from './event-catalog';
import { fiatMovementRecordedV1Schema } from './exchange/fiat.v1';
import { priceObservedV1Schema } from './exchange/prices.v1';
import { tradeExecutedV1Schema } from './exchange/trades.v1';
import { withdrawalRequestedV1Schema } from './exchange/withdrawal-requests.v1';
import { type ValidationResult, validateWith } from './issues';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_FIAT_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  isTopic,
  LEDGER_EVENTS_TOPIC,
  type Topic,
  WALLET_EVENTS_TOPIC,
} from './topics';

function buildSchemas(registry: AssetRegistry) {
  const walletEvents = walletEventCatalog(registry);
  const ledgerEvents = ledgerEventCatalog(registry);
  return {
    upstream: {
      [EXCHANGE_TRADES_TOPIC]: tradeExecutedV1Schema(registry),
      [EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC]: withdrawalRequestedV1Schema(registry),
      [EXCHANGE_PRICES_TOPIC]: priceObservedV1Schema(registry),
      [EXCHANGE_FIAT_TOPIC]: fiatMovementRecordedV1Schema,
    },
    /** Service topics with published event types (event-catalog.ts): the catalog per topic... */
    catalogs: { [WALLET_EVENTS_TOPIC]: walletEvents, [LEDGER_EVENTS_TOPIC]: ledgerEvents },
    /** ...and the whole topic as one schema: a catalogued message or another type's envelope. */
    service: {
      [WALLET_EVENTS_TOPIC]: catalogTopicSchema(walletEvents),
      [LEDGER_EVENTS_TOPIC]: catalogTopicSchema(ledgerEvents),
    },
    /** Both published versions: v1 (decode and validation failures), v2 (any stage, the consumer's own codes). */
    deadLetter: z.union([deadLetterV1Schema, deadLetterV2Schema]),
    anyEnvelope: anyEnvelopeSchema,
  } as const;
}

export type ContractSchemas = ReturnType<typeof buildSchemas>;
export type UpstreamTopicSchemas = ContractSchemas['upstream'];
export type ServiceTopicSchemas = ContractSchemas['service'];

/**
 * The typed message per topic. A service topic with published event types (the wallet's) gives
 * those typed or any other type's envelope (narrow with `isTypedWalletEvent`); the other service
 * topics are checked at envelope level only until their event schemas are published.
 */
export type MessageOf<T extends Topic> = T extends keyof UpstreamTopicSchemas
  ? z.infer<UpstreamTopicSchemas[T]>
  : T extends keyof ServiceTopicSchemas
    ? z.infer<ServiceTopicSchemas[T]>
    : T extends typeof DEAD_LETTER_TOPIC
      ? z.infer<ContractSchemas['deadLetter']>
      : z.infer<typeof anyEnvelopeSchema>;

export interface Contracts {
  readonly registry: AssetRegistry;
  readonly schemas: ContractSchemas;
  schemaFor(topic: Topic): z.ZodType;
  validateMessage<T extends Topic>(topic: T, value: unknown): ValidationResult<MessageOf<T>>;
  validateMessage(topic: string, value: unknown): ValidationResult<unknown>;
}

export function createContracts(registry: AssetRegistry = DEFAULT_ASSET_REGISTRY): Contracts {
  assertValidAssetRegistry(registry);
  const schemas = buildSchemas(registry);
  const schemaFor = (topic: Topic): z.ZodType => {
    if (topic === DEAD_LETTER_TOPIC) return schemas.deadLetter;
    if (topic in schemas.upstream) return schemas.upstream[topic as keyof UpstreamTopicSchemas];
    if (topic in schemas.service) return schemas.service[topic as keyof ServiceTopicSchemas];
    return schemas.anyEnvelope;
  };
  const catalogs: Partial<Record<Topic, EventCatalog>> = schemas.catalogs;
  const validateMessage = (topic: string, value: unknown): ValidationResult<unknown> => {
    if (!isTopic(topic)) {
      return {
        ok: false,
        issues: [
          { code: 'TOPIC_UNKNOWN', path: '', reason: `unknown topic ${JSON.stringify(topic)}` },
        ],
      };
    }
    // A catalogued topic: the one schema that applies to this message, for precise issues
    // (the topic's union schema accepts the same messages but reports a mismatch as a whole).
    const catalog = catalogs[topic];
    if (catalog !== undefined) return validateCatalogMessage(catalog, value);
    return validateWith(schemaFor(topic), value);
  };
  return {
    registry,
    schemas,
    schemaFor,
    validateMessage: validateMessage as Contracts['validateMessage'],
  };
}

/** Contracts bound to the shipped default registry. */
export const defaultContracts = createContracts(DEFAULT_ASSET_REGISTRY);

export function validateMessage<T extends Topic>(
  topic: T,
  value: unknown,
): ValidationResult<MessageOf<T>>;
export function validateMessage(topic: string, value: unknown): ValidationResult<unknown>;
export function validateMessage(topic: string, value: unknown): ValidationResult<unknown> {
  return defaultContracts.validateMessage(topic, value);
}
