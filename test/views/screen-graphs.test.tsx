// Issue 13's graphs, resource panes and layer explorer, on the whole screen over the REAL engine
// (a private root, the fixture registry, runc): the Stats pane's sparklines moving for a busy
// container with its processes and the host line; the Volumes and Networks panes (list, inspect,
// remove after y/N, refused while in use); the layer explorer on a built image (added, modified,
// removed files, wasted bytes, efficiency).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createEngine, type DockuiEngine } from '../../src/engine/index.js';
import { Footer, shownTabs } from '../../src/views/Chrome.js';
import { helpLines } from '../../src/views/Dialogs.js';
import { activeScopes, hintsFor } from '../../src/views/keymap.js';
import { plainTheme } from '../../src/views/theme.js';
import { TuiRoot } from '../../src/views/TuiRoot.js';
import { registry, tempRoot } from '../helpers/env.js';
import { cleanupRendered, keys, renderElement, type Rendered } from './support/render.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The CPU graph's row: its value and its sparkline (what follows the value). */
function cpuRow(frame: string): { value: number; spark: string } | undefined {
  const m = /[│┃]CPU\s+(\d+\.\d)% (.*?)[│┃]/.exec(frame);
  return m ? { value: Number(m[1]), spark: (m[2] ?? '').trim() } : undefined;
}

describe('screen over the real engine: stats, volumes, networks, layers', { timeout: 300_000 }, () => {
  const t = tempRoot('tuib-screen-graphs-');
  const busybox = `${registry('plain')}/fixture/busybox:latest`;
  let engine: DockuiEngine;
  let r: Rendered | undefined;

  before(async () => {
    engine = await createEngine({ root: join(t.root, 'engine') });
    await engine.images.pull(busybox);
  });
  afterEach(() => {
    cleanupRendered();
    r = undefined;
  });
  after(async () => {
    for (const c of await engine.containers.list({ all: true }))
      await engine.containers.remove(c.id, { force: true }).catch(() => undefined);
    for (const n of await engine.networks.list()) await engine.networks.remove(n.name).catch(() => undefined);
    await engine.close();
    t.cleanup();
  });

  const open = async () => {
    r = renderElement(<TuiRoot engine={engine} theme={plainTheme} terminal={undefined} build={{ unavailable: 'no Dockerfile here' }} />);
    await r.waitFor((f) => f.includes('1 Containers'), 'the first frame');
    return r;
  };

  it('t opens Stats: CPU, memory, network and IO sparklines moving for a busy container, its processes, the host line', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    await engine.containers.run({ image: busybox, name: 'tuib-busy', cmd: ['sh', '-c', 'while :; do :; done'] });
    const s = await open();
    await s.waitFor((f) => /› tuib-busy\s.*running/.test(f), 'the busy container selected', 15_000);
    let f = await s.press('t', (f) => f.includes('Stats · tuib-busy'));
    // The host line: k9s's pulse.
    f = await s.waitFor(
      (f) => /host\s+1\/1 running · CPU \d+% of \d+ CPUs? · mem \S+ \/ \S+ \(\d+%\) · load [\d.]+ [\d.]+ [\d.]+/.test(f),
      'the host line',
      10_000,
    );
    // Its processes: the shell spinning, as top lists it.
    f = await s.waitFor(
      (f) => /Processes \(\d+\)/.test(f) && /UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/.test(f) && f.includes('while :; do :; done'),
      'top',
      10_000,
    );
    // The CPU graph fills in: a busy loop (what share of a core it gets depends on the machine's
    // load) is drawn as tall blocks against its own scale.
    f = await s.waitFor((f) => (cpuRow(f)?.spark.length ?? 0) >= 3 && (cpuRow(f)?.value ?? 0) > 1, 'three CPU samples', 20_000);
    const first = cpuRow(f);
    for (const label of ['MEM', 'NET rx', 'NET tx', 'IO read', 'IO write'])
      assert.match(f, new RegExp(`[│┃]${label}\\s+\\S+ [▁▂▃▄▅▆▇█ ]+[│┃]`), label);
    assert.match(f, /[│┃]MEM\s+\d+(\.\d+)?[kM]?B\s+[▁▂▃▄▅▆▇█]+/);
    assert.ok(first && /[▅▆▇█]/.test(first.spark), `tall blocks for a busy CPU: ${first?.spark}`);
    assert.match(first.spark, /^[▁▂▃▄▅▆▇█]+$/);
    // Live: the graph moves on by itself (a new sample each second), with no key pressed.
    f = await s.waitFor((f) => (cpuRow(f)?.spark.length ?? 0) > first.spark.length, 'the graph to move', 10_000);
    assert.match(f, /\d+s of history {2}pids \d+/);
    // Esc goes back to the list; 8 comes back to the same container.
    f = await s.press(keys.escape, (f) => f.includes('› tuib-busy'));
    f = await s.press('8', (f) => f.includes('Stats · tuib-busy'));
    await engine.containers.remove('tuib-busy', { force: true });
  });

  it('6 lists volumes with their users, inspects the selection, removes an unused one after y, and not one in use', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    await engine.volumes.create('tuib-data');
    await engine.volumes.create('tuib-used');
    await engine.containers.create({ image: busybox, name: 'tuib-user', volumes: ['tuib-used:/data'], cmd: ['true'] });
    const s = await open();
    let f = await s.press('6', (f) => f.includes('tuib-used') && f.includes('tuib-data'));
    assert.match(f, /Volumes\s+2/);
    assert.match(f, /tuib-used\s+tuib-user/);
    // The selection inspected under the list: its mount point and who uses it.
    assert.match(f, /Mountpoint\s+\/\S+tuib-data/);
    assert.match(f, /Used by\s+no container \(unused\)/);
    f = await s.press('j', (f) => /Used by\s+tuib-user/.test(f));
    f = await s.press('d', (f) => f.includes('cannot remove volume tuib-used'));
    assert.match(f, /1 container uses it \(tuib-user\)/);
    assert.doesNotMatch(f, /Remove volume/);
    f = await s.press('k', (f) => /Used by\s+no container/.test(f));
    f = await s.press('d', (f) => f.includes('Remove volume tuib-data'));
    f = await s.press('n', (f) => f.includes('canceled'));
    assert.deepEqual((await engine.volumes.list()).map((v) => v.name).sort(), ['tuib-data', 'tuib-used']);
    f = await s.press('d', (f) => f.includes('Remove volume tuib-data'));
    f = await s.press('y', (f) => f.includes('✓ removed volume tuib-data'), 'the removal');
    assert.deepEqual(
      (await engine.volumes.list()).map((v) => v.name),
      ['tuib-used'],
    );
    await s.waitFor((f) => /Volumes\s+1/.test(f) && !/tuib-data\s+–/.test(f), 'the list without it', 5000);
    // The filter works here too.
    f = await s.press('/');
    s.write('zzz');
    f = await s.press(keys.enter, (f) => f.includes('No volume matches the filter.'));
    await engine.containers.remove('tuib-user', { force: true });
  });

  it('7 lists networks with their containers and addresses, removes an unused one after y, and not one in use', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    await engine.networks.create('tuib-empty');
    const { network: used } = await engine.networks.create('tuib-net');
    await engine.containers.run({ image: busybox, name: 'tuib-member', network: 'tuib-net', cmd: ['sleep', '300'] });
    const s = await open();
    let f = await s.press('7', (f) => f.includes('tuib-net') && f.includes('tuib-empty'));
    assert.match(f, new RegExp(`tuib-net\\s+${used.id.slice(0, 12)}\\s+${used.subnet.replace(/[./]/g, '\\$&')}\\s+tuib-member`));
    assert.match(f, /Containers\s+none/);
    f = await s.press('j', (f) => /Containers\s+tuib-member \d+\.\d+\.\d+\.\d+/.test(f));
    assert.match(
      f,
      new RegExp(`Bridge\\s+\\S+\\s+subnet ${used.subnet.replace(/[./]/g, '\\$&')}\\s+gateway ${used.gateway.replace(/\./g, '\\.')}`),
    );
    f = await s.press('d', (f) => f.includes('cannot remove network tuib-net'));
    assert.match(f, /1 container is on it \(tuib-member\)/);
    f = await s.press('k', (f) => /Containers\s+none/.test(f));
    f = await s.press('d', (f) => f.includes('Remove network tuib-empty'));
    f = await s.press('y', (f) => f.includes('✓ removed network tuib-empty'), 'the removal');
    assert.deepEqual(
      (await engine.networks.list()).map((n) => n.name),
      ['tuib-net'],
    );
    await engine.containers.remove('tuib-member', { force: true });
  });

  it('L on an image opens the layer explorer: per layer its step and files added, modified, removed; wasted space and efficiency', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    const dir = join(t.root, 'ctx');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'page.html'), 'version one\n');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(20_000, 7));
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        `FROM ${busybox}`,
        'COPY page.html /srv/page.html',
        'COPY big.bin /srv/big.bin',
        'RUN rm /srv/big.bin && echo version two > /srv/page.html',
        '',
      ].join('\n'),
    );
    await engine.builds.build({ context: dir, tags: ['tuib-layers:1'] });
    await engine.images.refresh();
    const s = await open();
    let f = await s.press('2', (f) => f.includes('tuib-layers:1'));
    f = await s.press('/');
    s.write('tuib-layers');
    f = await s.press(keys.enter, (f) => /› tuib-layers:1/.test(f));
    f = await s.press('L', (f) => f.includes('Layers · tuib-layers:1') && f.includes('efficiency'));
    // The image's summary: 4 layers, the 20kB removed and the first page.html overwritten wasted.
    assert.match(f, /4 layers · \S+ · wasted 20\.0kB · efficiency \d+\.\d%/);
    assert.match(f, /wasted: srv\/big\.bin 20\.0kB, srv\/page\.html 12B/);
    // The top layer first: what the RUN changed, as a tree.
    assert.match(f, /› 4\s+12B\s+\+0 ~1 -1\s+RUN rm \/srv\/big\.bin/);
    assert.match(f, /Layer 4 files: 2 changes/);
    assert.match(f, /srv\//);
    assert.match(f, /~ {3}page\.html\s+12B/);
    assert.match(f, /- {3}big\.bin\s+-20\.0kB/);
    // Up: the COPY of big.bin, added.
    f = await s.press('k', (f) => f.includes('Layer 3 files'));
    assert.match(f, /› 3\s+20\.0kB\s+\+1 ~0 -0\s+COPY big\.bin \/srv\/big\.bin/);
    assert.match(f, /\+ {3}big\.bin\s+20\.0kB/);
    f = await s.press('k', (f) => f.includes('Layer 2 files'));
    assert.match(f, /\+ {3}page\.html\s+12B/);
    // Esc goes back to the Images pane.
    f = await s.press(keys.escape, (f) => /› tuib-layers:1/.test(f));
    assert.doesNotMatch(f, /Layers · /);
  });
});

describe('the new panes in the key table, the footer and the tab bar', () => {
  afterEach(() => cleanupRendered());

  it('the help lists every new key under its pane', () => {
    const lines = helpLines();
    const under = (heading: string, keys: string, text: RegExp) => {
      const at = lines.findIndex((l) => l.heading && l.text === heading);
      assert.ok(at >= 0, `no ${heading} section`);
      const next = lines.findIndex((l, i) => i > at && l.heading);
      const section = lines.slice(at + 1, next < 0 ? undefined : next);
      assert.ok(
        section.some((l) => l.keys === keys && text.test(l.text)),
        `${heading}: ${keys} ${String(text)} in ${JSON.stringify(section)}`,
      );
    };
    under('Everywhere but dialogs', '6', /Volumes pane/);
    under('Everywhere but dialogs', '7', /Networks pane/);
    under('Everywhere but dialogs', '8', /Stats pane/);
    under('Everywhere but dialogs', '9', /Layers pane/);
    under('Containers', 't', /CPU, memory, network and IO graphs, its processes/);
    under('Images', 'L', /layers: files added, modified, removed; wasted space/);
    under('Build', 'L', /layers of the image just built/);
    under('Volumes', 'd', /remove the volume \(asks y\/N/);
    under('Networks', 'd', /remove the network \(asks y\/N/);
    under('Layers', '↑/k', /the layer above/);
    under('Layers', 'PgDn', /scroll the layer’s files down/);
    under('Stats', 'Esc', /back/);
  });

  it('keeps ? help at 80 columns, and at 40, in the new panes', async () => {
    for (const pane of ['volumes', 'networks', 'stats', 'layers'] as const)
      for (const width of [80, 40]) {
        const r = renderElement(<Footer hints={hintsFor(activeScopes(pane, undefined))} width={width} />);
        const f = await r.waitFor((f) => f.trim() !== '');
        assert.match(f, /\? help/, `${pane} at ${width}: ${f}`);
        assert.ok(f.trimEnd().length <= width, f);
        cleanupRendered();
      }
  });

  it('the tab bar keeps the first five tabs and the focused one at 80 columns, and shows all when there is room', () => {
    const right = '3/12 running · 4 images ';
    assert.deepEqual(shownTabs('containers', 80, right), ['containers', 'images', 'logs', 'build', 'details']);
    assert.deepEqual(shownTabs('layers', 80, right), ['containers', 'images', 'logs', 'build', 'details', 'layers']);
    assert.deepEqual(shownTabs('containers', 160, right), [
      'containers',
      'images',
      'logs',
      'build',
      'details',
      'volumes',
      'networks',
      'stats',
      'layers',
    ]);
  });
});
