// What the screen's action table and dialogs act on: the props, the engine's actions (through
// the facade, by the hooks), the data in view and the ways to change state. Built afresh on
// every render by Screen.tsx; the key handler reads the latest one.
import type { BuildControl } from '../hooks/useBuild.js';
import type { CommandRunner } from '../hooks/command-runner.js';
import type { EngineActions } from '../hooks/useEngineActions.js';
import type { GroupActions } from '../hooks/useGroupActions.js';
import type { ContainerEntry, ContainerGroup } from './groups.js';
import type { PullControl } from '../hooks/usePull.js';
import type { TerminalControl } from '../hooks/terminal-control.js';
import { formatError, type ContainerSummary, type ImageSummary } from '../engine/define.js';
import type { AppAction, AppState } from './app-state.js';
import type { CommandLog } from './command-log.js';
import type { ImageRow } from './ImagesPane.js';
import type { Layout } from './layout.js';
import { clampList } from './list-nav.js';
import type { LogsWindowInput } from './logs-view.js';
import type { PanesContext } from './screen-panes.js';
import type { DevControl, LogsState, StatusMessage } from './view-models.js';

export type BuildTarget = { readonly context: string; readonly tag: string } | { readonly unavailable: string };

export interface ScreenProps {
  /** What `b` builds: the folder's Dockerfile, or why there is nothing to build. */
  readonly build: BuildTarget;
  /** The dev loop (`dockui DIR` on a folder with a Dockerfile); absent when nothing is watched. */
  readonly dev?: DevControl;
}

export interface ScreenContext {
  readonly props: ScreenProps;
  readonly actions: EngineActions;
  /** A Compose project's and a pod's verbs (header rows of the container list). */
  readonly groups: GroupActions;
  readonly pull: PullControl;
  readonly build: BuildControl;
  readonly terminal: TerminalControl | undefined;
  /** Runs a custom command of tui.yaml. */
  readonly runCommand: CommandRunner;
  readonly exit: () => void;
  readonly layout: Layout;
  /** Every container, unfiltered. */
  readonly containers: readonly ContainerSummary[];
  readonly shownContainers: readonly ContainerSummary[];
  /** The list's rows: containers under their Compose project's or pod's header (groups.ts). */
  readonly containerEntries: readonly ContainerEntry[];
  /** The header row selected (a project or a pod), when the selection is one. */
  readonly selectedGroup: ContainerGroup | undefined;
  /** Every image, unfiltered. */
  readonly images: readonly ImageSummary[];
  /** Containers whose stop is in its grace period. */
  readonly stopping: ReadonlySet<string>;
  readonly setStopping: (id: string, on: boolean) => void;
  readonly shownImages: readonly ImageRow[];
  readonly selectedContainer: ContainerSummary | undefined;
  readonly selectedImage: ImageRow | undefined;
  readonly logs: LogsState;
  readonly logRows: number;
  readonly logsWindow: LogsWindowInput;
  readonly logMatches: readonly number[];
  readonly detailsLineCount: number;
  /** Through the reducer at once (keys in one chunk see each other's effect) and through React. */
  readonly dispatch: (a: AppAction) => void;
  readonly setStatus: (s: StatusMessage | undefined) => void;
  /** Clears the status line unless it reports work under way. */
  readonly clearStatus: () => void;
  readonly setSuspended: (on: boolean) => void;
  /** The dockui CLI line of every action taken (command-log.ts). */
  readonly commandLog: CommandLog;
  /** The Stats, Layers, Volumes and Networks panes' data (screen-panes.ts). */
  readonly panes: PanesContext;
}

/** Runs an engine call with a busy line, then its result or its error on the status line. */
export async function act(ctx: ScreenContext, busy: string, fn: () => Promise<string>): Promise<void> {
  ctx.setStatus({ kind: 'busy', text: busy });
  try {
    ctx.setStatus({ kind: 'ok', text: await fn() });
  } catch (e) {
    ctx.setStatus({ kind: 'error', text: formatError(e) });
  }
}

/** True (and says why) when containers cannot run here. */
export function cannotRun(ctx: ScreenContext, what: string): boolean {
  if (!ctx.actions.runtimeProblem) return false;
  ctx.setStatus({ kind: 'error', text: `cannot ${what}: ${ctx.actions.runtimeProblem}` });
  return true;
}

/**
 * The context with the selection the latest state points at. Keys read in one chunk (a fast
 * typist over ssh: "j " to move and pick) run before React re-renders: each must act on the row
 * the key before it moved to, not on the one the last frame showed.
 */
export function withLatestSelection(ctx: ScreenContext, st: AppState): ScreenContext {
  const h = ctx.layout.listRows;
  const e = ctx.containerEntries[clampList(st.lists.containers, ctx.containerEntries.length, h).selected];
  const c = e?.kind === 'container' ? e.container : undefined;
  const g = e?.kind === 'group' ? e.group : undefined;
  const i = ctx.shownImages[clampList(st.lists.images, ctx.shownImages.length, h).selected];
  return c === ctx.selectedContainer && i === ctx.selectedImage && g === ctx.selectedGroup
    ? ctx
    : { ...ctx, selectedContainer: c, selectedGroup: g, selectedImage: i };
}
