// A fake Engine for the VIEW tests only: it lets the TUI's tests drive every pane, key and
// dialog without runc, a registry or root. It implements the Engine interface from
// src/engine/types.ts with in-memory state, records the calls made on it, and lets a test
// hold a pull or a log stream open to see what the screen shows meanwhile. Integration and
// end-to-end tests use the real engine (style.md: fakes are for views and fault injection).
import {
  EngineError,
  type BuildStepEvent,
  type ContainerStats,
  type ContainerSummary,
  type ImageSummary,
  type LogLine,
  type PullProgress,
} from '../../../src/engine/define.js';
import { EventBus } from '../../../src/engine/events.js';
import type {
  BuildOptions,
  BuildResult,
  ContainersApi,
  Engine,
  ImageDetails,
  ImagesApi,
  LogsOptions,
  PullOptions,
  RunOptions,
} from '../../../src/engine/types.js';

class Store<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();
  constructor(v: T) {
    this.#value = v;
  }
  subscribe = (l: () => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };
  getSnapshot = () => this.#value;
  set(v: T) {
    this.#value = v;
    for (const l of this.#listeners) l();
  }
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

export function fakeContainer(over: Partial<ContainerSummary> & { id: string; name: string }): ContainerSummary {
  return {
    image: 'docker.io/library/busybox:latest',
    imageId: 'sha256:' + 'b'.repeat(64),
    command: 'sh -c "httpd -f"',
    state: 'running',
    createdAt: hoursAgo(3),
    startedAt: hoursAgo(3),
    ports: [],
    ...over,
  };
}

export function fakeImage(over: Partial<ImageSummary> & { id: string }): ImageSummary {
  return { digest: 'sha256:' + 'd'.repeat(64), names: [], size: 4_300_000, created: hoursAgo(48), inUse: 0, ...over };
}

export class FakeEngine implements Engine {
  readonly paths = { root: '/nonexistent/fake-root', runRoot: '/nonexistent/fake-run' };
  readonly events = new EventBus();
  readonly calls: string[] = [];
  runtimeProblem: string | undefined;
  readonly imagesStore: Store<readonly ImageSummary[]>;
  readonly containersStore: Store<readonly ContainerSummary[]>;
  /** When set, pulls wait on it after their first progress event. */
  pullGate: ReturnType<typeof deferred> | undefined;
  /** What inspect returns beyond its basics (mounts, networks, labels, health…), by container id. */
  readonly inspectJson = new Map<string, Record<string, unknown>>();
  /** Log lines already there when a stream opens, by container id. */
  readonly logHistory = new Map<string, LogLine[]>();
  readonly #logFollowers = new Map<string, Set<(l: LogLine) => void>>();
  buildFailure: EngineError | undefined;
  /** The next runs fail with this error, or start and exit with this code a moment later (writing `log`). */
  runFault: EngineError | { exitCode: number; log: string } | undefined;
  closed = false;
  /** How long a stop waits before it ends (a process that ignores SIGTERM); 0: at once. */
  stopGraceMs = 0;
  readonly #killed = new Map<string, () => void>();

  constructor(init: { images?: ImageSummary[]; containers?: ContainerSummary[]; runtimeProblem?: string } = {}) {
    this.imagesStore = new Store<readonly ImageSummary[]>(init.images ?? []);
    this.containersStore = new Store<readonly ContainerSummary[]>(init.containers ?? []);
    this.runtimeProblem = init.runtimeProblem;
  }

  static gate() {
    return deferred();
  }

  /** Appends a line to a followed log stream (and the history). */
  emitLog(id: string, line: LogLine): void {
    const h = this.logHistory.get(id) ?? [];
    h.push(line);
    this.logHistory.set(id, h);
    for (const f of this.#logFollowers.get(id) ?? []) f(line);
  }

  #find(idOrName: string): ContainerSummary {
    const c = this.containersStore.getSnapshot().find((x) => x.id === idOrName || x.name === idOrName);
    if (!c) throw new EngineError('not_found', `no such container: ${idOrName}`);
    return c;
  }

  #update(id: string, patch: Partial<ContainerSummary>): void {
    this.containersStore.set(this.containersStore.getSnapshot().map((c) => (c.id === id ? { ...c, ...patch } : c)));
  }

  readonly images: ImagesApi = {
    subscribe: (l) => this.imagesStore.subscribe(l),
    getSnapshot: () => this.imagesStore.getSnapshot(),
    refresh: async () => {
      this.calls.push('images.refresh');
    },
    pull: async (ref: string, opts?: PullOptions) => {
      this.calls.push(`pull ${ref}`);
      const abort = opts?.signal;
      const layers = [
        { digest: 'sha256:' + '1'.repeat(64), total: 2_000_000 },
        { digest: 'sha256:' + '2'.repeat(64), total: 500_000 },
      ];
      const progress = (frac: number): PullProgress => ({
        ref,
        layers: layers.map((l, i) => ({
          digest: l.digest,
          phase: frac >= 1 ? 'done' : i === 0 ? 'downloading' : 'waiting',
          current: Math.round(l.total * (i === 0 ? frac : frac >= 1 ? 1 : 0)),
          total: l.total,
        })),
        current: Math.round(2_500_000 * frac),
        total: 2_500_000,
      });
      if (ref.includes('missing')) throw new EngineError('not_found', `manifest unknown: ${ref}`);
      opts?.onProgress?.(progress(0.5));
      if (this.pullGate) {
        const gate = this.pullGate;
        await new Promise<void>((res, rej) => {
          abort?.addEventListener('abort', () => rej(new EngineError('canceled', 'canceled')), { once: true });
          void gate.promise.then(() => res());
        });
      }
      opts?.onProgress?.(progress(1));
      const image = fakeImage({
        id: 'sha256:' + 'f'.repeat(64),
        names: [ref.includes('/') || ref.includes(':') ? ref : `docker.io/library/${ref}:latest`],
      });
      this.imagesStore.set([...this.imagesStore.getSnapshot(), image]);
      return image;
    },
    remove: async (ref: string, opts?: { force?: boolean }) => {
      this.calls.push(`rmi ${ref}${opts?.force ? ' --force' : ''}`);
      const imgs = this.imagesStore.getSnapshot();
      const hit = imgs.find((i) => i.names.includes(ref) || i.id === ref);
      if (!hit) throw new EngineError('not_found', `no such image: ${ref}`);
      if (hit.inUse > 0 && !opts?.force)
        throw new EngineError('conflict', `image ${ref} is in use by container ${hit.id.slice(7, 19)} (remove it first, or use -f)`);
      // Forced while in use: untagged, and kept (unnamed) for its containers, as the store does.
      if (hit.inUse > 0) this.imagesStore.set(imgs.map((i) => (i === hit ? { ...i, names: i.names.filter((n) => n !== ref) } : i)));
      else this.imagesStore.set(imgs.filter((i) => i !== hit));
    },
    inspect: async (ref: string): Promise<ImageDetails> => {
      const hit = this.imagesStore.getSnapshot().find((i) => i.names.includes(ref) || i.id === ref);
      if (!hit) throw new EngineError('not_found', `no such image: ${ref}`);
      return {
        summary: hit,
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['sh'], Env: ['PATH=/bin'], WorkingDir: '/srv', ExposedPorts: { '80/tcp': {} } },
        layers: [
          {
            digest: 'sha256:' + '1'.repeat(64),
            diffId: 'sha256:' + 'a'.repeat(64),
            size: 4_000_000,
            createdBy: '/bin/sh -c #(nop) ADD file:busybox in /',
          },
          { digest: 'sha256:' + '2'.repeat(64), diffId: 'sha256:' + 'c'.repeat(64), size: 1_000, createdBy: 'COPY index.html /srv/' },
          { digest: '', diffId: '', size: 0, createdBy: '/bin/sh -c #(nop) CMD ["httpd"]', emptyLayer: true },
        ],
      };
    },
    tag: async () => {
      throw new EngineError('failed_precondition', 'not used by the TUI');
    },
    // As the store's gc: unnamed images no container uses.
    prune: async () => {
      this.calls.push('image prune');
      const used = new Set(this.containersStore.getSnapshot().map((c) => c.imageId));
      const gone = this.imagesStore.getSnapshot().filter((i) => i.names.length === 0 && !used.has(i.id));
      this.imagesStore.set(this.imagesStore.getSnapshot().filter((i) => !gone.includes(i)));
      return { imagesRemoved: gone.map((i) => i.id), bytesFreed: gone.reduce((n, i) => n + i.size, 0) };
    },
  };

  readonly containers: ContainersApi = {
    subscribe: (l) => this.containersStore.subscribe(l),
    getSnapshot: () => this.containersStore.getSnapshot(),
    refresh: async () => {
      this.calls.push('containers.refresh');
    },
    create: async (o: RunOptions) => this.#create(o, 'created'),
    start: async (id) => {
      this.calls.push(`start ${id}`);
      const c = this.#find(id);
      if (this.runtimeProblem) throw new EngineError('failed_precondition', this.runtimeProblem);
      this.#update(c.id, { state: 'running', startedAt: new Date().toISOString() });
    },
    run: async (o: RunOptions) => {
      this.calls.push(`run ${JSON.stringify(o)}`);
      const fault = this.runFault;
      if (fault instanceof EngineError) throw fault;
      const c = this.#create(o, 'running');
      if (fault) {
        this.logHistory.set(c.id, [{ stream: 'stderr', text: fault.log, time: new Date().toISOString() }]);
        setTimeout(() => this.#update(c.id, { state: 'exited', exitCode: fault.exitCode, finishedAt: new Date().toISOString() }), 30);
      }
      return c;
    },
    stop: async (id) => {
      this.calls.push(`stop ${id}`);
      const c = this.#find(id);
      // A process that ignores SIGTERM: the stop lasts the grace period, or until a kill.
      if (this.stopGraceMs > 0)
        await new Promise<void>((res) => {
          const t = setTimeout(res, this.stopGraceMs);
          this.#killed.set(c.id, () => {
            clearTimeout(t);
            res();
          });
        });
      this.#killed.delete(c.id);
      this.#update(c.id, { state: 'exited', exitCode: 143, finishedAt: new Date().toISOString() });
    },
    restart: async (id) => {
      this.calls.push(`restart ${id}`);
      this.#update(this.#find(id).id, { state: 'running', startedAt: new Date().toISOString() });
    },
    pause: async (id) => {
      this.calls.push(`pause ${id}`);
      this.#update(this.#find(id).id, { state: 'paused' });
    },
    unpause: async (id) => {
      this.calls.push(`unpause ${id}`);
      this.#update(this.#find(id).id, { state: 'running' });
    },
    kill: async (id, signal) => {
      this.calls.push(`kill ${id}${signal ? ` ${signal}` : ''}`);
      const c = this.#find(id);
      const waiting = this.#killed.get(c.id);
      if (waiting) waiting();
      else this.#update(c.id, { state: 'exited', exitCode: 137, finishedAt: new Date().toISOString() });
    },
    remove: async (id, opts) => {
      this.calls.push(`rm ${id}${opts?.force ? ' --force' : ''}`);
      const c = this.#find(id);
      if (c.state === 'running' && !opts?.force) throw new EngineError('conflict', `container ${c.name} is running: stop it first`);
      this.containersStore.set(this.containersStore.getSnapshot().filter((x) => x.id !== c.id));
    },
    logs: (id: string, opts?: LogsOptions) => this.#logs(id, opts),
    inspect: async (id: string) => {
      this.calls.push(`inspect ${id}`);
      const c = this.#find(id);
      return {
        Id: c.id,
        Name: `/${c.name}`,
        RestartCount: c.restartCount ?? 0,
        Mounts: [],
        Config: { Env: ['PATH=/bin'], Labels: {} },
        HostConfig: { NetworkMode: 'private', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
        NetworkSettings: { IPAddress: '10.0.2.100', Networks: {} },
        ...this.inspectJson.get(c.id),
      };
    },
    stats: async (id): Promise<ContainerStats> => ({ id, cpuPercent: 12.5, memoryBytes: 7_340_032, pids: 3, at: Date.now() }),
    syncFiles: async (id, entries) => {
      this.calls.push(`sync ${id} ${entries.length}`);
    },
    execShellCommand: (id) => ['sh', '-c', `exit 0 # exec -it ${id} sh`],
    prune: async () => {
      this.calls.push('container prune');
      const all = this.containersStore.getSnapshot();
      const gone = all.filter((c) => c.state === 'exited' || c.state === 'created');
      this.containersStore.set(all.filter((c) => !gone.includes(c)));
      return gone.map((c) => c.id);
    },
  };

  #seq = 0;
  #create(o: RunOptions, state: 'created' | 'running'): ContainerSummary {
    if (this.runtimeProblem) throw new EngineError('failed_precondition', this.runtimeProblem);
    const id = `${(++this.#seq).toString(16).padStart(4, '0')}${'e'.repeat(60)}`;
    const c = fakeContainer({ id, name: o.name ?? `fake_${this.#seq}`, image: o.image, state, startedAt: new Date().toISOString() });
    this.containersStore.set([c, ...this.containersStore.getSnapshot()]);
    return c;
  }

  async *#logs(id: string, opts?: LogsOptions): AsyncIterable<LogLine> {
    this.calls.push(`logs ${id}${opts?.tail !== undefined ? ` --tail ${opts.tail}` : ''}${opts?.since ? ` --since ${opts.since}` : ''}`);
    // --since as the engine reads it: a duration ago (1h30m, 10m, 45s) or a date; lines without a time stay.
    const dur = opts?.since ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(opts.since) : null;
    const from = !opts?.since
      ? undefined
      : dur
        ? Date.now() - (Number(dur[1] ?? 0) * 3600 + Number(dur[2] ?? 0) * 60 + Number(dur[3] ?? 0)) * 1000
        : Date.parse(opts.since);
    const history = (this.logHistory.get(id) ?? []).filter((l) => from === undefined || l.time === '' || Date.parse(l.time) >= from);
    for (const l of history.slice(-(opts?.tail ?? history.length))) yield l;
    if (!opts?.follow) return;
    const queue: LogLine[] = [];
    let wake: (() => void) | undefined;
    const follower = (l: LogLine) => {
      queue.push(l);
      wake?.();
    };
    let set = this.#logFollowers.get(id);
    if (!set) this.#logFollowers.set(id, (set = new Set()));
    set.add(follower);
    try {
      while (!opts.signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((res) => {
          wake = res;
          opts.signal?.addEventListener('abort', () => res(), { once: true });
        });
        wake = undefined;
      }
    } finally {
      set.delete(follower);
    }
  }

  readonly builds = {
    build: async (o: BuildOptions): Promise<BuildResult> => {
      this.calls.push(`build ${o.context} ${o.tags?.join(',') ?? ''}`);
      const buildId = 'build-1';
      const step = (index: number, instruction: string, status: BuildStepEvent['status'], durationMs?: number): BuildStepEvent => ({
        buildId,
        index,
        total: 3,
        stage: '',
        instruction,
        range: { file: 'Dockerfile', line: index + 1, column: 1 },
        status,
        ...(durationMs !== undefined ? { durationMs } : {}),
      });
      o.onStep?.(step(0, 'FROM busybox', 'cached'));
      o.onStep?.(step(1, 'COPY . /srv', 'started'));
      o.onStep?.(step(1, 'COPY . /srv', 'done', 120));
      o.onStep?.(step(2, 'RUN make', 'started'));
      o.onOutput?.(2, 'stdout', 'compiling…');
      if (this.buildFailure) {
        o.onOutput?.(2, 'stderr', 'make: *** no rule to make target');
        o.onStep?.({ ...step(2, 'RUN make', 'failed'), error: this.buildFailure.message });
        throw this.buildFailure;
      }
      o.onStep?.(step(2, 'RUN make', 'done', 1500));
      return { buildId, imageId: 'sha256:' + '9'.repeat(64), steps: 3, cachedSteps: 1, durationMs: 1700 };
    },
  };

  async close(): Promise<void> {
    this.closed = true;
  }
}
