// The run form's fields for the run flags of issue 14 (--restart, --health-cmd, --network,
// --add-host, --ulimit, --cap-add/--cap-drop, --label), through the whole screen: typed into
// their fields, sent to the engine as RunOptions, logged as the CLI line; a field's bad input
// names the field, and an engine refusal keeps the form open with everything typed.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { EngineError } from '../../src/engine/define.js';
import type { RunOptions } from '../../src/engine/types.js';
import { runCommandLine } from '../../src/views/command-log.js';
import { FakeEngine, fakeImage } from './support/fake-engine.js';
import { cleanupRendered, keys, renderApp, type Rendered } from './support/render.js';

const busybox = fakeImage({ id: 'sha256:' + 'a'.repeat(64), names: ['docker.io/library/busybox:latest'] });

afterEach(() => cleanupRendered());

/** Opens the form on busybox and types each value into its field (Tab between them). */
async function fill(e: FakeEngine, values: readonly string[]): Promise<Rendered> {
  const r = await renderApp(e);
  await r.press('2', (f) => f.includes('REPOSITORY:TAG'));
  await r.press('R', (f) => f.includes('Run a container from busybox:latest'));
  for (const v of values) {
    for (const ch of v) r.write(ch);
    r.write(keys.tab);
  }
  const last = values.filter(Boolean).pop();
  if (last) await r.waitFor((f) => f.includes(last), 'the last value typed');
  return r;
}

// Name, Ports, Env, Command, Restart, Health, Network, Add host, Ulimits, Cap add, Cap drop, Labels.
const filled = [
  'hab-web',
  '',
  '',
  '',
  'on-failure:2',
  'wget -qO- localhost',
  'none',
  'db:10.0.0.5',
  'nofile=64:128',
  'NET_ADMIN',
  'CHOWN',
  'tier="front end"',
];

describe('run form: the run flags of issue 14', () => {
  it('shows the new fields and sends what was typed in them to the engine, logged as the CLI line', async () => {
    const e = new FakeEngine({ images: [busybox], containers: [] });
    const r = await fill(e, filled);
    const form = r.frame();
    for (const label of ['Restart', 'Health', 'Network', 'Add host', 'Ulimits', 'Cap add', 'Cap drop', 'Labels'])
      assert.match(form, new RegExp(`${label}\\s`), label);
    await r.press(keys.enter, (f) => f.includes('✓ started hab-web'));
    const run = e.calls.find((c) => c.startsWith('run '));
    assert.deepEqual(JSON.parse(run!.slice(4)), {
      image: 'docker.io/library/busybox:latest',
      name: 'hab-web',
      restart: { Name: 'on-failure', MaximumRetryCount: 2 },
      healthcheck: { Test: ['CMD-SHELL', 'wget -qO- localhost'] },
      network: 'none',
      addHosts: ['db:10.0.0.5'],
      ulimits: ['nofile=64:128'],
      capAdd: ['NET_ADMIN'],
      capDrop: ['CHOWN'],
      labels: { tier: 'front end' },
    });
    await r.press('!', (f) => f.includes("✓ dockui run -d --name hab-web --restart on-failure:2 --health-cmd 'wget -qO- localhos"));
    // The whole line (the pane cuts it at the screen's width).
    assert.equal(
      runCommandLine(JSON.parse(run!.slice(4)) as RunOptions),
      "dockui run -d --name hab-web --restart on-failure:2 --health-cmd 'wget -qO- localhost' --network none --add-host db:10.0.0.5 --ulimit nofile=64:128 --cap-add NET_ADMIN --cap-drop CHOWN --label 'tier=front end' busybox:latest",
    );
  });

  it('a bad restart policy names its field; an engine refusal keeps every field as typed', async () => {
    const e = new FakeEngine({ images: [busybox], containers: [] });
    const r = await fill(e, ['hab-web', '', '', '', 'sometimes']);
    await r.press(keys.enter, (f) => f.includes('Restart: invalid restart policy "sometimes"'));
    assert.ok(!e.calls.some((c) => c.startsWith('run ')), 'nothing ran');
    for (let i = 0; i < 'sometimes'.length; i++) r.write(keys.backspace);
    for (const ch of 'always') r.write(ch);
    r.write(keys.tab);
    for (const v of filled.slice(5)) {
      for (const ch of v) r.write(ch);
      r.write(keys.tab);
    }
    e.runFault = new EngineError('invalid_argument', 'invalid argument "nofile=64:128" for "--ulimit" flag: too high');
    const f = await r.press(keys.enter, (f) => f.includes('✗ invalid argument "nofile=64:128"'));
    assert.match(f, /Run a container from busybox:latest/, 'the form is still open');
    assert.match(f, /Restart\s+always/);
    assert.match(f, /Health\s+wget -qO- localhost/);
    assert.match(f, /Add host\s+db:10\.0\.0\.5/);
    assert.match(f, /Ulimits\s+nofile=64:128/);
    assert.match(f, /Cap drop\s+CHOWN/);
    assert.match(f, /Labels\s+tier="front end"/);
  });
});
