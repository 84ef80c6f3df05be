// JSON Schema files for the exchange team and the producing services, generated from the zod schemas (no fs here: the
// script tools/scripts/generate-contracts.ts writes them, json-schema.spec.ts checks them).
import { z } from 'zod/v4';
import { type AssetRegistry, DEFAULT_ASSET_REGISTRY } from './assets';
import { createContracts } from './contracts';
import {
  DEAD_LETTER_TOPIC,
  LEDGER_EVENTS_TOPIC,
  UPSTREAM_TOPICS,
  WALLET_EVENTS_TOPIC,
} from './topics';

export const CONTRACTS_OUTPUT_DIRECTORY = 'docs/contracts';
export const ENVELOPE_SCHEMA_FILE = 'envelope.schema.json';

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([left], [right]) =>
    left < right ? -1 : left > right ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeysDeep(inner)]));
}

function render(schema: z.ZodType, title: string, description: string): string {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'throw' });
  const document = { ...generated, title, description };
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}

function assetNote(registry: AssetRegistry): string {
  const limits = Object.entries(registry).map(
    ([code, definition]) =>
      `${code}: ${definition.decimals} decimals, at most ${definition.integerDigitsMax} digits`,
  );
  return `Amounts (*Minor) are decimal strings of integers in the asset's smallest unit. Per asset: ${limits.join('; ')}.`;
}

/** File name (relative to docs/contracts) -> file content, in a stable order. */
export function generateJsonSchemaFiles(
  registry: AssetRegistry = DEFAULT_ASSET_REGISTRY,
): Record<string, string> {
  const contracts = createContracts(registry);
  const note = assetNote(registry);
  const files: Record<string, string> = {};
  for (const topic of UPSTREAM_TOPICS) {
    files[`${topic}.schema.json`] = render(
      contracts.schemas.upstream[topic],
      topic,
      `Messages on ${topic}. ${note}`,
    );
  }
  const walletTypes = Object.keys(contracts.schemas.catalogs[WALLET_EVENTS_TOPIC]).join(', ');
  files[`${WALLET_EVENTS_TOPIC}.schema.json`] = render(
    contracts.schemas.service[WALLET_EVENTS_TOPIC],
    WALLET_EVENTS_TOPIC,
    `Messages on ${WALLET_EVENTS_TOPIC}: ${walletTypes} are typed at their published versions (another version of ` +
      `them is refused); any other type is checked at envelope level only. ${note}`,
  );
  const ledgerTypes = Object.keys(contracts.schemas.catalogs[LEDGER_EVENTS_TOPIC]).join(', ');
  files[`${LEDGER_EVENTS_TOPIC}.schema.json`] = render(
    contracts.schemas.service[LEDGER_EVENTS_TOPIC],
    LEDGER_EVENTS_TOPIC,
    `Messages on ${LEDGER_EVENTS_TOPIC}: ${ledgerTypes} typed at its published version; any other type is checked at envelope level only. ${note}`,
  );
  files[`${DEAD_LETTER_TOPIC}.schema.json`] = render(
    contracts.schemas.deadLetter,
    DEAD_LETTER_TOPIC,
    `Messages on ${DEAD_LETTER_TOPIC}: a message that could not be decoded or validated (v1), or that a consumer refused (v2, with its stage, code, field path and consumer group), with its original bytes.`,
  );
  files[ENVELOPE_SCHEMA_FILE] = render(
    contracts.schemas.anyEnvelope,
    'envelope',
    'The envelope of every message on every topic; data is typed per message type.',
  );
  return files;
}
