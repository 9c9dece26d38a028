// Containers, part 3: stop, kill, pause, restart, remove, prune, rename and wait.
import { rootlessLimitProblem } from '../util/userns.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { shortId, validName } from './ids.js';
import { readExit } from './monitor.js';
import type { ContainerRecord } from './records.js';
import { ensureState } from './state.js';
import { checkRestartPolicy, restartDecision, restoresAfterBoot } from './policy.js';
import { probeAndRecord } from './health.js';
import { parseCpus, parseSignal, sleep } from './support.js';
import { runcMessage } from './oci-runtime.js';
import { bytesOrZero, checkUpdate } from './resources.js';
import type { RestartPolicy } from '../define.js';
import { pidAlive } from '../sysx.js';
import { ContainerStarter } from './start.js';

/** What `docker update` may change here. */
export interface UpdateOptions {
  readonly memory?: string;
  readonly cpus?: string;
  readonly pidsLimit?: number;
  readonly restart?: RestartPolicy;
  /** Bytes, or -1 for unlimited swap. */
  readonly memorySwap?: string;
  readonly memoryReservation?: string;
  readonly cpuShares?: number;
}

export class ContainerLifecycle extends ContainerStarter {
  // ---- stop / kill / restart

  /**
   * Stops the container: its stop signal, then SIGKILL after the timeout. `finish: false` returns
   * once the process has exited, leaving the finish (runc state, netns, mount) to the monitor's
   * exit command or the next operation on the container (a remove right after, as `compose down`).
   */
  async stop(idOrName: string, opts: { timeoutSec?: number; signal?: string; finish?: boolean } = {}): Promise<ContainerRecord> {
    await this.settle();
    const rec = await this.find(idOrName);
    const sig = opts.signal ? parseSignal(opts.signal) : rec.stopSignal || 'SIGTERM';
    if (rec.state !== 'running' && rec.state !== 'paused') {
      ensureState(rec.name, rec.state, 'stop');
      // A stop during a restart's backoff cancels the restart, as Docker's.
      if (rec.state === 'exited' && rec.restartPolicy) await this.markStopped(rec.id);
      return rec;
    }
    await this.markStopped(rec.id);
    // -t, else the container's --stop-timeout (-1: wait for it), else Docker's 10 s.
    const timeoutSec = opts.timeoutSec ?? rec.extras?.StopTimeout ?? 10;
    const timeoutMs = timeoutSec < 0 ? 2 ** 31 - 1 : timeoutSec * 1000;
    if (rec.state === 'paused') await this.runtime.resume(rec.id).catch(() => undefined);
    const sent = await this.signal(rec, sig);
    if (!sent || !(await this.waitExit(rec.id, timeoutMs))) {
      await this.signal(rec, 'SIGKILL');
      await this.waitExit(rec.id, 10_000);
    }
    await this.ownerFinishes(rec);
    if (opts.finish === false) return rec;
    return (await this.records.withLock(rec.id, () => this.finishLocked(rec.id, undefined, 137))) ?? rec;
  }
  async kill(idOrName: string, signal = 'SIGKILL'): Promise<void> {
    await this.settle();
    const sig = parseSignal(signal);
    const rec = await this.find(idOrName);
    const r = (await this.reconcile(rec)) ?? rec;
    ensureState(r.name, r.state, 'kill');
    // Killed with SIGKILL or its stop signal by hand: no restart policy applies (moby's killWithSignal).
    if (sig === 'SIGKILL' || sig === (r.stopSignal || 'SIGTERM')) await this.markStopped(r.id);
    const sent = await this.signal(r, sig);
    if (!sent) throw new EngineError('conflict', `cannot kill container ${r.name}: it is not running`);
    // A frozen process takes its signal only once thawed (Docker thaws a paused one it kills too).
    if (r.state === 'paused') await this.runtime.resume(r.id).catch(() => undefined);
    if (sig === 'SIGKILL' && (await this.waitExit(r.id, 5000))) {
      await this.ownerFinishes(r);
      await this.records.withLock(r.id, () => this.finishLocked(r.id, undefined, 137));
    }
  }

  /** Docker's HasBeenManuallyStopped: the exit that follows starts nothing again. */
  protected async markStopped(id: string): Promise<void> {
    await this.records.withLock(id, async () => {
      const r = await this.records.read(id);
      if (!r || r.manuallyStopped) return;
      r.manuallyStopped = true;
      await this.records.write(r);
    });
  }

  // ---- restart policies and healthchecks (the monitor's exit command and the health runner)

  /** conmon's exit command: finish the container, then apply its restart policy. */
  override async cleanup(id: string): Promise<void> {
    const rec = await this.records.withLock(id, () => this.finishLocked(id));
    if (rec?.state === 'exited' && rec.restartPolicy) await this.restartByPolicy(rec);
  }

  /**
   * Docker's restart manager, in the exit command's process: decide, wait the backoff (the record
   * says "restarting" meanwhile), then start again unless someone stopped, started or removed
   * the container in between. The started container gets its own monitor and exit command.
   */
  protected async restartByPolicy(exited: ContainerRecord): Promise<void> {
    const ranMs = Date.parse(exited.finishedAt ?? '') - Date.parse(exited.startedAt ?? '');
    const { restart, delayMs } = restartDecision(exited, Number.isFinite(ranMs) ? ranMs : 0);
    const unchanged = (r: ContainerRecord | undefined): r is ContainerRecord =>
      !!r && r.state === 'exited' && !r.manuallyStopped && r.finishedAt === exited.finishedAt;
    const go = await this.records.withLock(exited.id, async () => {
      const r = await this.records.read(exited.id);
      if (!unchanged(r)) return false;
      r.restartDelayMs = delayMs;
      if (restart) r.restartingPid = process.pid;
      await this.records.write(r);
      return restart;
    });
    if (!go) return;
    await sleep(delayMs);
    const started = await this.records.withLock(exited.id, async () => {
      const r = await this.records.read(exited.id);
      if (!unchanged(r)) return false;
      delete r.restartingPid;
      r.restartCount += 1;
      try {
        await this.startLocked(r, false);
      } catch (e) {
        // Docker gives up on a restart that cannot start; the reason stays in the record.
        r.exitReason = `restart failed: ${(e as Error).message}`;
        await this.records.write(r);
        return false;
      }
      return true;
    });
    if (started) this.events?.emit('container.started', { id: exited.id });
  }

  /**
   * What a boot would do (`dockui system restore`): records left "running" by a reboot are
   * finished, then every container whose policy says so starts again (always; unless-stopped
   * and on-failure unless stopped by hand; on-failure only after a failure). Resolves to the ids.
   */
  async restore(): Promise<string[]> {
    const started: string[] = [];
    for (const r of await this.list({ all: true })) {
      if (!restoresAfterBoot(r)) continue;
      if (r.restartingPid && pidAlive(r.restartingPid)) continue; // its exit command is on it
      try {
        await this.records.withLock(r.id, async () => {
          const now = await this.records.read(r.id);
          if (!now || !restoresAfterBoot(now)) return;
          delete now.restartingPid;
          await this.startLocked(now, false);
          started.push(r.id);
        });
      } catch {
        // one that cannot start does not stop the others; `ps -a` shows it exited
      }
    }
    for (const id of started) this.events?.emit('container.started', { id });
    return started;
  }

  /** The health runner's step: one probe, recorded; false when the container no longer runs. */
  async healthcheck(id: string): Promise<boolean> {
    return probeAndRecord(this, id);
  }

  // ---- update

  /**
   * `docker update`, as dockerd 20.10 does it: the update's own values are checked
   * (checkUpdate), then merged into the container's (0 leaves a value as it is; --pids-limit -1
   * lifts it), refusing a --memory above the swap limit already set without a --memory-swap.
   * A running container's cgroup follows at once through `runc update` (runc's refusal, e.g. a
   * quota under 1 ms, fails the update and changes nothing); a stopped one's next start uses it.
   */
  async update(idOrName: string, u: UpdateOptions): Promise<void> {
    const memoryBytes = u.memory === undefined ? 0 : bytesOrZero(u.memory);
    const nanoCpus = u.cpus === undefined ? 0 : parseCpus(u.cpus);
    const swap = u.memorySwap === undefined ? 0 : u.memorySwap.trim() === '-1' ? -1 : bytesOrZero(u.memorySwap);
    const reservation = u.memoryReservation === undefined ? 0 : bytesOrZero(u.memoryReservation);
    const shares = u.cpuShares ?? 0;
    const pids = u.pidsLimit ?? 0;
    const restart = u.restart === undefined ? undefined : (checkRestartPolicy(u.restart) ?? null);
    if (!Number.isInteger(pids) || !Number.isInteger(shares))
      throw new EngineError('invalid_argument', 'invalid --pids-limit or --cpu-shares');
    checkUpdate({ memory: memoryBytes, swap, reservation });
    const limitProblem = rootlessLimitProblem(
      [
        memoryBytes ? '--memory' : '',
        nanoCpus ? '--cpus' : '',
        pids > 0 ? '--pids-limit' : '',
        reservation ? '--memory-reservation' : '',
        shares ? '--cpu-shares' : '',
      ].filter(Boolean),
    );
    if (limitProblem) throw new EngineError('failed_precondition', limitProblem);
    await this.settle();
    const found = await this.find(idOrName);
    await this.records.withLock(found.id, async () => {
      const r = await this.records.read(found.id);
      if (!r) throw new EngineError('not_found', `no such container: ${idOrName}`);
      if (restart && r.autoRemove)
        throw new EngineError('invalid_argument', 'Restart policy cannot be updated because AutoRemove is enabled for the container');
      const cannot = (why: string) => new EngineError('failed_precondition', `Cannot update container ${r.id}: ${why}`);
      // dockerd's container.UpdateContainer: the current swap limit (0 without one) bounds a new memory limit.
      if (memoryBytes && memoryBytes > (r.memorySwap ?? 0) && swap === 0)
        throw cannot('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
      const w = r as { -readonly [K in keyof ContainerRecord]: ContainerRecord[K] };
      if (memoryBytes) w.memoryBytes = memoryBytes;
      if (swap) w.memorySwap = swap;
      if (reservation) w.memoryReservation = reservation;
      if (shares) w.cpuShares = shares;
      if (nanoCpus) w.nanoCpus = nanoCpus;
      if (pids > 0) w.pidsLimit = pids;
      else if (pids < 0) delete w.pidsLimit;
      if (restart !== undefined) {
        if (restart) w.restartPolicy = restart;
        else delete w.restartPolicy;
      }
      const args = ['update'];
      if (memoryBytes) args.push('--memory', String(memoryBytes));
      if (swap || (memoryBytes && r.memorySwap)) args.push('--memory-swap', String(r.memorySwap));
      if (reservation) args.push('--memory-reservation', String(reservation));
      // dockerd hands runc the share as a uint64: a negative one is runc's "maximum allowed" refusal.
      if (shares) args.push('--cpu-share', String(BigInt.asUintN(64, BigInt(shares))));
      // dockerd's quota: NanoCPUs × period / 1e9, no floor (the kernel refuses one under 1 ms).
      if (nanoCpus) args.push('--cpu-period', '100000', '--cpu-quota', String(Math.floor(nanoCpus / 1e4)));
      if (pids) args.push('--pids-limit', String(pids > 0 ? pids : -1));
      if ((r.state === 'running' || r.state === 'paused') && args.length > 1) {
        const res = await this.runtime.run([...args, r.id]);
        if (res.code !== 0) throw cannot(`runc did not terminate successfully: exit status ${res.code}: ${runcMessage(res.stderr)}`);
      }
      await this.records.write(r);
      this.fresh.delete(r.id); // the bundle's limits are written again at the next start
    });
  }

  // ---- pause / unpause: runc's freezer (cgroup v1 freezer here), as docker pause

  async pause(idOrName: string): Promise<void> {
    await this.setPaused(idOrName, true);
  }

  async unpause(idOrName: string): Promise<void> {
    await this.setPaused(idOrName, false);
  }

  protected async setPaused(idOrName: string, paused: boolean): Promise<void> {
    await this.settle();
    const found = await this.find(idOrName);
    const op = paused ? 'pause' : 'unpause';
    const noFreezer = rootlessLimitProblem(['pause']);
    if (noFreezer && paused)
      throw new EngineError(
        'failed_precondition',
        'pause: rootless dockui cannot freeze containers on this cgroup v1 host (it needs cgroup v2 with delegation, or root)',
      );
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
    // dockerd's refusal, in its words (a script may count on the error).
    if (rec.name === newName) throw new EngineError('invalid_argument', 'Renaming a container with the same name as its current name');
    await this.records.withNamesLock(async () => {
      const other = await this.records.byName(newName, true);
      if (other && other.id !== rec.id)
        throw new EngineError('conflict', `the container name "${newName}" is already in use by container ${shortId(other.id)}`);
      await this.records.withLock(rec.id, async () => {
        const r = await this.records.read(rec.id);
        if (!r) throw new EngineError('not_found', `no such container: ${idOrName}`);
        ensureState(r.name, r.state, 'rename');
        const was = r.name;
        r.name = newName;
        await this.records.write(r, was);
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
          this.finishing.add(finishing);
          void finishing.finally(() => this.finishing.delete(finishing));
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
}
