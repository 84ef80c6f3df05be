import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXCHANGE_SIGNATURE_HEADER,
  EXCHANGE_SIGNATURE_KEY_ID_HEADER,
  ExchangeKeyFileError,
  ExchangeSignatureVerifier,
  exchangeSignedBytes,
  readExchangePublicKeys,
  signExchangeMessage,
} from './exchange-signature';
import type { OutboundMessage } from './ports';

const TOPIC = 'exchange.trades.v1';

function keyPair(keyId: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signer: { keyId, key: privateKey }, trusted: { keyId, key: publicKey } };
}

const current = keyPair('exchange-2026-12');
const next = keyPair('exchange-2027-01');
const attacker = keyPair('exchange-2026-12'); // the same key id, another key

function inbound(message: OutboundMessage) {
  const bytes = (value: string | Buffer | null) => (value === null ? null : Buffer.from(value));
  return {
    key: bytes(message.key),
    value: bytes(message.value) as Buffer,
    headers: { ...message.headers },
  };
}

const trade: OutboundMessage = {
  key: 'trade-T-1',
  value: '{"eventId":"e-1","data":{"quantityMinor":"1000"}}',
  headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
};

describe('exchange message signatures (Ed25519 over topic, key and value)', () => {
  const verifier = new ExchangeSignatureVerifier([current.trusted, next.trusted]);

  it('accepts a message signed by a trusted key, and names the key', () => {
    expect(
      verifier.check(TOPIC, inbound(signExchangeMessage(current.signer, TOPIC, trade))),
    ).toEqual({ ok: true, keyId: 'exchange-2026-12' });
  });

  it('accepts either key during a rotation, and a key taken out of the file is unknown afterwards', () => {
    const signed = inbound(signExchangeMessage(next.signer, TOPIC, trade));
    expect(verifier.check(TOPIC, signed).ok).toBe(true);
    expect(new ExchangeSignatureVerifier([current.trusted]).check(TOPIC, signed)).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_KEY_UNKNOWN',
    });
  });

  it('refuses an unsigned message with EXCHANGE_SIGNATURE_MISSING', () => {
    expect(verifier.check(TOPIC, inbound(trade))).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_MISSING',
      path: '',
    });
  });

  it('refuses a signature by another key under a trusted key id (a forgery) with EXCHANGE_SIGNATURE_INVALID', () => {
    expect(
      verifier.check(TOPIC, inbound(signExchangeMessage(attacker.signer, TOPIC, trade))),
    ).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_INVALID',
      path: `headers.${EXCHANGE_SIGNATURE_HEADER}`,
    });
  });

  it('refuses a signed message whose value was changed on the way (one byte)', () => {
    const signed = inbound(signExchangeMessage(current.signer, TOPIC, trade));
    const changed = {
      ...signed,
      value: Buffer.from(signed.value.toString().replace('1000', '9000')),
    };
    expect(verifier.check(TOPIC, changed)).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_INVALID',
    });
  });

  it('refuses a signed message replayed with another key or onto another topic', () => {
    const signed = inbound(signExchangeMessage(current.signer, TOPIC, trade));
    expect(verifier.check(TOPIC, { ...signed, key: Buffer.from('trade-T-2') })).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_INVALID',
    });
    expect(verifier.check(TOPIC, { ...signed, key: null })).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_INVALID',
    });
    expect(verifier.check('exchange.prices.v1', signed)).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_INVALID',
    });
  });

  it('keeps the trace context out of what is signed (headers may change on the way)', () => {
    const signed = inbound(signExchangeMessage(current.signer, TOPIC, trade));
    expect(
      verifier.check(TOPIC, {
        ...signed,
        headers: {
          ...signed.headers,
          traceparent: '00-11111111111111111111111111111111-2222222222222222-01',
        },
      }).ok,
    ).toBe(true);
  });

  it('refuses a malformed signature or key id, and an unknown key id, each with its own code', () => {
    const signed = inbound(signExchangeMessage(current.signer, TOPIC, trade));
    expect(
      verifier.check(TOPIC, {
        ...signed,
        headers: { ...signed.headers, [EXCHANGE_SIGNATURE_HEADER]: 'not base64' },
      }),
    ).toMatchObject({ ok: false, code: 'EXCHANGE_SIGNATURE_MALFORMED' });
    expect(
      verifier.check(TOPIC, {
        ...signed,
        headers: {
          [EXCHANGE_SIGNATURE_HEADER]: signed.headers[EXCHANGE_SIGNATURE_HEADER] as string,
        },
      }),
    ).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SIGNATURE_MALFORMED',
      path: `headers.${EXCHANGE_SIGNATURE_KEY_ID_HEADER}`,
    });
    expect(
      verifier.check(TOPIC, {
        ...signed,
        headers: { ...signed.headers, [EXCHANGE_SIGNATURE_KEY_ID_HEADER]: 'someone-else' },
      }),
    ).toMatchObject({ ok: false, code: 'EXCHANGE_SIGNATURE_KEY_UNKNOWN' });
  });

  it('a verifier that trusts no key refuses everything (fail safe)', () => {
    expect(
      new ExchangeSignatureVerifier([]).check(
        TOPIC,
        inbound(signExchangeMessage(current.signer, TOPIC, trade)),
      ),
    ).toMatchObject({ ok: false, code: 'EXCHANGE_SIGNATURE_KEY_UNKNOWN' });
  });

  it('frames topic, key and value with lengths: moving bytes between them changes what is signed', () => {
    expect(exchangeSignedBytes('ab', 'c', 'd').equals(exchangeSignedBytes('a', 'bc', 'd'))).toBe(
      false,
    );
    expect(exchangeSignedBytes('a', 'b', 'cd').equals(exchangeSignedBytes('a', 'bc', 'd'))).toBe(
      false,
    );
    expect(exchangeSignedBytes('a', null, 'b').equals(exchangeSignedBytes('a', '', 'b'))).toBe(
      false,
    );
    // the documented layout, byte for byte (an exchange implements it from the README)
    expect(exchangeSignedBytes('t', 'k', 'v').toString('hex')).toBe(
      Buffer.concat([
        Buffer.from('custody-exchange-signature-v1\n'),
        Buffer.from('0000000174', 'hex'),
        Buffer.from('000000016b', 'hex'),
        Buffer.from('0000000176', 'hex'),
      ]).toString('hex'),
    );
  });
});

describe('the exchange public keys file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'exchange-keys-'));
  const file = (name: string, content: string) => {
    const path = join(directory, name);
    writeFileSync(path, content);
    return path;
  };
  const pem = (key: typeof current.trusted.key) =>
    key.export({ type: 'spki', format: 'pem' }) as string;

  it('reads several keys (a rotation)', () => {
    const keys = readExchangePublicKeys(
      file(
        'ok.json',
        JSON.stringify({
          keys: [
            { keyId: 'a', publicKeyPem: pem(current.trusted.key) },
            { keyId: 'b', publicKeyPem: pem(next.trusted.key) },
          ],
        }),
      ),
    );
    expect(keys.map((key) => key.keyId)).toEqual(['a', 'b']);
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['no keys', '{"keys": []}', /non-empty/],
    ['a bad key id', JSON.stringify({ keys: [{ keyId: ' bad', publicKeyPem: '' }] }), /keyId/],
    ['not a PEM', JSON.stringify({ keys: [{ keyId: 'a', publicKeyPem: 'xyz' }] }), /not a PEM/],
    [
      'a repeated key id',
      JSON.stringify({
        keys: [
          { keyId: 'a', publicKeyPem: pem(current.trusted.key) },
          { keyId: 'a', publicKeyPem: pem(next.trusted.key) },
        ],
      }),
      /unique/,
    ],
  ])('refuses %s with a reason', (name, content, reason) => {
    expect(() => readExchangePublicKeys(file(`${name}.json`, content))).toThrow(
      ExchangeKeyFileError,
    );
    expect(() => readExchangePublicKeys(file(`${name}.json`, content))).toThrow(reason);
  });

  it('refuses a key that is not Ed25519', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      readExchangePublicKeys(
        file(
          'ec.json',
          JSON.stringify({
            keys: [{ keyId: 'a', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) }],
          }),
        ),
      ),
    ).toThrow(/not Ed25519/);
  });

  it('refuses a missing file without quoting anything of it', () => {
    expect(() => readExchangePublicKeys(join(directory, 'absent.json'))).toThrow(
      /cannot be read \(ENOENT\)/,
    );
  });
});
