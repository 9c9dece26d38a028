// Containers: the runtime's container service (part 4 of core.ts → start.ts → lifecycle.ts →
// here): logs, exec, stats, top and inspect on top of the lifecycle. See index.ts for the
// public face.
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from '../util/fsa.js';
import { dirname, join } from 'node:path';
import { type ContainerStats, EngineError } from '../define.js';
import type { LogsOptions } from '../types.js';
import { mountRootfs, writeExecProcess } from './bundle.js';
import { newId } from './ids.js';
import { missingExecutable } from './lookpath.js';
import { resolveInRoot } from '../fsutil/in-root.js';
import { childProcess } from '../util/builtin.js';
import { joinPartials, logTimeMs, parseSince, type RawLogLine, readLogChunk, type StreamLogLine, tailOffset } from './logs.js';
import { logPath } from './monitor.js';
import { runcMessage } from './oci-runtime.js';
import type { ContainerRecord } from './records.js';
import { ensureState } from './state.js';
import { dockuiBin, initAlive, runcFailure, sleep, type ExecOptions, type PtyExec } from './support.js';
import { spawnInPty } from './pty.js';
import { unmount } from './rootfs.js';
import { ContainerLifecycle } from './lifecycle.js';
import { detailsPrefix, logAttrs } from './log-attrs.js';
import { netnsPath } from './network.js';
import { deactivate, hotPlug, leaseAddresses, readNetwork, releaseAddresses } from '../network/bridge.js';
import { inspectJson } from './inspect-json.js';

/**
 * Why runc could not start `cmd` in the running container whose root is `root` (its own view,
 * volumes included), in runc's words; undefined when nothing is certainly wrong.
 */
function execUnstartable(root: string, cmd: string, env: readonly string[], cwd: string): string | undefined {
  const dir = resolveInRoot(root, cwd);
  let isDir = false;
  try {
    isDir = dir !== undefined && statSync(join(root, dir)).isDirectory();
  } catch {
    // missing
  }
  if (!isDir) return `chdir to cwd (${JSON.stringify(cwd)}) set in config.json failed: no such file or directory`;
  return missingExecutable(root, cmd, { env, cwd, mountPoints: [] });
}

/** `ps` output: its header's titles and the rows whose PID is one of `pids` (the last column takes the rest). */
export function parsePs(out: string, pids: ReadonlySet<number>): { titles: string[]; processes: string[][] } {
  const lines = out.split('\n');
  const titles = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  const at = titles.indexOf('PID');
  if (at < 0) throw new EngineError('failed_precondition', "Couldn't find PID field in ps output");
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (f.length <= at || !pids.has(Number(f[at]))) continue;
    processes.push([...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')]);
  }
  return { titles, processes };
}

/** Bytes received and sent on every interface but lo, from /proc/PID/net/dev (the container's netns). */
export function netCounters(text: string): { netRxBytes: number; netTxBytes: number } | Record<string, never> {
  if (!text) return {};
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = (m[2] ?? '').trim().split(/\s+/);
    rx += Number(f[0]) || 0;
    tx += Number(f[8]) || 0;
  }
  return { netRxBytes: rx, netTxBytes: tx };
}

/** Bytes read and written, summed over devices, from cgroup v1's blkio.throttle.io_service_bytes. */
export function blockCounters(text: string): { blockReadBytes: number; blockWriteBytes: number } | Record<string, never> {
  if (!text) return {};
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    const m = /^\d+:\d+ (Read|Write) (\d+)$/.exec(line.trim());
    if (m?.[1] === 'Read') read += Number(m[2]);
    else if (m?.[1] === 'Write') write += Number(m[2]);
  }
  return { blockReadBytes: read, blockWriteBytes: write };
}

export class Containers extends ContainerLifecycle {
  /**
   * The container's output. History comes as whole lines (a last line without a newline is
   * marked `partial`); with `follow`, new output streams as conmon writes it, a partial
   * fragment marked so, until the container stops.
   */
  async *logs(idOrName: string, opts: LogsOptions = {}): AsyncGenerator<StreamLogLine> {
    const rec = await this.find(idOrName);
    const path = logPath(this.dir(rec.id));
    // Docker's words for a container whose --log-driver keeps nothing to read.
    if (rec.extras?.LogDriver === 'none')
      throw new EngineError('failed_precondition', 'configured logging driver does not support reading');
    // An attached run (run --rm/-i/-t in the foreground) writes to its terminal, not to a log.
    if (rec.monitor === 'attached' && !existsSync(path))
      throw new EngineError(
        'failed_precondition',
        `container ${rec.name} runs attached to the terminal that started it (run --rm, -i or -t in the foreground): its output is not logged`,
      );
    const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
    if (opts.since !== undefined && since === undefined) throw new EngineError('invalid_argument', `invalid --since value: ${opts.since}`);
    const until = opts.until !== undefined ? parseSince(opts.until) : undefined;
    if (opts.until !== undefined && until === undefined) throw new EngineError('invalid_argument', `invalid --until value: ${opts.until}`);
    const before = (l: { time: string }) => until === undefined || logTimeMs(l.time) < until;
    // With --tail (and no --since) only the end of the file is read: a long-running container's
    // log can be many MB, and reading it all costs the TUI tens of MB every time it opens the logs.
    const from = opts.tail !== undefined && opts.tail >= 0 && since === undefined ? await tailOffset(path, opts.tail) : 0;
    const first = await readLogChunk(path, from);
    let offset = first.offset;
    let whole = joinPartials(first.lines, true);
    if (since !== undefined) whole = whole.filter((l) => logTimeMs(l.time) >= since);
    if (until !== undefined) whole = whole.filter(before);
    if (opts.tail !== undefined && opts.tail >= 0) whole = whole.slice(Math.max(0, whole.length - opts.tail));
    // docker's `details`: the attributes before each line (a space alone when there are none).
    const prefix = opts.details ? detailsPrefix(logAttrs(rec.logAttrOpts ?? {}, rec)) : '';
    let lineStart = true;
    const detailed = (l: StreamLogLine): StreamLogLine => {
      const text = lineStart ? prefix + l.text : l.text;
      lineStart = !l.partial;
      return prefix ? { ...l, text } : l;
    };
    for (const l of whole) yield detailed(l);
    if (!opts.follow) return;
    const raw = (lines: readonly RawLogLine[]) =>
      lines
        .filter(before)
        .map((l): StreamLogLine => detailed({ stream: l.stream, time: l.time, text: l.text, ...(l.full ? {} : { partial: true }) }));
    for (let delay = 5; ; ) {
      if (opts.signal?.aborted) return;
      if (until !== undefined && Date.now() >= until) return; // docker's follow ends at --until too
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

  /**
   * `runc exec` in the foreground of this process, with its stdio or pipes. The process file is
   * removed once runc has started the process (or has failed to): a caller that exits first
   * (SIGKILL included, once it runs) leaves nothing under the run root. `started`: the process's
   * host pid once runc has it running, undefined when runc ended without (its refusal then came
   * on its stderr).
   */
  async exec(idOrName: string, opts: ExecOptions): Promise<ChildProcess & { readonly started: Promise<number | undefined> }> {
    const { id, file } = await this.#execProcess(idOrName, opts);
    const pidFile = file.replace(/\.json$/, '.pid');
    const stdio = opts.stdio ?? 'inherit';
    const child = this.runtime.exec(id, file, {
      stdio: stdio === 'inherit' ? [opts.interactive || opts.tty ? 'inherit' : 'ignore', 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'],
      pidFile,
    });
    return Object.assign(child, { started: startedOf(child, file, pidFile) });
  }

  /**
   * `docker exec -d` without a TTY: `runc exec --detach`, which returns once the process runs.
   * Its stdio is /dev/null (Docker discards a detached exec's output); nothing of this process
   * stays behind it, neither a helper nor a file (the process file and runc's log go at once).
   * Fails with runc's words when the process cannot start (exit 1, as docker's).
   */
  async execDetached(idOrName: string, opts: Omit<ExecOptions, 'tty' | 'interactive' | 'stdio'>): Promise<void> {
    const { id, file } = await this.#execProcess(idOrName, { ...opts, tty: false });
    const log = file.replace(/\.json$/, '.log');
    try {
      const child = this.runtime.spawn(['--log', log, '--log-format', 'json', 'exec', '--detach', '--process', file, id], {
        stdio: 'ignore',
      });
      const code = await new Promise<number>((resolve) => {
        child.on('close', (c) => resolve(c ?? 1));
        child.on('error', () => resolve(-1));
      });
      if (code !== 0) {
        const why = (await runcFailure(log)) ?? (code === -1 ? 'cannot run runc' : `runc exec exited with ${code}`);
        throw new EngineError('failed_precondition', `OCI runtime exec failed: ${why}`, { exitCode: 1 });
      }
    } finally {
      await Promise.all([rm(file, { force: true }), rm(log, { force: true })]);
    }
  }

  /**
   * A TTY exec on a pty of `script`'s (pty.ts), reached through the child's pipes, `script` in a
   * session of its own so the process can outlive the caller. `started`: the process's host pid
   * once runc has started it (its process file is gone then, so a caller that walks away leaves
   * nothing under the run root), undefined when runc ended first.
   */
  async execPty(idOrName: string, opts: Omit<ExecOptions, 'tty' | 'stdio'>): Promise<PtyExec> {
    const { id, file } = await this.#execProcess(idOrName, { ...opts, tty: true });
    const pidFile = file.replace(/\.json$/, '.pid');
    let child: ChildProcess;
    try {
      child = spawnInPty(this.runtime.execArgv(id, file, pidFile), { detached: true });
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
    return { child, started: startedOf(child, file, pidFile) };
  }

  /** Checks the container and writes the exec's process spec under the run root. */
  async #execProcess(idOrName: string, opts: ExecOptions): Promise<{ id: string; file: string }> {
    const rec = await this.find(idOrName);
    const r = (await this.reconcile(rec)) ?? rec;
    ensureState(r.name, r.state, 'exec');
    if (opts.args.length === 0) throw new EngineError('invalid_argument', 'exec needs a command');
    if (opts.checkCommand && r.pid && initAlive(r)) {
      const why = execUnstartable(`/proc/${r.pid}/root`, opts.args[0]!, [...r.env, ...(opts.env ?? [])], opts.workdir || r.workdir || '/');
      if (why)
        throw new EngineError(
          'failed_precondition',
          `OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`,
          {
            exitCode: 126,
          },
        );
    }
    const file = join(this.paths.runRoot, 'exec', `${r.id.slice(0, 16)}-${newId().slice(0, 8)}.json`);
    await mkdir(dirname(file), { recursive: true });
    await writeExecProcess(r, this.dir(r.id), file, {
      args: opts.args,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.user ? { user: opts.user } : {}),
      ...(opts.workdir ? { workdir: opts.workdir } : {}),
      tty: opts.tty ?? false,
      ...(opts.privileged ? { privileged: true } : {}),
    });
    return { id: r.id, file };
  }

  async stats(idOrName: string, sampleMs = 250): Promise<ContainerStats> {
    const rec = await this.find(idOrName);
    if (rec.state !== 'running') throw new EngineError('conflict', `container ${rec.name} is not running (it is ${rec.state})`);
    const cg = (ctrl: string, file: string) => join('/sys/fs/cgroup', ctrl, 'dockui', rec.id, file);
    const num = async (p: string) => Number((await readFile(p, 'utf8').catch(() => '0')).trim()) || 0;
    const cpu0 = await num(cg('cpuacct', 'cpuacct.usage'));
    const t0 = process.hrtime.bigint();
    await sleep(sampleMs);
    const [cpu1, mem, limit, pids, statText, netText, blkText] = await Promise.all([
      num(cg('cpuacct', 'cpuacct.usage')),
      num(cg('memory', 'memory.usage_in_bytes')),
      num(cg('memory', 'memory.limit_in_bytes')),
      num(cg('pids', 'pids.current')),
      readFile(cg('memory', 'memory.stat'), 'utf8').catch(() => ''),
      rec.pid ? readFile(`/proc/${rec.pid}/net/dev`, 'utf8').catch(() => '') : Promise.resolve(''),
      readFile(cg('blkio', 'blkio.throttle.io_service_bytes'), 'utf8').catch(() => ''),
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
      ...netCounters(netText),
      ...blockCounters(blkText),
    };
  }

  /**
   * `docker top`: the host's `ps` (`-ef`, or `psArgs` as given), its lines of the container's
   * processes, as dockerd does it (titles from ps's header; the last column takes the rest of a
   * line). `psArgs` may not name another column PID (dockerd's refusal).
   */
  async top(idOrName: string, psArgs = '-ef'): Promise<{ titles: string[]; processes: string[][] }> {
    const rec = await this.find(idOrName);
    if (rec.state !== 'running') throw new EngineError('conflict', `container ${rec.name} is not running (it is ${rec.state})`);
    for (const m of psArgs.matchAll(/\s+([^\s]*)=\s*(PID[^\s]*)/g))
      if (m[1] !== 'pid') throw new EngineError('invalid_argument', `specifying "${m[1]}=${m[2]}" is not allowed`);
    const pids = new Set(await this.runtime.ps(rec.id));
    const out = await new Promise<string>((resolve, reject) =>
      childProcess().execFile(
        'ps',
        psArgs.split(' ').filter(Boolean),
        { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 30_000 },
        (err, stdout, stderr) =>
          err
            ? reject(new EngineError('failed_precondition', `Error running ps: ${(stderr.trim().split('\n')[0] ?? '') || err.message}`))
            : resolve(stdout),
      ),
    );
    return parsePs(out, pids);
  }

  // ---- cp

  /**
   * Runs `fn` with the container's root as a host path: a running one's own view (/proc/PID/root,
   * its volumes and binds included), a stopped one's overlay mounted for the while (under its
   * lock; a created container keeps the mount create made).
   */
  async withRoot<T>(idOrName: string, fn: (root: string, rec: ContainerRecord) => Promise<T>): Promise<T> {
    await this.settle();
    const found = await this.find(idOrName);
    const rec = (await this.reconcile(found)) ?? found;
    if ((rec.state === 'running' || rec.state === 'paused') && rec.pid && initAlive(rec)) return fn(`/proc/${rec.pid}/root`, rec);
    return this.records.withLock(rec.id, async () => {
      const r = (await this.records.read(rec.id)) ?? rec;
      if (r.state === 'removing') throw new EngineError('conflict', `container ${r.name} is being removed`);
      const dir = this.dir(r.id);
      const root = await mountRootfs(r, dir);
      try {
        return await fn(root, r);
      } finally {
        if (r.state === 'exited') unmount(root);
      }
    });
  }

  /**
   * Runs `fn` with the filesystem `docker cp` reads (archive-view.ts): the rootfs with the
   * volumes, binds and /etc files dockerd mounts over it for a copy. `rec` must be a container
   * withRoot holds: a stopped one's rootfs mounted, a running one's paused.
   */
  async withView<T>(rec: ContainerRecord, fn: (view: string) => Promise<T>): Promise<T> {
    const { rootfsOf, viewBinds, withArchiveView } = await import('./archive-view.js');
    const dir = this.dir(rec.id);
    return withArchiveView(rootfsOf(dir), viewBinds(dir), join(this.paths.root, 'tmp'), fn);
  }

  // ---- networks: docker network connect / disconnect

  /**
   * Joins a dockui network: an address leased now, and for a running container an interface at
   * once (hot-plugged); a created or stopped one gets it at its next start. Only a container
   * created on a dockui network can join others (the private network is slirp4netns's).
   */
  async connectNetwork(idOrName: string, network: string, opts: { aliases?: readonly string[] } = {}): Promise<void> {
    await this.settle();
    const found = await this.find(idOrName);
    const net = await readNetwork(this.paths, network);
    if (!net) throw new EngineError('not_found', `network ${network} not found`);
    await this.records.withLock(found.id, async () => {
      const r = await this.records.read(found.id);
      if (!r) throw new EngineError('not_found', `no such container: ${idOrName}`);
      if (r.network !== 'bridge')
        throw new EngineError(
          'failed_precondition',
          `container ${r.name} uses the ${r.network} network mode: only a container created on a dockui network can join another`,
        );
      if (r.networks?.some((n) => n.name === network))
        throw new EngineError('conflict', `endpoint with name ${r.name} already exists in network ${network}`);
      const [a] = await leaseAddresses(this.paths, r.id, [{ name: network, aliases: opts.aliases ?? [] }]);
      if (r.state === 'running' || r.state === 'paused') {
        try {
          await hotPlug(this.paths, {
            id: r.id,
            netnsPath: netnsPath(this.paths.runRoot, r.id),
            a: a!,
            first: !r.networks?.length,
            names: [r.name, r.hostname, r.id.slice(0, 12)],
            ports: r.ports.map((p) => ({ hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort })),
          });
        } catch (e) {
          await releaseAddresses(this.paths, r.id, [a!]);
          throw e;
        }
      }
      r.networks = [...(r.networks ?? []), a!];
      await this.records.write(r);
      this.fresh.delete(r.id); // hosts and resolv.conf follow the first network at the next start
    });
    this.events?.emit('network.connected', { id: net.id, name: network, container: found.id, type: 'bridge' });
  }

  /** Leaves a dockui network: a running container loses that interface at once, the address goes back. */
  async disconnectNetwork(idOrName: string, network: string): Promise<void> {
    await this.settle();
    const found = await this.find(idOrName);
    await this.records.withLock(found.id, async () => {
      const r = await this.records.read(found.id);
      if (!r) throw new EngineError('not_found', `no such container: ${idOrName}`);
      const a = r.networks?.find((n) => n.name === network);
      if (!a) throw new EngineError('failed_precondition', `container ${r.name} is not connected to network ${network}`);
      await deactivate(this.paths, r.id, [a]);
      await releaseAddresses(this.paths, r.id, [a]);
      r.networks = r.networks!.filter((n) => n !== a);
      await this.records.write(r);
      this.fresh.delete(r.id);
    });
    const net = await readNetwork(this.paths, network);
    this.events?.emit('network.disconnected', { id: net?.id ?? network, name: network, container: found.id, type: 'bridge' });
  }

  execShellCommand(idOrName: string): readonly string[] {
    return [process.execPath, '--', dockuiBin, '--root', this.paths.root, '--runroot', this.paths.runRoot, 'exec', '-it', idOrName, 'sh'];
  }

  /** `docker inspect`'s shape (inspect-json.ts). */
  inspectJson(r: ContainerRecord): Record<string, unknown> {
    return inspectJson(r, this.dir(r.id));
  }
}

export {
  dockuiBin,
  parseSignal,
  parseBytes,
  parseCpus,
  imageFromStore,
  summarize,
  trace,
  type ExecOptions,
  type ImageInfo,
} from './support.js';
export { runcMessage, mountRootfs };

/**
 * The host pid runc wrote once it started an exec's process (undefined when runc ended first);
 * the process file and the pid file are removed then, as nothing reads them any more.
 */
function startedOf(child: ChildProcess, file: string, pidFile: string): Promise<number | undefined> {
  const exited = new Promise<void>((resolve) => {
    child.on('exit', () => resolve());
    child.on('error', () => resolve());
  });
  return (async () => {
    const pidOf = async () => Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
      const pid = await pidOf();
      if (pid > 0) return pid;
      // runc may have written it since the look, its command having ended at once (`true`).
      if (await Promise.race([exited.then(() => true), sleep(delay).then(() => false)])) return (await pidOf()) || undefined;
    }
  })().finally(() => Promise.all([rm(file, { force: true }), rm(pidFile, { force: true })]));
}
