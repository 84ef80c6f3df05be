// Compiles services to plain CommonJS for the image (issue 10), so production runs `node` on
// JavaScript with no TypeScript tooling (@swc-node/register and the compilers are dev dependencies):
//   npm run build:service -- ledger [wallet ...] [--out-dir dist]
// For each service, the TypeScript compiler follows the imports of apps/<service>/src/main.ts
// (the `@custody/*` paths of tsconfig.base.json included) and emits exactly those files, with
// tsconfig.base.json's options (legacy decorators, emitDecoratorMetadata from the type checker:
// NestJS constructor injection and TypeORM column types read it), to
//   <out>/apps/<service>/src/main.js, <out>/libs/<...>/src/*.js
// and links every `@custody/*` alias the code uses to its compiled entry with a generated
//   <out>/node_modules/@custody/<name>/package.json   ({"main": "../../../libs/.../index.js"})
// so `require('@custody/x')` resolves by Node's own lookup: no runtime dependency, no path hook.
// Third-party packages resolve from the node_modules next to <out> (the image's /app/node_modules).
// Non-TypeScript files under the used projects' src/ (none today: no service reads a repo file at
// run time) are copied beside the compiled code.
// The build refuses: test code in the output (*.spec.ts, *.test-support.ts, libs/platform/testing),
// a compile error, and a required package that is not in package.json `dependencies` (npm ci
// --omit=dev would not install it). It type-checks only the files it emits.
import { builtinModules } from 'node:module';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MARKER = '.build-service.json';
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
const TEST_CODE = [/\.spec\.ts$/, /\.test-support\.ts$/, /^libs\/platform\/testing\//];
const EXIT_USAGE = 64;
const EXIT_FAILED = 1;

function fail(message, code = EXIT_FAILED) {
  process.stderr.write(`build-service: ${message}\n`);
  process.exit(code);
}

function parseArguments(argv) {
  const services = [];
  let outDir = path.join(REPO, 'dist');
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--out-dir') {
      const value = argv[(index += 1)];
      if (value === undefined) fail('--out-dir needs a directory', EXIT_USAGE);
      outDir = path.resolve(value);
    } else if (argument.startsWith('--')) fail(`unknown option ${argument}`, EXIT_USAGE);
    else services.push(argument);
  }
  const known = readdirSync(path.join(REPO, 'apps')).filter((name) =>
    existsSync(path.join(REPO, 'apps', name, 'src/main.ts')),
  );
  if (services.length === 0)
    fail(
      `usage: build-service.mjs <service...> [--out-dir dir]; services: ${known.join(', ')}`,
      EXIT_USAGE,
    );
  for (const service of services) {
    if (!SERVICE_NAME.test(service) || !known.includes(service))
      fail(
        `unknown service "${service}" (no apps/${service}/src/main.ts); services: ${known.join(', ')}`,
        EXIT_USAGE,
      );
  }
  return { services: [...new Set(services)], outDir };
}

/** Empties the output directory, but only one this script made (or an empty or missing one). */
function prepareOutDir(outDir) {
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(MARKER))
      fail(
        `${outDir} exists and was not made by this script (no ${MARKER}); remove it or choose another --out-dir`,
      );
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

function compilerOptions(outDir) {
  const configFile = path.join(REPO, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) fail(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPO, undefined, configFile);
  return {
    ...parsed.options,
    module: ts.ModuleKind.CommonJS,
    outDir,
    rootDir: REPO,
    noEmit: false,
    noEmitOnError: true,
    declaration: false,
    sourceMap: false,
    incremental: false,
    types: ['node'],
  };
}

const relative = (file) => path.relative(REPO, file).split(path.sep).join('/');

function compile(services, options) {
  const rootNames = services.map((service) => path.join(REPO, 'apps', service, 'src/main.ts'));
  const program = ts.createProgram({ rootNames, options });
  const ownFiles = program
    .getSourceFiles()
    .filter(
      (file) =>
        !file.isDeclarationFile &&
        !program.isSourceFileFromExternalLibrary(file) &&
        !relative(file.fileName).startsWith('..'),
    );
  const testCode = ownFiles
    .map((file) => relative(file.fileName))
    .filter((name) => TEST_CODE.some((pattern) => pattern.test(name)));
  if (testCode.length > 0)
    fail(`test code reached from ${services.join(', ')}: ${testCode.join(', ')}`);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of ownFiles)
    diagnostics.push(
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    );
  const emitted = [];
  const result = diagnostics.some(
    (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
  )
    ? { diagnostics: [], emitSkipped: true }
    : program.emit(undefined, (fileName, text) => {
        mkdirSync(path.dirname(fileName), { recursive: true });
        writeFileSync(fileName, text);
        emitted.push(fileName);
      });
  const errors = [...diagnostics, ...result.diagnostics].filter(
    (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
  );
  if (errors.length > 0 || result.emitSkipped) {
    const host = {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => REPO,
      getNewLine: () => '\n',
    };
    fail(`compilation failed:\n${ts.formatDiagnostics(errors, host)}`);
  }
  return { sources: ownFiles.map((file) => relative(file.fileName)), emitted };
}

/** `@custody/*` aliases whose entry was compiled, each as a package whose main is that entry. */
function linkAliases(outDir, paths, sources) {
  const linked = [];
  for (const [alias, [target]] of Object.entries(paths)) {
    if (!alias.startsWith('@custody/') || !sources.includes(target)) continue;
    const packageDir = path.join(outDir, 'node_modules', ...alias.split('/'));
    const main = path.join(outDir, target.replace(/\.ts$/, '.js'));
    mkdirSync(packageDir, { recursive: true });
    const manifest = {
      name: alias,
      private: true,
      main: path.relative(packageDir, main).split(path.sep).join('/'),
    };
    writeFileSync(path.join(packageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    linked.push(alias);
  }
  return linked;
}

/** Non-TypeScript files under src/ of every project the build compiled something from. */
function copyAssets(outDir, sources) {
  const sourceRoots = new Set(
    sources.map((file) => file.match(/^(.*?\/src)\//)?.[1]).filter(Boolean),
  );
  const copied = [];
  const walk = (directory) => {
    for (const entry of readdirSync(path.join(REPO, directory))) {
      const file = `${directory}/${entry}`;
      if (statSync(path.join(REPO, file)).isDirectory()) walk(file);
      else if (!file.endsWith('.ts')) {
        cpSync(path.join(REPO, file), path.join(outDir, file));
        copied.push(file);
      }
    }
  };
  for (const root of sourceRoots) walk(root);
  return copied;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every bare package the compiled code requires must be installed by `npm ci --omit=dev`: a
 * dependency, or an optional one (pkcs11js: optional so that `npm ci` works without a C++
 * toolchain; the image builds it, and the code loads it on first use).
 */
function checkRequires(emitted, linked) {
  const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const runtime = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const missing = new Map();
  for (const file of emitted.filter((name) => name.endsWith('.js'))) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (
        specifier.startsWith('.') ||
        specifier.startsWith('node:') ||
        builtinModules.includes(specifier)
      )
        continue;
      if (linked.includes(specifier)) continue;
      const name = packageName(specifier);
      if (!runtime.has(name)) missing.set(name, path.relative(REPO, file));
    }
  }
  if (missing.size > 0) {
    const lines = [...missing].map(([name, file]) => `  ${name} (required by ${file})`);
    fail(
      `the compiled code requires packages that are not in package.json "dependencies" (npm ci --omit=dev leaves them out):\n${lines.join('\n')}`,
    );
  }
}

const { services, outDir } = parseArguments(process.argv.slice(2));
const started = Date.now();
prepareOutDir(outDir);
const options = compilerOptions(outDir);
const { sources, emitted } = compile(services, options);
const linked = linkAliases(outDir, options.paths ?? {}, sources);
const unlinked = [
  ...new Set(
    emitted.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\brequire\("(@custody\/[^"]+)"\)/g)].map(
        (match) => match[1],
      ),
    ),
  ),
].filter((alias) => !linked.includes(alias));
if (unlinked.length > 0) fail(`@custody imports without a compiled entry: ${unlinked.join(', ')}`);
const assets = copyAssets(outDir, sources);
checkRequires(emitted, linked);
writeFileSync(
  path.join(outDir, MARKER),
  `${JSON.stringify({ services, entries: services.map((service) => `apps/${service}/src/main.js`), packages: linked, assets }, null, 2)}\n`,
);
process.stdout.write(
  `build-service: ${services.join(', ')} -> ${path.relative(process.cwd(), outDir) || '.'}: ${emitted.length} files from ${sources.length} sources, ` +
    `${linked.length} @custody packages linked, ${assets.length} assets, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
