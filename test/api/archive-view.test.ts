// GET/HEAD /containers/{id}/archive of a running container's root and the paths under its
// mounts, against what a reference dockerd 20.10.24 (Debian's docker.io, its own socket and
// roots) answered for `docker run -d -v VOL:/data --tmpfs /scratch busybox …`: dockerd reads
// the container's rootfs with its volumes, binds and /etc files mounted over it (moby's
// daemon.Mount + mountVolumes), not the container's mount namespace. So its `docker cp C:/ -`
// held: /.dockerenv (an empty 0755 file), /dev/ with only console (an empty 0755 file), pts/
// and shm/ (the init layer's), /etc/mtab -> /proc/mounts, /etc/hostname, hosts and resolv.conf
// with the container's content, /proc/ and /sys/ empty (the image's directories, 0755), the
// volume's files under /data, /scratch/ empty (tmpfs mounts are left out). The same with the
// container stopped. X-Docker-Container-Path-Stat's mtime is in the daemon's local zone: with
// TZ=Asia/Kolkata it sent "2026-12-08T08:53:55.903676937+05:30" where UTC had "…03:23:55…Z".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { cleanupService, raw, startService, type TestService } from './service.js';

function get(socket: string, method: string, path: string): Promise<{ status: number; stat: Record<string, unknown>; body: Buffer }> {
  return import('node:http').then(
    ({ request }) =>
      new Promise((resolve, reject) => {
        const req = request({ socketPath: socket, method, path, agent: false }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => {
            const h = res.headers['x-docker-container-path-stat'];
            const stat = typeof h === 'string' ? (JSON.parse(Buffer.from(h, 'base64').toString()) as Record<string, unknown>) : {};
            resolve({ status: res.statusCode ?? 0, stat, body: Buffer.concat(parts) });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      }),
  );
}

/** "name mode type size" of each entry of a tar, and a file's content by name. */
function entries(tar: Buffer): { list: string[]; content: Map<string, string> } {
  const list: string[] = [];
  const content = new Map<string, string>();
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((c) => c === 0)) break;
    const f = (o: number, n: number) =>
      h
        .subarray(o, o + n)
        .toString('latin1')
        .replace(/\0+$/, '');
    const size = Number.parseInt(f(124, 12), 8);
    const name = f(0, 100);
    const link = f(157, 100);
    list.push(`${name} ${(Number.parseInt(f(100, 8), 8) & 0o7777).toString(8)} ${f(156, 1)}${link ? ` -> ${link}` : ''}`);
    content.set(name, tar.subarray(off + 512, off + 512 + size).toString());
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return { list, content };
}

describe("API: archive of a container's root, as dockerd 20.10 reads it", () => {
  let s: TestService;
  const box = 'api-archive-view';
  // dockerd's `docker cp api-archive-view:/ -`, /bin and /usr/bin's content left out (/ready:
  // the test's own file).
  const dockerd = [
    '/ 755 5',
    '/.dockerenv 755 0',
    '/bin/ 755 5',
    '/data/ 755 5',
    '/data/x 644 0',
    '/dev/ 755 5',
    '/dev/console 755 0',
    '/dev/pts/ 755 5',
    '/dev/shm/ 755 5',
    '/etc/ 755 5',
    '/etc/group 644 0',
    '/etc/hostname 644 0',
    '/etc/hosts 644 0',
    '/etc/mtab 777 2 -> /proc/mounts',
    '/etc/passwd 644 0',
    '/etc/resolv.conf 644 0',
    '/home/ 755 5',
    '/proc/ 755 5',
    '/ready 644 0',
    '/root/ 755 5',
    '/scratch/ 755 5',
    '/sys/ 755 5',
    '/tmp/ 1777 5',
    '/usr/ 755 5',
    '/usr/bin/ 755 5',
    '/var/ 755 5',
  ];
  before(async () => {
    s = await startService({ env: { TZ: 'Asia/Kolkata' } });
    const image = `${registry()}/fixture/busybox`;
    assert.equal((await s.docker(['pull', '-q', image])).code, 0);
    const r = await s.docker([
      'run',
      '-d',
      '--name',
      box,
      '-v',
      'api-archive-view-vol:/data',
      '--tmpfs',
      '/scratch',
      image,
      'sh',
      '-c',
      'echo hi > /data/x && echo t > /scratch/y && touch /ready && exec sleep 300',
    ]);
    assert.equal(r.code, 0, r.stderr);
    for (let i = 0; i < 100 && (await s.docker(['exec', box, 'test', '-e', '/ready'])).code !== 0; i++)
      await new Promise((res) => setTimeout(res, 100));
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  const root = async () => {
    const r = await get(s.socket, 'GET', `/v1.41/containers/${box}/archive?path=/`);
    assert.equal(r.status, 200, r.body.toString());
    return entries(r.body);
  };
  const expectView = async () => {
    const { list, content } = await root();
    assert.deepEqual(
      list.filter((l) => !/^\/(usr\/)?bin\/\S/.test(l)),
      dockerd,
    );
    assert.equal(content.get('/data/x'), 'hi\n');
    const id = (await s.docker(['inspect', '-f', '{{.Id}}', box])).stdout.trim();
    assert.equal(content.get('/etc/hostname'), `${id.slice(0, 12)}\n`);
    assert.match(content.get('/etc/hosts') ?? '', /localhost/);
  };

  it('a running container: its rootfs with the volume and /etc files over it, no /proc, /sys, /dev or tmpfs content', async () => {
    await expectView();
    // Under a mount: the volume's content; /dev: the init layer's entries only.
    const data = await get(s.socket, 'GET', `/v1.41/containers/${box}/archive?path=/data`);
    assert.deepEqual(entries(data.body).list, ['data/ 755 5', 'data/x 644 0']);
    const dev = await get(s.socket, 'GET', `/v1.41/containers/${box}/archive?path=/dev`);
    assert.deepEqual(entries(dev.body).list, ['dev/ 755 5', 'dev/console 755 0', 'dev/pts/ 755 5', 'dev/shm/ 755 5']);
    const proc = await get(s.socket, 'HEAD', `/v1.41/containers/${box}/archive?path=/proc`);
    assert.equal(proc.stat.mode, 2 ** 31 + 0o755);
    // Nothing of the copy is left mounted.
    assert.doesNotMatch((await import('node:fs')).readFileSync('/proc/self/mountinfo', 'utf8'), /cpview-/);
  });

  it("the path stat's mtime: RFC 3339 in the service's local zone (TZ), as dockerd's", async () => {
    const r = await get(s.socket, 'HEAD', `/v1.41/containers/${box}/archive?path=/ready`);
    const mtime = String(r.stat.mtime);
    assert.match(mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?\+05:30$/);
    const secs = (await s.docker(['exec', box, 'stat', '-c', '%Y', '/ready'])).stdout.trim();
    assert.equal(Date.parse(mtime) / 1000 - ((Date.parse(mtime) / 1000) % 1), Number(secs));
  });

  it('a stopped container: the same view, its volume mounted for the copy', async () => {
    assert.equal((await s.docker(['stop', '-t', '0', box])).code, 0);
    await expectView();
  });

  it('/.dockerenv and /etc/mtab are in the container too (the init layer)', async () => {
    const r = await raw(s.socket, 'POST', `/v1.41/containers/${box}/start`);
    assert.equal(r.status, 204, r.body);
    const ls = await s.docker(['exec', box, 'ls', '-la', '/.dockerenv', '/etc/mtab']);
    assert.match(ls.stdout, /-rwxr-xr-x .* \/\.dockerenv\n/);
    assert.match(ls.stdout, /\/etc\/mtab -> \/proc\/mounts\n/);
  });
});
