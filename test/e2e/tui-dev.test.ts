// The dev loop in the TUI, end to end: `dockui DIR` on a temp copy of examples/hello in a
// real terminal, over the real engine and runc. It builds and runs the folder, the Build pane
// shows it watching and the rebuild's timings; a saved page reaches the running container; a
// Dockerfile broken on purpose shows its line while the old container keeps serving; the fix
// recovers; w pauses watching; quitting leaves the container running and the terminal as it was.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot, tempRoot } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasRunc = ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'].some((p) => existsSync(p));
const built = existsSync(join(repoRoot, 'dist/tui.js')) && existsSync(join(repoRoot, 'dist/engine/engine.js'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function page(port: number): Promise<string> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
    return await r.text();
  } catch {
    return '';
  }
}

async function until(what: string, f: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dockui DIR: the dev loop in the TUI, end to end', () => {
  let root: { root: string; cleanup: () => void };
  let app: string;
  let t: TmuxSession | undefined;
  let skip: string | false = false;
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [dockuiBin, '--root', root.root, ...args], { encoding: 'utf8', timeout: 60_000 });

  before(() => {
    if (!isRoot) skip = 'needs root (runc)';
    else if (!hasRunc) skip = 'needs runc';
    else if (!built) skip = 'needs the build (npm run build)';
    root = tempRoot('dockui-e2e-dev-');
    app = mkdtempSync(join(tmpdir(), 'dockui-e2e-app-'));
    cpSync(join(repoRoot, 'examples/hello'), app, { recursive: true });
    if (!skip)
      execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root.root], { stdio: 'ignore', timeout: 120_000 });
  });

  after(() => {
    t?.close();
    // The dev container outlives the UI by design; the test removes it.
    try {
      for (const id of cli('ps', '-aq').split('\n').filter(Boolean)) cli('rm', '-f', id);
    } catch {
      /* nothing to remove */
    }
    rmSync(app, { recursive: true, force: true });
    root.cleanup();
  });

  it('builds, runs, syncs a saved page, shows a broken Dockerfile, recovers, pauses and quits', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const port = await freePort();
    t = TmuxSession.start({
      command: `echo BEFORE-DOCKUI; node ${dockuiBin} --root ${root.root} -p 127.0.0.1:${port}:8080 ${app}; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: repoRoot,
      columns: 130,
      rows: 32,
      env: { NODE_NO_WARNINGS: '1' },
    });
    // It opens on the Build pane and shows the loop watching, with the first build's timings.
    await t.waitFor(
      (s) =>
        /Dev loop · .*:dev · watching \d+ files · \S+ running for/.test(s) &&
        /✓ rebuild start\s+debounce \S+\s+build \S+ \(\d+\/\d+ cached\)\s+swap \S+\s+total \S+/.test(s),
      90_000,
    );
    await until('the page', async () => (await page(port)).length > 0);
    const original = await page(port);

    // A saved page reaches the running container.
    writeFileSync(join(app, 'www/index.html'), 'saved by the e2e test\n');
    await until('the saved page served', async () => (await page(port)).includes('saved by the e2e test'));
    await t.waitFor(/✓ (sync|rebuild)\s+change/);

    // A broken Dockerfile: its line in the Build pane, the old container still serving.
    const dockerfile = readFileSync(join(app, 'Dockerfile'), 'utf8');
    writeFileSync(join(app, 'Dockerfile'), dockerfile.replace('WORKDIR /www', 'WORKDIRR /www'));
    await t.waitFor(
      (s) =>
        /✗ Dockerfile:\d+:\d+: unknown instruction: WORKDIRR/.test(s) &&
        /Dev loop · .* · failed, \S+ keeps running: Dockerfile:\d+/.test(s),
      60_000,
    );
    assert.match(await page(port), /saved by the e2e test/);

    // The fix recovers.
    writeFileSync(join(app, 'Dockerfile'), dockerfile);
    await t.waitFor(/Dev loop · .*watching \d+ files/, 60_000);
    assert.notEqual(original, '');

    // w pauses watching.
    t.sendKeys('w');
    await t.waitFor(/paused watching .* \(w resumes\)/);
    await t.waitFor(/Dev loop · .*paused \(w resumes\)/);

    t.sendKeys('q');
    const screen = await t.waitFor('EXIT=0', 30_000);
    assert.equal(t.alternateScreen(), false);
    assert.match(screen, /BEFORE-DOCKUI/);
    // Containers keep running after the UI quits, and it says so, with how to stop the dev one.
    assert.match(screen, /dockui: the dev container \S+-dev keeps running; stop it with: dockui stop \S+-dev/);
    assert.match(cli('ps'), /Up /);
  });
});
