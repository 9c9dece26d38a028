import { exitCodeFor, formatError, isEngineError, compareText } from '../engine/define.js';
import { openEngine, resolvePaths } from '../engine/index.js';
import { parseArgs, usage } from './args.js';
import type { CliContext } from './context.js';
import { afterGlobalFlags, globalFlags, verbs } from './invocation.js';
import { type CliOutput, cliOutput } from './stdio.js';
import { loadVerbModule } from './verb-modules.js';

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
    .sort((a, b) => a.d - b.d || compareText(a.v, b.v))
    .map((x) => x.v);
  const hint = near.length ? `Did you mean this?\n${near.map((v) => `\t${v}\n`).join('')}` : '';
  return `dockui: '${word}' is not a dockui command.\n${hint}See 'dockui --help'\n`;
}

let outputs: { stdout: CliOutput; stderr: CliOutput } | undefined;

/** Standard output and error, once per process (a test may call main() more than once). */
function processOutputs(): { stdout: CliOutput; stderr: CliOutput } {
  return (outputs ??= {
    // A reader that went away (`dockui ps | head -1`): docker dies of SIGPIPE there, quietly, with
    // the shell's 141; so does this (Node would print an unhandled EPIPE with its stack).
    stdout: cliOutput(
      1,
      () => process.stdout,
      (e) => {
        if (e.code !== 'EPIPE') process.stderr.write(`dockui: cannot write the output: ${e.message}\n`);
        process.exit(e.code === 'EPIPE' ? 141 : 1);
      },
    ),
    // Nowhere to say that the error output failed.
    stderr: cliOutput(
      2,
      () => process.stderr,
      () => undefined,
    ),
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  // Global flags come before the verb, as with docker.
  const i = afterGlobalFlags(argv);
  const globalArgs = argv.slice(0, i);
  const debug = globalArgs.includes('--debug') || globalArgs.includes('-D');
  // Made when a verb asks for its signal (or a signal comes): `ps` or `images` never do.
  let ac: AbortController | undefined;
  const controller = () => (ac ??= new AbortController());
  let interrupted = 0;
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted++;
    firstSignal ??= sig;
    if (interrupted > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    controller().abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { stdout, stderr } = processOutputs();
  try {
    const g = parseArgs('', globalArgs, globalFlags);
    if (g.flags.version) {
      stdout.write('dockui version 0.1.0\n');
      return 0;
    }
    const verbName = argv[i];
    if (g.flags.help || verbName === undefined || verbName === 'help') {
      const { topHelp } = await import('./help.js');
      stdout.write(topHelp(verbs, globalFlags));
      return 0;
    }
    const mod = verbs[verbName];
    if (!mod) {
      // Exit 1, as docker does for a command it does not know.
      stderr.write(unknownCommand(verbName));
      return 1;
    }
    const loaded = loadVerbModule(mod);
    if (!loaded) throw new Error(`the verb module ${mod} is not in verb-modules.ts`);
    const { verb } = await loaded;
    const v = typeof verb === 'function' ? verb(verbName) : verb;
    const rest = argv.slice(i + 1);
    if (rest[0] === '--help' || rest[0] === '-h') {
      stdout.write(usage(v.name, v.synopsis, v.flags, v.summary) + '\n');
      return 0;
    }
    const parsed = parseArgs(v.name, rest, v.flags, { stopAtPositional: v.stopAtPositional ?? false });
    const paths = resolvePaths({ root: g.flags.root, runRoot: g.flags.runroot });
    const insecureRegistries = g.flags['insecure-registry'] ?? [];
    const ctx: CliContext = {
      paths,
      engine: openEngine({ paths, insecureRegistries }),
      stdout,
      stderr,
      // Made when a verb reads it (see stdio.ts).
      get stdin() {
        return process.stdin;
      },
      get signal() {
        return controller().signal;
      },
      takeSignals: () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        return () => {
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        };
      },
      global: { insecureRegistries, debug },
    };
    return await v.run(ctx, parsed);
  } catch (e) {
    if (interrupted > 0 && (!isEngineError(e) || e.code === 'canceled')) {
      // Whatever an interrupted operation threw on its way out (an aborted stream, say), the
      // user asked for it: one line, and the shell's code for the signal (128 + its number).
      stderr.write('dockui: canceled\n');
      if (debug && e instanceof Error) stderr.write(`${e.stack ?? ''}\n`);
      return firstSignal === 'SIGTERM' ? 143 : 130;
    }
    stderr.write(`dockui: ${formatError(e)}\n`);
    if (debug && e instanceof Error) stderr.write(`${e.stack ?? ''}\n`);
    // Stopped by a signal: the shell's code for it (128 + signal number), as an interrupted docker gives.
    if (interrupted > 0) return firstSignal === 'SIGTERM' ? 143 : 130;
    if (isEngineError(e)) return e.exitCode ?? exitCodeFor[e.code];
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
