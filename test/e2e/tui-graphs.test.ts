// Issue 13's graphs and layer explorer in a real terminal (tmux), over the real engine, runc and
// the fixture registry: `dockui DIR` runs a folder whose container spins a CPU; its Stats pane
// (t) draws CPU and memory sparklines that move by themselves, with its processes and the host
// line; a saved file rebuilds the image, and L on the Build pane opens the layer explorer on the
// rebuilt image, showing the changed file in its layer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot, tempRoot } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

const registryAddr = process.env['DOCKUI_TEST_REGISTRY'] ?? '127.0.0.1:5000';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasRunc = ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'].some((p) => existsSync(p));
const built = existsSync(join(repoRoot, 'dist/tui.js')) && existsSync(join(repoRoot, 'dist/engine/engine.js'));

/** The CPU graph's row on the screen: its value and sparkline. */
function cpuRow(screen: string): { value: number; spark: string } | undefined {
  const m = /CPU\s+(\d+\.\d)% +([▁▂▃▄▅▆▇█ ]*?)\s*[│┃]/.exec(screen);
  return m ? { value: Number(m[1]), spark: (m[2] ?? '').trim() } : undefined;
}

describe('dockui in a terminal: stats graphs and the layer explorer', () => {
  let root: { root: string; cleanup: () => void };
  let base: string;
  let app: string;
  let t: TmuxSession | undefined;
  let skip: string | false = false;
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [dockuiBin, '--root', root.root, ...args], { encoding: 'utf8', timeout: 60_000 });

  before(() => {
    if (!isRoot) skip = 'needs root (runc)';
    else if (!hasRunc) skip = 'needs runc';
    else if (!built) skip = 'needs the build (npm run build)';
    root = tempRoot('tuib-e2e-graphs-');
    base = mkdtempSync(join(tmpdir(), 'tuib-e2e-app-'));
    app = join(base, 'tuibgraphs');
    mkdirSync(app);
    writeFileSync(join(app, 'page.txt'), 'one\n');
    writeFileSync(
      join(app, 'Dockerfile'),
      [`FROM ${registryAddr}/fixture/busybox:latest`, 'COPY page.txt /srv/page.txt', 'CMD ["sh", "-c", "while :; do :; done"]', ''].join(
        '\n',
      ),
    );
  });

  after(() => {
    t?.close();
    try {
      for (const id of cli('ps', '-aq').split('\n').filter(Boolean)) cli('rm', '-f', id);
    } catch {
      /* nothing to remove */
    }
    rmSync(base, { recursive: true, force: true });
    root.cleanup();
  });

  it('t shows the graphs moving for a busy container; L after a rebuild shows the changed file in its layer', async (ctx) => {
    if (skip) return ctx.skip(skip);
    t = TmuxSession.start({
      command: `node ${dockuiBin} --root ${root.root} ${app}; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: repoRoot,
      columns: 120,
      rows: 36,
      env: { NODE_NO_WARNINGS: '1' },
      prefix: 'tuib-e2e',
    });
    await t.waitFor((s) => /Dev loop · tuibgraphs:dev · watching \d+ files? · \S+ running for/.test(s), 120_000);

    // The Containers pane, the dev container selected; t opens its Stats.
    t.sendKeys('1');
    await t.waitFor(/› tuibgraphs-dev\s.*running/, 20_000);
    t.sendKeys('t');
    await t.waitFor('Stats · tuibgraphs-dev');
    let s = await t.waitFor(
      (s) => /host\s+1\/1 running · CPU \d+% of \d+ CPUs? · mem \S+ \/ \S+ \(\d+%\) · load [\d.]+ [\d.]+ [\d.]+/.test(s),
      15_000,
    );
    s = await t.waitFor((s) => (cpuRow(s)?.spark.length ?? 0) >= 3, 20_000);
    const first = cpuRow(s);
    assert.ok(first, s);
    assert.match(first.spark, /[▅▆▇█]/, `a busy CPU draws tall blocks: ${first.spark}`);
    assert.match(s, /MEM\s+\S+B\s+[▁▂▃▄▅▆▇█]+/);
    for (const label of ['NET rx', 'NET tx', 'IO read', 'IO write']) assert.match(s, new RegExp(`${label}\\s+\\S+/s`), label);
    assert.match(s, /Processes \(\d+\)/);
    assert.match(s, /sh -c while :; do :; done/);
    // Moving: more of the graph drawn a few seconds later, no key pressed.
    s = await t.waitFor((s) => (cpuRow(s)?.spark.length ?? 0) >= first.spark.length + 2, 20_000);
    assert.match(s, /Stats · tuibgraphs-dev {2}\d+s of history/);

    // A saved file: the loop rebuilds and swaps; L on the Build pane explores the new image.
    writeFileSync(join(app, 'page.txt'), 'changed by the e2e test\n');
    t.sendKeys('4');
    await t.waitFor(/✓ rebuild\s+change/, 120_000);
    t.sendKeys('L');
    s = await t.waitFor((s) => s.includes('Layers · tuibgraphs:dev') && /efficiency \d+\.\d%/.test(s), 20_000);
    // The top layer first: the dev loop's rebuild stacked a layer with the changed file, modified
    // (24 bytes now); the 4 bytes of its first version below are wasted.
    assert.match(s, /› 3\s+24B\s+\+0 ~1 -0\s+COPY page\.txt \/srv\/page\.txt/);
    assert.match(s, /Layer 3 files: 1 change\b/);
    assert.match(s, /~ {3}page\.txt\s+24B/);
    assert.match(s, /3 layers · \S+ · wasted 4B · efficiency \d+\.\d%/);
    assert.match(s, /wasted: srv\/page\.txt 4B/);
    // ↑ the first build's layer: the file added, 4 bytes.
    t.sendKeys('Up');
    s = await t.waitFor(/Layer 2 files: 2 changes/);
    assert.match(s, /› 2\s+4B\s+\+2 ~0 -0/);
    assert.match(s, /\+ srv\//);
    assert.match(s, /\+ {3}page\.txt\s+4B/);
    t.sendKeys('q');
    await t.waitFor('EXIT=0', 30_000);
    assert.equal(t.alternateScreen(), false);
  });
});
