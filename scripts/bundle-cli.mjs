#!/usr/bin/env node
// Bundles the CLI (dist/cli/main.js and everything of ours it imports) into CommonJS files
// (dist/cli.cjs + dist/cli-rest.cjs for the small commands, dist/cli-full.cjs for the other
// verbs; splitCli below), and the terminal UI (dist/tui.js, with Ink, React and yoga) into dist/tui.cjs,
// which bin/dockui.cjs compiles with V8's code cache (dist/v8-cache/).
//
// Why: Node 20 has no compile cache for ES modules, and a command spent ~20 ms resolving,
// reading, compiling and linking the ~60 modules a verb needs. As one CommonJS file, esbuild
// wraps each module in a lazy initializer (a dynamic import of ours becomes a call), so a command
// runs only the modules it uses and loads only the packages those import; vm.Script takes the
// code cache, so what was compiled once is not compiled again. Measured against the ES module
// split bundle: `run --rm` 17 ms quicker; one ESM bundle file was slower than none (it must
// load every package up front). Runs after tsc (npm run build).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packagesInBundle } from './bundle-patches.mjs';

// DOCKUI_BUNDLE_TOP: bundle another tree's dist/ (bench/modules.mjs does, on its copy);
// DOCKUI_BUNDLE_READABLE=1 keeps the whitespace and the "// dist/…" module comments it reads.
const top = process.env.DOCKUI_BUNDLE_TOP ?? resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readable = process.env.DOCKUI_BUNDLE_READABLE === '1';
for (const old of ['dist/cli-bundle', 'dist/cli.cjs.cache', 'dist/v8-cache', 'dist/tui-bundle'])
  rmSync(join(top, old), { recursive: true, force: true });

// The CLI, in two files (splitCli below). Packages stay external but for yaml: every compose
// and kube command loads it, ~80 modules resolved and compiled each time (100-170 ms on the
// loaded 2-core host); in a bundle it is under the verb's code cache.
await splitCli();
// ...and the whole CLI in one more file, dist/cli-full.cjs, for every verb but the small ones
// (src/cli/invocation.ts, smallVerbs): a verb of the rest that loads both split files paid 3-7 %
// more start-up, and a pull of fixture/big ~10 % more CPU on its main thread, than from one file
// (docs/design.md, "Issue 18, fifth pass"). A command loads dist/cli.cjs (and, when it needs more,
// dist/cli-rest.cjs) or dist/cli-full.cjs, never both kinds, so no module has two instances.
await bundle('dist/cli/main.js', 'dist/cli-full.cjs', {
  name: 'packages-external',
  setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (a.path === 'yaml' ? undefined : { path: a.path, external: true })),
});
// The terminal UI, with its packages (Ink, React, yoga): as ES modules its first frame spent
// ~140 ms loading them (parsing ~1.5 MB, no code cache for ES modules in Node 20); in a bundle
// under a code cache they start from bytecode an earlier start compiled. Apart from the CLI so
// that no verb reads them. React's and its reconciler's development builds drop out (src/tui.ts
// runs React in production mode in any case).
await bundle('dist/tui.js', 'dist/tui.cjs', packagesInBundle(top), { 'process.env.NODE_ENV': '"production"' });
// What the launcher's shell line prints for `--version` alone (bin/dockui.js), in the CLI's words.
writeFileSync(join(top, 'dist/version'), `dockui version ${JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')).version}\n`);
// What bin/dockui.cjs reads first to tell a verb from the UI (src/cli/invocation.ts).
await bundle('dist/cli/invocation.js', 'dist/invocation.cjs', {
  name: 'no-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (!a.path.startsWith('node:')) throw new Error(`bundle-cli: dist/invocation.cjs must not load a package (${a.path})`);
      return { path: a.path, external: true };
    });
  },
});

/**
 * The CLI as two bundles: dist/cli.cjs, what the small commands run (the CLI's core, the engine
 * facade, the store's and the records' readers, ps/images/inspect/version), and dist/cli-rest.cjs,
 * everything else (the runtime, the builder, the registry client, Compose, Kubernetes, the API
 * server, yaml). Every command reads and deserializes its bundle's code cache, and V8's cost is in
 * the size of the script (its functions' entries), not in what runs: the 1.1 MB single bundle cost
 * `ps` ~5 ms of its ~14 ms over Node's own start. Each module is in exactly one file; an import
 * across the two is left to bin/dockui.cjs as `dockui-mod:FILE/PATH`, answered from the owning
 * bundle's `__modules` table (the module's own exports object), so classes and state are never
 * duplicated.
 */
async function splitCli() {
  const packagesExternal = (b) =>
    b.onResolve({ filter: /^[^./]/ }, (a) => (a.path === 'yaml' ? undefined : { path: a.path, external: true }));
  // The import graph, from a throw-away build of the whole CLI.
  const graph = await build({
    entryPoints: [join(top, 'dist/cli/main.js')],
    bundle: true,
    write: false,
    metafile: true,
    outfile: join(top, 'dist/.graph.cjs'),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [{ name: 'graph', setup: packagesExternal }],
  });
  const inputs = graph.metafile.inputs;
  // The core: what these modules import statically, all the way down. Their dynamic imports stay
  // lazy and go to the rest unless a root names them (the light paths of ps, images and inspect).
  const roots = [
    'cli/main.js',
    'cli/verbs/ps.js',
    'cli/verbs/list-format.js',
    'cli/verbs/images.js',
    'cli/verbs/inspect.js',
    'cli/verbs/version.js',
    'cli/help.js',
    'engine/runtime/records.js',
    'engine/runtime/inspect-json.js',
    'engine/store/index.js',
  ].map((r) => `dist/${r}`);
  const core = new Set();
  const walk = (f) => {
    if (core.has(f) || !inputs[f]) return;
    core.add(f);
    for (const i of inputs[f].imports) if (!i.external && i.kind !== 'dynamic-import') walk(i.path);
  };
  for (const r of roots) {
    if (!inputs[r]) throw new Error(`bundle-cli: ${r} is not part of the CLI`);
    walk(r);
  }
  // The launcher runs these verbs from the small bundle: their modules must be in it.
  const { smallVerbs, verbs } = await import(pathToFileURL(join(top, 'dist/cli/invocation.js')).href);
  for (const v of smallVerbs)
    if (!core.has(`dist/cli/verbs/${verbs[v]}.js`)) throw new Error(`bundle-cli: the small verb ${v} is not in dist/cli.cjs's roots`);
  const owner = (f) => (core.has(f) ? 'core' : 'rest');
  // What each file must hand out: the modules the other file imports.
  const exported = { core: new Set(), rest: new Set() };
  for (const [f, v] of Object.entries(inputs))
    for (const i of v.imports) if (!i.external && inputs[i.path] && owner(f) !== owner(i.path)) exported[owner(i.path)].add(i.path);
  for (const [name, out] of [
    ['core', 'dist/cli.cjs'],
    ['rest', 'dist/cli-rest.cjs'],
  ]) {
    const entry = join(top, `dist/.bundle-${name}.js`);
    const table = [...exported[name]]
      .sort()
      .map((f) => `  ${JSON.stringify(f)}: () => require(${JSON.stringify(`./${f.slice('dist/'.length)}`)}),`);
    writeFileSync(
      entry,
      `${name === 'core' ? "export { main } from './cli/main.js';\n" : ''}export const __modules = {\n${table.join('\n')}\n};\n`,
    );
    try {
      await bundle(relative(top, entry), out, {
        name: `split-${name}`,
        setup(b) {
          b.onResolve({ filter: /^\./ }, (a) => {
            const f = relative(top, resolve(a.resolveDir, a.path));
            if (!inputs[f] || owner(f) === name) return undefined;
            return { path: `dockui-mod:${owner(f)}/${f}`, external: true };
          });
          packagesExternal(b);
        },
      });
    } finally {
      rmSync(entry, { force: true });
    }
  }
}

async function bundle(entry, outName, plugin, define = {}) {
  const out = join(top, outName);
  await build({
    entryPoints: [join(top, entry)],
    outfile: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [plugin],
    // import.meta.url (sysx's native module, the path of bin/dockui.js) is this file's URL.
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl', ...define },
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
  // The same for an import of a module in the CLI's other bundle (splitCli).
  const text = readFileSync(out, 'utf8').replace(
    /\bimport\(("(?:node:[a-z_/]+|dockui-mod:[^"]+)")\)/g,
    'Promise.resolve().then(() => require($1))',
  );
  const left = /(^|[^\w.$])import\(/m.exec(text.replace(/\/\/.*$/gm, ''));
  if (left)
    throw new Error(
      `bundle-cli: a dynamic import() is left in ${outName} near: ${text.slice(Math.max(0, left.index - 80), left.index + 80)}`,
    );
  // bin/dockui.cjs reads the bundle as latin1 (a one-byte string, no UTF-8 decoding): it must be ASCII.
  const wide = readable ? null : /[^\x00-\x7f]/.exec(text);
  if (wide)
    throw new Error(
      `bundle-cli: a non-ASCII character is left in ${outName} (write it as an escape) near: ${text.slice(Math.max(0, wide.index - 60), wide.index + 20)}`,
    );
  writeFileSync(out, text);
}
