// The real docker client (Debian's docker.io 20.10, API 1.41) driving `dockui system service`:
// version negotiation, pull from the fixture registry, run --rm (attach), run -d with a
// published port, logs (and -f), exec (plain, stdin, and -it in a real pty with resize), stop, rm,
// images, build of examples/hello. Containers made through the socket are dockui's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, registry } from '../helpers/env.js';
import { cleanupService, run, startService, type TestService } from './service.js';

const port = 24611;

async function get(url: string): Promise<{ status: number; body: string }> {
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(url);
      return { status: r.status, body: await r.text() };
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('docker CLI through dockui system service', () => {
  let s: TestService;
  let image: string;

  before(async () => {
    s = await startService();
    image = `${registry()}/fixture/busybox`;
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  it('negotiates API 1.41: docker version shows the server', async () => {
    const r = await s.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Client.APIVersion}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1.41 1.24 1.41');
    const info = await s.docker(['info', '--format', '{{.DockerRootDir}} {{.Containers}}']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.stdout.trim(), `${s.root} 0`);
  });

  it('pulls from the fixture registry with progress; docker images lists it', async () => {
    const r = await s.docker(['pull', image]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Pull complete|Already exists/);
    assert.match(r.stdout, new RegExp(`Status: Downloaded newer image for ${image}:latest`));
    const again = await s.docker(['pull', image]);
    assert.match(again.stdout, /Image is up to date/);
    const imgs = await s.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.ok(imgs.stdout.split('\n').includes(`${image}:latest`), imgs.stdout);
    // dockui's own CLI sees the same store.
    assert.match((await s.dockui(['images'])).stdout, /fixture\/busybox/);
  });

  it('docker run --rm echo hi: output through attach, exit code, nothing left', async () => {
    const r = await s.docker(['run', '--rm', '--name', 'api16-hi', image, 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    const err = await s.docker(['run', '--rm', image, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(err.code, 3);
    assert.equal(err.stdout, 'out\n');
    assert.equal(err.stderr, 'err\n');
    const ps = await s.docker(['ps', '-aq']);
    assert.equal(ps.stdout, '');
  });

  it('docker run -i takes stdin through the hijacked connection', async () => {
    const r = await s.docker(['run', '--rm', '-i', image, 'sh', '-c', 'tr a-z A-Z; exit 7'], { input: 'piped text\n' });
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, 'PIPED TEXT\n');
  });

  it('run -d with a published port, logs, exec, stop, rm; dockui ps sees the container', async () => {
    const r = await s.docker([
      'run',
      '-d',
      '--name',
      'api16-web',
      '-p',
      `127.0.0.1:${port}:8080`,
      '--label',
      'api16=yes',
      image,
      'sh',
      '-c',
      'echo started; echo warn >&2; exec httpd -f -p 8080 -h /etc',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const page = await get(`http://127.0.0.1:${port}/hostname`);
    assert.equal(page.status, 200);

    const ps = await s.docker(['ps', '--filter', 'label=api16=yes', '--format', '{{.Names}} {{.Status}} {{.Ports}}']);
    assert.match(ps.stdout, new RegExp(`^api16-web Up .* 127\\.0\\.0\\.1:${port}->8080/tcp\\n$`));
    assert.equal((await s.docker(['ps', '--filter', 'label=api16=no', '-q'])).stdout, '');
    const mine = await s.dockui(['ps', '--format', '{{.Names}}']);
    assert.match(mine.stdout, /api16-web/);

    const logs = await s.docker(['logs', 'api16-web']);
    assert.equal(logs.stdout, 'started\n');
    assert.equal(logs.stderr, 'warn\n');

    const ex = await s.docker(['exec', 'api16-web', 'sh', '-c', 'echo in; echo e2 >&2; exit 4']);
    assert.equal(ex.code, 4);
    assert.equal(ex.stdout, 'in\n');
    assert.equal(ex.stderr, 'e2\n');
    const cat = await s.docker(['exec', '-i', 'api16-web', 'cat'], { input: 'through stdin\n' });
    assert.equal(cat.stdout, 'through stdin\n');
    // docker exec --privileged through the API (ExecConfig.Privileged): CAP_SYS_ADMIN (bit 21) for that process only.
    const capEff = async (extra: string[]) =>
      BigInt(
        `0x${/^CapEff:\s*([0-9a-f]+)$/m.exec((await s.docker(['exec', ...extra, 'api16-web', 'cat', '/proc/self/status'])).stdout)?.[1] ?? '0'}`,
      );
    assert.equal(((await capEff(['--privileged'])) >> 21n) & 1n, 1n);
    assert.equal(((await capEff([])) >> 21n) & 1n, 0n);

    const inspect = await s.docker(['inspect', '--format', '{{.State.Status}} {{.Config.Labels.api16}}', 'api16-web']);
    assert.equal(inspect.stdout.trim(), 'running yes');
    const rmRunning = await s.docker(['rm', 'api16-web']);
    assert.notEqual(rmRunning.code, 0);
    assert.match(rmRunning.stderr, /cannot remove a running container/);

    const stop = await s.docker(['stop', '-t', '1', 'api16-web']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match((await s.docker(['ps', '-a', '--format', '{{.Status}}'])).stdout, /^Exited \(\d+\)/);
    assert.equal((await s.docker(['rm', 'api16-web'])).code, 0);
    const gone = await s.docker(['inspect', 'api16-web']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /No such object: api16-web/);
  });

  it('logs -f follows a running container until it exits', async () => {
    const r = await s.docker([
      'run',
      '-d',
      '--name',
      'api16-follow',
      image,
      'sh',
      '-c',
      'for i in 1 2 3; do echo line$i; sleep 0.4; done; echo gone >&2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const t0 = Date.now();
    // Started while the container has printed line1 at most: the rest arrives only by following.
    const f = await s.docker(['logs', '-f', 'api16-follow']);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'line1\nline2\nline3\n');
    assert.equal(f.stderr, 'gone\n');
    assert.ok(Date.now() - t0 >= 500, 'logs -f returned before the container ended');
    assert.equal((await s.docker(['wait', 'api16-follow'])).stdout, '0\n');
    const rm = await s.docker(['rm', 'api16-follow']);
    assert.equal(rm.code, 0, rm.stderr);
  });

  it('exec -it and run -it in a real pty, with the terminal size passed on', async () => {
    const d = await s.docker(['run', '-d', '--name', 'api16-tty', image, 'sleep', '60']);
    assert.equal(d.code, 0, d.stderr);
    const env = { DOCKER_HOST: `unix://${s.socket}` };
    // util-linux script gives the docker client a terminal of 31x97.
    const tty = await run(
      'script',
      ['-qec', `stty rows 31 cols 97; /usr/bin/docker exec -it api16-tty sh -c 'tty; stty size; exit 6'`, '/dev/null'],
      env,
      null,
    );
    assert.equal(tty.code, 6, tty.stdout);
    assert.match(tty.stdout, /\/dev\/pts\/\d+\r\n31 97\r\n/);
    const it2 = await run(
      'script',
      ['-qec', `stty rows 40 cols 120; /usr/bin/docker run --rm -it ${image} sh -c 'tty; stty size; exit 5'`, '/dev/null'],
      env,
      null,
    );
    assert.equal(it2.code, 5, it2.stdout);
    assert.match(it2.stdout, /\/dev\/pts\/\d+\r\n40 120\r\n/);
    assert.equal((await s.docker(['rm', '-f', 'api16-tty'])).code, 0);
  });

  it('builds examples/hello from a tar context and runs it with a published port', async () => {
    // examples/hello is FROM busybox:static (scripts/try.sh imports the host's); the fixture stands in.
    assert.equal((await s.docker(['tag', image, 'busybox:static'])).code, 0);
    const b = await s.docker(['build', '-t', 'api16-hello:1', join(repoRoot, 'examples/hello')]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /Step 3\/5 : COPY www\/ \/www\//);
    assert.match(b.stdout, /Successfully built [0-9a-f]{12}\nSuccessfully tagged api16-hello:1\n$/);
    const again = await s.docker(['build', '-t', 'api16-hello:1', join(repoRoot, 'examples/hello')]);
    assert.equal(again.stdout.match(/Using cache/g)?.length, 5, again.stdout);
    const hist = await s.docker(['history', '--format', '{{.CreatedBy}}', 'api16-hello:1']);
    assert.match(hist.stdout, /^CMD \["httpd"/);

    const r = await s.docker(['run', '-d', '--name', 'api16-hello', '-p', `127.0.0.1:${port + 1}:8080`, 'api16-hello:1']);
    assert.equal(r.code, 0, r.stderr);
    const page = await get(`http://127.0.0.1:${port + 1}/`);
    assert.match(page.body, /hello from dockui/);
    assert.equal((await s.docker(['rm', '-f', 'api16-hello'])).code, 0);
    const rmi = await s.docker(['rmi', 'api16-hello:1']);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /Untagged: api16-hello:1/);
  });

  it('docker cp in and out of a running container and a stopped one, stats --no-stream, top; a link in the container stays inside', async () => {
    const d = await s.docker([
      'run',
      '-d',
      '--name',
      'api16-cp',
      image,
      'sh',
      '-c',
      'mkdir -p /data/sub; echo inner > /data/sub/f; ln -s / /data/root; exec sleep 60',
    ]);
    assert.equal(d.code, 0, d.stderr);
    const out = join(s.root, 'cp-out');
    for (let i = 0; i < 50; i++) {
      if ((await s.docker(['exec', 'api16-cp', 'test', '-L', '/data/root'])).code === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const get = await s.docker(['cp', 'api16-cp:/data', out]);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(readFileSync(join(out, 'sub/f'), 'utf8'), 'inner\n');
    // The link comes out as a link, never followed into the host's /.
    assert.equal(readlinkSync(join(out, 'root')), '/');
    // In: a file copied to a path whose parent is a link to / in the container lands in its rootfs.
    writeFileSync(join(s.root, 'cp-in.txt'), 'from the host\n');
    const put = await s.docker(['cp', join(s.root, 'cp-in.txt'), 'api16-cp:/data/root/tmp/']);
    assert.equal(put.code, 0, put.stderr);
    assert.equal((await s.docker(['exec', 'api16-cp', 'cat', '/tmp/cp-in.txt'])).stdout, 'from the host\n');
    assert.equal(existsSync('/tmp/cp-in.txt') && readFileSync('/tmp/cp-in.txt', 'utf8') === 'from the host\n', false);
    const missing = await s.docker(['cp', 'api16-cp:/nope', join(s.root, 'x')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such container:path: api16-cp:\/nope/);

    const stats = await s.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'api16-cp']);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^api16-cp \d+\n$/);
    const top = await s.docker(['top', 'api16-cp']);
    assert.match(top.stdout, /^UID +PID +PPID +C +STIME +TTY +TIME +CMD\n.*sleep 60/s);
    // ps options go through as ps_args.
    assert.match((await s.docker(['top', 'api16-cp', '-o', 'pid,comm'])).stdout, /^PID +COMMAND\n\d+ +sleep\n$/);
    // The container is running again after the copies (each paused it), and cp works once it stopped.
    assert.equal((await s.docker(['inspect', '-f', '{{.State.Status}}', 'api16-cp'])).stdout, 'running\n');
    assert.equal((await s.docker(['stop', '-t', '0', 'api16-cp'])).code, 0);
    writeFileSync(join(s.root, 'cp-stopped.txt'), 'while stopped\n');
    const putStopped = await s.docker(['cp', join(s.root, 'cp-stopped.txt'), 'api16-cp:/data/sub/']);
    assert.equal(putStopped.code, 0, putStopped.stderr);
    const getStopped = await s.docker(['cp', 'api16-cp:/data/sub', join(s.root, 'cp-stopped-out')]);
    assert.equal(getStopped.code, 0, getStopped.stderr);
    assert.equal(readFileSync(join(s.root, 'cp-stopped-out/cp-stopped.txt'), 'utf8'), 'while stopped\n');
    assert.equal(readFileSync(join(s.root, 'cp-stopped-out/f'), 'utf8'), 'inner\n');
    assert.equal((await s.docker(['rm', '-f', 'api16-cp'])).code, 0);
  });

  it("answers Docker's status codes: 404 for a missing container or image, 409 for a name in use", async () => {
    const a = await s.docker(['stop', 'api16-nothing']);
    assert.notEqual(a.code, 0);
    assert.match(a.stderr, /Error response from daemon: no such container: api16-nothing/i);
    const b = await s.docker(['image', 'inspect', 'api16-none:1']);
    assert.match(b.stderr, /No such image: api16-none:1/);
    assert.equal((await s.docker(['create', '--name', 'api16-dup', image, 'true'])).code, 0);
    const dup = await s.docker(['create', '--name', 'api16-dup', image, 'true']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /api16-dup/);
    assert.equal((await s.docker(['rm', 'api16-dup'])).code, 0);
  });
});
