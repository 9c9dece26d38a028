// Issue 13's second-part features over the real engine, in a real terminal (tmux): two
// containers of one Compose project (by its label, as compose sets it), one with a named volume
// and a published port. `L` merges the project's logs under each container's name; `:` jumps;
// Details shows the mounts, labels and restarts the engine's inspect reports; `O` prints the
// published port's URL; the command log shows `dockui stop` for the stop done with `s`, and that
// line, run in a shell, does what the UI did.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot, tempRoot } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

const registryAddr = process.env['DOCKUI_TEST_REGISTRY'] ?? '127.0.0.1:5000';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasRunc = ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'].some((p) => existsSync(p));
const built = existsSync(`${repoRoot}/dist/tui.js`) && existsSync(`${repoRoot}/dist/engine/engine.js`);
// In tui-a's range of host ports.
const port = 18181;

async function registryUp(): Promise<boolean> {
  try {
    const r = await fetch(`http://${registryAddr}/v2/fixture/busybox/tags/list`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

describe('dockui in a terminal: merged project logs, details from inspect, :, O and the command log', () => {
  let root: { root: string; cleanup: () => void };
  let t: TmuxSession | undefined;
  let skip: string | false = false;
  const dockui = (...args: string[]) =>
    execFileSync(process.execPath, [dockuiBin, '--root', root.root, ...args], { encoding: 'utf8', timeout: 120_000 }).trim();

  before(async () => {
    if (!isRoot) skip = 'needs root (runc)';
    else if (!hasRunc) skip = 'needs runc';
    else if (!built) skip = 'needs the build (npm run build)';
    else if (!(await registryUp())) skip = `needs the fixture registry at ${registryAddr}`;
    root = tempRoot('tuia-e2e-');
  });

  after(() => {
    t?.close();
    for (const args of [
      ['rm', '-f', 'tuia-a1', 'tuia-a2'],
      ['volume', 'rm', '-f', 'tuia-vol'],
    ])
      try {
        dockui(...args);
      } catch {
        /* not there */
      }
    root.cleanup();
  });

  it('L, :, Details, O and ! over real containers', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const image = `${registryAddr}/fixture/busybox:latest`;
    dockui('pull', '-q', image);
    const label = ['--label', 'com.docker.compose.project=tuiaproj'];
    // --init: sh as pid 1 ignores SIGTERM, and each stop below would wait out its 10 s grace.
    dockui(
      'run',
      '-d',
      '--init',
      '--name',
      'tuia-a1',
      ...label,
      '-p',
      `127.0.0.1:${port}:8080`,
      '-v',
      'tuia-vol:/data',
      image,
      'sh',
      '-c',
      'echo a1-up; sleep 600',
    );
    dockui('run', '-d', '--name', 'tuia-a2', ...label, image, 'sh', '-c', 'sleep 0.3; echo a2-hello; sleep 600');
    t = TmuxSession.start({
      command: `node ${dockuiBin} --root ${root.root}; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: '/tmp',
      columns: 160,
      rows: 45,
      // No desktop opener on this PATH: O prints the URL.
      env: { NODE_NO_WARNINGS: '1', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    await t.waitFor(/tuia-a1\s.*running/, 30_000);

    // The project's logs merged, each line under its container's name.
    t.sendKeys('/');
    t.type('tuia-a1');
    t.sendKeys('Enter');
    await t.waitFor(/› tuia-a1/);
    t.sendKeys('L');
    const merged = await t.waitFor((s) => s.includes('Logs · project tuiaproj') && /tuia-a2│out│a2-hello/.test(s), 20_000);
    assert.match(merged, /tuia-a1│out│a1-up/);
    const rows = merged.split('\n');
    assert.ok(rows.findIndex((l) => l.includes('a1-up')) < rows.findIndex((l) => l.includes('a2-hello')), `in time order:\n${merged}`);

    // : back to the list, then the details the engine's inspect gives.
    t.sendKeys(':');
    t.type('co');
    t.sendKeys('Enter');
    await t.waitFor((s) => /› tuia-a1/.test(s) && s.includes('STATUS'));
    t.sendKeys('Enter');
    const details = await t.waitFor((s) => s.includes('Details · tuia-a1') && s.includes('Mounts (1)'), 20_000);
    assert.match(details, /Restarts\s+0 \(policy no\)/);
    assert.match(details, /volume\s+\S+ → \/data/);
    assert.match(details, /Labels \(1\)/);
    assert.match(details, /com\.docker\.compose\.project=tuiaproj/);

    // O: the published port's URL, printed (no opener here).
    t.sendKeys('Escape');
    await t.waitFor((s) => s.includes('STATUS'));
    t.sendKeys('O');
    await t.waitFor(`http://127.0.0.1:${port}/  (no xdg-open here`);

    // s stops it; the command log has the line, which does the same from a shell.
    t.sendKeys('s');
    await t.waitFor((s) => s.includes('✓ stopped tuia-a1'), 60_000);
    t.sendKeys('!');
    await t.waitFor(/✓ dockui stop tuia-a1/);
    t.sendKeys('Escape');
    t.sendKeys('q');
    await t.waitFor('EXIT=0', 20_000);
    assert.match(dockui('ps', '-a', '--filter', 'name=tuia-a1', '--format', '{{.State}}'), /exited/);
    dockui('start', 'tuia-a1');
    assert.match(dockui('ps', '--filter', 'name=tuia-a1', '--format', '{{.State}}'), /running/);
    dockui('stop', 'tuia-a1');
    assert.match(dockui('ps', '-a', '--filter', 'name=tuia-a1', '--format', '{{.State}}'), /exited/);
  });
});
