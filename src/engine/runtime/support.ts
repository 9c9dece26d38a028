// The runtime's small shared parts: user input parsing (signals, sizes, CPUs), the image lookup,
// process liveness checks, the summary shape and the trace switch.
import type { ChildProcess } from 'node:child_process';
import { availableParallelism, constants as osConstants } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile } from '../util/fsa.js';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, type ContainerSummary, EngineError, type HealthConfig } from '../define.js';
import { pidAlive, procStart } from '../sysx.js';
import { cleanRuntimeMessage } from './monitor.js';
import type { ContainerRecord } from './records.js';

/**
 * bin/dockui.js: three levels up from dist/engine/runtime or src/engine/runtime, one from the
 * bundles (dist/cli.cjs, dist/tui.cjs), where esbuild moved this module; two from a chunk of a
 * split bundle (an older build's dist/tui-bundle/).
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

/** "1.5" → nano-CPUs; as Docker, not negative and no more than this host has (a quota above it limits nothing). */
export function parseCpus(s: string, hostCpus = availableParallelism()): number {
  const n = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(n))
    throw new EngineError('invalid_argument', `invalid --cpus value ${JSON.stringify(s)}: use a number (e.g. 0.5)`);
  if (n === 0) return 0;
  // dockerd sets no floor: a quota below the kernel's 1 ms (--cpus 0.001) fails the start in runc's words.
  if (n < 0 || n > hostCpus)
    throw new EngineError(
      'invalid_argument',
      `Range of CPUs is from 0.01 to ${hostCpus.toFixed(2)}, as there are only ${hostCpus} CPUs available`,
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
    Healthcheck?: HealthConfig;
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
  /** Every capability for this process (`docker exec --privileged`); the container keeps its own. */
  readonly privileged?: boolean;
  readonly stdio?: 'inherit' | 'pipe';
  /**
   * Look the command (and the working directory) up in the container's files first: one certainly
   * missing or not executable is refused in docker's words with its exit code, 126 (`docker exec`
   * in the foreground), before runc is asked (runc's own refusal is a logfmt line and exit 255).
   */
  readonly checkCommand?: boolean;
}

/** A TTY exec under `script` (Containers.execPty): its pipes, and when runc had it running. */
export interface PtyExec {
  /** `script`: stdin to the pty, the pty's output on stdout; exits with the process's code. */
  readonly child: ChildProcess;
  /** The process's host pid once it runs; undefined when runc ended first. Never rejects. */
  readonly started: Promise<number | undefined>;
}

const traceOn = process.env.DOCKUI_TRACE === '1';
/** DOCKUI_TRACE=1 prints phase timings (ms since the process started) to stderr, for the benchmarks. */
export function trace(what: string): void {
  if (traceOn) process.stderr.write(`[trace ${performance.now().toFixed(1)}ms] ${what}\n`);
}

/** The error runc logged (JSON lines, level "error") when it could not start a container. */
export async function runcFailure(logFile: string): Promise<string | undefined> {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Is the container's init (this pid, started at that time) still alive? */
export function initAlive(rec: ContainerRecord): boolean {
  if (!rec.pid) return false;
  const st = procStart(rec.pid);
  return st !== undefined && (rec.pidStart === undefined || st === rec.pidStart);
}

export function summarize(r: ContainerRecord): ContainerSummary {
  return {
    id: r.id,
    name: r.name,
    image: r.image,
    imageId: r.imageId,
    command: commandLine(r.path, r.args),
    state: r.state,
    createdAt: r.createdAt,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
    ...(r.exitReason ? { exitReason: r.exitReason } : {}),
    ports: r.ports,
    ...(r.pid && r.state === 'running' ? { pid: r.pid } : {}),
    ...(r.health && (r.state === 'running' || r.state === 'paused') ? { healthStatus: r.health.Status } : {}),
    ...(r.restartCount ? { restartCount: r.restartCount } : {}),
    ...(r.state === 'exited' && r.restartingPid && pidAlive(r.restartingPid) ? { restarting: true } : {}),
    ...(r.labels['com.docker.compose.project'] ? { project: r.labels['com.docker.compose.project'] } : {}),
    ...(r.labels['com.docker.compose.service'] ? { service: r.labels['com.docker.compose.service'] } : {}),
    ...(r.labels['io.dockui.pod'] ? { pod: r.labels['io.dockui.pod'] } : {}),
    ...(r.labels['io.dockui.pod.infra'] === 'true' ? { podInfra: true } : {}),
  };
}
