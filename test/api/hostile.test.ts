// The service against requests no well-behaved client sends: bad JSON, huge bodies, versions
// out of range, build contexts that try to write outside their dir; and the service's own
// contract: socket mode 0660, idle exit, loopback-only TCP.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { encodeHeader, endOfArchive, padding, typeFlag } from '../../src/engine/fsutil/tar.js';
import { dockuiBin } from '../helpers/env.js';
import { cleanupService, raw, run, startService, type TestService } from './service.js';

function tar(entries: readonly { name: string; type?: 'file' | 'dir' | 'symlink' | 'hardlink'; data?: string; link?: string }[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const type = typeFlag[e.type ?? 'file'];
    const data = Buffer.from(e.data ?? '');
    const size = type === typeFlag.file ? data.length : 0;
    out.push(encodeHeader({ name: e.name, type, mode: 0o644, uid: 0, gid: 0, size, mtime: 0, ...(e.link ? { linkname: e.link } : {}) }));
    if (size) out.push(data, Buffer.alloc(padding(size)));
  }
  out.push(endOfArchive());
  return Buffer.concat(out);
}

/** The one-line JSON error body Docker's clients read. */
function message(body: string): string {
  assert.equal(body.trimEnd().split('\n').length, 1, body);
  return (JSON.parse(body) as { message: string }).message;
}

describe('the API service against hostile requests', () => {
  let s: TestService;
  before(async () => {
    s = await startService();
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  it('creates its socket with mode 0660', () => {
    assert.equal(statSync(s.socket).mode & 0o777, 0o660);
  });

  it('refuses bad JSON, wrong types and missing fields with a 400 and one line', async () => {
    const bad = await raw(s.socket, 'POST', '/v1.41/containers/create', '{"Image": ', { 'Content-Type': 'application/json' });
    assert.equal(bad.status, 400);
    assert.match(message(bad.body), /^invalid JSON body: /);
    const wrong = await raw(s.socket, 'POST', '/containers/create', JSON.stringify({ Image: 5 }));
    assert.equal(wrong.status, 400);
    assert.equal(message(wrong.body), 'invalid Image: expected a string');
    const arr = await raw(s.socket, 'POST', '/containers/create', '[1,2]');
    assert.equal(arr.status, 400);
    const none = await raw(s.socket, 'POST', '/containers/create', '{}');
    assert.equal(none.status, 400);
    const filt = await raw(s.socket, 'GET', '/containers/json?filters=%7Bnope');
    assert.equal(filt.status, 400);
    assert.match(message(filt.body), /^invalid filters/);
  });

  it('caps bodies: a 4 MiB create body is refused (413) without being buffered, and the service goes on', async () => {
    async function* huge(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, 0x20);
    }
    // Keep-alive: the service drains what it refused rather than cutting the client off mid-write.
    const r = await raw(s.socket, 'POST', '/containers/create', huge(), { 'Content-Type': 'application/json', Connection: 'keep-alive' });
    assert.equal(r.status, 413);
    assert.match(message(r.body), /request body too large/);
    const declared = await raw(s.socket, 'POST', '/containers/create', '{}', { 'Content-Length': String(1 << 30) });
    assert.equal(declared.status, 413);
    assert.equal((await raw(s.socket, 'GET', '/_ping')).body, 'OK');
  });

  it('negotiates versions: too new and too old are 400, /v1.40 and no prefix are served, HEAD /_ping has no body', async () => {
    const n = await raw(s.socket, 'GET', '/v1.99/version');
    assert.equal(n.status, 400);
    assert.match(message(n.body), /client version 1\.99 is too new\. Maximum supported API version is 1\.41/);
    assert.equal((await raw(s.socket, 'GET', '/v1.12/version')).status, 400);
    assert.equal((await raw(s.socket, 'GET', '/v1.40/containers/json')).status, 200);
    const head = await raw(s.socket, 'HEAD', '/_ping');
    assert.equal(head.status, 200);
    assert.equal(head.headers['api-version'], '1.41');
    assert.equal(head.body, '');
    const nf = await raw(s.socket, 'GET', '/v1.41/nothing/here');
    assert.equal(nf.status, 404);
    assert.equal(message(nf.body), 'page not found');
    const nc = await raw(s.socket, 'GET', '/containers/api16-missing/json');
    assert.equal(nc.status, 404);
  });

  it('keeps a build context inside its dir: .. refused, links followed inside, nothing left in ROOT/tmp', async () => {
    const outside = join(s.root, 'api16-escape');
    const esc = await raw(
      s.socket,
      'POST',
      '/build?t=api16-esc:1',
      tar([
        { name: 'Dockerfile', data: 'FROM scratch\nCOPY a /a\n' },
        { name: '../api16-escape', data: 'x' },
      ]),
      { 'Content-Type': 'application/x-tar' },
    );
    assert.equal(esc.status, 200);
    assert.match(esc.body, /"error":"build context refused: entry \\"..\/api16-escape\\" climbs out of the context/);
    assert.equal(existsSync(outside), false);

    // A link to / and a file written "through" it: the file lands inside the context.
    const planted = '/var/tmp/api16-planted';
    rmSync(planted, { force: true });
    const link = await raw(
      s.socket,
      'POST',
      '/build?t=api16-link:1',
      tar([
        { name: 'Dockerfile', data: 'FROM scratch\nCOPY link/var/tmp/api16-planted /planted\n' },
        { name: 'link', type: 'symlink', link: '/' },
        { name: 'link/var/tmp/api16-planted', data: 'inside\n' },
      ]),
    );
    assert.match(link.body, /Successfully tagged api16-link:1/, link.body);
    assert.equal(existsSync(planted), false);

    const hard = await raw(
      s.socket,
      'POST',
      '/build',
      tar([
        { name: 'Dockerfile', data: 'FROM scratch\n' },
        { name: 'pw', type: 'hardlink', link: '../../../../etc/passwd' },
      ]),
    );
    assert.match(hard.body, /"error":"build context refused/);
    assert.deepEqual(
      readdirSync(join(s.root, 'tmp')).filter((n) => n.startsWith('build-context-')),
      [],
    );
  });

  it('refuses odd create fields with one line', async () => {
    const net = await raw(s.socket, 'POST', '/containers/create', JSON.stringify({ Image: 'x', HostConfig: { NetworkMode: 'other' } }));
    assert.equal(net.status, 404);
    assert.match(message(net.body), /network other not found/);
    const port = await raw(
      s.socket,
      'POST',
      '/containers/create',
      JSON.stringify({ Image: 'x', HostConfig: { PortBindings: { 'a/tcp': [] } } }),
    );
    assert.equal(port.status, 400);
  });
});

describe('the API service lifecycle', () => {
  it('exits after --time idle seconds and removes its socket; an open stream keeps it', async () => {
    const s = await startService({ idleSeconds: 1 });
    try {
      // An events stream open for 1.5 s: the service stays up past its idle time.
      const t0 = Date.now();
      const ev = await raw(s.socket, 'GET', `/events?until=${(Date.now() / 1000 + 1.5).toFixed(3)}`);
      assert.equal(ev.status, 200);
      assert.ok(Date.now() - t0 > 900);
      assert.equal(s.proc.exitCode, null);
      const code = await new Promise<number | null>((r) => s.proc.on('exit', (c) => r(c)));
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 6000);
      assert.equal(existsSync(s.socket), false);
    } finally {
      await cleanupService(s);
    }
  });

  it('listens on TCP only on loopback', async () => {
    const r = await run(process.execPath, ['--', dockuiBin, 'system', 'service', 'tcp://0.0.0.0:24621'], {
      DOCKUI_ROOT: '/var/tmp/dockui-api16-tcp',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^dockui: refusing to listen on 0\.0\.0\.0: .*loopback only\n$/);
    const s = await run(
      'sh',
      [
        '-c',
        `${process.execPath} -- ${dockuiBin} system service --time 1 tcp://127.0.0.1:24622 & for i in $(seq 100); do curl -sf http://127.0.0.1:24622/_ping && break; sleep 0.1; done; wait`,
      ],
      { DOCKUI_ROOT: '/var/tmp/dockui-api16-tcp' },
    );
    assert.equal(s.stdout, 'OK');
    rmSync('/var/tmp/dockui-api16-tcp', { recursive: true, force: true });
  });
});
