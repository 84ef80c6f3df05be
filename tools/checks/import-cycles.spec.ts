import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { importCycles, importGraph } from './import-cycles';

const ROOT = resolve(__dirname, '../..');

describe('import circles (issue 24)', () => {
  it('there is none in apps, libs or tools', () => {
    const cycles = importCycles(importGraph(ROOT, ['apps', 'libs', 'tools']));
    expect(cycles.map((files) => files.join(' <-> '))).toEqual([]);
  });

  describe('the check itself', () => {
    let root: string;
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'import-cycles-'));
      write(
        'tsconfig.base.json',
        JSON.stringify({ compilerOptions: { paths: { '@x/b': ['libs/b/src/index.ts'] } } }),
      );
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('finds a circle through a workspace alias, a type-only import and an index file', () => {
      write('libs/a/src/a.ts', "import type { B } from '@x/b';\nexport type A = B;\n");
      write('libs/b/src/index.ts', "export * from './b';\n");
      write('libs/b/src/b.ts', "import { a } from '../../a/src/a';\nexport const b = a;\n");
      write(
        'libs/c/src/c.ts',
        "import { b } from '@x/b';\nimport 'kafkajs';\nexport const c = b;\n",
      );
      expect(importCycles(importGraph(root, ['libs']))).toEqual([
        ['libs/a/src/a.ts', 'libs/b/src/b.ts', 'libs/b/src/index.ts'],
      ]);
    });

    it('finds none in a chain, and a file importing itself is not a circle', () => {
      write('libs/a/src/a.ts', "import { b } from './b';\nexport const a = b;\n");
      write('libs/a/src/b.ts', "import { c } from './c';\nexport const b = c;\n");
      write(
        'libs/a/src/c.ts',
        "import { self } from './c';\nexport const c = 1;\nexport const self = c;\n",
      );
      expect(importCycles(importGraph(root, ['libs']))).toEqual([]);
    });
  });
});
