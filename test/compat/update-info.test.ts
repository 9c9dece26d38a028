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

  // Each step as Debian's dockerd 20.10.24 did it (cgroup v1 with swap accounting).
  it('update on a running container: dockerd rules (0 leaves a value, -m bounded by the swap set), the cgroup follows', async () => {
    const id = (await s.sh(`$DOCKER inspect -f '{{.Id}}' h14-up`)).stdout.trim();
    const cg = (ctrl: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctrl}/dockui/${id}/${file}`, 'utf8').trim();
    const hc = async () =>
      (
        await s.sh(
          `$DOCKER inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuShares}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' h14-up`,
        )
      ).stdout.trim();
    // No swap limit yet (0): dockerd refuses -m alone rather than set swap for it.
    const alone = await s.sh(`$DOCKER update -m 64m h14-up`);
    assert.equal(alone.code, 1);
    assert.equal(
      alone.stderr,
      `dockui: Cannot update container ${id}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time\n`,
    );
    const r = await s.sh(`$DOCKER update --memory 64m --memory-swap 128m --cpus 0.5 --pids-limit 50 h14-up`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'h14-up\n');
    assert.equal(await hc(), '67108864 134217728 0 0 500000000 50');
    assert.equal(cg('memory', 'memory.limit_in_bytes'), '67108864');
    assert.equal(cg('memory', 'memory.memsw.limit_in_bytes'), '134217728');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
    assert.equal(cg('pids', 'pids.max'), '50');
    // 0 leaves a limit as it is.
    assert.equal((await s.sh(`$DOCKER update --memory 0 --cpus 0 h14-up`)).code, 0);
    assert.equal(await hc(), '67108864 134217728 0 0 500000000 50');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
    // -m alone up to the swap limit already set; above it refused; swap kept.
    assert.equal((await s.sh(`$DOCKER update -m 100m h14-up`)).code, 0);
    assert.equal((await s.sh(`$DOCKER update -m 200m h14-up`)).code, 1);
    assert.equal(cg('memory', 'memory.limit_in_bytes'), '104857600');
    assert.equal(cg('memory', 'memory.memsw.limit_in_bytes'), '134217728');
    const rc = await s.sh(`$DOCKER update --memory-reservation 32m --cpu-shares 512 h14-up`);
    assert.equal(rc.code, 0, rc.stderr);
    assert.equal(await hc(), '104857600 134217728 33554432 512 500000000 50');
    assert.equal(cg('memory', 'memory.soft_limit_in_bytes'), '33554432');
    assert.equal(cg('cpu', 'cpu.shares'), '512');
    // The kernel refuses a quota under 1 ms: runc's words, nothing changed.
    const tiny = await s.sh(`$DOCKER update --cpus 0.001 h14-up`);
    assert.equal(tiny.code, 1);
    assert.match(
      tiny.stderr,
      /^dockui: Cannot update container [0-9a-f]{64}: runc did not terminate successfully: exit status 1: failed to write "100": write \/sys\/fs\/cgroup\/cpu\/.*cpu\.cfs_quota_us: invalid argument$/m,
    );
    assert.equal(await hc(), '104857600 134217728 33554432 512 500000000 50');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
    // dockerd's update checks of its own values, in its words.
    const bad = await s.sh(
      `$DOCKER update -m 4m h14-up; $DOCKER update --memory-reservation 1m h14-up; $DOCKER update -m 10m --memory-swap 5m h14-up`,
    );
    assert.equal(
      bad.stderr,
      'dockui: Minimum memory limit allowed is 6MB\ndockui: Minimum memory reservation allowed is 6MB\n' +
        'dockui: Minimum memoryswap limit should be larger than memory limit, see usage\n',
    );
    // The limit holds after a restart too (it is in the record, not only the cgroup).
    await s.sh(`$DOCKER update -m 32m h14-up && $DOCKER restart -t 0 h14-up`);
    assert.equal(cg('memory', 'memory.limit_in_bytes'), '33554432');
    assert.equal(cg('memory', 'memory.memsw.limit_in_bytes'), '134217728');
  });

  it('update on a stopped container: taken as dockerd takes it (--cpus 0.001, a negative share), refused at start', async () => {
    const c = await s.sh(`$DOCKER create --name h14-up-stopped $IMAGE sleep 1000 >/dev/null &&
      $DOCKER update --cpus 0.001 --cpu-shares -3 h14-up-stopped &&
      $DOCKER inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}' h14-up-stopped`);
    assert.equal(c.stdout, 'h14-up-stopped\n1000000 -3\n', c.stderr);
    const st = await s.sh(`$DOCKER start h14-up-stopped`);
    assert.equal(st.code, 1, st.stderr);
    await s.sh(`$DOCKER update --cpus 0.5 --cpu-shares 2 h14-up-stopped`);
    const ok = await s.sh(
      `$DOCKER start h14-up-stopped && $DOCKER inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}' h14-up-stopped`,
    );
    assert.equal(ok.stdout, 'h14-up-stopped\n500000000 2\n', ok.stderr);
    await s.sh(`$DOCKER rm -f h14-up-stopped`);
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
