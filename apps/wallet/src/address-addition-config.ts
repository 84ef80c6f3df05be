import { readFileSync } from 'node:fs';
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
  /** The staff-address register (WALLET_STAFF_ADDRESSES_FILE): addresses staff declared as their own; empty when unset. */
  readonly staffAddresses: readonly StaffAddress[];
}

/** An address a staff member declared as their own (the conflict-of-interest register kept by compliance). */
export interface StaffAddress {
  readonly staffId: string;
  readonly chain: string;
  readonly address: string;
}

/** A register larger than this is not a staff register. */
export const STAFF_ADDRESSES_MAX = 10_000;
const STAFF_ADDRESSES_FILE_BYTES_MAX = 2 * 1024 * 1024;
const CHAIN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** WALLET_STAFF_ADDRESSES_FILE: JSON {"addresses": [{"staffId", "chain", "address"}]}; each problem names the variable, never the file's content. */
function parseStaffAddresses(file: string | undefined, problems: ConfigProblem[]): StaffAddress[] {
  if (file === undefined || file.trim() === '') return [];
  const problem = (reason: string) => {
    problems.push({ variable: 'WALLET_STAFF_ADDRESSES_FILE', reason });
    return [];
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return problem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (Buffer.byteLength(text) > STAFF_ADDRESSES_FILE_BYTES_MAX)
    return problem(`larger than ${STAFF_ADDRESSES_FILE_BYTES_MAX} bytes`);
  let entries: unknown;
  try {
    entries = (JSON.parse(text) as { addresses?: unknown } | null)?.addresses;
  } catch {
    return problem(
      'is not JSON: expected {"addresses": [{"staffId": ..., "chain": ..., "address": ...}]}',
    );
  }
  if (!Array.isArray(entries)) return problem('must hold an "addresses" array');
  if (entries.length > STAFF_ADDRESSES_MAX)
    return problem(`holds more than ${STAFF_ADDRESSES_MAX} addresses`);
  const addresses: StaffAddress[] = [];
  for (const [index, entry] of entries.entries()) {
    const { staffId, chain, address } = (entry ?? {}) as Record<string, unknown>;
    if (
      typeof staffId !== 'string' ||
      !SUBJECT.test(staffId) ||
      typeof chain !== 'string' ||
      !CHAIN_NAME.test(chain) ||
      typeof address !== 'string' ||
      !ADDRESS.test(address)
    ) {
      return problem(
        `addresses[${index}] must have a staffId (a token subject), a chain (${CHAIN_NAME.source}) and an EVM address`,
      );
    }
    addresses.push({ staffId, chain, address: address.toLowerCase() });
  }
  return addresses;
}

/** The shortest cooling-off production accepts (an hour: time for the client to see the new-address notice). */
export const ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN = 3_600_000;

/** WALLET_EXCHANGE_SUBJECTS, WALLET_ADDRESS_COOLING_OFF_MS and WALLET_STAFF_ADDRESSES_FILE; each problem names its variable. */
export function parseAddressAdditionConfig(
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): AddressAdditionConfig {
  const subjectsText = env['WALLET_EXCHANGE_SUBJECTS'];
  const subjects =
    subjectsText === undefined || subjectsText.trim() === ''
      ? EXCHANGE_SUBJECTS_DEFAULT
      : subjectsText.split(',').map((item) => item.trim());
  for (const subject of subjects)
    if (!SUBJECT.test(subject))
      problems.push({
        variable: 'WALLET_EXCHANGE_SUBJECTS',
        reason: `'${subject}' is not a token subject (${SUBJECT.source})`,
      });
  const coolingText = env['WALLET_ADDRESS_COOLING_OFF_MS'];
  const addressCoolingOffMs =
    coolingText === undefined || coolingText === ''
      ? ADDRESS_COOLING_OFF_MS_DEFAULT
      : /^(0|[1-9][0-9]{0,15})$/.test(coolingText)
        ? Number(coolingText)
        : Number.NaN;
  if (
    !Number.isSafeInteger(addressCoolingOffMs) ||
    addressCoolingOffMs > ADDRESS_COOLING_OFF_MS_MAX
  )
    problems.push({
      variable: 'WALLET_ADDRESS_COOLING_OFF_MS',
      reason: `an integer from 0 to ${ADDRESS_COOLING_OFF_MS_MAX} (milliseconds)`,
    });
  // production keeps a cooling-off of at least an hour: 0 is for npm start's development chain
  if (
    env['NODE_ENV'] === 'production' &&
    addressCoolingOffMs < ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN
  )
    problems.push({
      variable: 'WALLET_ADDRESS_COOLING_OFF_MS',
      reason: `at least ${ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN} with NODE_ENV=production: a new address waits before a first withdrawal to it`,
    });
  const staffAddresses = parseStaffAddresses(env['WALLET_STAFF_ADDRESSES_FILE'], problems);
  return { exchangeSubjects: subjects, addressCoolingOffMs, staffAddresses };
}
