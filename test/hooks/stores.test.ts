// The hooks' stores over the fake engine: log following (bounded, batched), pulls (progress,
// cancel, errors) and builds (own builds and the bus's, error ranges, history).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineError } from '../../src/engine/define.js';
import { BuildStore } from '../../src/hooks/build-store.js';
import { LogStream } from '../../src/hooks/log-stream.js';
import { PullStore } from '../../src/hooks/pull-store.js';
import { FakeEngine, fakeContainer } from '../views/support/fake-engine.js';

function next<T>(store: { subscribe(l: () => void): () => void; getSnapshot(): T }, pred: (s: T) => boolean, timeoutMs = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    if (pred(store.getSnapshot())) return resolve(store.getSnapshot());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out; last snapshot: ${JSON.stringify(store.getSnapshot()).slice(0, 300)}`));
    }, timeoutMs);
    const off = store.subscribe(() => {
      if (pred(store.getSnapshot())) {
        clearTimeout(timer);
        off();
        resolve(store.getSnapshot());
      }
    });
  });
}

describe('LogStream', () => {
  it('follows a container into a bounded buffer, publishing a burst in few snapshots', async () => {
    const id = 'c'.repeat(64);
    const e = new FakeEngine({ containers: [fakeContainer({ id, name: 'c' })] });
    for (let i = 0; i < 10; i++) e.emitLog(id, { stream: 'stdout', time: '', text: `old ${i}` });
    const s = new LogStream(e.containers, id, { tail: 5, capacity: 100, flushMs: 20 });
    let publishes = 0;
    s.subscribe(() => publishes++);
    s.start();
    let snap = await next(s, (x) => x.lines.length === 5);
    assert.deepEqual(
      snap.lines.map((l) => l.text),
      ['old 5', 'old 6', 'old 7', 'old 8', 'old 9'],
    );
    publishes = 0;
    for (let i = 0; i < 1000; i++) e.emitLog(id, { stream: i % 2 ? 'stderr' : 'stdout', time: '', text: `new ${i}` });
    snap = await next(s, (x) => x.lines.at(-1)?.text === 'new 999');
    assert.equal(snap.lines.length, 100, 'bounded by the capacity');
    assert.equal(snap.dropped, 905);
    assert.ok(publishes <= 3, `${publishes} snapshots for one burst`);
    s.stop();
    e.emitLog(id, { stream: 'stdout', time: '', text: 'after stop' });
    await new Promise((r) => setTimeout(r, 60));
    assert.notEqual(s.getSnapshot().lines.at(-1)?.text, 'after stop');
  });

  it('reports an error from the engine as one line', async () => {
    const e = new FakeEngine();
    const s = new LogStream(e.containers, 'nope', { flushMs: 5 });
    e.containers.logs = () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new EngineError('not_found', 'no such container: nope')) }),
    });
    s.start();
    const snap = await next(s, (x) => x.ended);
    assert.equal(snap.error, 'no such container: nope');
  });
});

describe('PullStore', () => {
  it('pulls with progress and ends done', async () => {
    const e = new FakeEngine();
    const gate = FakeEngine.gate();
    e.pullGate = gate;
    const p = new PullStore(e.images, { throttleMs: 5 });
    const done = p.start('busybox');
    const pulling = await next(p, (s) => s.phase === 'pulling' && s.progress !== undefined);
    assert.equal(pulling.phase === 'pulling' && pulling.progress?.layers.length, 2);
    gate.resolve();
    const end = await done;
    assert.equal(end.phase, 'done');
    assert.deepEqual(end.phase === 'done' && end.image.names, ['docker.io/library/busybox:latest']);
  });

  it('cancels, and reports failures as one line', async () => {
    const e = new FakeEngine();
    e.pullGate = FakeEngine.gate();
    const p = new PullStore(e.images, { throttleMs: 5 });
    const pending = p.start('slow');
    await next(p, (s) => s.phase === 'pulling');
    p.cancel();
    assert.deepEqual(await pending, { phase: 'failed', ref: 'slow', error: 'canceled' });
    assert.deepEqual(await p.start('missing/thing'), { phase: 'failed', ref: 'missing/thing', error: 'manifest unknown: missing/thing' });
    p.reset();
    assert.deepEqual(p.getSnapshot(), { phase: 'idle' });
  });
});

describe('BuildStore', () => {
  it('tracks its own build: steps, output, result and history', async () => {
    const e = new FakeEngine();
    const b = new BuildStore(e, { flushMs: 5 });
    const detach = b.attach();
    const r = await b.build({ context: '/app', tags: ['app:dev'] });
    assert.equal(r.phase, 'done');
    assert.deepEqual(
      r.steps.map((s) => s.status),
      ['cached', 'done', 'done'],
    );
    assert.deepEqual(r.output, [{ index: 2, stream: 'stdout', line: 'compiling…' }]);
    assert.equal(r.history[0]?.cachedSteps, 1);
    assert.equal(r.history[0]?.ok, true);
    detach();
  });

  it('keeps the Dockerfile range of a failed build', async () => {
    const e = new FakeEngine();
    e.buildFailure = new EngineError('invalid_argument', 'unknown instruction: RUNN', {
      range: { file: 'Dockerfile', line: 4, column: 1 },
    });
    const b = new BuildStore(e, { flushMs: 5 });
    const detach = b.attach();
    const r = await b.build({ context: '/app' });
    assert.equal(r.phase, 'failed');
    assert.deepEqual(r.error, { message: 'unknown instruction: RUNN', range: { file: 'Dockerfile', line: 4, column: 1 } });
    detach();
  });

  it('shows builds and watch states from the bus (the dev loop)', async () => {
    const e = new FakeEngine();
    const b = new BuildStore(e, { flushMs: 5 });
    const detach = b.attach();
    e.events.emit('watch.state', { dir: '/app', state: 'building', files: 12 });
    assert.deepEqual(b.getSnapshot().watch, { state: 'building', files: 12 });
    e.events.emit('build.step', { buildId: 'w1', index: 0, total: 1, stage: '', instruction: 'COPY . /', status: 'started' });
    e.events.emit('build.output', { buildId: 'w1', index: 0, stream: 'stderr', line: 'oops' });
    e.events.emit('build.step', {
      buildId: 'w1',
      index: 0,
      total: 1,
      stage: '',
      instruction: 'COPY . /',
      status: 'failed',
      error: 'boom',
      range: { file: 'Dockerfile', line: 2, column: 1 },
    });
    e.events.emit('build.finished', { buildId: 'w1', ok: false, error: 'boom', durationMs: 321 });
    const s = await next(b, (x) => x.phase === 'failed');
    assert.deepEqual(s.error, { message: 'boom', range: { file: 'Dockerfile', line: 2, column: 1 } });
    assert.deepEqual(s.output, [{ index: 0, stream: 'stderr', line: 'oops' }]);
    assert.equal(s.history[0]?.durationMs, 321);
    // The next build fails before any step: the last build's steps and output are not its own.
    e.events.emit('build.finished', { buildId: 'w2', ok: false, error: 'Dockerfile:1: unknown instruction: FORM', durationMs: 5 });
    const s2 = await next(b, (x) => x.buildId === 'w2');
    assert.deepEqual(s2.steps, []);
    assert.deepEqual(s2.output, []);
    assert.equal(s2.error?.message, 'Dockerfile:1: unknown instruction: FORM');
    detach();
    e.events.emit('watch.state', { dir: '/app', state: 'watching' });
    assert.equal(b.getSnapshot().watch?.state, 'building', 'detached: no more updates');
  });
});
