// Compose projects (issue 15) and pods (issue 19) in the container list, over the REAL engine (a
// private root, the fixture registry, runc): a project's containers under a header row with its
// services' states, folded and unfolded, stopped, brought up, restarted and taken down from the
// header through the engine's compose noun (each in the command log); a pod's members under its
// header, the infra container not listed, the pod stopped and removed from the header.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createEngine, type DockuiEngine } from '../../src/engine/index.js';
import { plainTheme } from '../../src/views/theme.js';
import { TuiRoot } from '../../src/views/TuiRoot.js';
import { registry, tempRoot } from '../helpers/env.js';
import { cleanupRendered, keys, renderElement, type Rendered } from './support/render.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Types a key whose effect (an engine operation) may take a while, and waits for `pred`. */
function slow(s: Rendered, key: string, pred: (f: string) => boolean, what: string, ms: number): Promise<string> {
  s.write(key);
  return s.waitFor(pred, what, ms);
}

/** Moves the selection to the row matching `want` (from the top), and returns the frame. */
async function select(s: Rendered, want: RegExp): Promise<string> {
  let f = await s.press('g').catch(() => s.frame());
  for (let i = 0; i < 10 && !want.test(selectedRow(f)); i++) f = await s.press('j');
  assert.match(selectedRow(f), want);
  return f;
}

/** The selected row of the main list. */
const selectedRow = (f: string) => f.split('\n').find((l) => /[│┃]› /.test(l)) ?? '';

describe('screen over the real engine: Compose projects and pods in the list', { timeout: 300_000 }, () => {
  const t = tempRoot('tui13-screen-groups-');
  const busybox = `${registry('plain')}/fixture/busybox:latest`;
  let engine: DockuiEngine;

  before(async () => {
    engine = await createEngine({ root: join(t.root, 'engine') });
    await engine.images.pull(busybox);
  });
  afterEach(() => cleanupRendered());
  after(async () => {
    for (const p of await engine.pods.list()) await engine.pods.remove(p.id, { force: true }).catch(() => undefined);
    for (const c of await engine.containers.list({ all: true }))
      await engine.containers.remove(c.id, { force: true }).catch(() => undefined);
    for (const n of await engine.networks.list()) await engine.networks.remove(n.name).catch(() => undefined);
    await engine.close();
    t.cleanup();
  });

  const open = async () => {
    const r = renderElement(
      <TuiRoot engine={engine} theme={plainTheme} terminal={undefined} build={{ unavailable: 'no Dockerfile here' }} />,
    );
    await r.waitFor((f) => f.includes('1 Containers'), 'the first frame');
    return r;
  };

  it('a project: header with its services’ states, z / Enter fold, s stops, u brings up, r restarts, d downs after y', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    const file = join(t.root, 'compose.yaml');
    writeFileSync(
      file,
      [
        'services:',
        // init: sleep as pid 1 ignores SIGTERM; without it each stop, restart and down waits out the grace.
        '  web:',
        `    image: ${busybox}`,
        '    command: ["sleep", "300"]',
        '    init: true',
        '    stop_grace_period: 1s',
        '  worker:',
        `    image: ${busybox}`,
        '    command: ["sleep", "300"]',
        '    init: true',
        '    stop_grace_period: 1s',
        '',
      ].join('\n'),
    );
    const project = await engine.compose.load({ files: [file], projectName: 'tui13shop' });
    await project.up();
    await engine.containers.create({ image: busybox, name: 'tui13-solo', cmd: ['true'] });
    const states = async () =>
      (await project.containers({ all: true }))
        .map((c) => c.state)
        .sort()
        .join(',');
    const s = await open();
    let f = await s.waitFor((f) => f.includes('▾ tui13shop') && f.includes('tui13-solo'), 'the project header', 15_000);
    const header = f.split('\n').find((l) => l.includes('▾ tui13shop')) ?? '';
    assert.match(header, /compose proj/);
    assert.match(header, /2\/2 up/);
    assert.match(header, /(web running · worker running|worker running · web running)/);
    // Its containers under it, indented; the one outside any project is not.
    assert.match(f, /[│┃] {4}tui13shop-we/);
    assert.match(f, /[│┃] {4}tui13shop-wo/);
    assert.match(f, /[│┃] {2}tui13-solo /);
    // The header first (running before created), then fold and unfold it.
    f = await s.press('g');
    assert.match(selectedRow(f), /› ▾ tui13shop/);
    f = await s.press('z', (f) => f.includes('▸ tui13shop') && !f.includes('tui13shop-we'), 'folded');
    f = await s.press(keys.enter, (f) => f.includes('▾ tui13shop') && f.includes('tui13shop-we'), 'unfolded');
    // z on a member folds its project and selects the header.
    f = await s.press('j');
    assert.match(selectedRow(f), /tui13shop-w/);
    f = await s.press('z', (f) => f.includes('▸ tui13shop'), 'folded from a member');
    assert.match(selectedRow(f), /› ▸ tui13shop/);
    // s: the project stops (compose stop), through the engine.
    f = await slow(s, 's', (f) => f.includes('project tui13shop: stopped'), 'the stop', 30_000);
    assert.equal(await states(), 'exited,exited');
    f = await s.waitFor((f) => /▸ tui13shop.*0\/2 up/.test(f), 'the header after the stop', 10_000);
    // u: up again (stopped, the project sorts below the created container: select its header again).
    f = await select(s, /› ▸ tui13shop/);
    f = await slow(s, 'u', (f) => f.includes('project tui13shop: up'), 'the up', 30_000);
    assert.equal(await states(), 'running,running');
    const started = (await project.containers({ all: true })).map((c) => c.startedAt).join();
    // r: restart.
    f = await select(s, /› ▸ tui13shop/);
    f = await slow(s, 'r', (f) => f.includes('project tui13shop: restarted'), 'the restart', 30_000);
    assert.equal(await states(), 'running,running');
    assert.notEqual((await project.containers({ all: true })).map((c) => c.startedAt).join(), started);
    // The command log has each as its dockui compose line.
    f = await s.press('!', (f) => f.includes('Command log') || f.includes('command log'));
    assert.ok(f.includes(`dockui compose -p tui13shop -f ${file} stop`), f);
    assert.ok(f.includes(`dockui compose -p tui13shop -f ${file} up -d`), f);
    f = await s.press(keys.escape, (f) => f.includes('▸ tui13shop'));
    f = await select(s, /› ▸ tui13shop/);
    // d: compose down after y.
    f = await s.press('d', (f) => f.includes('Take project tui13shop down'));
    f = await slow(s, 'y', (f) => f.includes('project tui13shop: down'), 'the down', 30_000);
    assert.equal(await states(), '');
    await s.waitFor((f) => !/tui13shop-w|▸ tui13shop/.test(f), 'the project gone from the list', 10_000);
    await engine.containers.remove('tui13-solo', { force: true });
  });

  it('a pod: its members under its header, the infra container not listed; s stops it, d removes it after y', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    const pod = await engine.pods.create({ name: 'tui13pod' });
    // init: the pod stop below would wait out sleep's 10 s grace (pid 1 ignores SIGTERM).
    await engine.containers.run({ image: busybox, name: 'tui13-in-pod', pod: 'tui13pod', cmd: ['sleep', '300'], init: true });
    await engine.containers.run({ image: busybox, name: 'tui13-alone', cmd: ['sleep', '300'] });
    const s = await open();
    let f = await s.waitFor((f) => f.includes('▾ tui13pod') && f.includes('tui13-alone'), 'the pod header', 15_000);
    const header = f.split('\n').find((l) => l.includes('▾ tui13pod')) ?? '';
    assert.match(header, /pod\s/);
    assert.match(header, /1\/1 up/);
    assert.match(header, /tui13-in-pod running/);
    assert.match(f, /[│┃] {4}tui13-in-pod /);
    assert.ok(!f.includes(`${pod.id.slice(0, 12)}-infra`), 'the infra container is not listed');
    // Select the header, stop the pod from it.
    f = await select(s, /› ▾ tui13pod/);
    f = await slow(s, 's', (f) => f.includes('pod tui13pod: stopped'), 'the pod stop', 30_000);
    assert.equal((await engine.pods.inspect('tui13pod')).containers[0]?.state, 'exited');
    f = await s.waitFor((f) => /▾ tui13pod.*0\/1 up/.test(f), 'the header after the stop', 10_000);
    // Stopped, it sorts lower: select its header again.
    f = await select(s, /› ▾ tui13pod/);
    f = await s.press('d', (f) => f.includes('Remove pod tui13pod'));
    f = await slow(s, 'y', (f) => f.includes('pod tui13pod: removed'), 'the removal', 30_000);
    assert.deepEqual(await engine.pods.list(), []);
    await s.waitFor((f) => !/▾ tui13pod|tui13-in-pod/.test(f), 'the pod gone', 10_000);
    await engine.containers.remove('tui13-alone', { force: true });
  });
});
