// `dockui pod` as podman's: an infra container holds the network, IPC and UTS namespaces that the
// pod's containers (`run --pod`) join, so they share localhost and a hostname; ports published
// on `pod create` serve on the host; `pod rm -f` leaves no process, namespace, mount or record.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

const port = 18810;

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Processes whose command line names this scenario's roots (monitors, slirp4netns, pause). */
function processesUnder(base: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(base)) out.push(`${pid} ${cmd}`);
    } catch {
      // gone
    }
  }
  return out;
}

describe('compat: pods', () => {
  const s = scenario('pod', 'k19-');
  const base = s.root.replace(/\/root$/, '');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER pod rm -f $($DOCKER pod ls -q) >/dev/null 2>&1; $DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('two containers of a pod share localhost, IPC and UTS (not PID); the pod publishes on 127.0.0.1', async () => {
    const c = await s.sh(`$DOCKER pod create --name k19pod -p 127.0.0.1:${port}:8080`);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout.trim(), /^[0-9a-f]{64}$/);
    // One server on the pod's loopback only, one on every address (reached from the host).
    const srv = await s.sh(
      `$DOCKER run -d --name k19srv --pod k19pod $IMAGE sh -c 'mkdir -p /lo /all && echo from-localhost > /lo/index.html && echo from-host > /all/index.html && httpd -p 127.0.0.1:8081 -h /lo && exec httpd -f -p 8080 -h /all'`,
    );
    assert.equal(srv.code, 0, srv.stderr);
    const got = await s.until('$DOCKER run --rm --pod k19pod $IMAGE wget -qO- http://localhost:8081/', (o) => o === 'from-localhost');
    assert.equal(got, 'from-localhost');
    // Same network, IPC and UTS namespaces; each its own PID namespace; the pod's name as hostname.
    const ns = 'for n in net ipc uts pid; do readlink /proc/self/ns/$n; done; hostname';
    const a = await s.sh(`$DOCKER exec k19srv sh -c '${ns}'`);
    const b = await s.sh(`$DOCKER run --rm --pod k19pod $IMAGE sh -c '${ns}'`);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const [an, ai, au, ap, ah] = a.stdout.trim().split('\n');
    const [bn, bi, bu, bp, bh] = b.stdout.trim().split('\n');
    assert.deepEqual([bn, bi, bu], [an, ai, au]);
    assert.notEqual(bp, ap);
    assert.equal(ah, 'k19pod');
    assert.equal(bh, 'k19pod');
    assert.equal(await httpGet(`http://127.0.0.1:${port}/`), 'from-host\n');
    const ls = await s.sh('$DOCKER pod ls --format "{{.Name}} {{.Status}} {{.NumberOfContainers}}"');
    assert.equal(ls.stdout.trim(), 'k19pod Running 2');
    const ps = await s.sh('$DOCKER pod ps -q');
    assert.equal(ps.stdout.trim(), c.stdout.trim().slice(0, 12));
    const insp = await s.sh('$DOCKER pod inspect -f "{{.State}} {{.NumContainers}} {{.SharedNamespaces}}" k19pod');
    assert.equal(insp.stdout.trim(), 'Running 2 [ipc net uts]');
  });

  it('pod stop stops every container, pod start brings them (and the published port) back', async () => {
    const stop = await s.sh('$DOCKER pod stop -t 2 k19pod && $DOCKER pod ls --format "{{.Status}}" && $DOCKER ps -q | wc -l');
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(stop.stdout.trim().split('\n').slice(1), ['Exited', '0']);
    const start = await s.sh('$DOCKER pod start k19pod && $DOCKER pod ls --format "{{.Status}}"');
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stdout.trim().split('\n')[1], 'Running');
    const body = await s.until(`wget -qO- http://127.0.0.1:${port}/ 2>/dev/null || true`, (o) => o === 'from-host');
    assert.equal(body, 'from-host');
  });

  it('a running pod is not removed without -f; pod rm -f leaves no process, namespace, mount or record', async () => {
    const no = await s.sh('$DOCKER pod rm k19pod');
    assert.notEqual(no.code, 0);
    assert.equal(no.stderr.trim().split('\n').length, 1, no.stderr);
    assert.match(no.stderr, /running containers.*-f/);
    const rm = await s.sh('$DOCKER pod rm -f k19pod');
    assert.equal(rm.code, 0, rm.stderr);
    const left = await s.sh('$DOCKER pod ls -q; $DOCKER ps -aq');
    assert.equal(left.stdout.trim(), '');
    assert.deepEqual(readdirSync(`${s.root}/pods`), []);
    assert.deepEqual(
      readdirSync(`${s.root}/containers`).filter((n) => !n.startsWith('.')),
      [],
    );
    let netns: string[] = [];
    try {
      netns = readdirSync(`${s.runRoot}/netns`);
    } catch {
      // never made
    }
    assert.deepEqual(netns, []);
    assert.deepEqual(
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(base)),
      [],
    );
    assert.deepEqual(processesUnder(base), []);
  });

  it('bad input is one line, a non-zero exit and nothing left', async () => {
    for (const cmd of [
      '$DOCKER pod create --name "bad name"',
      '$DOCKER run -d --pod nosuch $IMAGE true',
      '$DOCKER pod rm nosuch',
      '$DOCKER pod start nosuch',
      '$DOCKER pod frob',
    ]) {
      const r = await s.sh(cmd);
      assert.notEqual(r.code, 0, cmd);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${cmd}: ${r.stderr}`);
    }
    const c = await s.sh('$DOCKER pod create --name k19bad >/dev/null && $DOCKER run -d -p 18811:80 --pod k19bad $IMAGE true');
    assert.notEqual(c.code, 0);
    assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
    assert.match(c.stderr, /published ports cannot be set on a container of pod k19bad/);
    // Only the pod's infra container is there (the refused container was never made).
    const names = await s.sh('$DOCKER ps -a --format "{{.Names}}"');
    assert.match(names.stdout.trim(), /^[0-9a-f]{12}-infra$/);
    const left = await s.sh('$DOCKER pod rm k19bad >/dev/null && $DOCKER pod ls -q && $DOCKER ps -aq');
    assert.equal(left.code, 0, left.stderr);
    assert.equal(left.stdout.trim(), '');
  });
});
