import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Import circles between source files (issue 24). A circle makes the load order decide which
 * module sees the other half-initialised, and it hides which file owns a rule. Type-only imports
 * count too: a circle of types is still two files that cannot be read apart.
 *
 * Resolution: relative specifiers and the workspace aliases of tsconfig.base.json (`paths`);
 * packages from node_modules are leaves and never part of a circle.
 */

const SOURCE_EXTENSIONS = ['.ts', '.tsx'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'tmp', '.stryker-tmp', 'reports']);

export interface ImportGraph {
  /** Workspace-relative file -> the workspace files it imports. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

function sourceFiles(root: string, directory: string, into: string[]): string[] {
  for (const name of readdirSync(join(root, directory))) {
    if (SKIPPED_DIRECTORIES.has(name) || name.startsWith('.')) continue;
    const path = join(directory, name);
    if (statSync(join(root, path)).isDirectory()) sourceFiles(root, path, into);
    else if (
      SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension)) &&
      !name.endsWith('.d.ts')
    )
      into.push(path);
  }
  return into;
}

function resolveFile(root: string, candidate: string): string | undefined {
  const options = [
    candidate,
    ...SOURCE_EXTENSIONS.map((extension) => candidate + extension),
    ...SOURCE_EXTENSIONS.map((extension) => join(candidate, `index${extension}`)),
  ];
  return options.find(
    (option) => existsSync(join(root, option)) && statSync(join(root, option)).isFile(),
  );
}

function aliases(root: string): ReadonlyMap<string, string> {
  const parsed = ts.readConfigFile(join(root, 'tsconfig.base.json'), (path) =>
    readFileSync(path, 'utf8'),
  );
  const paths = (parsed.config?.compilerOptions?.paths ?? {}) as Record<string, string[]>;
  return new Map(
    Object.entries(paths).flatMap(([alias, [target]]) =>
      target === undefined ? [] : [[alias, target]],
    ),
  );
}

/** Every import, export-from and dynamic import of the files under `directories`, resolved. */
export function importGraph(root: string, directories: readonly string[]): ImportGraph {
  const aliasTargets = aliases(root);
  const edges = new Map<string, string[]>();
  for (const directory of directories) {
    for (const file of sourceFiles(root, directory, [])) {
      const { importedFiles } = ts.preProcessFile(
        readFileSync(join(root, file), 'utf8'),
        true,
        true,
      );
      const targets = new Set<string>();
      for (const { fileName: specifier } of importedFiles) {
        const aliased = aliasTargets.get(specifier);
        const resolved =
          aliased !== undefined
            ? resolveFile(root, aliased)
            : specifier.startsWith('.')
              ? resolveFile(root, relative(root, resolve(root, dirname(file), specifier)))
              : undefined;
        if (resolved !== undefined && resolved !== file) targets.add(resolved);
      }
      edges.set(file, [...targets].sort());
    }
  }
  return { edges };
}

/** The circles of the graph: its strongly connected components of more than one file (Tarjan). */
export function importCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    lowest.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowest.set(file, Math.min(lowest.get(file) as number, lowest.get(target) as number));
      } else if (onStack.has(target))
        lowest.set(file, Math.min(lowest.get(file) as number, index.get(target) as number));
    }
    if (lowest.get(file) !== index.get(file)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === file) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const file of [...graph.edges.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}
