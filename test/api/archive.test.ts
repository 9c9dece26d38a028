// The Engine API's /containers/{id}/archive (what `docker cp` calls), against what a reference
// dockerd 20.10.24 (Debian's docker.io, on its own socket and roots) answered for the same
// container content. HEAD and GET carry X-Docker-Container-Path-Stat: base64 of
// {"name","size","mode","mtime","linkTarget"}, mode a Go os.FileMode (1<<31 a directory, 1<<27
// a link, 1<<25 a fifo, 1<<23 setuid, 1<<22 setgid, 1<<20 sticky, then the permission bits),
// mtime RFC 3339 with nanoseconds, name "." for a path ending in "/." and "/" for the root, a
// link's linkTarget where it leads in the container ("/d/f" for "f" in /d), a trailing slash
// following a link to a directory ("/d/lsg/": name "lsg", the directory's mode). GET
// answers the tar docker cp writes (the engine's one writer, test/compat/cp.test.ts checks it
// through the CLI): st_mode's type bits in the mode field, the container's owner names.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { cleanupService, startService, type TestService } from './service.js';

function call(socket: string, method: string, path: string): Promise<{ status: number; stat: unknown; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const h = res.headers['x-docker-container-path-stat'];
        const stat: unknown = typeof h === 'string' ? JSON.parse(Buffer.from(h, 'base64').toString()) : undefined;
        resolve({ status: res.statusCode ?? 0, stat, body: Buffer.concat(parts) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** name, mode, uname/gname, type of each header of an archive. */
function headers(tar: Buffer): string[] {
  const out: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((c) => c === 0)) break;
    const f = (o: number, n: number) =>
      h
        .subarray(o, o + n)
        .toString('latin1')
        .replace(/\0+$/, '');
    const size = Number.parseInt(f(124, 12), 8);
    out.push([f(0, 100), f(100, 8), f(265, 32), f(297, 32), f(156, 1)].join(' '));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('API: /containers/{id}/archive, as dockerd 20.10 answers it', () => {
  let s: TestService;
  const box = 'api-archive';
  before(async () => {
    s = await startService();
    const image = `${registry()}/fixture/busybox`;
    assert.equal((await s.docker(['pull', '-q', image])).code, 0);
    const r = await s.docker([
      'run',
      '-d',
      '--name',
      box,
      image,
      'sh',
      '-c',
      'mkdir -p /d/sg && echo x > /d/f && chmod 4755 /d/f && mkfifo /d/fifo && chmod 3775 /d/sg && ln -s f /d/l && ln -s sg /d/lsg && touch /ready && exec sleep 300',
    ]);
    assert.equal(r.code, 0, r.stderr);
    for (let i = 0; i < 100 && (await s.docker(['exec', box, 'test', '-e', '/ready'])).code !== 0; i++)
      await new Promise((res) => setTimeout(res, 100));
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  const stat = async (method: string, path: string) => {
    const r = await call(s.socket, method, `/v1.41/containers/${box}/archive?path=${encodeURIComponent(path)}`);
    assert.equal(r.status, 200, `${method} ${path}: ${r.body.toString()}`);
    const st = r.stat as { name: string; size: number; mode: number; mtime: string; linkTarget: string };
    assert.match(st.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/, path);
    return { name: st.name, mode: st.mode, linkTarget: st.linkTarget, ...(st.mode < 2 ** 31 ? { size: st.size } : {}) };
  };

  it("HEAD's path stat: Go's file mode bits, docker's names", async () => {
    assert.deepEqual(await stat('HEAD', '/d/sg'), { name: 'sg', mode: 2152727037, linkTarget: '' });
    assert.deepEqual(await stat('HEAD', '/d/fifo'), { name: 'fifo', mode: 33554852, linkTarget: '', size: 0 });
    assert.deepEqual(await stat('HEAD', '/d/f'), { name: 'f', mode: 8389101, linkTarget: '', size: 2 });
    // A link's target as it resolves in the container (moby's FollowSymlinkInScope), not as written.
    assert.deepEqual(await stat('HEAD', '/d/l'), { name: 'l', mode: 134218239, linkTarget: '/d/f', size: 1 });
    // A trailing slash follows a link at the end; the name stays the path's.
    assert.deepEqual(await stat('HEAD', '/d/lsg/'), { name: 'lsg', mode: 2152727037, linkTarget: '' });
    assert.deepEqual(await stat('HEAD', '/d/.'), { name: '.', mode: 2147484141, linkTarget: '' });
    // The root of a running container: a directory (not the link /proc/PID/root is).
    assert.deepEqual(await stat('HEAD', '/'), { name: '/', mode: 2147484141, linkTarget: '' });
  });

  it("GET: the same stat, and docker cp's tar", async () => {
    assert.deepEqual(await stat('GET', '/d'), await stat('HEAD', '/d'));
    const r = await call(s.socket, 'GET', `/v1.41/containers/${box}/archive?path=/d`);
    assert.deepEqual(headers(r.body), [
      'd/ 0040755 root root 5',
      'd/f 0104755 root root 0',
      'd/fifo 0010644 root root 6',
      'd/l 0120777 root root 2',
      'd/lsg 0120777 root root 2',
      'd/sg/ 0043775 root root 5',
    ]);
    const content = await call(s.socket, 'GET', `/v1.41/containers/${box}/archive?path=/d/.`);
    assert.deepEqual(headers(content.body).slice(0, 2), ['./ 0040755 root root 5', './f 0104755 root root 0']);
  });
});
