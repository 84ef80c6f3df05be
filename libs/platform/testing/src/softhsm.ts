import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ensureDebianPackage } from './debian-packages';

const run = promisify(execFile);
/** Debian's SoftHSM2 PKCS#11 module. */
export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const INIT_TIMEOUT_MS = 30_000;
const TOKEN_LABEL_MAX = 32;
const TOKEN_SUFFIX_HEX = 8;

export interface SoftHsmToken {
  /** PKCS#11 module to load. */
  readonly modulePath: string;
  readonly tokenLabel: string;
  /** The user PIN: a secret of the test run, never logged. */
  readonly userPin: string;
  /** SOFTHSM2_CONF of this token's store, for a child process's environment. */
  readonly confPath: string;
  /** Deletes the token's files. */
  destroy(): Promise<void>;
}

/**
 * A fresh SoftHSM2 token with random SO and user PINs, in the run's token store (SOFTHSM2_CONF,
 * chosen by Jest's global setup: SoftHSM reads it from the real environment, which a test file
 * cannot change). Installs Debian's softhsm2 when missing and we are root. Its label is `name`
 * plus a random suffix. Keys made on it are files in the store, encrypted under the PIN;
 * `destroy()` deletes the token.
 */
export async function createSoftHsmToken(name = 'custody-test'): Promise<SoftHsmToken> {
  await ensureDebianPackage(
    'softhsm2',
    SOFTHSM2_MODULE,
    'the wallet tests (keys in an HSM over PKCS#11)',
  );
  const confPath = process.env['SOFTHSM2_CONF'];
  if (confPath === undefined) {
    throw new Error(
      "SOFTHSM2_CONF is not set: the int and e2e tiers set it in Jest's global setup (libs/platform/testing/src/jest-global-setup.ts); a script sets it before it starts",
    );
  }
  // unique in the run's store (several test files share it); a PKCS#11 label has at most 32 characters
  const tokenLabel = `${name.slice(0, TOKEN_LABEL_MAX - TOKEN_SUFFIX_HEX - 1)}-${randomBytes(TOKEN_SUFFIX_HEX / 2).toString('hex')}`;
  const userPin = randomBytes(12).toString('hex');
  const soPin = randomBytes(12).toString('hex');
  try {
    await run(
      'softhsm2-util',
      ['--init-token', '--free', '--label', tokenLabel, '--so-pin', soPin, '--pin', userPin],
      { timeout: INIT_TIMEOUT_MS, env: { ...process.env, SOFTHSM2_CONF: confPath } },
    );
  } catch (error) {
    // never echo the command line: it carries the PINs
    throw new Error(
      `softhsm2-util could not initialise token '${tokenLabel}': ${(error as { stderr?: string }).stderr ?? 'failed'}`,
    );
  }
  return {
    modulePath: SOFTHSM2_MODULE,
    tokenLabel,
    userPin,
    confPath,
    destroy: async () => {
      await run('softhsm2-util', ['--delete-token', '--token', tokenLabel], {
        timeout: INIT_TIMEOUT_MS,
        env: { ...process.env, SOFTHSM2_CONF: confPath },
      });
    },
  };
}
