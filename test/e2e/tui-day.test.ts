// Issue 13's day of use, end to end: the real `dockui` in a real terminal (tmux), over the real
// engine and runc, in a root of its own. Dev mode on a copy of examples/hello; quit (the dev
// container keeps running, and it says so); reopen (the loop adopts its container) and rebuild;
// run a container that fails at once and see its exit code and its logs; filter, sort and pick
// two containers to stop together; prune with the preview of what goes and how much; quit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot, runCli } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasRunc = ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'].some((p) => existsSync(p));
const built = existsSync(join(repoRoot, 'dist/tui.js')) && existsSync(join(repoRoot, 'dist/engine/engine.js'));
// In tui-c's port range (the helpers of this session share the machine).
const port = 18301;

async function page(): Promise<string> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
    return await r.text();
  } catch {
    return '';
  }
}

async function until(what: string, f: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The container list's row of `name` on a screen ("│› name", "│ *name", …), or undefined. */
function rowOf(screen: string, name: string): string | undefined {
  return screen.split('\n').find((l) => new RegExp(`^│[› ][* ]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(l));
}
const rowIndex = (screen: string, name: string) => screen.split('\n').findIndex((l) => l === rowOf(screen, name));
/** The screen's text with the dialog's wrapping undone. */
const flat = (screen: string) => screen.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

describe("a day's use of the TUI, end to end", () => {
  let root = '';
  let app = '';
  let t: TmuxSession | undefined;
  let skip: string | false = false;
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [dockuiBin, '--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });

  before(() => {
    if (!isRoot) skip = 'needs root (runc)';
    else if (!hasRunc) skip = 'needs runc';
    else if (!built) skip = 'needs the build (npm run build)';
    root = mkdtempSync('/tmp/tuic-day-');
    app = mkdtempSync('/tmp/tuic-app-');
    cpSync(join(repoRoot, 'examples/hello'), app, { recursive: true });
    if (!skip) execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'ignore', timeout: 120_000 });
  });

  after(() => {
    t?.close();
    try {
      for (const id of cli('ps', '-aq').split('\n').filter(Boolean)) cli('rm', '-f', id);
    } catch {
      /* nothing to remove */
    }
    rmSync(app, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('dev mode, quit, reopen and rebuild; a failing run; filter, sort, pick and stop; prune with preview', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const open = `node ${dockuiBin} --root ${root} -p 127.0.0.1:${port}:8080 ${app}`;
    t = TmuxSession.start({
      command: `echo BEFORE-DOCKUI; ${open}; echo "EXIT1=$?"; read again; ${open}; echo "EXIT2=$?"; read keep_the_pane_alive`,
      cwd: app,
      columns: 160,
      rows: 45,
      env: { NODE_NO_WARNINGS: '1' },
      prefix: 'tuic',
    });

    // ---- Dev mode: builds and runs the folder, serving on the published port.
    await t.waitFor(
      (s) => /Dev loop · tuic-app-\w+:dev · watching \d+ files · \S+ running for/.test(s) && /✓ rebuild start\s/.test(s),
      120_000,
    );
    await until('the page', async () => /hello/i.test(await page()));

    // ---- Quit: the dev container keeps running, and the UI says how to stop it.
    t.sendKeys('q');
    let s = await t.waitFor('EXIT1=0', 30_000);
    assert.equal(t.alternateScreen(), false);
    const dev = /dockui: the dev container (tuic-app-\w+-dev) keeps running; stop it with: dockui stop \1/.exec(s)?.[1];
    assert.ok(dev, s);
    assert.match(cli('ps'), new RegExp(`Up .*${dev}`));

    // ---- Reopen: the loop adopts its container instead of failing on its name; then rebuild.
    t.sendKeys('Enter');
    s = await t.waitFor((x) => x.includes(`adopted ${dev}, still running from an earlier session`), 120_000);
    assert.doesNotMatch(s, /already in use/);
    writeFileSync(join(app, 'www/index.html'), 'reopened and rebuilt by tuic\n');
    await until('the saved page served', async () => (await page()).includes('reopened and rebuilt by tuic'));
    await t.waitFor(/✓ (sync|rebuild)\s+change/, 60_000);
    t.sendKeys('b');
    s = await t.waitFor(/✓ rebuilt tuic-app-\w+:dev (and swapped the container in \S+|: unchanged, the container keeps running)/, 120_000);
    assert.doesNotMatch(s, /rebuilding…|already in use/);
    // Unchanged when the reopen's own build read the saved page already (the save raced it): the
    // dev container then runs on from the first image with the page synced in, so that image is
    // in use and the prune below has no dangling image to offer.
    const swapped = /✓ rebuilt tuic-app-\w+:dev and swapped/.test(s);
    // Either way the image holds the saved page (an "unchanged" that kept a stale image would not).
    const devImage = /✓ rebuilt (tuic-app-\w+:dev)/.exec(s)![1]!;
    assert.match(cli('run', '--rm', '--network', 'none', devImage, 'cat', '/www/index.html'), /reopened and rebuilt by tuic/);
    assert.match(await page(), /reopened and rebuilt by tuic/);

    // ---- A container that fails at once: its exit code and its logs, not "started".
    t.sendKeys('2');
    await t.waitFor('REPOSITORY:TAG');
    t.sendKeys('/');
    t.type('busybox:static');
    t.sendKeys('Enter');
    await t.waitFor(/› busybox:static\s/);
    t.sendKeys('R');
    await t.waitFor('Run a container from busybox:static');
    t.type('tuic-day-fail');
    t.sendKeys('Tab', 'Tab', 'Tab');
    t.type(`sh -c 'echo day-boom >&2; exit 3'`);
    t.sendKeys('Enter');
    s = await t.waitFor((x) => x.includes('tuic-day-fail exited with code 3 right after starting') && x.includes('day-boom'), 60_000);
    assert.doesNotMatch(s, /started tuic-day-fail/);
    assert.match(s, /Logs · tuic-day-fail/);

    // ---- Three more, started from a shell beside the UI (they show at once: the event log).
    // --init: sleep as pid 1 ignores SIGTERM, and the batch stop below would wait out its 10 s grace.
    for (const n of ['tuic-day-c', 'tuic-day-a', 'tuic-day-b'])
      assert.equal((await runCli(['run', '-d', '--init', '--name', n, 'busybox:static', 'sleep', '300'], { root })).code, 0);
    t.sendKeys('1');
    await t.waitFor((x) => ['tuic-day-a', 'tuic-day-b', 'tuic-day-c'].every((n) => /\srunning\s/.test(rowOf(x, n) ?? '')), 30_000);

    // ---- Filter: only the day's containers, not the dev one.
    t.sendKeys('/');
    t.type('tuic-day-');
    t.sendKeys('Enter');
    s = await t.waitFor(/Containers\s+4 of 5\s+filter: tuic-day-/);
    assert.equal(rowOf(s, dev), undefined, 'the dev container is filtered out');

    // ---- Sort by name (o cycles: state → name).
    t.sendKeys('o');
    s = await t.waitFor(/sort: name/);
    const order = ['tuic-day-a', 'tuic-day-b', 'tuic-day-c', 'tuic-day-fail'].map((n) => rowIndex(s, n));
    assert.ok(
      order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!)),
      `rows in name order: ${order.join(', ')}\n${s}`,
    );

    // ---- Pick a and b with space, stop both with s.
    t.sendKeys('g', 'Space');
    await t.waitFor((x) => (rowOf(x, 'tuic-day-a') ?? '').startsWith('│›*'));
    t.sendKeys('j', 'Space');
    await t.waitFor((x) => (rowOf(x, 'tuic-day-b') ?? '').startsWith('│›*'));
    t.sendKeys('s');
    s = await t.waitFor(
      (x) =>
        x.includes('✓ stopped 2 containers') &&
        /\sexited\s/.test(rowOf(x, 'tuic-day-a') ?? '') &&
        /\sexited\s/.test(rowOf(x, 'tuic-day-b') ?? ''),
      60_000,
    );
    assert.match(rowOf(s, 'tuic-day-c') ?? '', /\srunning\s/);
    assert.doesNotMatch(s, /│[› ]\*/, 'the picks are cleared after the batch');

    // ---- Prune: the preview names what goes and how much, before y.
    t.sendKeys('X');
    s = await t.waitFor('Prune');
    assert.match(
      flat(s),
      swapped
        ? /Remove 3 stopped containers \(tuic-day-\w+, tuic-day-\w+, tuic-day-\w+\) and \d+ dangling images? \(up to [\d.]+[kMG]?B\)\?/
        : /Remove 3 stopped containers \(tuic-day-\w+, tuic-day-\w+, tuic-day-\w+\)( and \d+ dangling images? \(up to [\d.]+[kMG]?B\))?\?/,
    );
    t.sendKeys('y');
    s = await t.waitFor(/✓ pruned 3 containers and \d+ dangling images?: \S+ freed/, 60_000);
    const left = cli('ps', '-a', '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
    assert.deepEqual(left, [dev, 'tuic-day-c'].sort());
    assert.doesNotMatch(cli('images'), /<none>/);

    // ---- Quit again: the terminal is given back, the dev container still runs.
    t.sendKeys('q');
    s = await t.waitFor('EXIT2=0', 30_000);
    assert.equal(t.alternateScreen(), false);
    assert.match(s, new RegExp(`the dev container ${dev} keeps running`));
    assert.match(await page(), /reopened and rebuilt by tuic/);
  });
});
