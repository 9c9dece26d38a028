// Healthchecks without a daemon. conmon (the container's monitor) cannot run probes, so a
// container with a healthcheck gets a health runner beside it while it runs: a detached `sh`
// loop (about 1 MB) that sleeps the interval and then runs `dockui container healthcheck ID`,
// which probes once (the test, like `exec`, inside the container, with the timeout), records
// the result in State.Health under the container's lock and exits; the loop ends when that
// command says the container is no longer running, and the finish kills it too. Podman does
// the same with a systemd timer per container; this needs no systemd.
import { readFileSync } from 'node:fs';
import { mkdir, rm } from '../util/fsa.js';
import { join } from 'node:path';
import type { HealthLogEntry, HealthState } from '../define.js';
import type { EnginePaths } from '../paths.js';
import { pidAlive, procStart } from '../sysx.js';
import { writeExecProcess } from './bundle.js';
import { newId } from './ids.js';
import type { OciRuntime } from './oci-runtime.js';
import { healthActive, healthArgv, healthTimings } from './policy.js';
import type { ContainerRecord, RecordStore } from './records.js';
import { childProcess } from '../util/builtin.js';

/** Docker keeps the last 5 probes and 4096 bytes of each one's output. */
const maxLog = 5;
const maxOutput = 4096;

/** Starts the runner for a container that has just started; its pid and start time go in the record. */
export function startHealthRunner(
  paths: EnginePaths,
  rec: ContainerRecord,
  dockui: readonly string[],
): { pid: number; start?: string } | undefined {
  if (!healthActive(rec.healthcheck)) return undefined;
  const { intervalMs } = healthTimings(rec.healthcheck);
  const loop = 'i=$1; shift; while sleep "$i"; do "$@" || exit 0; done';
  const argv = [...dockui, '--root', paths.root, '--runroot', paths.runRoot, 'container', 'healthcheck', rec.id];
  const child = childProcess().spawn('/bin/sh', ['-c', loop, 'dockui-health', String(intervalMs / 1000), ...argv], {
    stdio: 'ignore',
    detached: true, // its own session: it outlives whatever dockui started the container
    cwd: '/',
  });
  child.unref();
  if (!child.pid) return undefined;
  const start = procStart(child.pid);
  return { pid: child.pid, ...(start !== undefined ? { start } : {}) };
}

/** Ends a container's runner (its whole process group: the loop, its sleep, a probe in flight). */
export function stopHealthRunner(rec: { healthPid?: number; healthPidStart?: string }): void {
  if (!rec.healthPid || !pidAlive(rec.healthPid, rec.healthPidStart)) return;
  try {
    process.kill(-rec.healthPid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

export interface ProbeHost {
  readonly paths: EnginePaths;
  readonly records: RecordStore;
  readonly runtime: OciRuntime;
  dir(id: string): string;
}

/** Runs the test once inside the container: exit code (-1 on timeout) and output, as Docker logs them. */
async function probeOnce(host: ProbeHost, rec: ContainerRecord & { healthcheck: { Test: readonly string[] } }): Promise<HealthLogEntry> {
  const { timeoutMs } = healthTimings(rec.healthcheck);
  const base = join(host.paths.runRoot, 'exec', `${rec.id.slice(0, 16)}-health-${newId().slice(0, 8)}`);
  await mkdir(join(host.paths.runRoot, 'exec'), { recursive: true });
  const started = new Date();
  let output = '';
  let timedOut = false;
  let code: number;
  try {
    await writeExecProcess(rec, host.dir(rec.id), `${base}.json`, { args: healthArgv(rec.healthcheck), tty: false });
    const child = host.runtime.exec(rec.id, `${base}.json`, { stdio: ['ignore', 'pipe', 'pipe'], pidFile: `${base}.pid` });
    const take = (d: Buffer) => {
      if (output.length < maxOutput) output = (output + d.toString()).slice(0, maxOutput);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      // runc exec cannot forward SIGKILL: the probe's own process is killed by its pid.
      try {
        const pid = Number(readFileSync(`${base}.pid`, 'utf8').trim());
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // not started yet, or gone
      }
      child.kill('SIGKILL');
    }, timeoutMs);
    code = await new Promise<number>((res) => {
      child.on('close', (c) => res(c ?? -1));
      child.on('error', (e) => {
        output = `cannot run runc: ${e.message}`;
        res(-1);
      });
    });
    clearTimeout(timer);
  } catch (e) {
    output = (e as Error).message;
    code = -1;
  } finally {
    await Promise.all([rm(`${base}.json`, { force: true }), rm(`${base}.pid`, { force: true })]);
  }
  if (timedOut) {
    code = -1;
    output = `Health check exceeded timeout (${goDuration(timeoutMs)})`;
  }
  return { Start: started.toISOString(), End: new Date().toISOString(), ExitCode: code, Output: output };
}

/** Go's Duration.String() for whole milliseconds: 200ms, 1.5s, 1m30s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** Docker's verdict after one probe (moby's handleProbeResult). */
export function nextHealth(prev: HealthState | undefined, entry: HealthLogEntry, rec: ContainerRecord): HealthState {
  const h = prev ?? { Status: 'starting' as const, FailingStreak: 0, Log: [] };
  const Log = [...h.Log, entry].slice(-maxLog);
  if (entry.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const { startPeriodMs, retries } = healthTimings(rec.healthcheck ?? {});
  // Failures during the start period do not count while it has never been healthy.
  const inStart = h.Status === 'starting' && Date.parse(entry.Start) - Date.parse(rec.startedAt ?? entry.Start) < startPeriodMs;
  if (inStart) return { Status: h.Status, FailingStreak: h.FailingStreak, Log };
  const FailingStreak = h.FailingStreak + 1;
  return { Status: FailingStreak >= retries ? 'unhealthy' : h.Status, FailingStreak, Log };
}

/**
 * One probe of a running container, recorded in its State.Health. Resolves false when the
 * container is not running (the runner then stops); a paused one is not probed.
 */
export async function probeAndRecord(host: ProbeHost, id: string): Promise<boolean> {
  const rec = await host.records.read(id);
  if (!rec || (rec.state !== 'running' && rec.state !== 'paused') || !healthActive(rec.healthcheck)) return false;
  if (rec.state === 'paused') return true;
  const entry = await probeOnce(host, rec as ContainerRecord & { healthcheck: { Test: readonly string[] } });
  return host.records.withLock(id, async () => {
    const now = await host.records.read(id);
    // A probe of an earlier run (the container restarted meanwhile) is not this run's.
    if (!now || (now.state !== 'running' && now.state !== 'paused') || now.startedAt !== rec.startedAt) return false;
    now.health = nextHealth(now.health, entry, now);
    await host.records.write(now);
    return true;
  });
}
