// Bundles test files (TypeScript, with the sources they import) into ES modules under
// .test-build/, one per test file and shared chunks between them, so that each test file's
// process runs plain JavaScript: without tsx in every process (its loader thread and the
// per-module transform cost ~0.4 s of CPU per file, ~70 s over the suite on 2 cores).
// Packages stay external (resolved from node_modules as before); import.meta.url, .dirname and
// .filename keep naming the source file, so paths a test or a source module works out from its
// own place (fixtures, src/cli/stdio.ts, createRequire) are the ones tsx gave.
// Usage (from run-tests.mjs): bundleTests(top, files) → the bundled path of each file, in order;
// the scripts below are bundled too, for the tests that start them.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const outDir = '.test-build';
/** Scripts the tests start in a process of their own (test/helpers/env.ts, scriptArgv). */
export const scripts = ['test/views/support/fake-tui.ts', 'test/views/support/perf-run.ts'];

/** Rewrites import.meta.{url,dirname,filename} of each of our TypeScript files to its own place. */
const ownPlace = {
  name: 'own-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.(ts|tsx|mts)$/ }, async (a) => {
      if (a.path.includes('/node_modules/')) return undefined;
      let text = await readFile(a.path, 'utf8');
      if (text.includes('import.meta.')) {
        text = text
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(a.path).href))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(a.path)))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(a.path));
      }
      return { contents: text, loader: a.path.endsWith('x') ? 'tsx' : 'ts', resolveDir: dirname(a.path) };
    });
  },
};

export async function bundleTests(top, files) {
  const out = join(top, outDir);
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: top,
    entryPoints: [...files, ...scripts.map((f) => join(top, f))].map((f) => ({ in: f, out: relative(top, f).replace(/\.tsx?$/, '') })),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    tsconfig: join(top, 'tsconfig.json'),
    plugins: [ownPlace],
    logLevel: 'warning',
  });
  return files.map((f) => join(out, relative(top, f).replace(/\.tsx?$/, '.mjs')));
}
