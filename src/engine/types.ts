// The engine's public face as the CLI, the hooks and the views see it. Implementations live in
// the noun folders (store/, registry/, runtime/, build/, watch/) and are tied together by
// createEngine() in engine.ts. Types only: views may import this file.
import type {
  BuildStepEvent,
  ContainerStats,
  ContainerSummary,
  HealthConfig,
  ImageSummary,
  LayerInfo,
  LogLine,
  PullProgress,
  RestartPolicy,
} from './define.js';
import type { DockerEvent } from './event-log.js';
import type { EventBus } from './events.js';
import type { EnginePaths } from './paths.js';

/** An external store in React's sense: same object from getSnapshot() until something changes. */
export interface Observable<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

export interface PullOptions {
  readonly platform?: string; // "linux/arm64/v8"
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PullProgress) => void;
}

export interface ImageDetails {
  readonly summary: ImageSummary;
  readonly architecture: string;
  readonly os: string;
  readonly config: {
    readonly Env?: readonly string[];
    readonly Cmd?: readonly string[];
    readonly Entrypoint?: readonly string[];
    readonly WorkingDir?: string;
    readonly User?: string;
    readonly ExposedPorts?: Readonly<Record<string, object>>;
    readonly Labels?: Readonly<Record<string, string>>;
    readonly StopSignal?: string;
    readonly Volumes?: Readonly<Record<string, object>>;
  };
  readonly layers: readonly LayerInfo[];
}

export interface ImagesApi extends Observable<readonly ImageSummary[]> {
  refresh(): Promise<void>;
  pull(ref: string, opts?: PullOptions): Promise<ImageSummary>;
  remove(ref: string, opts?: { force?: boolean }): Promise<void>;
  inspect(ref: string): Promise<ImageDetails>;
  tag(source: string, target: string): Promise<void>;
  /** Drops dangling images no container uses (with `all`, every unused image); what went and the bytes freed. */
  prune(opts?: { all?: boolean }): Promise<{ readonly imagesRemoved: readonly string[]; readonly bytesFreed: number }>;
}

/** What `dockui run` / `create` and the TUI's run form ask for. */
/** Docker's container.DeviceRequest (`--gpus`), as the API carries it. */
export interface DeviceRequest {
  readonly Driver: string;
  readonly Count: number;
  readonly DeviceIDs: readonly string[] | null;
  readonly Capabilities: readonly (readonly string[])[] | null;
  readonly Options: Readonly<Record<string, string>> | null;
}

export interface RunOptions {
  readonly image: string;
  readonly name?: string;
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env?: readonly string[]; // "K=V"
  readonly publish?: readonly string[]; // "[ip:]host:ctr[/proto]"
  readonly publishAll?: boolean;
  /** none, host, private (slirp4netns, the default) or a dockui network's name. */
  readonly network?: string;
  /** dockui networks to join (the first one's gateway routes and serves DNS), each with extra names. */
  readonly networks?: readonly { readonly name: string; readonly aliases?: readonly string[] }[];
  readonly volumes?: readonly string[]; // "host:ctr[:ro]" or "name:ctr"
  readonly tmpfs?: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly tty?: boolean;
  readonly interactive?: boolean;
  readonly readOnly?: boolean;
  readonly privileged?: boolean;
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly memory?: string;
  /** Docker's HostConfig.MemorySwap in bytes (memory + swap; -1: unlimited swap; 0/absent: twice --memory). */
  readonly memorySwap?: number;
  /** Docker's HostConfig.MemoryReservation (a soft limit) in bytes. */
  readonly memoryReservation?: number;
  /** Docker's HostConfig.CpuShares (the cgroup's relative weight; 0/absent: the default 1024). */
  readonly cpuShares?: number;
  /** Docker's HostConfig.DeviceRequests (`--gpus`). */
  readonly deviceRequests?: readonly DeviceRequest[];
  readonly cpus?: string;
  readonly pidsLimit?: number;
  /** Docker's --log-opt: "max-size=10m", "max-file=3". */
  readonly logOpts?: readonly string[];
  readonly init?: boolean;
  readonly autoRemove?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /** Docker's --stop-signal (Config.StopSignal): over the image's STOPSIGNAL; "SIGUSR1", "USR1", "10". */
  readonly stopSignal?: string;
  /** Docker's HostConfig.RestartPolicy (`--restart`); default { Name: "no" }. */
  readonly restart?: RestartPolicy;
  /**
   * Docker's Config.Healthcheck (`--health-*`, `--no-healthcheck` = Test ["NONE"]): merged over
   * the image's HEALTHCHECK field by field, as Docker does.
   */
  readonly healthcheck?: HealthConfig;
  /** podman's `--pod`: join this pod's network, IPC and UTS namespaces (its infra container's). */
  readonly pod?: string;
  // Docker's further run flags, as typed (checked at create; runtime/run-extras.ts).
  /** --add-host "name:ip" (ip may be "host-gateway"): lines of the container's /etc/hosts. */
  readonly addHosts?: readonly string[];
  /** --dns, --dns-search, --dns-option: the container's /etc/resolv.conf. */
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  /** --mount "type=bind|volume|tmpfs,source=…,target=…[,readonly]…". */
  readonly mounts?: readonly string[];
  /** --ulimit "nofile=1024[:2048]". */
  readonly ulimits?: readonly string[];
  /** --security-opt no-new-privileges, seccomp=unconfined|FILE, apparmor=unconfined, label=disable. */
  readonly securityOpt?: readonly string[];
  /** --device "/dev/x[:/dev/y][:rwm]". */
  readonly devices?: readonly string[];
  /** --shm-size "64m". */
  readonly shmSize?: string;
  /** --stop-timeout seconds (Config.StopTimeout): stop/restart without -t wait this long. */
  readonly stopTimeout?: number;
  /** --log-driver json-file|k8s-file|local (dockui's own log) or none. */
  readonly logDriver?: string;
  /** --expose "80", "80/udp", "8000-8010". */
  readonly expose?: readonly string[];
  /** --group-add names or gids. */
  readonly groupAdd?: readonly string[];
  /** --sysctl "net.ipv4.ip_forward=1" (namespaced ones only). */
  readonly sysctls?: readonly string[];
  /** --pid host|container:X, --ipc host|private|shareable|container:X, --uts host. */
  readonly pid?: string;
  readonly ipc?: string;
  readonly uts?: string;
  /** --volumes-from "X[:ro|rw]". */
  readonly volumesFrom?: readonly string[];
  /** Read-only files (Compose's secrets and configs, Kubernetes' secret and configMap volumes). */
  readonly files?: readonly FileMount[];
}

/** What a file mount is, kept on the container's mount (inspect, kube generate). */
export interface FileMountOf {
  readonly kind: 'secret' | 'config';
  /** The secret's or config's name (Compose's `name:` or PROJECT_KEY; the Kubernetes object's name). */
  readonly name: string;
  /** Its key (Compose's key under `secrets:`/`configs:`; the item's key in the Kubernetes object). */
  readonly key?: string;
}

/**
 * One read-only file (or directory of files) in a container: a host file bound as it is
 * (`source`), or bytes dockui writes into the container's own dir (`content`, or `entries` for a
 * directory), owned by uid/gid with `mode` (default 0444), removed with the container.
 */
export interface FileMount {
  /** Absolute path inside the container (resolved inside its rootfs). */
  readonly target: string;
  readonly source?: string;
  readonly content?: Uint8Array | string;
  readonly entries?: readonly { readonly path: string; readonly content: Uint8Array | string; readonly mode?: number }[];
  readonly uid?: number;
  readonly gid?: number;
  readonly mode?: number;
  readonly of?: FileMountOf;
}

export interface LogsOptions {
  readonly follow?: boolean;
  readonly tail?: number;
  readonly since?: string;
  /** Lines written before this (a time as for `since`); a follow ends when it has passed. */
  readonly until?: string;
  /** docker's --details: each line starts with its --log-opt attributes ("k=v,k2=v2 "; " " when none). */
  readonly details?: boolean;
  readonly signal?: AbortSignal;
}

export interface ContainersApi extends Observable<readonly ContainerSummary[]> {
  refresh(): Promise<void>;
  create(opts: RunOptions): Promise<ContainerSummary>;
  start(idOrName: string): Promise<void>;
  /** Creates and starts a detached container. */
  run(opts: RunOptions): Promise<ContainerSummary>;
  /** `finish: false`: returns once the process exited; the next operation (or the monitor) frees what it held. */
  stop(idOrName: string, opts?: { timeoutSec?: number; signal?: string; finish?: boolean }): Promise<void>;
  restart(idOrName: string, opts?: { timeoutSec?: number }): Promise<void>;
  /** Freezes every process of a running container (runc pause); unpause thaws them. */
  pause(idOrName: string): Promise<void>;
  unpause(idOrName: string): Promise<void>;
  kill(idOrName: string, signal?: string): Promise<void>;
  /** `volumes`: also the container's anonymous volumes (`rm -v`). */
  remove(idOrName: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
  logs(idOrName: string, opts?: LogsOptions): AsyncIterable<LogLine>;
  stats(idOrName: string): Promise<ContainerStats>;
  /** `docker inspect`'s JSON shape (the TUI's Details reads mounts, networks, labels, health from it). */
  inspect(idOrName: string): Promise<Record<string, unknown>>;
  /**
   * Writes files straight into a running container's root filesystem (the engine owns it, so
   * this needs no shell or tar in the image): each entry copies hostPath to ctrPath, or removes
   * ctrPath when hostPath is undefined. Used by the dev loop's sync rules.
   */
  syncFiles(idOrName: string, entries: readonly { hostPath?: string; ctrPath: string }[]): Promise<void>;
  /** argv (dockui binary included) that runs an interactive shell in the container, for the TUI to hand the terminal over. */
  execShellCommand(idOrName: string): readonly string[];
  /** Removes every stopped (exited or created) container; resolves to the ids removed. */
  prune(): Promise<string[]>;
}

export interface BuildOptions {
  readonly context: string;
  readonly dockerfile?: string; // path, default CONTEXT/Dockerfile
  /** The Dockerfile's text itself (`-f -`); wins over `dockerfile`. */
  readonly dockerfileText?: string;
  readonly tags?: readonly string[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly noCache?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /** Secrets by id for `RUN --mount=type=secret` (`--secret id=ID,src=FILE|env=VAR`); never stored. */
  readonly secrets?: Readonly<Record<string, Uint8Array>>;
  /** `--network`: RUN's network when the RUN names none (default: the host's, as BuildKit's RUN). */
  readonly network?: 'default' | 'none' | 'host';
  /** `--add-host host:ip`: lines added to RUN's /etc/hosts. */
  readonly addHosts?: readonly { readonly host: string; readonly ip: string }[];
  /** `--ssh`: agent sockets by id for `RUN --mount=type=ssh` (host paths of unix sockets). */
  readonly ssh?: Readonly<Record<string, string>>;
  /** `--pull`: pull every FROM image (the registry's newest), even when the store has it. */
  readonly pull?: boolean;
  /** `--platform os/arch[/variant]`: FROM's platform when it names none. */
  readonly platform?: string;
  /** `--cache-from`: images whose layers and history serve as cache (classic docker's matching). */
  readonly cacheFrom?: readonly string[];
  /** `--output`: the final stage's filesystem exported as files in a dir, or as a tar (file or stream). */
  readonly output?: BuildOutput;
  readonly signal?: AbortSignal;
  /** A line for the user that does not stop the build (a cache source that is not there, say). */
  readonly onWarning?: (message: string) => void;
  readonly onStep?: (e: BuildStepEvent) => void;
  readonly onOutput?: (index: number, stream: 'stdout' | 'stderr', line: string) => void;
}

export type BuildOutput =
  | { readonly type: 'local'; readonly dest: string }
  | { readonly type: 'tar'; readonly dest: string }
  | { readonly type: 'tar'; readonly stream: NodeJS.WritableStream };

export interface BuildResult {
  readonly buildId: string;
  readonly imageId: string;
  readonly steps: number;
  readonly cachedSteps: number;
  readonly durationMs: number;
}

export interface BuildsApi {
  build(opts: BuildOptions): Promise<BuildResult>;
}

export interface Engine {
  readonly paths: EnginePaths;
  readonly events: EventBus;
  readonly images: ImagesApi;
  readonly containers: ContainersApi;
  readonly builds: BuildsApi;
  /**
   * The events every dockui process logs (RUNROOT/events.log: the CLI, the API service, a
   * container's monitor), followed by the TUI to see what others change at once. Optional: a
   * test's fake engine may not log any.
   */
  readonly system?: { events(opts?: { sinceMs?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<DockerEvent> };
  /** What is missing for running containers (no runc, not root...), or undefined when all is there. */
  readonly runtimeProblem: string | undefined;
  /** The same, found without blocking (runc --version in the background): the UI's first frame does not wait for it. */
  runtimeCheck?(): Promise<string | undefined>;
  close(): Promise<void>;
}

// ---- leftovers ----------------------------------------------------------------------
// What a killed dockui process (kill -9, a crash, a power cut) can leave behind, found by
// `system check` and removed by `system check --repair` and `system prune`. Each subsystem has
// a finder for its own (store: temp files and stale locks; runtime: monitor processes, mounts,
// netns; build: build mounts and dirs); the facade runs them all (facade/system.ts).

export type LeftoverKind = 'process' | 'mount' | 'netns' | 'tmp' | 'lock' | 'layer' | 'blob';

export interface Leftover {
  readonly kind: LeftoverKind;
  /** The file, dir or mount point; absent for a process. */
  readonly path?: string;
  /** The process (kind 'process'). */
  readonly pid?: number;
  /** One line for a user: what it is and whose it was. */
  readonly detail: string;
}

/** A leftover after a repair: removed, or why not. */
export interface RepairedLeftover extends Leftover {
  readonly removed: boolean;
  readonly error?: string;
}

/**
 * One subsystem's finder. `find` must only report what no live dockui process owns (dead pids,
 * and pid start times against reuse); `remove` removes what `find` reported, in a safe order
 * (processes, then mounts, then files), and says per item whether it went.
 */
export interface LeftoverFinder {
  readonly name: string;
  find(paths: EnginePaths): Promise<Leftover[]>;
  remove(paths: EnginePaths, found: readonly Leftover[]): Promise<RepairedLeftover[]>;
}
