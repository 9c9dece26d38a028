// runTui in a real terminal (tmux), over the views' fake engine: full screen on the alternate
// screen, laid out for the terminal's size and redrawn on resize, NO_COLOR honoured, the
// terminal handed to a shell and taken back, and given back as it was on every way out —
// q, Ctrl-C, SIGTERM and a crash. The end-to-end test with the real engine is test/e2e/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { repoRoot, scriptArgv } from '../helpers/env.js';
import { TmuxSession } from '../e2e/tmux.js';

let s: TmuxSession | undefined;
afterEach(() => s?.close());

function startTui(opts: { env?: Record<string, string>; columns?: number; rows?: number } = {}): TmuxSession {
  s = TmuxSession.start({
    command: `echo BEFORE-THE-UI; node ${scriptArgv('test/views/support/fake-tui.ts').join(' ')}; echo "EXIT=$?"; read keep_the_pane_alive`,
    cwd: repoRoot,
    columns: opts.columns ?? 80,
    rows: opts.rows ?? 24,
    env: { NODE_NO_WARNINGS: '1', ...opts.env },
  });
  return s;
}

async function restored(t: TmuxSession, code: number): Promise<string> {
  const screen = await t.waitFor(`EXIT=${code}`, 20_000);
  assert.equal(t.alternateScreen(), false, 'still on the alternate screen');
  assert.equal(t.cursorVisible(), true, 'cursor left hidden');
  assert.match(screen, /BEFORE-THE-UI/, 'the shell screen was not given back');
  assert.doesNotMatch(screen, /1 Containers/, 'the UI leaked onto the main screen');
  return screen;
}

const opened = (t: TmuxSession) => t.waitFor((x) => x.includes('1 Containers') && x.includes('web1'), 30_000);

describe('runTui in a terminal', () => {
  it('fills an 80×24 terminal on the alternate screen, and q gives the terminal back', async () => {
    const t = startTui();
    const screen = await opened(t);
    assert.equal(t.alternateScreen(), true);
    const lines = screen.split('\n');
    assert.match(lines[1] ?? '', /^╭─+╮$/);
    assert.equal(lines[1]?.length, 80);
    assert.match(lines[20] ?? '', /^╰─+╯$/, 'the pane ends on row 21 of 24');
    assert.match(lines[22] ?? '', /s start\/stop/, 'footer on row 23');
    t.sendKeys('q');
    await restored(t, 0);
  });

  it('Ctrl-C quits from a dialog and restores the terminal', async () => {
    const t = startTui();
    await opened(t);
    t.sendKeys('p');
    await t.waitFor('Pull an image');
    t.sendKeys('C-c');
    await restored(t, 0);
  });

  it('SIGTERM restores the terminal and exits 143', async () => {
    const t = startTui();
    await opened(t);
    const node = execFileSync('pgrep', ['-P', String(t.panePid()), 'node'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    assert.ok(node, 'no node child of the pane shell');
    process.kill(Number(node), 'SIGTERM');
    await restored(t, 143);
  });

  it('a crash restores the terminal and says what broke', async () => {
    const t = startTui({ env: { FAKE_TUI_CRASH: '1' } });
    const screen = await restored(t, 70);
    assert.match(screen, /dockui: internal error \(a bug in dockui\): boom on purpose/);
  });

  it('redraws for a new size, and asks for room below 80×24', async () => {
    const t = startTui();
    await opened(t);
    t.resize(120, 30);
    let screen = await t.waitFor((x) => x.split('\n').some((l) => /^╭─+╮$/.test(l) && l.length === 120));
    assert.match(screen.split('\n')[26] ?? '', /^╰─+╯$/);
    // Wide enough for a preview: the selection's details beside the list.
    t.resize(160, 40);
    screen = await t.waitFor((x) => /Containers\s+1\s.*Details · web1/.test(x));
    assert.match(screen, /Ports\s+127\.0\.0\.1:8080->80\/tcp/);
    t.resize(70, 20);
    screen = await t.waitFor('needs a terminal of at least 80×24 (this one is 70×20)');
    t.resize(80, 24);
    await t.waitFor((x) => x.includes('1 Containers') && !x.includes('needs a terminal'));
    t.sendKeys('q');
    await restored(t, 0);
  });

  it('at 160×45 the list beside Logs narrows to NAME and STATE', async () => {
    const t = startTui({ columns: 160, rows: 45 });
    await opened(t);
    t.sendKeys('l');
    const screen = await t.waitFor((x) => x.includes('Logs · web1'));
    const side = screen.split('\n').filter((l) => /NAME\s+STATE/.test(l) || /web1\s+running/.test(l));
    assert.equal(side.length, 2, `the side list: ${screen}`);
    assert.doesNotMatch(screen, /IMAGE|PORTS|STATUS/, 'columns the side list has no room for');
    assert.match(side[1] ?? '', /web1\s+running\s*│$/);
    t.sendKeys('q');
    await restored(t, 0);
  });

  it('hands the terminal to the exec shell and takes it back when it ends; the UI process runs on meanwhile', async () => {
    const tickFile = join(mkdtempSync(join(tmpdir(), 'dockui-ticks-')), 'n');
    const t = startTui({ env: { FAKE_TUI_TICKS: tickFile } });
    await opened(t);
    t.sendKeys('e');
    await t.waitFor('IN-THE-SHELL');
    assert.equal(t.alternateScreen(), false, 'the shell must get the normal screen');
    const before = Number(readFileSync(tickFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(Number(readFileSync(tickFile, 'utf8')) > before + 3, 'the event loop stood still while the shell was open');
    t.type('typed in the shell');
    t.sendKeys('Enter');
    await t.waitFor('shell in web1 ended (exit code 3)');
    assert.equal(t.alternateScreen(), true);
    // Keys are the UI's again.
    t.sendKeys('2');
    await t.waitFor('REPOSITORY:TAG');
    t.sendKeys('q');
    const screen = await restored(t, 0);
    rmSync(join(tickFile, '..'), { recursive: true, force: true });
    assert.match(screen, /got typed in the shell/, 'the shell did not receive the typed line');
  });

  it('uses colour, and none under NO_COLOR; says what is missing to run containers', async () => {
    const t = startTui({ env: { FAKE_TUI_RUNTIME_PROBLEM: 'runc not found' } });
    await opened(t);
    // eslint-disable-next-line no-control-regex -- SGR colour codes
    const colour = /\x1b\[(3[0-7]|9[0-7]|38;)/;
    assert.match(t.captureRaw(), colour);
    assert.match(t.capture(), /containers cannot run: runc not found/);
    t.sendKeys('q');
    await restored(t, 0);
    t.close();
    const plain = startTui({ env: { NO_COLOR: '1' } });
    await opened(plain);
    assert.doesNotMatch(plain.captureRaw(), colour);
    plain.sendKeys('q');
    await restored(plain, 0);
  });
  it('reads tui.yaml before the first frame (theme, mouse, keys); a mistake in it is one line and exit 1', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tui13-xdg-'));
    try {
      mkdirSync(join(home, 'dockui'));
      writeFileSync(join(home, 'dockui', 'tui.yaml'), 'theme: plain\nmouse: false\nkeys:\n  app.pane.images: Z\n');
      const t = startTui({ env: { XDG_CONFIG_HOME: home } });
      await opened(t);
      // eslint-disable-next-line no-control-regex -- SGR colour codes
      assert.doesNotMatch(t.captureRaw(), /\x1b\[(3[0-7]|9[0-7]|38;)/, 'theme: plain draws no colour');
      assert.equal(t.format('#{mouse_sgr_flag}'), '0', 'mouse: false leaves the mouse to the terminal');
      t.sendKeys('Z');
      await t.waitFor('REPOSITORY:TAG');
      t.sendKeys('q');
      await restored(t, 0);
      t.close();
      writeFileSync(join(home, 'dockui', 'tui.yaml'), 'keys:\n  containers.lgs: L\n');
      const bad = startTui({ env: { XDG_CONFIG_HOME: home }, columns: 160 });
      const screen = await bad.waitFor('EXIT=1', 20_000);
      assert.match(screen, new RegExp(`dockui: ${home}/dockui/tui\\.yaml: keys\\.containers\\.lgs: no such action`));
      assert.doesNotMatch(screen, /1 Containers/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
