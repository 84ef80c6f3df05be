import { inspect } from 'node:util';
import { kafkaClientConfig, KafkaSecret } from './kafka';

describe('kafkaClientConfig (what createKafka hands kafkajs)', () => {
  const base = { clientId: 'ledger', brokers: ['kafka:9093'] };

  it('given no security, then kafkajs gets neither ssl nor sasl (plaintext, anonymous: tests and benchmarks)', () => {
    const config = kafkaClientConfig(base);
    expect(config.ssl).toBeUndefined();
    expect(config.sasl).toBeUndefined();
  });

  it('given TLS and SCRAM (issue 22), then kafkajs gets exactly the CA, the client certificate and key, a verified broker, and the SASL credentials', () => {
    const config = kafkaClientConfig({
      ...base,
      security: {
        tls: { ca: 'CA PEM', cert: 'CERT PEM', key: new KafkaSecret('KEY PEM') },
        sasl: { mechanism: 'scram-sha-512', username: 'ledger', password: new KafkaSecret('pw') },
      },
    });
    expect(config.ssl).toEqual({
      rejectUnauthorized: true,
      ca: ['CA PEM'],
      cert: 'CERT PEM',
      key: 'KEY PEM',
    });
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ledger', password: 'pw' });
  });

  it('given TLS with neither CA nor client certificate, then the system CAs verify the broker', () => {
    expect(
      kafkaClientConfig({
        ...base,
        security: { tls: { ca: undefined, cert: undefined, key: undefined }, sasl: undefined },
      }).ssl,
    ).toEqual({ rejectUnauthorized: true });
  });

  it('a KafkaSecret never prints', () => {
    const secret = new KafkaSecret('hunter2');
    expect([`${secret}`, JSON.stringify({ secret }), inspect({ secret })].join(' ')).not.toContain(
      'hunter2',
    );
    expect(secret.reveal()).toBe('hunter2');
  });
});
