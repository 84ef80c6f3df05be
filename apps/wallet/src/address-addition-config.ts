import type { ConfigProblem } from '@custody/service-host';
import { ADDRESS_COOLING_OFF_MS_DEFAULT, ADDRESS_COOLING_OFF_MS_MAX } from '@custody/wallet-domain';

/** The token subject the exchange's service identity (role custody-service) has when none is configured. */
export const EXCHANGE_SUBJECTS_DEFAULT = ['exchange'];
/** Token subjects: as identifiers everywhere. */
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9:._\-/@]{0,127}$/;

/** HK-11h: who is the client's channel for address additions, and how long a new address cools off. */
export interface AddressAdditionConfig {
  /** Token subjects of the exchange's service identity: a `custody-service` caller with one of these forwards clients' proofs. */
  readonly exchangeSubjects: readonly string[];
  /** Wait between an address being listed and the first withdrawal to it. */
  readonly addressCoolingOffMs: number;
}

/** The shortest cooling-off production accepts (an hour: time for the client to see the new-address notice). */
export const ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN = 3_600_000;

/** WALLET_EXCHANGE_SUBJECTS and WALLET_ADDRESS_COOLING_OFF_MS; each problem names its variable. */
export function parseAddressAdditionConfig(env: Readonly<Record<string, string | undefined>>, problems: ConfigProblem[]): AddressAdditionConfig {
  const subjectsText = env['WALLET_EXCHANGE_SUBJECTS'];
  const subjects = subjectsText === undefined || subjectsText.trim() === '' ? EXCHANGE_SUBJECTS_DEFAULT : subjectsText.split(',').map((item) => item.trim());
  for (const subject of subjects) if (!SUBJECT.test(subject)) problems.push({ variable: 'WALLET_EXCHANGE_SUBJECTS', reason: `'${subject}' is not a token subject (${SUBJECT.source})` });
  const coolingText = env['WALLET_ADDRESS_COOLING_OFF_MS'];
  const addressCoolingOffMs = coolingText === undefined || coolingText === '' ? ADDRESS_COOLING_OFF_MS_DEFAULT : /^(0|[1-9][0-9]{0,15})$/.test(coolingText) ? Number(coolingText) : Number.NaN;
  if (!Number.isSafeInteger(addressCoolingOffMs) || addressCoolingOffMs > ADDRESS_COOLING_OFF_MS_MAX) problems.push({ variable: 'WALLET_ADDRESS_COOLING_OFF_MS', reason: `an integer from 0 to ${ADDRESS_COOLING_OFF_MS_MAX} (milliseconds)` });
  // production keeps a cooling-off of at least an hour: 0 is for npm start's development chain
  if (env['NODE_ENV'] === 'production' && addressCoolingOffMs < ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN) problems.push({ variable: 'WALLET_ADDRESS_COOLING_OFF_MS', reason: `at least ${ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN} with NODE_ENV=production: a new address waits before a first withdrawal to it` });
  return { exchangeSubjects: subjects, addressCoolingOffMs };
}
