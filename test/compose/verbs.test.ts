// `dockui compose` ls, images, top, port, run, push and up --wait / --scale, down --rmi, with
// real containers through the built CLI (Docker Compose v2's words and output), and bad input:
// one line, non-zero, nothing started.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, registry, repoRoot, runCli } from '../helpers/env.js';

const root = mkdtempSync('/var/tmp/dockui-c15-verbs-');
const dir = join(root, 'app');
const port = Number(process.env.DOCKUI_TEST_PORT ?? 18520);
const env = { DOCKUI_BRIDGE_PREFIX: 'c15x', DOCKUI_SUBNET_POOL: '10.215.0.0/16' };
const reg = registry('plain');
const webImage = `${reg}/c15-verbs/web:v${Date.now()}`;

function write(rel: string, text: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

const cli = (args: readonly string[], timeoutMs = 240_000) =>
  runCli(['compose', ...args], { root, env: { ...env, WEB_IMAGE: webImage }, timeoutMs });
async function ok(args: readonly string[]) {
  const r = await cli(args);
  assert.equal(r.code, 0, `compose ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}
/** One line on stderr, non-zero. */
async function bad(args: readonly string[], re: RegExp) {
  const r = await cli(args);
  assert.notEqual(r.code, 0, `compose ${args.join(' ')} succeeded: ${r.stdout}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, re);
  return r;
}
/** `dockui ps -a` of the root, one object per container. */
const ps = async () =>
  (await runCli(['ps', '-a', '--format', 'json'], { root, env })).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { Names: string; ID: string; State: string; Labels: string });
const names = async () => (await ps()).map((c) => c.Names).sort();

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
  write(
    'web/Dockerfile',
    'FROM busybox:static\nRUN mkdir -p /www && echo web > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
  );
  write('db/Dockerfile', 'FROM busybox:static\nCMD ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 3600"]\n');
  write(
    'compose.yaml',
    [
      'name: c15-verbs',
      'services:',
      '  web:',
      '    build: ./web',
      '    image: ${WEB_IMAGE}',
      '    init: true',
      `    ports: ["${port}:8080"]`,
      '    depends_on:',
      '      db: { condition: service_healthy }',
      '  db:',
      '    build: ./db',
      '    init: true',
      '    environment: { ROLE: db }',
      '    healthcheck:',
      '      test: ["CMD", "test", "-f", "/tmp/ready"]',
      '      interval: 500ms',
      '      retries: 20',
      '  worker:',
      '    image: busybox:static',
      '    init: true',
      '    command: ["sleep", "3600"]',
      '    extra_hosts: ["gateway.test:10.1.2.3", "other.test=10.1.2.4"]',
      '    deploy: { resources: { limits: { memory: 64m, pids: 50 } } }',
      '  sick:',
      '    image: busybox:static',
      '    init: true',
      '    command: ["sleep", "3600"]',
      '    profiles: [sick]',
      '    healthcheck:',
      '      test: ["CMD", "false"]',
      '      interval: 200ms',
      '      retries: 2',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await cli(['-f', join(dir, 'compose.yaml'), '--profile', 'sick', 'down', '-v', '-t', '0', '--remove-orphans']);
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

const f = () => ['-f', join(dir, 'compose.yaml')];

describe('compose verbs', { timeout: 900_000 }, () => {
  it('bad input: one line, non-zero, nothing started', async () => {
    await bad([...f(), 'up', '-d', '--scale', 'worker=x'], /invalid --scale "worker=x": SERVICE=NUM/);
    await bad([...f(), 'up', '-d', '--scale', 'nope=2'], /no such service: nope/);
    await bad([...f(), 'down', '--rmi', 'some'], /invalid --rmi "some": local or all/);
    await bad([...f(), 'run'], /needs a service/);
    await bad([...f(), 'run', '--rm', 'nope', 'true'], /no such service: nope/);
    await bad([...f(), 'port', 'web'], /needs SERVICE and PRIVATE_PORT/);
    await bad([...f(), 'ls', '--format', 'yaml'], /invalid --format "yaml"/);
    await bad([...f(), 'up', '--wait-timeout', 'soon'], /invalid timeout "soon"/);
    assert.deepEqual(await names(), []);
  });

  it('up -d --wait --scale worker=3: returns once db is healthy; three workers; then --scale worker=1 keeps worker-1 only', async () => {
    const r = await ok([...f(), 'up', '-d', '--wait', '--scale', 'worker=3']);
    assert.match(r.stderr, /Container c15-verbs-db-1 {2}Healthy/);
    const cs = await ps();
    assert.deepEqual(cs.map((c) => c.Names).sort(), [
      'c15-verbs-db-1',
      'c15-verbs-web-1',
      'c15-verbs-worker-1',
      'c15-verbs-worker-2',
      'c15-verbs-worker-3',
    ]);
    assert.ok(
      cs.every((c) => c.State === 'running'),
      JSON.stringify(cs),
    );
    const w1 = cs.find((c) => c.Names === 'c15-verbs-worker-1')!.ID;
    const res = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(await res.text(), 'web\n');
    const down = await ok([...f(), 'up', '-d', '--scale', 'worker=1']);
    assert.match(down.stderr, /Container c15-verbs-worker-3 {2}Removed/);
    const after1 = await ps();
    assert.deepEqual(after1.map((c) => c.Names).sort(), ['c15-verbs-db-1', 'c15-verbs-web-1', 'c15-verbs-worker-1']);
    assert.equal(after1.find((c) => c.Names === 'c15-verbs-worker-1')!.ID, w1, 'worker-1 kept');
  });

  it('up --wait fails, one line, when a service turns unhealthy', async () => {
    const r = await cli([...f(), '--profile', 'sick', 'up', '--wait', 'sick']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.trim().split('\n').at(-1)!, /^dockui: dependency failed to start: container c15-verbs-sick-1 is unhealthy$/);
    await ok([...f(), '--profile', 'sick', 'rm', '-s', '-f', 'sick']);
  });

  it('ls: the project and its status (table, -q, json; -a for stopped ones)', async () => {
    const t = await ok(['ls']);
    assert.match(t.stdout, /^NAME +STATUS +CONFIG FILES\n/);
    assert.match(t.stdout, new RegExp(`^c15-verbs +running\\(3\\) +${join(dir, 'compose.yaml')}$`, 'm'));
    assert.equal((await ok(['ls', '-q'])).stdout, 'c15-verbs\n');
    assert.deepEqual(JSON.parse((await ok(['ls', '--format', 'json'])).stdout), [
      { Name: 'c15-verbs', Status: 'running(3)', ConfigFiles: join(dir, 'compose.yaml') },
    ]);
    await ok([...f(), 'stop', 'worker']);
    assert.match((await ok(['ls'])).stdout, /^c15-verbs +exited\(1\), running\(2\) /m);
    await ok([...f(), 'stop', '-t', '0']);
    assert.match((await ok(['ls'])).stdout, /^NAME +STATUS +CONFIG FILES\n$/, 'nothing running: not listed');
    assert.match((await ok(['ls', '-a'])).stdout, /^c15-verbs +exited\(3\) /m);
    await ok([...f(), 'start']);
    assert.match((await ok(['ls'])).stdout, /^c15-verbs +running\(3\) /m);
  });

  it('ps: IMAGE as the file names it (compose v2 prints the list’s Image as is: no tag added)', async () => {
    const r = await ok([...f(), 'ps']);
    assert.match(r.stdout, /^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS\n/);
    assert.match(r.stdout, /^c15-verbs-db-1 +c15-verbs-db +"sh -c [^"]*" +db /m);
    assert.match(r.stdout, /^c15-verbs-worker-1 +busybox:static +"sleep 3600" +worker /m);
    assert.match(r.stdout, new RegExp(`^c15-verbs-web-1 +${webImage.replace(/[.]/g, '\\.')} +`, 'm'));
  });

  it('images: each container’s repository, tag, id and size; -q the ids', async () => {
    const r = await ok([...f(), 'images']);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE$/);
    const [repo, tag] = [webImage.slice(0, webImage.lastIndexOf(':')), webImage.slice(webImage.lastIndexOf(':') + 1)];
    assert.match(r.stdout, new RegExp(`^c15-verbs-web-1 +${repo.replace(/[.]/g, '\\.')} +${tag} +[0-9a-f]{12} +\\d`, 'm'));
    assert.match(r.stdout, /^c15-verbs-db-1 +c15-verbs-db +latest +[0-9a-f]{12} +\d/m);
    assert.match(r.stdout, /^c15-verbs-worker-1 +busybox +static +[0-9a-f]{12} +\d/m);
    const q = (await ok([...f(), 'images', '-q', 'db'])).stdout.trim().split('\n');
    assert.equal(q.length, 1);
    assert.match(q[0]!, /^sha256:[0-9a-f]{64}$/);
  });

  it('top: each running container of the services, then its processes', async () => {
    const r = await ok([...f(), 'top', 'web', 'worker']);
    const blocks = r.stdout.split('\n\n');
    assert.equal(blocks.length, 2, r.stdout);
    assert.match(blocks[0]!, /^c15-verbs-web-1\nUID +PID +PPID +C +STIME +TTY +TIME +CMD\n/);
    assert.match(blocks[0]!, /httpd -f -p 8080/);
    assert.match(blocks[1]!, /^c15-verbs-worker-1\n/);
    assert.match(blocks[1]!, /sleep 3600/);
  });

  it('port: the published address of a service’s port; an unpublished one is one line', async () => {
    assert.equal((await ok([...f(), 'port', 'web', '8080'])).stdout, `127.0.0.1:${port}\n`);
    await bad([...f(), 'port', 'web', '81'], /no port 81\/tcp published for service web/);
    await bad([...f(), 'port', '--index', '2', 'worker', '80'], /service "worker" is not running/);
  });

  it('run: a one-off container with the service’s env, -e, a command; --rm removes it, the exit code is the command’s', async () => {
    const r = await ok([...f(), 'run', '--rm', '-T', '-e', 'EXTRA=1', 'db', 'sh', '-c', 'echo "$EXTRA $ROLE"; hostname']);
    assert.match(r.stdout, /^1 db\n/);
    const three = await cli([...f(), 'run', '--rm', '-T', 'worker', 'sh', '-c', 'exit 3']);
    assert.equal(three.code, 3, three.stderr);
    assert.ok(!(await names()).some((n) => n.includes('-run-')), 'the --rm containers are gone');
    // Without --rm: it stays, labelled one-off, and is not the service's container.
    const kept = await ok([...f(), 'run', '-T', '--name', 'c15-oneoff', 'worker', 'echo', 'hi']);
    assert.equal(kept.stdout, 'hi\n');
    const one = (await ps()).find((c) => c.Names === 'c15-oneoff');
    assert.ok(one, 'kept');
    assert.match(one.Labels, /com\.docker\.compose\.oneoff=True/);
    assert.equal(one.State, 'exited');
    // -d: runs in the background, prints its name; --no-deps; no published port.
    const d = await ok([...f(), 'run', '-d', '--no-deps', 'web']);
    const name = d.stdout.trim();
    assert.match(name, /^c15-verbs-web-run-[0-9a-f]{12}$/);
    assert.equal((await ps()).find((c) => c.Names === name)?.State, 'running');
    assert.equal((await ok([...f(), 'port', 'web', '8080'])).stdout, `127.0.0.1:${port}\n`, 'the service keeps its port');
    assert.equal((await runCli(['rm', '-f', name, 'c15-oneoff'], { root, env })).code, 0);
  });

  it('extra_hosts and deploy.resources.limits reach the containers (and inspect)', async () => {
    const r = await ok([
      ...f(),
      'run',
      '--rm',
      '-T',
      '--no-deps',
      'worker',
      'sh',
      '-c',
      'grep test /etc/hosts; cat /proc/self/cgroup | grep -c memory',
    ]);
    assert.match(r.stdout, /^10\.1\.2\.3\s+gateway\.test$/m);
    assert.match(r.stdout, /^10\.1\.2\.4\s+other\.test$/m);
    const d = await ok([...f(), 'run', '-d', '--no-deps', 'worker']);
    const name = d.stdout.trim();
    const insp = await runCli(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.ExtraHosts}}', name], {
      root,
      env,
    });
    assert.equal(insp.stdout.trim(), `${64 * 1024 * 1024} 50 [gateway.test:10.1.2.3 other.test:10.1.2.4]`, insp.stderr);
    assert.equal((await runCli(['rm', '-f', name], { root, env })).code, 0);
  });

  it('run from a terminal: a pseudo-TTY by default, none with -T; -i hands a pipe to the one-off; on the project network', async () => {
    const run = (argv: readonly string[], input?: string) =>
      new Promise<{ code: number; out: string }>((res, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), {
          env: { ...process.env, ...env, WEB_IMAGE: webImage, DOCKUI_ROOT: root },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => res({ code: code ?? 1, out }));
        child.stdin.end(input ?? '');
      });
    const compose = `${process.execPath} -- ${dockuiBin} compose -f ${join(dir, 'compose.yaml')}`;
    // util-linux script gives the command a terminal (with a size, as a window has: a 0×0 pty costs
    // dockui's 2 s wait for one).
    const tty = await run([
      'script',
      '-qec',
      `stty rows 24 cols 80; ${compose} run --rm --no-deps worker sh -c 'tty; nslookup db >/dev/null 2>&1; exit 4'`,
      '/dev/null',
    ]);
    assert.equal(tty.code, 4, tty.out);
    assert.match(tty.out, /\/dev\/pts\/\d+\r?\n/);
    const noTty = await run(['script', '-qec', `${compose} run --rm --no-deps -T worker sh -c 'tty; exit 0'`, '/dev/null']);
    assert.match(noTty.out, /not a tty/);
    // -i without a terminal: the pipe reaches the container's stdin.
    const piped = await run(['sh', '-c', `${compose} run --rm --no-deps -i worker sh -c 'read l; echo got:$l'`], 'typed\n');
    assert.equal(piped.code, 0, piped.out);
    assert.match(piped.out, /^got:typed$/m);
    assert.ok(!(await names()).some((n) => n.includes('-run-')), 'the --rm one-offs are gone');
  });

  it('push: the images of services with build and image go to the registry; others are skipped', async () => {
    const r = await ok([...f(), 'push']);
    assert.match(r.stderr, new RegExp(`Image ${webImage.replace(/[.]/g, '\\.')} {2}Pushed`));
    assert.doesNotMatch(r.stderr, /busybox|c15-verbs-db/);
    const [name, tag] = [webImage.slice(reg.length + 1, webImage.lastIndexOf(':')), webImage.slice(webImage.lastIndexOf(':') + 1)];
    const res = await fetch(`http://${reg}/v2/${name}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
    });
    assert.equal(res.status, 200);
  });

  it('down --rmi local removes the images built without an image: name; --rmi all every service image', async () => {
    const images = async () => (await runCli(['images', '--format', '{{.Repository}}:{{.Tag}}'], { root, env })).stdout;
    const r = await ok([...f(), 'down', '-v', '-t', '0', '--rmi', 'local']);
    assert.match(r.stderr, /Image c15-verbs-db {2}Removed/);
    const left = await images();
    assert.doesNotMatch(left, /c15-verbs-db/);
    assert.match(left, /c15-verbs\/web/);
    assert.match(left, /busybox:static/);
    assert.deepEqual(await names(), []);
    await ok([...f(), 'up', '-d']);
    const all = await ok([...f(), 'down', '-v', '-t', '0', '--rmi', 'all']);
    assert.match(all.stderr, /Image busybox:static {2}Removed/);
    const none = await images();
    assert.doesNotMatch(none, /c15-verbs|busybox:static/);
  });
});
