import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExchangeSignatures } from './exchange-signatures-config';

const directory = mkdtempSync(join(tmpdir(), 'exchange-signatures-config-'));
const keysFile = join(directory, 'keys.json');
writeFileSync(
  keysFile,
  JSON.stringify({
    keys: [
      {
        keyId: 'exchange-1',
        publicKeyPem: generateKeyPairSync('ed25519').publicKey.export({
          type: 'spki',
          format: 'pem',
        }),
      },
    ],
  }),
);

function parse(environment: Record<string, string>, kafka = true) {
  const problems: Array<{ variable: string; reason: string }> = [];
  const verifier = parseExchangeSignatures(environment, kafka, problems);
  return { verifier, problems: problems.map((problem) => problem.variable) };
}

describe('EXCHANGE_SIGNATURES and EXCHANGE_PUBLIC_KEYS_FILE', () => {
  it('requires signatures by default and trusts the keys of the file', () => {
    const { verifier, problems } = parse({ EXCHANGE_PUBLIC_KEYS_FILE: keysFile });
    expect(problems).toEqual([]);
    expect(verifier?.keyIds).toEqual(['exchange-1']);
  });

  it('refuses to consume from Kafka with signatures required and no keys file', () => {
    expect(parse({}).problems).toEqual(['EXCHANGE_PUBLIC_KEYS_FILE']);
  });

  it('without Kafka and without a file trusts no key: exchange messages on any bus are refused, not believed', () => {
    const { verifier, problems } = parse({}, false);
    expect(problems).toEqual([]);
    expect(verifier?.keyIds).toEqual([]);
  });

  it('turns the check off only when told, and never in production', () => {
    expect(parse({ EXCHANGE_SIGNATURES: 'off' })).toEqual({ verifier: undefined, problems: [] });
    expect(parse({ EXCHANGE_SIGNATURES: 'off', NODE_ENV: 'production' }).problems).toEqual([
      'EXCHANGE_SIGNATURES',
    ]);
    expect(parse({ EXCHANGE_SIGNATURES: 'optional' }).problems).toEqual(['EXCHANGE_SIGNATURES']);
  });

  it('names a bad keys file without quoting it', () => {
    const bad = join(directory, 'bad.json');
    writeFileSync(bad, 'secret-looking content');
    const problems: Array<{ variable: string; reason: string }> = [];
    parseExchangeSignatures({ EXCHANGE_PUBLIC_KEYS_FILE: bad }, true, problems);
    expect(problems).toEqual([
      { variable: 'EXCHANGE_PUBLIC_KEYS_FILE', reason: expect.stringContaining('not JSON') },
    ]);
    expect(JSON.stringify(problems)).not.toContain('secret-looking');
  });
});
