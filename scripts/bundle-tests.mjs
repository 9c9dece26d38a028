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
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const outDir = '.test-build';
/** Scripts the tests start in a process of their own (test/helpers/env.ts, scriptArgv). */
export const scripts = ['test/views/support/fake-tui.ts', 'test/views/support/perf-run.ts'];

/**
 * Modules whose side effects must come before any package loads: test-env.ts sets FORCE_COLOR
 * for chalk, which reads it once, as it loads. In a bundle the packages' imports are hoisted
 * above the bundled modules' code, so a file that reaches one of these is run through a wrapper
 * that imports the prelude's own bundle first (ES modules evaluate their imports in order).
 */
export const preludes = ['test/views/support/test-env.ts'];

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
  const entries = [...files, ...[...scripts, ...preludes].map((f) => join(top, f))];
  const { metafile } = await build({
    absWorkingDir: top,
    entryPoints: entries.map((f) => ({ in: f, out: relative(top, f).replace(/\.tsx?$/, '') })),
    metafile: true,
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
  withPreludes(top, metafile);
  return files.map((f) => join(out, relative(top, f).replace(/\.tsx?$/, '.mjs')));
}

/** Puts a wrapper in place of each entry whose bundle reaches a prelude (see `preludes`). */
function withPreludes(top, metafile) {
  const outputs = metafile.outputs;
  const holds = new Map(); // output → does it, or a chunk it imports, hold a prelude?
  const reaches = (out) => {
    if (holds.has(out)) return holds.get(out);
    holds.set(out, false);
    const o = outputs[out];
    const found =
      Object.keys(o.inputs).some((i) => preludes.includes(i)) ||
      o.imports.some((i) => !i.external && i.kind === 'import-statement' && reaches(i.path));
    holds.set(out, found);
    return found;
  };
  for (const [out, o] of Object.entries(outputs)) {
    if (!o.entryPoint || preludes.includes(o.entryPoint) || !reaches(out)) continue;
    const file = join(top, out);
    const body = file.replace(/\.mjs$/, '.body.mjs');
    renameSync(file, body); // its source map comment names FILE.map, which stays where it is
    const rel = (p) => './' + relative(dirname(file), p);
    const imports = preludes.map((p) => join(top, outDir, p.replace(/\.tsx?$/, '.mjs'))).concat(body);
    writeFileSync(file, imports.map((p) => `import ${JSON.stringify(rel(p))};\n`).join(''));
  }
}
