// `dockui port` through the real CLI: a running busybox with three published ports, listed as
// docker prints them, one looked up by PRIVATE_PORT[/PROTO], and the misses in docker's words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('dockui port', () => {
  const t = tempRoot('dockui-port-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await cli([
      'run',
      '-d',
      '--name',
      'pub',
      '-p',
      '127.0.0.1:24230:80',
      '-p',
      '24231:53/udp',
      '-p',
      '24232:8080',
      image,
      'sleep',
      '1000',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const created = await cli(['create', '--name', 'idle', '-p', '24233:80', image, 'true']);
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => {
    await cli(['rm', '-f', 'pub', 'idle']);
    t.cleanup();
  });

  // As dockerd 20.10.24 lists them on a host with IPv6: a port with no host IP on 0.0.0.0 and ::.
  it('lists every mapping as "PRIVATE/PROTO -> HOST_IP:HOST_PORT", sorted by private port', async () => {
    const r = await cli(['port', 'pub']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      '53/udp -> 0.0.0.0:24231\n53/udp -> :::24231\n80/tcp -> 127.0.0.1:24230\n8080/tcp -> 0.0.0.0:24232\n8080/tcp -> :::24232\n',
    );
    assert.equal((await cli(['container', 'port', 'pub'])).stdout, r.stdout);
  });

  it('PRIVATE_PORT[/PROTO] prints its host addresses; tcp is the default protocol', async () => {
    const [tcp, tcpExplicit, udp] = await Promise.all([
      cli(['port', 'pub', '80']),
      cli(['port', 'pub', '80/tcp']),
      cli(['port', 'pub', '53/udp']),
    ]);
    assert.equal(tcp.stdout, '127.0.0.1:24230\n');
    assert.equal(tcpExplicit.stdout, '127.0.0.1:24230\n');
    assert.equal(udp.stdout, '0.0.0.0:24231\n:::24231\n');
  });

  it('a port not published, a container not running, a missing container: errors as docker words them', async () => {
    const [miss, wrongProto, idleAll, idleOne, ghost, noArgs] = await Promise.all([
      cli(['port', 'pub', '81']),
      cli(['port', 'pub', '53']),
      cli(['port', 'idle']),
      cli(['port', 'idle', '80']),
      cli(['port', 'ghost']),
      cli(['port']),
    ]);
    assert.equal(miss.code, 1);
    assert.equal(miss.stdout, '');
    assert.equal(miss.stderr, "dockui: No public port '81/tcp' published for pub\n");
    assert.equal(wrongProto.stderr, "dockui: No public port '53/tcp' published for pub\n");
    // A created container has no published ports yet: nothing, exit 0 (docker's empty map).
    assert.equal(idleAll.code, 0);
    assert.equal(idleAll.stdout, '');
    assert.equal(idleOne.code, 1);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /ghost/);
    assert.equal(noArgs.code, 1);
    assert.match(noArgs.stderr, /'dockui port' requires at least 1 and at most 2 arguments/);
  });
});
