#!/usr/bin/env node
// Bundles the CLI (dist/cli/main.js and everything of ours it imports) into one CommonJS file,
// dist/cli.cjs, which bin/dockui.js compiles with V8's code cache (dist/v8-cache/); and the
// TUI into dist/tui-bundle/ (see the end).
//
// Why: Node 20 has no compile cache for ES modules, and a command spent ~20 ms resolving,
// reading, compiling and linking the ~60 modules a verb needs. As one CommonJS file, esbuild
// wraps each module in a lazy initializer (a dynamic import of ours becomes a call), so a command
// runs only the modules it uses and loads only the packages those import; vm.Script takes the
// code cache, so what was compiled once is not compiled again. Measured against the ES module
// split bundle: `run --rm` 17 ms quicker; one ESM bundle file was slower than none (it must
// load every package up front). Packages (ink, react, chokidar, execa) stay external; the TUI
// (dist/tui.js) is loaded unbundled from dist/. Runs after tsc (npm run build).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// DOCKUI_BUNDLE_TOP: bundle another tree's dist/ (bench/modules.mjs does, on its copy);
// DOCKUI_BUNDLE_READABLE=1 keeps the whitespace and the "// dist/…" module comments it reads.
const top = process.env.DOCKUI_BUNDLE_TOP ?? resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readable = process.env.DOCKUI_BUNDLE_READABLE === '1';
for (const old of ['dist/cli-bundle', 'dist/cli.cjs.cache', 'dist/v8-cache', 'dist/tui-bundle'])
  rmSync(join(top, old), { recursive: true, force: true });
await build({
  entryPoints: [join(top, 'dist/cli/main.js')],
  outfile: join(top, 'dist/cli.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // import.meta.url (sysx's native module, the path of bin/dockui.js) is this file's URL.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
  // Every command reads and deserializes the whole file: no comments or indentation (names are
  // kept, so stacks still read), and ASCII only, so Node reads it as a one-byte string.
  minifyWhitespace: !readable,
  legalComments: 'none',
  charset: 'ascii',
  logLevel: 'warning',
});

// A dynamic import() in code compiled with a code cache fails in Node 20 ("A dynamic import
// callback was not specified": the callback is not restored with the cache). esbuild turned our
// own dynamic imports into calls; those left are Node's built-ins, which require() serves the same.
const out = join(top, 'dist/cli.cjs');
const text = readFileSync(out, 'utf8').replace(/\bimport\(("node:[a-z_/]+")\)/g, 'Promise.resolve().then(() => require($1))');
const left = /(^|[^\w.$])import\(/m.exec(text.replace(/\/\/.*$/gm, ''));
if (left)
  throw new Error(
    `bundle-cli: a dynamic import() is left in dist/cli.cjs near: ${text.slice(Math.max(0, left.index - 80), left.index + 80)}`,
  );
// bin/dockui.js reads the bundle as latin1 (a one-byte string, no UTF-8 decoding): it must be ASCII.
const wide = readable ? null : /[^\x00-\x7f]/.exec(text);
if (wide)
  throw new Error(
    `bundle-cli: a non-ASCII character is left in dist/cli.cjs (write it as an escape) near: ${text.slice(Math.max(0, wide.index - 60), wide.index + 20)}`,
  );
writeFileSync(out, text);

// The TUI: dist/tui.js with everything it loads, packages included (ink, react, yoga-layout),
// as ES modules split at its dynamic imports (ink and the views load after NODE_ENV and the CI
// variables are settled, see src/tui.ts). Loading ink from node_modules was ~300 ms of the
// UI's first frame: hundreds of ES modules resolved and read, CommonJS ones lexed. Only
// react-devtools-core (ink's DEV=true devtools, not a dependency) stays outside.
await build({
  entryPoints: [join(top, 'dist/tui.js')],
  outdir: join(top, 'dist/tui-bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['react-devtools-core'],
  // CommonJS packages inside (react) require Node's built-ins.
  banner: {
    js: "import { createRequire as __dockuiCreateRequire } from 'node:module'; const require = __dockuiCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
