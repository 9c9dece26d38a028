import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineError } from '../../src/engine/define.js';
import { DevSession, type DevLoopLike } from '../../src/hooks/dev-session.js';
import type { DevView } from '../../src/views/view-models.js';

class FakeLoop implements DevLoopLike {
  state: DevView = { dir: '/app', image: 'app:dev', phase: 'watching', watchedFiles: 3, history: [] };
  paused = false;
  rebuilds = 0;
  closed = false;
  readonly listeners = new Set<() => void>();
  subscribe(l: () => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  getSnapshot() {
    return this.state;
  }
  set(patch: Partial<DevView>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
  pause() {
    this.paused = true;
    this.set({ phase: 'paused' });
  }
  resume() {
    this.paused = false;
    this.set({ phase: 'watching' });
  }
  rebuild() {
    this.rebuilds++;
  }
  async close() {
    this.closed = true;
  }
}

const changed = (s: DevSession) =>
  new Promise<void>((resolve) => {
    const off = s.subscribe(() => {
      off();
      resolve();
    });
  });

describe('DevSession', () => {
  it('says it is starting, then follows the loop; w pauses and resumes, b rebuilds', async () => {
    const loop = new FakeLoop();
    let release!: () => void;
    const s = new DevSession('/app', () => new Promise((r) => (release = () => r(loop))));
    s.begin();
    assert.equal(s.getSnapshot(), undefined);
    assert.match(s.toggleWatch(), /still starting/);
    assert.match(s.rebuild(), /still starting/);
    const up = changed(s);
    release();
    await up;
    assert.equal(s.getSnapshot()?.phase, 'watching');
    assert.equal(s.toggleWatch(), 'paused watching /app (w resumes)');
    assert.equal(s.getSnapshot()?.phase, 'paused');
    assert.equal(s.toggleWatch(), 'watching /app again');
    assert.equal(s.rebuild(), 'rebuilding app:dev…');
    assert.equal(loop.rebuilds, 1);
    await s.close();
    assert.equal(loop.closed, true);
  });

  it('reports a loop that fails to start as one line', async () => {
    const s = new DevSession('/app', () => Promise.reject(new EngineError('invalid_argument', 'Dockerfile:1: unknown instruction: FORM')));
    const done = changed(s);
    s.begin();
    await done;
    assert.equal(s.startError, 'Dockerfile:1: unknown instruction: FORM');
    assert.match(s.toggleWatch(), /did not start: Dockerfile:1/);
  });
  it('on quit, says the dev container keeps running and how to stop it', async () => {
    const loop = new FakeLoop();
    const s = new DevSession('/app', () => Promise.resolve(loop));
    const up = changed(s);
    s.begin();
    await up;
    assert.equal(s.farewell(), undefined, 'no container yet');
    loop.set({
      container: {
        id: 'c'.repeat(64),
        name: 'app-dev',
        image: 'app:dev',
        imageId: 'sha256:1',
        command: 'sh',
        state: 'running',
        createdAt: '',
        ports: [],
      },
    });
    await s.close();
    assert.equal(s.farewell(), 'the dev container app-dev keeps running; stop it with: dockui stop app-dev');
  });
});
