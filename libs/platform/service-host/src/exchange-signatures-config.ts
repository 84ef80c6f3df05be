import {
  ExchangeKeyFileError,
  ExchangeSignatureVerifier,
  readExchangePublicKeys,
} from '@custody/messaging';

export const EXCHANGE_SIGNATURES_MODES = ['required', 'off'] as const;

interface Problem {
  readonly variable: string;
  readonly reason: string;
}

/**
 * EXCHANGE_SIGNATURES (`required`, the default, or `off`) and EXCHANGE_PUBLIC_KEYS_FILE (the
 * exchange's Ed25519 public keys, see @custody/messaging's readExchangePublicKeys). Required:
 * every message of an exchange.* topic must be signed by one of those keys or it is parked. The
 * file is needed whenever the service consumes from Kafka; without Kafka and without a file (a
 * process on the in-process bus) the verifier trusts no key, so an exchange message is refused
 * rather than believed. `off` is refused in production (NODE_ENV=production).
 * Returns the verifier, or undefined when signatures are off.
 */
export function parseExchangeSignatures(
  environment: Readonly<Record<string, string | undefined>>,
  kafkaConfigured: boolean,
  problems: Problem[],
): ExchangeSignatureVerifier | undefined {
  const mode = environment['EXCHANGE_SIGNATURES']?.trim() || 'required';
  const file = environment['EXCHANGE_PUBLIC_KEYS_FILE']?.trim() || undefined;
  if (!(EXCHANGE_SIGNATURES_MODES as readonly string[]).includes(mode)) {
    problems.push({
      variable: 'EXCHANGE_SIGNATURES',
      reason: `must be one of ${EXCHANGE_SIGNATURES_MODES.join(', ')}`,
    });
    return undefined;
  }
  if (mode === 'off') {
    if (environment['NODE_ENV'] === 'production')
      problems.push({
        variable: 'EXCHANGE_SIGNATURES',
        reason: `'off' is refused with NODE_ENV=production: the exchange's messages must be signed`,
      });
    return undefined;
  }
  if (file === undefined) {
    if (kafkaConfigured)
      problems.push({
        variable: 'EXCHANGE_PUBLIC_KEYS_FILE',
        reason: `required with KAFKA_BROKERS while EXCHANGE_SIGNATURES is 'required': a JSON file of the exchange's Ed25519 public keys ({"keys": [{"keyId": ..., "publicKeyPem": ...}]})`,
      });
    return new ExchangeSignatureVerifier([]);
  }
  try {
    return new ExchangeSignatureVerifier(readExchangePublicKeys(file));
  } catch (error) {
    if (!(error instanceof ExchangeKeyFileError)) throw error;
    problems.push({ variable: 'EXCHANGE_PUBLIC_KEYS_FILE', reason: error.message });
    return undefined;
  }
}
