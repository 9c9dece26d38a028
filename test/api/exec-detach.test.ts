// The Engine API's exec DetachKeys (POST /containers/{id}/exec), as dockerd 20.10 takes them: a
// bad sequence is refused at create, with or without a TTY (500, the daemon's words); exec
// inspect shows the sequence's bytes (a Go []byte: base64); on a TTY exec with stdin the keys
// end the hijacked stream, ctrl-p ctrl-q going through as typed. The daemon's default is ctrl-p
// ctrl-q: the service's own client config (~/.docker/config.json's detachKeys, which dockui's
// CLI reads) plays no part.
//
// What the keys do to the command, seen with a reference dockerd 20.10.24 (Debian's docker.io,
// containerd 1.6.20, on its own socket and roots; a raw client as below): the stream ends with
// "exec attach failed: error on attach stdin: read escape sequence\r\n" within ~15 ms, and the
// command's pty is hung up: `sleep 30`, and `sh` with a `sleep 4545` typed into it, were gone
// from `docker top` at once (50 ms later), while `sh -c 'trap "" TERM INT; sleep 30'` was gone
// too and `sh -c 'trap "" HUP; sleep 30'` ran on (SIGHUP, not TERM). Exec inspect right after:
// Running false, ExitCode 126, Pid the command's host pid (as while it ran, e.g. 12293); 4 s
// later, `sh -c 'trap "" HUP; sleep 3; exit 5'` having ended meanwhile, still Running false,
// ExitCode 126, the same Pid: its end is not recorded. (docker's CLI reads the keys itself and
// closes the connection instead: there the command ran on, inspect said Running true, ExitCode
// null, then Running false, ExitCode 5 once `sh -c 'sleep 3; exit 5'` ended.)
//
// A TTY exec started with Detach (POST /exec/{id}/start {"Detach":true,"Tty":true}), seen with the
// same reference dockerd 20.10.24: the reply (200, no body) comes once the command runs; exec
// inspect's Pid is the command's host pid (its NSpid's first, `docker top`'s PID), Running true
// until it ends, then its exit code (5 for `exit 5`, 143 for a SIGTERM); its output is read and
// dropped (10 MB of it went and the command ended); nothing is written to its pty, whose input
// stays open, AttachStdin or not (`read x` waits on, no EOF); a resize reaches its pty (`stty
// size` said "33 111" after ?h=33&w=111). A command that cannot start: 400 and
// {"message":"OCI runtime exec failed: exec failed: unable to start container process: exec:
// \"nonexistent-cmd\": executable file not found in $PATH: unknown"} (the same with `exec:
// \"/etc\": permission denied: unknown` for /etc), then Running false, ExitCode 126, Pid 0.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { processes } from '../helpers/procs.js';
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

interface ExecState {
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
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
  const state = async (id: string): Promise<ExecState> => {
    const { Running, ExitCode, Pid } = JSON.parse((await raw(s.socket, 'GET', `/v1.41/exec/${id}/json`)).body) as ExecState;
    return { Running, ExitCode, Pid };
  };
  const top = async () => (await s.docker(['top', box])).stdout;
  /** A TTY exec with stdin, started on a hijacked stream. */
  const ttyExec = async (cmd: string[], detachKeys?: string) => {
    const c = await post(`/v1.41/containers/${box}/exec`, {
      Cmd: cmd,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      ...(detachKeys ? { DetachKeys: detachKeys } : {}),
    });
    assert.equal(c.status, 201, c.body);
    const id = (JSON.parse(c.body) as { Id: string }).Id;
    return { id, h: await hijack(s.socket, id) };
  };
  /** Its host pid while it runs, as top shows it with its command line. */
  const runningPid = async (id: string, cmdLine: string) => {
    let st: ExecState = { Running: false, ExitCode: null, Pid: 0 };
    await until(`${cmdLine} running`, async () => {
      const now = (st = await state(id));
      return now.Pid > 0 && (await top()).split('\n').some((l) => l.split(/\s+/)[1] === String(now.Pid) && l.trimEnd().endsWith(cmdLine));
    });
    assert.deepEqual(st, { Running: true, ExitCode: null, Pid: st.Pid });
    return st.Pid;
  };
  /** A TTY exec started with Detach: its id and the start's reply. */
  const detachedExec = async (cmd: string[], stdin: boolean) => {
    const c = await post(`/v1.41/containers/${box}/exec`, {
      Cmd: cmd,
      AttachStdin: stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    assert.equal(c.status, 201, c.body);
    const id = (JSON.parse(c.body) as { Id: string }).Id;
    return { id, started: await post(`/v1.41/exec/${id}/start`, { Detach: true, Tty: true }) };
  };
  const inBox = async (script: string) => (await s.docker(['exec', box, 'sh', '-c', script])).stdout.trim();
  const detachedLine = /exec attach failed: error on attach stdin: read escape sequence\r\n$/;
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

  it('ctrl-a,x ends the stream, hangs the command up: not running, 126, its pid; ctrl-p ctrl-q reach it as typed', async () => {
    const { id, h } = await ttyExec(['sh'], 'ctrl-a,x');
    const created = JSON.parse((await raw(s.socket, 'GET', `/v1.41/exec/${id}/json`)).body) as { DetachKeys: string };
    assert.equal(created.DetachKeys, Buffer.from([1, 0x78]).toString('base64'));
    // As docker's client does once the stream is up.
    assert.equal((await post(`/v1.41/exec/${id}/resize?h=24&w=80`, {})).status, 200);
    await until('the prompt', () => h.text().includes('/ # '));
    h.sock.write('\x10\x11echo mark-$((2+3))\r');
    await until('the shell to answer', () => h.text().includes('mark-5'));
    const pid = await runningPid(id, 'sh');
    h.sock.write('sleep 4545\r');
    await until('sleep 4545 in top', async () => (await top()).includes('sleep 4545'));
    h.sock.write('\x01x');
    await h.ended;
    assert.match(h.text(), detachedLine);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
    await until('the shell and its sleep to go', async () => !/sleep 4545|\bsh$/m.test(await top()));
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
  });

  it("no DetachKeys: the daemon's ctrl-p ctrl-q end the stream, not the service's client config's keys", async () => {
    const { id, h } = await ttyExec(['sh']);
    await until('the prompt', () => h.text().includes('/ # '));
    // ctrl-b (the config's) goes to the shell as typed.
    h.sock.write('\x02echo mark-$((3+4))\r');
    await until('the shell to answer', () => h.text().includes('mark-7'));
    const pid = await runningPid(id, 'sh');
    h.sock.write('\x10\x11');
    await h.ended;
    assert.match(h.text(), detachedLine);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
  });

  it('sleep 3 detached: gone at once; not running, 126, its pid, then and once 3 s have passed', async () => {
    const { id, h } = await ttyExec(['sleep', '3']);
    const pid = await runningPid(id, 'sleep 3');
    h.sock.write('\x10\x11');
    await h.ended;
    assert.match(h.text(), detachedLine);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
    await until('sleep 3 to go', async () => !(await top()).includes('sleep 3'), 1000);
    await new Promise((r) => setTimeout(r, 4000));
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
  });

  it('a command that ignores SIGHUP runs on; its exit (5) is not recorded: still 126', async () => {
    const cmdLine = 'sh -c trap "" HUP; sleep 3; exit 5';
    const { id, h } = await ttyExec(['sh', '-c', 'trap "" HUP; sleep 3; exit 5']);
    const pid = await runningPid(id, cmdLine);
    h.sock.write('\x10\x11');
    await h.ended;
    assert.match(h.text(), detachedLine);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await top()).includes(cmdLine), 'it runs on');
    await until('it to end', async () => !(await top()).includes(cmdLine), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: pid });
  });

  it("the client closing the connection instead (as docker's CLI detaches): runs on, running, then its exit code", async () => {
    const cmdLine = 'sh -c sleep 3; exit 5';
    const { id, h } = await ttyExec(['sh', '-c', 'sleep 3; exit 5']);
    const pid = await runningPid(id, cmdLine);
    h.sock.destroy();
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await state(id), { Running: true, ExitCode: null, Pid: pid });
    assert.ok((await top()).includes(cmdLine), 'it runs on');
    await until('its exit', async () => !(await state(id)).Running, 10_000);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 5, Pid: pid });
  });

  it("Detach on a TTY exec: 200 once it runs, Pid the command's host pid, a resize reaches it, then its exit code; no CLI", async () => {
    const { id, started } = await detachedExec(
      ['sh', '-c', 'echo $$ > /tmp/xd-pid; until [ -e /tmp/xd-go ]; do sleep 0.05; done; stty size > /tmp/xd-size; exit 5'],
      false,
    );
    assert.equal(started.status, 200, started.body);
    assert.equal(started.body, '');
    const st = await state(id);
    assert.equal(st.Running, true);
    assert.equal(st.ExitCode, null);
    // The command itself: `sh -c …` on the host, whose pid in the container is the one it wrote.
    assert.deepEqual(readFileSync(`/proc/${st.Pid}/cmdline`, 'utf8').split('\0').slice(0, 2), ['sh', '-c']);
    let inner = '';
    await until('the command to write its pid', async () => (inner = await inBox('cat /tmp/xd-pid 2>/dev/null')) !== '');
    const nsPids = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${st.Pid}/status`, 'utf8'))![1]!.split(/\s+/);
    assert.deepEqual([nsPids[0], nsPids.at(-1)], [String(st.Pid), inner]);
    // No dockui CLI runs the exec: no node on this service's root but the service (conmon names
    // dockui.js too, as its exit command).
    const clis = processes().filter((p) => p.pid !== s.proc.pid && /(^|\/)node$/.test(p.argv[0]!) && p.argv.includes(s.root));
    assert.deepEqual(clis, []);
    assert.equal((await post(`/v1.41/exec/${id}/resize?h=33&w=111`, {})).status, 200);
    await inBox('touch /tmp/xd-go');
    await until('its exit', async () => !(await state(id)).Running, 10_000);
    assert.deepEqual(await state(id), { Running: false, ExitCode: 5, Pid: st.Pid });
    assert.equal(await inBox('cat /tmp/xd-size'), '33 111');
  });

  it('Detach on a TTY exec leaves its input open with nothing written, AttachStdin or not: a read waits on (143 on SIGTERM)', async () => {
    for (const stdin of [true, false]) {
      const { id, started } = await detachedExec(['sh', '-c', 'echo $$ > /tmp/xd-in-pid; read x; echo "read $?" > /tmp/xd-in'], stdin);
      assert.equal(started.status, 200, started.body);
      const { Pid } = await state(id);
      await until('the command to write its pid', async () => (await inBox('cat /tmp/xd-in-pid 2>/dev/null')) !== '');
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(await inBox('cat /tmp/xd-in 2>&1'), "cat: can't open '/tmp/xd-in': No such file or directory", `AttachStdin ${stdin}`);
      assert.deepEqual(await state(id), { Running: true, ExitCode: null, Pid });
      await inBox('kill $(cat /tmp/xd-in-pid); rm /tmp/xd-in-pid');
      await until('its exit', async () => !(await state(id)).Running, 10_000);
      assert.deepEqual(await state(id), { Running: false, ExitCode: 143, Pid });
    }
  });

  it("Detach on a TTY exec whose command cannot start: 400 and runc's words, then not running, 126, no pid", async () => {
    for (const [cmd, why] of [
      ['nonexistent-cmd', 'executable file not found in $PATH'],
      ['/etc', 'permission denied'],
    ] as const) {
      const { id, started } = await detachedExec([cmd], true);
      assert.equal(started.status, 400, started.body);
      assert.deepEqual(JSON.parse(started.body), {
        message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": ${why}: unknown`,
      });
      assert.deepEqual(await state(id), { Running: false, ExitCode: 126, Pid: 0 });
    }
  });

  // Last: it stops the service. Before, a running TTY exec's `script` (then a CLI under it) held
  // the stopping service up until the command ended.
  it('the service stopping hands a running detached TTY exec off: the service exits, the command runs on, its input open', async () => {
    const { id, started } = await detachedExec(['sh', '-c', 'echo $$ > /tmp/xd-off-pid; read x; echo "read $?" > /tmp/xd-off'], true);
    assert.equal(started.status, 200, started.body);
    const { Pid } = await state(id);
    await until('the command to write its pid', async () => (await inBox('cat /tmp/xd-off-pid 2>/dev/null')) !== '');
    const stopped = await Promise.race([s.stop(), new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    assert.notEqual(stopped, 'still running');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(readFileSync(`/proc/${Pid}/cmdline`, 'utf8').split('\0').slice(0, 2), ['sh', '-c'], 'it runs on');
    const inside = async (script: string) => (await s.dockui(['exec', box, 'sh', '-c', script])).stdout.trim();
    assert.equal(await inside('cat /tmp/xd-off 2>&1'), "cat: can't open '/tmp/xd-off': No such file or directory");
    await inside('kill $(cat /tmp/xd-off-pid)');
    await until('it to end', () => {
      try {
        return !readFileSync(`/proc/${Pid}/cmdline`, 'utf8');
      } catch {
        return true;
      }
    });
  });
});
