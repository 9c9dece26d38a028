#!/usr/bin/env node
// How many modules Node loads for one CLI command (default `ps -a`), run through the built
// bin/dockui.js as a user runs it, on a fresh private root. A preload (--import) counts, when
// the process exits:
//   - built-ins: Node's own JavaScript modules it compiled (process.moduleLoadList "NativeModule"
//     entries), split into public ones (node:fs, ...) and internal/*;
//   - files: the CommonJS files in require.cache (packages, .node addons) and the ES module
//     files resolved (a resolve hook registered with module.register);
//   - our modules run: the CLI's bundles are read by bin/dockui.cjs (not through require), so
//     the bench runs a copy of the build whose bundle records each lazy module (esbuild's
//     __esm wrapper) it initializes; the unwrapped ones always run.
// The same preload on an empty ES module gives Node's own floor; "added" is the count above it.
// Usage: node bench/modules.mjs [--app DIR] [--root DIR] [--json] [-- VERB ARGS...]
//   --app DIR: a tree with bin/ and dist/ (default: this checkout), to compare two builds.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const opts = dash === -1 ? argv : argv.slice(0, dash);
const command = dash === -1 ? ['ps', '-a'] : argv.slice(dash + 1);
const opt = (name) => {
  const i = opts.indexOf(`--${name}`);
  return i === -1 ? undefined : opts[i + 1];
};
const source = resolve(opt('app') ?? top);
const work = mkdtempSync(join(tmpdir(), 'dockui-modules-'));
// The copy: bin/, dist/ (no V8 code cache: the instrumented bundle is another script), the
// package file and links to node_modules and the native helper.
const app = join(work, 'app');
mkdirSync(app);
cpSync(join(source, 'bin'), join(app, 'bin'), { recursive: true });
cpSync(join(source, 'dist'), join(app, 'dist'), { recursive: true, filter: (f) => !f.includes('v8-cache') });
cpSync(join(source, 'package.json'), join(app, 'package.json'));
symlinkSync(realpathSync(join(source, 'node_modules')), join(app, 'node_modules'));
mkdirSync(join(app, 'native'));
symlinkSync(join(source, 'native/build'), join(app, 'native/build'));
// The shipped bundle has no whitespace or comments: bundle the copy again, readable, to find
// each module's comment and esbuild's lazy-init helper (the same modules, the same laziness).
execFileSync(process.execPath, [join(top, 'scripts/bundle-cli.mjs')], {
  cwd: app,
  env: { ...process.env, DOCKUI_BUNDLE_TOP: app, DOCKUI_BUNDLE_READABLE: '1' },
  stdio: 'inherit',
});
// The CLI's files: the small verbs' (cli.cjs, cli-rest.cjs) and the other verbs' (cli-full.cjs);
// "in the bundle" counts the file(s) this command's kind reads.
const helper = 'var __esm = (fn, res) => function __init() {\n';
const { cliBundleFor, afterGlobalFlags } = createRequire(import.meta.url)(join(app, 'dist/invocation.cjs'));
const kind = cliBundleFor(command[afterGlobalFlags(command)]);
const inBundle = new Set();
const lazy = new Set();
for (const f of ['cli.cjs', 'cli-rest.cjs', 'cli-full.cjs']) {
  const bundle = readFileSync(join(app, 'dist', f), 'utf8');
  if (!bundle.includes(helper)) throw new Error(`bench/modules: no __esm helper in dist/${f} (esbuild changed?)`);
  writeFileSync(
    join(app, 'dist', f),
    bundle.replace(helper, `${helper}  if (fn) (globalThis.__dockuiInit ??= []).push(__getOwnPropNames(fn)[0]);\n`),
  );
  if ((f === 'cli-full.cjs') !== (kind === 'full')) continue;
  for (const m of bundle.matchAll(/^\/\/ (dist\/\S+\.js)$/gm)) inBundle.add(m[1]);
  for (const m of bundle.matchAll(/__esm\(\{\s*"([^"]+)"\(\)/g)) lazy.add(m[1]);
}
const root = opt('root') ?? join(work, 'root');
const out = join(work, 'loaded.json');

// The hook thread reports each resolved URL through the port it is handed.
writeFileSync(
  join(work, 'hooks.mjs'),
  `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  port.postMessage(r.url);
  return r;
}
`,
);
writeFileSync(
  join(work, 'preload.mjs'),
  `import { createRequire, register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
const esm = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (u) => esm.add(u));
port1.unref();
register(pathToFileURL(${JSON.stringify(join(work, 'hooks.mjs'))}), { data: { port: port2 }, transferList: [port2] });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const natives = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  const files = new Set(Object.keys(cache));
  for (const u of esm) if (u.startsWith('file:')) files.add(fileURLToPath(u));
  writeFileSync(${JSON.stringify(out)}, JSON.stringify({ natives, files: [...files], init: globalThis.__dockuiInit ?? [] }));
});
`,
);

function measure(args) {
  const r = spawnSync(process.execPath, ['--import', join(work, 'preload.mjs'), ...args], {
    env: { ...process.env, DOCKUI_ROOT: root, NODE_NO_WARNINGS: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-800)}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

try {
  writeFileSync(join(work, 'empty.mjs'), '');
  const floor = measure([join(work, 'empty.mjs')]);
  const run = measure([join(app, 'bin/dockui.js'), ...command]);
  const base = new Set(floor.natives);
  const publicOf = (l) => l.filter((n) => !n.startsWith('internal/'));
  const files = run.files.filter((f) => !f.startsWith(work) || f.startsWith(app));
  const ran = [...inBundle].filter((m) => !lazy.has(m) || run.init.includes(m));
  const added = run.natives.filter((n) => !base.has(n));
  const report = {
    command: command.join(' '),
    app: source,
    ours: ran.length,
    oursInBundle: inBundle.size,
    files: files.length,
    builtins: run.natives.length,
    publicBuiltins: publicOf(run.natives).length,
    builtinsAdded: added.length,
    publicBuiltinsAdded: publicOf(added),
    modules: ran.length + files.length + run.natives.length,
    floor: { builtins: floor.natives.length, publicBuiltins: publicOf(floor.natives).length },
    fileList: files.map((f) => f.replace(`${app}/`, '')),
    oursList: ran,
  };
  if (opts.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`dockui ${report.command} (${source})`);
    console.log(
      `  modules loaded: ${report.modules} = ${report.ours} of ours (of ${report.oursInBundle} in ${kind === 'full' ? 'dist/cli-full.cjs' : 'dist/cli.cjs + cli-rest.cjs'}) + ${report.files} files + ${report.builtins} built-ins`,
    );
    console.log(`  built-ins: ${report.publicBuiltins} public, ${report.builtins - report.publicBuiltins} internal`);
    console.log(`  over an empty ES module (${report.floor.builtins} built-ins): +${report.builtinsAdded} built-ins`);
    console.log(`  public built-ins added: ${report.publicBuiltinsAdded.join(' ') || '-'}`);
    console.log(`  files: ${report.fileList.join(' ')}`);
    console.log(`  ours: ${report.oursList.map((m) => m.replace(/^dist\//, '')).join(' ')}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
