import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeLayout } from '../../src/views/layout.js';

describe('computeLayout', () => {
  it('fits 80×24 exactly, one row short of the screen', () => {
    const l = computeLayout({ columns: 80, rows: 24 });
    assert.equal(l.tooSmall, false);
    assert.equal(l.width, 80);
    assert.equal(l.height, 23);
    assert.equal(l.side, undefined);
    // tabs + bordered pane + status + footer fill the height.
    assert.equal(l.tabs.height + l.main.height + 2 + l.status.height + l.footer.height, l.height);
    assert.equal(l.main.width + 2, 80);
    assert.ok(l.listRows >= 15, `only ${l.listRows} list rows at 80×24`);
  });

  it('says when the terminal is too small, and never returns negative sizes', () => {
    for (const [c, r] of [
      [79, 24],
      [80, 23],
      [10, 5],
      [1, 1],
    ] as const) {
      const l = computeLayout({ columns: c, rows: r });
      assert.equal(l.tooSmall, true, `${c}×${r}`);
      assert.ok(l.main.width > 0 && l.main.height > 0 && l.listRows > 0);
    }
    // 0 is what a stream that is not a terminal reports: lay out for the minimum.
    assert.equal(computeLayout({ columns: 0, rows: 0 }).tooSmall, false);
  });

  it('adds a side preview on wide terminals and grows the list with the height', () => {
    const wide = computeLayout({ columns: 200, rows: 50 });
    assert.ok(wide.side, 'no side pane at 200 columns');
    assert.equal(wide.main.width + 2 + wide.side.width + 2, 200);
    assert.equal(wide.side.height, wide.main.height);
    assert.ok(wide.listRows > computeLayout({ columns: 200, rows: 30 }).listRows);
  });
});
