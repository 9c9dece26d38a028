#!/bin/sh
':'; // 2>/dev/null; if [ -n "$NODE_EXTRA_CA_CERTS" ]; then export DOCKUI_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; fi; if [ -z "$DOCKUI_USERNS" ] && ! [ -O / ] && read p 2>/dev/null <"${XDG_RUNTIME_DIR:-$HOME/.local/share}/dockui-userns.pid" && read c 2>/dev/null <"/proc/$p/comm" && [ "$c" = dockui-pause ]; then export DOCKUI_USERNS="$p"; exec nsenter -t "$p" -U -m --preserve-credentials --wd="$PWD" -- node -- "$0" "$@"; fi; exec node -- "$0" "$@"
// The line above is for sh (':' is its no-op; running `//`, a directory, fails quietly), and a
// string and a comment for Node. `--` ends Node's own options: Node 20 otherwise reads --env-file anywhere in the command
// line, dockui's `run --env-file FILE` included (and exits 9 when FILE is missing). Node 20
// loads NODE_EXTRA_CA_CERTS while it starts (~35 ms here, on every command); the launcher hands
// it to dockui, which adds those certificates when it first opens an HTTPS connection
// (src/engine/registry/tls-ca.ts). `node bin/dockui.js` skips the launcher and works as well.
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
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const joinUserns = !process.env.DOCKUI_USERNS && typeof process.getuid === 'function' && process.getuid() !== 0;
if (joinUserns) {
  const { runInUserns } = await import('./userns.mjs');
  process.exitCode = runInUserns(fileURLToPath(import.meta.url), process.argv.slice(2));
} else await runDockui();

async function runDockui() {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
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
    const { runTui } = await import('../dist/tui-bundle/tui.js');
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
