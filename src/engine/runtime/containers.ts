// Container lifecycle over records, conmon, runc and the network: create, start, stop, kill,
// remove, logs, stats, exec. Every operation on one container runs under its lock and checks
// the state table first; any dockui process sees (and reconciles) the same records.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism, constants as osConstants } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError, type ContainerStats, type ContainerSummary, type PortMapping } from '../define.js';
import type { EventBus } from '../events.js';
import type { EnginePaths } from '../paths.js';
import { pidAlive, tryLock } from '../store/lock.js';
import type { LogsOptions, RunOptions } from '../types.js';
import { mountRootfs, rootfsOf, writeBundle, writeExecProcess } from './bundle.js';
import { generateName, newId, shortId, validName } from './ids.js';
import { missingExecutable } from './lookpath.js';
import { removeRuntimeLeftovers } from './leftovers.js';
import {
  defaultLogMaxSize,
  joinPartials,
  parseLogOpts,
  logTimeMs,
  parseSince,
  readLogChunk,
  tailOffset,
  type RawLogLine,
  type StreamLogLine,
} from './logs.js';
import { cleanRuntimeMessage, createWithMonitor, logPath, readExit } from './monitor.js';
import { freePort, parseNetworkMode, parsePublish, setupPrivateNetwork, teardownNetwork } from './network.js';
import { OciRuntime, runcMessage } from './oci-runtime.js';
import { RecordStore, type ContainerRecord, type MountRecord } from './records.js';
import { unmount } from './rootfs.js';
import { mergeEnv } from './run-in-rootfs.js';
import { effectiveCapabilities } from './spec.js';
import { ensureState } from './state.js';
import { parseTmpfs, parseVolume, Volumes } from './volumes.js';

/**
 * bin/dockui.js: three levels up from dist/engine/runtime or src/engine/runtime, one from the
 * CLI bundle (dist/cli.cjs), two from the TUI's (dist/tui-bundle/), where esbuild moved this module.
 */
export const dockuiBin = ((here) =>
  [resolve(here, '../../../bin/dockui.js'), resolve(here, '../bin/dockui.js'), resolve(here, '../../bin/dockui.js')].find((p) =>
    existsSync(p),
  ) ?? resolve(here, '../../../bin/dockui.js'))(dirname(fileURLToPath(import.meta.url)));

// ---- parsing of user input (before any side effect) -----------------------------------

/** "SIGTERM", "TERM", "15" → "SIGTERM"; anything else is a user error. */
export function parseSignal(s: string): string {
  const t = s.trim().toUpperCase();
  const sigs = osConstants.signals as Record<string, number>;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    const name = Object.keys(sigs).find((k) => sigs[k] === n);
    if (!name || n < 1 || n > 64) throw new EngineError('invalid_argument', `invalid signal: ${s}`);
    return name;
  }
  const name = t.startsWith('SIG') ? t : `SIG${t}`;
  if (!(name in sigs)) throw new EngineError('invalid_argument', `invalid signal: ${s}`);
  return name;
}

/** "512m", "1g", "100000" (bytes) → bytes. */
export function parseBytes(s: string, what = '--memory'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(s.trim());
  if (!m) throw new EngineError('invalid_argument', `invalid ${what} value ${JSON.stringify(s)} (e.g. 256m, 1g)`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  const n = Math.floor(Number(m[1]) * mult);
  if (n < 6 * 1024 * 1024) throw new EngineError('invalid_argument', `${what} must be at least 6m`);
  return n;
}

/** "1.5" → nano-CPUs; as Docker, no more than this host has (a quota above it limits nothing). */
export function parseCpus(s: string, hostCpus = availableParallelism()): number {
  const n = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(n))
    throw new EngineError('invalid_argument', `invalid --cpus value ${JSON.stringify(s)}: use a number (e.g. 0.5)`);
  if (n === 0) return 0;
  if (n < 0.01 || n > hostCpus)
    throw new EngineError(
      'invalid_argument',
      `range of CPUs is from 0.01 to ${hostCpus.toFixed(2)}, as there are only ${hostCpus} CPUs available`,
    );
  return Math.round(n * 1e9);
}

// ---- the service ----------------------------------------------------------------------

export interface ImageInfo {
  readonly ref: string;
  readonly id: string;
  readonly lowerDirs: readonly string[];
  readonly config: {
    Env?: readonly string[];
    Cmd?: readonly string[];
    Entrypoint?: readonly string[];
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Readonly<Record<string, object>>;
    StopSignal?: string;
    Labels?: Readonly<Record<string, string>>;
    Volumes?: Readonly<Record<string, object>>;
  };
}

/** Resolves an image reference from the content store. */
export async function imageFromStore(root: string, ref: string): Promise<ImageInfo> {
  const { openStore } = await import('../store/index.js');
  const store = await openStore(root);
  const hit = await store.resolveImage(ref);
  // One record lookup and one config read: imageConfig/imageLayers would each resolve again.
  const config = await store.imageConfig(hit.id);
  const layers = await store.imageLayers(hit.id, config);
  return { ref: hit.ref ?? ref, id: hit.id, lowerDirs: layers.map((l) => l.dir).reverse(), config: config.config ?? {} };
}

export interface ExecOptions {
  readonly args: readonly string[];
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly tty?: boolean;
  readonly interactive?: boolean;
  readonly stdio?: 'inherit' | 'pipe';
}

const traceOn = process.env.DOCKUI_TRACE === '1';
/** DOCKUI_TRACE=1 prints phase timings (ms since the process started) to stderr, for the benchmarks. */
export function trace(what: string): void {
  if (traceOn) process.stderr.write(`[trace ${performance.now().toFixed(1)}ms] ${what}\n`);
}

/** The error runc logged (JSON lines, level "error") when it could not start a container. */
async function runcFailure(logFile: string): Promise<string | undefined> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  for (const line of text.trim().split('\n').reverse()) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) return cleanRuntimeMessage(entry.msg);
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Is the container's init (this pid, started at that time) still alive? */
function initAlive(rec: ContainerRecord): boolean {
  if (!rec.pid) return false;
  const st = procStartTime(rec.pid);
  return st !== undefined && (rec.pidStart === undefined || st === rec.pidStart);
}

export function summarize(r: ContainerRecord): ContainerSummary {
  return {
    id: r.id,
    name: r.name,
    image: r.image,
    imageId: r.imageId,
    command: [r.path, ...r.args].join(' '),
    state: r.state,
    createdAt: r.createdAt,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
    ...(r.exitReason ? { exitReason: r.exitReason } : {}),
    ports: r.ports,
    ...(r.pid && r.state === 'running' ? { pid: r.pid } : {}),
  };
}

export class Containers {
  readonly records: RecordStore;
  #runtime: OciRuntime | undefined;
  #snapshot: readonly ContainerSummary[] = [];
  /** Finishes started by wait(), still freeing resources in the background. */
  readonly #finishing = new Set<Promise<unknown>>();
  /** Bundles this process wrote at create and nothing changed since: start skips rewriting them. */
  readonly #fresh = new Set<string>();
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly paths: EnginePaths,
    readonly events?: EventBus,
    readonly resolveImage: (ref: string) => Promise<ImageInfo> = (ref) => imageFromStore(paths.root, ref),
  ) {
    this.records = new RecordStore(paths);
  }

  get runtime(): OciRuntime {
    this.#runtime ??= new OciRuntime(join(this.paths.runRoot, 'runc'));
    return this.#runtime;
  }

  dir(id: string): string {
    return this.records.containerDir(id);
  }

  /** Resolves when every background finish of this process is done (before exiting, in tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.#finishing]);
  }

  // ---- Observable
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  getSnapshot(): readonly ContainerSummary[] {
    return this.#snapshot;
  }
  async refresh(): Promise<void> {
    this.#snapshot = (await this.list({ all: true })).map(summarize);
    for (const l of this.#listeners) l();
  }

  // ---- lookup

  /** Exact id, exact name, or a unique id prefix. */
  async find(idOrName: string): Promise<ContainerRecord> {
    const q = idOrName.trim();
    if (/^[0-9a-f]{64}$/.test(q)) {
      const r = await this.records.read(q);
      if (r) return r;
    }
    const all = await this.records.list();
    const byName = all.find((r) => r.name === q || `/${r.name}` === q);
    if (byName) return byName;
    if (/^[0-9a-f]+$/.test(q)) {
      const hits = all.filter((r) => r.id.startsWith(q));
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1)
        throw new EngineError('invalid_argument', `container id prefix ${q} is ambiguous: ${hits.length} containers match`);
    }
    throw new EngineError('not_found', `no such container: ${q}`);
  }

  /** Records, reconciled with what is actually alive. */
  async list(opts: { all?: boolean } = {}): Promise<ContainerRecord[]> {
    await this.settle();
    const recs = await this.records.list();
    const out = await Promise.all(recs.map((r) => this.reconcile(r)));
    const live = out.filter((r): r is ContainerRecord => r !== undefined);
    await this.sweepLeftovers(undefined, live);
    live.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    return opts.all ? live : live.filter((r) => r.state === 'running' || r.state === 'paused');
  }

  /**
   * A record that says running while its monitor and process are gone (or whose exit conmon
   * has written) is finished here: exit code, reason, cleanup. Cheap when nothing changed.
   */
  async reconcile(rec: ContainerRecord): Promise<ContainerRecord | undefined> {
    if (rec.state !== 'running' && rec.state !== 'paused') return rec;
    const exited = rec.monitor === 'conmon' && existsSync(join(this.dir(rec.id), 'exit'));
    // An attached run whose dockui lives is that dockui's to finish (it has the exit code).
    const owned = rec.monitor === 'attached' && !!rec.ownerPid && (rec.ownerPid === process.pid || pidAlive(rec.ownerPid, rec.ownerStart));
    const lost = !exited && !owned && !(rec.monitorPid && pidAlive(rec.monitorPid)) && !initAlive(rec);
    if (!exited && !lost) return rec;
    const release = await tryLock(this.records.lockPath(rec.id));
    if (!release) return rec; // someone else is on it
    try {
      return await this.finishLocked(rec.id, lost ? 'monitor lost' : undefined);
    } finally {
      await release();
    }
  }

  /**
   * Frees what a dockui killed mid-start left (leftovers.ts): orphan slirp4netns holding host
   * ports, conmon and runc containers without a running record, stale netns. Two readdirs when
   * there is nothing to do. `held`: containers whose lock the caller holds.
   */
  async sweepLeftovers(held?: ReadonlySet<string>, recs?: readonly ContainerRecord[]): Promise<void> {
    const ids = this.records.runtimeStateIds();
    if (!ids.size) return;
    const running = new Set(
      (recs ?? (await this.records.list())).filter((r) => r.state === 'running' || r.state === 'paused').map((r) => r.id),
    );
    if (![...ids].some((id) => !running.has(id) || held?.has(id))) return;
    await removeRuntimeLeftovers(this.paths.root, this.paths.runRoot, undefined, held ? { held } : {});
  }

  // ---- create

  async create(opts: RunOptions): Promise<ContainerRecord> {
    // Everything the user typed is checked before anything is made.
    const network = parseNetworkMode(opts.network);
    const ports: PortMapping[] = (opts.publish ?? []).map(parsePublish);
    const mounts: MountRecord[] = [...(opts.volumes ?? []).map(parseVolume), ...(opts.tmpfs ?? []).map(parseTmpfs)];
    const memoryBytes = opts.memory ? parseBytes(opts.memory) : undefined;
    const nanoCpus = opts.cpus ? parseCpus(opts.cpus) || undefined : undefined; // 0: no limit, as Docker
    const log = parseLogOpts(opts.logOpts ?? []);
    if (opts.pidsLimit !== undefined && (!Number.isInteger(opts.pidsLimit) || opts.pidsLimit < -1))
      throw new EngineError('invalid_argument', `invalid --pids-limit: ${opts.pidsLimit}`);
    effectiveCapabilities(opts); // validates --cap-add/--cap-drop names
    if (opts.name !== undefined && !validName(opts.name))
      throw new EngineError('invalid_argument', `invalid container name ${JSON.stringify(opts.name)}: use [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    if (opts.hostname !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$/.test(opts.hostname))
      throw new EngineError('invalid_argument', `invalid hostname ${JSON.stringify(opts.hostname)}`);
    if ((ports.length || opts.publishAll) && network !== 'private')
      throw new EngineError('invalid_argument', `published ports need the private network (not --network ${network})`);
    if (opts.init) (await import('./bundle.js')).initBinary();
    for (const e of opts.env ?? [])
      if (e.startsWith('=') || e === '') throw new EngineError('invalid_argument', `invalid environment variable: ${JSON.stringify(e)}`);

    trace('create: options checked');
    const image = await this.resolveImage(opts.image);
    trace('create: image resolved');
    const cfg = image.config;
    if (opts.publishAll)
      for (const key of Object.keys(cfg.ExposedPorts ?? {})) {
        const [port, proto = 'tcp'] = key.split('/');
        if (!ports.some((p) => p.containerPort === Number(port) && p.protocol === proto))
          ports.push({ hostIp: '0.0.0.0', hostPort: 0, containerPort: Number(port), protocol: proto === 'udp' ? 'udp' : 'tcp' });
      }
    const entrypoint = opts.entrypoint ?? cfg.Entrypoint ?? [];
    // Docker: --entrypoint resets the image's Cmd; trailing args replace Cmd.
    const cmd = opts.cmd?.length ? opts.cmd : opts.entrypoint ? [] : (cfg.Cmd ?? []);
    const argv = [...entrypoint, ...cmd];
    if (argv.length === 0) throw new EngineError('invalid_argument', `no command specified: image ${opts.image} has no Cmd or Entrypoint`);
    const stopSignal = cfg.StopSignal ? parseSignal(cfg.StopSignal) : 'SIGTERM';
    const env = mergeEnv(
      cfg.Env,
      opts.env?.map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
    );
    const id = newId();
    // Anonymous volumes: `-v /path`, and each VOLUME of the image no mount of the run covers.
    const named = mounts.map((m) => (m.type === 'volume' && m.source === '' ? { ...m, source: newId(), anonymous: true } : m));
    for (const path of Object.keys(cfg.Volumes ?? {})) {
      const dest = posix.normalize(path.startsWith('/') ? path : `/${path}`).replace(/\/+$/, '') || '/';
      if (dest !== '/' && !named.some((m) => m.destination === dest))
        named.push({ type: 'volume', source: newId(), destination: dest, readOnly: false, anonymous: true });
    }
    mounts.splice(0, mounts.length, ...named);
    await this.records.ensureDirs();
    const dir = this.dir(id);
    const rec: ContainerRecord = {
      id,
      name: '',
      image: image.ref,
      imageId: image.id,
      lowerDirs: image.lowerDirs,
      createdAt: new Date().toISOString(),
      state: 'created',
      path: argv[0]!,
      args: argv.slice(1),
      env,
      workdir: opts.workdir || cfg.WorkingDir || '/',
      user: opts.user ?? cfg.User ?? '',
      hostname: opts.hostname ?? (network === 'host' ? (await import('node:os')).hostname() : shortId(id)),
      tty: opts.tty ?? false,
      interactive: opts.interactive ?? false,
      stopSignal,
      network,
      ports,
      mounts,
      readOnly: opts.readOnly ?? false,
      privileged: opts.privileged ?? false,
      capAdd: opts.capAdd ?? [],
      capDrop: opts.capDrop ?? [],
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      ...(nanoCpus !== undefined ? { nanoCpus } : {}),
      ...(opts.pidsLimit !== undefined && opts.pidsLimit > 0 ? { pidsLimit: opts.pidsLimit } : {}),
      ...(log.maxSize !== undefined ? { logMaxSize: log.maxSize } : {}),
      ...(log.maxFile !== undefined ? { logMaxFile: log.maxFile } : {}),
      init: opts.init ?? false,
      autoRemove: opts.autoRemove ?? false,
      labels: { ...(cfg.Labels ?? {}), ...(opts.labels ?? {}) },
      restartCount: 0,
    };
    await this.records.withNamesLock(async () => {
      const taken = new Set((await this.records.list()).map((r) => r.name));
      if (opts.name !== undefined) {
        if (taken.has(opts.name)) {
          const other = (await this.records.list()).find((r) => r.name === opts.name)!;
          throw new EngineError(
            'conflict',
            `the container name "${opts.name}" is already in use by container ${shortId(other.id)}: remove or rename it`,
          );
        }
        rec.name = opts.name;
      } else {
        for (let i = 0; ; i++) {
          const n = generateName(i);
          if (!taken.has(n)) {
            rec.name = n;
            break;
          }
        }
      }
      mkdirSync(dir, { recursive: true }); // sync: a CLI run then never starts libuv's thread pool
      await this.records.write(rec);
    });
    trace('create: record written');
    try {
      // Mount and write the bundle now so a bad user, workdir or volume fails create, not start.
      await writeBundle(rec, dir, this.paths);
      this.#fresh.add(id);
      trace('create: bundle written');
    } catch (e) {
      await this.destroy(rec);
      throw e;
    }
    this.events?.emit('container.created', { id, name: rec.name });
    return rec;
  }

  // ---- start

  /**
   * Starts a created or exited container under conmon. `foreground`: the caller stays to see
   * it exit and finishes it itself (the CLI's attached `run`), so conmon runs no exit command;
   * should the caller die, the next dockui to list containers finishes it from conmon's file.
   */
  async start(idOrName: string, opts: { foreground?: boolean } = {}): Promise<ContainerRecord> {
    await this.settle();
    const found = await this.find(idOrName);
    const rec = await this.records.withLock(found.id, async () => {
      const r = (await this.records.read(found.id)) ?? found;
      if (r.state === 'running') return r;
      ensureState(r.name, r.state, 'start');
      await this.startLocked(r, opts.foreground ?? false);
      return r;
    });
    this.events?.emit('container.started', { id: rec.id });
    return rec;
  }

  /** Starts under the container's lock. On failure nothing of this start is left running. */
  private async startLocked(rec: ContainerRecord, foreground: boolean): Promise<void> {
    const dir = this.dir(rec.id);
    const runtime = this.runtime;
    await Promise.all(['exit', 'oom', 'pidfile', 'conmon.pid'].map((f) => rm(join(dir, f), { force: true })));
    await rm(join(this.paths.runRoot, 'exits', rec.id), { force: true });
    // A start killed earlier may have left this container's (or another's) helpers holding the
    // netns or the ports this one needs.
    await this.sweepLeftovers(new Set([rec.id]));
    trace('start: cleaned');
    if (!this.#fresh.delete(rec.id)) await writeBundle(rec, dir, this.paths);
    trace('start: bundle written');
    let net: { slirpPid: number; apiSocket: string } | undefined;
    let created = false;
    try {
      if (rec.network === 'private') {
        const ports = await Promise.all(rec.ports.map(async (p) => (p.hostPort === 0 ? { ...p, hostPort: await freePort(p.hostIp) } : p)));
        net = await setupPrivateNetwork({ runRoot: this.paths.runRoot, id: rec.id, ports, logFile: join(dir, 'slirp4netns.log') });
        (rec as { ports: readonly PortMapping[] }).ports = ports.map((p, i) => ({ ...p, hostPort: p.hostPort || rec.ports[i]!.hostPort }));
      }
      trace('start: network ready');
      // A runc state left by a crash between create and start would block the id.
      if (existsSync(join(runtime.root, rec.id))) await runtime.delete(rec.id, { force: true });
      created = true;
      const { pid, monitorPid } = await createWithMonitor({
        runtime,
        id: rec.id,
        name: rec.name,
        bundle: dir,
        containerDir: dir,
        runRoot: this.paths.runRoot,
        tty: rec.tty,
        logSizeMax: rec.logMaxSize ?? defaultLogMaxSize,
        exitCommand: foreground
          ? []
          : [process.execPath, '--', dockuiBin, '--root', this.paths.root, '--runroot', this.paths.runRoot, 'container', 'cleanup', rec.id],
      });
      rec.pid = pid;
      const st = procStartTime(pid);
      if (st !== undefined) rec.pidStart = st;
      rec.monitor = 'conmon';
      rec.monitorPid = monitorPid;
      if (net) {
        rec.slirpPid = net.slirpPid;
        rec.apiSocket = net.apiSocket;
      }
      trace('start: created by conmon');
      await runtime.start(rec.id, pid);
      trace('start: runc start done');
    } catch (e) {
      if (created) await runtime.delete(rec.id, { force: true }).catch(() => undefined);
      if (net || rec.network === 'private')
        await teardownNetwork({
          runRoot: this.paths.runRoot,
          id: rec.id,
          ...(net ? { slirpPid: net.slirpPid, apiSocket: net.apiSocket } : {}),
        });
      unmount(rootfsOf(dir));
      delete rec.pid;
      delete rec.monitorPid;
      delete rec.slirpPid;
      await this.records.write(rec);
      throw e;
    }
    rec.state = 'running';
    rec.startedAt = new Date().toISOString();
    delete rec.finishedAt;
    delete rec.exitCode;
    delete rec.exitReason;
    await this.records.write(rec);
  }

  /**
   * Runs the container in the foreground of this process with `runc run`: the container's stdio
   * is this process's own (the terminal, a pipe or a file: no copy through Node), runc owns the
   * pty with -t and forwards the signals it gets (Ctrl-C reaches the container). This dockui is
   * the monitor ("attached"): it records the exit code runc returns. Used by the CLI's foreground
   * `run -i`, `-t` and `--rm`, whose output is the terminal's and is not kept as a log. Should
   * this process die, runc run carries on (the container keeps its terminal) and the next dockui
   * finishes the record once runc is gone (`Exited [monitor lost]`; removed with --rm).
   * `signal` (the CLI's first SIGINT/SIGTERM): SIGTERM to the container through runc; should the
   * process then exit before the container (a second signal), the container is killed first.
   */
  async runAttached(idOrName: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
    const found = await this.find(idOrName);
    const dir = this.dir(found.id);
    const runtime = this.runtime; // throws when runc is missing, before anything is made
    const runcLog = join(dir, 'runc.log');
    const { child, rec } = await this.records.withLock(found.id, async () => {
      const r = (await this.records.read(found.id)) ?? found;
      ensureState(r.name, r.state, 'start');
      if (!this.#fresh.delete(r.id)) {
        await writeBundle(r, dir, this.paths);
        await rm(runcLog, { force: true }); // a log of an earlier run would be read as this one's
      }
      if (!r.init) {
        const mountPoints = ['/proc', '/dev', '/sys', ...r.mounts.map((m) => m.destination)];
        const missing = missingExecutable(rootfsOf(dir), r.path, { env: r.env, cwd: r.workdir, mountPoints });
        if (missing) throw new EngineError('failed_precondition', missing);
      }
      let net: { slirpPid: number; apiSocket: string } | undefined;
      await this.sweepLeftovers(new Set([r.id]));
      if (r.network === 'private') {
        const ports = await Promise.all(r.ports.map(async (p) => (p.hostPort === 0 ? { ...p, hostPort: await freePort(p.hostIp) } : p)));
        net = await setupPrivateNetwork({ runRoot: this.paths.runRoot, id: r.id, ports, logFile: join(dir, 'slirp4netns.log') });
        (r as { ports: readonly PortMapping[] }).ports = ports;
        r.slirpPid = net.slirpPid;
        r.apiSocket = net.apiSocket;
      }
      trace('attached: network ready');
      let c: ChildProcess;
      try {
        // Interrupted before the container starts: nothing is started, the caller removes it.
        if (opts.signal?.aborted) throw new EngineError('canceled', 'canceled');
        // A runc state left by a crash would block the id (runc run removes its own on exit).
        if (existsSync(join(runtime.root, r.id))) await runtime.delete(r.id, { force: true });
        const stdin = r.interactive || r.tty ? 'inherit' : 'ignore';
        // runc's own errors go to its log, so the container's stderr carries only the container's.
        c = runtime.spawn(['--log', runcLog, '--log-format', 'json', 'run', '--bundle', dir, r.id], {
          stdio: [stdin, 'inherit', 'inherit'],
        });
      } catch (e) {
        // The record does not know the network yet: free it here.
        if (net) await teardownNetwork({ runRoot: this.paths.runRoot, id: r.id, slirpPid: net.slirpPid, apiSocket: net.apiSocket });
        throw e;
      }
      r.state = 'running';
      r.monitor = 'attached';
      if (c.pid) r.monitorPid = c.pid;
      r.ownerPid = process.pid;
      const ownStart = procStartTime(process.pid);
      if (ownStart !== undefined) r.ownerStart = ownStart;
      r.startedAt = new Date().toISOString();
      delete r.exitCode;
      delete r.exitReason;
      delete r.finishedAt;
      await this.records.write(r);
      return { child: c, rec: r };
    });
    trace('attached: runc run spawned');
    this.events?.emit('container.started', { id: rec.id });
    // runc run forwards the signals it gets to the container's init.
    const onAbort = () => {
      try {
        if (child.pid) process.kill(child.pid, 'SIGTERM');
      } catch {
        // runc run has just exited
      }
    };
    const onExit = () => {
      spawnSync(runtime.binary, [...runtime.globalArgs(), 'kill', rec.id, 'KILL'], { stdio: 'ignore' });
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    process.once('exit', onExit);
    let spawnError: Error | undefined;
    const code = await new Promise<number>((res) => {
      child.on('close', (c, sig) => res(c ?? (sig ? 128 + (osConstants.signals as Record<string, number>)[sig]! : 255)));
      child.on('error', (e) => {
        spawnError = e;
        res(255);
      });
    }).finally(() => {
      opts.signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
    });
    trace('attached: runc run exited');
    // runc failed to start the container (not the container failing): one line, and no record.
    const failure = spawnError ? `cannot run runc: ${spawnError.message}` : code !== 0 ? await runcFailure(runcLog) : undefined;
    await this.records.withLock(rec.id, async () => {
      const r = await this.finishLocked(rec.id, undefined, code, true);
      if (failure && r) await this.destroy(r, true);
    });
    if (failure) throw new EngineError('failed_precondition', failure);
    return code;
  }

  // ---- finish: record the exit, free what the run held

  /**
   * Under the lock: records the exit (conmon's file, or `code`) and frees mounts, netns, runc
   * state. `inForeground`: the caller is a CLI command waiting on it (see destroy()).
   */
  async finishLocked(id: string, reason?: string, code?: number, inForeground = false): Promise<ContainerRecord | undefined> {
    const rec = await this.records.read(id);
    if (!rec) return undefined;
    if (rec.state !== 'running' && rec.state !== 'paused') return rec;
    const dir = this.dir(id);
    trace('finish: begin');
    const exit = await readExit(dir);
    const exitCode = exit?.code ?? code ?? (reason ? 255 : undefined);
    if (exitCode === undefined) return rec; // still running after all
    // `runc run` (attached) removes its own state; conmon's `runc create` leaves it for us.
    if (existsSync(join(this.paths.runRoot, 'runc', id))) await this.runtime.delete(id, { force: true }).catch(() => undefined);
    if (rec.network === 'private')
      await teardownNetwork({
        runRoot: this.paths.runRoot,
        id,
        ...(rec.slirpPid ? { slirpPid: rec.slirpPid } : {}),
        ...(rec.apiSocket ? { apiSocket: rec.apiSocket } : {}),
      });
    unmount(rootfsOf(dir));
    rec.state = 'exited';
    rec.exitCode = exitCode;
    rec.finishedAt = (exit?.at ?? new Date()).toISOString();
    const why = exit?.oom ? 'oom' : reason;
    if (why) rec.exitReason = why;
    else delete rec.exitReason;
    delete rec.pid;
    delete rec.pidStart;
    delete rec.monitorPid;
    delete rec.ownerPid;
    delete rec.ownerStart;
    delete rec.slirpPid;
    // With --rm the record goes next: destroy() marks it "removing" first, so no exited write.
    if (!rec.autoRemove) await this.records.write(rec);
    // The exit code outlives an auto-removed record in RUNROOT/exits/<id> for `wait` in another
    // process: conmon writes it for its containers, the attached runs' monitor (dockui) here.
    else if (!exit) {
      mkdirSync(join(this.paths.runRoot, 'exits'), { recursive: true });
      writeFileSync(join(this.paths.runRoot, 'exits', id), String(exitCode));
    }
    trace('finish: freed');
    this.events?.emit('container.exited', { id, exitCode, ...(why ? { reason: why } : {}) });
    if (rec.autoRemove) {
      await this.destroy(rec, inForeground);
      this.events?.emit('container.removed', { id });
      return undefined;
    }
    return rec;
  }

  /** conmon's exit command: finish the container (and remove it with --rm). */
  async cleanup(id: string): Promise<void> {
    await this.records.withLock(id, () => this.finishLocked(id));
  }

  /** Waits until the container has exited (or the deadline passes); returns whether it did. */
  async waitExit(id: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const dir = this.dir(id);
    for (let delay = 5; ; delay = Date.now() + timeoutMs - deadline < 2000 ? 5 : 50) {
      const rec = await this.records.read(id);
      if (!rec || rec.state === 'exited' || rec.state === 'created') return true;
      if (rec.monitor === 'conmon' ? existsSync(join(dir, 'exit')) : !initAlive(rec) && !(rec.monitorPid && pidAlive(rec.monitorPid)))
        return true;
      if (!initAlive(rec) && !(rec.monitorPid && pidAlive(rec.monitorPid))) return true;
      if (Date.now() > deadline || signal?.aborted) return false;
      await sleep(delay);
    }
  }

  // ---- stop / kill / restart

  async stop(idOrName: string, opts: { timeoutSec?: number; signal?: string } = {}): Promise<ContainerRecord> {
    await this.settle();
    const rec = await this.find(idOrName);
    const sig = opts.signal ? parseSignal(opts.signal) : rec.stopSignal || 'SIGTERM';
    if (rec.state !== 'running' && rec.state !== 'paused') {
      ensureState(rec.name, rec.state, 'stop');
      return rec;
    }
    const timeoutMs = Math.max(0, opts.timeoutSec ?? 10) * 1000;
    if (rec.state === 'paused') await this.runtime.resume(rec.id).catch(() => undefined);
    const sent = await this.signal(rec, sig);
    if (!sent || !(await this.waitExit(rec.id, timeoutMs))) {
      await this.signal(rec, 'SIGKILL');
      await this.waitExit(rec.id, 10_000);
    }
    await this.ownerFinishes(rec);
    return (await this.records.withLock(rec.id, () => this.finishLocked(rec.id, undefined, 137))) ?? rec;
  }

  /**
   * An attached run's own dockui records the exit code runc hands it, and hears of the exit at
   * once: another process that stopped or killed the container waits for that (up to 5 s, while
   * the owner lives) rather than recording a guessed 137 first.
   */
  private async ownerFinishes(rec: ContainerRecord): Promise<void> {
    if (rec.monitor !== 'attached' || !rec.ownerPid || rec.ownerPid === process.pid) return;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && pidAlive(rec.ownerPid, rec.ownerStart)) {
      const r = await this.records.read(rec.id);
      if (!r || (r.state !== 'running' && r.state !== 'paused')) return;
      await sleep(5);
    }
  }

  /**
   * Signals the container's init: directly when its pid is known and still the same process
   * (what `runc kill` does, without a runc process); through runc otherwise. SIGKILL to init
   * ends the whole pid namespace.
   */
  private async signal(rec: ContainerRecord, sig: string): Promise<boolean> {
    if (rec.pid && initAlive(rec)) {
      try {
        process.kill(rec.pid, sig as NodeJS.Signals);
        return true;
      } catch {
        /* raced with its exit: runc decides below */
      }
    }
    return this.runtime.kill(rec.id, sig, { all: sig === 'SIGKILL' }).catch(() => false);
  }

  async kill(idOrName: string, signal = 'SIGKILL'): Promise<void> {
    await this.settle();
    const sig = parseSignal(signal);
    const rec = await this.find(idOrName);
    const r = (await this.reconcile(rec)) ?? rec;
    ensureState(r.name, r.state, 'kill');
    const sent = await this.signal(r, sig);
    if (!sent) throw new EngineError('conflict', `cannot kill container ${r.name}: it is not running`);
    // A frozen process takes its signal only once thawed (Docker thaws a paused one it kills too).
    if (r.state === 'paused') await this.runtime.resume(r.id).catch(() => undefined);
    if (sig === 'SIGKILL' && (await this.waitExit(r.id, 5000))) {
      await this.ownerFinishes(r);
      await this.records.withLock(r.id, () => this.finishLocked(r.id, undefined, 137));
    }
  }

  // ---- pause / unpause: runc's freezer (cgroup v1 freezer here), as docker pause

  async pause(idOrName: string): Promise<void> {
    await this.setPaused(idOrName, true);
  }

  async unpause(idOrName: string): Promise<void> {
    await this.setPaused(idOrName, false);
  }

  private async setPaused(idOrName: string, paused: boolean): Promise<void> {
    await this.settle();
    const found = await this.find(idOrName);
    const op = paused ? 'pause' : 'unpause';
    ensureState(found.name, ((await this.reconcile(found)) ?? found).state, op);
    await this.records.withLock(found.id, async () => {
      const r = await this.records.read(found.id);
      if (!r) throw new EngineError('not_found', `no such container: ${idOrName}`);
      ensureState(r.name, r.state, op);
      if (paused) await this.runtime.pause(r.id);
      else await this.runtime.resume(r.id);
      r.state = paused ? 'paused' : 'running';
      await this.records.write(r);
    });
    this.events?.emit(paused ? 'container.paused' : 'container.unpaused', { id: found.id });
  }

  async restart(idOrName: string, opts: { timeoutSec?: number } = {}): Promise<void> {
    const rec = await this.stop(idOrName, opts);
    await this.start(rec.id);
  }

  // ---- remove

  async remove(idOrName: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.settle();
    await this.sweepLeftovers();
    let rec = await this.find(idOrName);
    rec = (await this.reconcile(rec)) ?? rec;
    // An exit conmon recorded but another process is still finishing: the lock below waits for it.
    const exited = existsSync(join(this.dir(rec.id), 'exit'));
    if ((rec.state === 'running' || rec.state === 'paused') && !exited) {
      ensureState(rec.name, rec.state, opts.force ? 'forceRemove' : 'remove');
      await this.signal(rec, 'SIGKILL');
      if (rec.state === 'paused') await this.runtime.resume(rec.id).catch(() => undefined);
      await this.waitExit(rec.id, 10_000);
      await this.ownerFinishes(rec);
    }
    await this.records.withLock(rec.id, async () => {
      const r = await this.records.read(rec.id);
      if (!r) return;
      if (r.state === 'running' || r.state === 'paused') await this.finishLocked(r.id, undefined, 137);
      const again = await this.records.read(rec.id);
      if (!again) return; // --rm removed it meanwhile
      ensureState(again.name, again.state, opts.force ? 'forceRemove' : 'remove');
      await this.destroy(again, false, opts.volumes === true || again.autoRemove);
    });
    this.events?.emit('container.removed', { id: rec.id });
  }

  /**
   * Removes every trace of a container: runc state, netns, mount, directory, exit file; its
   * anonymous volumes too with --rm or `rm -v` (`volumes`), as Docker does.
   * `inForeground`: a CLI command is waiting (the attached run): the dir goes with rmSync, ~10×
   * quicker for the usual handful of files than the thread pool's walk. Otherwise (a TUI, or any
   * caller that must not stall) asynchronously, as a container's upper dir may hold many files.
   */
  private async destroy(rec: ContainerRecord, inForeground = false, volumes = rec.autoRemove): Promise<void> {
    const dir = this.dir(rec.id);
    rec.state = 'removing';
    await this.records.write(rec).catch(() => undefined);
    if (existsSync(join(this.paths.runRoot, 'runc', rec.id))) await this.runtime.delete(rec.id, { force: true }).catch(() => undefined);
    if (rec.network === 'private')
      await teardownNetwork({
        runRoot: this.paths.runRoot,
        id: rec.id,
        ...(rec.slirpPid ? { slirpPid: rec.slirpPid } : {}),
        ...(rec.apiSocket ? { apiSocket: rec.apiSocket } : {}),
      });
    unmount(rootfsOf(dir));
    // record.json goes first, so a half-removed dir is never listed.
    try {
      unlinkSync(join(dir, 'record.json'));
    } catch {
      // gone already
    }
    if (inForeground) rmSync(dir, { recursive: true, force: true });
    else await rm(dir, { recursive: true, force: true });
    // conmon's copy of the exit code (RUNROOT/exits/<id>) stays for an auto-removed container:
    // `run --rm` and `wait` read it when the record is already gone.
    if (!rec.autoRemove) await rm(join(this.paths.runRoot, 'exits', rec.id), { force: true });
    const anonymous = rec.mounts.filter((m) => m.type === 'volume' && m.anonymous && /^[0-9a-f]{64}$/.test(m.source));
    if (volumes && anonymous.length) {
      const vols = new Volumes(this.paths);
      for (const m of anonymous) await vols.remove(m.source, []).catch(() => undefined); // never made: fine
    }
  }

  async prune(): Promise<string[]> {
    const gone: string[] = [];
    for (const r of await this.list({ all: true }))
      if (r.state === 'exited' || r.state === 'created') {
        await this.remove(r.id).catch(() => undefined);
        gone.push(r.id);
      }
    return gone;
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    await this.settle();
    if (!validName(newName)) throw new EngineError('invalid_argument', `invalid container name ${JSON.stringify(newName)}`);
    const rec = await this.find(idOrName);
    await this.records.withNamesLock(async () => {
      const other = (await this.records.list()).find((r) => r.name === newName);
      if (other && other.id !== rec.id)
        throw new EngineError('conflict', `the container name "${newName}" is already in use by container ${shortId(other.id)}`);
      await this.records.withLock(rec.id, async () => {
        const r = await this.records.read(rec.id);
        if (!r) throw new EngineError('not_found', `no such container: ${idOrName}`);
        ensureState(r.name, r.state, 'rename');
        r.name = newName;
        await this.records.write(r);
      });
    });
    this.events?.emit('container.renamed', { id: rec.id, name: newName });
  }

  // ---- wait, logs

  async wait(idOrName: string, signal?: AbortSignal): Promise<number> {
    const rec = await this.find(idOrName);
    const t0 = Date.now();
    // Short polls at first: most waits end within a second, and each poll is a stat or two.
    for (let delay = 5; ; delay = Date.now() - t0 < 2000 ? 5 : 50) {
      const r = await this.records.read(rec.id);
      if (!r) return this.lastExitCode(rec.id) ?? rec.exitCode ?? 0;
      if ((r.state === 'running' || r.state === 'paused') && r.monitor === 'conmon') {
        const exit = await readExit(this.dir(r.id));
        if (exit) {
          // The exit code is known: answer now and free the container's mount, netns and runc
          // state behind it. The lock orders any later operation (rm, start) after that work,
          // and this process stays alive until it is done.
          const finishing = this.records.withLock(r.id, () => this.finishLocked(r.id)).catch(() => undefined);
          this.#finishing.add(finishing);
          void finishing.finally(() => this.#finishing.delete(finishing));
          return exit.code;
        }
      }
      const now = await this.reconcile(r);
      if (!now) return this.lastExitCode(rec.id) ?? 0; // finished and auto-removed
      if (now.state === 'exited') return now.exitCode ?? 0;
      if (signal?.aborted) throw new EngineError('canceled', 'canceled');
      await sleep(delay);
    }
  }

  /** The exit code conmon left in RUNROOT/exits for a container removed meanwhile (--rm). */
  lastExitCode(id: string): number | undefined {
    try {
      const n = Number.parseInt(readFileSync(join(this.paths.runRoot, 'exits', id), 'utf8').trim(), 10);
      return Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The container's output. History comes as whole lines (a last line without a newline is
   * marked `partial`); with `follow`, new output streams as conmon writes it, a partial
   * fragment marked so, until the container stops.
   */
  async *logs(idOrName: string, opts: LogsOptions = {}): AsyncGenerator<StreamLogLine> {
    const rec = await this.find(idOrName);
    const path = logPath(this.dir(rec.id));
    // An attached run (run --rm/-i/-t in the foreground) writes to its terminal, not to a log.
    if (rec.monitor === 'attached' && !existsSync(path))
      throw new EngineError(
        'failed_precondition',
        `container ${rec.name} runs attached to the terminal that started it (run --rm, -i or -t in the foreground): its output is not logged`,
      );
    const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
    if (opts.since !== undefined && since === undefined) throw new EngineError('invalid_argument', `invalid --since value: ${opts.since}`);
    // With --tail (and no --since) only the end of the file is read: a long-running container's
    // log can be many MB, and reading it all costs the TUI tens of MB every time it opens the logs.
    const from = opts.tail !== undefined && opts.tail >= 0 && since === undefined ? await tailOffset(path, opts.tail) : 0;
    const first = await readLogChunk(path, from);
    let offset = first.offset;
    let whole = joinPartials(first.lines, true);
    if (since !== undefined) whole = whole.filter((l) => logTimeMs(l.time) >= since);
    if (opts.tail !== undefined && opts.tail >= 0) whole = whole.slice(Math.max(0, whole.length - opts.tail));
    for (const l of whole) yield l;
    if (!opts.follow) return;
    const raw = (lines: readonly RawLogLine[]) =>
      lines.map((l): StreamLogLine => ({ stream: l.stream, time: l.time, text: l.text, ...(l.full ? {} : { partial: true }) }));
    for (let delay = 5; ; ) {
      if (opts.signal?.aborted) return;
      const chunk = await readLogChunk(path, offset);
      offset = chunk.offset;
      if (chunk.lines.length) {
        yield* raw(chunk.lines);
        delay = 5;
        continue;
      }
      const r = await this.records.read(rec.id);
      const running = r && (r.state === 'running' || r.state === 'paused') && !existsSync(join(this.dir(rec.id), 'exit'));
      if (!running) {
        yield* raw((await readLogChunk(path, offset)).lines);
        return;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  // ---- exec, stats, top

  async exec(idOrName: string, opts: ExecOptions): Promise<ChildProcess> {
    const rec = await this.find(idOrName);
    const r = (await this.reconcile(rec)) ?? rec;
    ensureState(r.name, r.state, 'exec');
    if (opts.args.length === 0) throw new EngineError('invalid_argument', 'exec needs a command');
    const dir = this.dir(r.id);
    const file = join(this.paths.runRoot, 'exec', `${r.id.slice(0, 16)}-${newId().slice(0, 8)}.json`);
    await mkdir(dirname(file), { recursive: true });
    await writeExecProcess(r, dir, file, {
      args: opts.args,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.user ? { user: opts.user } : {}),
      ...(opts.workdir ? { workdir: opts.workdir } : {}),
      tty: opts.tty ?? false,
    });
    const stdio = opts.stdio ?? 'inherit';
    const child = this.runtime.exec(r.id, file, {
      stdio: stdio === 'inherit' ? [opts.interactive || opts.tty ? 'inherit' : 'ignore', 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'],
    });
    child.on('close', () => void rm(file, { force: true }));
    return child;
  }

  async stats(idOrName: string, sampleMs = 250): Promise<ContainerStats> {
    const rec = await this.find(idOrName);
    if (rec.state !== 'running') throw new EngineError('conflict', `container ${rec.name} is not running (it is ${rec.state})`);
    const cg = (ctrl: string, file: string) => join('/sys/fs/cgroup', ctrl, 'dockui', rec.id, file);
    const num = async (p: string) => Number((await readFile(p, 'utf8').catch(() => '0')).trim()) || 0;
    const cpu0 = await num(cg('cpuacct', 'cpuacct.usage'));
    const t0 = process.hrtime.bigint();
    await sleep(sampleMs);
    const [cpu1, mem, limit, pids, statText] = await Promise.all([
      num(cg('cpuacct', 'cpuacct.usage')),
      num(cg('memory', 'memory.usage_in_bytes')),
      num(cg('memory', 'memory.limit_in_bytes')),
      num(cg('pids', 'pids.current')),
      readFile(cg('memory', 'memory.stat'), 'utf8').catch(() => ''),
    ]);
    const dt = Number(process.hrtime.bigint() - t0);
    // Docker shows usage minus page cache (inactive_file).
    const inactive = Number(/^total_inactive_file (\d+)/m.exec(statText)?.[1] ?? 0);
    return {
      id: rec.id,
      cpuPercent: dt > 0 ? ((cpu1 - cpu0) / dt) * 100 : 0,
      memoryBytes: Math.max(0, mem - inactive),
      ...(limit > 0 && limit < 2 ** 62 ? { memoryLimitBytes: limit } : {}),
      pids,
      at: Date.now(),
    };
  }

  async top(idOrName: string): Promise<{ titles: string[]; processes: string[][] }> {
    const rec = await this.find(idOrName);
    if (rec.state !== 'running') throw new EngineError('conflict', `container ${rec.name} is not running (it is ${rec.state})`);
    const pids = await this.runtime.ps(rec.id);
    const ticks = 100;
    const rows: string[][] = [];
    for (const pid of pids) {
      try {
        const [status, stat, cmdline] = await Promise.all([
          readFile(`/proc/${pid}/status`, 'utf8'),
          readFile(`/proc/${pid}/stat`, 'utf8'),
          readFile(`/proc/${pid}/cmdline`, 'utf8'),
        ]);
        const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
        const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const secs = Math.floor((Number(f[11]) + Number(f[12])) / ticks);
        const time = `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
        rows.push([uid, String(pid), ppid, time, cmdline.split('\0').filter(Boolean).join(' ')]);
      } catch {
        /* exited meanwhile */
      }
    }
    return { titles: ['UID', 'PID', 'PPID', 'TIME', 'CMD'], processes: rows };
  }

  execShellCommand(idOrName: string): readonly string[] {
    return [process.execPath, '--', dockuiBin, '--root', this.paths.root, '--runroot', this.paths.runRoot, 'exec', '-it', idOrName, 'sh'];
  }

  /** `docker inspect`'s shape, near enough for scripts that read State/Config/NetworkSettings. */
  inspectJson(r: ContainerRecord): Record<string, unknown> {
    return {
      Id: r.id,
      Name: `/${r.name}`,
      Created: r.createdAt,
      Path: r.path,
      Args: r.args,
      State: {
        Status: r.state,
        Running: r.state === 'running',
        Paused: r.state === 'paused',
        OOMKilled: r.exitReason === 'oom',
        Pid: r.state === 'running' ? (r.pid ?? 0) : 0,
        ExitCode: r.exitCode ?? 0,
        Error: r.exitReason === 'monitor lost' ? 'monitor lost' : '',
        ExitReason: r.exitReason ?? '',
        StartedAt: r.startedAt ?? '',
        FinishedAt: r.finishedAt ?? '',
      },
      Image: r.imageId,
      ImageName: r.image,
      RestartCount: r.restartCount,
      Mounts: r.mounts.map((m) => ({ Type: m.type, Source: m.source, Destination: m.destination, RW: !m.readOnly })),
      Config: {
        Hostname: r.hostname,
        User: r.user,
        Env: r.env,
        Cmd: r.args.length ? [r.path, ...r.args] : [r.path],
        WorkingDir: r.workdir,
        Tty: r.tty,
        OpenStdin: r.interactive,
        StopSignal: r.stopSignal,
        Labels: r.labels,
        Image: r.image,
      },
      HostConfig: {
        NetworkMode: r.network,
        Privileged: r.privileged,
        ReadonlyRootfs: r.readOnly,
        CapAdd: r.capAdd,
        CapDrop: r.capDrop,
        Memory: r.memoryBytes ?? 0,
        NanoCpus: r.nanoCpus ?? 0,
        PidsLimit: r.pidsLimit ?? 0,
        Init: r.init,
        AutoRemove: r.autoRemove,
        LogConfig: {
          Type: 'k8s-file',
          Config: {
            'max-size': String(r.logMaxSize ?? defaultLogMaxSize),
            ...(r.logMaxFile !== undefined ? { 'max-file': String(r.logMaxFile) } : {}),
          },
        },
      },
      NetworkSettings: {
        Ports: Object.fromEntries(
          r.ports.map((p) => [`${p.containerPort}/${p.protocol}`, [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }]]),
        ),
        IPAddress: r.network === 'private' ? '10.0.2.100' : '',
      },
      GraphDriver: {
        Name: 'overlay',
        Data: { LowerDir: r.lowerDirs.join(':'), UpperDir: join(this.dir(r.id), 'upper'), MergedDir: rootfsOf(this.dir(r.id)) },
      },
      LogPath: logPath(this.dir(r.id)),
    };
  }
}

export { runcMessage, mountRootfs };
