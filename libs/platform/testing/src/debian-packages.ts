import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const APT_TIMEOUT_MS = 300_000;

/**
 * Makes sure a Debian package is installed, judged by a file it ships. Installs it when we run as
 * root (CI and this machine; `.ci/run` installs it first, so parallel workers do not race for apt's
 * lock); otherwise says what to install. Packages come from the Debian registry only.
 */
export async function ensureDebianPackage(
  packageName: string,
  shippedFile: string,
  purpose: string,
): Promise<void> {
  if (existsSync(shippedFile)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${shippedFile} is missing: install Debian's ${packageName} (sudo apt-get install -y ${packageName}) for ${purpose}`,
    );
  }
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', packageName], {
      timeout: APT_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    await install();
  } catch {
    await run('apt-get', ['update'], { timeout: APT_TIMEOUT_MS });
    await install();
  }
  if (!existsSync(shippedFile))
    throw new Error(`installed ${packageName} but ${shippedFile} is still missing`);
}
