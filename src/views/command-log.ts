// The command log (lazydocker's): every engine action the UI takes is recorded as the `dockui`
// command line that does the same, with its outcome, so what was done here can be repeated in a
// script or a shell. The screen wraps its engine actions, pull and build in recordActions and
// friends; `!` (or `:cmdlog`) shows the log.
import { formatError } from '../engine/define.js';
import type { RunOptions } from '../engine/types.js';
import type { BuildControl } from '../hooks/useBuild.js';
import type { EngineActions } from '../hooks/useEngineActions.js';
import type { PullControl } from '../hooks/usePull.js';
import { familiarName } from './format.js';

export interface CommandLogEntry {
  readonly at: number;
  readonly line: string;
  readonly outcome: 'pending' | 'ok' | 'error' | 'ran';
  readonly error?: string;
}

/** An external store (React's useSyncExternalStore) of the last `max` entries. */
export class CommandLog {
  readonly #max: number;
  #entries: readonly CommandLogEntry[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(max = 200) {
    this.#max = max;
  }

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  getSnapshot = (): readonly CommandLogEntry[] => this.#entries;

  #notifying: ReturnType<typeof setTimeout> | undefined;

  #set(entries: readonly CommandLogEntry[]): void {
    this.#entries = entries.slice(-this.#max);
    // Told on the next turn, not inside the key handler that acted: a redraw there would commit
    // the state halfway (a shell hand-over's suspended frame) and drop the keys typed meanwhile.
    if (this.#notifying) return;
    this.#notifying = setTimeout(() => {
      this.#notifying = undefined;
      for (const l of this.#listeners) l();
    }, 0);
  }

  /** Adds `line`; with a promise, its outcome follows when it settles (`ok` decides from its value). */
  record<T>(line: string, work?: Promise<T>, ok: (v: T) => string | undefined = () => undefined): void {
    const entry: CommandLogEntry = { at: Date.now(), line, outcome: work ? 'pending' : 'ran' };
    this.#set([...this.#entries, entry]);
    if (!work) return;
    const settle = (outcome: 'ok' | 'error', error?: string) =>
      this.#set(this.#entries.map((e) => (e === entry ? { ...e, outcome, ...(error !== undefined ? { error } : {}) } : e)));
    work.then(
      (v) => {
        const err = ok(v);
        settle(err === undefined ? 'ok' : 'error', err);
      },
      (e: unknown) => settle('error', formatError(e)),
    );
  }
}

/** A word for a POSIX shell: quoted only when it must be. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function cli(...words: readonly string[]): string {
  return ['dockui', ...words].map((w, i) => (i === 0 ? w : shellWord(w))).join(' ');
}

/** `dockui run -d …` for what the run form asked the engine for. */
export function runCommandLine(o: RunOptions): string {
  const words = ['run', '-d'];
  if (o.name) words.push('--name', o.name);
  for (const p of o.publish ?? []) words.push('-p', p);
  for (const e of o.env ?? []) words.push('-e', e);
  for (const v of o.volumes ?? []) words.push('-v', v);
  if (o.entrypoint) words.push('--entrypoint', o.entrypoint.join(' '));
  if (o.restart) words.push('--restart', o.restart.MaximumRetryCount ? `${o.restart.Name}:${o.restart.MaximumRetryCount}` : o.restart.Name);
  if (o.healthcheck?.Test?.[0] === 'CMD-SHELL') words.push('--health-cmd', o.healthcheck.Test[1] ?? '');
  if (o.network) words.push('--network', o.network);
  for (const h of o.addHosts ?? []) words.push('--add-host', h);
  for (const u of o.ulimits ?? []) words.push('--ulimit', u);
  for (const c of o.capAdd ?? []) words.push('--cap-add', c);
  for (const c of o.capDrop ?? []) words.push('--cap-drop', c);
  for (const [k, v] of Object.entries(o.labels ?? {})) words.push('--label', `${k}=${v}`);
  words.push(familiarName(o.image), ...(o.cmd ?? []));
  return cli(...words);
}

/** The engine actions, each one also recorded as its CLI line; `name` turns an id into what a user types. */
export function recordActions(a: EngineActions, log: CommandLog, name: (id: string) => string): EngineActions {
  const rec =
    (verb: string) =>
    (id: string): Promise<void> => {
      const p = a[verb as 'start'](id);
      log.record(cli(verb, name(id)), p);
      return p;
    };
  return {
    runtimeProblem: a.runtimeProblem,
    start: rec('start'),
    stop: rec('stop'),
    restart: rec('restart'),
    pause: rec('pause'),
    unpause: rec('unpause'),
    kill: (id) => {
      const p = a.kill(id);
      log.record(cli('kill', name(id)), p);
      return p;
    },
    removeContainer: (id, force) => {
      const p = a.removeContainer(id, force);
      log.record(cli('rm', ...(force ? ['-f'] : []), name(id)), p);
      return p;
    },
    removeImage: (ref, force) => {
      const p = a.removeImage(ref, force);
      log.record(cli('rmi', ...(force ? ['-f'] : []), ref.startsWith('sha256:') ? ref : familiarName(ref)), p);
      return p;
    },
    run: (opts) => {
      const p = a.run(opts);
      log.record(runCommandLine(opts), p, (c) => (c.state === 'exited' ? `exited with code ${c.exitCode ?? '?'}` : undefined));
      return p;
    },
    currentLists: () => a.currentLists(), // a read: nothing to record
    execShellCommand: (id) => {
      log.record(cli('exec', '-it', name(id), 'sh'));
      return a.execShellCommand(id);
    },
    removeVolume: (volume) => {
      const p = a.removeVolume(volume);
      log.record(cli('volume', 'rm', volume), p);
      return p;
    },
    removeNetwork: (network) => {
      const p = a.removeNetwork(network);
      log.record(cli('network', 'rm', network), p);
      return p;
    },
    prune: () => {
      const p = a.prune();
      log.record('dockui container prune -f && dockui image prune -f', p);
      return p;
    },
  };
}

export function recordPull(pull: PullControl, log: CommandLog): PullControl {
  return {
    ...pull,
    start: (ref) => {
      const p = pull.start(ref);
      log.record(cli('pull', ref), p, (r) => (r.phase === 'failed' ? r.error : undefined));
      return p;
    },
  };
}

export function recordBuild(build: BuildControl, log: CommandLog): BuildControl {
  return {
    ...build,
    build: (o) => {
      const p = build.build(o);
      log.record(cli('build', ...(o.tags ?? []).flatMap((t) => ['-t', t]), o.context), p, (r) =>
        r.phase === 'failed' ? (r.error?.message ?? 'failed') : undefined,
      );
      return p;
    },
  };
}
