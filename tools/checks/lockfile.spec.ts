import { execFileSync } from 'node:child_process';
import path from 'node:path';

const WORKSPACE_ROOT = path.resolve(__dirname, '../..');

/**
 * `npm ci` refuses a lockfile that lacks an optional platform package, and this machine's
 * registry does not serve other platforms' binaries, so `npm install` leaves them out.
 * tools/scripts/complete-lockfile.mjs adds them; this test fails when someone forgot to run it.
 */
describe('package-lock.json', () => {
  it('has an entry for every optional platform package, so npm ci accepts it', () => {
    const output = execFileSync(
      process.execPath,
      ['tools/scripts/complete-lockfile.mjs', '--check'],
      { cwd: WORKSPACE_ROOT, encoding: 'utf8' },
    );
    expect(output).toContain('every optional platform package has a lockfile entry');
  });
});
