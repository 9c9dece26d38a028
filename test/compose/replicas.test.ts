// deploy.replicas and scale: N containers <project>-<service>-<i>, each answering under the
// service's name on the project network, each on its own port of a published range; `up --scale`
// overrides the file; a single published host port (or a container_name) with more than one
// replica is refused in one line with file:line, before anything starts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../helpers/env.js';

const root = mkdtempSync('/var/tmp/c15k-replicas-');
const dir = join(root, 'app');
const base = Number(process.env.DOCKUI_TEST_PORT ?? 18440);
const env = { DOCKUI_BRIDGE_PREFIX: 'c15kr', DOCKUI_SUBNET_POOL: '10.226.0.0/16' };
const file = join(dir, 'compose.yaml');

const cli = (args: readonly string[], f = file) => runCli(['compose', '-f', f, ...args], { root, env, timeoutMs: 240_000 });
async function ok(args: readonly string[]) {
  const r = await cli(args);
  assert.equal(r.code, 0, `compose ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}
const names = async () => (await runCli(['ps', '-a', '--format', '{{.Names}}'], { root, env })).stdout.split('\n').filter(Boolean).sort();

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    [
      'name: c15k-rep',
      'services:',
      '  web:',
      '    image: busybox:static',
      '    command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]',
      '    deploy:',
      '      replicas: 2',
      '    ports:',
      `      - "${base}-${base + 2}:8080"`,
      '    stop_grace_period: 1s # httpd as PID 1 ignores SIGTERM',
      '  worker:',
      '    image: busybox:static',
      '    command: ["sleep", "3600"]',
      '    scale: 3',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await cli(['down', '-t', '0']);
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

async function fetchText(port: number): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(3000) })).text();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('compose replicas', { timeout: 400_000 }, () => {
  it('deploy.replicas: 2 and scale: 3 run 2 and 3 containers, named <project>-<service>-<i>', async () => {
    await ok(['up', '-d']);
    assert.deepEqual(await names(), ['c15k-rep-web-1', 'c15k-rep-web-2', 'c15k-rep-worker-1', 'c15k-rep-worker-2', 'c15k-rep-worker-3']);
  });

  it('each replica publishes its own port of the range; the service name resolves to every replica', async () => {
    const seen = new Set([(await fetchText(base)).trim(), (await fetchText(base + 1)).trim()]);
    assert.equal(seen.size, 2, `two replicas answer on ${base} and ${base + 1}: ${[...seen].join(', ')}`);
    const ips = async (name: string) => {
      const r = await ok(['exec', '-T', '--index', '2', 'worker', 'nslookup', name]);
      return [...r.stdout.matchAll(/^Address: (\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).sort();
    };
    assert.equal((await ips('web')).length, 2);
    assert.equal((await ips('worker')).length, 3);
    assert.equal((await ips('c15k-rep-web-2')).length, 1);
  });

  it('up --scale overrides the file: web=1 removes web-2, worker=3 keeps its containers', async () => {
    const before = (await runCli(['ps', '-aq', '--no-trunc', '--filter', 'name=c15k-rep-worker'], { root, env })).stdout;
    await ok(['up', '-d', '--scale', 'web=1']);
    assert.deepEqual(await names(), ['c15k-rep-web-1', 'c15k-rep-worker-1', 'c15k-rep-worker-2', 'c15k-rep-worker-3']);
    const after = (await runCli(['ps', '-aq', '--no-trunc', '--filter', 'name=c15k-rep-worker'], { root, env })).stdout;
    assert.equal(after, before, 'the workers were kept');
  });

  it('--scale past the published range: one line with file:line, nothing changed', async () => {
    const r = await cli(['up', '-d', '--scale', 'web=4']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`compose\\.yaml:9: services\\.web\\.ports\\[0\\]: the range ${base}-${base + 2} has 3 host ports for 4 replicas of web`),
    );
    assert.equal((await names()).length, 4);
  });

  it('a single published host port, or a container_name, with replicas > 1: one line with file:line, nothing started', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'name: c15k-bad',
        'services:',
        '  web:',
        '    image: busybox:static',
        '    scale: 2',
        '    ports:',
        `      - "${base + 5}:8080"`,
        '',
      ].join('\n'),
    );
    let r = await cli(['up', '-d'], bad);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /bad\.yaml:7: services\.web\.ports\[0\]: host port \d+ can be published by one container only, and web has 2 replicas/,
    );
    writeFileSync(
      bad,
      [
        'name: c15k-bad',
        'services:',
        '  web:',
        '    image: busybox:static',
        '    container_name: one',
        '    deploy: {replicas: 3}',
        '',
      ].join('\n'),
    );
    r = await cli(['up', '-d'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.trim(), /^dockui: .*bad\.yaml:5: services\.web: can't set container_name and run 3 replicas of web/);
    writeFileSync(
      bad,
      ['name: c15k-bad', 'services:', '  web:', '    image: busybox:static', '    scale: 2', '    deploy: {replicas: 3}', ''].join('\n'),
    );
    r = await cli(['config'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.trim(), /bad\.yaml:5: services\.web: can't set distinct values on 'scale' and 'deploy\.replicas'$/);
    // With one replica the same port is fine; --scale 2 of it is refused with file:line.
    writeFileSync(
      bad,
      ['name: c15k-bad', 'services:', '  web:', '    image: busybox:static', '    ports:', `      - "${base + 5}:8080"`, ''].join('\n'),
    );
    r = await cli(['up', '-d', '--scale', 'web=2'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.trim(), /bad\.yaml:6: services\.web\.ports\[0\]: host port \d+ can be published by one container only/);
    assert.ok(!(await names()).some((n) => n.startsWith('c15k-bad')), 'nothing of the bad project was made');
  });
});
