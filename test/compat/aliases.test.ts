// Docker's second names for verbs: `docker container commit|cp|export|update` and `docker system
// events|info` do what `docker commit|cp|export|update|events|info` do (docker 20.10's command tree).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: container and system subcommands that are verbs too', () => {
  const s = scenario('aliases');
  before(async () => {
    const r = await s.sh(
      `$DOCKER pull -q $IMAGE >/dev/null && $DOCKER run -d --name al-c $IMAGE sh -c 'echo made > /made; exec sleep 1000' >/dev/null`,
    );
    assert.equal(r.code, 0, r.stderr);
    await s.until('$DOCKER exec al-c cat /made', (o) => o === 'made');
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER rmi -f al/snap:1 >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('container cp, export, update and commit', async () => {
    const cp = await s.sh('d=$(mktemp -d) && $DOCKER container cp al-c:/made "$d/out" && cat "$d/out"; rm -rf "$d"');
    assert.equal(cp.stdout, 'made\n', cp.stderr);
    const ex = await s.sh(
      'd=$(mktemp -d) && $DOCKER container export -o "$d/x.tar" al-c && tar -tf "$d/x.tar" | grep -E "^(\\./)?made$"; rm -rf "$d"',
    );
    assert.match(ex.stdout, /^(\.\/)?made\n$/, ex.stderr);
    const up = await s.sh('$DOCKER container update --restart always al-c');
    assert.equal(up.stdout, 'al-c\n', up.stderr);
    assert.equal((await s.sh("$DOCKER inspect -f '{{.HostConfig.RestartPolicy.Name}}' al-c")).stdout, 'always\n');
    const c = await s.sh('$DOCKER container commit al-c al/snap:1');
    assert.match(c.stdout, /^sha256:[0-9a-f]{64}\n$/, c.stderr);
    assert.equal((await s.sh('$DOCKER run --rm al/snap:1 cat /made')).stdout, 'made\n');
  });

  it('system info and system events answer as info and events', async () => {
    const info = await s.sh("$DOCKER system info --format '{{.Containers}} {{.Driver}}'");
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.stdout, (await s.sh("$DOCKER info --format '{{.Containers}} {{.Driver}}'")).stdout);
    const until = new Date(Date.now() + 1000).toISOString();
    const args = `--since 1970-01-01T00:00:00Z --until ${until} --filter container=al-c --format '{{.Action}}'`;
    const ev = await s.sh(`$DOCKER system events ${args}`);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /^create\nstart\n/);
    assert.equal(ev.stdout, (await s.sh(`$DOCKER events ${args}`)).stdout);
    assert.match((await s.sh('$DOCKER system --help')).stdout + (await s.sh('$DOCKER system nope')).stderr, /events, info/);
  });
});
