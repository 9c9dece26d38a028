// Issue 13, rows 18, 21, 39, 40 and 41 of docs/tui-features.md: Details from the engine's
// inspect (mounts, networks, IPs, labels, health, restarts), the image ↔ containers jumps,
// `:` command mode over the pane table, the command log of dockui CLI lines, and opening a
// published port's URL (xdg-open when there is one, printed either way).
/* eslint-disable no-control-regex -- the focus checks match ANSI escape codes */
// First: chalk picks its colour level when Chrome.js loads it (see support/test-env.ts).
import './support/test-env.js';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { paneTitles } from '../../src/views/Chrome.js';
import { paneIds } from '../../src/views/keymap.js';
import { FakeEngine, fakeContainer, fakeImage } from './support/fake-engine.js';
import { cleanupRendered, keys, renderApp } from './support/render.js';

const busyboxId = 'sha256:' + 'a'.repeat(64);
const busybox = fakeImage({ id: busyboxId, names: ['docker.io/library/busybox:latest'], inUse: 2 });
const web = fakeImage({ id: 'sha256:' + 'c'.repeat(64), names: ['127.0.0.1:5000/fixture/web:latest'] });
const web1 = '1'.repeat(64);

function engine() {
  return new FakeEngine({
    images: [busybox, web],
    containers: [
      fakeContainer({
        id: web1,
        name: 'web1',
        imageId: busyboxId,
        ports: [{ hostIp: '127.0.0.1', hostPort: 18180, containerPort: 80, protocol: 'tcp' }],
      }),
      fakeContainer({ id: '2'.repeat(64), name: 'job', imageId: busyboxId, state: 'exited', exitCode: 0 }),
      fakeContainer({
        id: '3'.repeat(64),
        name: 'other',
        image: '127.0.0.1:5000/fixture/web:latest',
        imageId: web.id,
        state: 'exited',
        exitCode: 0,
      }),
    ],
  });
}

afterEach(() => cleanupRendered());

describe('screen: details from inspect', () => {
  it('shows health, restarts, networks and IPs, mounts, labels and env of a container', async () => {
    const e = engine();
    e.inspectJson.set(web1, {
      RestartCount: 2,
      State: { Health: { Status: 'unhealthy', FailingStreak: 3, Log: [{ ExitCode: 1, Output: 'curl: connection refused\n' }] } },
      HostConfig: { NetworkMode: 'appnet', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } },
      NetworkSettings: {
        IPAddress: '10.89.0.5',
        Networks: { appnet: { IPAddress: '10.89.0.5', Gateway: '10.89.0.1', Aliases: ['web', 'web1'] } },
      },
      Mounts: [
        { Type: 'volume', Name: 'data', Source: '/var/lib/dockui/volumes/data/_data', Destination: '/var/lib/data', RW: true },
        { Type: 'bind', Source: '/srv/site', Destination: '/srv', RW: false },
      ],
      Config: { Labels: { tier: 'front', 'com.docker.compose.project': 'shop' }, Env: ['MODE=dev', 'PATH=/bin'] },
    });
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('web1'));
    let f = await r.press(keys.enter, (f) => f.includes('Details · web1') && f.includes('Health'));
    assert.match(f, /Health\s+unhealthy \(failing 3×\)\s+last: exit 1 curl: connection refused/);
    assert.match(f, /Restarts\s+2 \(policy on-failure:5\)/);
    assert.match(f, /Network\s+appnet\s+IP 10\.89\.0\.5/);
    assert.match(f, /appnet: 10\.89\.0\.5 via 10\.89\.0\.1\s+aliases web, web1/);
    f = await r.press('G', (f) => f.includes('MODE=dev'));
    assert.match(f, /Mounts \(2\)/);
    assert.match(f, /volume\s+\/var\/lib\/dockui\/volumes\/data\/_data → \/var\/lib\/data/);
    assert.match(f, /bind\s+\/srv\/site → \/srv\s+\(ro\)/);
    assert.match(f, /Labels \(2\)/);
    assert.match(f, /com\.docker\.compose\.project=shop/);
    assert.match(f, /tier=front/);
    assert.match(f, /Env \(2\)/);
    assert.ok(e.calls.includes(`inspect ${web1}`), e.calls.join('\n'));
  });
});

describe('screen: image ↔ containers', () => {
  it('an image’s details list its containers; c lists them in Containers; i goes back to the image', async () => {
    const e = engine();
    const r = await renderApp(e);
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    let f = await r.press(keys.enter, (f) => f.includes('Details · busybox:latest') && f.includes('Containers (2)'));
    assert.match(f, /web1\s+running\s+111111111111/);
    assert.match(f, /job\s+exited\s+222222222222/);
    assert.doesNotMatch(f, /other\s+exited/);
    f = await r.press('c', (f) => f.includes('2 containers of busybox:latest'));
    assert.match(f, /ancestor=aaaaaaaaaaaa/);
    assert.match(f, /web1\s+busybox:latest\s+running/);
    assert.match(f, /job\s+busybox:latest\s+exited/);
    assert.doesNotMatch(f, /other\s/);
    // i on a container: the details of its image.
    f = await r.press('i', (f) => f.includes('Details · busybox:latest') && f.includes('Layers (3)'));
    // Esc goes back to Images; c there lists the containers of the image selected.
    await r.press(keys.escape, (f) => f.includes('REPOSITORY:TAG'));
    await r.press('j');
    f = await r.press('c', (f) => f.includes('1 container of 127.0.0.1:5000/fixture/web:latest'));
    assert.match(f, /other\s/);
    assert.doesNotMatch(f, /web1\s/);
    // From a container's details too, and a useful word when the key does not apply.
    await r.press(keys.enter, (f) => f.includes('Details · other'));
    f = await r.press('c', (f) => f.includes('c lists the containers of an image'));
    f = await r.press('i', (f) => f.includes('Details · 127.0.0.1:5000/fixture/web:latest'));
  });
});

describe('screen: command mode', () => {
  it(': jumps to every view of the pane table, completes with Tab, and says when a name is unknown', async () => {
    const e = engine();
    const r = await renderApp(e);
    for (const [i, id] of paneIds.entries()) {
      await r.press(':', (f) => f.includes('containers images'));
      for (const ch of id) r.write(ch);
      await r.waitFor((f) => f.includes(`:${id}`));
      await r.press(keys.enter, () => {
        const raw = r.rawFrame();
        const tab = ` ${i + 1} ${paneTitles[id]} `;
        // The focused tab is drawn in inverse video.
        return /\x1b\[7m/.test(raw.slice(Math.max(0, raw.indexOf(tab) - 20), raw.indexOf(tab))) && !r.frame().includes(`:${id}`);
      });
    }
    // A prefix is enough; Tab completes it.
    await r.press(':', (f) => f.includes('containers images'));
    r.write('i');
    let f = await r.press(keys.tab, (f) => f.includes(':images'));
    f = await r.press(keys.enter, (f) => f.includes('REPOSITORY:TAG'));
    await r.press(':', (f) => f.includes('containers images'));
    for (const ch of 'co') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('STATUS'));
    // Unknown: one line naming what there is.
    await r.press(':', (f) => f.includes('containers images'));
    for (const ch of 'pods') r.write(ch);
    await r.waitFor((f) => f.includes('(no such view)'));
    f = await r.press(keys.enter, (f) => f.includes('no view "pods"'));
    assert.match(f, /containers, images, logs/);
    // :q quits.
    await r.press(':', (f) => f.includes('containers images'));
    r.write('q');
    r.write(keys.enter);
    await r.waitFor(() => r.exited(), 'the app to exit');
  });
});

describe('screen: command log', () => {
  it('! lists the dockui command line of each action taken, with its outcome', async () => {
    const e = engine();
    const r = await renderApp(e);
    await r.waitFor((f) => f.includes('web1'));
    let f = await r.press('!', (f) => f.includes('Command log'));
    assert.match(f, /Nothing done yet/);
    await r.press(keys.escape, (f) => f.includes('STATUS'));
    await r.press('s', (f) => f.includes('✓ stopped web1'));
    await r.press('j');
    await r.press('d', (f) => f.includes('Delete container'));
    await r.press('y', (f) => f.includes('✓ deleted'));
    // A run from the form, with a value that needs quoting.
    await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
    await r.press('R', (f) => f.includes('Run a container from'));
    for (const ch of 'tuia-x') r.write(ch);
    r.write(keys.tab);
    for (const ch of '8080:80') r.write(ch);
    r.write(keys.tab);
    for (const ch of 'GREETING="hi there"') r.write(ch);
    await r.press(keys.enter, (f) => f.includes('✓ started tuia-x'));
    // A pull that fails.
    await r.press('p', (f) => f.includes('Pull an image'));
    for (const ch of 'missing/thing') r.write(ch);
    await r.press(keys.enter, (f) => f.includes('manifest unknown'));
    await r.press(keys.escape);
    f = await r.press('!', (f) => f.includes('Command log') && f.includes('dockui pull'));
    assert.match(f, /✓ dockui stop web1/);
    assert.match(f, /✓ dockui rm job/);
    assert.match(f, /✓ dockui run -d --name tuia-x -p 8080:80 -e 'GREETING=hi there' busybox:latest/);
    assert.match(f, /✗ dockui pull missing\/thing\s+# manifest unknown/);
    const rows = f.split('\n');
    assert.ok(
      rows.findIndex((l) => l.includes('dockui stop')) < rows.findIndex((l) => l.includes('dockui pull')),
      'oldest first, newest last',
    );
    await r.press(keys.escape, (f) => !f.includes('Command log'));
    // :cmdlog opens it too.
    await r.press(':', (f) => f.includes('containers images'));
    for (const ch of 'cmd') r.write(ch);
    f = await r.press(keys.enter, (f) => f.includes('Command log'));
  });
});

describe('screen: open a published port', () => {
  it('O prints the URL and runs xdg-open with it where there is one; says so where there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuia-open-'));
    const savedPath = process.env['PATH'];
    try {
      const out = join(dir, 'opened');
      writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\necho "$1" > ${out}\n`);
      chmodSync(join(dir, 'xdg-open'), 0o755);
      process.env['PATH'] = `${dir}:${savedPath ?? ''}`;
      const e = engine();
      const r = await renderApp(e);
      await r.waitFor((f) => f.includes('web1'));
      let f = await r.press('O', (f) => f.includes('opening http://127.0.0.1:18180/'));
      assert.match(f, new RegExp(`\\(${dir}/xdg-open\\)`));
      const deadline = Date.now() + 5000;
      while (!existsSync(out) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      assert.equal(readFileSync(out, 'utf8').trim(), 'http://127.0.0.1:18180/');
      // No opener on PATH: the URL alone.
      process.env['PATH'] = join(dir, 'empty');
      f = await r.press('O', (f) => f.includes('http://127.0.0.1:18180/  (no xdg-open here: open it yourself)'));
      // A container without a published port.
      await r.press('j');
      f = await r.press('O', (f) => f.includes('publishes no TCP port'));
    } finally {
      process.env['PATH'] = savedPath;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
