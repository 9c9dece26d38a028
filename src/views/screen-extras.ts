// The actions of issue 13's second part, beside the action table (screen-actions.ts): the log
// filter, timestamps, wrap and tail/since; merged logs; the image ↔ containers jumps; opening a
// published port; `:` command mode and the command log.
import type { Key } from 'ink';
import type { ContainerSummary, PortMapping } from '../engine/define.js';
import { openUrl } from '../hooks/open-url.js';
import { openPrompt, type AppState, type PromptPurpose } from './app-state.js';
import { completeCommand, parseCommand } from './command-mode.js';
import { ancestorFilter } from './container-inspect.js';
import { familiarName, plural, shortId } from './format.js';
import type { ActionId } from './keymap.js';
import { filterText, parseLogRange, rangeLabel } from './logs-display.js';
import type { ScreenContext } from './screen-context.js';

export const extraActionIds = [
  'app.command',
  'app.commandLog',
  'containers.mergedLogs',
  'containers.image',
  'containers.open',
  'images.containers',
  'logs.filter',
  'logs.invert',
  'logs.timestamps',
  'logs.wrap',
  'logs.range',
  'details.image',
  'details.containers',
] as const satisfies readonly ActionId[];
export type ExtraActionId = (typeof extraActionIds)[number];

/** The URL of a published TCP port: its host address (loopback for a wildcard), https for 443 and 8443. */
export function portUrl(p: PortMapping): string {
  const host = !p.hostIp || p.hostIp === '0.0.0.0' || p.hostIp === '::' ? 'localhost' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  const scheme = p.containerPort === 443 || p.containerPort === 8443 ? 'https' : 'http';
  return `${scheme}://${host}:${p.hostPort}/`;
}

function showImageOf(ctx: ScreenContext, c: ContainerSummary): void {
  const img = ctx.images.find((i) => i.id === c.imageId);
  if (!img) {
    ctx.setStatus({ kind: 'error', text: `the image of ${c.name} (${shortId(c.imageId)}) is not in the store any more` });
    return;
  }
  const ref = img.names.find((n) => n === c.image || familiarName(n) === familiarName(c.image)) ?? img.names[0];
  ctx.dispatch({ type: 'showDetails', ref: { kind: 'image', id: img.id, ref }, from: 'images' });
}

function showContainersOf(ctx: ScreenContext, imageId: string, label: string): void {
  const users = ctx.containers.filter((c) => c.imageId === imageId);
  if (users.length === 0) {
    ctx.setStatus({ kind: 'info', text: `no container uses ${label}` });
    return;
  }
  ctx.dispatch({ type: 'setFilter', list: 'containers', value: ancestorFilter(imageId) });
  ctx.dispatch({ type: 'focus', pane: 'containers' });
  ctx.setStatus({ kind: 'info', text: `${plural(users.length, 'container')} of ${label} (Esc shows all)` });
}

export function runExtraAction(ctx: ScreenContext, id: ExtraActionId, st: AppState): void {
  const logsDisplay = (action: Parameters<ScreenContext['dispatch']>[0] & { type: 'logsDisplay' }) => ctx.dispatch(action);
  switch (id) {
    case 'app.command':
      ctx.dispatch({ type: 'openModal', modal: openPrompt('command', '') });
      return;
    case 'app.commandLog':
      ctx.dispatch({ type: 'openModal', modal: { kind: 'cmdlog', offset: 0 } });
      return;
    case 'containers.mergedLogs': {
      const picked = ctx.shownContainers.filter((c) => st.marked.has(c.id));
      const sel = ctx.selectedContainer;
      if (picked.length > 0) {
        ctx.dispatch({ type: 'clearMarks' });
        ctx.dispatch({ type: 'showMergedLogs', ids: picked.map((c) => c.id), label: plural(picked.length, 'container') });
      } else if (sel?.project) {
        const members = ctx.containers.filter((c) => c.project === sel.project);
        ctx.dispatch({ type: 'showMergedLogs', ids: members.map((c) => c.id), label: `project ${sel.project}` });
      } else
        ctx.setStatus({
          kind: 'info',
          text: 'merged logs: pick containers with space first (or select one of a Compose project)',
        });
      return;
    }
    case 'containers.image':
      if (ctx.selectedContainer) showImageOf(ctx, ctx.selectedContainer);
      return;
    case 'details.image': {
      const d = st.details;
      const c = d?.kind === 'container' ? ctx.containers.find((x) => x.id === d.id) : undefined;
      if (c) showImageOf(ctx, c);
      else
        ctx.setStatus({
          kind: 'info',
          text: `i shows the image of a container: these are the details of ${d?.kind === 'image' ? 'an image (c lists its containers)' : `a ${d?.kind ?? 'nothing'}`}`,
        });
      return;
    }
    case 'images.containers': {
      const r = ctx.selectedImage;
      if (r) showContainersOf(ctx, r.image.id, r.ref ? familiarName(r.ref) : shortId(r.image.id));
      return;
    }
    case 'details.containers': {
      const d = st.details;
      if (d?.kind === 'image') showContainersOf(ctx, d.id, d.ref ? familiarName(d.ref) : shortId(d.id));
      else
        ctx.setStatus({
          kind: 'info',
          text: `c lists the containers of an image: these are the details of ${d?.kind === 'container' ? 'a container (i shows its image)' : `a ${d?.kind ?? 'nothing'} (its containers are listed here)`}`,
        });
      return;
    }
    case 'containers.open': {
      const c = ctx.selectedContainer;
      if (!c) return;
      const port = c.ports.find((p) => p.protocol === 'tcp');
      if (!port) {
        ctx.setStatus({ kind: 'info', text: `${c.name} publishes no TCP port (run it with -p HOST:CTR)` });
        return;
      }
      const url = portUrl(port);
      const opener = openUrl(url);
      ctx.setStatus({ kind: 'ok', text: opener ? `opening ${url} (${opener})` : `${url}  (no xdg-open here: open it yourself)` });
      return;
    }
    case 'logs.filter':
      ctx.dispatch({ type: 'openModal', modal: openPrompt('logfilter', filterText(st.logsDisplay)) });
      return;
    case 'logs.invert':
      if (st.logsDisplay.filter === '') ctx.setStatus({ kind: 'info', text: 'no line filter to invert: & sets one' });
      else logsDisplay({ type: 'logsDisplay', action: { type: 'toggleInvert' } });
      return;
    case 'logs.timestamps':
      logsDisplay({ type: 'logsDisplay', action: { type: 'toggleTimestamps' } });
      return;
    case 'logs.wrap':
      logsDisplay({ type: 'logsDisplay', action: { type: 'toggleWrap' } });
      return;
    case 'logs.range':
      ctx.dispatch({ type: 'openModal', modal: openPrompt('logrange', '') });
      return;
  }
}

/** Enter in an extra prompt (the log filter, tail/since, `:`). */
export function acceptExtraPrompt(ctx: ScreenContext, st: AppState, purpose: PromptPurpose, value: string): void {
  if (purpose === 'logfilter') ctx.dispatch({ type: 'logsDisplay', action: { type: 'filter', value } });
  else if (purpose === 'logrange') {
    const r = parseLogRange(value);
    if ('error' in r) {
      ctx.setStatus({ kind: 'error', text: r.error });
      return;
    }
    ctx.dispatch({ type: 'logsDisplay', action: { type: 'range', ...r } });
    ctx.setStatus({ kind: 'info', text: `logs reloaded: ${rangeLabel({ ...st.logsDisplay, ...r })}` });
  } else if (purpose === 'command') {
    if (value.trim() === '') return;
    const c = parseCommand(value);
    if ('error' in c) ctx.setStatus({ kind: 'error', text: c.error });
    else if (c.kind === 'pane') {
      ctx.clearStatus();
      ctx.dispatch({ type: 'focus', pane: c.pane });
    } else if (c.kind === 'help') ctx.dispatch({ type: 'openModal', modal: { kind: 'help', offset: 0 } });
    else if (c.kind === 'cmdlog') ctx.dispatch({ type: 'openModal', modal: { kind: 'cmdlog', offset: 0 } });
    else ctx.exit();
  }
}

/** Tab in the `:` line: complete the view's name. */
export function completeInPrompt(ctx: ScreenContext, st: AppState): void {
  const m = st.modal;
  if (m?.kind !== 'prompt' || m.purpose !== 'command') return;
  const next = completeCommand(m.input.value);
  if (next !== m.input.value) ctx.dispatch({ type: 'openModal', modal: openPrompt('command', next) });
}

/** Keys of the command log overlay. */
export function runCommandLogKey(ctx: ScreenContext, st: AppState, id: ActionId | undefined, key: Key): void {
  const m = st.modal;
  if (m?.kind !== 'cmdlog') return;
  if (id === 'cmdlog.close') ctx.dispatch({ type: 'closeModal' });
  else if (id === 'cmdlog.up' || id === 'cmdlog.down') {
    const page = key.pageUp || key.pageDown ? Math.max(1, ctx.layout.main.height - 4) : 1;
    const max = Math.max(0, ctx.commandLog.getSnapshot().length - Math.max(1, ctx.layout.main.height - 2));
    // offset counts back from the newest line.
    const offset = Math.min(max, Math.max(0, m.offset + (id === 'cmdlog.up' ? page : -page)));
    if (offset !== m.offset) ctx.dispatch({ type: 'openModal', modal: { kind: 'cmdlog', offset } });
  }
}
