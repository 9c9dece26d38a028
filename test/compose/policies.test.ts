// Compose's restart: and healthcheck: carried to the containers, so the per-container monitor
// and health runner act on them with no dockui alive: on-failure:2 restarts exactly twice, and a
// service's healthcheck shows in inspect (State.Health) and ps. Real containers, real runc.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../helpers/env.js';

const root = mkdtempSync('/var/tmp/dockui-compose-policies-');
const dir = mkdtempSync('/var/tmp/dockui-compose-policies-app-');
const env = { DOCKUI_BRIDGE_PREFIX: 'dkcpol', DOCKUI_SUBNET_POOL: '10.216.0.0/16' };
const project = ['compose', '-p', 'dkcpol', '-f', join(dir, 'compose.yaml')];
const cli = (args: readonly string[]) => runCli(args, { root, env, timeoutMs: 120_000 });

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  crash:',
      '    image: busybox:static',
      '    command: ["sh", "-c", "echo run; exit 3"]',
      '    restart: on-failure:2',
      '  probe:',
      '    image: busybox:static',
      '    command: ["sleep", "300"]',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "test -e /tmp/ok"]',
      '      interval: 300ms',
      '      timeout: 1s',
      '      retries: 2',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await cli([...project, 'down', '-v', '-t', '0']);
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  rmSync(dir, { recursive: true, force: true });
});

async function inspect(name: string, format: string): Promise<string> {
  const r = await cli(['inspect', '-f', format, name]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

async function until(what: string, ms: number, fn: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('compose restart and healthcheck', { timeout: 300_000 }, () => {
  it('restart: on-failure:2 restarts twice, then stays exited; healthcheck: goes unhealthy → healthy', async () => {
    const up = await cli([...project, 'up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(
      await inspect('dkcpol-crash-1', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'),
      'on-failure:2',
    );
    // No dockui process is alive now: the monitor's exit command applies the policy.
    await until('crash restarted twice and exited', 60_000, async () => {
      const s = await inspect('dkcpol-crash-1', '{{.RestartCount}} {{.State.Status}}');
      return s === '2 exited';
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await inspect('dkcpol-crash-1', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}'), '2 exited 3');
    const logs = await cli(['logs', 'dkcpol-crash-1']);
    assert.equal(logs.stdout, 'run\nrun\nrun\n');

    await until('probe unhealthy', 30_000, async () => (await inspect('dkcpol-probe-1', '{{.State.Health.Status}}')) === 'unhealthy');
    assert.equal((await cli(['exec', 'dkcpol-probe-1', 'touch', '/tmp/ok'])).code, 0);
    await until('probe healthy', 30_000, async () => (await inspect('dkcpol-probe-1', '{{.State.Health.Status}}')) === 'healthy');
    const ps = await cli(['ps', '--filter', 'name=dkcpol-probe-1', '--format', '{{.Status}}']);
    assert.match(ps.stdout, /^Up .*\(healthy\)\n$/);
  });

  it('a bad restart policy is one line with file:line, and starts nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'services:\n  x:\n    image: busybox:static\n    restart: sometimes\n');
    const r = await cli(['compose', '-p', 'dkcpolbad', '-f', bad, 'up', '-d']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bad\.yaml:4: service "x": invalid restart policy "sometimes"/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    const ps = await cli(['ps', '-a', '--filter', 'name=dkcpolbad', '-q']);
    assert.equal(ps.stdout, '');
  });
});
