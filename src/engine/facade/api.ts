// The engine's public API as types (podman's pkg/domain/entities, in spirit): one interface per
// noun, each operation returning a report object or a typed stream, failing with an EngineError
// (define.ts). The CLI verbs, the TUI and the dev loop all go through these; src/engine/index.ts
// exports them with the implementation (facade/engine.ts). Types only: nothing here loads code.
import type { ChildProcess } from 'node:child_process';
import type { ContainerStats, ContainerSummary, EngineError, ImageSummary, LogLine, PullProgress, RestartPolicy } from '../define.js';
export type { HealthConfig, HealthLogEntry, HealthState, HealthStatus, RestartPolicy } from '../define.js';
import type { EnginePaths } from '../paths.js';
import type { NetworkRecord } from '../network/bridge.js';
import type { PushResult } from '../registry/push.js';
import type { DockerEvent } from '../event-log.js';
import type { ContainerRecord, IndexCheckProblem } from '../runtime/records.js';
import type { ExecOptions } from '../runtime/support.js';
import type { CheckReport, DfReport, GcOptions, GcReport, Store } from '../store/index.js';
import type { DevLoop, DevLoopOptions } from '../watch/dev-loop.js';
import type { ComposeEvent } from '../compose/ops.js';
import type { ComposeModel, LoadedProject, ServiceConfig } from '../compose/types.js';
import type { LoadOptions as ComposeLoadOptions } from '../compose/load.js';
import type { UpOptions as ComposeUpOptions, DownOptions as ComposeDownOptions } from '../compose/project.js';
import type { WatchEvent as ComposeWatchEvent } from '../compose/watch.js';
import type { RunOneOffOptions as ComposeRunOptions } from '../compose/oneoff.js';
import type {
  BuildOptions,
  BuildOutput,
  BuildResult,
  BuildsApi,
  ContainersApi,
  Engine,
  ImageDetails,
  ImagesApi,
  Leftover,
  LeftoverFinder,
  LeftoverKind,
  LogsOptions,
  PullOptions,
  RepairedLeftover,
  RunOptions,
} from '../types.js';

export type {
  CheckReport,
  DfReport,
  GcOptions,
  GcReport,
  BuildOptions,
  BuildOutput,
  BuildResult,
  ImageDetails,
  LogsOptions,
  PullOptions,
  RunOptions,
};
export type { Leftover, LeftoverFinder, LeftoverKind, RepairedLeftover };
export type { DevLoop, DevPhase, DevState, RebuildRecord } from '../watch/dev-loop.js';
export type { EnginePaths };
export type { CommitOptions, CommitResult } from './commit.js';
import type { CommitOptions, CommitResult } from './commit.js';

export interface EngineOptions {
  /** Resolved paths (the CLI resolves them once); otherwise from root/runRoot and the environment. */
  readonly paths?: EnginePaths;
  readonly root?: string;
  readonly runRoot?: string;
  /** Registries reached over plain HTTP besides loopback (--insecure-registry). */
  readonly insecureRegistries?: readonly string[];
}

// ---- containers ---------------------------------------------------------------------

/** A container as `ps`, `inspect` and the CLI see it: its record plus the summary's command line. */
export type ContainerReport = Readonly<ContainerRecord> & ContainerSummary;

/** A line of a container's log; `partial`: the line goes on in the next one (no newline yet). */
export interface LogLineReport extends LogLine {
  readonly partial?: boolean;
}

/** What `exec` runs and how: the runtime's own options, as they are. */
export type { ExecOptions };

/** A path in a container, as Docker's X-Docker-Container-Path-Stat header gives it (mode in Go's bits). */
export interface ContainerPathStat {
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: string;
  readonly linkTarget: string;
}

/** One end of `cp`: a host path, or a tar stream (`-`): written to (from a container) or read from (into one). */
export type CopyEnd =
  | { readonly path: string }
  /** Out as a tar; `onStat` hears what the path is before the first byte (the API's stat header). */
  | { readonly stream: NodeJS.WritableStream; readonly onStat?: (stat: ContainerPathStat) => void }
  | { readonly source: AsyncIterable<Buffer> };

export interface CopyOptions {
  /** -a: keep the source's uid/gid. */
  readonly archive?: boolean;
  /** -L: follow SRC_PATH when it is a symlink. */
  readonly followLink?: boolean;
}

/** `docker update`: what may change on a container (absent: unchanged; "0" lifts a limit). */
export interface ContainerUpdate {
  readonly memory?: string;
  readonly cpus?: string;
  readonly pidsLimit?: number;
  /** HostConfig.RestartPolicy; { Name: "no" } removes it. */
  readonly restart?: RestartPolicy;
  /** Bytes, or -1 for unlimited swap. */
  readonly memorySwap?: string;
  readonly memoryReservation?: string;
  readonly cpuShares?: number;
}

export interface TopReport {
  readonly titles: string[];
  readonly processes: string[][];
}

/** One line of `docker diff`: A(dded), C(hanged) or D(eleted), an absolute path in the container. */
export interface ContainerChange {
  readonly kind: 'A' | 'C' | 'D';
  readonly path: string;
}

export type { AttachOptions, AttachResult, ExecSessionApi, ExecSessionOptions, ExecStreamsOptions } from './attach-types.js';
import type { AttachOptions, AttachResult, ExecSessionApi } from './attach-types.js';

export interface ContainerEngine extends ContainersApi, ExecSessionApi {
  /**
   * `docker attach`: the container's output from now on (and stdin, see AttachOptions) until it
   * exits (resolves to its exit code) or the detach keys. failed_precondition when it is not running.
   */
  attach(idOrName: string, opts: AttachOptions): Promise<AttachResult>;
  /** Records reconciled with what is alive, newest first; running and paused only unless `all`. */
  list(opts?: { all?: boolean }): Promise<ContainerReport[]>;
  /** Exact id, exact name or a unique id prefix (not_found, invalid_argument when ambiguous). */
  find(idOrName: string): Promise<ContainerReport>;
  /** `docker inspect`'s JSON shape, reconciled first. */
  inspect(idOrName: string): Promise<Record<string, unknown>>;
  create(opts: RunOptions): Promise<ContainerReport>;
  /** `foreground`: a `run` without -d that follows the log (conmon keeps the container's exit). */
  start(idOrName: string, opts?: { foreground?: boolean }): Promise<void>;
  /** `runc run` in this process's foreground with its stdio (run --rm, -i, -t); resolves to the exit code. */
  runAttached(idOrName: string, opts?: { signal?: AbortSignal }): Promise<number>;
  /** Resolves to the exit code once the container has exited. */
  wait(idOrName: string, signal?: AbortSignal): Promise<number>;
  logs(idOrName: string, opts?: LogsOptions): AsyncIterable<LogLineReport>;
  exec(idOrName: string, opts: ExecOptions): Promise<ChildProcess>;
  stats(idOrName: string, sampleMs?: number): Promise<ContainerStats>;
  top(idOrName: string, psArgs?: string): Promise<TopReport>; // the host's `ps -ef` (or psArgs), as docker top
  /** `docker diff`: the changes in the container's writable layer, in docker's order. */
  diff(idOrName: string): Promise<ContainerChange[]>;
  /** `docker ps -s`: bytes in the writable layer (`rw`) and with the image's (`rootFs`). */
  size(idOrName: string): Promise<{ readonly rw: number; readonly rootFs: number }>;
  rename(idOrName: string, newName: string): Promise<void>;
  /** `docker cp`: what `path` is in a container, running or not (resolved inside its root). */
  statPath(idOrName: string, path: string): Promise<ContainerPathStat>;
  /** `docker export`: the container's filesystem (no volumes) as a tar stream. */
  exportTo(idOrName: string, to: NodeJS.WritableStream): Promise<void>;
  /** `docker commit`: a new image of the container's image plus its changes (one layer, none when unchanged). */
  commit(idOrName: string, opts?: CommitOptions): Promise<CommitResult>;
  /** `docker update`: the record, and a running container's cgroup at once (runc update). */
  update(idOrName: string, u: ContainerUpdate): Promise<void>;
  /** `docker cp CONTAINER:SRC DEST`: Docker's archive rules, paths resolved inside the container's root. */
  copyFrom(idOrName: string, ctrPath: string, to: CopyEnd, opts?: CopyOptions): Promise<void>;
  /** `docker cp SRC CONTAINER:DEST`; a tar stream is unpacked into DEST, which must be a directory. */
  copyTo(idOrName: string, from: CopyEnd, ctrPath: string, opts?: CopyOptions): Promise<void>;
  /** Removes every stopped container; resolves to the ids removed. */
  prune(): Promise<string[]>;
  /** conmon's exit command: records the exit, frees the container's resources, applies its restart policy. */
  cleanup(id: string): Promise<void>;
  /** The health runner's step: one probe recorded in State.Health; false once the container no longer runs. */
  healthcheck(id: string): Promise<boolean>;
  /** What a boot would do (`system restore`): starts the containers whose restart policy says so; their ids. */
  restore(): Promise<string[]>;
}

// ---- images -------------------------------------------------------------------------

export interface PullReport extends ImageSummary {
  /** Normalized reference the record was written under. */
  readonly ref: string;
  /** Digest of the index the platform image was picked from, when the reference named one. */
  readonly indexDigest?: string;
  readonly platform: string;
  /** Compressed bytes fetched in this pull. */
  readonly downloaded: number;
  /** Every part was in the store already. */
  readonly upToDate: boolean;
  /** Device nodes in the image's layers left out (rootless: a user namespace cannot make them). */
  readonly skippedDevices?: readonly string[];
}

export interface ImagePullOptions extends PullOptions {
  /** A broken transfer is retried (for --debug output). */
  readonly onRetry?: (what: string, why: string) => void;
}

/** A finished push: the registry client's result, as it is. */
export type PushReport = PushResult;

/** One image of a removal, in the order asked: what went, or why not. */
export type ImageRemoveResult =
  | {
      readonly ref: string;
      /** Normalized names removed. */
      readonly untagged: readonly string[];
      /** Image ids deleted (no name was left). */
      readonly deleted: readonly string[];
    }
  | { readonly ref: string; readonly error: EngineError };

export interface ImageRemoveReport {
  readonly results: readonly ImageRemoveResult[];
}

export interface LoadReport {
  readonly id: string;
  readonly refs: readonly string[];
  readonly names: readonly string[];
  readonly replaced: readonly { readonly name: string; readonly id: string }[];
}

export interface ImportReport {
  readonly id: string;
  readonly ref: string;
  readonly diffId: string;
  readonly digest: string;
  readonly size: number;
}

/** Where an archive goes (save) or comes from (load): a file, or a stream (stdout/stdin). */
export type ArchiveTarget = { readonly file: string } | { readonly stream: NodeJS.WritableStream };
export type ArchiveSource = { readonly file: string } | { readonly stream: AsyncIterable<Buffer>; readonly name?: string };

/** One row of `docker history`, newest first: a step of the image's config history. */
export interface ImageHistoryEntry {
  /** The image id on the top row; "<missing>" below it (dockui keeps no intermediate images). */
  readonly id: string;
  readonly created?: string;
  readonly createdBy: string;
  /** Unpacked bytes of the layer this step made; 0 for a step without one. */
  readonly size: number;
  readonly comment: string;
}

export interface ImageEngine extends ImagesApi {
  /**
   * One summary per image id, newest first. `countUsers: false` skips reading every container
   * record to count each image's users: `inUse` is then -1 (not counted), as Docker's API's
   * Containers field (`docker images` shows no count).
   */
  list(opts?: { countUsers?: boolean }): Promise<ImageSummary[]>;
  pull(ref: string, opts?: ImagePullOptions): Promise<PullReport>;
  push(ref: string, opts?: { signal?: AbortSignal; onProgress?: (p: PullProgress) => void }): Promise<PushReport>;
  /**
   * `rmi`: untags each (by id: every name; refused while a container uses it unless `force`),
   * then frees the space once (deferred to the next prune while a pull or build runs). A failure
   * of one image (an EngineError) is its result; the others go on.
   */
  removeMany(refs: readonly string[], opts?: { force?: boolean; signal?: AbortSignal }): Promise<ImageRemoveReport>;
  inspectJson(ref: string): Promise<Record<string, unknown>>; // `docker image inspect`'s JSON shape
  resolveIds(refs: readonly string[]): Promise<Map<string, string>>; // the id each ref names now, as create finds it; none: left out
  /** ps's ancestor=: per ref, the id it names now and those of the images built on it (image-lineage.ts); none: left out. */
  ancestorIds(refs: readonly string[]): Promise<Map<string, Set<string>>>;
  /** `docker history`: the config's history, newest first, with each layer's unpacked size. */
  history(ref: string): Promise<ImageHistoryEntry[]>;
  /**
   * The layer explorer (dive): per layer, bottom first, its build step and the files it adds,
   * modifies and removes; the bytes wasted on versions later layers overwrote or removed, and
   * dive's efficiency score.
   */
  layerFiles(ref: string): Promise<ImageLayerFilesReport>;
  /** Dangling images (and with `all`, every image no container uses), then the space they held. */
  prune(opts?: { all?: boolean; signal?: AbortSignal }): Promise<GcReport>;
  save(names: readonly string[], to: ArchiveTarget, opts?: { signal?: AbortSignal }): Promise<void>;
  load(
    from: ArchiveSource,
    opts?: { signal?: AbortSignal; onLayer?: (diffId: string, size: number, existed: boolean) => void },
  ): Promise<LoadReport[]>;
  /** A one-layer image from a root filesystem tarball (plain or gzip). */
  importRootfs(
    source: AsyncIterable<Buffer>,
    name: string,
    opts?: { sourceName?: string; message?: string; signal?: AbortSignal },
  ): Promise<ImportReport>;
}

// ---- volumes, registry, system, build, dev --------------------------------------------

export interface VolumeReport {
  readonly name: string;
  readonly mountpoint: string;
  readonly createdAt: string;
}

export interface VolumeEngine {
  list(): Promise<VolumeReport[]>;
  /** Resolves to the volume; `created` is false when it existed already. */
  create(name: string): Promise<{ volume: VolumeReport; created: boolean }>;
  /** not_found for an unknown volume, conflict while a container uses it. */
  remove(name: string): Promise<void>;
  inspect(name: string): Promise<VolumeReport>;
  /** Bytes of its files (hardlinks counted once): the TUI's volume details. not_found for an unknown volume. */
  size(name: string): Promise<number>;
}

export type { ManifestIndexReport, ManifestInspectReport, ManifestReport } from './manifest-report.js';
export type { RegistryEngine, SearchOptions, SearchReport, SearchResult, TagListReport } from './registry-api.js';
import type { RegistryEngine } from './registry-api.js';
import type { SystemDfReport } from './df-report.js';

export interface SystemPruneReport extends GcReport {
  /** Build cache entries dropped (`all`). */
  readonly cacheEntriesRemoved: number;
  /** Leftovers of killed processes removed (see SystemCheckReport). */
  readonly leftoversRemoved: number;
}

export type CheckOptions = NonNullable<Parameters<Store['check']>[0]> & {
  /** Also remove the leftovers found (processes, mounts, netns, temp files, stale locks). */
  readonly repair?: boolean;
};

export interface SystemCheckReport extends CheckReport {
  /** What killed dockui processes left behind; `removed` says which a repair removed. */
  readonly leftovers: readonly RepairedLeftover[];
  readonly repaired: boolean;
  /**
   * The container index (names → ids, running markers) against the records: what disagreed
   * and, after a repair's rebuild, how many disagreements remain.
   */
  readonly containerIndex: { readonly problems: readonly IndexCheckProblem[]; readonly remaining: number };
}

export type { DockerEvent } from '../event-log.js';
export type { IndexCheckProblem } from '../runtime/records.js';
export type { HostReport } from './host.js';
export type { ImageLayerFilesReport, LayerChange, LayerChangeKind, LayerFilesReport, WastedPath } from '../store/layer-tree.js';
import type { ImageLayerFilesReport } from '../store/layer-tree.js';
import type { HostReport } from './host.js';

export interface SystemEngine {
  /**
   * `docker events`: container and image events every dockui process logged (RUNROOT/events.log),
   * from `sinceMs`; with `follow`, then live until `untilMs` or the signal.
   */
  events(opts?: { sinceMs?: number; untilMs?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<DockerEvent>;
  /** Re-verifies every blob, layer and image record, and looks for leftovers of killed processes. */
  check(opts?: CheckOptions): Promise<SystemCheckReport>;
  /** Disk use: the store's, the containers' writable layers and the volumes (`docker system df`). */
  df(): Promise<SystemDfReport>;
  gc(opts?: GcOptions): Promise<GcReport>;
  /** Dangling images, partial downloads, dead temp files; with `all` also unused images and the build cache. */
  prune(opts?: { all?: boolean; signal?: AbortSignal }): Promise<SystemPruneReport>;
  /** The host's CPU (busy since the previous call), memory and load: the TUI's summary line. */
  host(): Promise<HostReport>;
}

/** A build whose context comes as a tar stream; `dockerfile` is a path inside that context. */
export type ArchiveBuildOptions = Omit<BuildOptions, 'context' | 'dockerfile'> & { readonly dockerfile?: string };

export type { BuildPruneOptions, BuildPruneReport } from '../build/prune.js';
import type { BuildPruneOptions, BuildPruneReport } from '../build/prune.js';

export type BuildEngine = BuildsApi & {
  build(opts: BuildOptions): Promise<BuildResult>;
  /**
   * `docker builder prune`: removes build cache records (step entries, RUN cache mounts) — those
   * no image shares unless `all`, last used before `untilMs` ago, oldest first down to
   * `keepBytes` — then frees the layers only they held. Ids removed and bytes freed.
   */
  prune(opts?: BuildPruneOptions): Promise<BuildPruneReport>;
  /**
   * The Engine API's POST /build: the context as a tar stream (plain or gzip), unpacked into a
   * private dir under ROOT/tmp (every path resolved inside it), built, and removed.
   */
  buildArchive(source: AsyncIterable<Buffer>, opts: ArchiveBuildOptions): Promise<BuildResult>;
};

/** The dev loop's options, as `dockui DIR` and `dockui dev DIR` both take them. */
export interface DevStartOptions {
  readonly dir: string;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** --sync rules (SRC:DEST[:restart]), added to DIR/dockui.json's. */
  readonly sync?: readonly string[];
  /** Container name; default <dir-name>-dev. */
  readonly name?: string;
  readonly publish?: readonly string[];
  readonly env?: readonly string[];
  readonly volumes?: readonly string[];
  readonly debounceMs?: number;
  readonly onBuildStep?: DevLoopOptions['onBuildStep'];
  readonly onBuildOutput?: DevLoopOptions['onBuildOutput'];
}

export interface DevEngine {
  /** Builds DIR, runs it, and watches it: rebuild and swap (or sync) on every save. */
  start(opts: DevStartOptions): Promise<DevLoop>;
}

// ---- networks, compose ------------------------------------------------------------------

/** A dockui network as its record on disk holds it. */
export type NetworkReport = NetworkRecord;

export interface NetworkEngine {
  list(): Promise<NetworkReport[]>;
  /** A bridge with its own /24 and resolver; `created` is false when it existed already. */
  create(
    name: string,
    opts?: { labels?: Record<string, string>; internal?: boolean },
  ): Promise<{ network: NetworkReport; created: boolean }>;
  /** not_found for an unknown network, conflict while a container is attached. */
  remove(nameOrId: string): Promise<void>;
  /** By exact name, exact id or a unique id prefix (not_found; invalid_argument when ambiguous). */
  inspect(nameOrId: string): Promise<NetworkReport>;
  /**
   * `docker network connect`: the container joins the network, with extra names on it; a
   * running one at once (a new interface), a created or stopped one at its next start.
   */
  connect(nameOrId: string, container: string, opts?: { aliases?: readonly string[] }): Promise<void>;
  /** `docker network disconnect`: a running container loses the interface at once. */
  disconnect(nameOrId: string, container: string): Promise<void>;
  /** Removes every network no container is on (those `keep` does not keep); resolves to their names. */
  prune(opts?: { keep?: (n: NetworkReport) => boolean }): Promise<string[]>;
}

export type {
  ComposeEvent,
  ComposeModel,
  LoadedProject,
  ServiceConfig,
  ComposeLoadOptions,
  ComposeUpOptions,
  ComposeDownOptions,
  ComposeWatchEvent,
  ComposeRunOptions,
};

/** `compose ls`: a project the engine has containers of. */
export interface ComposeProjectSummary {
  readonly name: string;
  /** Compose's words: "running(2)", "running(1), exited(1)". */
  readonly status: string;
  readonly configFiles: string;
  /** True when at least one of its containers runs. */
  readonly running: boolean;
}

export interface ComposeWatchOptions {
  readonly services?: readonly string[];
  readonly onWatch?: (e: ComposeWatchEvent) => void;
  readonly onEvent?: (e: ComposeEvent) => void;
  readonly onBuildOutput?: (service: string, line: string) => void;
  readonly debounceMs?: number;
}

/** A running `compose watch`: close() stops watching (the containers keep running). */
export interface ComposeWatchHandle {
  /** Resolves when no change is waiting or being applied. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A loaded Compose project and its verbs. */
export interface ComposeProjectHandle {
  readonly project: LoadedProject;
  /** The resolved model as YAML (`config`). */
  configYaml(): string;
  up(opts?: ComposeUpOptions): Promise<void>;
  down(opts?: ComposeDownOptions): Promise<void>;
  /** The project's containers (all states), newest first; only these services when named. */
  containers(opts?: { all?: boolean; services?: readonly string[] }): Promise<ContainerReport[]>;
  start(services?: readonly string[], onEvent?: (e: ComposeEvent) => void): Promise<void>;
  stop(services?: readonly string[], opts?: { timeoutSec?: number; onEvent?: (e: ComposeEvent) => void }): Promise<void>;
  restart(services?: readonly string[], opts?: { timeoutSec?: number; onEvent?: (e: ComposeEvent) => void }): Promise<void>;
  rm(
    services?: readonly string[],
    opts?: { force?: boolean; stop?: boolean; volumes?: boolean; onEvent?: (e: ComposeEvent) => void },
  ): Promise<void>;
  /** Builds the services that have a build section (the named ones only, when named). */
  build(
    services?: readonly string[],
    opts?: {
      signal?: AbortSignal;
      onEvent?: (e: ComposeEvent) => void;
      onBuildOutput?: (service: string, line: string) => void;
    },
  ): Promise<void>;
  /** Pulls the images of services that name one. */
  pull(services?: readonly string[], opts?: { signal?: AbortSignal; onEvent?: (e: ComposeEvent) => void }): Promise<void>;
  /** Pushes the images of services that have both `build` and `image` (Compose's rule); a failure stops unless ignoreFailures. */
  push(
    services?: readonly string[],
    opts?: { signal?: AbortSignal; ignoreFailures?: boolean; onEvent?: (e: ComposeEvent) => void; onError?: (e: unknown) => void },
  ): Promise<void>;
  /** `compose run`: creates a one-off container of the service (dependencies started first); the caller starts it. */
  runOneOff(opts: ComposeRunOptions): Promise<ContainerReport>;
  /** The running container of a service (the index'th, default 1), for exec. */
  serviceContainer(service: string, index?: number): Promise<ContainerReport>;
  /**
   * Watches the services' develop.watch paths (the project must be up): an initial sync of what
   * changed since each image was built, then sync / rebuild / restart on every save, and the
   * model re-read (and applied) when a compose or env file changes.
   */
  watch(opts?: ComposeWatchOptions): Promise<ComposeWatchHandle>;
}

export interface ComposeEngine {
  /** Reads, interpolates, validates and merges the files; a broken file is one line naming file:line (invalid_argument). */
  load(opts?: ComposeLoadOptions): Promise<ComposeProjectHandle>;
  /** `compose ls`: projects with containers here (with `all`, also those with none running), by name. */
  ls(opts?: { all?: boolean }): Promise<ComposeProjectSummary[]>;
}

// ---- kube ----------------------------------------------------------------------------------

export type { KubeObject } from '../kube/generate.js';
import type { KubeObject } from '../kube/generate.js';

export interface KubeGenerateOptions {
  /** Containers by name or id: one workload each. */
  readonly containers?: readonly string[];
  /** A Compose project's containers: one workload per service, its replicas the Deployment's. */
  readonly composeProject?: string;
  /** deployment (the default) or pod. */
  readonly type?: string;
  /** A Service for each workload with ports (-s); default: on for a Compose project, off otherwise. */
  readonly service?: boolean;
}

export interface KubeManifests {
  /** Multi-document YAML, kubectl's input. */
  readonly yaml: string;
  readonly objects: readonly KubeObject[];
  /** What could not be mapped, one line each. */
  readonly notes: readonly string[];
}

export type { PlayReport as KubePlayReport, DownReport as KubeDownReport } from '../kube/run-play.js';
import type { PlayReport as KubePlayReport, DownReport as KubeDownReport } from '../kube/run-play.js';

export interface KubeEngine {
  /** Deployment (or Pod), Service, PVC and ConfigMap objects, each validated against the Kubernetes schemas. */
  generate(opts: KubeGenerateOptions): Promise<KubeManifests>;
  /**
   * podman's `kube play`: the file's Pods and Deployments (replicas) as pods on the "kube" network
   * (Services resolve by name), hostPorts / NodePorts / `publish` on 127.0.0.1, PVCs as volumes,
   * ConfigMaps and Secrets as env, probes as healthchecks. `text`: the YAML itself (file names it).
   */
  play(file: string, opts?: { text?: string; publish?: readonly string[]; signal?: AbortSignal }): Promise<KubePlayReport>;
  /** Removes the file's pods (and emptyDir volumes; PVC volumes too with `force`), the network once unused. */
  down(file: string, opts?: { text?: string; force?: boolean }): Promise<KubeDownReport>;
}

// ---- pods ----------------------------------------------------------------------------------

export type { PodCreateOptions, PodReport, PodStatus } from '../pod/pods.js';
import type { PodCreateOptions, PodReport } from '../pod/pods.js';

/** podman's pods: an infra container holding network, IPC and UTS namespaces its members join. */
export interface PodEngine {
  create(opts: PodCreateOptions): Promise<PodReport>;
  /** Newest first. */
  list(): Promise<PodReport[]>;
  inspect(nameOrId: string): Promise<PodReport>;
  /** The infra container first, then every member not running. */
  start(nameOrId: string): Promise<PodReport>;
  /** The members (their stop signal and timeout), then the infra container. */
  stop(nameOrId: string, opts?: { timeoutSec?: number }): Promise<PodReport>;
  /** Members, infra container and record; conflict while some run unless `force`. */
  remove(nameOrId: string, opts?: { force?: boolean }): Promise<void>;
}

export interface DockuiEngine extends Engine {
  readonly images: ImageEngine;
  readonly containers: ContainerEngine;
  readonly builds: BuildEngine;
  readonly volumes: VolumeEngine;
  readonly registry: RegistryEngine;
  readonly system: SystemEngine;
  readonly dev: DevEngine;
  readonly networks: NetworkEngine;
  readonly compose: ComposeEngine;
  readonly kube: KubeEngine;
  readonly pods: PodEngine;
}
