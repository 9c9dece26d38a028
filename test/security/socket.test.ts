// The Engine API gives root on this host: only the service's own user (and root) may talk to it.
// The unix socket keeps others out by its mode (0660); loopback TCP has no mode, so the service
// closes a connection whose client socket another user owns (server/peer.ts). Another user is
// nobody, through setpriv, as in store.test.ts.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../helpers/env.js';

/** curl's answer to GET URL/_ping ('' when the connection was closed or refused), as root or as nobody. */
function ping(url: string, asNobody: boolean, socket?: string): string {
  const curl = ['curl', '-s', '-g', '-m', '5', ...(socket ? ['--unix-socket', socket] : []), `${url}/_ping`];
  const argv = asNobody ? ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', ...curl] : curl;
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' }).stdout;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('who may use the API', () => {
  const root = mkdtempSync(join(tmpdir(), 'dockui-socksec-'));
  const procs: ChildProcess[] = [];
  const serve = async (listen: string, ready: () => boolean) => {
    procs.push(
      spawn(process.execPath, ['--', dockuiBin, 'system', 'service', '--time', '0', listen], {
        env: { ...process.env, DOCKUI_ROOT: root },
        stdio: 'ignore',
      }),
    );
    for (let i = 0; i < 300 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
  };
  let v4 = '';
  let v6 = '';
  const socket = join(root, 'docker.sock');
  before(async () => {
    v4 = `http://127.0.0.1:${await freePort()}`;
    v6 = `http://[::1]:${await freePort()}`;
    await serve(`tcp://${v4.slice(7)}`, () => ping(v4, false) === 'OK');
    await serve(`tcp://${v6.slice(7)}`, () => ping(v6, false) === 'OK');
    await serve(`unix://${socket}`, () => ping('http://d', false, socket) === 'OK');
  });
  after(() => {
    for (const p of procs) p.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  it('answers its own user, on loopback TCP (IPv4, IPv6) and on the socket', () => {
    assert.equal(ping(v4, false), 'OK');
    assert.equal(ping(v6, false), 'OK');
    assert.equal(ping('http://d', false, socket), 'OK');
  });

  it('another local user gets nothing, on either', () => {
    assert.equal(ping(v4, true), '');
    assert.equal(ping(v6, true), '');
    assert.equal(ping('http://d', true, socket), '');
    // ... and its closed connection did not stop the service.
    assert.equal(ping(v4, false), 'OK');
  });
});
