// `docker network create|ls|inspect|connect|disconnect|rm|prune` as Docker's documentation shows
// them: ls lists the pre-defined networks beside the user's, with --filter/-q/--format; a
// container connected with --alias is reached by that name from the network's other containers;
// inspect counts the attached containers; rm of a network in use is refused; prune keeps those
// in use; bad input is one line and a non-zero exit. A foreground run (--rm, -it) on a user
// network resolves the network's names and leaves nothing behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

// Bridges are host-wide: this file's own name prefix and subnet pool keep it apart from other suites.
process.env.DOCKUI_BRIDGE_PREFIX = 'dkn14';
process.env.DOCKUI_SUBNET_POOL = '10.214.0.0/16';

describe('compat: network', () => {
  const s = scenario('network');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER network prune -f >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('create, ls (filters, -q, --format) and inspect', async () => {
    const c = await s.sh('$DOCKER network create --label team=web cnet-a');
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^[0-9a-f]{64}\n$/);
    const ls = await s.sh('$DOCKER network ls');
    assert.match(ls.stdout.split('\n')[0]!, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$/);
    for (const n of ['bridge', 'host', 'none', 'cnet-a']) assert.match(ls.stdout, new RegExp(`\\s${n}\\s`), ls.stdout);
    const custom = await s.sh('$DOCKER network ls --filter type=custom --format \'{{.Name}} {{.Driver}} {{.Label "team"}}\'');
    assert.equal(custom.stdout, 'cnet-a bridge web\n');
    const q = await s.sh('$DOCKER network ls -q --filter label=team=web');
    assert.equal(q.stdout, c.stdout.slice(0, 12) + '\n');
    const insp = await s.sh("$DOCKER network inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{(index .IPAM.Config 0).Subnet}}' cnet-a");
    assert.match(insp.stdout, /^cnet-a bridge local \d+\.\d+\.\d+\.0\/24\n$/);
    const builtin = await s.sh("$DOCKER network inspect -f '{{.Name}}' host");
    assert.equal(builtin.stdout, 'host\n');
  });

  it('connect --alias: the other containers reach it by that name; disconnect; rm in use refused', async () => {
    assert.equal((await s.sh('$DOCKER network create cnet-b')).code, 0);
    const r1 = await s.sh('$DOCKER run -d --name n1 --network cnet-a $IMAGE sleep 1000');
    assert.equal(r1.code, 0, r1.stderr);
    const r2 = await s.sh('$DOCKER run -d --name n2 --network cnet-b $IMAGE sleep 1000');
    assert.equal(r2.code, 0, r2.stderr);
    // Not on one network yet: n1 cannot resolve n2.
    assert.notEqual((await s.sh('$DOCKER exec n1 ping -c1 -W1 n2')).code, 0);
    const con = await s.sh('$DOCKER network connect --alias web2 cnet-a n2');
    assert.equal(con.code, 0, con.stderr);
    const ping = await s.sh('$DOCKER exec n1 ping -c1 -W2 web2 && $DOCKER exec n1 ping -c1 -W2 n2');
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    assert.equal((await s.sh("$DOCKER network inspect -f '{{len .Containers}}' cnet-a")).stdout, '2\n');

    const rm = await s.sh('$DOCKER network rm cnet-a');
    assert.notEqual(rm.code, 0);
    assert.equal(rm.stderr.trim().split('\n').length, 1, rm.stderr);

    assert.equal((await s.sh('$DOCKER network disconnect cnet-a n2')).code, 0);
    assert.equal((await s.sh("$DOCKER network inspect -f '{{len .Containers}}' cnet-a")).stdout, '1\n');
    assert.notEqual((await s.sh('$DOCKER exec n1 ping -c1 -W1 web2')).code, 0);
  });

  it('run --rm and run -it in the foreground on a user network: names resolve, nothing is left', async () => {
    assert.equal((await s.sh('$DOCKER network create cnet-fg')).code, 0);
    const web = await s.sh('$DOCKER run -d --name fgweb --network cnet-fg $IMAGE httpd -f -p 8080 -h /etc');
    assert.equal(web.code, 0, web.stderr);
    const host = (await s.sh("$DOCKER inspect -f '{{.Config.Hostname}}' fgweb")).stdout.trim();
    const get = await s.sh('$DOCKER run --rm --network cnet-fg $IMAGE wget -qO- http://fgweb:8080/hostname');
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout.trim(), host);
    // -it in a real terminal (util-linux script, given a size as a terminal window has one: a
    // 0×0 pty costs dockui's 2 s wait for a size), on the same network.
    const tty = await s.sh(
      `script -qec "stty rows 24 cols 80; $DOCKER run --rm -it --network cnet-fg $IMAGE sh -c 'tty; ping -c1 -W2 fgweb >/dev/null && echo reached'" /dev/null`,
    );
    assert.equal(tty.code, 0, tty.stdout + tty.stderr);
    assert.match(tty.stdout, /\/dev\/pts\/\d+\r?\n/);
    assert.match(tty.stdout, /reached/);
    // Only fgweb is left on the network; a failing foreground run leaves nothing either.
    const bad = await s.sh('$DOCKER run --rm --network cnet-fg $IMAGE sh -c "exit 3"');
    assert.equal(bad.code, 3);
    assert.equal((await s.sh("$DOCKER network inspect -f '{{len .Containers}}' cnet-fg")).stdout, '1\n');
    assert.equal((await s.sh("$DOCKER ps -a --filter network=cnet-fg --format '{{.Names}}'")).stdout, 'fgweb\n');
    assert.equal((await s.sh('$DOCKER rm -f fgweb && $DOCKER network rm cnet-fg')).code, 0);
  });

  it('prune removes only the networks no container is on', async () => {
    assert.equal((await s.sh('$DOCKER network create cnet-idle')).code, 0);
    const p = await s.sh('$DOCKER network prune -f');
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /^Deleted Networks:\n/);
    assert.match(p.stdout, /\ncnet-idle\n/);
    const left = await s.sh("$DOCKER network ls --filter type=custom --format '{{.Name}}'");
    assert.deepEqual(left.stdout.trim().split('\n').sort(), ['cnet-a', 'cnet-b']);
  });

  it('bad input: one line, non-zero exit, nothing made', async () => {
    for (const cmd of [
      '$DOCKER network create host',
      '$DOCKER network create -d overlay cnet-x',
      '$DOCKER network ls --filter colour=red',
      '$DOCKER network rm nosuch',
      '$DOCKER network inspect nosuch',
      '$DOCKER network connect cnet-a nosuch',
      '$DOCKER network frobnicate',
    ]) {
      const r = await s.sh(cmd);
      assert.notEqual(r.code, 0, cmd);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${cmd}: ${r.stderr}`);
    }
    assert.doesNotMatch((await s.sh("$DOCKER network ls --format '{{.Name}}'")).stdout, /cnet-x/);
  });
});
