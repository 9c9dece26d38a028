// The mouse on the screen: a click on a tab switches to its pane, a click on a list row selects
// it (in the main pane or in the container list beside Logs, Build and Details), the wheel
// scrolls the list, the logs, the details or the help under the pointer. Other presses, and
// everything while a dialog other than the help is open, are ignored.
import type { AppState, ListPane } from './app-state.js';
import { mouseTarget, type MouseEvent } from './mouse.js';
import type { ScreenContext } from './screen-context.js';

/** Rows the wheel moves per notch. */
export const wheelStep = 3;

export function runMouse(ctx: ScreenContext, st: AppState, ev: MouseEvent): void {
  if (ev.kind === 'release') return;
  const wheel = ev.kind === 'wheelUp' ? -wheelStep : ev.kind === 'wheelDown' ? wheelStep : 0;
  if (ev.kind === 'press' && ev.button !== 0) return;
  if (st.modal) {
    if (st.modal.kind === 'help' && wheel !== 0) ctx.dispatch({ type: 'helpScroll', by: wheel });
    return;
  }
  const at = mouseTarget(ctx.layout, ev.x, ev.y);
  if (at.area === 'none') return;
  if (at.area === 'tab') {
    if (wheel === 0) {
      ctx.clearStatus();
      ctx.dispatch({ type: 'focus', pane: at.pane });
    }
    return;
  }
  // Which list (if any) is under the pointer: the focused list pane, or the containers beside.
  const list: ListPane | undefined =
    at.area === 'main'
      ? st.pane === 'containers' || st.pane === 'images'
        ? st.pane
        : undefined
      : st.pane === 'containers' || st.pane === 'images'
        ? undefined // the side pane previews the selection's details
        : 'containers';
  if (list) {
    const count = list === 'containers' ? ctx.containerEntries.length : ctx.shownImages.length;
    const height = ctx.layout.listRows;
    const cur = st.lists[list];
    // Row 0 is the table's header.
    const index = wheel !== 0 ? cur.selected + wheel : at.row >= 1 ? cur.offset + at.row - 1 : -1;
    if (index < 0 && wheel === 0) return;
    if (wheel === 0 && index >= count) return;
    ctx.clearStatus();
    ctx.dispatch({ type: 'listSelect', list, index: Math.max(0, index), count, height });
    return;
  }
  if (at.area !== 'main' || wheel === 0) return;
  if (st.pane === 'logs') ctx.dispatch({ type: 'logs', action: { type: 'scroll', by: wheel }, window: ctx.logsWindow });
  else if (st.pane === 'details') {
    const h = Math.max(1, ctx.layout.main.height - 1);
    ctx.dispatch({ type: 'detailsScroll', by: wheel, lines: ctx.detailsLineCount, height: h });
  }
}
