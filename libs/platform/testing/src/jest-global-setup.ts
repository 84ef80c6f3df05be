import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Jest's global setup for the int and e2e tiers. SoftHSM2 reads SOFTHSM2_CONF from the real
 * process environment when its module initialises, and a test file's `process.env` is only a
 * copy inside Jest's sandbox: so the token store of the whole run is chosen here, in Jest's own
 * process, before the workers start (they inherit it). `createSoftHsmToken` adds tokens to it.
 */
export default function globalSetup(): void {
  if (process.env['SOFTHSM2_CONF'] !== undefined) return;
  const directory = mkdtempSync(path.join(tmpdir(), 'custody-softhsm-'));
  mkdirSync(path.join(directory, 'tokens'));
  const confPath = path.join(directory, 'softhsm2.conf');
  writeFileSync(confPath, softHsmConf(directory));
  process.env['SOFTHSM2_CONF'] = confPath;
  process.env['CUSTODY_SOFTHSM_DIRECTORY'] = directory;
}

function softHsmConf(directory: string): string {
  return `directories.tokendir = ${path.join(directory, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`;
}
