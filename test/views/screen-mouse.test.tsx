// Feature row 42: the mouse. SGR reports (ESC [ < b ; x ; y M) as a terminal sends them once
// src/tui.ts has turned reporting on: a click selects a row or switches the tab, the wheel
// scrolls the list and the logs, and a report is never read as keys (no "[<0;…" typed into a
// filter, no pane switched by its digits). The screen here is 100×24 (ink-testing-library).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseMouse, tabSpans } from '../../src/views/mouse.js';
import { FakeEngine, fakeContainer } from './support/fake-engine.js';
import { cleanupRendered, keys, renderApp } from './support/render.js';

afterEach(() => cleanupRendered());

const click = (x: number, y: number) => `\x1b[<0;${x};${y}M\x1b[<0;${x};${y}m`;
const wheel = (dir: 'up' | 'down', x: number, y: number) => `\x1b[<${dir === 'up' ? 64 : 65};${x};${y}M`;
/** The name on the selected row of the container list. */
const selected = (f: string) => /│› (\S+)/.exec(f)?.[1];

function engine(n = 8) {
  const e = new FakeEngine({
    containers: Array.from({ length: n }, (_, i) =>
      fakeContainer({
        id: String(i + 1)
          .repeat(64)
          .slice(0, 64),
        name: `box${i + 1}`,
        createdAt: new Date(Date.now() - i * 60_000).toISOString(),
      }),
    ),
  });
  return e;
}

describe('screen: mouse', () => {
  it('parses SGR presses, releases and the wheel; tabs are where the tab bar draws them', () => {
    assert.deepEqual(parseMouse('[<0;12;5M'), { kind: 'press', button: 0, x: 12, y: 5 });
    assert.deepEqual(parseMouse('\x1b[<0;12;5m'), { kind: 'release', button: 0, x: 12, y: 5 });
    assert.equal(parseMouse('[<65;1;2M')?.kind, 'wheelDown');
    assert.equal(parseMouse('[<64;1;2M')?.kind, 'wheelUp');
    assert.equal(parseMouse('j'), undefined);
    assert.deepEqual(tabSpans().slice(0, 2), [
      { pane: 'containers', from: 1, to: 14 },
      { pane: 'images', from: 15, to: 24 },
    ]);
  });

  it('a click selects the row under it; the wheel moves the selection; a click on a tab switches pane', async () => {
    const r = await renderApp(engine());
    let f = await r.waitFor((f) => f.includes('box8'));
    const lines = f.split('\n');
    // Rows: 1 tabs, 2 border, 3 title, 4 header, 5… the list. The third row is on line 7.
    const third = /│[› ] (\S+)/.exec(lines[6] ?? '')?.[1];
    assert.ok(third, f);
    assert.notEqual(selected(f), third);
    f = await r.press(click(10, 7), (f) => selected(f) === third);
    // Wheel down: three rows further.
    const sixth = /│[› ] (\S+)/.exec(lines[9] ?? '')?.[1];
    f = await r.press(wheel('down', 10, 7), (f) => selected(f) === sixth);
    f = await r.press(wheel('up', 10, 7), (f) => selected(f) === third);
    // A click below the last row selects nothing new.
    r.write(click(10, 20));
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(selected(r.frame()), third);
    // The tab bar: " 2 Images " is columns 15–24.
    f = await r.press(click(18, 1), (f) => f.includes('REPOSITORY:TAG'));
    f = await r.press(click(5, 1), (f) => f.includes('NAME') && !f.includes('REPOSITORY:TAG'));
    assert.equal(selected(f), third);
  });

  it('the wheel scrolls the logs (and stops following); reports are never typed as text or keys', async () => {
    const e = engine(1);
    const id = '1'.repeat(64);
    e.logHistory.set(
      id,
      Array.from({ length: 200 }, (_, i) => ({ stream: 'stdout' as const, time: new Date().toISOString(), text: `line ${i + 1}` })),
    );
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('box1'));
    let f = await r.press('l', (f) => f.includes('line 200') && f.includes('following'));
    f = await r.press(wheel('up', 20, 10), (f) => f.includes('scrolled'));
    assert.doesNotMatch(f, /line 200/);
    f = await r.press(wheel('down', 20, 10), (f) => f.includes('line 200'));
    // In a filter prompt a report is ignored, not typed.
    await r.press('1', (f) => f.includes('NAME'));
    f = await r.press('/', (f) => f.includes('filter /'));
    r.write(click(10, 5));
    r.write(wheel('down', 10, 5));
    f = await r.press('b', (f) => /filter \/\s*b/.test(f));
    assert.doesNotMatch(f, /\[<|;10;5/);
    f = await r.press(keys.escape, (f) => !f.includes('filter /'));
    // Nor read as keys: "[<0;2;1M" holds a 2 (the Images pane's key) and would switch panes.
    r.write('\x1b[<0;60;2M');
    await new Promise((res) => setTimeout(res, 100));
    assert.doesNotMatch(r.frame(), /REPOSITORY:TAG/);
  });
});
