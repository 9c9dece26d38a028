// The UI state of the screen (which pane, which modal, cursors, filters, log view) as one pure
// reducer. Engine data is not in here: it comes live from the hooks and is joined at render.
import { containerSorts, type ContainerSort } from './filters.js';
import { paneIds, type PaneId } from './keymap.js';
import { clampList, initialList, moveList, type ListMove, type ListState } from './list-nav.js';
import { initialLogsDisplay, logsDisplayReducer, type LogsDisplay, type LogsDisplayAction } from './logs-display.js';
import { initialLogsView, logsReducer, type LogsAction, type LogsViewState, type LogsWindowInput } from './logs-view.js';
import { runForm, runFormReducer, type RunFormAction, type RunFormState } from './run-form.js';
import { textInput, textInputReducer, type TextInputAction, type TextInputState } from './text-input.js';

export type ConfirmIntent =
  | { readonly type: 'removeContainer'; readonly id: string; readonly name: string; readonly force: boolean }
  | { readonly type: 'killContainer'; readonly id: string; readonly name: string }
  | { readonly type: 'removeContainers'; readonly ids: readonly string[]; readonly names: readonly string[] }
  | { readonly type: 'prune' }
  | { readonly type: 'removeVolume'; readonly name: string }
  | { readonly type: 'removeNetwork'; readonly name: string }
  /** A Compose project's `down`, or a pod's removal (header rows of the container list). */
  | { readonly type: 'groupDown'; readonly kind: 'project' | 'pod'; readonly id: string; readonly name: string }
  /** `force` when containers use the image: it is untagged, and stays for them. */
  | { readonly type: 'removeImage'; readonly ref: string; readonly label: string; readonly force: boolean };

export type Modal =
  | { readonly kind: 'confirm'; readonly title: string; readonly message: string; readonly intent: ConfirmIntent }
  | { readonly kind: 'form'; readonly form: RunFormState }
  | { readonly kind: 'pull'; readonly input: TextInputState }
  | { readonly kind: 'help'; readonly offset: number }
  /** The command log: the `dockui` CLI line of every action taken in the UI (command-log.ts). */
  | { readonly kind: 'cmdlog'; readonly offset: number }
  /** A custom command's output (tui.yaml): live until it ends, then its exit code. */
  | { readonly kind: 'output'; readonly title: string; readonly text: string; readonly exitCode?: number; readonly offset: number }
  | { readonly kind: 'prompt'; readonly purpose: PromptPurpose; readonly input: TextInputState };

/** filter: a list; search: the logs; logfilter: keep (or drop) log lines; logrange: tail/since; command: `:`. */
export type PromptPurpose = 'filter' | 'search' | 'logfilter' | 'logrange' | 'command';

export type DetailsRef =
  | { readonly kind: 'container'; readonly id: string }
  | { readonly kind: 'image'; readonly id: string; readonly ref: string | undefined }
  | { readonly kind: 'volume'; readonly name: string }
  | { readonly kind: 'network'; readonly id: string };

export type ListPane = 'containers' | 'images' | 'volumes' | 'networks';

/** The layer explorer's view: which image, the layer picked (undefined: the top one), the tree's scroll. */
export interface LayersView {
  readonly ref: string | undefined;
  readonly label: string | undefined;
  readonly selected: number | undefined;
  readonly offset: number;
  /** Bumped on each open: the analysis is read again (a rebuilt tag). */
  readonly epoch: number;
}

export interface AppState {
  readonly pane: PaneId;
  readonly modal: Modal | undefined;
  readonly lists: Readonly<Record<ListPane, ListState>>;
  readonly filters: Readonly<Record<ListPane, string>>;
  readonly containerSort: ContainerSort;
  readonly hideStopped: boolean;
  /** Containers picked with space for a batch stop or delete. */
  readonly marked: ReadonlySet<string>;
  /** Compose projects and pods folded to their header row (keys: groups.ts's groupKey). */
  readonly collapsed: ReadonlySet<string>;
  readonly logsTarget: string | undefined;
  /** The Logs pane shows logsTarget even when the list selects another (set by a run that ended at once). */
  readonly logsPinned: boolean;
  /** Bumped by every `l`: following again after a log ended. */
  readonly logsEpoch: number;
  readonly logsView: LogsViewState;
  /** Log filter, timestamps, wrap, tail/since (logs-display.ts). */
  readonly logsDisplay: LogsDisplay;
  /** Merged logs of several containers (`L`), shown until `l` picks one again. */
  readonly logsMerged: { readonly ids: readonly string[]; readonly label: string } | undefined;
  readonly details: DetailsRef | undefined;
  readonly detailsOffset: number;
  /** The list pane Details was opened from, for Esc. */
  readonly detailsFrom: ListPane;
  /** The container the Stats pane shows, and where `t` was pressed (Esc goes back). */
  readonly statsTarget: string | undefined;
  readonly layers: LayersView;
  /** Where Stats or Layers were opened from (Esc goes back). */
  readonly backTo: PaneId;
}

export const initialAppState: AppState = {
  pane: 'containers',
  modal: undefined,
  lists: { containers: initialList, images: initialList, volumes: initialList, networks: initialList },
  filters: { containers: '', images: '', volumes: '', networks: '' },
  containerSort: 'state',
  hideStopped: false,
  marked: new Set(),
  collapsed: new Set(),
  logsTarget: undefined,
  logsPinned: false,
  logsEpoch: 0,
  logsView: initialLogsView,
  logsDisplay: initialLogsDisplay,
  logsMerged: undefined,
  details: undefined,
  detailsOffset: 0,
  detailsFrom: 'containers',
  statsTarget: undefined,
  layers: { ref: undefined, label: undefined, selected: undefined, offset: 0, epoch: 0 },
  backTo: 'containers',
};

export type AppAction =
  | { readonly type: 'focus'; readonly pane: PaneId }
  | { readonly type: 'cyclePane'; readonly by: 1 | -1 }
  | { readonly type: 'listMove'; readonly list: ListPane; readonly move: ListMove; readonly count: number; readonly height: number }
  | { readonly type: 'listClamp'; readonly list: ListPane; readonly count: number; readonly height: number }
  /** Selects row `index` (a mouse click, the wheel). */
  | { readonly type: 'listSelect'; readonly list: ListPane; readonly index: number; readonly count: number; readonly height: number }
  /** The cursor moved with its row (list-nav.ts followSelection): the same row, so the logs stay. */
  | { readonly type: 'listFollow'; readonly list: ListPane; readonly state: ListState }
  | { readonly type: 'setFilter'; readonly list: ListPane; readonly value: string }
  | { readonly type: 'cycleSort' }
  | { readonly type: 'toggleHideStopped' }
  | { readonly type: 'toggleMark'; readonly id: string }
  | { readonly type: 'clearMarks' }
  | { readonly type: 'openModal'; readonly modal: Modal }
  /** With `kind`, closes the modal only when it is of that kind (a late reply must not close another). */
  | { readonly type: 'closeModal'; readonly kind?: Modal['kind'] }
  | { readonly type: 'editInput'; readonly action: TextInputAction }
  | { readonly type: 'form'; readonly action: RunFormAction }
  | { readonly type: 'helpScroll'; readonly by: number }
  | { readonly type: 'output'; readonly title: string; readonly text: string; readonly exitCode?: number }
  | { readonly type: 'showLogs'; readonly id: string; readonly pin?: boolean }
  | { readonly type: 'logs'; readonly action: LogsAction; readonly window: LogsWindowInput }
  | { readonly type: 'logsDisplay'; readonly action: LogsDisplayAction }
  | { readonly type: 'showMergedLogs'; readonly ids: readonly string[]; readonly label: string }
  | { readonly type: 'showDetails'; readonly ref: DetailsRef; readonly from: ListPane }
  /** Folds or unfolds a Compose project's or a pod's rows in the container list. */
  | { readonly type: 'toggleGroup'; readonly key: string; readonly select?: number }
  | { readonly type: 'detailsScroll'; readonly by: number | 'top' | 'bottom'; readonly lines: number; readonly height: number }
  | { readonly type: 'showStats'; readonly id: string }
  | { readonly type: 'showLayers'; readonly ref: string; readonly label: string }
  /** `count`: the image's layers; `selected`: the layer in view now (undefined picks the top one). */
  | { readonly type: 'layersMove'; readonly by: number; readonly count: number; readonly current: number }
  | { readonly type: 'layersScroll'; readonly by: number; readonly lines: number; readonly height: number };

export function openRunForm(image: string): Modal {
  return { kind: 'form', form: runForm(image) };
}

export function openPrompt(purpose: PromptPurpose, value: string): Modal {
  return { kind: 'prompt', purpose, input: textInput(value) };
}

/** The container the Logs pane shows: the list's selection once logs were opened, unless pinned. */
export function logsTargetOf(s: AppState, selected: string | undefined): string | undefined {
  if (s.logsPinned || s.logsTarget === undefined) return s.logsTarget;
  return selected ?? s.logsTarget;
}

export function appReducer(s: AppState, a: AppAction): AppState {
  switch (a.type) {
    case 'focus':
      return s.pane === a.pane ? s : { ...s, pane: a.pane };
    case 'cyclePane': {
      const i = paneIds.indexOf(s.pane);
      return { ...s, pane: paneIds[(i + a.by + paneIds.length) % paneIds.length] ?? 'containers' };
    }
    case 'listMove':
    case 'listSelect': {
      const base = clampList(s.lists[a.list], a.count, a.height);
      const next =
        a.type === 'listMove'
          ? moveList(base, a.move, a.count, a.height)
          : clampList({ selected: Math.max(0, a.index), offset: base.offset }, a.count, a.height);
      if (next === s.lists[a.list]) return s;
      // Another container selected: the logs follow it, from the end.
      if (a.list === 'containers' && next.selected !== base.selected)
        return { ...s, lists: { ...s.lists, containers: next }, logsPinned: false, logsView: initialLogsView };
      return { ...s, lists: { ...s.lists, [a.list]: next } };
    }
    case 'listFollow':
      return s.lists[a.list] === a.state ? s : { ...s, lists: { ...s.lists, [a.list]: a.state } };
    case 'listClamp': {
      const next = clampList(s.lists[a.list], a.count, a.height);
      return next === s.lists[a.list] ? s : { ...s, lists: { ...s.lists, [a.list]: next } };
    }
    case 'setFilter':
      // A new filter changes what the rows are: start at the top.
      return { ...s, filters: { ...s.filters, [a.list]: a.value }, lists: { ...s.lists, [a.list]: initialList } };
    case 'cycleSort': {
      const next = containerSorts[(containerSorts.indexOf(s.containerSort) + 1) % containerSorts.length] ?? 'state';
      return { ...s, containerSort: next, lists: { ...s.lists, containers: initialList } };
    }
    case 'toggleHideStopped':
      return { ...s, hideStopped: !s.hideStopped, lists: { ...s.lists, containers: initialList } };
    case 'toggleMark': {
      const marked = new Set(s.marked);
      if (!marked.delete(a.id)) marked.add(a.id);
      return { ...s, marked };
    }
    case 'toggleGroup': {
      const collapsed = new Set(s.collapsed);
      if (!collapsed.delete(a.key)) collapsed.add(a.key);
      if (a.select === undefined) return { ...s, collapsed };
      const cur = s.lists.containers;
      return { ...s, collapsed, lists: { ...s.lists, containers: { selected: a.select, offset: Math.min(cur.offset, a.select) } } };
    }
    case 'clearMarks':
      return s.marked.size === 0 ? s : { ...s, marked: new Set() };
    case 'openModal':
      return { ...s, modal: a.modal };
    case 'closeModal':
      return s.modal === undefined || (a.kind !== undefined && s.modal.kind !== a.kind) ? s : { ...s, modal: undefined };
    case 'editInput': {
      const m = s.modal;
      if (!m || (m.kind !== 'pull' && m.kind !== 'prompt')) return s;
      const input = textInputReducer(m.input, a.action);
      return input === m.input ? s : { ...s, modal: { ...m, input } };
    }
    case 'form': {
      const m = s.modal;
      if (m?.kind !== 'form') return s;
      const form = runFormReducer(m.form, a.action);
      return form === m.form ? s : { ...s, modal: { ...m, form } };
    }
    case 'helpScroll': {
      const m = s.modal;
      if (m?.kind !== 'help' && m?.kind !== 'output') return s;
      return { ...s, modal: { ...m, offset: Math.max(0, m.offset + a.by) } };
    }
    case 'output': {
      // Only the dialog of this command: once closed, its late output opens nothing.
      const m = s.modal;
      if (m?.kind !== 'output' || m.title !== a.title) return s;
      return { ...s, modal: { ...m, text: a.text, ...(a.exitCode !== undefined ? { exitCode: a.exitCode } : {}) } };
    }
    case 'showLogs':
      return {
        ...s,
        pane: 'logs',
        logsTarget: a.id,
        logsPinned: a.pin ?? false,
        logsEpoch: s.logsEpoch + 1,
        // `l` lands at the end, following, whatever the view was scrolled to before.
        logsView: initialLogsView,
        logsMerged: undefined,
      };
    case 'showMergedLogs':
      return { ...s, pane: 'logs', logsMerged: { ids: a.ids, label: a.label }, logsEpoch: s.logsEpoch + 1, logsView: initialLogsView };
    case 'logsDisplay': {
      const d = logsDisplayReducer(s.logsDisplay, a.action);
      // Other lines on screen: back to the end, following, and the search starts again.
      return d === s.logsDisplay ? s : { ...s, logsDisplay: d, logsView: { ...initialLogsView, query: s.logsView.query } };
    }
    case 'logs': {
      const v = logsReducer(s.logsView, a.action, a.window);
      return v === s.logsView ? s : { ...s, logsView: v };
    }
    case 'showDetails':
      return { ...s, pane: 'details', details: a.ref, detailsOffset: 0, detailsFrom: a.from };
    case 'showStats':
      return { ...s, pane: 'stats', statsTarget: a.id, backTo: s.pane === 'stats' || s.pane === 'layers' ? s.backTo : s.pane };
    case 'showLayers':
      return {
        ...s,
        pane: 'layers',
        layers: { ref: a.ref, label: a.label, selected: undefined, offset: 0, epoch: s.layers.epoch + 1 },
        backTo: s.pane === 'stats' || s.pane === 'layers' ? s.backTo : s.pane,
      };
    case 'layersMove': {
      if (a.count === 0) return s;
      const selected = Math.min(Math.max(0, a.current + a.by), a.count - 1);
      return selected === a.current && s.layers.selected !== undefined ? s : { ...s, layers: { ...s.layers, selected, offset: 0 } };
    }
    case 'layersScroll': {
      const offset = Math.min(Math.max(0, s.layers.offset + a.by), Math.max(0, a.lines - a.height));
      return offset === s.layers.offset ? s : { ...s, layers: { ...s.layers, offset } };
    }
    case 'detailsScroll': {
      const max = Math.max(0, a.lines - a.height);
      const to = a.by === 'top' ? 0 : a.by === 'bottom' ? max : s.detailsOffset + a.by;
      const detailsOffset = Math.min(Math.max(0, to), max);
      return detailsOffset === s.detailsOffset ? s : { ...s, detailsOffset };
    }
  }
}
