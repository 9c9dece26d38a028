import { statSync } from 'node:fs';
import { exitCodeFor, formatError, isEngineError } from '../engine/define.js';
import { openEngine, resolvePaths } from '../engine/index.js';
import { parseArgs, usage } from './args.js';
import type { CliContext, Verb } from './context.js';

/**
 * Verbs load lazily, so `dockui ps` pays only for what ps needs: start-up time is a
 * benchmark target. Each entry names the module under ./verbs/ that exports `verb`.
 */
const verbs: Readonly<Record<string, string>> = {
  pull: 'pull',
  push: 'push',
  tag: 'tag',
  login: 'login',
  logout: 'logout',
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

const globalFlags = {
  root: { value: true, help: 'Persistent state directory (DOCKUI_ROOT)' },
  runroot: { value: true, help: 'Volatile state directory (DOCKUI_RUNROOT)' },
  'insecure-registry': { value: true, multi: true, help: 'Allow plain HTTP to this registry' },
  debug: { help: 'Enable debug mode (stack traces)' },
  help: { short: 'h', help: 'Print usage' },
  version: { short: 'v', help: 'Print version information and quit' },
} as const;

/** Index of the first word after the global flags (and their values): a verb, a folder or another flag. */
function afterGlobalFlags(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-') {
    const a = argv[i]!;
    const name = a.replace(/^--?/, '').split('=')[0]!;
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

/** Levenshtein distance, for "Did you mean" (cobra suggests at a distance of 2 or less). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let x = 1; x <= a.length; x++) {
    const cur = [x];
    for (let y = 1; y <= b.length; y++) cur[y] = Math.min(prev[y]! + 1, cur[y - 1]! + 1, prev[y - 1]! + (a[x - 1] === b[y - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** docker's words for an unknown command, with cobra's suggestions for a near miss. */
export function unknownCommand(word: string): string {
  const near = Object.keys(verbs)
    .map((v) => ({ v, d: distance(word.toLowerCase(), v) }))
    .filter((x) => x.d <= 2 || (word.length > 1 && x.v.startsWith(word.toLowerCase())))
    .sort((a, b) => a.d - b.d || a.v.localeCompare(b.v))
    .map((x) => x.v);
  const hint = near.length ? `Did you mean this?\n${near.map((v) => `\t${v}\n`).join('')}` : '';
  return `dockui: '${word}' is not a dockui command.\n${hint}See 'dockui --help'\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Global flags come before the verb, as with docker.
  const i = afterGlobalFlags(argv);
  const globalArgs = argv.slice(0, i);
  const debug = globalArgs.includes('--debug');
  const ac = new AbortController();
  let interrupted = 0;
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted++;
    firstSignal ??= sig;
    if (interrupted > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const g = parseArgs('', globalArgs, globalFlags);
    if (g.flags.version) {
      process.stdout.write('dockui version 0.1.0\n');
      return 0;
    }
    const verbName = argv[i];
    if (g.flags.help || verbName === undefined || verbName === 'help') {
      const { topHelp } = await import('./help.js');
      process.stdout.write(topHelp(verbs, globalFlags));
      return 0;
    }
    const mod = verbs[verbName];
    if (!mod) {
      // Exit 1, as docker does for a command it does not know.
      process.stderr.write(unknownCommand(verbName));
      return 1;
    }
    const { verb } = (await import(`./verbs/${mod}.js`)) as { verb: Verb | ((name: string) => Verb) };
    const v = typeof verb === 'function' ? verb(verbName) : verb;
    const rest = argv.slice(i + 1);
    if (rest[0] === '--help' || rest[0] === '-h') {
      process.stdout.write(usage(v.name, v.synopsis, v.flags, v.summary) + '\n');
      return 0;
    }
    const parsed = parseArgs(v.name, rest, v.flags, { stopAtPositional: v.stopAtPositional ?? false });
    const paths = resolvePaths({ root: g.flags.root, runRoot: g.flags.runroot });
    const insecureRegistries = g.flags['insecure-registry'] ?? [];
    const ctx: CliContext = {
      paths,
      engine: openEngine({ paths, insecureRegistries }),
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      signal: ac.signal,
      global: { insecureRegistries, debug },
    };
    return await v.run(ctx, parsed);
  } catch (e) {
    if (ac.signal.aborted && (!isEngineError(e) || e.code === 'canceled')) {
      // Whatever an interrupted operation threw on its way out (an aborted stream, say), the
      // user asked for it: one line, and the shell's code for the signal (128 + its number).
      process.stderr.write('dockui: canceled\n');
      if (debug && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
      return firstSignal === 'SIGTERM' ? 143 : 130;
    }
    process.stderr.write(`dockui: ${formatError(e)}\n`);
    if (debug && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    // Stopped by a signal: the shell's code for it (128 + signal number), as an interrupted docker gives.
    if (ac.signal.aborted) return firstSignal === 'SIGTERM' ? 143 : 130;
    if (isEngineError(e)) return e.exitCode ?? exitCodeFor[e.code];
    return 125;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
