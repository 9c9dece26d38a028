// The Logs pane past following and search (issue 13, rows 12–16 of docs/tui-features.md): a
// filter that keeps only the matching lines or hides them (&, v, "!text"), the timestamps (t)
// and wrap (W) toggles, how much history a stream loads (T: tail N, since 10m, all), and the
// merged logs of picked containers or of a Compose project (L), each line under its name.
/* eslint-disable no-control-regex -- the colour checks match ANSI escape codes */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FakeEngine, fakeContainer } from './support/fake-engine.js';
import { cleanupRendered, keys, renderApp } from './support/render.js';

const web1 = '1'.repeat(64);
const job = '2'.repeat(64);
const other = '3'.repeat(64);

function engine() {
  return new FakeEngine({
    containers: [
      fakeContainer({ id: web1, name: 'web1', project: 'shop' }),
      fakeContainer({ id: job, name: 'job', state: 'exited', exitCode: 0, project: 'shop' }),
      fakeContainer({ id: other, name: 'other', state: 'exited', exitCode: 0 }),
    ],
  });
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

afterEach(() => cleanupRendered());

describe('screen: log filter', () => {
  it('& keeps only the lines matching, v (or !text) hides them instead, Esc in the prompt clears it', async () => {
    const e = engine();
    e.emitLog(web1, { stream: 'stdout', time: '', text: 'GET / 200' });
    e.emitLog(web1, { stream: 'stderr', time: '', text: 'warning: slow disk' });
    e.emitLog(web1, { stream: 'stdout', time: '', text: 'GET /missing 404' });
    const r = await renderApp(e);
    await r.press('l', (f) => f.includes('GET /missing 404'));
    await r.press('&', (f) => f.includes('only lines with &'));
    for (const ch of 'get') r.write(ch);
    let f = await r.press(keys.enter, (f) => f.includes('only "get": 2 lines'));
    assert.match(f, /out│GET \/ 200/);
    assert.match(f, /out│GET \/missing 404/);
    assert.doesNotMatch(f, /warning: slow disk/);
    // A new line that matches comes in; one that does not stays out.
    e.emitLog(web1, { stream: 'stdout', time: '', text: 'GET /late 200' });
    e.emitLog(web1, { stream: 'stdout', time: '', text: 'POST /form 201' });
    f = await r.waitFor((f) => f.includes('GET /late 200') && f.includes('only "get": 3 lines'), 'a followed line through the filter');
    assert.doesNotMatch(f, /POST \/form/);
    // v: the inverse, like grep -v.
    f = await r.press('v', (f) => f.includes('hiding "get": 2 lines'));
    assert.match(f, /err│warning: slow disk/);
    assert.match(f, /POST \/form 201/);
    assert.doesNotMatch(f, /GET \//);
    // The prompt shows the inverse filter as !text; typing !text sets it directly.
    f = await r.press('&', (f) => f.includes('only lines with &'));
    assert.match(f, /!get/);
    f = await r.press(keys.escape, (f) => !f.includes('hiding') && f.includes('GET / 200'));
    assert.match(f, /warning: slow disk/);
    await r.press('&', (f) => f.includes('only lines with &'));
    for (const ch of '!WARN') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('hiding "WARN": 4 lines'));
    assert.doesNotMatch(f, /warning: slow disk/);
    assert.match(f, /GET \/late 200/);
    // A filter nothing passes says so.
    await r.press('&', (f) => f.includes('only lines with &'));
    r.write('\x15');
    for (const ch of 'nothing-like-it') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('No line passes the filter.'));
  });

  it('search (/) and n work on the filtered lines', async () => {
    const e = engine();
    for (let i = 0; i < 40; i++) e.emitLog(web1, { stream: 'stdout', time: '', text: i % 2 ? `odd ${i}` : `even ${i}` });
    const r = await renderApp(e);
    await r.press('l', (f) => f.includes('odd 39'));
    await r.press('&', (f) => f.includes('only lines with &'));
    for (const ch of 'odd') r.write(ch);
    let f = await r.press(keys.enter, (f) => f.includes('only "odd": 20 lines'));
    assert.doesNotMatch(f, /even/);
    await r.press('/', (f) => f.includes('search /'));
    for (const ch of 'odd 3') r.write(ch);
    f = await r.press(keys.enter, (f) => /match \d+ of 6/.test(f));
    assert.match(f, /match 6 of 6/);
    assert.match(f, /out▶odd 39/);
  });
});

describe('screen: log timestamps and wrap', () => {
  it('t shows each line’s time and hides it again', async () => {
    const e = engine();
    e.emitLog(web1, { stream: 'stdout', time: '2026-12-06T10:11:12.345678901+00:00', text: 'first' });
    e.emitLog(web1, { stream: 'stderr', time: '2026-12-06T10:11:13Z', text: 'second' });
    const r = await renderApp(e);
    let f = await r.press('l', (f) => f.includes('second'));
    assert.doesNotMatch(f, /2026-12-06/);
    f = await r.press('t', (f) => f.includes('2026-12-06T10:11:12.345 out│first'));
    assert.match(f, /2026-12-06T10:11:13\.000 err│second/);
    assert.match(f, /following {2}timestamps/);
    f = await r.press('t', (f) => !f.includes('2026-12-06'));
    assert.match(f, /out│first/);
  });

  it('W wraps a long line onto the next rows, and cuts it again', async () => {
    const e = engine();
    const long = `BEGIN-${'x'.repeat(200)}-END-OF-LONG`;
    e.emitLog(web1, { stream: 'stdout', time: '', text: long });
    e.emitLog(web1, { stream: 'stdout', time: '', text: 'short after' });
    const r = await renderApp(e);
    // The first row is the Compose project's header (web1 and job are of project shop): web1 is next.
    await r.press('j');
    let f = await r.press('l', (f) => f.includes('short after'));
    assert.match(f, /out│BEGIN-x+/);
    assert.doesNotMatch(f, /END-OF-LONG/);
    f = await r.press('W', (f) => f.includes('END-OF-LONG'));
    assert.match(f, /following {2}wrap/);
    // The continuation rows are indented under the text, and the next line still follows.
    const rows = f.split('\n');
    const first = rows.findIndex((l) => l.includes('BEGIN-'));
    assert.ok(first >= 0 && rows[first + 1]?.match(/│ {4}x+/), f);
    assert.ok(rows.findIndex((l) => l.includes('END-OF-LONG')) < rows.findIndex((l) => l.includes('short after')), f);
    f = await r.press('W', (f) => !f.includes('END-OF-LONG'));
    assert.match(f, /out│BEGIN-x+/);
  });
});

describe('screen: log tail and since', () => {
  it('T reloads the logs with a tail, a since, both, or all; a bad value says why', async () => {
    const e = engine();
    for (let i = 0; i < 3; i++) e.emitLog(web1, { stream: 'stdout', time: ago(2 * 3600_000), text: `old line ${i}` });
    for (let i = 0; i < 5; i++) e.emitLog(web1, { stream: 'stdout', time: ago(60_000 - i), text: `new line ${i}` });
    const r = await renderApp(e);
    let f = await r.press('l', (f) => f.includes('new line 4'));
    assert.match(f, /old line 0/);
    assert.ok(e.calls.includes(`logs ${web1} --tail 1000`), e.calls.join('\n'));

    await r.press('T', (f) => f.includes('tail / since'));
    for (const ch of '2') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('tail 2') && f.includes('new line 3') && !f.includes('new line 2'));
    assert.ok(e.calls.includes(`logs ${web1} --tail 2`), e.calls.join('\n'));
    assert.match(f, /new line 3/);
    assert.match(f, /logs reloaded: tail 2/);

    await r.press('T', (f) => f.includes('tail / since'));
    for (const ch of '1h') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('since 1h') && f.includes('new line 0') && !f.includes('old line'));
    assert.ok(e.calls.includes(`logs ${web1} --since 1h`), e.calls.join('\n'));
    assert.doesNotMatch(f, /old line/);

    await r.press('T', (f) => f.includes('tail / since'));
    for (const ch of '2 3h') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('tail 2 since 3h') && f.includes('new line 4') && !f.includes('new line 2'));
    assert.ok(e.calls.includes(`logs ${web1} --tail 2 --since 3h`), e.calls.join('\n'));

    await r.press('T', (f) => f.includes('tail / since'));
    for (const ch of 'all') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('all lines') && f.includes('old line 0'));
    assert.ok(e.calls.includes(`logs ${web1}`), e.calls.join('\n'));

    await r.press('T', (f) => f.includes('tail / since'));
    for (const ch of 'lots') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('"lots" is neither a line count'));
    assert.match(f, /all lines/);
    // Esc leaves it as it was.
    await r.press('T', (f) => f.includes('tail / since'));
    r.write('5');
    f = await r.press(keys.escape, (f) => !f.includes('tail / since'));
    assert.match(f, /all lines/);
  });
});

describe('screen: merged logs', () => {
  it('L merges the picked containers’ logs in time order, each line under its name in its own colour', async () => {
    const e = engine();
    e.emitLog(web1, { stream: 'stdout', time: ago(3000), text: 'web says one' });
    e.emitLog(job, { stream: 'stderr', time: ago(2000), text: 'job says two' });
    e.emitLog(web1, { stream: 'stdout', time: ago(1000), text: 'web says three' });
    e.emitLog(other, { stream: 'stdout', time: ago(500), text: 'other is not picked' });
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('web1'));
    // Past the project's header row (web1 and job are of project shop) to web1, then job.
    await r.press('j');
    await r.press(' ');
    await r.press('j');
    await r.press(' ');
    let f = await r.press('L', (f) => f.includes('Logs · 2 containers') && f.includes('web says three'));
    const rows = f.split('\n');
    const at = (s: string) => rows.findIndex((l) => l.includes(s));
    assert.match(f, /web1│out│web says one/);
    assert.match(f, /job │err│job says two/);
    assert.ok(at('web says one') < at('job says two') && at('job says two') < at('web says three'), f);
    assert.doesNotMatch(f, /other is not picked/);
    // Each name in its own colour.
    const raw = r.rawFrame();
    const colourBefore = (name: string) => /\x1b\[(3\d|9\d)m[^\x1b]*$/.exec(raw.slice(0, raw.indexOf(`${name}│`) + 1))?.[1];
    assert.ok(colourBefore('web1') && colourBefore('job '), raw);
    assert.notEqual(colourBefore('web1'), colourBefore('job '));
    // New lines of either keep coming, under their names.
    e.emitLog(job, { stream: 'stdout', time: new Date().toISOString(), text: 'job again' });
    f = await r.waitFor((f) => /job │out│job again/.test(f), 'a followed line of the merged log');
    // l on one container goes back to its own log.
    await r.press('1', (f) => f.includes('STATUS'));
    f = await r.press('l', (f) => f.includes('Logs · web1') || f.includes('Logs · job'));
    assert.doesNotMatch(f, /│out│/);
  });

  it('L with nothing picked merges the selected container’s Compose project, and says what to do without one', async () => {
    const e = engine();
    e.emitLog(web1, { stream: 'stdout', time: ago(2000), text: 'web of the shop' });
    e.emitLog(job, { stream: 'stdout', time: ago(1000), text: 'job of the shop' });
    e.emitLog(other, { stream: 'stdout', time: ago(500), text: 'not in the shop' });
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('web1'));
    let f = await r.press('L', (f) => f.includes('Logs · project shop') && f.includes('job of the shop'));
    assert.match(f, /web1│out│web of the shop/);
    assert.doesNotMatch(f, /not in the shop/);
    await r.press('1', (f) => f.includes('STATUS'));
    await r.press('G');
    f = await r.press('L', (f) => f.includes('merged logs: pick containers with space first'));
  });
});
