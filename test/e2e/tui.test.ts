// The end-to-end test: the real `dockui` binary in a real terminal (tmux), over the
// real engine, the fixture registry and runc. Pull fixture/web through the pull dialog, run it
// from the run form with a published port, see it running with its port (and serving), open
// a shell in it and back, its logs, stop it, delete it, quit — and the terminal is restored.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot, tempRoot } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

const registryAddr = process.env['DOCKUI_TEST_REGISTRY'] ?? '127.0.0.1:5000';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasRunc = ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'].some((p) => existsSync(p));
const built = existsSync(`${repoRoot}/dist/tui.js`) && existsSync(`${repoRoot}/dist/engine/engine.js`);

async function registryUp(): Promise<boolean> {
  try {
    const r = await fetch(`http://${registryAddr}/v2/fixture/web/tags/list`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

describe('dockui in a terminal, end to end', () => {
  let root: { root: string; cleanup: () => void };
  let t: TmuxSession | undefined;
  let skip: string | false = false;

  before(async () => {
    if (!isRoot) skip = 'needs root (runc)';
    else if (!hasRunc) skip = 'needs runc';
    else if (!built) skip = 'needs the build (npm run build)';
    else if (!(await registryUp())) skip = `needs the fixture registry at ${registryAddr}`;
    root = tempRoot('dockui-e2e-tui-');
  });

  after(() => {
    t?.close();
    // Whatever the test left behind (it deletes its container itself when all goes well).
    try {
      execFileSync(process.execPath, [dockuiBin, '--root', root.root, 'rm', '-f', 'e2e-web'], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      /* not there */
    }
    root.cleanup();
  });

  it('pulls, runs, shows, execs, logs, stops, deletes and quits', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const port = await freePort();
    const ref = `${registryAddr}/fixture/web:latest`;
    t = TmuxSession.start({
      command: `echo BEFORE-DOCKUI; node ${dockuiBin} --root ${root.root}; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: repoRoot,
      columns: 120,
      rows: 32,
      env: { NODE_NO_WARNINGS: '1' },
    });
    await t.waitFor('1 Containers', 30_000);
    assert.equal(t.alternateScreen(), true);

    // Pull through the dialog, with its per-layer progress, to the done line.
    t.sendKeys('p');
    await t.waitFor('Pull an image');
    t.type(ref);
    t.sendKeys('Enter');
    await t.waitFor(`✓ pulled ${ref}`, 60_000);
    t.sendKeys('Enter');
    t.sendKeys('2');
    await t.waitFor(new RegExp(`› ${ref.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+[0-9a-f]{12}`));

    // Run it from the form: a name, a published port and a command: the image's httpd under a
    // shell that ends on SIGTERM (httpd as pid 1 ignores it, and the stop below waited out the
    // 10 s grace).
    t.sendKeys('R');
    await t.waitFor('Run a container from');
    t.type('e2e-web');
    t.sendKeys('Tab');
    t.type(`127.0.0.1:${port}:8080`);
    t.sendKeys('Tab', 'Tab');
    t.type(`sh -c 'trap "exit 0" TERM; httpd -f -v -p 8080 -h /www & wait'`);
    t.sendKeys('Enter');
    const running = await t.waitFor((s) => /e2e-web\s.*running\s.*Up /.test(s) && s.includes('✓ started e2e-web'), 60_000);
    assert.match(running, new RegExp(`127\\.0\\.0\\.1:${port}->8080/tcp`));
    const page = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
    assert.match(page, /hello from dockui fixture/);

    // A shell in it: the terminal goes to `dockui exec -it` and comes back when it ends.
    t.sendKeys('e');
    // The UI clears its frame first, then leaves the alternate screen and starts the shell.
    await t.waitFor(() => !t!.alternateScreen(), 20_000);
    t.type('echo IN-CONTAINER-$((40+2))');
    t.sendKeys('Enter');
    await t.waitFor('IN-CONTAINER-42', 20_000);
    t.type('exit 5');
    t.sendKeys('Enter');
    const back = await t.waitFor('shell in e2e-web ended (exit code 5)', 30_000);
    assert.equal(t.alternateScreen(), true);
    assert.match(back, /e2e-web\s.*running/);

    // Its logs.
    t.sendKeys('l');
    await t.waitFor(/Logs · e2e-web\s+following/);

    // Stop it, then delete it (y/N).
    t.sendKeys('1');
    await t.waitFor('› e2e-web');
    t.sendKeys('s');
    await t.waitFor((s) => /e2e-web\s.*exited/.test(s) && s.includes('✓ stopped e2e-web'), 60_000);
    t.sendKeys('d');
    await t.waitFor('Delete container e2e-web');
    t.sendKeys('y');
    const gone = await t.waitFor('✓ deleted e2e-web', 30_000);
    assert.match(gone, /Containers\s+0/);

    // Quit: the terminal is given back as it was.
    t.sendKeys('q');
    const after = await t.waitFor('EXIT=0', 30_000);
    assert.equal(t.alternateScreen(), false);
    assert.equal(t.cursorVisible(), true);
    assert.match(after, /BEFORE-DOCKUI/);
    assert.doesNotMatch(after, /1 Containers/);
  });

  it('without runc it still opens, lists images and says plainly what is missing', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const ref = `${registryAddr}/fixture/web:latest`;
    execFileSync(process.execPath, [dockuiBin, '--root', root.root, 'pull', '-q', ref], { stdio: 'ignore', timeout: 120_000 });
    t?.close();
    // runc is looked up in the sbin and bin dirs whatever PATH says (an ordinary user's PATH
    // lacks /usr/sbin), so a machine without it is DOCKUI_RUNC naming a file that is not there.
    t = TmuxSession.start({
      command: `DOCKUI_RUNC=/no/runc node ${dockuiBin} --root ${root.root}; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: repoRoot,
      columns: 120,
      rows: 30,
      env: { NODE_NO_WARNINGS: '1' },
    });
    await t.waitFor('containers cannot run: runc is not installed at /no/runc', 30_000);
    t.sendKeys('2');
    await t.waitFor(/› 127\.0\.0\.1:\d+\/fixture\/web:latest|› .*fixture\/web:latest/);
    t.sendKeys('R');
    await t.waitFor(/✗ cannot run a container: runc (is not installed|not found) at/);
    t.sendKeys('q');
    await t.waitFor('EXIT=0', 30_000);
    assert.equal(t.alternateScreen(), false);
  });
});
