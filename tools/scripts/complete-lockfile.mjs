// Adds lockfile entries for optional platform packages that this machine's npm registry does
// not serve (it answers 404 for, e.g., @swc/core-darwin-arm64). Without them `npm ci` refuses
// the lockfile ("Missing: ... from lock file"), although npm would skip them here anyway.
// Each added entry carries the exact version the parent pins and the os/cpu read from its
// name, so npm installs it only on that platform (fetching it by name and version there).
// Run after any `npm install` that changes package-lock.json: node tools/scripts/complete-lockfile.mjs
// With --check it changes nothing and exits 1 when an entry is missing (a test runs that).
import { readFileSync, writeFileSync } from 'node:fs';

const LOCKFILE = 'package-lock.json';
const OS_NAMES = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openharmony',
  'netbsd',
  'openbsd',
  'sunos',
  'aix',
];
const CPU_NAMES = [
  'arm64',
  'x64',
  'ia32',
  'arm',
  'ppc64',
  's390x',
  'riscv64',
  'loong64',
  'mips64el',
  'wasm32',
];
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

const lock = JSON.parse(readFileSync(LOCKFILE, 'utf8'));
const packages = lock.packages;
const added = [];

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolves(path, name)) continue;
    const parts = name.split('/').pop().split('-');
    const os = OS_NAMES.find((candidate) => parts.includes(candidate));
    const cpu = CPU_NAMES.find((candidate) => parts.includes(candidate));
    if (!EXACT_VERSION.test(spec) || os === undefined || cpu === undefined) {
      console.error(
        `complete-lockfile: cannot complete ${name}@${spec} (needed by ${path || 'the root'}); leaving it out`,
      );
      continue;
    }
    const libc = parts.includes('musl')
      ? ['musl']
      : parts.includes('gnu') || parts.includes('gnueabihf')
        ? ['glibc']
        : undefined;
    packages[`node_modules/${name}`] = {
      version: spec,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(libc ? { libc } : {}),
      optional: true,
      os: [os],
    };
    added.push(`${name}@${spec}`);
  }
}

/** Whether `name` is reachable from the package at `path` (its own node_modules, then upwards). */
function resolves(path, name) {
  let base = path;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`] !== undefined) return true;
    if (base === '') return false;
    const index = base.lastIndexOf('/node_modules/');
    base = index === -1 ? '' : base.slice(0, index);
  }
}

if (process.argv.includes('--check')) {
  if (added.length > 0) {
    console.error(
      `complete-lockfile: ${LOCKFILE} lacks ${added.join(', ')}; run node tools/scripts/complete-lockfile.mjs`,
    );
    process.exit(1);
  }
  console.log('complete-lockfile: every optional platform package has a lockfile entry');
  process.exit(0);
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCKFILE, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  `complete-lockfile: added ${added.length} entries${added.length ? `: ${added.join(', ')}` : ''}`,
);
