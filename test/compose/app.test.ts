// examples/compose-app with real containers: built from busybox:static, brought up in
// dependency order behind a healthcheck, reached through its published port, names resolving
// on shared networks only, idempotent up, a named volume across down/up, profiles and -f
// overrides, and a down -v that leaves nothing behind.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot, runCli } from '../helpers/env.js';
import { processesUnder } from '../engine/runtime/cli-helpers.js';

const root = mkdtempSync('/var/tmp/dockui-c15-app-');
const app = join(repoRoot, 'examples/compose-app');
const port = Number(process.env.DOCKUI_TEST_PORT ?? 24520);
const env = { DOCKUI_BRIDGE_PREFIX: 'dkc15', DOCKUI_SUBNET_POOL: '10.215.0.0/16', WEB_PORT: String(port) };
const project = ['compose', '-p', 'dkc15app', '-f', join(app, 'compose.yaml')];

async function dockui(args: readonly string[], extraEnv: Record<string, string> = {}) {
  const r = await runCli(args, { root, env: { ...env, ...extraEnv }, timeoutMs: 240_000 });
  assert.equal(r.code, 0, `dockui ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}
const exec = (svc: string, ...cmd: string[]) => runCli([...project, 'exec', '-T', svc, ...cmd], { root, env, timeoutMs: 30_000 });

async function get(path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
  return res.text();
}

/** What this root has made: bridges, network daemons, netns files, mounts, volumes. */
function bridgesOfRoot(): string[] {
  const dir = join(root, 'networks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .map((n) => (JSON.parse(readFileSync(join(dir, n, 'network.json'), 'utf8')) as { bridge: string }).bridge);
}

let bridges: string[] = [];

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
});

after(async () => {
  await runCli([...project, '--profile', 'debug', 'down', '-v', '-t', '0', '--remove-orphans'], { root, env });
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

describe('compose-app', { timeout: 600_000 }, () => {
  let firstValue = '';

  it('up -d --build: networks, volume, images, then cache (healthy) → api → web', async () => {
    const r = await dockui([...project, 'up', '-d', '--build']);
    const lines = r.stderr.split('\n').filter((l) => /^ (Container|Network|Volume)/.test(l));
    const at = (s: string) => {
      const i = lines.indexOf(s);
      assert.ok(i >= 0, `no line ${JSON.stringify(s)} in:\n${lines.join('\n')}`);
      return i;
    };
    assert.ok(at(' Network dkc15app_front  Created') < at(' Container dkc15app-cache-1  Started'));
    assert.ok(at(' Volume dkc15app_cache-data  Created') < at(' Container dkc15app-cache-1  Started'));
    assert.ok(at(' Container dkc15app-cache-1  Started') < at(' Container dkc15app-cache-1  Waiting'));
    assert.ok(at(' Container dkc15app-cache-1  Waiting') < at(' Container dkc15app-cache-1  Healthy'));
    assert.ok(at(' Container dkc15app-cache-1  Healthy') < at(' Container dkc15app-api-1  Started'));
    assert.ok(at(' Container dkc15app-api-1  Started') < at(' Container dkc15app-web-1  Started'));
    assert.ok(!lines.some((l) => l.includes('toolbox')), 'the debug profile stays off');
    bridges = bridgesOfRoot();
    assert.equal(bridges.length, 2);
    for (const b of bridges) assert.ok(b.startsWith('dkc15'), b);
  });

  it('the containers carry Compose labels; the port is published on 127.0.0.1', async () => {
    const ps = await dockui([...project, 'ps']);
    assert.match(ps.stdout, new RegExp(`dkc15app-web-1 .* web .* 127\\.0\\.0\\.1:${port}->8080/tcp`));
    const labels = JSON.parse((await dockui(['inspect', '-f', '{{json .Config.Labels}}', 'dkc15app-api-1'])).stdout) as Record<
      string,
      string
    >;
    assert.equal(labels['com.docker.compose.project'], 'dkc15app');
    assert.equal(labels['com.docker.compose.service'], 'api');
    assert.equal(labels['com.docker.compose.container-number'], '1');
    assert.equal(labels['com.docker.compose.oneoff'], 'False');
    assert.match(labels['com.docker.compose.config-hash'] ?? '', /^[0-9a-f]{64}$/);
    const nets = JSON.parse((await dockui(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'dkc15app-api-1'])).stdout) as Record<
      string,
      { IPAddress: string; Aliases: string[] }
    >;
    assert.deepEqual(Object.keys(nets).sort(), ['dkc15app_back', 'dkc15app_front']);
    assert.deepEqual(nets.dkc15app_front!.Aliases, ['api', 'backend']);
    assert.match(nets.dkc15app_back!.IPAddress, /^10\.215\./);
  });

  it('web → api → cache through the published port', async () => {
    const body = await get('/cgi-bin/value');
    assert.match(body, /hello from api/);
    const m = /cache says: (first value, written [\d:]+)/.exec(body);
    assert.ok(m, body);
    firstValue = m[1]!;
    assert.match(await get('/'), /web is up/);
  });

  it('names resolve on shared networks (service, alias, container name) and not across them', async () => {
    for (const name of ['api', 'backend', 'dkc15app-api-1', 'web']) {
      const r = await exec('web', 'nslookup', name);
      assert.equal(r.code, 0, `web resolves ${name}: ${r.stdout}${r.stderr}`);
    }
    assert.equal((await exec('api', 'nslookup', 'cache')).code, 0, 'api (front and back) resolves cache');
    const cross = await exec('web', 'nslookup', 'cache');
    assert.notEqual(cross.code, 0);
    assert.match(cross.stdout + cross.stderr, /NXDOMAIN/);
    // Not by address either: the host does not route between the bridges.
    const cacheIp = (await exec('cache', 'hostname', '-i')).stdout.trim();
    assert.match(cacheIp, /^10\.215\.\d+\.\d+$/);
    const byIp = await exec('web', 'wget', '-q', '-T', '2', '-O', '-', `http://${cacheIp}:6379/value`);
    assert.notEqual(byIp.code, 0, `web reached cache at ${cacheIp}`);
    // Names nobody on the network has are answered here: NXDOMAIN, never forwarded.
    const outside = await exec('web', 'nslookup', 'example.com');
    assert.match(outside.stdout + outside.stderr, /NXDOMAIN/);
  });

  it("each network's resolver: its own subnet only, unknown names NXDOMAIN at once", async () => {
    const front = JSON.parse(readFileSync(join(root, 'networks', 'dkc15app_front', 'network.json'), 'utf8')) as { gateway: string };
    const ask = (from: string) => {
      const r = new Resolver({ timeout: 3000, tries: 1 });
      r.setLocalAddress(from);
      r.setServers([front.gateway]);
      return r;
    };
    // From the network's own subnet (the gateway's address): answered.
    const [webIp] = await ask(front.gateway).resolve4('web');
    assert.match(webIp ?? '', /^10\.215\./);
    const t = Date.now();
    await assert.rejects(ask(front.gateway).resolve4('example.com'), { code: 'ENOTFOUND' });
    assert.ok(Date.now() - t < 1000, 'answered locally, not after a forward or a time-out');
    // From anywhere else: refused.
    await assert.rejects(ask('127.0.0.1').resolve4('web'), { code: 'EREFUSED' });
  });

  it('logs: each line with its container as prefix', async () => {
    const r = await dockui([...project, 'logs', 'cache']);
    assert.match(r.stdout, /^dkc15app-cache-1 {2}\| cache: serving \/data on :6379/m);
  });

  it('up again changes nothing; a changed service alone is recreated', async () => {
    const again = await dockui([...project, 'up', '-d']);
    assert.doesNotMatch(again.stderr, /Created|Recreate/);
    assert.equal((again.stderr.match(/ Running/g) ?? []).length, 3);
    const changed = await dockui([...project, 'up', '-d'], { GREETING: 'changed greeting' });
    assert.match(changed.stderr, / Container dkc15app-api-1 {2}Recreated/);
    assert.match(changed.stderr, / Container dkc15app-web-1 {2}Running/);
    assert.match(changed.stderr, / Container dkc15app-cache-1 {2}Running/);
    assert.match(await get('/cgi-bin/value'), /changed greeting/);
  });

  it('-f override and --profile apply', async () => {
    const over = join(root, 'override.yaml');
    writeFileSync(over, 'services:\n  api:\n    environment:\n      GREETING: from the override\n');
    const r = await dockui([...project, '-f', over, '--profile', 'debug', 'up', '-d']);
    assert.match(r.stderr, / Container dkc15app-toolbox-1 {2}Started/);
    assert.match(await get('/cgi-bin/value'), /from the override/);
    // toolbox is on both networks: it resolves web and cache.
    for (const name of ['web', 'cache']) assert.equal((await exec('toolbox', 'nslookup', name)).code, 0);
  });

  it('the named volume survives down and up', async () => {
    await dockui([...project, '--profile', 'debug', 'down', '-t', '1']);
    assert.equal((await dockui(['ps', '-aq'])).stdout, '');
    assert.match((await dockui(['volume', 'ls', '-q'])).stdout, /^dkc15app_cache-data$/m);
    await dockui([...project, 'up', '-d']);
    assert.match(await get('/cgi-bin/value'), new RegExp(`cache says: ${firstValue}`));
  });

  it('up without -d follows the logs; Ctrl-C stops the services', async () => {
    const child = spawn(process.execPath, ['--', dockuiBin, ...project, 'up'], { env: { ...process.env, DOCKUI_ROOT: root, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/dkc15app-cache-1 {2}\| cache: serving/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /dkc15app-cache-1 {2}\| cache: serving/);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, out);
    assert.match(out, /Gracefully stopping/);
    const ps = await dockui([...project, 'ps', '-a']);
    assert.equal((ps.stdout.match(/Exited/g) ?? []).length, 3, ps.stdout);
  });

  it('down -v leaves no container, network, netns, volume, mount or process', async () => {
    await dockui([...project, 'down', '-v', '-t', '1']);
    assert.equal((await dockui(['ps', '-aq'])).stdout, '');
    assert.doesNotMatch((await dockui(['volume', 'ls', '-q'])).stdout, /cache-data/);
    const nets = existsSync(join(root, 'networks')) ? readdirSync(join(root, 'networks')).filter((n) => !n.startsWith('.')) : [];
    assert.deepEqual(nets, []);
    for (const b of bridges) assert.ok(!existsSync(`/sys/class/net/${b}`), `bridge ${b} is left`);
    const netns = join(root, 'run', 'netns');
    assert.deepEqual(existsSync(netns) ? readdirSync(netns) : [], []);
    assert.deepEqual(processesUnder(root), []);
    assert.deepEqual(
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(root)),
      [],
    );
    // veths of this root's containers went with their namespaces.
    const links = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
    for (const b of bridges) assert.doesNotMatch(links, new RegExp(`master ${b}`));
  });
});
