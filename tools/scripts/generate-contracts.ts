// Writes the JSON Schema files for the exchange team: npm run contracts:generate
// libs/contracts/src/json-schema.spec.ts fails when docs/contracts/ is stale.
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONTRACTS_OUTPUT_DIRECTORY, generateJsonSchemaFiles } from '@custody/contracts';

function main(): void {
  const directory = resolve(__dirname, '..', '..', CONTRACTS_OUTPUT_DIRECTORY);
  mkdirSync(directory, { recursive: true });
  const files = generateJsonSchemaFiles();
  for (const name of readdirSync(directory)) {
    if (name.endsWith('.schema.json') && !(name in files)) unlinkSync(join(directory, name));
  }
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(directory, name), content);
    process.stdout.write(`wrote ${CONTRACTS_OUTPUT_DIRECTORY}/${name}\n`);
  }
}

main();
