// Enter on a row of the Volumes pane (6) or the Networks pane (7) opens its details in the
// Details pane, over the REAL engine (a private root, the fixture registry, runc): a volume's
// mountpoint, size (its files' bytes, from the engine) and the containers mounting it, where
// and how; a network's subnet, gateway and the containers on it with their address and aliases.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createEngine, type DockuiEngine } from '../../src/engine/index.js';
import { plainTheme } from '../../src/views/theme.js';
import { TuiRoot } from '../../src/views/TuiRoot.js';
import { registry, tempRoot } from '../helpers/env.js';
import { cleanupRendered, keys, renderElement } from './support/render.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('screen over the real engine: volume and network details', { timeout: 300_000 }, () => {
  const t = tempRoot('tui13-screen-resources-');
  const busybox = `${registry('plain')}/fixture/busybox:latest`;
  let engine: DockuiEngine;

  before(async () => {
    engine = await createEngine({ root: join(t.root, 'engine') });
    await engine.images.pull(busybox);
  });
  afterEach(() => cleanupRendered());
  after(async () => {
    for (const c of await engine.containers.list({ all: true }))
      await engine.containers.remove(c.id, { force: true }).catch(() => undefined);
    for (const n of await engine.networks.list()) await engine.networks.remove(n.name).catch(() => undefined);
    await engine.close();
    t.cleanup();
  });

  const open = async () => {
    const r = renderElement(
      <TuiRoot engine={engine} theme={plainTheme} terminal={undefined} build={{ unavailable: 'no Dockerfile here' }} />,
    );
    await r.waitFor((f) => f.includes('1 Containers'), 'the first frame');
    return r;
  };

  it('Enter on a volume: mountpoint, size, the containers mounting it (where, ro/rw, state); Esc goes back', async () => {
    const { volume } = await engine.volumes.create('tui13-data');
    await engine.volumes.create('tui13-empty');
    writeFileSync(join(volume.mountpoint, 'five-k'), Buffer.alloc(5000, 1));
    writeFileSync(join(volume.mountpoint, 'seven'), 'seven!\n');
    assert.equal(await engine.volumes.size('tui13-data'), 5007);
    await assert.rejects(engine.volumes.size('tui13-nope'), { message: 'no such volume: tui13-nope' });
    await engine.containers.create({ image: busybox, name: 'tui13-reader', volumes: ['tui13-data:/data:ro'], cmd: ['true'] });
    await engine.containers.create({ image: busybox, name: 'tui13-writer', volumes: ['tui13-data:/srv'], cmd: ['true'] });
    const s = await open();
    await s.press('6', (f) => f.includes('tui13-data') && f.includes('tui13-empty'));
    let f = await s.press(keys.enter, (f) => f.includes('Details · volume tui13-data') && /Size\s+5\.01kB/.test(f), 'the details');
    assert.match(f, new RegExp(`Mountpoint\\s+${re(volume.mountpoint)}`));
    assert.match(f, /Driver\s+local/);
    assert.match(f, /Containers \(2 containers\)/);
    assert.match(f, /tui13-reader {2}\/data {2}ro \(created\)/);
    assert.match(f, /tui13-writer {2}\/srv {2}rw \(created\)/);
    // Esc: back to the Volumes pane, the selection kept; the unused one says so.
    f = await s.press(keys.escape, (f) => !f.includes('Details · volume'));
    f = await s.press('j');
    f = await s.press(keys.enter, (f) => f.includes('Details · volume tui13-empty') && /Size\s+0B/.test(f));
    assert.match(f, /Containers \(none: unused\)/);
    await engine.containers.remove('tui13-reader', { force: true });
    await engine.containers.remove('tui13-writer', { force: true });
  });

  it('Enter on a network: subnet, gateway, the containers on it with their address and aliases', async (ctx) => {
    if (!isRoot) return ctx.skip('needs root (runc)');
    const { network } = await engine.networks.create('tui13-net', { labels: { team: 'tui13' } });
    await engine.containers.run({
      image: busybox,
      name: 'tui13-web',
      networks: [{ name: 'tui13-net', aliases: ['api', 'web-alias'] }],
      cmd: ['sleep', '300'],
    });
    const web = (await engine.containers.list({ all: true })).find((c) => c.name === 'tui13-web');
    const ip = web?.networks?.find((n) => n.name === 'tui13-net')?.ip;
    assert.ok(ip, 'the container has an address on the network');
    const s = await open();
    await s.press('7', (f) => f.includes('tui13-net'));
    let f = await s.press(keys.enter, (f) => f.includes('Details · network tui13-net') && f.includes('tui13-web'), 'the details');
    assert.match(f, new RegExp(`Subnet\\s+${re(network.subnet)}`));
    assert.match(f, new RegExp(`Gateway\\s+${re(network.gateway)}`));
    assert.match(f, new RegExp(`ID\\s+${network.id}`));
    assert.match(f, /Labels\s+team=tui13/);
    assert.match(f, /Containers \(1\)/);
    assert.match(f, new RegExp(`tui13-web {2}${re(ip)} {2}aliases api, web-alias`));
    assert.doesNotMatch(f, /tui13-web .*\(running\)/, 'a running member carries no state note');
    // Stopped, the member's row says so (the details follow the engine while in view).
    await engine.containers.stop('tui13-web', { timeoutSec: 1 });
    f = await s.waitFor((f) => /tui13-web .*\((exited|stopped)\)/.test(f), 'the stopped member', 10_000);
    f = await s.press(keys.escape, (f) => /Networks\s+\d/.test(f) && !f.includes('Details · network'));
    await engine.containers.remove('tui13-web', { force: true });
  });
});
