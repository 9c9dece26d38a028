import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampList, initialList, moveList, visibleSlice } from '../../src/views/list-nav.js';

describe('list navigation', () => {
  it('moves and keeps the cursor in the window', () => {
    let s = initialList;
    for (let i = 0; i < 12; i++) s = moveList(s, 'down', 200, 10);
    assert.deepEqual(s, { selected: 12, offset: 3 });
    s = moveList(s, 'pageDown', 200, 10);
    assert.deepEqual(s, { selected: 22, offset: 13 });
    s = moveList(s, 'bottom', 200, 10);
    assert.deepEqual(s, { selected: 199, offset: 190 });
    s = moveList(s, 'pageUp', 200, 10);
    assert.deepEqual(s, { selected: 189, offset: 189 });
    s = moveList(s, 'top', 200, 10);
    assert.deepEqual(s, { selected: 0, offset: 0 });
    assert.deepEqual(moveList(s, 'up', 200, 10), s);
  });

  it('clamps when the list shrinks or is empty', () => {
    assert.deepEqual(clampList({ selected: 150, offset: 145 }, 20, 10), { selected: 19, offset: 10 });
    assert.deepEqual(clampList({ selected: 5, offset: 2 }, 0, 10), initialList);
    const same = { selected: 3, offset: 0 };
    assert.equal(clampList(same, 20, 10), same, 'unchanged state keeps its identity');
  });

  it('slices only the visible rows', () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    assert.deepEqual(visibleSlice(items, { selected: 50, offset: 45 }, 5), [45, 46, 47, 48, 49]);
  });
});
