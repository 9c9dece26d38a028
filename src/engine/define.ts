// Shared vocabulary of the engine: error codes, state unions, event topics and the
// summary shapes the CLI and the views consume. No imports of its own on purpose,
// so that views, hooks and every engine module can depend on it freely.

export const errorCodes = [
  'not_found',
  'already_exists',
  'invalid_argument',
  'failed_precondition',
  'conflict',
  'unavailable',
  'canceled',
  'unauthorized',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Where in a Dockerfile (or other text) an error points. 1-based line and column. */
export interface SourceRange {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
}

/**
 * The one error type the engine throws for conditions a user can act on.
 * `message` is a single line fit to print as is; `cause` keeps the detail.
 * Anything else that escapes the engine is a bug and is reported as such.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: ErrorCode;
  readonly range: SourceRange | undefined;
  /** The CLI's exit code when not the code's (exitCodeFor): 126/127 for a command runc cannot run. */
  readonly exitCode: number | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; range?: SourceRange; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.range = options?.range;
    this.exitCode = options?.exitCode;
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof Error && (e as { name?: string }).name === 'EngineError' && 'code' in e;
}

/**
 * Exit codes of the CLI by error code: 1, as docker 20.10's CLI gives for an error of any verb
 * (a thing not found, a bad argument, a missing one). Its 125 is for a flag that does not parse
 * (args.ts flagError) and for `run` failing before the command starts (the run verb says so);
 * 126/127 come with the error (EngineError.exitCode).
 */
export const exitCodeFor: Readonly<Record<ErrorCode, number>> = {
  not_found: 1,
  already_exists: 1,
  invalid_argument: 1,
  failed_precondition: 1,
  conflict: 1,
  unavailable: 1,
  canceled: 130,
  unauthorized: 1,
  internal: 1,
};

/**
 * The command line `docker ps` shows (dockerd's list): the path, then each argument, one with a
 * space in it between single quotes (`sh -c 'echo hi'`).
 */
export function commandLine(path: string, args: readonly string[]): string {
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

/**
 * Docker's Config.Image of a container: the image as its create named it (`imageName`); a
 * record written before dockui kept that name has its resolved reference (`image`) instead.
 */
export function configImage(c: { readonly image: string; readonly imageName?: string }): string {
  return c.imageName ?? c.image;
}

/**
 * Docker's Image of a listed container (moby's daemon/list.go): the name its create gave while
 * that name still names the container's image, else the image's id. `ids`: each name looked up
 * now (ImageEngine.resolveIds) → the image id it names; a name missing there names none.
 */
export function listedImage(
  c: { readonly image: string; readonly imageName?: string; readonly imageId: string },
  ids: ReadonlyMap<string, string>,
): string {
  const name = configImage(c);
  return name === c.imageId || ids.get(name) === c.imageId ? name : c.imageId;
}

/** The names listedImage() needs looked up for these containers (an id as the name needs none). */
export function listedImageNames(
  cs: readonly { readonly image: string; readonly imageName?: string; readonly imageId: string }[],
): string[] {
  return [...new Set(cs.map(configImage).filter((n, i) => n !== cs[i]!.imageId))];
}

/** One line for a user: the engine's message, or a short bug report for anything else. */
export function formatError(e: unknown): string {
  return shown(errorText(e));
}

/**
 * Text bound for a terminal with what a registry, an image or a container put in it shown, not
 * obeyed: control characters other than line breaks and tabs (ESC's sequences: a window title,
 * the clipboard (OSC 52), a cleared screen; C1's CSI) written as JSON escapes them.
 */
export function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function errorText(e: unknown): string {
  if (isEngineError(e)) {
    const where = e.range ? `${e.range.file}:${e.range.line}:${e.range.column}: ` : '';
    return `${where}${e.message}`;
  }
  if (e instanceof Error && e.name === 'AbortError') return 'canceled';
  // A file dockui may not touch (a state directory of another user, a read-only one): the
  // host's doing, not a bug. Said with the path, in one line.
  const errno = e as NodeJS.ErrnoException;
  if (e instanceof Error && (errno.code === 'EACCES' || errno.code === 'EROFS') && typeof errno.path === 'string')
    return `cannot ${errno.syscall ?? 'open'} ${errno.path}: ${errno.code === 'EROFS' ? 'read-only file system' : 'permission denied'}`;
  const msg = e instanceof Error ? e.message : String(e);
  return `internal error (a bug in dockui): ${msg.split('\n')[0] ?? ''}`;
}

export function canceledError(): EngineError {
  return new EngineError('canceled', 'canceled');
}

/** Throws the engine's `canceled` error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw canceledError();
}

// ---- containers ---------------------------------------------------------------

export const containerStates = ['created', 'running', 'paused', 'exited', 'removing'] as const;
export type ContainerState = (typeof containerStates)[number];

export interface PortMapping {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
  /** The :: half of a publish with no host IP (docker 20.10 binds 0.0.0.0 and ::): the host port of the mapping before it. */
  readonly v6Twin?: boolean;
}

/**
 * Docker's HostConfig.RestartPolicy: what the container's monitor does when it exits.
 * "" and "no": nothing; "always": start it again (also after `system restore`, unless stopped by
 * hand); "unless-stopped": as always, except after a reboot when it was stopped by hand;
 * "on-failure": again while the exit code is not 0, at most MaximumRetryCount times (0: no cap).
 */
export interface RestartPolicy {
  readonly Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  readonly MaximumRetryCount?: number;
}

/**
 * Docker's Config.Healthcheck (durations in nanoseconds, as in Docker's JSON). Test: [] inherits
 * the image's; ["NONE"] turns it off; ["CMD", arg...] runs argv; ["CMD-SHELL", "cmd"] runs
 * `/bin/sh -c cmd`. A zero or absent duration means Docker's default (30 s interval, 30 s
 * timeout, 0 start period, 3 retries).
 */
export interface HealthConfig {
  readonly Test?: readonly string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly Retries?: number;
}

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe's result (Docker's State.Health.Log entries). */
export interface HealthLogEntry {
  readonly Start: string;
  readonly End: string;
  readonly ExitCode: number;
  readonly Output: string;
}

/** Docker's State.Health: present while a container with a healthcheck runs (and after). */
export interface HealthState {
  readonly Status: HealthStatus;
  readonly FailingStreak: number;
  /** The last 5 probes, oldest first. */
  readonly Log: readonly HealthLogEntry[];
}

export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly command: string;
  readonly state: ContainerState;
  readonly createdAt: string; // ISO 8601
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly exitCode?: number;
  /** Why it ended, when it did not end by itself: "oom", "killed", "monitor lost", ... */
  readonly exitReason?: string;
  readonly ports: readonly PortMapping[];
  readonly pid?: number;
  /** The healthcheck's verdict while it has one (ps "(healthy)", the TUI). */
  readonly healthStatus?: HealthStatus;
  /** Times the restart policy started it again (Docker's RestartCount). */
  readonly restartCount?: number;
  /** Exited and waiting out its restart policy's backoff (Docker's "Restarting"). */
  readonly restarting?: boolean;
  /** Its Compose project (label com.docker.compose.project), for the TUI's merged project logs. */
  readonly project?: string;
  /** Its Compose service (label com.docker.compose.service): the TUI's project rows. */
  readonly service?: string;
  /** The id of its pod (label io.dockui.pod), and whether it is the pod's infra container. */
  readonly pod?: string;
  readonly podInfra?: boolean;
}

export interface ContainerStats {
  readonly id: string;
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes?: number;
  readonly pids: number;
  readonly at: number; // ms since epoch
  /** Counters since the container started (rates come from two samples): bytes received and sent on its interfaces but lo. */
  readonly netRxBytes?: number;
  readonly netTxBytes?: number;
  /** Bytes read from and written to block devices by its cgroup. */
  readonly blockReadBytes?: number;
  readonly blockWriteBytes?: number;
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  readonly time: string; // ISO 8601 with nanoseconds when known
  readonly text: string;
}

// ---- images ----------------------------------------------------------------------

export interface ImageSummary {
  /** Image id: the digest of its config blob, "sha256:<hex>". */
  readonly id: string;
  /** Manifest digest the record points at. */
  readonly digest: string;
  /** Normalized references that name it, e.g. "127.0.0.1:5000/fixture/busybox:latest". */
  readonly names: readonly string[];
  readonly size: number; // unpacked bytes, as `docker images` shows
  readonly created?: string;
  readonly inUse: number; // containers using it (-1: not counted, images.list({ countUsers: false }))
}

export interface LayerInfo {
  readonly digest: string;
  readonly diffId: string;
  readonly size: number;
  readonly createdBy?: string;
  readonly created?: string;
  readonly emptyLayer?: boolean;
}

// ---- progress ----------------------------------------------------------------------

export type LayerPhase = 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'done' | 'exists' | 'failed';

/** A layer's phase in Docker's words (its pull output and the Engine API's progress stream). */
export const layerPhaseText: Readonly<Record<LayerPhase, string>> = {
  waiting: 'Waiting',
  downloading: 'Downloading',
  verifying: 'Verifying Checksum',
  extracting: 'Extracting',
  done: 'Pull complete',
  exists: 'Already exists',
  failed: 'Failed',
};

export interface PullProgress {
  readonly ref: string;
  readonly layers: readonly {
    readonly digest: string;
    readonly phase: LayerPhase;
    readonly current: number;
    readonly total: number;
  }[];
  readonly current: number;
  readonly total: number;
}

export type BuildStepStatus = 'started' | 'cached' | 'done' | 'failed';

export interface BuildStepEvent {
  readonly buildId: string;
  readonly index: number; // 0-based position in the steps that run
  readonly total: number;
  readonly stage: string;
  readonly instruction: string; // e.g. "RUN apk add curl"
  readonly range?: SourceRange;
  readonly status: BuildStepStatus;
  readonly durationMs?: number;
  readonly error?: string;
}

// ---- events ------------------------------------------------------------------------

/** Every topic the engine emits, with its payload. One typed bus carries them all. */
export interface EngineEvents {
  'image.pulling': { ref: string; progress: PullProgress };
  'image.pulled': { ref: string; id: string; digest: string };
  'image.pushed': { ref: string; digest: string };
  'image.tagged': { ref: string; id: string };
  'image.removed': { id: string; refs: readonly string[] };
  'container.created': { id: string; name: string };
  'container.started': { id: string };
  'container.exited': { id: string; exitCode: number; reason?: string };
  'container.removed': { id: string };
  'container.renamed': { id: string; name: string };
  'container.paused': { id: string };
  'container.unpaused': { id: string };
  /** docker network connect / disconnect: `id` and `name` are the network's, `container` the container's id. */
  'network.connected': { id: string; name: string; container: string; type: string };
  'network.disconnected': { id: string; name: string; container: string; type: string };
  'build.step': BuildStepEvent;
  'build.output': { buildId: string; index: number; stream: 'stdout' | 'stderr'; line: string };
  'build.finished': { buildId: string; ok: boolean; imageId?: string; error?: string; durationMs: number };
  'watch.changed': { dir: string; paths: readonly string[] };
  'watch.state': { dir: string; state: 'watching' | 'paused' | 'building' | 'swapping' | 'failed'; files?: number };
}
export type EngineTopic = keyof EngineEvents;

/**
 * Orders two strings by their UTF-16 code units, as Go's sort.Strings orders them for docker's
 * lists. Not localeCompare: its first call loads ICU's collator, 13 ms of a `dockui images` that
 * takes ~25 ms beyond Node's own start.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ipcSysctls = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);
/** The IPC sysctls, fs.mqueue.* and net.* (Docker's namespaced list): the namespace a sysctl belongs to; others are refused. */
export function namespacedSysctl(key: string): 'ipc' | 'net' | undefined {
  if (ipcSysctls.has(key)) return 'ipc';
  if (key.startsWith('fs.mqueue.')) return 'ipc';
  if (key.startsWith('net.')) return 'net';
  return undefined;
}
