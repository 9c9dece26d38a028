// dockui's CommonJS entry (the launcher line of bin/dockui.js execs Node on this file): a
// CommonJS main skips the ES module loader's start-up (~7 ms of CPU on every command).
// `node bin/dockui.js` (an ES module) loads this file as well.
//
// An ordinary user's command runs in dockui's user namespace (bin/userns.mjs): the shell line
// joins it when its pause process is there (`[ -O / ]`: only root owns /), Node makes it when not.
//
// Entry: a verb runs the docker-like CLI; no verb (or a directory) opens the terminal UI.
// The CLI is one CommonJS bundle (scripts/bundle-cli.mjs) compiled with V8's code cache, one
// cache per verb in dist/v8-cache/ (a cache holds what its command compiled); it is (re)written
// after a command that found none or had it refused (a new Node, a rebuilt bundle). Without
// write access it simply is not kept. The bundle is ASCII (scripts/bundle-cli.mjs checks), read
// as latin1: a one-byte string with no UTF-8 decoding.
'use strict';
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const joinUserns = !process.env.DOCKUI_USERNS && typeof process.getuid === 'function' && process.getuid() !== 0;
if (joinUserns)
  void import(pathToFileURL(join(__dirname, 'userns.mjs')).href).then(({ runInUserns }) => {
    process.exitCode = runInUserns(__filename, process.argv.slice(2));
  });
else void runDockui();

async function runDockui() {
  const dist = join(__dirname, '../dist');
  const file = join(dist, 'cli.cjs');
  const argv = process.argv.slice(2);
  const verb = argv.find((a) => !a.startsWith('-')) ?? '';
  const cacheName = `${/^[a-z]{1,20}$/.test(verb) ? verb : 'other'}.bin`;
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
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, createRequire(file), cli, file, dist);
  const { main, isTuiInvocation } = cli.exports;

  const tui = isTuiInvocation(argv);
  if (tui) {
    const { runTui } = await import(pathToFileURL(join(dist, 'tui-bundle/tui.js')).href);
    process.exitCode = await runTui(argv);
  } else process.exitCode = await main(argv);
  {
    // Kept from a command that did its work: a --help or a failure compiles little of the verb.
    // The UI compiles this bundle too (to tell it is the UI): `dockui` alone keeps "other"; a
    // folder's name is not a verb, and gets no cache of its own.
    const typical = process.exitCode === 0 && !argv.some((a) => a === '--help' || a === '-h') && (!tui || verb === '');
    if (typical && (!cachedData || script.cachedDataRejected)) {
      const data = script.createCachedData();
      for (const cacheFile of cacheFiles.reverse()) {
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
    }
  }
}

/** A short name for an install's folder (FNV-1a), so two installs keep apart caches. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
