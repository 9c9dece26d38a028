// The tmux helper on trivial programs, before it drives the real dockui.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TmuxSession } from './tmux.js';

let s: TmuxSession | undefined;
afterEach(() => s?.close());

describe('TmuxSession', () => {
  it('runs a command at a size, types into it and reads the screen and exit status', async () => {
    // The program waits after its last line: tmux drops what a pane's program wrote if it exits
    // before tmux has read it (tmux/tmux#506), a race CI lost once.
    s = TmuxSession.start({ command: 'stty size; printf "name? "; read x; echo "hello $x"; read y; exit 7', columns: 90, rows: 30 });
    await s.waitFor('name?');
    assert.match(s.capture(), /^30 90$/m);
    assert.deepEqual(s.size(), { columns: 90, rows: 30 });
    s.type('tmux user');
    s.sendKeys('Enter');
    await s.waitFor('hello tmux user');
    assert.equal(s.exitStatus(), undefined);
    s.sendKeys('Enter');
    assert.equal(await s.waitForExit(), 7);
  });

  it('tells when the program uses the alternate screen, and what is left when it leaves', async () => {
    s = TmuxSession.start({ command: 'echo MAIN-SCREEN; printf "\\033[?1049hIN-ALT"; read x; printf "\\033[?1049l"; read y' });
    await s.waitFor('IN-ALT');
    assert.equal(s.alternateScreen(), true);
    assert.ok(!s.capture().includes('MAIN-SCREEN'));
    s.sendKeys('Enter');
    await s.waitFor('MAIN-SCREEN');
    assert.equal(s.alternateScreen(), false);
    assert.ok(!s.capture().includes('IN-ALT'));
  });

  it('resizes the terminal, and times out with the screen in the message', async () => {
    s = TmuxSession.start({ command: 'read x; stty size; read y', columns: 80, rows: 24 });
    s.resize(100, 40);
    s.sendKeys('Enter');
    await s.waitFor(/^40 100$/m);
    await assert.rejects(s.waitFor('never shown', 200), /timed out after 200 ms waiting for never shown; screen:\n[\s\S]*^40 100$/m);
  });

  it('gets the exit status of a program that closes its terminal before it exits (tmux with libutempter loses that SIGCHLD)', async () => {
    // The pane's terminal closes first (tmux then runs libutempter's helper with SIGCHLD at
    // SIG_DFL), the exit comes a moment later: without the helper's nudge about a third of
    // these panes stay dead with no status.
    for (let i = 0; i < 20; i++) {
      s?.close();
      s = TmuxSession.start({ command: `trap "" HUP; read x; exec </dev/null >/dev/null 2>&1; exit ${i + 3}` });
      s.sendKeys('Enter');
      assert.equal(await s.waitForExit(5000), i + 3, `run ${i}`);
    }
  });
});
