// Schemas bound to one asset registry, and validation that never throws for bad input.
import type { z } from 'zod/v4';
import { type AssetRegistry, assertValidAssetRegistry, DEFAULT_ASSET_REGISTRY } from './assets';
import { deadLetterV1Schema } from './custody/deadletter.v1';
import { anyEnvelopeSchema } from './envelope';
import { priceObservedV1Schema } from './exchange/prices.v1';
import { tradeExecutedV1Schema } from './exchange/trades.v1';
import { withdrawalRequestedV1Schema } from './exchange/withdrawal-requests.v1';
import { toValidationIssues, type ValidationResult } from './issues';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  isTopic,
  type Topic,
} from './topics';

function buildSchemas(registry: AssetRegistry) {
  return {
    upstream: {
      [EXCHANGE_TRADES_TOPIC]: tradeExecutedV1Schema(registry),
      [EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC]: withdrawalRequestedV1Schema(registry),
      [EXCHANGE_PRICES_TOPIC]: priceObservedV1Schema(registry),
    },
    deadLetter: deadLetterV1Schema,
    anyEnvelope: anyEnvelopeSchema,
  } as const;
}

export type ContractSchemas = ReturnType<typeof buildSchemas>;
export type UpstreamTopicSchemas = ContractSchemas['upstream'];

/** The typed message per topic: service topics are checked at envelope level only (their
 * event schemas belong to each service and are added here as they are published). */
export type MessageOf<T extends Topic> = T extends keyof UpstreamTopicSchemas
  ? z.infer<UpstreamTopicSchemas[T]>
  : T extends typeof DEAD_LETTER_TOPIC
    ? z.infer<typeof deadLetterV1Schema>
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
    return schemas.anyEnvelope;
  };
  const validateMessage = (topic: string, value: unknown): ValidationResult<unknown> => {
    if (!isTopic(topic)) {
      return { ok: false, issues: [{ code: 'TOPIC_UNKNOWN', path: '', reason: `unknown topic ${JSON.stringify(topic)}` }] };
    }
    const result = schemaFor(topic).safeParse(value);
    if (result.success) return { ok: true, message: result.data };
    return { ok: false, issues: result.error.issues.flatMap((issue) => toValidationIssues(issue, value)) };
  };
  return { registry, schemas, schemaFor, validateMessage: validateMessage as Contracts['validateMessage'] };
}

/** Contracts bound to the shipped default registry. */
export const defaultContracts = createContracts(DEFAULT_ASSET_REGISTRY);

export function validateMessage<T extends Topic>(topic: T, value: unknown): ValidationResult<MessageOf<T>>;
export function validateMessage(topic: string, value: unknown): ValidationResult<unknown>;
export function validateMessage(topic: string, value: unknown): ValidationResult<unknown> {
  return defaultContracts.validateMessage(topic, value);
}
