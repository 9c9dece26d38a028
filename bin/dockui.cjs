// dockui's CommonJS entry (the launcher line of bin/dockui.js execs Node on this file): a
// CommonJS main skips the ES module loader's start-up (~7 ms of CPU on every command).
// `node bin/dockui.js` (an ES module) loads this file as well.
//
// An ordinary user's command runs in dockui's user namespace (bin/userns.mjs): the shell line
// joins it when its pause process is there (`[ -O / ]`: only root owns /), Node makes it when not.
//
// Entry: a verb runs the docker-like CLI; no verb (or a directory) opens the terminal UI.
// Each is CommonJS bundles (scripts/bundle-cli.mjs: dist/cli.cjs and dist/cli-rest.cjs, or dist/cli-full.cjs; dist/tui.cjs)
// compiled with V8's code cache, one cache per verb and bundle and one for the UI in
// dist/v8-cache/ (a cache holds what its command compiled); it is (re)written after a command that found none or had it refused (a
// new Node, a rebuilt bundle). Without write access it simply is not kept. The bundle is ASCII (scripts/bundle-cli.mjs checks), read
// as latin1: a one-byte string with no UTF-8 decoding.
'use strict';
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const joinUserns = !process.env.DOCKUI_USERNS && typeof process.getuid === 'function' && process.getuid() !== 0;
if (joinUserns)
  void import(require('node:url').pathToFileURL(join(__dirname, 'userns.mjs')).href).then(({ runInUserns }) => {
    process.exitCode = runInUserns(__filename, process.argv.slice(2));
  });
else void runDockui();

async function runDockui() {
  const dist = join(__dirname, '../dist');
  if (process.argv.length === 3 && /^(--version|-v)$/.test(process.argv[2])) {
    // The version alone needs none of the CLI: the bundle costs more than Node's own start-up
    // (`--debug --version` goes through the CLI, and a test holds the two to the same line).
    process.stdout.write(`dockui version ${JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')).version}\n`);
    return;
  }
  const argv = process.argv.slice(2);
  // Which program, from dist/invocation.cjs (a few kB: the verbs and the global flags): the UI
  // and the CLI are two bundles, so a verb never reads the UI's Ink, React and yoga (1.1 MB),
  // and the UI never compiles the CLI's verbs.
  const { afterGlobalFlags, cliBundleFor, isTuiInvocation } = require(join(dist, 'invocation.cjs'));
  const tui = isTuiInvocation(argv);
  // The cache is named after the verb (the first word after the global flags); the UI's has a
  // name no verb can have.
  const verb = argv[afterGlobalFlags(argv)] ?? '';
  const cacheName = tui ? 'ui-tui' : /^[a-z]{1,20}$/.test(verb) ? verb : 'other';
  // The small commands (ps, images, inspect, version) run from dist/cli.cjs, with dist/cli-rest.cjs
  // loaded when a module of it is first imported (scripts/bundle-cli.mjs, splitCli); every other
  // verb from dist/cli-full.cjs, the whole CLI in one file (its cache named `VERB.full`).
  const loaded = [];
  const load = (file, cache) => {
    const b = loadBundle(join(dist, file), `${cache}.bin`, crossRequire);
    loaded.push(b);
    return b;
  };
  const bundles = { core: undefined, rest: undefined };
  const files = { core: ['cli.cjs', cacheName], rest: ['cli-rest.cjs', `${cacheName}.rest`] };
  const tables = { core: new Map(), rest: new Map() };
  /** `dockui-mod:FILE/PATH`: the module PATH, from the bundle that holds it (its exports, once). */
  function crossRequire(id) {
    const slash = id.indexOf('/');
    const name = id.slice('dockui-mod:'.length, slash);
    const path = id.slice(slash + 1);
    let mod = tables[name].get(path);
    if (mod === undefined) {
      bundles[name] ??= load(...files[name]);
      mod = bundles[name].exports.__modules[path]();
      tables[name].set(path, mod);
    }
    return mod;
  }
  let exitCode;
  if (tui) exitCode = await load('tui.cjs', cacheName).exports.runTui(argv);
  else if (cliBundleFor(argv[afterGlobalFlags(argv)]) === 'full')
    exitCode = await load('cli-full.cjs', `${cacheName}.full`).exports.main(argv);
  else {
    bundles.core = load(...files.core);
    exitCode = await bundles.core.exports.main(argv);
  }
  process.exitCode = exitCode;
  // Kept from a command that did its work: a --help or a failure compiles little of the verb.
  if (process.exitCode === 0 && !argv.some((a) => a === '--help' || a === '-h')) for (const b of loaded) b.keepCache();
}

/**
 * Compiles a bundle with its V8 code cache (when there is one V8 accepts) and runs its module
 * code; `keepCache` (re)writes the cache when there was none or it was refused.
 */
function loadBundle(file, cacheName, crossRequire) {
  // Here, not at the top: `--version` needs neither.
  const { createRequire } = require('node:module');
  const vm = require('node:vm');
  const dist = dirname(file);
  // The install's cache (dist/v8-cache), and the user's where the install is not theirs to write
  // (an ordinary user, rootless: uid 0 of dockui's namespace is not the owner of dist/). The
  // user's is read first: it is only there when the install's could not be written or was refused.
  const cacheFiles = [join(dist, 'v8-cache', cacheName)];
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME ? join(process.env.HOME, '.cache') : '');
  if (home) cacheFiles.unshift(join(home, 'dockui', `v8-cache-${hash(dist)}`, cacheName));
  let cachedData;
  let cachedFrom;
  for (const f of cacheFiles) {
    try {
      cachedData = readFileSync(f);
      cachedFrom = f;
      break;
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'latin1')}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: {} };
  const nodeRequire = createRequire(file);
  const bundleRequire = (id) => (id.startsWith('dockui-mod:') ? crossRequire(id) : nodeRequire(id));
  script.runInThisContext()(mod.exports, bundleRequire, mod, file, dist);
  const keepCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    // V8 stamps a cache with a hash of its flags and refuses it under others: the UI sets one
    // at run time (src/hooks/log-stream.ts), which a cache made now would carry, refused by
    // every next start. Back to V8's default first (0: its own pacing), as a new process has it.
    require('node:v8').setFlagsFromString('--heap-growing-percent=0');
    const data = script.createCachedData();
    for (const cacheFile of [...cacheFiles].reverse()) {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, data);
        renameSync(tmp, cacheFile);
        if (cachedFrom && cachedFrom !== cacheFile) rmSync(cachedFrom, { force: true }); // refused, read first
        break;
      } catch {
        // a read-only install: the user's cache; neither: no cache
      }
    }
  };
  return { exports: mod.exports, keepCache };
}

/** A short name for an install's folder (FNV-1a), so two installs keep apart caches. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
