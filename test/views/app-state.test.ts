import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appReducer, initialAppState, openPrompt, openRunForm, type AppAction, type AppState } from '../../src/views/app-state.js';

const run = (...as: AppAction[]): AppState => as.reduce(appReducer, initialAppState);

describe('app state', () => {
  it('cycles panes both ways and wraps', () => {
    assert.equal(run({ type: 'cyclePane', by: -1 }).pane, 'layers', 'Shift-Tab from the first pane wraps to the last (9 Layers)');
    assert.equal(run({ type: 'cyclePane', by: 1 }, { type: 'cyclePane', by: 1 }).pane, 'logs');
    assert.equal(run({ type: 'focus', pane: 'build' }).pane, 'build');
    const s = run();
    assert.equal(appReducer(s, { type: 'focus', pane: 'containers' }), s, 'no change keeps identity');
  });

  it('moves a list within its count, and a new filter starts it at the top', () => {
    let s = run({ type: 'listMove', list: 'images', move: 'bottom', count: 50, height: 10 });
    assert.deepEqual(s.lists.images, { selected: 49, offset: 40 });
    assert.deepEqual(s.lists.containers, { selected: 0, offset: 0 });
    s = appReducer(s, { type: 'setFilter', list: 'images', value: 'web' });
    assert.equal(s.filters.images, 'web');
    assert.deepEqual(s.lists.images, { selected: 0, offset: 0 });
  });

  it('edits only the input of the open text dialog', () => {
    let s = run({ type: 'editInput', action: { type: 'insert', text: 'x' } });
    assert.equal(s.modal, undefined);
    s = run({ type: 'openModal', modal: openPrompt('filter', 'ab') }, { type: 'editInput', action: { type: 'insert', text: 'c' } });
    assert.deepEqual(s.modal?.kind === 'prompt' && s.modal.input, { value: 'abc', cursor: 3 });
    s = run(
      { type: 'openModal', modal: openRunForm('busybox') },
      { type: 'form', action: { type: 'edit', action: { type: 'insert', text: 'n1' } } },
    );
    assert.equal(s.modal?.kind === 'form' && s.modal.form.fields.name.value, 'n1');
    assert.equal(appReducer(s, { type: 'closeModal' }).modal, undefined);
  });

  it('opens logs (again) and details, and scrolls details within their lines', () => {
    let s = run({ type: 'showLogs', id: 'c1' });
    assert.equal(s.pane, 'logs');
    assert.equal(s.logsTarget, 'c1');
    assert.equal(appReducer(s, { type: 'showLogs', id: 'c1' }).logsEpoch, s.logsEpoch + 1, 'l again opens a new stream');
    s = run({ type: 'showDetails', ref: { kind: 'image', id: 'sha256:1', ref: 'busybox' }, from: 'images' });
    assert.equal(s.pane, 'details');
    assert.equal(s.detailsFrom, 'images');
    s = appReducer(s, { type: 'detailsScroll', by: 100, lines: 30, height: 10 });
    assert.equal(s.detailsOffset, 20);
    s = appReducer(s, { type: 'detailsScroll', by: 'top', lines: 30, height: 10 });
    assert.equal(s.detailsOffset, 0);
  });

  it('scrolls the help, never above its top', () => {
    const s = run({ type: 'openModal', modal: { kind: 'help', offset: 0 } }, { type: 'helpScroll', by: -3 }, { type: 'helpScroll', by: 5 });
    assert.equal(s.modal?.kind === 'help' && s.modal.offset, 5);
  });
});
