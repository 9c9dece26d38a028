// The Engine API's exec DetachKeys (POST /containers/{id}/exec), as dockerd 20.10 takes them: a
// bad sequence is refused at create, with or without a TTY (500, the daemon's words); exec
// inspect shows the sequence's bytes (a Go []byte: base64); on a TTY exec with stdin the keys
// end the hijacked stream and the command runs on, ctrl-p ctrl-q going through as typed. The
// daemon's default is ctrl-p ctrl-q: the service's own client config (~/.docker/config.json's
// detachKeys, which dockui's CLI reads) plays no part.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { cleanupService, raw, startService, type TestService } from './service.js';

/** POST /exec/{id}/start upgraded to a raw stream: what arrives, what to send, and its end. */
function hijack(socketPath: string, id: string): Promise<{ sock: Socket; text: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = '';
    let upgraded = false;
    const ended = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!upgraded && buf.includes('\r\n\r\n')) {
        upgraded = true;
        if (!buf.startsWith('HTTP/1.1 101')) reject(new Error(buf));
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        resolve({ sock, text: () => buf, ended });
      }
    });
    const body = JSON.stringify({ Detach: false, Tty: true });
    sock.write(
      `POST /v1.41/exec/${id}/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\n` +
        `Upgrade: tcp\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  });
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('API: exec DetachKeys', () => {
  let s: TestService;
  const box = 'api-exec-detach';
  const post = (path: string, body: unknown) => raw(s.socket, 'POST', path, JSON.stringify(body), { 'Content-Type': 'application/json' });
  // The service's client config: keys a CLI would read, which the daemon's default must not be.
  const cfgDir = mkdtempSync('/var/tmp/dockui-xe-service-config-');
  const savedConfig = process.env.DOCKER_CONFIG;
  before(async () => {
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-b' }));
    process.env.DOCKER_CONFIG = cfgDir;
    s = await startService();
    if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedConfig;
    const image = `${registry()}/fixture/busybox`;
    assert.equal((await s.docker(['pull', '-q', image])).code, 0);
    const r = await s.docker(['run', '-d', '--name', box, image, 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    if (s) await cleanupService(s);
    rmSync(cfgDir, { recursive: true, force: true });
  });

  it("a bad sequence is refused at create, TTY or not: 500 and the daemon's words", async () => {
    for (const [keys, tty] of [
      ['ctrl-1', true],
      ['bogus', false],
    ] as const) {
      const r = await post(`/v1.41/containers/${box}/exec`, { Cmd: ['true'], AttachStdin: true, Tty: tty, DetachKeys: keys });
      assert.equal(r.status, 500, r.body);
      assert.deepEqual(JSON.parse(r.body), { message: `Invalid escape keys (${keys}) provided` });
    }
  });

  it('ctrl-a,x ends the stream, the command runs on; ctrl-p ctrl-q reach it as typed', async () => {
    const c = await post(`/v1.41/containers/${box}/exec`, {
      Cmd: ['sh'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      DetachKeys: 'ctrl-a,x',
    });
    assert.equal(c.status, 201, c.body);
    const id = (JSON.parse(c.body) as { Id: string }).Id;
    const before = JSON.parse((await raw(s.socket, 'GET', `/v1.41/exec/${id}/json`)).body) as { DetachKeys: string };
    assert.equal(before.DetachKeys, Buffer.from([1, 0x78]).toString('base64'));
    const h = await hijack(s.socket, id);
    // As docker's client does once the stream is up.
    assert.equal((await post(`/v1.41/exec/${id}/resize?h=24&w=80`, {})).status, 200);
    await until('the prompt', () => h.text().includes('/ # '));
    h.sock.write('\x10\x11echo mark-$((2+3))\r');
    await until('the shell to answer', () => h.text().includes('mark-5'));
    h.sock.write('sleep 4545\r');
    const top = async () => (await s.docker(['top', box])).stdout;
    await until('sleep 4545 in top', async () => (await top()).includes('sleep 4545'));
    h.sock.write('\x01x');
    let ended = false;
    void h.ended.then(() => (ended = true));
    await until('the stream to end', () => ended);
    assert.match(h.text(), /read escape sequence\r\n$/);
    assert.match(await top(), /sleep 4545/);
  });

  it("no DetachKeys: the daemon's ctrl-p ctrl-q end the stream, not the service's client config's keys", async () => {
    const c = await post(`/v1.41/containers/${box}/exec`, {
      Cmd: ['sh'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    assert.equal(c.status, 201, c.body);
    const id = (JSON.parse(c.body) as { Id: string }).Id;
    const h = await hijack(s.socket, id);
    await until('the prompt', () => h.text().includes('/ # '));
    // ctrl-b (the config's) goes to the shell as typed.
    h.sock.write('\x02echo mark-$((3+4))\r');
    await until('the shell to answer', () => h.text().includes('mark-7'));
    h.sock.write('sleep 4646\r');
    const top = async () => (await s.docker(['top', box])).stdout;
    await until('sleep 4646 in top', async () => (await top()).includes('sleep 4646'));
    h.sock.write('\x10\x11');
    let ended = false;
    void h.ended.then(() => (ended = true));
    await until('the stream to end', () => ended);
    assert.match(h.text(), /read escape sequence\r\n$/);
    assert.match(await top(), /sleep 4646/);
  });
});
