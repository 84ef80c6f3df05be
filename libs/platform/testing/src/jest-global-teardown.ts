import { rmSync } from 'node:fs';

/** Deletes the run's SoftHSM2 token store (see jest-global-setup.ts). */
export default function globalTeardown(): void {
  const directory = process.env['CUSTODY_SOFTHSM_DIRECTORY'];
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
}
