// Rootless dockui in a real terminal, as the ordinary user dockuitest (scripts/rootless-user.sh):
// `dockui DIR` (the TUI's dev loop) in tmux through `runuser`, over the real engine in dockui's
// user namespace, runc and slirp4netns. The folder is a copy of examples/hello owned by the user,
// with no sync rules, so a saved page is a rebuild: the loop builds and runs the folder with a
// port published on 127.0.0.1, a save rebuilds and swaps the container, the new page is served,
// the Containers pane lists the running container, and quitting gives the terminal back.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TmuxSession } from '../e2e/tmux.js';
import { dockuiBin, registry, repoRoot, type CliResult } from '../helpers/env.js';

const user = 'dockuitest';
const port = 18751;
const base = mkdtempSync(join(tmpdir(), 'dockui-rootless-tui-'));
const home = join(base, 'home');
const run = join(base, 'run');
const app = join(base, 'app');
const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${run}`, 'PATH=/usr/local/bin:/usr/bin:/bin'];

function cli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('runuser', ['-u', user, '--', 'env', ...env, dockuiBin, ...args], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Writes a file as the user, as an editor of theirs would save it. */
function saveAs(path: string, text: string): void {
  execFileSync('runuser', ['-u', user, '--', 'sh', '-c', 'cat > "$1.tmp" && mv "$1.tmp" "$1"', 'save', path], { input: text });
}

async function page(): Promise<string> {
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

describe('rootless dockui in a terminal (as dockuitest)', () => {
  let t: TmuxSession | undefined;
  after(async () => {
    t?.close();
    // The dev container outlives the UI by design; then the user's pause process and files go.
    await cli(['rm', '-f', 'app-dev']);
    await cli(['system', 'prune', '-a', '-f']);
    const r = spawn('sh', ['-c', `kill $(cat ${join(run, 'dockui-userns.pid')}) 2>/dev/null`]);
    await new Promise((res) => r.on('close', res));
    rmSync(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('runs the dev loop, rebuilds on a save, serves the new page and lists the running container', async () => {
    mkdirSync(home);
    mkdirSync(run, { mode: 0o700 });
    cpSync(join(repoRoot, 'examples/hello'), app, { recursive: true });
    rmSync(join(app, 'dockui.json')); // no sync rule: a saved page is a rebuild
    execFileSync('chown', ['-R', `${user}:`, base]);
    const image = `${registry('plain')}/fixture/busybox`;
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await cli(['tag', image, 'busybox:static'])).code, 0);

    const command = ['runuser', '-u', user, '--', 'env', ...env, 'NODE_NO_WARNINGS=1', dockuiBin, '-p', `127.0.0.1:${port}:8080`, app].join(
      ' ',
    );
    t = TmuxSession.start({ command: `${command}; echo "EXIT=$?"; read keep_the_pane_alive`, cwd: '/', columns: 130, rows: 32 });
    await t.waitFor(
      (s) =>
        /Dev loop · .*:dev · watching \d+ files · \S+ running for/.test(s) &&
        /✓ rebuild start\s+debounce \S+\s+build \S+ \(\d+\/\d+ cached\)\s+swap \S+\s+total \S+/.test(s),
      120_000,
    );
    await until('the page on the published port', async () => (await page()).length > 0);
    assert.doesNotMatch(await page(), /saved as dockuitest/);

    // A save rebuilds the image and swaps the container; the new page is served.
    saveAs(join(app, 'www/index.html'), 'saved as dockuitest\n');
    await until('the saved page served', async () => (await page()).includes('saved as dockuitest'), 60_000);
    const rebuilt = await t.waitFor(/✓ rebuild\s+change/, 30_000);
    assert.doesNotMatch(rebuilt, /containers cannot run|internal error/);

    // The Containers pane lists the running dev container.
    t.sendKeys('1');
    await t.waitFor(/app-dev\s.*running\s.*Up /, 30_000);
    // One httpd in dockui's user namespace (the swapped-out one is gone), the user's on the host.
    const ns = readlinkSync(`/proc/${readFileSync(join(run, 'dockui-userns.pid'), 'utf8').trim()}/ns/user`);
    const httpd = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'httpd' && readlinkSync(`/proc/${p}/ns/user`) === ns;
      } catch {
        return false;
      }
    });
    assert.equal(httpd.length, 1, `httpd in the user namespace: ${httpd.join(' ')}`);
    const uid = execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
    assert.match(readFileSync(`/proc/${httpd[0]!}/status`, 'utf8'), new RegExp(`^Uid:\\t${uid}\\t`, 'm'));

    t.sendKeys('q');
    const screen = await t.waitFor('EXIT=0', 30_000);
    assert.equal(t.alternateScreen(), false);
    assert.match(screen, /dockui: the dev container app-dev keeps running/);
    const ps = await cli(['ps']);
    assert.match(ps.stdout, /app-dev/, ps.stderr);
    assert.match(ps.stdout, new RegExp(`127\\.0\\.0\\.1:${port}->8080/tcp`));
  });
});
