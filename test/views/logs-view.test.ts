import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMatches, highlight, initialLogsView, logsReducer, windowStart } from '../../src/views/logs-view.js';

describe('logs view', () => {
  const w = { dropped: 100, count: 50, height: 10 };

  it('follows the end, scrolls back, and follows again at the bottom', () => {
    assert.equal(windowStart(initialLogsView, w), 140);
    let s = logsReducer(initialLogsView, { type: 'scroll', by: -5 }, w);
    assert.equal(s.follow, false);
    assert.equal(windowStart(s, w), 135);
    // New lines arrive and old ones drop: the view stays on the same absolute lines.
    assert.equal(windowStart(s, { dropped: 120, count: 50, height: 10 }), 135);
    s = logsReducer(s, { type: 'scroll', by: 5 }, w);
    assert.equal(s.follow, true);
    s = logsReducer(s, { type: 'top' }, w);
    assert.equal(windowStart(s, w), 100);
    s = logsReducer(s, { type: 'bottom' }, w);
    assert.equal(s.follow, true);
    s = logsReducer(s, { type: 'toggleFollow' }, w);
    assert.equal(s.follow, false);
    assert.equal(windowStart(s, w), 140);
  });

  it('searches, jumps between matches and wraps', () => {
    const texts = ['GET /', 'error: boom', 'GET /a', 'ERROR again', 'ok'];
    const m = findMatches(texts, 7, 'error');
    assert.deepEqual(m, [8, 10]);
    const win = { dropped: 7, count: 5, height: 2 };
    let s = logsReducer(initialLogsView, { type: 'search', query: 'error', matches: m }, win);
    assert.equal(s.match, 10, 'starts at the newest match');
    assert.equal(s.follow, false);
    s = logsReducer(s, { type: 'nextMatch', matches: m }, win);
    assert.equal(s.match, 8, 'wraps to the first');
    s = logsReducer(s, { type: 'prevMatch', matches: m }, win);
    assert.equal(s.match, 10);
    assert.ok(windowStart(s, win) <= 10 && windowStart(s, win) + 2 > 10, 'the match is on screen');
  });

  it('splits text around matches, case-insensitively', () => {
    assert.deepEqual(highlight('Error: an error', 'ERROR'), [
      { text: 'Error', match: true },
      { text: ': an ', match: false },
      { text: 'error', match: true },
    ]);
    assert.deepEqual(highlight('plain', ''), [{ text: 'plain', match: false }]);
    assert.deepEqual(highlight('plain', 'zz'), [{ text: 'plain', match: false }]);
  });
});
