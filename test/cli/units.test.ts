// The one units module (src/format/units.ts) gives each caller the output it printed before
// there was one: `dockui images`/`system df` sizes, the TUI's columns, `ps` and `images` times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familiarRef, humanDuration, shortId, siSize } from '../../src/format/units.js';

const s = 1000;
const h = 3600 * s;
const d = 24 * h;

describe('units', () => {
  it('sizes: docker drops trailing zeros, the TUI keeps its digits', () => {
    const cases: [number, string, string][] = [
      [0, '0B', '0B'],
      [999, '999B', '999B'],
      [4_200_000, '4.2MB', '4.20MB'],
      [4_260_000, '4.26MB', '4.26MB'],
      [42_600_000, '42.6MB', '42.6MB'],
      [135_000_000, '135MB', '135MB'],
      [2e15, '2PB', '2000TB'],
    ];
    for (const [n, docker, fixed] of cases) {
      assert.equal(siSize(n), docker, `docker ${n}`);
      assert.equal(siSize(n, 'fixed'), fixed, `fixed ${n}`);
    }
    assert.equal(siSize(-1, 'fixed'), '-');
    assert.equal(siSize(Number.NaN, 'fixed'), '-');
  });

  it('durations: each style where they part', () => {
    const cases: [number, string, string, string][] = [
      // ms, ps, pane, since
      [400, 'Less than a second', 'Less than a second', 'Less than a second'],
      [1 * s, '1 seconds', '1 second', '1 seconds'],
      [59.6 * s, 'About a minute', 'About a minute', '59 seconds'],
      [90 * s, '2 minutes', '2 minutes', 'About a minute'],
      [5370 * s, '2 hours', 'About an hour', 'About an hour'],
      [3 * d, '3 days', '3 days', '3 days'],
      [20 * d, '20 days', '3 weeks', '2 weeks'],
      [70 * d, '70 days', '2 months', '10 weeks'],
      [800 * d, '800 days', '2 years', '2 years'],
    ];
    for (const [ms, ps, pane, since] of cases) {
      assert.equal(humanDuration(ms, 'ps'), ps, `ps ${ms}`);
      assert.equal(humanDuration(ms, 'pane'), pane, `pane ${ms}`);
      assert.equal(humanDuration(ms, 'since'), since, `since ${ms}`);
    }
  });

  it('familiar names', () => {
    assert.equal(familiarRef('docker.io/library/busybox:latest'), 'busybox:latest');
    assert.equal(familiarRef('docker.io/me/app:1'), 'me/app:1');
    assert.equal(familiarRef('127.0.0.1:5000/fixture/busybox:latest'), '127.0.0.1:5000/fixture/busybox:latest');
  });

  it('short ids', () => {
    assert.equal(shortId('sha256:0123456789abcdef'), '0123456789ab');
    assert.equal(shortId('fedcba9876543210'), 'fedcba987654');
  });
});
