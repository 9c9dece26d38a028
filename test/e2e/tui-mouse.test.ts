// Feature row 42 in a real terminal: the TUI turns SGR mouse reporting on while it is up (tmux
// says so), a click tmux delivers as the terminal would selects the row under it, and quitting
// turns reporting off again: the shell after it gets a terminal that sends no mouse reports.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

const built = existsSync(join(repoRoot, 'dist/tui.js'));
const hasBusybox = ['/bin/busybox', '/usr/bin/busybox'].some((p) => existsSync(p));

describe('the mouse in a real terminal', () => {
  let root = '';
  let t: TmuxSession | undefined;
  let skip: string | false = false;
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [dockuiBin, '--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });

  before(() => {
    if (!built) skip = 'needs the build (npm run build)';
    else if (!hasBusybox) skip = 'needs busybox-static (the base image)';
    root = mkdtempSync('/tmp/tuic-mouse-');
    if (skip) return;
    execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'ignore', timeout: 120_000 });
    // Created, never started: rows to click on without running anything.
    for (const n of ['tuic-mouse-a', 'tuic-mouse-b', 'tuic-mouse-c']) cli('create', '--name', n, 'busybox:static', 'true');
  });

  after(() => {
    t?.close();
    try {
      for (const id of cli('ps', '-aq').split('\n').filter(Boolean)) cli('rm', '-f', id);
    } catch {
      /* nothing to remove */
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('reporting is on while the UI is up, a click selects a row, and it is off after quitting', async (ctx) => {
    if (skip) return ctx.skip(skip);
    t = TmuxSession.start({
      command: `node ${dockuiBin} --root ${root} --no-watch; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: root,
      columns: 100,
      rows: 30,
      env: { NODE_NO_WARNINGS: '1' },
      prefix: 'tuic',
    });
    let s = await t.waitFor(/Containers\s+3/, 30_000);
    assert.equal(t.format('#{mouse_sgr_flag}'), '1');
    assert.equal(t.format('#{mouse_standard_flag}'), '1');
    // The third list row (line 7 of the screen) is not the selected one yet.
    const third = /│[› ] (\S+)/.exec(s.split('\n')[6] ?? '')?.[1];
    assert.ok(third && !s.includes(`› ${third} `), s);
    t.sendRaw('\x1b[<0;10;7M\x1b[<0;10;7m');
    s = await t.waitFor(`› ${third} `);
    // The wheel up over the list: back to the top row.
    t.sendRaw('\x1b[<64;10;7M');
    s = await t.waitFor((x) => !x.includes(`› ${third} `) && /│› tuic-mouse-/.test(x.split('\n')[4] ?? ''));
    // A click on " 2 Images ".
    t.sendRaw('\x1b[<0;18;1M\x1b[<0;18;1m');
    await t.waitFor('busybox:static');
    t.sendKeys('q');
    await t.waitFor('EXIT=0', 30_000);
    assert.equal(t.format('#{mouse_sgr_flag}'), '0');
    assert.equal(t.format('#{mouse_standard_flag}'), '0');
    assert.equal(t.format('#{mouse_any_flag}'), '0');
  });
});
