import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTopic, UPSTREAM_TOPICS } from '@custody/contracts';
import {
  signExchangeMessage,
  type ExchangeSigningKey,
  type OutboundMessage,
} from '@custody/messaging';
import type { Producer } from 'kafkajs';

/** The exchange's signing key of a test process: its private key, and the public keys file the services are given. */
export interface TestExchangeSigner {
  readonly signingKey: ExchangeSigningKey;
  /** JSON public keys file (EXCHANGE_PUBLIC_KEYS_FILE) trusting this key only. */
  readonly publicKeysFile: string;
  /** PKCS#8 PEM of the private key (EXCHANGE_SIGNING_KEY_FILE of the simulator). */
  readonly privateKeyFile: string;
  /** The messages signed for `topic` as the exchange signs them. */
  sign(topic: string, messages: readonly OutboundMessage[]): OutboundMessage[];
}

let processSigner: TestExchangeSigner | undefined;
const upstream: ReadonlySet<string> = new Set(UPSTREAM_TOPICS);

/** A fresh Ed25519 key pair written to files of their own (a directory 0700 under the OS's temp dir). */
export function createTestExchangeSigner(
  keyId = `test-exchange-${randomBytes(4).toString('hex')}`,
): TestExchangeSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const directory = join(
    tmpdir(),
    `custody-exchange-keys-${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const publicKeysFile = join(directory, 'exchange-public-keys.json');
  const privateKeyFile = join(directory, 'exchange-signing-key.pem');
  writeFileSync(
    publicKeysFile,
    JSON.stringify(
      { keys: [{ keyId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) }] },
      null,
      2,
    ),
  );
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  const signingKey = { keyId, key: privateKey };
  return {
    signingKey,
    publicKeysFile,
    privateKeyFile,
    sign: (topic, messages) =>
      messages.map((message) => signExchangeMessage(signingKey, topic, message)),
  };
}

/** The one exchange key of this test process (what testServiceEnvironment makes the services trust). */
export function testExchangeSigner(): TestExchangeSigner {
  processSigner ??= createTestExchangeSigner('test-exchange');
  return processSigner;
}

/**
 * The producer with every message to an exchange.* topic signed by the test exchange's key, as
 * the exchange produces them; other topics pass unchanged. For tests that play the exchange.
 */
export function signingProducer(
  producer: Producer,
  signer: TestExchangeSigner = testExchangeSigner(),
): Producer {
  const send: Producer['send'] = (record) => {
    if (!isTopic(record.topic) || !upstream.has(record.topic)) return producer.send(record);
    const messages = record.messages.map((message) => {
      const [signed] = signer.sign(record.topic, [
        {
          key: message.key ?? null,
          value: message.value ?? Buffer.alloc(0),
          headers: headerText(message.headers),
        },
      ]);
      return { ...message, headers: { ...message.headers, ...signed?.headers } };
    });
    return producer.send({ ...record, messages });
  };
  return Object.assign(Object.create(producer) as Producer, { send });
}

function headerText(
  headers: Readonly<Record<string, unknown>> | undefined,
): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (typeof value === 'string') text[name] = value;
  return text;
}
