// Keys that arrive in one read (a fast typist, a slow ssh link, tmux's send-keys) each act on
// the row the key before them moved to: "j " picks the second container, not the first.
// Found by the real-terminal day test (test/e2e/tui-day.test.ts).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FakeEngine, fakeContainer } from './support/fake-engine.js';
import { cleanupRendered, renderApp } from './support/render.js';

afterEach(() => cleanupRendered());

describe('screen: keys in one chunk', () => {
  it('"j " moves, then picks the row moved to; "js" then stops the third', async () => {
    const e = new FakeEngine({
      containers: [
        fakeContainer({ id: '1'.repeat(64), name: 'one' }),
        fakeContainer({ id: '2'.repeat(64), name: 'two' }),
        fakeContainer({ id: '3'.repeat(64), name: 'three' }),
      ],
    });
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('three'));
    let f = await r.press('j ', (f) => f.includes('*'));
    assert.match(f, /›\*two/);
    assert.doesNotMatch(f, /\*one/);
    await r.press(' ', (f) => !f.includes('*'));
    f = await r.press('js', (f) => f.includes('stopped'));
    assert.deepEqual(
      e.calls.filter((c) => c.startsWith('stop ')),
      [`stop ${'3'.repeat(64)}`],
    );
  });
});
