/* eslint-disable no-control-regex -- the colour checks match ANSI escape codes */
// Issue 13, past the peers: prune with a preview of what goes and how much (X), and a
// container's health in the list (docker ps's "(healthy)" / "(unhealthy)").
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { plainTheme } from '../../src/views/theme.js';
import { FakeEngine, fakeContainer, fakeImage } from './support/fake-engine.js';
import { cleanupRendered, renderApp } from './support/render.js';

const named = fakeImage({ id: 'sha256:' + 'a'.repeat(64), names: ['docker.io/library/busybox:latest'], inUse: 1 });
// Left by two rebuilds of the dev loop: unnamed; the second still used by a stopped container.
const old1 = fakeImage({ id: 'sha256:' + 'b'.repeat(64), size: 2_000_000 });
const old2 = fakeImage({ id: 'sha256:' + 'c'.repeat(64), size: 3_000_000, inUse: 1 });

afterEach(() => cleanupRendered());

describe('screen: prune', () => {
  it('X shows what a prune removes and how much before y; n keeps all; y removes them and says what was freed', async () => {
    const e = new FakeEngine({
      images: [named, old1, old2],
      containers: [
        fakeContainer({ id: '1'.repeat(64), name: 'web', imageId: named.id }),
        fakeContainer({ id: '2'.repeat(64), name: 'job', imageId: old2.id, state: 'exited', exitCode: 0 }),
        fakeContainer({ id: '3'.repeat(64), name: 'draft', state: 'created' }),
      ],
    });
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('web'));
    let f = await r.press('X', (f) => f.includes('Prune'));
    // The stopped ones by name; the dangling images with their size, counting the one whose
    // only container goes with the prune.
    assert.match(f.replace(/\s*\n\s*/g, ' '), /Remove 2 stopped containers \(job, draft\) and 2 dangling images \(up to 5\.00MB\)\?/);
    f = await r.press('n', (f) => f.includes('canceled'));
    assert.deepEqual(
      e.calls.filter((c) => c.includes('prune')),
      [],
    );
    f = await r.press('X', (f) => f.includes('Prune'));
    f = await r.press('y', (f) => f.includes('✓ pruned 2 containers and 2 dangling images: 5.00MB freed'));
    assert.deepEqual(
      e.calls.filter((c) => c.includes('prune')),
      ['container prune', 'image prune'],
    );
    assert.doesNotMatch(f, /\bjob\b/);
    assert.match(f, /\bweb\b/);
    // Nothing left: no dialog, one line that says so.
    f = await r.press('X', (f) => f.includes('nothing to prune'));
    assert.doesNotMatch(f, /Prune/);
  });
});

describe('screen: health', () => {
  it("a container with a healthcheck shows healthy, unhealthy or starting in STATE, and docker ps's suffix in STATUS", async () => {
    const e = new FakeEngine({
      containers: [
        fakeContainer({ id: '1'.repeat(64), name: 'api', healthStatus: 'healthy' }),
        fakeContainer({ id: '2'.repeat(64), name: 'db', healthStatus: 'unhealthy' }),
        fakeContainer({ id: '3'.repeat(64), name: 'queue', healthStatus: 'starting' }),
        fakeContainer({ id: '4'.repeat(64), name: 'plain' }),
      ],
    });
    const r = await renderApp(e, { theme: plainTheme });
    const f = await r.waitFor((f) => f.includes('queue'));
    // STATE gives the verdict (coloured as a failure when unhealthy); STATUS adds docker's suffix when it fits.
    assert.match(f, /api\s+busybox:latest\s+healthy\s+Up 3 hours \(he/);
    assert.match(f, /db\s+busybox:latest\s+unhealthy\s+Up 3 hours \(un/);
    assert.match(f, /queue\s+busybox:latest\s+starting\s+Up 3 hours \(he/);
    assert.match(f, /plain\s+busybox:latest\s+running\s+Up 3 hours\s/);
    r.unmount();
    const c = await renderApp(e);
    await c.waitFor((f) => f.includes('queue'));
    assert.match(c.rawFrame(), /\x1b\[31munhealthy/, 'unhealthy in red');
    await c.press('j');
    assert.match(c.rawFrame(), /\x1b\[32mhealthy/, 'healthy in green');
  });
});
