// A container's output, a build's RUN output and an image's Cmd are the attacker's text: the TUI draws them, it never
// hands their escape sequences (a window title, the clipboard, a cleared screen) to the terminal.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { idleBuild } from '../../src/hooks/build-store.js';
import { BuildPane } from '../../src/views/BuildPane.js';
import { ContainersPane } from '../../src/views/ContainersPane.js';
import { LogsPane } from '../../src/views/LogsPane.js';
import { initialLogsView } from '../../src/views/logs-view.js';
import { fakeContainer } from '../views/support/fake-engine.js';
import { cleanupRendered, renderElement } from '../views/support/render.js';

const hostile = 'A\u001b]0;PWNED\u0007B\u001b]52;c;ZWNobyBwd25lZA==\u0007C\u001b[2JD\u009b31mE';
// eslint-disable-next-line no-control-regex
const sent = /\u0007|\u001b\]|\u001b\[2J|\u009b/;

afterEach(() => cleanupRendered());

describe('hostile text in the TUI', () => {
  it('a log line', async () => {
    const r = renderElement(
      <LogsPane
        title="web"
        logs={{ containerId: 'x', lines: [{ stream: 'stdout', time: '', text: hostile }], dropped: 0, ended: true, error: undefined }}
        view={initialLogsView}
        matches={[]}
        focused
        width={100}
        height={6}
      />,
    );
    await r.waitFor((f) => f.includes('A'));
    assert.doesNotMatch(r.rawFrame(), sent, JSON.stringify(r.rawFrame()));
  });
  it('a container’s command', async () => {
    const r = renderElement(
      <ContainersPane
        containers={[fakeContainer({ id: '1', name: 'c1', command: hostile })]}
        total={1}
        stats={new Map()}
        list={{ selected: 0, offset: 0 }}
        filter=""
        focused
        width={160}
        height={8}
        listRows={4}
        now={Date.now()}
      />,
    );
    await r.waitFor((f) => f.includes('c1'));
    assert.doesNotMatch(r.rawFrame(), sent, JSON.stringify(r.rawFrame()));
  });
  it('a RUN step’s output in the Build pane', async () => {
    const r = renderElement(
      <BuildPane
        build={{ ...idleBuild, output: [{ index: 0, stream: 'stdout', line: hostile }] }}
        unavailable={undefined}
        now={Date.now()}
        focused
        width={100}
        height={10}
      />,
    );
    await r.waitFor((f) => f.includes('1│A'));
    assert.doesNotMatch(r.rawFrame(), sent, JSON.stringify(r.rawFrame()));
  });
});
