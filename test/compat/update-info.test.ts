// `docker update` (its reference page: limits of a running container change at once, the
// restart policy too; the container's name is printed back) and `docker info` (its field names
// for --format, its "Containers: / Running: / ..." text).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: update and info', () => {
  const s = scenario('update');
  before(async () => {
    const r = await s.sh(`$DOCKER pull -q $IMAGE >/dev/null && $DOCKER run -d --name h14-up $IMAGE sleep 1000 >/dev/null`);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('update --memory/--cpus/--pids-limit: inspect and the running cgroup follow; 0 lifts a limit', async () => {
    const r = await s.sh(`$DOCKER update --memory 64m --cpus 0.5 --pids-limit 50 h14-up`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'h14-up\n');
    const i = await s.sh(`$DOCKER inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' h14-up`);
    assert.equal(i.stdout, '67108864 500000000 50\n');
    const id = (await s.sh(`$DOCKER inspect -f '{{.Id}}' h14-up`)).stdout.trim();
    const cg = (ctrl: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctrl}/dockui/${id}/${file}`, 'utf8').trim();
    assert.equal(cg('memory', 'memory.limit_in_bytes'), '67108864');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
    assert.equal(cg('pids', 'pids.max'), '50');
    await s.sh(`$DOCKER update --memory 0 --cpus 0 h14-up`);
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' h14-up`)).stdout, '0 0\n');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '-1');
    // The limit holds after a restart too (it is in the record, not only the cgroup).
    await s.sh(`$DOCKER update -m 32m h14-up && $DOCKER restart -t 0 h14-up`);
    assert.equal(cg('memory', 'memory.limit_in_bytes'), '33554432');
  });

  it('update --restart: the policy applies to the next exit, with no dockui alive', async () => {
    const r = await s.sh(`$DOCKER update --restart always h14-up`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.HostConfig.RestartPolicy.Name}}' h14-up`)).stdout, 'always\n');
    await s.sh(`kill -9 $($DOCKER inspect -f '{{.State.Pid}}' h14-up)`);
    await s.until(`$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}}' h14-up`, (o) => o === '1 running');
    await s.sh(`$DOCKER update --restart no h14-up`);
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.HostConfig.RestartPolicy.Name}}' h14-up`)).stdout, 'no\n');
  });

  it('update errors: no flag, an unknown container (exit 1, the others still updated), a bad value', async () => {
    const r = await s.sh(`
      $DOCKER update h14-up; echo "code $?"
      $DOCKER update --cpus 1 nope-ctr h14-up; echo "code $?"
      $DOCKER update --memory lots h14-up; echo "code $?"`);
    assert.equal(r.stdout, 'code 1\nh14-up\ncode 1\ncode 125\n');
    assert.match(r.stderr, /you must provide one or more flags when using this command/);
    assert.match(r.stderr, /no such container: nope-ctr/i);
    assert.match(r.stderr, /invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'/);
  });

  it("info: docker's field names for --format and its text layout", async () => {
    const f = await s.sh(
      `$DOCKER info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}} {{.Images}} {{.OSType}} {{.Driver}} {{.DockerRootDir}}'`,
    );
    assert.equal(f.stdout, `1 1 0 1 linux overlay ${s.root}\n`);
    const j = JSON.parse((await s.sh(`$DOCKER info --format '{{json .}}'`)).stdout) as Record<string, unknown>;
    assert.equal(typeof j.NCPU, 'number');
    assert.equal(typeof j.MemTotal, 'number');
    const t = (await s.sh('$DOCKER info')).stdout;
    assert.match(t, /^Client:\n Context: {4}default\n/);
    assert.match(t, /\nServer:\n Containers: 1\n {2}Running: 1\n {2}Paused: 0\n {2}Stopped: 0\n Images: 1\n/);
    assert.match(t, /\n Architecture: \S+\n CPUs: \d+\n Total Memory: [\d.]+GiB\n/);
  });
});
