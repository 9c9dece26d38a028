// The one screen component: it calls the hooks (live engine data, UI state) and hands explicit
// props and sizes to the pure panes and dialogs. Every key goes through one handler: the
// keymap resolves it in the active scopes (a modal's first), then an action runs.
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useContext, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { formatError, type ContainerSummary } from '../engine/define.js';
import { useBuild } from '../hooks/useBuild.js';
import { useContainers } from '../hooks/useContainers.js';
import { useDev } from '../hooks/useDev.js';
import { useEngineActions } from '../hooks/useEngineActions.js';
import { useImageDetails } from '../hooks/useImageDetails.js';
import { useImages } from '../hooks/useImages.js';
import { useLogs } from '../hooks/useLogs.js';
import { useNow } from '../hooks/useNow.js';
import { usePull } from '../hooks/usePull.js';
import { useStats } from '../hooks/useStats.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { TerminalControlContext } from '../hooks/terminal-control.js';
import { appReducer, initialAppState, openPrompt, openRunForm, type AppAction, type AppState, type ListPane } from './app-state.js';
import { BuildPane } from './BuildPane.js';
import { Footer, PromptLine, StatusLine, TabBar } from './Chrome.js';
import { ContainersPane } from './ContainersPane.js';
import { DetailsPane, detailLines, type DetailsTarget } from './DetailsPane.js';
import { ConfirmDialog, HelpOverlay, PullDialog, RunFormDialog, helpLines } from './Dialogs.js';
import { familiarName, shortId } from './format.js';
import { imageRows, ImagesPane, type ImageRow } from './ImagesPane.js';
import { activeScopes, hintsFor, keyName, resolveKey, type ActionId, type PaneId } from './keymap.js';
import { computeLayout } from './layout.js';
import { clampList, visibleSlice, type ListMove } from './list-nav.js';
import { findMatches } from './logs-view.js';
import { LogsPane } from './LogsPane.js';
import { parseRunForm } from './run-form.js';
import { textInputKey } from './text-input.js';
import type { DevControl, StatusMessage } from './view-models.js';

export type BuildTarget = { readonly context: string; readonly tag: string } | { readonly unavailable: string };

export interface ScreenProps {
  /** What `b` builds: the folder's Dockerfile, or why there is nothing to build. */
  readonly build: BuildTarget;
  /** The dev loop (`dockui DIR` on a folder with a Dockerfile); absent when nothing is watched. */
  readonly dev?: DevControl;
}

const listMoves = {
  'list.up': 'up',
  'list.down': 'down',
  'list.pageUp': 'pageUp',
  'list.pageDown': 'pageDown',
  'list.top': 'top',
  'list.bottom': 'bottom',
} as const satisfies Partial<Record<ActionId, ListMove>>;

const paneKeys = {
  'app.pane.containers': 'containers',
  'app.pane.images': 'images',
  'app.pane.logs': 'logs',
  'app.pane.build': 'build',
  'app.pane.details': 'details',
} as const satisfies Partial<Record<ActionId, PaneId>>;

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** Is a text field taking the keys (where letters are text, not commands)? */
function textModal(st: AppState): boolean {
  const k = st.modal?.kind;
  return k === 'form' || k === 'prompt' || k === 'pull';
}

function matchesFilter(c: ContainerSummary, f: string): boolean {
  const q = f.toLowerCase();
  return [c.name, c.image, c.state, c.id].some((s) => s.toLowerCase().includes(q));
}

function imageMatches(r: ImageRow, f: string): boolean {
  const q = f.toLowerCase();
  return (r.ref ?? '<none>').toLowerCase().includes(q) || r.image.id.toLowerCase().includes(q);
}

export function Screen(props: ScreenProps) {
  const app = useApp();
  const terminal = useContext(TerminalControlContext);
  const actions = useEngineActions();
  const [status, setStatus] = useState<StatusMessage | undefined>(undefined);
  const [suspended, setSuspended] = useState(false);
  const reportError = useCallback((e: unknown) => setStatus({ kind: 'error', text: formatError(e) }), []);
  const containers = useContainers({ onError: reportError });
  const images = useImages({ onError: reportError });
  const pull = usePull();
  const build = useBuild();
  const now = useNow();
  const size = useTerminalSize();
  const layout = computeLayout(size);
  // In the dev loop the Build pane is what there is to watch first.
  const [state, dispatch] = useReducer(appReducer, props.dev ? { ...initialAppState, pane: 'build' as const } : initialAppState);
  const dev = useDev(props.dev);

  // ---- derived data ----
  const modal = state.modal;
  const liveFilter = (list: ListPane) =>
    modal?.kind === 'prompt' && modal.purpose === 'filter' && state.pane === list ? modal.input.value : state.filters[list];
  const cFilter = liveFilter('containers');
  const iFilter = liveFilter('images');
  const shownContainers = useMemo(
    () => (cFilter ? containers.filter((c) => matchesFilter(c, cFilter)) : containers),
    [containers, cFilter],
  );
  const allImageRows = useMemo(() => imageRows(images), [images]);
  const shownImages = useMemo(
    () => (iFilter ? allImageRows.filter((r) => imageMatches(r, iFilter)) : allImageRows),
    [allImageRows, iFilter],
  );
  const cList = clampList(state.lists.containers, shownContainers.length, layout.listRows);
  const iList = clampList(state.lists.images, shownImages.length, layout.listRows);
  const selectedContainer = shownContainers[cList.selected];
  const selectedImage = shownImages[iList.selected];

  const shown = state.details;
  const detailsContainer = shown?.kind === 'container' ? containers.find((c) => c.id === shown.id) : undefined;
  const detailsImageRow = shown?.kind === 'image' ? allImageRows.find((r) => r.image.id === shown.id && r.ref === shown.ref) : undefined;
  // The side preview follows the selection of the list pane in view.
  const previewImage = state.pane === 'images' ? selectedImage : state.pane === 'details' ? detailsImageRow : undefined;
  const inspectRef = previewImage ? (previewImage.ref ?? previewImage.image.id) : undefined;
  const imageDetails = useImageDetails(inspectRef);

  const visibleRunning = visibleSlice(shownContainers, cList, layout.listRows)
    .filter((c) => c.state === 'running')
    .map((c) => c.id);
  if (detailsContainer?.state === 'running' && !visibleRunning.includes(detailsContainer.id)) visibleRunning.push(detailsContainer.id);
  const stats = useStats(actions.runtimeProblem ? [] : visibleRunning);

  const logsContainer = containers.find((c) => c.id === state.logsTarget);
  const logs = useLogs(state.logsTarget, {
    tail: 1000,
    live: state.pane === 'logs',
    restartKey: `${state.logsEpoch}:${logsContainer?.startedAt ?? ''}`,
  });
  const logRows = Math.max(1, layout.main.height - 1);
  const logsWindow = { dropped: logs.dropped, count: logs.lines.length, height: logRows };
  // While the search is being typed its matches already light up; Enter jumps to them.
  const logQuery = modal?.kind === 'prompt' && modal.purpose === 'search' ? modal.input.value : state.logsView.query;
  const logMatches = useMemo(
    () =>
      findMatches(
        logs.lines.map((l) => l.text),
        logs.dropped,
        logQuery,
      ),
    [logs, logQuery],
  );

  const detailsTarget: DetailsTarget | undefined = (() => {
    if (state.pane === 'details' || state.pane === 'logs' || state.pane === 'build') {
      if (detailsContainer) return { kind: 'container', container: detailsContainer, stats: stats.get(detailsContainer.id) };
      if (detailsImageRow)
        return {
          kind: 'image',
          ref: detailsImageRow.ref,
          summary: detailsImageRow.image,
          details: imageDetails.details,
          error: imageDetails.error,
        };
      return undefined;
    }
    if (state.pane === 'containers' && selectedContainer)
      return { kind: 'container', container: selectedContainer, stats: stats.get(selectedContainer.id) };
    if (state.pane === 'images' && selectedImage)
      return {
        kind: 'image',
        ref: selectedImage.ref,
        summary: selectedImage.image,
        details: imageDetails.details,
        error: imageDetails.error,
      };
    return undefined;
  })();
  const detailsLineCount = detailLines(detailsTarget, now).length;

  // ---- actions ----
  // Keys may arrive faster than React re-renders; the handler reads the latest state through
  // this ref rather than a closure from an older render.
  const latest = useRef<{
    state: AppState;
    runAction: (id: ActionId, st: AppState) => void;
    runModalKey: (st: AppState, id: ActionId | undefined, input: string, key: Key) => void;
  }>({
    state,
    runAction: () => undefined,
    runModalKey: () => undefined,
  });
  const act = useCallback(async (busy: string, fn: () => Promise<string>) => {
    setStatus({ kind: 'busy', text: busy });
    try {
      setStatus({ kind: 'ok', text: await fn() });
    } catch (e) {
      setStatus({ kind: 'error', text: formatError(e) });
    }
  }, []);

  const cannotRun = (what: string): boolean => {
    if (!actions.runtimeProblem) return false;
    setStatus({ kind: 'error', text: `cannot ${what}: ${actions.runtimeProblem}` });
    return true;
  };

  // Several keys can arrive in one chunk (a paste, a fast typist over ssh): each must see the
  // state the previous one left, before React re-renders, so actions go through the reducer
  // here as well as through React's dispatch.
  const dispatchNow = (a: AppAction): void => {
    latest.current = { ...latest.current, state: appReducer(latest.current.state, a) };
    dispatch(a);
  };

  const runAction = (id: ActionId, st: AppState): void => {
    const pane = st.pane;
    const moveBy = (move: ListMove) => {
      if (pane === 'containers' || pane === 'images')
        dispatchNow({
          type: 'listMove',
          list: pane,
          move,
          count: pane === 'containers' ? shownContainers.length : shownImages.length,
          height: layout.listRows,
        });
      else if (pane === 'logs') {
        const by = move === 'up' ? -1 : move === 'down' ? 1 : move === 'pageUp' ? -logRows : move === 'pageDown' ? logRows : 0;
        dispatchNow({
          type: 'logs',
          action: move === 'top' ? { type: 'top' } : move === 'bottom' ? { type: 'bottom' } : { type: 'scroll', by },
          window: logsWindow,
        });
      } else if (pane === 'details') {
        const h = Math.max(1, layout.main.height - 1);
        const by = move === 'up' ? -1 : move === 'down' ? 1 : move === 'pageUp' ? -h : move === 'pageDown' ? h : move;
        dispatchNow({ type: 'detailsScroll', by, lines: detailsLineCount, height: h });
      }
    };
    // Exhaustive over the keymap: an action added to the table without a handler fails lint.
    switch (id) {
      case 'list.up':
      case 'list.down':
      case 'list.pageUp':
      case 'list.pageDown':
      case 'list.top':
      case 'list.bottom':
        moveBy(listMoves[id]);
        return;
      case 'app.pane.containers':
      case 'app.pane.images':
      case 'app.pane.logs':
      case 'app.pane.build':
      case 'app.pane.details':
        dispatchNow({ type: 'focus', pane: paneKeys[id] });
        return;
      case 'app.interrupt':
      case 'app.quit':
        app.exit();
        return;
      case 'app.help':
        dispatchNow({ type: 'openModal', modal: { kind: 'help', offset: 0 } });
        return;
      case 'app.nextPane':
        dispatchNow({ type: 'cyclePane', by: 1 });
        return;
      case 'app.prevPane':
        dispatchNow({ type: 'cyclePane', by: -1 });
        return;
      case 'app.pull':
        if (pull.state.phase !== 'pulling') pull.reset();
        dispatchNow({ type: 'openModal', modal: { kind: 'pull', input: { value: '', cursor: 0 } } });
        return;
      case 'app.build': {
        if (props.dev) {
          dispatchNow({ type: 'focus', pane: 'build' });
          setStatus({ kind: 'busy', text: props.dev.rebuild() });
          return;
        }
        const target = props.build;
        if ('unavailable' in target) {
          setStatus({ kind: 'error', text: target.unavailable });
          return;
        }
        dispatchNow({ type: 'focus', pane: 'build' });
        setStatus({ kind: 'busy', text: `building ${target.tag} from ${target.context}…` });
        void build.build({ context: target.context, tags: [target.tag] }).then((r) =>
          setStatus(
            r.phase === 'done'
              ? { kind: 'ok', text: `built ${target.tag} (${shortId(r.imageId ?? '')})` }
              : {
                  kind: 'error',
                  text: `build failed: ${r.error?.range ? `${r.error.range.file}:${r.error.range.line}: ` : ''}${r.error?.message ?? 'unknown error'}`,
                },
          ),
        );
        return;
      }
      case 'app.watch':
        setStatus(
          props.dev
            ? { kind: 'ok', text: props.dev.toggleWatch() }
            : { kind: 'info', text: 'nothing is being watched: start dockui in a folder with a Dockerfile' },
        );
        return;
      case 'app.filter':
        if (pane === 'containers' || pane === 'images') dispatchNow({ type: 'openModal', modal: openPrompt('filter', st.filters[pane]) });
        else if (pane === 'logs') dispatchNow({ type: 'openModal', modal: openPrompt('search', st.logsView.query) });
        else setStatus({ kind: 'info', text: 'nothing to filter here: / filters Containers and Images, and searches Logs' });
        return;
      case 'list.clearFilter':
        if (pane === 'containers' || pane === 'images') dispatchNow({ type: 'setFilter', list: pane, value: '' });
        else if (pane === 'logs') dispatchNow({ type: 'logs', action: { type: 'search', query: '', matches: [] }, window: logsWindow });
        return;
      case 'list.details':
        if (pane === 'containers' && selectedContainer)
          dispatchNow({ type: 'showDetails', ref: { kind: 'container', id: selectedContainer.id }, from: 'containers' });
        else if (pane === 'images' && selectedImage)
          dispatchNow({ type: 'showDetails', ref: { kind: 'image', id: selectedImage.image.id, ref: selectedImage.ref }, from: 'images' });
        return;
      case 'details.back':
        dispatchNow({ type: 'focus', pane: st.detailsFrom });
        return;
      case 'containers.toggle': {
        const c = selectedContainer;
        if (!c) return;
        if (c.state === 'running' || c.state === 'paused')
          void act(`stopping ${c.name}…`, () => actions.stop(c.id).then(() => `stopped ${c.name}`));
        else if (!cannotRun(`start ${c.name}`)) void act(`starting ${c.name}…`, () => actions.start(c.id).then(() => `started ${c.name}`));
        return;
      }
      case 'containers.restart': {
        const c = selectedContainer;
        if (c && !cannotRun(`restart ${c.name}`))
          void act(`restarting ${c.name}…`, () => actions.restart(c.id).then(() => `restarted ${c.name}`));
        return;
      }
      case 'containers.pause': {
        const c = selectedContainer;
        if (!c || cannotRun(`pause ${c.name}`)) return;
        if (c.state === 'paused') void act(`unpausing ${c.name}…`, () => actions.unpause(c.id).then(() => `unpaused ${c.name}`));
        else if (c.state === 'running') void act(`pausing ${c.name}…`, () => actions.pause(c.id).then(() => `paused ${c.name}`));
        return;
      }
      case 'containers.delete': {
        const c = selectedContainer;
        if (!c) return;
        const running = c.state === 'running' || c.state === 'paused';
        dispatchNow({
          type: 'openModal',
          modal: {
            kind: 'confirm',
            title: 'Delete container',
            message: `Delete container ${c.name} (${shortId(c.id)})?${running ? ' It is running: it will be killed first.' : ''}`,
            intent: { type: 'removeContainer', id: c.id, name: c.name, force: running },
          },
        });
        return;
      }
      case 'containers.logs':
        if (selectedContainer) dispatchNow({ type: 'showLogs', id: selectedContainer.id });
        return;
      case 'containers.exec': {
        const c = selectedContainer;
        if (!c) return;
        if (c.state !== 'running') {
          setStatus({ kind: 'error', text: `${c.name} is not running (it is ${c.state}): start it with s first` });
          return;
        }
        if (!terminal) {
          setStatus({ kind: 'error', text: 'a shell needs an interactive terminal' });
          return;
        }
        const argv = actions.execShellCommand(c.id);
        setSuspended(true);
        void terminal.runInteractive(argv).then(
          (code) => {
            setSuspended(false);
            setStatus({ kind: code === 0 ? 'ok' : 'error', text: `shell in ${c.name} ended (exit code ${code})` });
          },
          (e: unknown) => {
            setSuspended(false);
            setStatus({ kind: 'error', text: `shell in ${c.name}: ${formatError(e)}` });
          },
        );
        return;
      }
      case 'images.run':
        if (selectedImage && !cannotRun('run a container'))
          dispatchNow({ type: 'openModal', modal: openRunForm(selectedImage.ref ?? selectedImage.image.id) });
        return;
      case 'images.delete': {
        const r = selectedImage;
        if (!r) return;
        const label = r.ref ? familiarName(r.ref) : shortId(r.image.id);
        dispatchNow({
          type: 'openModal',
          modal: {
            kind: 'confirm',
            title: 'Delete image',
            message: `Delete image ${label}?${r.image.inUse > 0 ? ` ${r.image.inUse} container(s) use it.` : ''}`,
            intent: { type: 'removeImage', ref: r.ref ?? r.image.id, label },
          },
        });
        return;
      }
      case 'logs.follow':
        dispatchNow({ type: 'logs', action: { type: 'toggleFollow' }, window: logsWindow });
        return;
      case 'logs.nextMatch':
        dispatchNow({ type: 'logs', action: { type: 'nextMatch', matches: logMatches }, window: logsWindow });
        return;
      case 'logs.prevMatch':
        dispatchNow({ type: 'logs', action: { type: 'prevMatch', matches: logMatches }, window: logsWindow });
        return;
      case 'confirm.yes':
      case 'confirm.no':
      case 'form.next':
      case 'form.prev':
      case 'form.submit':
      case 'form.cancel':
      case 'pull.submit':
      case 'pull.cancel':
      case 'help.close':
      case 'help.up':
      case 'help.down':
      case 'prompt.accept':
      case 'prompt.cancel':
        // Modal scopes: runModalKey handles these while their dialog is open.
        return;
    }
  };

  const runModalKey = (st: AppState, id: ActionId | undefined, input: string, key: Key): void => {
    const m = st.modal;
    if (!m) return;
    switch (m.kind) {
      case 'help':
        if (id === 'help.close') dispatchNow({ type: 'closeModal' });
        else if (id === 'help.up' || id === 'help.down') {
          const page = key.pageUp || key.pageDown ? Math.max(1, layout.main.height - 4) : 1;
          const max = Math.max(0, helpLines().length - Math.max(1, layout.main.height - 2));
          dispatchNow({ type: 'helpScroll', by: id === 'help.up' ? -page : Math.min(page, max - m.offset) });
        }
        return;
      case 'confirm':
        if (id === 'confirm.no') {
          dispatchNow({ type: 'closeModal' });
          setStatus({ kind: 'info', text: 'canceled' });
        } else if (id === 'confirm.yes') {
          dispatchNow({ type: 'closeModal' });
          const it = m.intent;
          if (it.type === 'removeContainer')
            void act(`deleting ${it.name}…`, () => actions.removeContainer(it.id, it.force).then(() => `deleted ${it.name}`));
          else void act(`deleting ${it.label}…`, () => actions.removeImage(it.ref).then(() => `deleted ${it.label}`));
        }
        return;
      case 'form':
        if (id === 'form.cancel') dispatchNow({ type: 'closeModal' });
        else if (id === 'form.next') dispatchNow({ type: 'form', action: { type: 'next' } });
        else if (id === 'form.prev') dispatchNow({ type: 'form', action: { type: 'prev' } });
        else if (id === 'form.submit') {
          const r = parseRunForm(m.form);
          if (!r.ok) {
            dispatchNow({ type: 'form', action: { type: 'invalid', field: r.field, message: r.message } });
            return;
          }
          dispatchNow({ type: 'closeModal' });
          dispatchNow({ type: 'focus', pane: 'containers' });
          void act(`starting a container from ${familiarName(r.options.image)}…`, () =>
            actions.run(r.options).then((c) => `started ${c.name} (${shortId(c.id)}) from ${familiarName(c.image)}`),
          );
        } else {
          const edit = textInputKey(input, key);
          if (edit) dispatchNow({ type: 'form', action: { type: 'edit', action: edit } });
        }
        return;
      case 'pull': {
        const phase = pull.state.phase;
        if (id === 'pull.cancel') {
          if (phase === 'pulling') pull.cancel();
          else {
            dispatchNow({ type: 'closeModal' });
            pull.reset();
          }
        } else if (id === 'pull.submit') {
          if (phase === 'done') {
            dispatchNow({ type: 'closeModal' });
            pull.reset();
          } else if (phase !== 'pulling') {
            const ref = m.input.value.trim();
            if (ref === '') return;
            void pull.start(ref).then((r) => {
              if (r.phase === 'done')
                setStatus({ kind: 'ok', text: `pulled ${familiarName(r.image.names[0] ?? r.ref)} (${shortId(r.image.id)})` });
              else if (r.phase === 'failed') setStatus({ kind: 'error', text: `pull ${r.ref}: ${r.error}` });
            });
          }
        } else if (phase === 'idle' || phase === 'failed') {
          const edit = textInputKey(input, key);
          if (edit) dispatchNow({ type: 'editInput', action: edit });
        }
        return;
      }
      case 'prompt':
        if (id === 'prompt.accept' || id === 'prompt.cancel') {
          const value = id === 'prompt.accept' ? m.input.value : '';
          dispatchNow({ type: 'closeModal' });
          if (m.purpose === 'search') {
            const matches = findMatches(
              logs.lines.map((l) => l.text),
              logs.dropped,
              value,
            );
            dispatchNow({ type: 'logs', action: { type: 'search', query: value, matches }, window: logsWindow });
            if (value && matches.length === 0) setStatus({ kind: 'info', text: `no line matches "${value}"` });
          } else if (st.pane === 'containers' || st.pane === 'images') dispatchNow({ type: 'setFilter', list: st.pane, value });
        } else {
          const edit = textInputKey(input, key);
          if (edit) dispatchNow({ type: 'editInput', action: edit });
        }
        return;
    }
  };

  useLayoutEffect(() => {
    latest.current = { state, runAction, runModalKey };
  });

  const handleKey = (input: string, key: Key): void => {
    const cur = latest.current;
    const st = cur.state;
    const id = resolveKey(keyName(input, key), activeScopes(st.pane, st.modal?.kind));
    if (id === 'app.interrupt') {
      cur.runAction(id, st);
      return;
    }
    if (st.modal) cur.runModalKey(st, id, input, key);
    else if (id) cur.runAction(id, st);
  };

  useInput(
    (input, key) => {
      // Ink hands a chunk of plain text over as one input: in a text field it is typed as is
      // (a newline in it presses Enter, a tab Tab); anywhere else each character is a key.
      if (input.length <= 1 || key.ctrl || key.meta) return handleKey(input, key);
      for (const part of input.split(/(\r\n|\r|\n|\t)/)) {
        if (part === '') continue;
        if (part === '\t') handleKey('', { ...noKey, tab: true });
        else if (/^[\r\n]+$/.test(part)) handleKey('', { ...noKey, return: true });
        else if (textModal(latest.current.state)) handleKey(part, noKey);
        else for (const ch of part) handleKey(ch, { ...noKey, shift: /[A-Z]/.test(ch) });
      }
    },
    { isActive: !suspended },
  );

  // ---- markup ----
  if (suspended) return null;
  if (layout.tooSmall)
    return (
      <Box flexDirection="column">
        <Text>{`dockui needs a terminal of at least 80×24 (this one is ${size.columns}×${size.rows}).`}</Text>
        <Text>Make the window larger, or press q to quit.</Text>
      </Box>
    );

  const m = layout.main;
  const dialogWidth = Math.min(m.width, 90);
  const mainPane = (() => {
    if (modal && modal.kind !== 'prompt') {
      const dialog =
        modal.kind === 'confirm' ? (
          <ConfirmDialog title={modal.title} message={modal.message} width={dialogWidth} />
        ) : modal.kind === 'form' ? (
          <RunFormDialog form={modal.form} width={dialogWidth} />
        ) : modal.kind === 'pull' ? (
          <PullDialog input={modal.input} pull={pull.state} width={dialogWidth} maxLayers={Math.max(1, m.height - 6)} />
        ) : (
          <HelpOverlay offset={modal.offset} width={m.width + 2} height={m.height + 2} />
        );
      return (
        <Box width={m.width + 2} height={m.height + 2} justifyContent="center" alignItems="center">
          {dialog}
        </Box>
      );
    }
    switch (state.pane) {
      case 'containers':
        return (
          <ContainersPane
            containers={shownContainers}
            total={containers.length}
            stats={stats}
            list={cList}
            filter={cFilter}
            focused
            width={m.width}
            height={m.height}
            listRows={layout.listRows}
            now={now}
          />
        );
      case 'images':
        return (
          <ImagesPane
            rows={shownImages}
            total={allImageRows.length}
            list={iList}
            filter={iFilter}
            focused
            width={m.width}
            height={m.height}
            listRows={layout.listRows}
            now={now}
          />
        );
      case 'logs':
        return (
          <LogsPane
            title={logsContainer?.name ?? (state.logsTarget ? shortId(state.logsTarget) : '')}
            logs={logs}
            view={logQuery === state.logsView.query ? state.logsView : { ...state.logsView, query: logQuery }}
            matchCount={logMatches.length}
            focused
            width={m.width}
            height={m.height}
          />
        );
      case 'build':
        return (
          <BuildPane
            build={build.state}
            unavailable={props.dev || !('unavailable' in props.build) ? undefined : props.build.unavailable}
            dev={dev}
            devStatus={
              props.dev && !dev
                ? props.dev.startError
                  ? `did not start: ${props.dev.startError}`
                  : 'starting: first build and run…'
                : undefined
            }
            now={now}
            focused
            width={m.width}
            height={m.height}
          />
        );
      case 'details':
        return <DetailsPane target={detailsTarget} offset={state.detailsOffset} focused width={m.width} height={m.height} now={now} />;
    }
  })();
  const side = layout.side;
  const sidePane = !side ? null : state.pane === 'containers' || state.pane === 'images' ? (
    <DetailsPane target={detailsTarget} offset={0} focused={false} width={side.width} height={side.height} now={now} />
  ) : (
    <ContainersPane
      containers={shownContainers}
      total={containers.length}
      stats={stats}
      list={cList}
      filter={cFilter}
      focused={false}
      width={side.width}
      height={side.height}
      listRows={layout.listRows}
      now={now}
    />
  );
  const running = containers.filter((c) => c.state === 'running').length;
  const prompt = modal?.kind === 'prompt' ? modal : undefined;
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      <TabBar pane={state.pane} width={layout.width} right={`${running}/${containers.length} running · ${images.length} images `} />
      <Box>
        {mainPane}
        {sidePane}
      </Box>
      <StatusLine status={status} runtimeProblem={actions.runtimeProblem} width={layout.width} />
      {prompt ? (
        <PromptLine label={prompt.purpose === 'filter' ? 'filter /' : 'search /'} input={prompt.input} width={layout.width} />
      ) : (
        <Footer hints={hintsFor(activeScopes(state.pane, modal?.kind))} width={layout.width} />
      )}
    </Box>
  );
}
