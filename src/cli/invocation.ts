// Which program a command line asks for: a CLI verb (and which) or the terminal UI. Kept apart
// from the CLI, with nothing heavy imported, so that bin/dockui.cjs can tell before it loads
// either bundle (scripts/bundle-cli.mjs makes this file dist/invocation.cjs).
import { statSync } from 'node:fs';

/**
 * Verbs load lazily, so `dockui ps` pays only for what ps needs: start-up time is a
 * benchmark target. Each entry names the module under ./verbs/ that exports `verb`.
 */
export const verbs: Readonly<Record<string, string>> = {
  pull: 'pull',
  push: 'push',
  tag: 'tag',
  login: 'login',
  logout: 'logout',
  search: 'search',
  images: 'images',
  image: 'image',
  inspect: 'inspect',
  rmi: 'rmi',
  system: 'system',
  create: 'container',
  start: 'container',
  run: 'container',
  stop: 'container',
  kill: 'container',
  restart: 'container',
  pause: 'container',
  unpause: 'container',
  rm: 'container',
  ps: 'ps',
  port: 'port',
  attach: 'attach',
  diff: 'diff',
  cp: 'cp',
  update: 'update',
  info: 'info',
  events: 'events',
  export: 'export',
  commit: 'commit',
  history: 'history',
  logs: 'container',
  wait: 'container',
  exec: 'container',
  stats: 'container',
  top: 'container',
  rename: 'container',
  container: 'container',
  build: 'build',
  builder: 'builder',
  import: 'import',
  save: 'save',
  load: 'load',
  dev: 'dev',
  volume: 'volume',
  network: 'network',
  manifest: 'manifest',
  compose: 'compose',
  kube: 'kube',
  pod: 'pod',
  version: 'version',
};

/**
 * The verbs that run from the CLI's small bundle, dist/cli.cjs (scripts/bundle-cli.mjs): the
 * commands scripts and the UI's users call in loops, where reading and deserializing a 1.1 MB
 * bundle was a third of the command. Every other verb runs from dist/cli-full.cjs, the whole CLI
 * in one file: split across two files, a pull of fixture/big spent ~10 % more CPU on its main
 * thread (docs/design.md, "Issue 18, fifth pass").
 */
export const smallVerbs: readonly string[] = ['ps', 'images', 'inspect', 'version'];

/** Which CLI bundle serves this first word: a verb of its own, or the small one (help, unknown words). */
export function cliBundleFor(word: string | undefined): 'small' | 'full' {
  return word !== undefined && Object.hasOwn(verbs, word) && !smallVerbs.includes(word) ? 'full' : 'small';
}

export const globalFlags = {
  root: { value: true, help: 'Persistent state directory (DOCKUI_ROOT)' },
  runroot: { value: true, help: 'Volatile state directory (DOCKUI_RUNROOT)' },
  'insecure-registry': { value: true, multi: true, help: 'Allow plain HTTP to this registry' },
  debug: { short: 'D', help: 'Enable debug mode' },
  help: { short: 'h', help: 'Print usage' },
  version: { short: 'v', help: 'Print version information and quit' },
} as const;

/** Index of the first word after the global flags (and their values): a verb, a folder or another flag. */
export function afterGlobalFlags(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-') {
    const a = argv[i]!;
    const name = a === '-D' ? 'debug' : a.replace(/^--?/, '').split('=')[0]!;
    const spec = (globalFlags as Record<string, { value?: boolean }>)[name];
    if (spec === undefined) break; // a verb's or the TUI's flag
    if (spec.value && !a.includes('=')) i++;
    i++;
  }
  return i;
}

/**
 * Is argv a TUI invocation (no verb, a TUI flag, or a folder)? `--help`/`--version` are the CLI's. A
 * first word that is neither a verb nor an existing folder (nor written as a path) is an
 * unknown command: the CLI says so in docker's words.
 */
export function isTuiInvocation(argv: readonly string[]): boolean {
  const i = afterGlobalFlags(argv);
  if (argv.slice(0, i).some((a) => /^(-h|--help|-v|--version)$/.test(a))) return false;
  const first = argv[i];
  if (first === undefined) return true;
  if (first in verbs) return false;
  // The TUI's own flags (-p, -e, --sync...) may come before its folder.
  return first.startsWith('-') || first.includes('/') || first.startsWith('.') || isFolder(first);
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
