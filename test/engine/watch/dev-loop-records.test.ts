// The dev loop's history records, one per cycle outcome (rebuilt, unchanged, build failed, run
// failed, synced, sync failed), over a fake builder and fake containers: no engine, no runc.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineError } from '../../../src/engine/define.js';
import type { ContainerSummary } from '../../../src/engine/define.js';
import type { BuildsApi, ContainersApi } from '../../../src/engine/types.js';
import { DevLoop, type RebuildRecord } from '../../../src/engine/watch/index.js';
import { tempRoot } from '../../helpers/env.js';

type Outcome = { imageId: string; steps: number; cachedSteps: number } | Error;

describe('dev loop: history records', { timeout: 60_000 }, () => {
  const t = tempRoot('dockui-devrec-');
  const builds: Outcome[] = [];
  let runFails: Error | undefined;
  let syncFails: Error | undefined;
  let seq = 0;
  let loop: DevLoop;

  const fakeBuilds = {
    build: async () => {
      const next = builds.shift();
      if (!next) throw new Error('no build outcome queued');
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as BuildsApi;
  let current: ContainerSummary | undefined;
  const fakeContainers = {
    refresh: async () => {},
    getSnapshot: () => (current ? [current] : []),
    remove: async () => {
      current = undefined;
    },
    run: async () => {
      if (runFails) throw runFails;
      current = { id: `c${++seq}`, name: 'app', image: 'app:dev', imageId: last.imageId, state: 'running' } as unknown as ContainerSummary;
      return current;
    },
    syncFiles: async () => {
      if (syncFails) throw syncFails;
    },
    restart: async () => {},
  } as unknown as ContainersApi;
  let last = { imageId: '' };

  const queue = (o: Outcome) => {
    builds.push(o);
    if (!(o instanceof Error)) last = o;
  };
  /** The newest record, once there are `n`, with its timings checked and taken out. */
  const record = async (n: number): Promise<Partial<RebuildRecord>> => {
    const end = Date.now() + 20_000;
    while (loop.getSnapshot().history.length < n) {
      if (Date.now() > end) throw new Error(`timed out waiting for record ${n}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await loop.idle();
    const r = loop.getSnapshot().history[0]!;
    for (const k of ['debounceMs', 'buildMs', 'swapMs', 'totalMs', 'at'] as const) assert.ok(r[k] >= 0, `${k}: ${r[k]}`);
    assert.ok(r.totalMs >= r.buildMs + r.swapMs - 1e-6, 'total covers build and swap');
    assert.deepEqual(Object.keys(r), [
      'trigger',
      'kind',
      'paths',
      'ok',
      ...('error' in r ? ['error'] : []),
      'debounceMs',
      'buildMs',
      'steps',
      'cachedSteps',
      'swapMs',
      'totalMs',
      'at',
    ]);
    const { debounceMs: _d, buildMs, swapMs, totalMs: _t, at: _a, ...rest } = r;
    return { ...rest, ...(buildMs === 0 ? { buildMs } : {}), ...(swapMs === 0 ? { swapMs } : {}) };
  };

  before(async () => {
    mkdirSync(join(t.root, 'www'));
    writeFileSync(join(t.root, 'Dockerfile'), 'FROM scratch\n');
    queue({ imageId: 'sha256:a', steps: 3, cachedSteps: 1 });
    loop = new DevLoop({
      dir: t.root,
      image: 'app:dev',
      run: {},
      builds: fakeBuilds,
      containers: fakeContainers,
      isIgnored: () => false,
      syncRules: [{ src: 'www', dest: '/www', restart: false }],
      debounceMs: 5,
    });
    await loop.start();
  });

  after(async () => {
    await loop?.close();
    t.cleanup();
  });

  it('the first build and run', async () => {
    assert.deepEqual(await record(1), { trigger: 'start', kind: 'rebuild', paths: [], ok: true, steps: 3, cachedSteps: 1 });
  });

  it('a build of the image already running: unchanged, no swap', async () => {
    queue({ imageId: 'sha256:a', steps: 3, cachedSteps: 3 });
    loop.rebuild();
    assert.deepEqual(await record(2), {
      trigger: 'forced',
      kind: 'unchanged',
      paths: [''],
      ok: true,
      steps: 3,
      cachedSteps: 3,
      swapMs: 0,
    });
  });

  it('a change under a sync rule: synced, no build', async () => {
    writeFileSync(join(t.root, 'www', 'index.html'), 'hi\n');
    assert.deepEqual(await record(3), {
      trigger: 'change',
      kind: 'sync',
      paths: ['www/index.html'],
      ok: true,
      buildMs: 0,
      steps: 0,
      cachedSteps: 0,
    });
  });

  it('a sync that fails', async () => {
    syncFails = new EngineError('unavailable', 'copy refused');
    writeFileSync(join(t.root, 'www', 'index.html'), 'hi again\n');
    assert.deepEqual(await record(4), {
      trigger: 'change',
      kind: 'sync',
      paths: ['www/index.html'],
      ok: false,
      error: 'copy refused',
      buildMs: 0,
      steps: 0,
      cachedSteps: 0,
      swapMs: 0,
    });
    syncFails = undefined;
    assert.equal(loop.getSnapshot().lastError, 'sync: copy refused');
  });

  it('a build that fails: no steps, no swap, the old container kept', async () => {
    queue(new EngineError('invalid_argument', 'bad Dockerfile'));
    loop.rebuild();
    assert.deepEqual(await record(5), {
      trigger: 'forced',
      kind: 'rebuild',
      paths: [''],
      ok: false,
      error: 'bad Dockerfile',
      steps: 0,
      cachedSteps: 0,
      swapMs: 0,
    });
    assert.equal(loop.getSnapshot().container?.id, 'c1');
  });

  it('a new image whose run fails', async () => {
    runFails = new EngineError('conflict', 'port taken');
    queue({ imageId: 'sha256:b', steps: 4, cachedSteps: 2 });
    loop.rebuild();
    assert.deepEqual(await record(6), {
      trigger: 'forced',
      kind: 'rebuild',
      paths: [''],
      ok: false,
      error: 'port taken',
      steps: 4,
      cachedSteps: 2,
    });
    assert.equal(loop.getSnapshot().lastError, 'run: port taken');
    runFails = undefined;
  });

  it('a rebuild that swaps in a new container', async () => {
    queue({ imageId: 'sha256:c', steps: 4, cachedSteps: 4 });
    loop.rebuild();
    assert.deepEqual(await record(7), { trigger: 'forced', kind: 'rebuild', paths: [''], ok: true, steps: 4, cachedSteps: 4 });
    assert.equal(loop.getSnapshot().container?.id, 'c2');
  });
});
