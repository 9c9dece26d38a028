// The Engine API's exec start and resize, against what a reference dockerd 20.10.24 (Debian's
// docker.io, containerd 1.6.20, on its own socket and roots) answered for the same requests:
//  - POST /exec/{id}/resize before the start: dockerd waits up to 10 s for the exec's command to
//    run: none came, 500 {"message":"timeout waiting for exec session ready"} (10.0 s, TTY or
//    not); a start meanwhile, 200 once the command runs, and its pty has the size (`sleep 0.5;
//    stty size` said "21 81"). A non-TTY exec's resize while it runs: 200. Once it ended, or
//    when it could not start: 404 {"message":"no such exec"}.
//  - A non-TTY exec started with {"Detach":true} whose command cannot start: 400 and
//    {"message":"OCI runtime exec failed: exec failed: unable to start container process: exec:
//    \"nonexistent-cmd\": executable file not found in $PATH: unknown"} (`exec: \"/etc\":
//    permission denied: unknown` for /etc), then Running false, ExitCode 126, Pid 0. One that
//    runs: 200 once it does, Pid its host pid (`docker top`'s, the `sh -c …` itself), its
//    output dropped, then its exit code (3).
//  - Started on its stream (101), a command that cannot start: the same words and "\r\n" on the
//    stream, in a stdout frame without a TTY, as they are with one; Running false, ExitCode
//    126, Pid 0. (docker's CLI prints them and exits 126.)
//  - A second start: 409 {"message":"Error: Exec command ID has already run"} when detached; the
//    same words in a stdout frame on the stream (101) otherwise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { cleanupService, raw, startService, type TestService } from './service.js';

/** POST /exec/{id}/start upgraded, read to the stream's end: the reply's head and the bytes after it. */
function startOnStream(socket: string, id: string, body: unknown, upgrade = true): Promise<{ head: string; data: Buffer }> {
  return postOnStream(socket, `/v1.41/exec/${id}/start`, JSON.stringify(body), upgrade);
}

/** A POST on a connection of its own, read until the server closes it: the reply's head and the bytes after it. */
function postOnStream(socket: string, path: string, text: string, upgrade: boolean): Promise<{ head: string; data: Buffer }> {
  return new Promise((resolve, reject) => {
    const sock = connect(socket);
    const parts: Buffer[] = [];
    sock.on('data', (d: Buffer) => parts.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(parts);
      const at = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, at).toString(), data: all.subarray(at + 4) });
    });
    sock.write(
      `POST ${path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n` +
        `${upgrade ? 'Connection: Upgrade\r\nUpgrade: tcp\r\n' : ''}Content-Length: ${text.length}\r\n\r\n${text}`,
    );
  });
}

/** A multiplexed stream's frames: [stream id, text]. */
function frames(b: Buffer): [number, string][] {
  const out: [number, string][] = [];
  for (let off = 0; off + 8 <= b.length; ) {
    const n = b.readUInt32BE(off + 4);
    out.push([b[off]!, b.subarray(off + 8, off + 8 + n).toString()]);
    off += 8 + n;
  }
  return out;
}

const notFound =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "nonexistent-cmd": executable file not found in $PATH: unknown';

describe('API: exec start and resize, as dockerd 20.10 answers them', () => {
  let s: TestService;
  const box = 'api-exec-start';
  const post = (path: string, body?: unknown) =>
    raw(s.socket, 'POST', path, body === undefined ? undefined : JSON.stringify(body), { 'Content-Type': 'application/json' });
  const create = async (body: Record<string, unknown>) => {
    const c = await post(`/v1.41/containers/${box}/exec`, { AttachStdout: true, AttachStderr: true, ...body });
    assert.equal(c.status, 201, c.body);
    return (JSON.parse(c.body) as { Id: string }).Id;
  };
  const state = async (id: string) => {
    const { Running, ExitCode, Pid } = JSON.parse((await raw(s.socket, 'GET', `/v1.41/exec/${id}/json`)).body) as {
      Running: boolean;
      ExitCode: number | null;
      Pid: number;
    };
    return { Running, ExitCode, Pid };
  };
  const reply = (r: { status: number; body: string }) => ({ status: r.status, ...(r.body ? (JSON.parse(r.body) as object) : {}) });
  const resize = async (id: string, h = 21, w = 81) => reply(await post(`/v1.41/exec/${id}/resize?h=${h}&w=${w}`));
  before(async () => {
    s = await startService();
    const image = `${registry()}/fixture/busybox`;
    assert.equal((await s.docker(['pull', '-q', image])).code, 0);
    const r = await s.docker(['run', '-d', '--name', box, image, 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  it('a resize before the start waits for it: 500 after 10 s without one, 200 once the command of one runs', async () => {
    const [tty, plain, late] = await Promise.all([
      create({ Cmd: ['sleep', '5'], Tty: true }),
      create({ Cmd: ['sleep', '5'], Tty: false }),
      create({ Cmd: ['sh', '-c', 'sleep 0.5; stty size'], Tty: true }),
    ]);
    const t0 = Date.now();
    const waited = Promise.all([resize(tty), resize(plain)]);
    const lateResize = resize(late);
    await new Promise((r) => setTimeout(r, 1000));
    const out = await startOnStream(s.socket, late, { Detach: false, Tty: true });
    assert.deepEqual(await lateResize, { status: 200 });
    assert.equal(out.data.toString(), '21 81\r\n');
    const timeout = { status: 500, message: 'timeout waiting for exec session ready' };
    assert.deepEqual(await waited, [timeout, timeout]);
    assert.ok(Date.now() - t0 >= 9500, `answered after ${Date.now() - t0} ms`);
    // Once the command ended: dockerd's 404.
    assert.deepEqual(await resize(late), { status: 404, message: 'no such exec' });
  });

  it("Detach without a TTY, a command that cannot start: 400 in dockerd's words, then not running, 126, Pid 0", async () => {
    for (const [cmd, why] of [
      ['nonexistent-cmd', notFound],
      ['/etc', 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc": permission denied: unknown'],
    ] as const) {
      const id = await create({ Cmd: [cmd], Tty: false });
      assert.deepEqual(reply(await post(`/v1.41/exec/${id}/start`, { Detach: true })), { status: 400, message: why });
      assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: 0 });
      assert.deepEqual(await resize(id), { status: 404, message: 'no such exec' });
    }
  });

  it("Detach without a TTY: 200 once it runs, Pid the command's host pid, a resize accepted, then its exit code", async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo out; echo err >&2; sleep 2; exit 3'], Tty: false });
    assert.deepEqual(reply(await post(`/v1.41/exec/${id}/start`, { Detach: true })), { status: 200 });
    const st = await state(id);
    assert.deepEqual(st, { Running: true, ExitCode: null, Pid: st.Pid });
    // The command itself, not a runc waiting on it.
    assert.deepEqual(readFileSync(`/proc/${st.Pid}/cmdline`, 'utf8').split('\0').slice(0, 2), ['sh', '-c']);
    assert.deepEqual(await resize(id), { status: 200 });
    for (let i = 0; i < 100 && (await state(id)).Running; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await state(id), { Running: false, ExitCode: 3, Pid: st.Pid });
    // A command that ends at once ran all the same.
    const quick = await create({ Cmd: ['true'], Tty: false });
    assert.deepEqual(reply(await post(`/v1.41/exec/${quick}/start`, { Detach: true })), { status: 200 });
    for (let i = 0; i < 100 && (await state(quick)).Running; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await state(quick)).ExitCode, 0);
  });

  it("on its stream, a command that cannot start: dockerd's words on the stream (a stdout frame without a TTY), 126, Pid 0", async () => {
    const plain = await create({ Cmd: ['nonexistent-cmd'], Tty: false });
    const p = await startOnStream(s.socket, plain, { Detach: false, Tty: false });
    assert.match(p.head, /^HTTP\/1.1 101 UPGRADED\r\n/);
    assert.deepEqual(frames(p.data), [[1, `${notFound}\r\n`]]);
    assert.deepEqual(await state(plain), { Running: false, ExitCode: 126, Pid: 0 });
    const tty = await create({ Cmd: ['nonexistent-cmd'], Tty: true });
    const t = await startOnStream(s.socket, tty, { Detach: false, Tty: true });
    assert.equal(t.data.toString(), `${notFound}\r\n`);
    assert.deepEqual(await state(tty), { Running: false, ExitCode: 126, Pid: 0 });
  });

  it("on its stream without a TTY: stdout and stderr framed, Pid the command's host pid, its exit code", async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo out; sleep 1; echo err >&2; exit 4'], Tty: false });
    const run = startOnStream(s.socket, id, { Detach: false, Tty: false });
    let st = await state(id);
    for (let i = 0; i < 50 && st.Pid === 0; i++) st = (await new Promise((r) => setTimeout(r, 50)), await state(id));
    assert.deepEqual(readFileSync(`/proc/${st.Pid}/cmdline`, 'utf8').split('\0').slice(0, 2), ['sh', '-c']);
    assert.deepEqual(frames((await run).data), [
      [1, 'out\n'],
      [2, 'err\n'],
    ]);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 4, Pid: st.Pid });
  });

  // dockerd hijacks the connection without an upgrade too: "200 OK", its Content-Type and the
  // version headers it copies (Api-Version, Docker-Experimental, Ostype, Server), no Date, no
  // Transfer-Encoding (the stream's bytes as they come, not chunked), closed at the end. (It
  // said the same with a TTY, and with the upgrade: "101 UPGRADED", Connection and Upgrade first.)
  const streamHead = (status: string) =>
    [status, 'Content-Type: application/vnd.docker.raw-stream', 'Api-Version: 1.41', 'Docker-Experimental: false', 'Ostype: linux'].join(
      '\r\n',
    );
  it("on its stream without an upgrade: dockerd's 200 head, the raw stream (not chunked), closed at its end", async () => {
    const id = await create({ Cmd: ['sh', '-c', 'echo out; sleep 0.3; echo err >&2'], Tty: false });
    const { head, data } = await startOnStream(s.socket, id, { Detach: false, Tty: false }, false);
    assert.equal(head.replace(/\r\nServer: [^\r]*$/, ''), streamHead('HTTP/1.1 200 OK'));
    assert.match(head, /\r\nServer: \S+$/);
    assert.deepEqual(frames(data), [
      [1, 'out\n'],
      [2, 'err\n'],
    ]);
    const tty = await create({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], Tty: true });
    const t = await startOnStream(s.socket, tty, { Detach: false, Tty: true }, false);
    assert.equal(t.head.replace(/\r\nServer: [^\r]*$/, ''), streamHead('HTTP/1.1 200 OK'));
    assert.equal(t.data.toString(), 'out\r\nerr\r\n');
    const up = await startOnStream(s.socket, await create({ Cmd: ['true'] }), { Detach: false }, true);
    assert.equal(
      up.head.replace(/\r\nServer: [^\r]*$/, ''),
      streamHead('HTTP/1.1 101 UPGRADED').replace('raw-stream', 'raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp'),
    );
  });

  it("attach without an upgrade: dockerd's bare 200 head (Content-Type only), the raw stream, closed at the end", async () => {
    const image = `${registry()}/fixture/busybox`;
    for (const tty of [false, true]) {
      const name = `api-attach-plain-${tty}`;
      const c = await s.docker([
        'create',
        ...(tty ? ['-t'] : []),
        '--name',
        name,
        image,
        'sh',
        '-c',
        'sleep 0.5; echo out; sleep 0.3; echo err >&2',
      ]);
      assert.equal(c.code, 0, c.stderr);
      const attached = postOnStream(s.socket, `/v1.41/containers/${name}/attach?stream=1&stdout=1&stderr=1`, '', false);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await s.docker(['start', name])).code, 0);
      const { head, data } = await attached;
      assert.equal(head, 'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream');
      if (tty) assert.equal(data.toString(), 'out\r\nerr\r\n');
      else
        assert.deepEqual(frames(data), [
          [1, 'out\n'],
          [2, 'err\n'],
        ]);
    }
  });

  it("a second start: 409 in dockerd's words, on the stream when not detached", async () => {
    const id = await create({ Cmd: ['true'], Tty: false });
    assert.deepEqual(frames((await startOnStream(s.socket, id, { Detach: false })).data), []);
    const why = `Error: Exec command ${id} has already run`;
    assert.deepEqual(reply(await post(`/v1.41/exec/${id}/start`, { Detach: true })), { status: 409, message: why });
    const again = await startOnStream(s.socket, id, { Detach: false });
    assert.match(again.head, /^HTTP\/1.1 101 UPGRADED\r\n/);
    assert.deepEqual(frames(again.data), [[1, `${why}\r\n`]]);
  });
});
