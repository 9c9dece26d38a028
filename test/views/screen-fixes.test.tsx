// The correctness items of issue 13 left after the first pass, each failing before its fix:
// an image delete that offers force and names the containers using it, "stopping…" on the row
// and K to kill, a new `/` that starts empty, "match i of N", and plurals.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { plainTheme } from '../../src/views/theme.js';
import { FakeEngine, fakeContainer, fakeImage } from './support/fake-engine.js';
import { cleanupRendered, keys, renderApp } from './support/render.js';

const busyboxId = 'sha256:' + 'a'.repeat(64);
const busybox = fakeImage({ id: busyboxId, names: ['docker.io/library/busybox:latest'], inUse: 2 });
const web = fakeImage({ id: 'sha256:' + 'c'.repeat(64), names: ['127.0.0.1:5000/fixture/web:latest'] });

function engine() {
  return new FakeEngine({
    images: [busybox, web],
    containers: [
      fakeContainer({ id: '1'.repeat(64), name: 'web1', imageId: busyboxId }),
      fakeContainer({ id: '2'.repeat(64), name: 'job', imageId: busyboxId, state: 'exited', exitCode: 0 }),
      fakeContainer({ id: '3'.repeat(64), name: 'other', state: 'exited', exitCode: 0 }),
    ],
  });
}

afterEach(() => cleanupRendered());

describe('screen: image delete', () => {
  it('an image in use: says which containers use it, offers force (untag), and y untags it', async () => {
    const e = engine();
    const r = await renderApp(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    let f = await r.press('d', (f) => f.includes('Delete image busybox:latest'));
    assert.match(f, /used by 2 containers: web1, job/);
    assert.match(f, /y untags it/);
    assert.doesNotMatch(f, /use -f/);
    f = await r.press('y', (f) => f.includes('✓ untagged busybox:latest'));
    assert.ok(e.calls.includes('rmi docker.io/library/busybox:latest --force'), e.calls.join('\n'));
    // Untagged, it stays for its containers; with no name left to untag, d says why it cannot go.
    f = await r.press('d', (f) => f.includes('cannot delete image aaaaaaaaaaaa: it is used by 2 containers: web1, job'));
    assert.doesNotMatch(f, /Delete image/);
    // An image nobody uses is deleted without force; moving on cleared the stale error.
    f = await r.press('j');
    assert.doesNotMatch(f, /cannot delete/);
    f = await r.press('d', (f) => f.includes('Delete image 127.0.0.1:5000/fixture/web:latest?'));
    assert.doesNotMatch(f, /used by/);
    await r.press('y', (f) => f.includes('✓ deleted'));
    assert.ok(e.calls.includes('rmi 127.0.0.1:5000/fixture/web:latest'), e.calls.join('\n'));
  });
});

describe('screen: stopping', () => {
  it('shows "stopping…" on the row during the grace period, and K kills at once', async () => {
    const e = engine();
    e.stopGraceMs = 60_000;
    const r = await renderApp(e, { theme: plainTheme });
    await r.waitFor((f) => /web1\s+busybox:latest\s+running/.test(f));
    let f = await r.press('s', (f) => /web1\s+busybox:latest\s+stopping…/.test(f));
    assert.match(f, /stopping web1/);
    f = await r.press('K', (f) => /web1\s+busybox:latest\s+exited/.test(f) && f.includes('✓ stopped web1'));
    assert.ok(e.calls.includes(`kill ${'1'.repeat(64)} SIGKILL`), e.calls.join('\n'));
    assert.doesNotMatch(f, /stopping…/);
  });

  it('K kills a running container (after y) without a grace period', async () => {
    const e = engine();
    const r = await renderApp(e);
    let f = await r.press('K', (f) => f.includes('Kill container web1'));
    f = await r.press('y', (f) => f.includes('✓ killed web1'));
    assert.match(f, /web1\s+busybox:latest\s+exited/);
    assert.ok(e.calls.includes(`kill ${'1'.repeat(64)} SIGKILL`));
  });
});

describe('screen: filter and search prompts', () => {
  it('a new / starts empty, in a list and in the logs', async () => {
    const e = engine();
    const r = await renderApp(e);
    await r.press('/', (f) => f.includes('filter /'));
    await r.press('j');
    await r.press('o');
    let f = await r.press(keys.enter, (f) => f.includes('filter: jo'));
    assert.ok(!f.includes('web1'));
    // Typing "b" into a fresh prompt filters by "b", not "job".
    await r.press('/', (f) => f.includes('filter /'));
    f = await r.press('w', (f) => f.includes('web1'));
    f = await r.press(keys.enter, (f) => f.includes('filter: w'));
    assert.doesNotMatch(f, /filter: jow/);
  });

  it('search says "match i of N" and marks the current match line', async () => {
    const e = engine();
    const id = '1'.repeat(64);
    for (let i = 0; i < 60; i++) e.emitLog(id, { stream: 'stdout', time: '', text: i % 10 === 0 ? `ERROR number ${i}` : `line ${i}` });
    const r = await renderApp(e, { theme: plainTheme });
    await r.press('l', (f) => f.includes('line 59'));
    await r.press('/', (f) => f.includes('search /'));
    for (const ch of 'error') await r.press(ch);
    let f = await r.press(keys.enter, (f) => f.includes('match 6 of 6'));
    assert.match(f, /out▶ERROR number 50/, 'the current match is marked without colour');
    assert.equal(f.split('▶').length, 2, 'one line marked');
    f = await r.press('n', (f) => f.includes('match 1 of 6'));
    assert.match(f, /out▶ERROR number 0/);
    // A new search starts empty too.
    f = await r.press('/', (f) => f.includes('search /'));
    assert.match(f.split('\n').at(-1) ?? '', /^search \/\s*$/);
  });
});

describe('screen: plurals', () => {
  it('says "1 image" and "1 match", not "1 images"', async () => {
    const e = new FakeEngine({ images: [web], containers: [fakeContainer({ id: '1'.repeat(64), name: 'web1' })] });
    e.emitLog('1'.repeat(64), { stream: 'stdout', time: '', text: 'only one' });
    const r = await renderApp(e);
    let f = await r.waitFor((f) => f.includes('running'));
    assert.match(f, /1\/1 running · 1 image\b/);
    await r.press('l', (f) => f.includes('only one'));
    await r.press('/', (f) => f.includes('search /'));
    for (const ch of 'onl') await r.press(ch);
    f = await r.press('y', (f) => /\/only: 1 match\b/.test(f));
  });
});

describe('screen: first frame', () => {
  it('is drawn before the lists are read: "Loading…", then the containers, never "No containers" meanwhile', async () => {
    const e = new FakeEngine({ images: [], containers: [] });
    // A slow first listing (1,000 records on a busy disk), held open by the test.
    const gate = FakeEngine.gate();
    const refresh = e.containers.refresh.bind(e.containers);
    e.containers.refresh = async () => {
      await gate.promise;
      e.containersStore.set([fakeContainer({ id: '1'.repeat(64), name: 'web1' })]);
      return refresh();
    };
    const r = await renderApp(e);
    const f = await r.waitFor((f) => f.includes('Loading…'));
    assert.doesNotMatch(f, /No containers/);
    gate.resolve();
    await r.waitFor((f) => /web1\s+busybox:latest\s+running/.test(f));
  });
});

describe('screen: an engine not listed yet', () => {
  it('opens when the snapshot is a fresh empty array on every call (the facade before its first listing)', async () => {
    const e = new FakeEngine({ images: [], containers: [] });
    e.containers.getSnapshot = () => [];
    e.images.getSnapshot = () => [];
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('No containers'));
  });
});

describe('screen: sort and hide stopped', () => {
  it('o cycles the sort (state, name, created, image); H hides stopped containers and shows them again', async () => {
    const e = new FakeEngine({
      containers: [
        fakeContainer({
          id: 'a'.repeat(64),
          name: 'zeta',
          state: 'exited',
          exitCode: 0,
          createdAt: new Date(Date.now() - 60_000).toISOString(),
        }),
        fakeContainer({
          id: 'b'.repeat(64),
          name: 'alpha',
          state: 'exited',
          exitCode: 0,
          createdAt: new Date(Date.now() - 7_200_000).toISOString(),
        }),
        fakeContainer({ id: 'c'.repeat(64), name: 'mid', image: 'docker.io/library/alpine:latest' }),
      ],
    });
    const r = await renderApp(e);
    const order = (f: string) => [...f.matchAll(/^│[› ] (\w+)\s/gm)].map((m) => m[1]).filter((n) => n !== 'NAME');
    let f = await r.waitFor((f) => f.includes('zeta'));
    assert.deepEqual(order(f), ['mid', 'zeta', 'alpha'], 'running first by default');
    f = await r.press('o', (f) => f.includes('sort: name'));
    assert.deepEqual(order(f), ['alpha', 'mid', 'zeta']);
    f = await r.press('o', (f) => f.includes('sort: created'));
    assert.deepEqual(order(f), ['zeta', 'alpha', 'mid'], 'newest first');
    f = await r.press('o', (f) => f.includes('sort: image'));
    assert.deepEqual(order(f), ['mid', 'zeta', 'alpha'], 'alpine before busybox; a tie keeps the engine order');
    f = await r.press('o', (f) => !f.includes('sort:'));
    f = await r.press('H', (f) => f.includes('stopped hidden'));
    assert.deepEqual(order(f), ['mid']);
    assert.match(f, /1 of 3/);
    f = await r.press('H', (f) => !f.includes('stopped hidden'));
    assert.deepEqual(order(f), ['mid', 'zeta', 'alpha']);
  });
});

describe('screen: multi-select', () => {
  it('space picks containers; s stops the picked ones, d deletes them after y', async () => {
    const e = new FakeEngine({
      containers: [
        fakeContainer({ id: '1'.repeat(64), name: 'one' }),
        fakeContainer({ id: '2'.repeat(64), name: 'two' }),
        fakeContainer({ id: '3'.repeat(64), name: 'three' }),
      ],
    });
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('three'));
    let f = await r.press(' ', (f) => /›\*one/.test(f));
    await r.press('j');
    f = await r.press(keys.down);
    f = await r.press(' ', (f) => /›\*three/.test(f));
    assert.match(f, / \*one/);
    f = await r.press('s', (f) => f.includes('✓ stopped 2 containers'));
    assert.deepEqual(e.calls.filter((c) => c.startsWith('stop ')).sort(), [`stop ${'1'.repeat(64)}`, `stop ${'3'.repeat(64)}`]);
    assert.match(f, /two\s+busybox:latest\s+running/);
    assert.doesNotMatch(f, /\*/, 'the picks are cleared after the batch');
    // Pick two again, delete them.
    await r.press(' ', (f) => /›\*/.test(f));
    await r.press('k');
    await r.press(' ');
    f = await r.press('d', (f) => f.includes('Delete 2 containers'));
    f = await r.press('y', (f) => f.includes('✓ deleted 2 containers'));
    assert.equal((f.match(/busybox:latest/g) ?? []).length, 1);
  });
});

describe('screen: the cursor follows its container', () => {
  const selectedRow = (f: string) => f.split('\n').find((l) => /[│┃]› /.test(l)) ?? '';

  it('stays on the container it selected when the list re-sorts under it (another one starts)', async () => {
    const e = engine();
    const r = await renderApp(e, { theme: plainTheme });
    await r.waitFor((f) => /web1\s+busybox:latest\s+running/.test(f));
    // Sorted by state: web1 (running), then job and other (exited). The cursor on job.
    let f = await r.press('j', (f) => /› job\s/.test(selectedRow(f)));
    // other starts: it sorts up above job, which moves down a row; the cursor moves with it.
    e.containersStore.set(e.containersStore.getSnapshot().map((c) => (c.name === 'other' ? { ...c, state: 'running' as const } : c)));
    f = await r.waitFor((f) => /other\s+\S+\s+running/.test(f));
    assert.match(selectedRow(f), /› job\s/);
    // The user's own moves are theirs: k goes up from job to other.
    f = await r.press('k', (f) => /› other\s/.test(selectedRow(f)));
    // A container listed above the cursor: it stays on other.
    e.containersStore.set([fakeContainer({ id: '0'.repeat(64), name: 'aaa-new', imageId: busyboxId }), ...e.containersStore.getSnapshot()]);
    f = await r.waitFor((f) => f.includes('aaa-new'));
    assert.match(selectedRow(f), /› other\s/);
  });
});
