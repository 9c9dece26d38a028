// Issue 14: "A container whose healthcheck starts failing goes healthy → unhealthy in inspect, ps
// and the TUI". The real `dockui` TUI in tmux over a private root; a real container whose
// healthcheck (run by dockui's health runner, no daemon) passes, then fails once a file inside it
// is removed: its row reads healthy, then unhealthy; inspect and ps say the same.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, registry, runCli } from '../helpers/env.js';
import { TmuxSession } from './tmux.js';

/** The container list's row of `name` (the list is the left pane: "│› name …" or "│  name …"). */
const rowOf = (screen: string, name: string) => screen.split('\n').find((l) => l.startsWith(`│› ${name} `) || l.startsWith(`│  ${name} `));

describe('the TUI shows a healthcheck turning unhealthy', () => {
  const root = mkdtempSync('/tmp/tui-health-');
  let t: TmuxSession | undefined;
  const image = `${registry()}/fixture/busybox`;

  before(async () => {
    const pulled = await runCli(['pull', '-q', image], { root, timeoutMs: 120_000 });
    assert.equal(pulled.code, 0, pulled.stderr);
  });
  after(async () => {
    t?.close();
    await runCli(['rm', '-f', 'hl-web'], { root });
    rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('healthy, then unhealthy in the list, in inspect and in ps', async () => {
    const r = await runCli(
      [
        'run',
        '-d',
        '--name',
        'hl-web',
        '--health-cmd',
        'test -f /tmp/ok',
        '--health-interval',
        '300ms',
        '--health-retries',
        '1',
        image,
        'sh',
        '-c',
        'touch /tmp/ok; exec sleep 600',
      ],
      { root },
    );
    assert.equal(r.code, 0, r.stderr);
    t = TmuxSession.start({
      command: `node ${dockuiBin} --root ${root} --no-watch; echo "EXIT=$?"; read keep_the_pane_alive`,
      cwd: root,
      columns: 160,
      rows: 40,
      env: { NODE_NO_WARNINGS: '1' },
      prefix: 'tuihl',
    });
    await t.waitFor((sc) => /\shealthy\s/.test(rowOf(sc, 'hl-web') ?? ''), 20_000);
    assert.equal((await runCli(['inspect', '-f', '{{.State.Health.Status}}', 'hl-web'], { root })).stdout, 'healthy\n');
    assert.equal((await runCli(['exec', 'hl-web', 'rm', '/tmp/ok'], { root })).code, 0);
    await t.waitFor((sc) => /\sunhealthy\s/.test(rowOf(sc, 'hl-web') ?? ''), 20_000);
    assert.equal((await runCli(['inspect', '-f', '{{.State.Health.Status}}', 'hl-web'], { root })).stdout, 'unhealthy\n');
    assert.match((await runCli(['ps', '--format', '{{.Status}}'], { root })).stdout, /\(unhealthy\)/);
    t.sendKeys('q');
    await t.waitFor('EXIT=0', 30_000);
  });
});
