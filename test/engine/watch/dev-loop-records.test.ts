// The dev loop's history: one record per cycle, checked field by field for every outcome
// (rebuilt, unchanged, build failed, run failed, synced, sync failed), each produced for real: a
// real DevLoop over a real engine (real builder, real runc, real overlay) on a real folder, with
// real file writes seen by the real watcher. No fault is injected: every failure below is one
// the engine itself reports (a RUN that exits 3, a CMD whose binary the image lacks, a sync
// target under a file, a container stopped behind the loop's back).
//
// Key order is not checked: nothing prints a record as is (the Build pane's rebuildLine and
// devOutcome and `dockui dev` read its fields by name). The key set is: exactly these fields,
// `error` only on a failure.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IgnoreMatcher } from '../../../src/engine/build/dockerignore.js';
import { createEngine, type DockuiEngine } from '../../../src/engine/index.js';
import { DevLoop, type DevState, type RebuildRecord } from '../../../src/engine/watch/index.js';
import { closeDevRoot } from '../../helpers/dev-teardown.js';
import { repoRoot, tempRoot } from '../../helpers/env.js';

const debounceMs = 40;
const name = `dr-${process.pid}`;
const keepRunning = `CMD ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"]`;
const dockerfile = (...middle: string[]) => ['FROM busybox:static', 'COPY app/ /app/', ...middle, keepRunning, ''].join('\n');

const fields = ['trigger', 'kind', 'paths', 'ok', 'debounceMs', 'buildMs', 'steps', 'cachedSteps', 'swapMs', 'totalMs', 'at'];

/** What a record says besides its timings. */
type Said = Pick<RebuildRecord, 'trigger' | 'kind' | 'paths' | 'ok' | 'steps' | 'cachedSteps'> & { error?: string };

describe('dev loop: one history record per cycle, over the real engine', { timeout: 120_000 }, () => {
  const t = tempRoot('dr-');
  const dir = join(t.root, 'proj');
  const engineRoot = join(t.root, 'engine');
  let engine: DockuiEngine;
  let loop: DevLoop;

  const snap = (): DevState => loop.getSnapshot();

  /** The container of `id` as the engine has it now (not as the loop remembers it). */
  async function live(id: string | undefined) {
    await engine.containers.refresh();
    return engine.containers.getSnapshot().find((c) => c.id === id);
  }

  /**
   * Runs `act` (a file write), waits for the cycle it causes to end, and checks that it added
   * exactly one record, with sane timings inside the window around it; returns the record.
   */
  async function cycle(act: () => void | Promise<void>): Promise<RebuildRecord> {
    await loop.idle();
    const before = snap().history;
    const wall0 = Date.now();
    const perf0 = performance.now();
    await act();
    const end = Date.now() + 30_000;
    while (snap().history.length === before.length) {
      if (Date.now() > end) throw new Error(`no record within 30 s (phase ${snap().phase})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await loop.idle();
    const perf1 = performance.now();
    const wall1 = Date.now();
    const h = snap().history;
    assert.equal(h.length, before.length + 1, `one cycle, one record: ${JSON.stringify(h.slice(0, h.length - before.length))}`);
    assert.deepEqual(h.slice(1), before, 'the older records are kept, newest first');
    const r = h[0]!;
    checkShape(r);
    checkTimes(r, perf1 - perf0, wall0, wall1);
    if (r.trigger === 'change')
      assert.ok(r.debounceMs >= debounceMs / 2, `debounce ${r.debounceMs} ms, with a ${debounceMs} ms quiet time`);
    return r;
  }

  function checkShape(r: RebuildRecord): void {
    assert.deepEqual(Object.keys(r).sort(), [...fields, ...(r.ok ? [] : ['error'])].sort(), 'the fields, error only on a failure');
  }

  /** Every timing a number ≥ 0; debounce, build and swap one after the other within the total; the total within the window. */
  function checkTimes(r: RebuildRecord, windowMs: number, wall0: number, wall1: number): void {
    for (const k of ['debounceMs', 'buildMs', 'swapMs', 'totalMs'] as const) {
      assert.equal(typeof r[k], 'number', k);
      assert.ok(Number.isFinite(r[k]) && r[k] >= 0, `${k}: ${r[k]}`);
    }
    assert.ok(
      r.debounceMs + r.buildMs + r.swapMs <= r.totalMs + 1e-6,
      `debounce ${r.debounceMs} + build ${r.buildMs} + swap ${r.swapMs} ≤ total ${r.totalMs}`,
    );
    assert.ok(r.totalMs <= windowMs, `total ${r.totalMs} ms within the ${windowMs} ms from the write to the record`);
    assert.ok(r.at >= wall0 && r.at <= wall1, `at ${r.at} within [${wall0}, ${wall1}]`);
  }

  function said(r: RebuildRecord): Said {
    return {
      trigger: r.trigger,
      kind: r.kind,
      paths: r.paths,
      ok: r.ok,
      ...(r.error !== undefined ? { error: r.error } : {}),
      steps: r.steps,
      cachedSteps: r.cachedSteps,
    };
  }

  before(async () => {
    mkdirSync(join(dir, 'app'), { recursive: true });
    mkdirSync(join(dir, 'www'));
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'app/main.sh'), 'echo hi\n');
    writeFileSync(join(dir, 'www/index.html'), '<h1>first</h1>\n');
    writeFileSync(join(dir, 'conf/app.conf'), 'level=1\n');
    writeFileSync(join(dir, 'bad/x.conf'), 'x\n');
    writeFileSync(join(dir, '.dockerignore'), '*.log\n');
    writeFileSync(join(dir, 'Dockerfile'), dockerfile());
    execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', engineRoot], { stdio: ['ignore', 'ignore', 'inherit'] });
    engine = await createEngine({ root: engineRoot });
    // What startDevLoop wires (the .dockerignore's matcher, the sync rules), with options of
    // its own: a short quiet time, a 1 s stop grace for a restarting sync.
    const ignore = IgnoreMatcher.fromText(readFileSync(join(dir, '.dockerignore'), 'utf8'));
    loop = new DevLoop({
      dir,
      image: 'proj:dev',
      // No --init: a CMD whose binary is missing must fail the run itself (under tini the
      // container would start and exit 127). The CMD's shell traps TERM, so stops are quick.
      run: { name, network: 'none' },
      builds: engine.builds,
      containers: engine.containers,
      isIgnored: (rel) => ignore.matches(rel) && !ignore.mayIncludeBelow(rel),
      syncRules: [
        { src: 'www', dest: '/www', restart: false },
        { src: 'conf', dest: '/etc/app', restart: true },
        // /etc/passwd is a file in the image: nothing can be synced below it.
        { src: 'bad', dest: '/etc/passwd', restart: false },
      ],
      debounceMs,
      burstDebounceMs: 100,
      stopGraceSec: 1,
    });
  });

  after(() => closeDevRoot(loop, engine, t));

  it('start: the first build and run is a rebuild, triggered by the start, with no paths', async () => {
    const wall0 = Date.now();
    const perf0 = performance.now();
    await loop.start();
    await loop.idle();
    const s = snap();
    assert.equal(s.history.length, 1, s.lastError);
    const r = s.history[0]!;
    checkShape(r);
    checkTimes(r, performance.now() - perf0, wall0, Date.now());
    // FROM (a local image: cached), COPY and CMD.
    assert.deepEqual(said(r), { trigger: 'start', kind: 'rebuild', paths: [], ok: true, steps: 3, cachedSteps: 1 });
    assert.ok(r.debounceMs < 50, `no quiet time before the first build: ${r.debounceMs} ms`);
    assert.ok(r.buildMs > 0 && r.swapMs > 0, `build ${r.buildMs} ms, swap ${r.swapMs} ms`);
    assert.equal((await live(s.container?.id))?.state, 'running');
  });

  it('rebuilt: a Dockerfile edit builds (FROM and COPY cached) and swaps in a new container', async () => {
    const old = snap().container!;
    const r = await cycle(() => writeFileSync(join(dir, 'Dockerfile'), dockerfile('ENV EDITED=1')));
    assert.deepEqual(said(r), { trigger: 'change', kind: 'rebuild', paths: ['Dockerfile'], ok: true, steps: 4, cachedSteps: 2 });
    assert.ok(r.buildMs > 0 && r.swapMs > 0, `build ${r.buildMs} ms, swap ${r.swapMs} ms`);
    const now = snap().container!;
    assert.notEqual(now.id, old.id);
    assert.equal((await live(now.id))?.state, 'running');
    assert.equal(await live(old.id), undefined, 'the old container is gone');
  });

  it('unchanged: a save of identical content builds from cache to the same image, and swaps nothing', async () => {
    const running = snap().container!;
    const r = await cycle(() => writeFileSync(join(dir, 'Dockerfile'), readFileSync(join(dir, 'Dockerfile'))));
    assert.deepEqual(said(r), { trigger: 'change', kind: 'unchanged', paths: ['Dockerfile'], ok: true, steps: 4, cachedSteps: 4 });
    assert.ok(r.buildMs > 0, `build ${r.buildMs} ms`);
    assert.equal(r.swapMs, 0);
    assert.equal(snap().container?.id, running.id);
    assert.equal((await live(running.id))?.state, 'running');
  });

  it('a change to a file the .dockerignore excludes: not watched, so no cycle and no record', async () => {
    await loop.idle();
    const before = snap();
    writeFileSync(join(dir, 'debug.log'), 'noise\n');
    // Ten quiet times: a cycle it caused would have started (buildsStarted) and, from cache, ended.
    await new Promise((r) => setTimeout(r, 10 * debounceMs));
    await loop.idle();
    const s = snap();
    assert.equal(s.history, before.history, 'no record');
    assert.equal(s.buildsStarted, before.buildsStarted, 'no build');
    assert.equal(s.phase, 'watching');
  });

  it('synced: a change under a sync rule is copied into the running container, no build, no restart', async () => {
    const running = snap().container!;
    const started = (await live(running.id))?.startedAt;
    const builds = snap().buildsStarted;
    const r = await cycle(() => writeFileSync(join(dir, 'www/index.html'), '<h1>synced</h1>\n'));
    // Only the synced path: the ignored debug.log written before did not join this cycle.
    assert.deepEqual(said(r), { trigger: 'change', kind: 'sync', paths: ['www/index.html'], ok: true, steps: 0, cachedSteps: 0 });
    assert.ok(r.buildMs > 0, `the copy is the sync's build time: ${r.buildMs} ms`);
    assert.ok(r.swapMs < 50, `no restart, so next to no swap: ${r.swapMs} ms`);
    assert.equal(snap().buildsStarted, builds, 'no build');
    assert.equal(snap().container?.id, running.id);
    assert.equal((await live(running.id))?.startedAt, started, 'not restarted');
    const out = join(t.root, 'copied.html');
    await engine.containers.copyFrom(running.id, '/www/index.html', { path: out });
    assert.equal(readFileSync(out, 'utf8'), '<h1>synced</h1>\n');
  });

  it('synced with restart: the swap time is the restart', async () => {
    const running = snap().container!;
    const started = (await live(running.id))?.startedAt;
    const r = await cycle(() => writeFileSync(join(dir, 'conf/app.conf'), 'level=2\n'));
    assert.deepEqual(said(r), { trigger: 'change', kind: 'sync', paths: ['conf/app.conf'], ok: true, steps: 0, cachedSteps: 0 });
    assert.ok(r.buildMs > 0, `the copy: ${r.buildMs} ms`);
    assert.ok(r.swapMs >= 50, `a stop and a start: ${r.swapMs} ms`);
    const now = await live(running.id);
    assert.equal(now?.state, 'running');
    assert.notEqual(now?.startedAt, started, 'restarted');
  });

  it('sync failed: a target below a file in the container; the container keeps running', async () => {
    const running = snap().container!;
    const r = await cycle(() => writeFileSync(join(dir, 'bad/x.conf'), 'y\n'));
    const error = 'cannot sync to /etc/passwd/x.conf: /etc/passwd is not a directory in the container';
    assert.deepEqual(said(r), { trigger: 'change', kind: 'sync', paths: ['bad/x.conf'], ok: false, error, steps: 0, cachedSteps: 0 });
    assert.equal(r.buildMs, 0);
    assert.equal(r.swapMs, 0);
    assert.equal(snap().phase, 'failed');
    assert.equal(snap().lastError, `sync: ${error}`);
    assert.equal((await live(running.id))?.state, 'running');
  });

  it('build failed: a RUN that exits 3; no steps, no swap, and the old container keeps running', async () => {
    const running = snap().container!;
    const r = await cycle(() => writeFileSync(join(dir, 'Dockerfile'), dockerfile('ENV EDITED=1', 'RUN echo about to fail; exit 3')));
    const error = `${join(dir, 'Dockerfile')}:4:1: RUN failed with exit code 3: about to fail`;
    assert.deepEqual(said(r), { trigger: 'change', kind: 'rebuild', paths: ['Dockerfile'], ok: false, error, steps: 0, cachedSteps: 0 });
    assert.ok(r.buildMs > 0, `build ${r.buildMs} ms`);
    assert.equal(r.swapMs, 0);
    const s = snap();
    assert.equal(s.phase, 'failed');
    assert.equal(s.lastError, error);
    assert.equal(s.container?.id, running.id, 'still the current container');
    assert.equal((await live(running.id))?.state, 'running', 'and still running');
  });

  it("run failed: an image whose CMD's binary is missing builds, the old container goes, the new one cannot run", async () => {
    const old = snap().container!;
    const r = await cycle(() =>
      writeFileSync(join(dir, 'Dockerfile'), dockerfile('ENV EDITED=1').replace(keepRunning, 'CMD ["/app/missing"]')),
    );
    const error = 'exec: "/app/missing": stat /app/missing: no such file or directory';
    // FROM and COPY cached; ENV and the new CMD, one metadata run, built.
    assert.deepEqual(said(r), { trigger: 'change', kind: 'rebuild', paths: ['Dockerfile'], ok: false, error, steps: 4, cachedSteps: 2 });
    assert.ok(r.buildMs > 0 && r.swapMs > 0, `build ${r.buildMs} ms, swap ${r.swapMs} ms`);
    const s = snap();
    assert.equal(s.phase, 'failed');
    assert.equal(s.lastError, `run: ${error}`);
    assert.equal(s.container, undefined);
    assert.equal(await live(old.id), undefined, 'the old container was removed for the swap');
    await engine.containers.refresh();
    assert.deepEqual(
      engine.containers.getSnapshot().filter((c) => c.name === name),
      [],
      'nothing holds the name',
    );
  });

  it('rebuilt after a failed run: all from cache, yet a rebuild (there is no container to keep)', async () => {
    const r = await cycle(() => writeFileSync(join(dir, 'Dockerfile'), dockerfile('ENV EDITED=1')));
    assert.deepEqual(said(r), { trigger: 'change', kind: 'rebuild', paths: ['Dockerfile'], ok: true, steps: 4, cachedSteps: 4 });
    assert.ok(r.swapMs > 0, `swap ${r.swapMs} ms`);
    const s = snap();
    assert.equal(s.phase, 'watching');
    assert.equal(s.lastError, undefined);
    assert.equal((await live(s.container?.id))?.state, 'running');
  });

  it('sync failed: the container was stopped behind the loop, which still takes it for running', async () => {
    const running = snap().container!;
    await engine.containers.stop(running.id, { timeoutSec: 1 });
    assert.equal((await live(running.id))?.state, 'exited');
    const r = await cycle(() => writeFileSync(join(dir, 'www/index.html'), '<h1>too late</h1>\n'));
    const error = `container ${name} is exited, not running`;
    assert.deepEqual(said(r), { trigger: 'change', kind: 'sync', paths: ['www/index.html'], ok: false, error, steps: 0, cachedSteps: 0 });
    assert.equal(r.buildMs, 0);
    assert.equal(r.swapMs, 0);
    assert.equal(snap().phase, 'failed');
    assert.equal(snap().lastError, `sync: ${error}`);
  });
});
