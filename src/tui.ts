// `dockui [OPTIONS] [DIR]`: the full-screen UI. Creates the one engine, hands it down through
// EngineProvider, owns the terminal (alternate screen, raw mode, hand-over to an interactive
// child) and gives it back as it found it on every way out: quit, Ctrl-C, SIGTERM/SIGHUP, a
// render error or an uncaught exception.
import { constants as osConstants } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs, type FlagSpecs } from './cli/args.js';
import { EngineError, formatError } from './engine/define.js';
import { resolvePaths, type DevEngine } from './engine/index.js';
import type { Engine } from './engine/types.js';
import type * as ReactNs from 'react';
import { DevSession } from './hooks/dev-session.js';
import type { TuiConfig } from './views/tui-config.js';
import type { TerminalControl } from './hooks/terminal-control.js';
import type { BuildTarget } from './views/Screen.js';

export interface TuiOptions {
  readonly dir: string | undefined;
  /** Run flags of the dev loop's container and build (as `dockui dev` takes them). */
  readonly publish: readonly string[];
  readonly env: readonly string[];
  readonly volumes: readonly string[];
  readonly name: string | undefined;
  readonly target: string | undefined;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly sync: readonly string[];
  readonly dockerfile: string | undefined;
  readonly watch: boolean;
  readonly root: string | undefined;
  readonly runRoot: string | undefined;
  readonly insecureRegistries: readonly string[];
  readonly help: boolean;
}

export const tuiUsage = `Usage: dockui [OPTIONS] [DIR]

Opens the terminal UI. On a folder with a Dockerfile (DIR, or the current one) it runs the
dev loop: builds it as <dir-name>:dev, runs it, and rebuilds and swaps the container on every
save (w pauses watching, b forces a rebuild).

Options:
  -p, --publish SPEC          publish a port of the dev container ([ip:]host:ctr[/proto])
  -e, --env K=V               set a variable in the dev container
  -v, --volume SPEC           mount a volume in the dev container
  --name NAME                 name of the dev container (default <dir-name>-dev)
  -f, --file PATH             the Dockerfile (default DIR/Dockerfile)
  --target STAGE              build up to this stage
  --build-arg K=V             a build argument
  --sync SRC:DEST             copy changes under SRC into the container instead of rebuilding
  --no-watch                  open the UI without the dev loop (b still builds)
  --root PATH                 persistent state directory (DOCKUI_ROOT)
  --runroot PATH              volatile state directory (DOCKUI_RUNROOT)
  --insecure-registry HOST    allow plain HTTP to this registry (repeatable)
  -h, --help                  show this help

Keys: press ? in the UI. NO_COLOR=1 turns colours off.`;

/** The TUI's flags, read by the CLI's parser (src/cli/args.ts): one parser for every command. */
const tuiFlags = {
  help: { short: 'h' },
  root: { value: true },
  runroot: { value: true },
  'insecure-registry': { value: true, multi: true },
  publish: { short: 'p', value: true, multi: true },
  env: { short: 'e', value: true, multi: true },
  volume: { short: 'v', value: true, multi: true },
  name: { value: true },
  file: { short: 'f', value: true },
  target: { value: true },
  sync: { value: true, multi: true },
  'build-arg': { value: true, multi: true },
  'no-watch': {},
  debug: {},
} as const satisfies FlagSpecs;

/** Parses the TUI's argv; throws EngineError('invalid_argument') with a one-line message. */
export function parseTuiArgs(argv: readonly string[]): TuiOptions {
  const { flags: f, positionals } = parseArgs('', argv, tuiFlags);
  if (positionals.length > 1) throw new EngineError('invalid_argument', `one folder at most, got ${positionals[0]} and ${positionals[1]}`);
  const buildArgs: Record<string, string> = {};
  for (const kv of f['build-arg'] ?? []) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new EngineError('invalid_argument', `--build-arg wants K=V, got ${kv}`);
    buildArgs[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return {
    dir: positionals[0],
    root: f.root,
    runRoot: f.runroot,
    insecureRegistries: f['insecure-registry'] ?? [],
    help: f.help ?? false,
    publish: f.publish ?? [],
    env: f.env ?? [],
    volumes: f.volume ?? [],
    name: f.name,
    target: f.target,
    buildArgs,
    sync: f.sync ?? [],
    dockerfile: f.file,
    watch: !f['no-watch'],
  };
}

/** What `b` builds: DIR (or the current folder) when it has a Dockerfile, tagged <dir-name>:dev. */
export function buildTargetFor(dir: string, dockerfile?: string): BuildTarget {
  if (!existsSync(dockerfile ?? join(dir, 'Dockerfile')))
    return { unavailable: `nothing to build: no Dockerfile in ${dir} (start dockui in a folder that has one)` };
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'app';
  return { context: dir, tag: `${name}:dev` };
}

/** The engine the TUI drives: the real one (src/engine/index.ts) has the dev loop; a test's fake may not. */
export type TuiEngine = Engine & { readonly dev?: DevEngine };
export type CreateEngine = (opts: {
  root: string;
  runRoot: string;
  insecureRegistries: readonly string[];
}) => TuiEngine | Promise<TuiEngine>;

export interface TuiDeps {
  /** Tests hand in a fake engine here; by default the real one from src/engine/index.ts. */
  readonly createEngine?: CreateEngine;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type ReactModule = typeof ReactNs;

async function loadCreateEngine(): Promise<CreateEngine> {
  // A copy without the engine fails with one clear line instead of a stack trace.
  let mod: { createEngine?: CreateEngine; openEngine?: CreateEngine };
  try {
    mod = (await import('./engine/index.js')) as { createEngine?: CreateEngine; openEngine?: CreateEngine };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('engine/'))
      throw new EngineError('unavailable', 'the engine is missing from this build (dist/engine/index.js): run npm run build');
    throw e;
  }
  // openEngine reads nothing up front (createEngine also lists images and containers first): the
  // screen's hooks list them once it is drawn, so the first frame does not wait on 1,000 records.
  if (typeof mod.openEngine === 'function') return mod.openEngine;
  if (typeof mod.createEngine !== 'function') throw new EngineError('internal', 'engine.js does not export createEngine()');
  return mod.createEngine;
}

// DEC private modes: 1049 = alternate screen with the cursor saved; 25 = cursor visible;
// 1000 + 1006 = mouse presses and the wheel reported as SGR sequences (only while the UI is up:
// off again before a shell gets the terminal and on every way out).
const enterAlt = '\x1b[?1049h\x1b[H\x1b[2J';
const mouseOn = '\x1b[?1000h\x1b[?1006h';
const mouseOff = '\x1b[?1006l\x1b[?1000l';
// Leave first, then show the cursor: terminals restore the saved modes when leaving 1049.
const leaveAlt = '\x1b[?1049l\x1b[?25h';

export async function runTui(argv: readonly string[], deps: TuiDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const stdin = deps.stdin ?? process.stdin;
  const env = deps.env ?? process.env;
  let opts: TuiOptions;
  let engine: TuiEngine;
  let config: TuiConfig;
  let dir: string;
  try {
    opts = parseTuiArgs(argv);
    if (opts.help) {
      stdout.write(`${tuiUsage}\n`);
      return 0;
    }
    dir = resolve(opts.dir ?? '.');
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      /* reported next */
    }
    if (!isDir) throw new EngineError('invalid_argument', `unknown command or not a directory: ${opts.dir ?? dir} (see 'dockui --help')`);
    // The config file (keys, theme, columns, commands): a mistake in it stops here, in one line.
    // Its checks import the views (theme, keymap), so React: loaded here, once NODE_ENV is
    // settled (see below), never by a static import — React loaded in its development build
    // under Ink's production reconciler draws empty frames and exits at once.
    productionReact();
    const { loadTuiConfig } = await import('./hooks/tui-config-file.js');
    config = (await loadTuiConfig(env)).config;
    const create = deps.createEngine ?? (await loadCreateEngine());
    engine = await create({
      ...resolvePaths({ ...(opts.root ? { root: opts.root } : {}), ...(opts.runRoot ? { runRoot: opts.runRoot } : {}) }),
      insecureRegistries: opts.insecureRegistries,
    });
  } catch (e) {
    stderr.write(`dockui: ${formatError(e)}\n`);
    return 1;
  }

  const tty = stdout.isTTY === true;
  const mouse = config.mouse ?? true;
  let altActive = false;
  const rawWrite = stdout.write.bind(stdout) as (s: string) => boolean;
  const enter = () => {
    if (tty && !altActive) {
      rawWrite(mouse ? enterAlt + mouseOn : enterAlt);
      altActive = true;
    }
  };
  const restore = () => {
    if (altActive) {
      rawWrite(mouse ? mouseOff + leaveAlt : leaveAlt);
      altActive = false;
    }
    if (stdin.isTTY) {
      try {
        stdin.setRawMode(false);
      } catch {
        /* already closed */
      }
    }
  };

  // While a shell owns the terminal, Ink's frames must not reach it.
  let muted = false;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as is at the end; called through apply
  const origWrite = stdout.write;
  stdout.write = function (this: NodeJS.WriteStream, ...args: Parameters<NodeJS.WriteStream['write']>) {
    if (muted) return true;
    return origWrite.apply(this, args);
  } as NodeJS.WriteStream['write'];

  let inChild = false;
  const terminal: TerminalControl = {
    async runInteractive(childArgv) {
      const [cmd, ...args] = childArgv;
      if (!cmd) throw new EngineError('internal', 'empty command');
      // Give React a moment to commit the suspended (empty) frame and Ink to leave raw mode.
      await new Promise((r) => setTimeout(r, 50));
      muted = true;
      inChild = true;
      restore();
      // The screen is suspended, so Ink has dropped its stdin listener and left raw mode; pausing
      // stdin stops Node reading the terminal at all, so every key goes to the shell. The event
      // loop keeps running: a pull, a build or the dev loop go on while the shell is open.
      stdin.pause();
      try {
        // execa (loaded here, on the first hand-over, as a chunk of the TUI bundle): its result
        // says exit code, signal or spawn failure in one object, and it kills the child if we die.
        const { execa } = await import('execa');
        const r = await execa(cmd, args, { stdio: 'inherit', reject: false });
        if (r.exitCode !== undefined) return r.exitCode;
        if (r.signal) return 128 + (osConstants.signals[r.signal] ?? 0);
        throw new EngineError('failed_precondition', `cannot run ${cmd}: ${r.shortMessage}`);
      } finally {
        enter();
        muted = false;
        // A Ctrl-C typed in the shell reaches us too (same process group): ignored while the
        // shell runs, and a moment after, in case it is still on its way.
        setTimeout(() => (inChild = false), 200);
      }
    },
  };

  // React picks its build when it first loads: the production one renders several times
  // faster. So React and everything drawn with it load here, after NODE_ENV is settled — which
  // is also why this file has no JSX (its runtime import would load React first).
  productionReact();
  // Ink reads CI / CONTINUOUS_INTEGRATION once, when it loads, and then draws only a final
  // frame. A full-screen UI on a real terminal must draw live whatever the environment says
  // (CI runs the terminal tests with CI=true), so hide them while Ink loads.
  const ciVars = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const savedCi = ciVars.map((k) => [k, process.env[k]] as const);
  if (stdout.isTTY) for (const k of ciVars) delete process.env[k];
  // Yoga (Ink's layout engine) fetches its WebAssembly, inlined as a data: URL, with the global
  // fetch() when there is one: in Node that loads undici (~20 ms of the first frame) to decode
  // base64. Without fetch it decodes the same bytes itself, so fetch is hidden while Ink loads.
  const g = globalThis as { fetch?: unknown };
  const savedFetch = g.fetch;
  g.fetch = undefined;
  const inkModule = import('ink');
  void inkModule
    .finally(() => {
      for (const [k, v] of savedCi) if (v !== undefined) process.env[k] = v;
      g.fetch = savedFetch;
    })
    .catch(() => undefined);
  const [reactModule, { render }, { TuiRoot }, { themeFrom }, { setUserBindings }] = await Promise.all([
    import('react') as Promise<ReactModule & { default?: ReactModule }>,
    inkModule,
    import('./views/TuiRoot.js'),
    import('./views/tui-config.js'),
    import('./views/keymap.js'),
  ]);
  setUserBindings({ ...(config.keys ? { keys: config.keys } : {}), ...(config.commands ? { commands: config.commands } : {}) });

  // React is CommonJS: Node's loader gives its named exports, a bundle's chunk only `default`.
  const createElement = reactModule.createElement ?? reactModule.default.createElement;

  let signalCode: number | undefined;
  let instance: ReturnType<typeof render> | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGINT' && inChild) return;
    signalCode = sig === 'SIGTERM' ? 143 : sig === 'SIGHUP' ? 129 : 130;
    instance?.unmount();
  };
  const onCrash = (e: unknown) => {
    restore();
    stderr.write(`dockui: ${formatError(e)}\n`);
    if (e instanceof Error && e.stack && env['DOCKUI_DEBUG']) stderr.write(`${e.stack}\n`);
    process.exit(70);
  };
  const onExit = () => restore();
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', onExit);

  const build = buildTargetFor(dir, opts.dockerfile ? resolve(opts.dockerfile) : undefined);
  const loopEngine = engine;
  const o = opts;
  // The dev loop, on a folder with a Dockerfile: it starts once the screen is up.
  const dev =
    'context' in build && opts.watch
      ? new DevSession(dir, async () => {
          if (!loopEngine.dev) throw new EngineError('unavailable', 'this engine has no dev loop');
          return loopEngine.dev.start({
            dir,
            ...(o.dockerfile ? { dockerfile: resolve(o.dockerfile) } : {}),
            ...(o.target ? { target: o.target } : {}),
            buildArgs: o.buildArgs,
            sync: o.sync,
            ...(o.name ? { name: o.name } : {}),
            publish: o.publish,
            env: o.env,
            volumes: o.volumes,
          });
        })
      : undefined;

  let code = 0;
  try {
    enter();
    instance = render(
      createElement(TuiRoot, { engine, theme: themeFrom(config, env), terminal: stdin.isTTY ? terminal : undefined, build, dev, config }),
      {
        stdout,
        stdin,
        stderr,
        exitOnCtrlC: false,
        patchConsole: true,
        maxFps: 30,
      },
    );
    dev?.begin();
    await instance.waitUntilExit();
    code = signalCode ?? 0;
  } catch (e) {
    // A render error: Ink has unmounted; say what broke once the screen is back.
    restore();
    stderr.write(`dockui: ${formatError(e)}\n`);
    code = 70;
  } finally {
    restore();
    stdout.write = origWrite;
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', onExit);
    // Stops watching; the dev container keeps running, like every container dockui starts.
    await dev?.close().catch(() => undefined);
    const bye = dev?.farewell();
    if (bye) stderr.write(`dockui: ${bye}\n`);
    await engine.close().catch(() => undefined);
  }
  return code;
}

/**
 * React in its production build. From source (the tests) NODE_ENV picks it when React first
 * loads; the TUI bundle has it fixed at build time (scripts/bundle-cli.mjs defines NODE_ENV,
 * which also drops the development builds from the bundle: `env`, not `process.env`, is
 * written here so that the define leaves this assignment alone).
 */
function productionReact(): void {
  const env = process.env;
  env['NODE_ENV'] ??= 'production';
}
