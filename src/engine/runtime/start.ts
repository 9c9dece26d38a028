// Containers, part 2: create (everything the user typed checked before anything is made) and
// start, detached under conmon or attached in the foreground with `runc run`.
import type { ChildProcess } from 'node:child_process';
import { childProcess } from '../util/builtin.js';
import { constants as osConstants } from 'node:os';
import { closeSync, constants as fsConstants, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { rm } from '../util/fsa.js';
import { join, posix } from 'node:path';
import { EngineError, type PortMapping } from '../define.js';
import { procStart } from '../sysx.js';
import type { RunOptions } from '../types.js';
import { holdUntilReady, rootfsOf, writeBundle } from './bundle.js';
import { generateName, newId, shortId, validName } from './ids.js';
import { execFailureExitCode, missingExecutable } from './lookpath.js';
import { logAttrs } from './log-attrs.js';
import { defaultLogMaxSize, parseLogOpts } from './logs.js';
import { createWithMonitor } from './monitor.js';
import { startHealthRunner } from './health.js';
import { checkRestartPolicy, effectiveHealthcheck, healthActive } from './policy.js';
import {
  assignHostPorts,
  parseNetworkMode,
  publishMappings,
  startPrivateNetwork,
  teardownNetwork,
  type PendingNetwork,
} from './network.js';
import type { ContainerRecord, MountRecord } from './records.js';
import { unmount } from './rootfs.js';
import { shmDirOf } from './extra-spec.js';
import { mergeEnv } from './run-in-rootfs.js';
import { effectiveCapabilities } from './spec.js';
import { ensureState } from './state.js';
import { setupInitLayer } from './init-layer.js';
import { parseTmpfs, parseVolume } from './volumes.js';
import { parseMount } from './mount-flag.js';
import { fileMountDestination, writeFileMounts } from './file-mounts.js';
import { checkExtras } from './run-extras.js';
import { checkResources, failsAtStart, startRefusal } from './resources.js';
import { dockuiBin, parseBytes, parseCpus, parseSignal, runcFailure, trace } from './support.js';
import { ContainerCore } from './core.js';
import { rootlessLimitProblem } from '../util/userns.js';
import { bridgeNetworksOf, leaseFor, startBridge, stopBridge } from './bridge-net.js';

export class ContainerStarter extends ContainerCore {
  // ---- create

  async create(opts: RunOptions): Promise<ContainerRecord> {
    // Everything the user typed is checked before anything is made.
    // Docker's `--network container:X` (a pod's members join its infra container this way).
    const owner = opts.network?.startsWith('container:') ? await this.find(opts.network.slice('container:'.length)) : undefined;
    if (owner && opts.networks?.length)
      throw new EngineError('invalid_argument', 'conflicting options: --network container:X and networks');
    if (owner && opts.hostname !== undefined)
      throw new EngineError('invalid_argument', 'conflicting options: hostname and the network mode (container:X)');
    const bridgeNets = owner ? undefined : await bridgeNetworksOf(this.paths, opts);
    const network = owner ? 'container' : bridgeNets ? 'bridge' : parseNetworkMode(opts.network);
    const ports: PortMapping[] = (opts.publish ?? []).flatMap((spec) => publishMappings(spec));
    const mounts: MountRecord[] = [
      ...(opts.volumes ?? []).map(parseVolume),
      ...(opts.tmpfs ?? []).map(parseTmpfs),
      ...(opts.mounts ?? []).map(parseMount),
    ];
    const destinations = [...mounts.map((m) => m.destination), ...(opts.files ?? []).map(fileMountDestination)];
    for (const [i, d] of destinations.entries())
      if (destinations.indexOf(d) !== i) throw new EngineError('invalid_argument', `duplicate mount point: ${d}`);
    const memoryBytes = opts.memory ? parseBytes(opts.memory) : undefined;
    const nanoCpus = opts.cpus ? parseCpus(opts.cpus) || undefined : undefined; // 0: no limit, as Docker
    const log = parseLogOpts(opts.logOpts ?? []);
    const resources = checkResources(opts, memoryBytes);
    if (opts.pidsLimit !== undefined && (!Number.isInteger(opts.pidsLimit) || opts.pidsLimit < -1))
      throw new EngineError('invalid_argument', `invalid --pids-limit: ${opts.pidsLimit}`);
    const limitProblem = rootlessLimitProblem(
      [
        memoryBytes ? '--memory' : '',
        nanoCpus ? '--cpus' : '',
        resources.memoryReservation ? '--memory-reservation' : '',
        resources.cpuShares ? '--cpu-shares' : '',
        opts.pidsLimit !== undefined && opts.pidsLimit > 0 ? '--pids-limit' : '',
      ].filter(Boolean),
    );
    if (limitProblem) throw new EngineError('failed_precondition', limitProblem);
    effectiveCapabilities(opts); // validates --cap-add/--cap-drop names
    if (opts.name !== undefined && !validName(opts.name))
      throw new EngineError('invalid_argument', `invalid container name ${JSON.stringify(opts.name)}: use [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    // dockerd takes any hostname: one the kernel refuses (over 64 bytes) fails the start, in runc's words.
    if (opts.workdir && !opts.workdir.startsWith('/'))
      throw new EngineError('invalid_argument', `the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`);
    if (network === 'bridge' && ports.some((p) => p.protocol !== 'tcp'))
      throw new EngineError('invalid_argument', 'dockui networks publish TCP ports only');
    if ((ports.length || opts.publishAll) && network !== 'private' && network !== 'bridge')
      throw new EngineError('invalid_argument', `published ports need the private network (not --network ${network})`);
    if (opts.init) (await import('./bundle.js')).initBinary();
    for (const e of opts.env ?? [])
      if (e.startsWith('=') || e === '') throw new EngineError('invalid_argument', `invalid environment variable: ${JSON.stringify(e)}`);
    const restartPolicy = checkRestartPolicy(opts.restart);
    // Docker's words: a container removed when it exits cannot also be started again.
    if (restartPolicy && opts.autoRemove)
      throw new EngineError('invalid_argument', 'conflicting options: cannot specify both --restart and --rm');
    effectiveHealthcheck(undefined, opts.healthcheck); // checks the run's values before the image is read

    const extraFlags = await checkExtras(opts, { network, find: (x) => this.find(x) });
    if (extraFlags.extras.UTSMode === 'host' && owner)
      throw new EngineError('invalid_argument', 'conflicting options: --uts host and the network mode');
    // --volumes-from: the other container's mounts, under the ones this run names itself.
    for (const m of extraFlags.volumesFrom) if (!mounts.some((o) => o.destination === m.destination)) mounts.push(m);

    trace('create: options checked');
    const image = await this.resolveImage(opts.image);
    trace('create: image resolved');
    const cfg = image.config;
    const exposed = [...new Set([...Object.keys(cfg.ExposedPorts ?? {}), ...(extraFlags.extras.ExposedPorts ?? [])])].map((k) =>
      k.includes('/') ? k : `${k}/tcp`,
    );
    const extras = { ...extraFlags.extras, ...(exposed.length ? { ExposedPorts: [...new Set(exposed)] } : {}) };
    if (opts.publishAll)
      for (const key of extras.ExposedPorts ?? []) {
        const [port, proto = 'tcp'] = key.split('/');
        if (!ports.some((p) => p.containerPort === Number(port) && p.protocol === proto))
          ports.push(...publishMappings(`${port}/${proto === 'udp' ? 'udp' : 'tcp'}`));
      }
    const entrypoint = opts.entrypoint ?? cfg.Entrypoint ?? [];
    // Docker: --entrypoint resets the image's Cmd; trailing args replace Cmd.
    const cmd = opts.cmd?.length ? opts.cmd : opts.entrypoint ? [] : (cfg.Cmd ?? []);
    const argv = [...entrypoint, ...cmd];
    if (argv.length === 0) throw new EngineError('invalid_argument', `no command specified: image ${opts.image} has no Cmd or Entrypoint`);
    const healthcheck = effectiveHealthcheck(cfg.Healthcheck, opts.healthcheck);
    const stopSignal = opts.stopSignal ? parseSignal(opts.stopSignal) : cfg.StopSignal ? parseSignal(cfg.StopSignal) : 'SIGTERM';
    const env = mergeEnv(
      cfg.Env,
      opts.env?.map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
    );
    const id = newId();
    // A bad tag template or regex is refused before anything is made, as docker's create does.
    logAttrs(log.attrs, { id, name: opts.name ?? '', image: image.ref, imageId: image.id, labels: {}, env: [] });
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
      imageName: opts.image,
      imageId: image.id,
      lowerDirs: image.lowerDirs,
      createdAt: new Date().toISOString(),
      state: 'created',
      path: argv[0]!,
      args: argv.slice(1),
      env,
      workdir: opts.workdir || cfg.WorkingDir || '/',
      user: opts.user ?? cfg.User ?? '',
      hostname:
        owner?.hostname ??
        opts.hostname ??
        (network === 'host' || extras.UTSMode === 'host' ? (await import('node:os')).hostname() : shortId(id)),
      tty: opts.tty ?? false,
      interactive: opts.interactive ?? false,
      stopSignal,
      network,
      ...(owner ? { nsOwner: owner.id } : {}),
      ports,
      mounts,
      readOnly: opts.readOnly ?? false,
      privileged: opts.privileged ?? false,
      capAdd: opts.capAdd ?? [],
      capDrop: opts.capDrop ?? [],
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      ...(nanoCpus !== undefined ? { nanoCpus } : {}),
      ...(resources.memorySwap !== undefined ? { memorySwap: resources.memorySwap } : {}),
      ...(resources.memoryReservation !== undefined ? { memoryReservation: resources.memoryReservation } : {}),
      ...(resources.cpuShares !== undefined ? { cpuShares: resources.cpuShares } : {}),
      ...(resources.deviceRequests ? { deviceRequests: resources.deviceRequests } : {}),
      ...(resources.warnings.length ? { warnings: resources.warnings } : {}),
      ...(opts.pidsLimit !== undefined && opts.pidsLimit > 0 ? { pidsLimit: opts.pidsLimit } : {}),
      ...(log.maxSize !== undefined ? { logMaxSize: log.maxSize } : {}),
      ...(log.maxFile !== undefined ? { logMaxFile: log.maxFile } : {}),
      ...(log.error !== undefined ? { logOptError: log.error } : {}),
      ...(Object.keys(log.raw).length ? { logOptRaw: log.raw } : {}),
      ...(Object.keys(log.attrs).length ? { logAttrOpts: log.attrs } : {}),
      init: opts.init ?? false,
      autoRemove: opts.autoRemove ?? false,
      labels: { ...(cfg.Labels ?? {}), ...(opts.labels ?? {}) },
      ...(Object.keys(extras).length ? { extras } : {}),
      restartCount: 0,
      ...(restartPolicy ? { restartPolicy } : {}),
      ...(healthcheck ? { healthcheck } : {}),
    };
    await this.records.withNamesLock(async () => {
      this.records.sweepUnborn();
      // The index answers "is this name taken" with one link and one record read.
      if (opts.name !== undefined) {
        const other = await this.records.byName(opts.name, true);
        if (other)
          throw new EngineError(
            'conflict',
            `the container name "${opts.name}" is already in use by container ${shortId(other.id)}: remove or rename it`,
          );
        rec.name = opts.name;
      } else {
        for (let i = 0; ; i++) {
          const n = generateName(i);
          if (!(await this.records.byName(n, true))) {
            rec.name = n;
            break;
          }
        }
      }
      mkdirSync(dir, { recursive: true }); // sync: a CLI run then never starts libuv's thread pool
      mounts.push(...writeFileMounts(dir, opts.files ?? []));
      await this.records.write(rec);
    });
    trace('create: record written');
    try {
      if (bridgeNets) {
        await leaseFor(this.paths, rec, bridgeNets);
        await this.records.write(rec);
      }
      // Mount and write the bundle now so a bad user, workdir or volume fails create, not start;
      // what dockerd finds only when it starts (an unknown --group-add) fails every start instead.
      const written = await writeBundle(rec, dir, this.paths).then(
        () => true,
        (e: unknown) => {
          if (failsAtStart(e)) return false;
          throw e;
        },
      );
      // Docker's init layer (/.dockerenv, /etc/mtab...): in the rootfs the bundle mounted.
      if (written) setupInitLayer(rootfsOf(dir));
      // A joined container's bundle names its owner's pid: written again at every start.
      if (!owner && written) this.fresh.add(id);
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
  protected async startLocked(rec: ContainerRecord, foreground: boolean): Promise<void> {
    const refusal = startRefusal(rec);
    if (refusal) throw refusal;
    const dir = this.dir(rec.id);
    const runtime = this.runtime;
    await Promise.all(['exit', 'oom', 'pidfile', 'conmon.pid'].map((f) => rm(join(dir, f), { force: true })));
    await rm(join(this.paths.runRoot, 'exits', rec.id), { force: true });
    // A start killed earlier may have left this container's (or another's) helpers holding the
    // netns or the ports this one needs.
    await this.sweepLeftovers(new Set([rec.id]));
    trace('start: cleaned');
    if (!this.fresh.delete(rec.id)) await writeBundle(rec, dir, this.paths);
    trace('start: bundle written');
    let net: PendingNetwork | undefined;
    let created = false;
    try {
      if (rec.network === 'private') {
        // slirp4netns starts while conmon and runc create the container; runc start waits for it.
        const ports = await assignHostPorts(rec.ports);
        net = await startPrivateNetwork({ runRoot: this.paths.runRoot, id: rec.id, ports, logFile: join(dir, 'slirp4netns.log') });
        (rec as { ports: readonly PortMapping[] }).ports = ports.map((p, i) => ({ ...p, hostPort: p.hostPort || rec.ports[i]!.hostPort }));
      } else if (rec.network === 'bridge') {
        const ports = await assignHostPorts(rec.ports);
        await startBridge(this.paths, rec, ports);
        (rec as { ports: readonly PortMapping[] }).ports = ports;
      }
      trace('start: network started');
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
        interactive: rec.interactive,
        // Docker's max-size may be as small as 1 byte: conmon keeps 4 KiB at least (logs.ts).
        logSizeMax: Math.max(4096, rec.logMaxSize ?? defaultLogMaxSize),
        ...(rec.extras?.LogDriver === 'none' ? { noLog: true } : {}),
        // A foreground run with a restart policy keeps the exit command: the policy outlives the CLI.
        exitCommand:
          foreground && !rec.restartPolicy
            ? []
            : [
                process.execPath,
                '--',
                dockuiBin,
                '--root',
                this.paths.root,
                '--runroot',
                this.paths.runRoot,
                'container',
                'cleanup',
                rec.id,
              ],
      });
      rec.pid = pid;
      const st = procStart(pid);
      if (st !== undefined) rec.pidStart = st;
      rec.monitor = 'conmon';
      rec.monitorPid = monitorPid;
      if (net) {
        rec.slirpPid = net.slirpPid;
        rec.apiSocket = net.apiSocket;
      }
      trace('start: created by conmon');
      await net?.ready;
      trace('start: network ready');
      await runtime.start(rec.id, pid);
      trace('start: runc start done');
    } catch (e) {
      // A network that failed (a port taken) tore its netns down, which runc may have hit first:
      // its error is the one to report. Settled before the teardown below (which would fail it).
      const netFailure = await net?.ready.then(
        () => undefined,
        (n: unknown) => n,
      );
      if (created) await runtime.delete(rec.id, { force: true }).catch(() => undefined);
      if (net || rec.network === 'private')
        await teardownNetwork({
          runRoot: this.paths.runRoot,
          id: rec.id,
          ...(net ? { slirpPid: net.slirpPid, apiSocket: net.apiSocket } : {}),
        });
      if (rec.network === 'bridge') await stopBridge(this.paths, rec);
      unmount(rootfsOf(dir));
      unmount(shmDirOf(dir));
      delete rec.pid;
      delete rec.monitorPid;
      delete rec.slirpPid;
      await this.records.write(rec);
      throw netFailure ?? e;
    }
    rec.state = 'running';
    rec.startedAt = new Date().toISOString();
    delete rec.finishedAt;
    delete rec.exitCode;
    delete rec.exitReason;
    delete rec.manuallyStopped;
    if (healthActive(rec.healthcheck)) {
      // Docker: every start begins "starting" with no failing streak; the log of probes stays.
      rec.health = { Status: 'starting', FailingStreak: 0, Log: rec.health?.Log ?? [] };
      const runner = startHealthRunner(this.paths, rec, [process.execPath, '--', dockuiBin]);
      if (runner) {
        rec.healthPid = runner.pid;
        if (runner.start !== undefined) rec.healthPidStart = runner.start;
      }
    }
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
    const { child, rec, net, readyFd } = await this.records.withLock(found.id, async () => {
      const r = (await this.records.read(found.id)) ?? found;
      ensureState(r.name, r.state, 'start');
      const refusal = startRefusal(r);
      if (refusal) throw refusal;
      if (!this.fresh.delete(r.id)) {
        await writeBundle(r, dir, this.paths);
        await rm(runcLog, { force: true }); // a log of an earlier run would be read as this one's
      }
      if (!r.init) {
        const mountPoints = ['/proc', '/dev', '/sys', ...r.mounts.map((m) => m.destination)];
        const missing = missingExecutable(rootfsOf(dir), r.path, { env: r.env, cwd: r.workdir, mountPoints });
        // Docker's exit codes: 126 for a command that cannot be invoked, 127 for one not found.
        if (missing) throw new EngineError('failed_precondition', missing, { exitCode: execFailureExitCode(missing) ?? 127 });
      }
      let net: PendingNetwork | undefined;
      let spawned: ChildProcess | undefined;
      let readyFd: number | undefined;
      await this.sweepLeftovers(new Set([r.id]));
      if (r.network === 'bridge') {
        // The container's netns, its addresses and names on its networks, its ports: all ready
        // before runc run starts it (finishLocked takes them down when it exits).
        const ports = await assignHostPorts(r.ports);
        await startBridge(this.paths, r, ports);
        (r as { ports: readonly PortMapping[] }).ports = ports;
      }
      const fifo = join(dir, 'network-ready');
      if (r.network === 'private') {
        // slirp4netns starts while runc sets the container up; a hook holds the container's
        // process until the network is ready (holdUntilReady).
        const ports = await assignHostPorts(r.ports);
        await rm(fifo, { force: true });
        net = await startPrivateNetwork({
          runRoot: this.paths.runRoot,
          id: r.id,
          ports,
          logFile: join(dir, 'slirp4netns.log'),
          fifo,
          // A network that fails once runc run is started: runc goes first (see network.ts).
          beforeTeardown: async () => {
            const runc = spawned;
            if (!runc || runc.exitCode !== null || runc.signalCode !== null) return;
            const gone = new Promise((res) => {
              runc.once('exit', res);
              setTimeout(res, 2000).unref(); // a spawn that failed emits no exit
            });
            runc.kill('SIGKILL');
            await gone;
          },
        });
        (r as { ports: readonly PortMapping[] }).ports = ports;
        r.slirpPid = net.slirpPid;
        r.apiSocket = net.apiSocket;
      }
      trace('attached: network started');
      let c: ChildProcess;
      try {
        // Interrupted before the container starts: nothing is started, the caller removes it.
        if (opts.signal?.aborted) throw new EngineError('canceled', 'canceled');
        // A runc state left by a crash would block the id (runc run removes its own on exit).
        if (existsSync(join(runtime.root, r.id))) await runtime.delete(r.id, { force: true });
        if (net) {
          readyFd = openSync(fifo, fsConstants.O_RDWR | fsConstants.O_NONBLOCK); // never blocks, keeps the FIFO's data
          holdUntilReady(dir, fifo);
        }
        const stdin = r.interactive || r.tty ? 'inherit' : 'ignore';
        // runc's own errors go to its log, so the container's stderr carries only the container's.
        c = runtime.spawn(['--log', runcLog, '--log-format', 'json', 'run', '--bundle', dir, r.id], {
          stdio: [stdin, 'inherit', 'inherit'],
        });
        spawned = c;
      } catch (e) {
        if (readyFd !== undefined) closeSync(readyFd);
        // The record does not know the network yet: free it here.
        if (net) await teardownNetwork({ runRoot: this.paths.runRoot, id: r.id, slirpPid: net.slirpPid, apiSocket: net.apiSocket });
        if (r.network === 'bridge') await stopBridge(this.paths, r);
        throw e;
      }
      r.state = 'running';
      r.monitor = 'attached';
      if (c.pid) r.monitorPid = c.pid;
      r.ownerPid = process.pid;
      const ownStart = procStart(process.pid);
      if (ownStart !== undefined) r.ownerStart = ownStart;
      r.startedAt = new Date().toISOString();
      delete r.exitCode;
      delete r.exitReason;
      delete r.finishedAt;
      await this.records.write(r);
      return { child: c, rec: r, net, readyFd };
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
      childProcess().spawnSync(runtime.binary, [...runtime.globalArgs(), 'kill', rec.id, 'KILL'], { stdio: 'ignore' });
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    process.once('exit', onExit);
    // The network's outcome reaches the hook. On a failure, runc run is killed first (its init,
    // held in the hook's sync, ends with it): the user sees the network's one line, not runc's.
    let netError: Error | undefined;
    const handOff = net?.ready.then(
      () => {
        trace('attached: network ready');
        writeSync(readyFd!, 'ok\n');
      },
      (e: unknown) => {
        netError = e instanceof Error ? e : new Error(String(e));
        child.kill('SIGKILL');
        writeSync(readyFd!, 'fail\n');
      },
    );
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
    await handOff;
    if (readyFd !== undefined) closeSync(readyFd);
    // runc failed to start the container (not the container failing): one line, and no record.
    const failure = spawnError
      ? `cannot run runc: ${spawnError.message}`
      : code !== 0 && !netError
        ? await runcFailure(runcLog)
        : undefined;
    await this.records.withLock(rec.id, async () => {
      const r = await this.finishLocked(rec.id, undefined, code, true);
      if ((failure || netError) && r) await this.destroy(r, true);
    });
    if (netError) throw netError;
    if (failure) {
      const exitCode = execFailureExitCode(failure);
      throw new EngineError('failed_precondition', failure, exitCode === undefined ? undefined : { exitCode });
    }
    return code;
  }
}
