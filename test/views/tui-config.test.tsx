// Feature rows 43 and 44: the config file ($XDG_CONFIG_HOME/dockui/tui.yaml) — key overrides,
// theme, default columns — and custom commands bound to keys, run on the selection with its id
// and name substituted, their output shown. Each part fails without its code.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { loadTuiConfig } from '../../src/hooks/tui-config-file.js';
import { helpLines } from '../../src/views/Dialogs.js';
import { setUserBindings } from '../../src/views/keymap.js';
import { colorTheme, plainTheme } from '../../src/views/theme.js';
import { parseTuiConfig, themeFrom, type TuiConfig } from '../../src/views/tui-config.js';
import { TuiRoot } from '../../src/views/TuiRoot.js';
import { FakeEngine, fakeContainer } from './support/fake-engine.js';
import { cleanupRendered, keys, renderElement } from './support/render.js';

let restore: (() => void) | undefined;
afterEach(() => {
  cleanupRendered();
  restore?.();
  restore = undefined;
});

function engine() {
  return new FakeEngine({
    containers: [fakeContainer({ id: '1'.repeat(64), name: 'one' }), fakeContainer({ id: '2'.repeat(64), name: 'two' })],
  });
}

async function open(config: TuiConfig) {
  restore = setUserBindings({ ...(config.keys ? { keys: config.keys } : {}), ...(config.commands ? { commands: config.commands } : {}) });
  const r = renderElement(
    <TuiRoot
      engine={engine()}
      theme={themeFrom(config, {})}
      terminal={undefined}
      build={{ unavailable: 'no Dockerfile' }}
      config={config}
    />,
  );
  await r.waitFor((f) => f.includes('two'), 'the list');
  return r;
}

describe('tui.yaml', () => {
  it('is read from $XDG_CONFIG_HOME/dockui/tui.yaml; a mistake is one line naming the file and the entry', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tuic-config-'));
    try {
      assert.deepEqual((await loadTuiConfig({ XDG_CONFIG_HOME: home })).config, {});
      mkdirSync(join(home, 'dockui'));
      const file = join(home, 'dockui', 'tui.yaml');
      writeFileSync(file, 'theme: plain\nkeys:\n  containers.logs: Z\ncolumns:\n  containers: [NAME, STATE]\n');
      const { config } = await loadTuiConfig({ XDG_CONFIG_HOME: home });
      assert.deepEqual(config, { theme: 'plain', keys: { 'containers.logs': ['Z'] }, columns: { containers: ['NAME', 'STATE'] } });
      writeFileSync(file, 'keys:\n  containers.lgs: L\n');
      await assert.rejects(loadTuiConfig({ XDG_CONFIG_HOME: home }), {
        message: `${file}: keys.containers.lgs: no such action (? help lists them)`,
      });
      writeFileSync(file, 'keys: [oops\n');
      await assert.rejects(loadTuiConfig({ XDG_CONFIG_HOME: home }), (e: Error) => e.message.startsWith(`${file}: not YAML:`));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const f = 'tui.yaml';
    assert.throws(() => parseTuiConfig({ keys: { 'containers.logs': 's' } }, f), {
      message: "tui.yaml: keys.containers.logs: s is also containers.toggle's key (give that one another key too)",
    });
    assert.throws(() => parseTuiConfig({ keys: { 'containers.logs': 'L' } }, f), /L is also containers\.mergedLogs's key/);
    assert.throws(() => parseTuiConfig({ columns: { containers: ['STATE'] } }, f), /NAME cannot be left out/);
    assert.throws(() => parseTuiConfig({ columns: { containers: ['NAME', 'SIZE'] } }, f), /no column SIZE/);
    assert.throws(() => parseTuiConfig({ commands: [{ key: 'l', run: 'x' }] }, f), /commands\[0\]\.key: l is containers\.logs's key/);
    assert.throws(() => parseTuiConfig({ colors: { 'status.running': 'sparkly' } }, f), /colors\.status\.running: a colour name/);
    assert.throws(() => parseTuiConfig({ them: 'plain' }, f), /unknown setting them/);
  });

  it('theme: plain and colors: override the palette; NO_COLOR still wins', () => {
    assert.equal(themeFrom({ theme: 'plain' }, {}), plainTheme);
    assert.equal(themeFrom({}, {}), colorTheme);
    assert.equal(themeFrom({ colors: { 'status.running': 'blue' } }, {}).tokens['status.running'].color, 'blue');
    assert.equal(themeFrom({ colors: { 'status.running': 'blue' } }, { NO_COLOR: '1' }), plainTheme);
  });

  it('keys: Z opens the logs instead of l, and ? help says so (L is merged logs since tui-a)', async () => {
    const r = await open(parseTuiConfig({ keys: { 'containers.logs': 'Z' } }, 'tui.yaml'));
    r.write('l');
    await new Promise((res) => setTimeout(res, 100));
    assert.doesNotMatch(r.frame(), /Logs · /);
    await r.press('Z', (f) => f.includes('Logs · '));
    // The help overlay draws these lines.
    assert.ok(helpLines().some((l) => l.keys === 'Z' && l.text === 'logs of the container'));
  });

  it('columns: the container list shows the chosen columns, in order', async () => {
    const r = await open(parseTuiConfig({ columns: { containers: ['name', 'status', 'state'] } }, 'tui.yaml'));
    const header =
      r
        .frame()
        .split('\n')
        .find((l) => l.includes('NAME')) ?? '';
    assert.match(header, /NAME\s+STATUS\s+STATE/);
    assert.doesNotMatch(header, /IMAGE|PORTS|CPU/);
  });

  it('commands: T runs the command with the selection substituted and shows its output and exit code', async () => {
    const r = await open(
      parseTuiConfig({ commands: [{ key: 'T', title: 'whoami', run: 'echo name={name} id={id}; echo oops >&2; exit 4' }] }, 'tui.yaml'),
    );
    await r.press('j');
    const f = await r.press('T', (f) => f.includes('exit code 4'));
    const second = /whoami · (\S+)/.exec(f)?.[1];
    assert.ok(second === 'one' || second === 'two', f);
    assert.match(f, new RegExp(`name=${second} id=${second === 'one' ? '1' : '2'}{64}`.replace('{64}', '{20}')));
    assert.match(f, /oops/);
    await r.press(keys.escape, (f) => !f.includes('whoami ·'));
    assert.ok(helpLines().some((l) => l.keys === 'T' && l.text === 'whoami (containers): echo name={name} id={id}; echo oops >&2; exit 4'));
  });
});
