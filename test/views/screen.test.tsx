// The whole screen over the fake engine: each pane, key binding, dialog and error display.
/* eslint-disable no-control-regex -- the colour checks match ANSI escape codes */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { EngineError } from '../../src/engine/define.js';
import { plainTheme } from '../../src/views/theme.js';
import type { DevControl, DevView } from '../../src/views/view-models.js';
import { FakeEngine, fakeContainer, fakeImage } from './support/fake-engine.js';
import { cleanupRendered, keys, renderApp, type Rendered } from './support/render.js';

const busybox = fakeImage({ id: 'sha256:' + 'a'.repeat(64), names: ['docker.io/library/busybox:latest'], inUse: 1 });
const web = fakeImage({ id: 'sha256:' + 'c'.repeat(64), names: ['127.0.0.1:5000/fixture/web:latest'], size: 12_000_000 });

function engine(over: { runtimeProblem?: string } = {}) {
  return new FakeEngine({
    images: [busybox, web],
    containers: [
      fakeContainer({
        id: '1'.repeat(64),
        name: 'web1',
        ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      }),
      fakeContainer({
        id: '2'.repeat(64),
        name: 'job',
        state: 'exited',
        exitCode: 3,
        finishedAt: new Date(Date.now() - 600_000).toISOString(),
      }),
    ],
    ...over,
  });
}

let open: Rendered | undefined;
afterEach(() => {
  open = undefined;
  cleanupRendered();
});

async function start(e: FakeEngine, opts: Parameters<typeof renderApp>[1] = {}) {
  open = await renderApp(e, opts);
  return open;
}

describe('screen: panes', () => {
  it('lists containers with state, status, ports, CPU and memory', async () => {
    const r = await start(engine());
    const f = await r.waitFor((f) => f.includes('12.5'), 'stats of the running container');
    assert.match(f, /› web1\s+busybox:latest\s+running\s+Up 3 hours\s+127\.0\.0\.1:8080->80\/tcp\s+12\.5\s+7\.34MB/);
    assert.match(f, /job\s+busybox:latest\s+exited\s+Exited \(3\) 10/);
    assert.match(f, /1\/2 running · 2 images/);
  });

  it('colours states through the theme, and not at all under NO_COLOR', async () => {
    const r = await start(engine());
    await r.waitFor((f) => f.includes('web1'));
    assert.match(r.rawFrame(), /\x1b\[31mexited/, 'a failed exit in red');
    await r.press('j');
    assert.match(r.rawFrame(), /\x1b\[32mrunning/, 'running in green');
    r.unmount();
    const p = await start(engine(), { theme: plainTheme });
    await p.waitFor((f) => f.includes('web1'));
    assert.doesNotMatch(p.rawFrame(), /\x1b\[3[0-7]m|\x1b\[9[0-7]m/, 'a colour code under NO_COLOR');
    assert.match(p.rawFrame(), /\x1b\[7m/, 'the selection still shows (inverse)');
  });

  it('switches panes with Tab, Shift-Tab and 1–5, and lists images', async () => {
    const r = await start(engine());
    let f = await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    assert.match(f, /busybox:latest\s+aaaaaaaaaaaa\s+4\.30MB\s+2 days ago\s+1/);
    assert.match(f, /127\.0\.0\.1:5000\/fixture\/web:latest\s+cccccccccccc\s+12\.0MB/);
    f = await r.press(keys.tab, (f) => f.includes('select a container (1) and press l'));
    f = await r.press(keys.tab, (f) => f.includes('Press b to build') || f.includes('nothing to build'));
    f = await r.press(keys.shiftTab, (f) => f.includes('select a container (1)'));
    f = await r.press('5', (f) => f.includes('Select a container or an image and press Enter'));
    f = await r.press('1', (f) => f.includes('STATUS'));
  });

  it('moves the selection with j k ↓ ↑ G g PgDn PgUp', async () => {
    const many = new FakeEngine({
      containers: Array.from({ length: 200 }, (_, i) =>
        fakeContainer({ id: `${i}`.padStart(64, '0'), name: `c${String(i).padStart(3, '0')}` }),
      ),
    });
    const r = await start(many);
    await r.waitFor((f) => f.includes('c000'));
    const selected = (f: string) => /› (c\d+)/.exec(f)?.[1];
    let f = await r.press('G', (f) => f.includes('c199'));
    assert.ok(!f.includes('c000'), 'the list scrolled (virtualized window)');
    f = await r.press('g', (f) => f.includes('c000'));
    assert.equal(selected(f), 'c000');
    f = await r.press('j');
    assert.equal(selected(f), 'c001');
    f = await r.press(keys.down);
    assert.equal(selected(f), 'c002');
    // A page is the 16 list rows of a 100×24 screen.
    f = await r.press(keys.pageDown, (f) => !f.includes('c000'));
    assert.equal(selected(f), 'c018');
    f = await r.press(keys.pageUp);
    assert.equal(selected(f), 'c002');
    f = await r.press('k');
    assert.equal(selected(f), 'c001');
    f = await r.press(keys.up);
    assert.equal(selected(f), 'c000');
    f = await r.press('G');
    assert.equal(selected(f), 'c199');
  });

  it('opens details with Enter: a container, and an image with its layers', async () => {
    const r = await start(engine());
    let f = await r.press(keys.enter, (f) => f.includes('Details · web1'));
    assert.match(f, /Ports\s+127\.0\.0\.1:8080->80\/tcp/);
    f = await r.press(keys.escape, (f) => f.includes('STATUS'));
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    f = await r.press(keys.enter, (f) => f.includes('Layers (3)'));
    assert.match(f, /Platform\s+linux\/amd64/);
    assert.match(f, /4\.00MB\s+ADD file:busybox in \//);
    assert.match(f, /1\.00kB\s+COPY index\.html \/srv\//);
    assert.match(f, /0B\s+CMD \["httpd"\]/);
  });

  it('filters a list with /, live, and clears it with Esc', async () => {
    const r = await start(engine());
    await r.press('/', (f) => f.includes('filter /'));
    let f = await r.press('j', (f) => !f.includes('web1'));
    f = await r.press('o', (f) => f.includes('job'));
    f = await r.press(keys.enter, (f) => f.includes('filter: jo'));
    assert.match(f, /1 of 2/);
    assert.ok(!f.includes('web1'));
    f = await r.press(keys.escape, (f) => f.includes('web1'));
  });

  it('/c15 matches tui-c15 by name, not tui-c195 through the digits of its ID', async () => {
    const e = new FakeEngine({
      containers: [
        fakeContainer({ id: 'a9c15e' + '0'.repeat(58), name: 'tui-c195' }),
        fakeContainer({ id: 'b'.repeat(64), name: 'tui-c15' }),
      ],
    });
    const r = await start(e);
    await r.press('/', (f) => f.includes('filter /'));
    const f = await r.press('c15\r', (f) => f.includes('filter: c15'));
    assert.match(f, /tui-c15\b/);
    assert.doesNotMatch(f, /tui-c195/);
  });

  it('lists running containers first among many', async () => {
    const e = new FakeEngine({
      containers: Array.from({ length: 40 }, (_, i) =>
        fakeContainer({
          id: String(i).padStart(64, '0'),
          name: `c${String(i).padStart(2, '0')}`,
          state: i % 10 === 9 ? 'running' : 'exited',
          exitCode: 0,
        }),
      ),
    });
    const r = await start(e);
    const f = await r.waitFor((f) => f.includes('c09'));
    const rows = f.split('\n').filter((l) => /\bc\d\d\s/.test(l));
    assert.deepEqual(
      rows.slice(0, 5).map((l) => /\b(c\d\d)\s/.exec(l)?.[1]),
      ['c09', 'c19', 'c29', 'c39', 'c00'],
    );
  });

  it('shows the help overlay from the keymap, scrolls it and closes it', async () => {
    const r = await start(engine());
    let f = await r.press('?', (f) => f.includes('Keys'));
    assert.match(f, /quit \(containers keep running\)/);
    f = await r.press('j', (f) => /Keys\s+\(2-/.test(f));
    f = await r.press(keys.escape, (f) => f.includes('STATUS'));
  });
});

describe('screen: container actions', () => {
  it('s stops a running container and starts a stopped one, with the outcome in the status line', async () => {
    const e = engine();
    const r = await start(e);
    let f = await r.press('s', (f) => f.includes('✓ stopped web1'));
    assert.deepEqual(
      e.calls.filter((c) => c.startsWith('stop')),
      [`stop ${'1'.repeat(64)}`],
    );
    f = await r.press('s', (f) => f.includes('✓ started web1'));
    assert.match(f, /web1\s+busybox:latest\s+running/);
  });

  it('r restarts', async () => {
    const e = engine();
    const r = await start(e);
    await r.press('r', (f) => f.includes('✓ restarted web1'));
    assert.ok(e.calls.includes(`restart ${'1'.repeat(64)}`));
  });

  it('P pauses a running container and unpauses a paused one', async () => {
    const e = engine();
    const r = await start(e);
    await r.press('P', (f) => f.includes('✓ paused web1') && /web1\s+busybox:latest\s+paused/.test(f));
    await r.press('P', (f) => f.includes('✓ unpaused web1') && /web1\s+busybox:latest\s+running/.test(f));
    assert.deepEqual(
      e.calls.filter((c) => /^(un)?pause /.test(c)),
      [`pause ${'1'.repeat(64)}`, `unpause ${'1'.repeat(64)}`],
    );
  });

  it('d asks y/N: N keeps the container, y deletes it (killing it first when running)', async () => {
    const e = engine();
    const r = await start(e);
    let f = await r.press('d', (f) => f.includes('Delete container web1'));
    assert.match(f, /It is running: it will be killed first/);
    f = await r.press(keys.enter, (f) => f.includes('canceled'));
    assert.ok(f.includes('web1'));
    await r.press('d', (f) => f.includes('Delete container web1'));
    f = await r.press('y', (f) => f.includes('✓ deleted web1'));
    assert.ok(e.calls.includes(`rm ${'1'.repeat(64)} --force`));
    assert.ok(!/web1\s+busybox/.test(f));
  });

  it('shows an engine error in the status line', async () => {
    const e = engine();
    e.containers.stop = async () => {
      throw new EngineError('conflict', 'container web1 is removing');
    };
    const r = await start(e);
    await r.press('s', (f) => f.includes('✗ container web1 is removing'));
  });

  it('e hands the terminal to the exec command and reports how it ended', async () => {
    const e = engine();
    const ran: (readonly string[])[] = [];
    const r = await start(e, { terminal: { runInteractive: async (argv) => (ran.push(argv), 0) } });
    await r.press('e', (f) => f.includes('shell in web1 ended (exit code 0)'));
    assert.deepEqual(ran, [e.containers.execShellCommand('1'.repeat(64))]);
    await r.press('j');
    await r.press('e', (f) => f.includes('job is not running'));
    assert.equal(ran.length, 1);
  });

  it('l opens the logs: stdout and stderr told apart, following new lines', async () => {
    const e = engine();
    const id = '1'.repeat(64);
    e.emitLog(id, { stream: 'stdout', time: '', text: 'GET / 200' });
    e.emitLog(id, { stream: 'stderr', time: '', text: 'warning: slow' });
    const r = await start(e);
    let f = await r.press('l', (f) => f.includes('warning: slow'));
    assert.match(f, /Logs · web1/);
    assert.match(f, /out│GET \/ 200/);
    assert.match(f, /err│warning: slow/);
    assert.match(f, /following/);
    e.emitLog(id, { stream: 'stdout', time: '', text: 'GET /late 404' });
    f = await r.waitFor((f) => f.includes('GET /late 404'), 'a followed line');
  });

  it('the logs follow the list selection; l lands at the end, following', async () => {
    const e = engine();
    const web1 = '1'.repeat(64);
    for (let i = 0; i < 80; i++) e.emitLog(web1, { stream: 'stdout', time: '', text: `web line ${i}` });
    e.emitLog('2'.repeat(64), { stream: 'stderr', time: '', text: 'job: exit 3' });
    const r = await start(e);
    await r.press('l', (f) => f.includes('web line 79'));
    await r.press('1', (f) => f.includes('STATUS'));
    await r.press('j');
    let f = await r.press('3', (f) => f.includes('job: exit 3'));
    assert.match(f, /Logs · job/);
    assert.doesNotMatch(f, /web line/);
    await r.press('1', (f) => f.includes('STATUS'));
    await r.press('k');
    await r.press('l', (f) => f.includes('web line 79'));
    for (let i = 0; i < 30; i++) await r.press('k');
    f = await r.waitFor((f) => f.includes('scrolled') && !f.includes('web line 79'), 'scrolled back');
    await r.press('1', (f) => f.includes('STATUS'));
    f = await r.press('l', (f) => f.includes('web line 79') && f.includes('following'));
  });

  it('follows the logs again when the container restarts', async () => {
    const e = engine();
    let opened = 0;
    // A log that ends when the container stops: what a follow does once it exits.
    e.containers.logs = (_id, opts) =>
      (async function* () {
        opened++;
        yield { stream: 'stdout' as const, time: '', text: `run ${opened}` };
        void opts;
      })();
    const r = await start(e);
    await r.press('l', (f) => f.includes('run 1') && f.includes('(ended)'));
    await r.press('1', (f) => f.includes('STATUS'));
    await r.press('r', (f) => f.includes('✓ restarted web1'));
    await r.press('3', (f) => f.includes('run 2'));
    assert.equal(opened, 2);
  });

  it('/ searches the logs, highlights matches, n/N move between them, f toggles follow', async () => {
    const e = engine();
    const id = '1'.repeat(64);
    for (let i = 0; i < 60; i++)
      e.emitLog(id, { stream: i % 10 === 0 ? 'stderr' : 'stdout', time: '', text: i % 10 === 0 ? `ERROR number ${i}` : `line ${i}` });
    const r = await start(e);
    await r.press('l', (f) => f.includes('line 59'));
    await r.press('/', (f) => f.includes('search /'));
    for (const ch of 'erro') await r.press(ch);
    // Matches light up while the search is typed.
    await r.press('r', (f) => f.includes('/error: 6 matches') || f.includes('/error: 1 match'));
    let f = await r.press(keys.enter, (f) => f.includes('match 6 of 6') && f.includes('scrolled'));
    assert.match(f, /ERROR number 50/);
    assert.match(r.rawFrame(), /\x1b\[7mERROR/, 'the current match in inverse video');
    f = await r.press('n', (f) => f.includes('ERROR number 0'));
    f = await r.press('N', (f) => f.includes('ERROR number 50'));
    f = await r.press('f', (f) => f.includes('following'));
    f = await r.press('k', (f) => f.includes('scrolled'));
  });
});

describe('screen: keys arriving together', () => {
  it('takes a chunk of keys one by one, and a pasted line with Enter in a text field', async () => {
    const many = new FakeEngine({
      containers: Array.from({ length: 10 }, (_, i) => fakeContainer({ id: String(i).padStart(64, '0'), name: `c${i}` })),
    });
    const r = await start(many);
    await r.press('jjj', (f) => f.includes('› c3'));
    await r.press('p', (f) => f.includes('Pull an image'));
    await r.press('busybox\r', (f) => f.includes('✓ pulled busybox:latest'));
    assert.ok(many.calls.includes('pull busybox'), many.calls.join('; '));
    await r.press(keys.enter, (f) => !f.includes('Pull an image'));
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('R', (f) => f.includes('Run a container'));
    await r.press('web\t8080:80\r', (f) => f.includes('✓ started web'));
    assert.ok(
      many.calls.some(
        (c) => c === `run ${JSON.stringify({ image: 'docker.io/library/busybox:latest', name: 'web', publish: ['8080:80'] })}`,
      ),
      many.calls.join('; '),
    );
  });
  it('two Backspaces, and Ctrl-U with text after it, arriving in one read', async () => {
    const r = await start(new FakeEngine());
    await r.press('p', (f) => f.includes('Pull an image'));
    await r.press('busybox', (f) => f.includes('busybox'));
    let f = await r.press('\x7f\x7f', (f) => /busyb(?!ox)/.test(f));
    assert.doesNotMatch(f, /busybox/);
    f = await r.press('\x15alpine', (f) => f.includes('alpine'));
    assert.doesNotMatch(f, /busyb/);
  });
});

describe('screen: images, run form, pull', () => {
  it('R opens the run form; bad input names the field; Enter runs the container', async () => {
    const e = engine();
    const r = await start(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('R', (f) => f.includes('Run a container from busybox:latest'));
    for (const ch of 'site') await r.press(ch);
    await r.press(keys.tab);
    for (const ch of '99999') await r.press(ch);
    let f = await r.press(keys.enter, (f) => f.includes('Ports: invalid port "99999"'));
    for (let i = 0; i < 5; i++) await r.press(keys.backspace);
    for (const ch of '8081:80') await r.press(ch);
    await r.press(keys.tab);
    for (const ch of 'A=1') await r.press(ch);
    f = await r.press(keys.enter, (f) => f.includes('✓ started site'));
    assert.match(f, /site\s+busybox:latest\s+running/);
    const run = e.calls.find((c) => c.startsWith('run '));
    assert.deepEqual(JSON.parse(run!.slice(4)), {
      image: 'docker.io/library/busybox:latest',
      name: 'site',
      publish: ['8081:80'],
      env: ['A=1'],
    });
  });

  it('a container that exits right after starting: its exit code, and its logs, not "started"', async () => {
    const e = engine();
    e.runFault = { exitCode: 3, log: 'config.yml: no such file' };
    const r = await start(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('R', (f) => f.includes('Run a container'));
    for (const ch of 'quick') await r.press(ch);
    const f = await r.press(keys.enter, (f) => f.includes('quick exited with code 3 right after starting'));
    assert.doesNotMatch(f, /started quick/);
    await r.waitFor((f) => f.includes('config.yml: no such file'), 'its logs');
  });

  it('an engine error keeps the run form open with what was typed, and shows the error in it', async () => {
    const e = engine();
    e.runFault = new EngineError('conflict', 'the container name site is already in use');
    const r = await start(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('R', (f) => f.includes('Run a container'));
    for (const ch of 'site') await r.press(ch);
    await r.press(keys.tab);
    for (const ch of '8081:80') await r.press(ch);
    let f = await r.press(keys.enter, (f) => f.includes('✗ the container name site is already in use'));
    assert.match(f, /Run a container from busybox:latest/, 'the form is still open');
    assert.match(f, /Name\s+site/);
    assert.match(f, /Ports\s+8081:80/);
    // Fix the name and run again: the form closes on success.
    e.runFault = undefined;
    await r.press(keys.shiftTab);
    for (const ch of '2') await r.press(ch);
    f = await r.press(keys.enter, (f) => f.includes('✓ started site2'));
    assert.doesNotMatch(f, /Run a container/);
  });

  it('Esc cancels the run form without running anything', async () => {
    const e = engine();
    const r = await start(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('R', (f) => f.includes('Run a container'));
    await r.press(keys.escape, (f) => f.includes('REPOSITORY:TAG'));
    assert.ok(!e.calls.some((c) => c.startsWith('run ')));
  });

  it('d on an image asks; one in use is untagged (force), one unused deleted', async () => {
    const e = engine();
    const r = await start(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('d', (f) => f.includes('Delete image busybox:latest?') && f.includes('It is used by 1 container.'));
    await r.press('y', (f) => f.includes('✓ untagged busybox:latest'));
    await r.press('j');
    await r.press('d', (f) => f.includes('Delete image 127.0.0.1:5000/fixture/web:latest?'));
    const f = await r.press('y', (f) => f.includes('✓ deleted'));
    assert.doesNotMatch(f, /fixture\/web:latest\s+cccccccccccc/);
  });

  it('p pulls with per-layer progress bars, then closes', async () => {
    const e = engine();
    const gate = FakeEngine.gate();
    e.pullGate = gate;
    const r = await start(e);
    await r.press('p', (f) => f.includes('Pull an image'));
    for (const ch of 'alpine') await r.press(ch);
    let f = await r.press(keys.enter, (f) => f.includes('downloading'));
    assert.match(f, /111111111111 downloading\s+█+░+ 1\.00MB\/2\.00MB/);
    assert.match(f, /222222222222 waiting/);
    assert.match(f, /total 1\.25MB of 2\.50MB/);
    gate.resolve();
    f = await r.waitFor((f) => f.includes('✓ pulled alpine:latest'), 'the pull to finish');
    f = await r.press(keys.enter, (f) => f.includes('STATUS') || f.includes('REPOSITORY'));
    assert.match(f, /✓ pulled alpine:latest/);
    await r.press('2', (f) => f.includes('alpine:latest'));
  });

  it('Esc cancels a pull in flight; a failed pull shows its error and lets you retype', async () => {
    const e = engine();
    e.pullGate = FakeEngine.gate();
    const r = await start(e);
    await r.press('p', (f) => f.includes('Pull an image'));
    for (const ch of 'slow') await r.press(ch);
    await r.press(keys.enter, (f) => f.includes('downloading'));
    await r.press(keys.escape, (f) => f.includes('✗ canceled'));
    await r.press('\x15', (f) => !f.includes('Image: slow'), 'Ctrl-U to clear the field');
    for (const ch of 'missing') await r.press(ch);
    let f = await r.press(keys.enter, (f) => f.includes('✗ manifest unknown: missing'));
    f = await r.press(keys.escape, (f) => !f.includes('Pull an image'));
    assert.match(f, /pull missing: manifest unknown/);
  });
});

describe('screen: the dev loop', () => {
  it('opens on the Build pane; w pauses and resumes watching; b forces a rebuild', async () => {
    const listeners = new Set<() => void>();
    const box: { view: DevView | undefined } = { view: undefined };
    const said: string[] = [];
    const dev: DevControl = {
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
      getSnapshot: () => box.view,
      startError: undefined,
      toggleWatch: () => (said.push('w'), 'paused watching /srv/app (w resumes)'),
      rebuild: () => (said.push('b'), 'rebuilding app:dev…'),
    };
    const r = await start(engine(), { build: { context: '/srv/app', tag: 'app:dev' }, dev });
    await r.waitFor((f) => f.includes('Dev loop · starting: first build and run…'));
    box.view = { dir: '/srv/app', image: 'app:dev', phase: 'watching', watchedFiles: 7, history: [] };
    for (const l of listeners) l();
    await r.waitFor((f) => f.includes('watching 7 files'));
    await r.press('w', (f) => f.includes('paused watching /srv/app (w resumes)'));
    await r.press('b', (f) => f.includes('rebuilding app:dev…'));
    assert.deepEqual(said, ['w', 'b']);
    // The rebuild is recorded: "rebuilding" is stale, its outcome takes the status line.
    const rec = {
      trigger: 'forced',
      kind: 'rebuild',
      ok: true,
      debounceMs: 1,
      buildMs: 300,
      steps: 3,
      cachedSteps: 2,
      swapMs: 50,
      totalMs: 400,
      at: 0,
    } as const;
    box.view = { ...box.view, history: [rec] };
    for (const l of listeners) l();
    const f = await r.waitFor((f) => f.includes('✓ rebuilt app:dev and swapped the container in'), 'the outcome');
    assert.doesNotMatch(f, /rebuilding app:dev/);
  });
});

describe('screen: build, runtime problems, quit', () => {
  it('b builds: steps with CACHED and durations, output, the image', async () => {
    const e = engine();
    const r = await start(e, { build: { context: '/srv/app', tag: 'app:dev' } });
    const f = await r.press('b', (f) => f.includes('✓ built app:dev'));
    assert.match(f, /Build · \/srv\/app/);
    assert.match(f, /CACHED\s+\[1\/3\] FROM busybox/);
    assert.match(f, /120ms\s+\[2\/3\] COPY \. \/srv/);
    assert.match(f, /1\.50s\s+\[3\/3\] RUN make/);
    assert.match(f, /3│compiling…/);
    assert.match(f, /✓ 1\.70s\s+1\/3 steps cached/);
    assert.ok(e.calls.includes('build /srv/app app:dev'));
  });

  it('a failed build points at its Dockerfile line', async () => {
    const e = engine();
    e.buildFailure = new EngineError('failed_precondition', 'RUN make: exit code 2', { range: { file: 'Dockerfile', line: 3, column: 1 } });
    const r = await start(e, { build: { context: '/srv/app', tag: 'app:dev' } });
    const f = await r.press('b', (f) => f.includes('build failed'));
    assert.match(f, /FAILED\s+\[3\/3\] RUN make/);
    assert.match(f, /✗ Dockerfile:3: RUN make: exit code 2/);
    assert.match(f, /at line 3: RUN make/);
    assert.match(f, /err│|3│make: \*\*\* no rule/);
  });

  it('b says why when there is nothing to build; w says nothing is watched', async () => {
    const r = await start(engine());
    await r.press('b', (f) => f.includes('✗ nothing to build: no Dockerfile in /tmp/x'));
    await r.press('w', (f) => f.includes('nothing is being watched'));
  });

  it('with no runtime the screen opens, lists images and says what is missing', async () => {
    const e = engine({ runtimeProblem: 'runc not found in PATH' });
    const r = await start(e);
    let f = await r.waitFor((f) => f.includes('containers cannot run: runc not found in PATH'));
    f = await r.press('2', (f) => f.includes('busybox:latest'));
    f = await r.press('R', (f) => f.includes('✗ cannot run a container: runc not found in PATH'));
    assert.ok(!f.includes('Run a container from'));
  });

  it('q quits, and so does Ctrl-C, even from a dialog', async () => {
    for (const [first, key] of [
      ['', 'q'],
      ['', keys.ctrlC],
      ['p', keys.ctrlC],
      ['?', keys.ctrlC],
    ] as const) {
      const r = await start(engine());
      if (first) await r.press(first);
      assert.equal(r.exited(), false);
      r.write(key);
      await r.waitFor(() => r.exited(), `the app to exit on ${JSON.stringify(key)} after ${JSON.stringify(first)}`);
    }
  });

  it('q in the pull input is a letter, not quit', async () => {
    const r = await start(engine());
    await r.press('p', (f) => f.includes('Pull an image'));
    await r.press('q', (f) => f.includes('Image: q'));
    assert.equal(r.exited(), false);
  });
});
