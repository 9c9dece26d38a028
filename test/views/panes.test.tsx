// The pure panes and the table on their own: explicit props in, text out.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { BuildPane, rebuildLine } from '../../src/views/BuildPane.js';
import { ContainersPane } from '../../src/views/ContainersPane.js';
import { LogsPane } from '../../src/views/LogsPane.js';
import { Footer, StatusLine } from '../../src/views/Chrome.js';
import { activeScopes, hintsFor } from '../../src/views/keymap.js';
import { columnWidths, Table } from '../../src/views/Table.js';
import { initialLogsView } from '../../src/views/logs-view.js';
import { idleBuild } from '../../src/hooks/build-store.js';
import { fakeContainer } from './support/fake-engine.js';
import { cleanupRendered, renderElement, type Rendered } from './support/render.js';

let r: Rendered | undefined;
afterEach(() => {
  r = undefined;
  cleanupRendered();
});

describe('Table', () => {
  it('shares the free width by weight and keeps fixed columns', () => {
    assert.deepEqual(columnWidths([{ title: 'a', weight: 2 }, { title: 'b', width: 5 }, { title: 'c' }], 20), [9, 5, 4]);
    assert.deepEqual(
      columnWidths(
        [
          { title: 'a', minWidth: 4 },
          { title: 'b', width: 10 },
        ],
        8,
      ),
      [4, 10],
    );
  });

  it('draws a header, padded cells and a marked selection', async () => {
    r = renderElement(
      <Table
        columns={[{ title: 'NAME' }, { title: 'SIZE', width: 6, align: 'right' }]}
        rows={[
          { key: '1', cells: ['one', '1kB'] },
          { key: '2', cells: ['two', '20MB'] },
        ]}
        width={24}
        selected={1}
      />,
    );
    const f = await r.waitFor((f) => f.includes('two'));
    assert.deepEqual(f.split('\n'), ['  NAME              SIZE', '  one                1kB', '› two               20MB']);
  });
});

describe('ContainersPane', () => {
  it('draws only the rows of its window out of 200', async () => {
    const containers = Array.from({ length: 200 }, (_, i) => fakeContainer({ id: String(i), name: `c${String(i).padStart(3, '0')}` }));
    r = renderElement(
      <ContainersPane
        containers={containers}
        total={200}
        stats={new Map()}
        list={{ selected: 105, offset: 100 }}
        filter=""
        focused
        width={98}
        height={20}
        listRows={10}
        now={Date.now()}
      />,
    );
    const f = await r.waitFor((f) => f.includes('c105'));
    const rows = f.split('\n').filter((l) => /c\d{3}/.test(l));
    assert.equal(rows.length, 10);
    assert.match(rows[0] ?? '', /c100/);
    assert.match(rows[5] ?? '', /› c105/);
  });

  it('cuts a long image reference at the registry end, keeping name:tag', async () => {
    const image = '127.0.0.1:5500/team/project/service-api:2024-11-rc3';
    r = renderElement(
      <ContainersPane
        containers={[
          fakeContainer({ id: '1', name: 'api', image }),
          fakeContainer({ id: '2', name: 'web', image: image.replace('api', 'web') }),
        ]}
        total={2}
        stats={new Map()}
        list={{ selected: 0, offset: 0 }}
        filter=""
        focused
        width={80}
        height={8}
        listRows={4}
        now={Date.now()}
      />,
    );
    const f = await r.waitFor((f) => f.includes('web'));
    assert.match(f, /› api\s+service-ap…/, 'name:tag does not fit: its start stays');
    assert.match(f, /web\s+service-we…/);
    assert.doesNotMatch(f, /127\.0\.0\.1:5500/);
  });
});

describe('LogsPane', () => {
  it('tells the streams apart and says when the log ended', async () => {
    r = renderElement(
      <LogsPane
        title="web"
        logs={{
          containerId: 'x',
          lines: [
            { stream: 'stdout', time: '', text: 'hello' },
            { stream: 'stderr', time: '', text: 'bad' },
          ],
          dropped: 0,
          ended: true,
          error: undefined,
        }}
        view={initialLogsView}
        matches={[]}
        focused
        width={60}
        height={6}
      />,
    );
    const f = await r.waitFor((f) => f.includes('bad'));
    assert.match(f, /Logs · web\s+following\s+\(ended\)/);
    assert.match(f, /out│hello/);
    assert.match(f, /err│bad/);
  });
});

describe('BuildPane', () => {
  it('shows the dev loop: what it watches and runs, and each rebuild with its timings', async () => {
    const now = Date.now();
    r = renderElement(
      <BuildPane
        build={idleBuild}
        unavailable={undefined}
        dev={{
          dir: '/srv/app',
          image: 'app:dev',
          phase: 'watching',
          watchedFiles: 212,
          container: fakeContainer({ id: 'd'.repeat(64), name: 'app-dev' }),
          runningSince: now - 42_000,
          history: [
            {
              trigger: 'change',
              kind: 'rebuild',
              ok: true,
              debounceMs: 210,
              buildMs: 640,
              steps: 5,
              cachedSteps: 4,
              swapMs: 180,
              totalMs: 1030,
              at: 2,
            },
            {
              trigger: 'change',
              kind: 'sync',
              ok: true,
              debounceMs: 205,
              buildMs: 12,
              steps: 0,
              cachedSteps: 0,
              swapMs: 0,
              totalMs: 217,
              at: 1,
            },
          ],
        }}
        now={now}
        focused
        width={110}
        height={12}
      />,
    );
    const f = await r.waitFor((f) => f.includes('Last rebuilds'));
    assert.match(f, /Dev loop · app:dev · watching 212 files · app-dev running for 42 seconds/);
    assert.match(f, /✓ rebuild change debounce 210ms\s+build 640ms \(4\/5 cached\)\s+swap 180ms\s+total 1\.03s/);
    assert.match(f, /✓ sync\s+change debounce 205ms\s+copy 12ms\s+total 217ms/);
  });

  it("a sync that restarted the container says the restart's time", () => {
    const sync = { trigger: 'change', kind: 'sync', paths: ['conf/a'], ok: true, debounceMs: 40, steps: 0, cachedSteps: 0, at: 1 } as const;
    assert.equal(
      rebuildLine({ ...sync, buildMs: 9, swapMs: 320, totalMs: 370 }),
      'sync    change debounce 40ms  copy 9ms  restart 320ms  total 370ms',
    );
    assert.equal(rebuildLine({ ...sync, buildMs: 9, swapMs: 0, totalMs: 50 }), 'sync    change debounce 40ms  copy 9ms  total 50ms');
  });

  it('says when the dev loop failed and that the old container keeps serving', async () => {
    r = renderElement(
      <BuildPane
        build={idleBuild}
        unavailable={undefined}
        dev={{
          dir: '/a',
          image: 'a:dev',
          phase: 'failed',
          watchedFiles: 3,
          container: fakeContainer({ id: 'e'.repeat(64), name: 'a-dev' }),
          lastError: '/a/Dockerfile:2:1: unknown instruction: RUNN',
          history: [],
        }}
        now={Date.now()}
        focused
        width={100}
        height={8}
      />,
    );
    await r.waitFor((f) => /failed, a-dev keeps running: Dockerfile:2:1: unknown instruction: RUNN/.test(f));
  });

  it('says why nothing can be built, and shows the watch state of the dev loop', async () => {
    r = renderElement(
      <BuildPane
        build={{ ...idleBuild, watch: { state: 'watching', files: 42 } }}
        unavailable="no Dockerfile in /x"
        now={Date.now()}
        focused
        width={70}
        height={8}
      />,
    );
    const f = await r.waitFor((f) => f.includes('no Dockerfile'));
    assert.match(f, /watch: watching \(42 files\)/);
  });

  it('lists the last builds with their timings', async () => {
    r = renderElement(
      <BuildPane
        build={{
          ...idleBuild,
          phase: 'done',
          imageId: 'sha256:' + '9'.repeat(64),
          durationMs: 800,
          history: [
            { buildId: 'b2', ok: true, durationMs: 800, steps: 4, cachedSteps: 3 },
            { buildId: 'b1', ok: false, durationMs: 1200, steps: 4, cachedSteps: 1, error: 'RUN false: exit code 1' },
          ],
        }}
        unavailable={undefined}
        now={Date.now()}
        focused
        width={70}
        height={10}
      />,
    );
    const f = await r.waitFor((f) => f.includes('Last builds'));
    assert.match(f, /built 999999999999 in 800ms/);
    assert.match(f, /✓ 800ms\s+3\/4 steps cached/);
    assert.match(f, /✗ 1\.20s\s+1\/4 steps cached\s+RUN false: exit code 1/);
  });
});

describe('StatusLine', () => {
  it('keeps both the outcome and the runtime problem on one line, each cut to its share', async () => {
    r = renderElement(
      <StatusLine
        status={{ kind: 'error', text: `cannot start web: ${'x'.repeat(80)}` }}
        runtimeProblem="runc not found in PATH (install the runc package)"
        width={80}
      />,
    );
    const f = await r.waitFor((f) => f.includes('containers cannot run'));
    assert.equal(f.split('\n').length, 1);
    assert.ok(f.length <= 80, `${f.length} columns`);
    assert.match(f, /^✗ cannot start web: x+… {2}containers cannot run: runc not found i…$/);
  });
});

describe('Footer', () => {
  it('keeps ? help at 80 columns, and at 40, in every pane', async () => {
    for (const pane of ['containers', 'images', 'logs', 'build', 'details'] as const)
      for (const width of [80, 40]) {
        r = renderElement(<Footer hints={hintsFor(activeScopes(pane, undefined))} width={width} />);
        const f = await r.waitFor((f) => f.trim() !== '');
        assert.match(f, /\? help/, `${pane} at ${width}: ${f}`);
        assert.ok(f.trimEnd().length <= width, f);
        cleanupRendered();
      }
  });
});
