// Shapes the hooks hand to the views: what a pull, a build or a log stream looks like at one
// moment. Declared here (types only) so views stay free of the hooks' implementation.
import type { BuildStepEvent, ImageSummary, LogLine, PullProgress, SourceRange } from '../engine/define.js';

export type PullState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'pulling'; readonly ref: string; readonly progress: PullProgress | undefined; readonly startedAt: number }
  | { readonly phase: 'done'; readonly ref: string; readonly image: ImageSummary; readonly durationMs: number }
  | { readonly phase: 'failed'; readonly ref: string; readonly error: string };

export interface BuildOutputLine {
  readonly index: number;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface RebuildRecord {
  readonly buildId: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly steps: number;
  readonly cachedSteps: number;
  readonly error?: string;
}

/** One sample of the Stats pane's graphs; rates in bytes per second (undefined for the first sample). */
export interface StatsPointView {
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number | undefined;
  readonly pids: number;
  readonly netRx: number | undefined;
  readonly netTx: number | undefined;
  readonly blockRead: number | undefined;
  readonly blockWrite: number | undefined;
}

export type WatchState = 'watching' | 'paused' | 'building' | 'swapping' | 'failed';

export interface BuildState {
  readonly phase: 'idle' | 'building' | 'done' | 'failed';
  readonly buildId: string | undefined;
  readonly context: string | undefined;
  /** Latest event of each step, by position. */
  readonly steps: readonly BuildStepEvent[];
  readonly output: readonly BuildOutputLine[];
  readonly error: { readonly message: string; readonly range: SourceRange | undefined } | undefined;
  readonly durationMs: number | undefined;
  readonly imageId: string | undefined;
  readonly watch: { readonly state: WatchState; readonly files: number | undefined } | undefined;
  /** The last builds, newest first. */
  readonly history: readonly RebuildRecord[];
}

export interface LogsState {
  readonly containerId: string | undefined;
  readonly lines: readonly LogLine[];
  /** Lines dropped from the front of the ring buffer so far. */
  readonly dropped: number;
  readonly ended: boolean;
  readonly error: string | undefined;
}

export type StatusKind = 'info' | 'ok' | 'error' | 'busy';

export interface StatusMessage {
  readonly kind: StatusKind;
  readonly text: string;
  /** Said of the dev loop's next rebuild (`b`), with its newest record then: a newer record's outcome replaces it. */
  readonly devAfter?: { readonly last: DevRebuild | undefined };
}

// ---- the dev loop (`dockui DIR`: build, run, rebuild and swap on every save) ----

// The dev loop's phase and rebuild records are the engine's own types (type-only imports keep
// the views free of engine code); the view reads only the fields it shows.
export type { DevPhase } from '../engine/index.js';
import type { DevState, RebuildRecord as EngineRebuild } from '../engine/index.js';

/** One rebuild (or sync) of the dev loop, with the timings the Build pane shows. */
export type DevRebuild = Omit<EngineRebuild, 'paths'> & { readonly paths?: EngineRebuild['paths'] };

/** The engine's DevState as the Build pane shows it (history newest first). */
export type DevView = Omit<DevState, 'history' | 'buildsStarted'> & { readonly history: readonly DevRebuild[] };

/** The dev loop as the screen drives it; runTui supplies it when the folder has a Dockerfile. */
export interface DevControl {
  // Function-valued properties, not methods: React calls them detached from the object.
  readonly subscribe: (listener: () => void) => () => void;
  /** Undefined until the loop reports (its first build runs before it does). */
  readonly getSnapshot: () => DevView | undefined;
  /** A one-line failure to start the loop, if it failed. */
  readonly startError: string | undefined;
  /** Pauses or resumes watching; says which, for the status line. */
  toggleWatch(): string;
  /** Forces a rebuild (and swap); says what happens, for the status line. */
  rebuild(): string;
}
