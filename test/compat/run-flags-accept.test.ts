// run/create's flags as docker 20.10 + dockerd take them, part 3 (each checked against Debian's
// dockerd 20.10.24 on a cgroup v1 host with swap accounting): what dockerd takes at create and
// refuses only when the container starts (--cpus 0.001, --log-opt max-size=abc, --group-add '',
// --cpu-shares -5, --gpus), what it takes that dockui used to refuse (-p 0:80, -p [::1]:P:80,
// --hostname 'bad host', --network-alias without --network), what it refuses that dockui took
// (--workdir rel), and --memory-swap, --memory-reservation, --cpu-shares in the container's cgroup.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';
import { refused } from './refused.js';

// Bridges are host-wide: this file's own name prefix and subnet pool keep it apart from other suites.
process.env.DOCKUI_BRIDGE_PREFIX = 'h14ra';
process.env.DOCKUI_SUBNET_POOL = '10.143.0.0/16';

/** What a TCP connection to host:port reads until the other end closes it. */
function read(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect({ host, port });
    let out = '';
    c.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', () => resolve(out));
    c.setTimeout(5000, () => c.destroy(new Error('timed out')));
  });
}

describe('compat: run flags dockerd takes (start-time refusals, ports, resources)', () => {
  const s = scenario('flags3', 'h14run-');
  const cg = (file: string) => `/sys/fs/cgroup/${file.startsWith('cpu.') ? 'cpu' : 'memory'}/${file}`;
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER network prune -f >/dev/null 2>&1; true');
    s.cleanup();
  });

  /** `create` takes these flags; `start` fails with exit 1 and this line, `run` with 125. */
  async function refusedAtStart(flags: string, line: RegExp): Promise<void> {
    const c = await s.sh(`$DOCKER create --name h14run-late ${flags} $IMAGE true`);
    assert.equal(c.code, 0, `${flags}: ${c.stderr}`);
    const st = await s.sh('$DOCKER start h14run-late');
    assert.equal(st.code, 1, `${flags}: ${st.stderr}`);
    assert.match(st.stderr, line, flags);
    assert.equal((await s.sh('$DOCKER rm -f h14run-late')).code, 0);
    const r = await s.sh(`$DOCKER run --rm ${flags} $IMAGE true`);
    assert.equal(r.code, 125, `${flags}: ${r.stderr}`);
    assert.match(r.stderr, line, flags);
  }

  it('--cpus below 0.01: taken at create (NanoCpus), refused by the kernel at start in runc words', async () => {
    const c = await s.sh(
      "$DOCKER create --name h14run-cpu --cpus 0.001 $IMAGE true && $DOCKER inspect -f '{{.HostConfig.NanoCpus}}' h14run-cpu",
    );
    assert.equal(c.stdout.split('\n')[1], '1000000', c.stderr);
    await s.sh('$DOCKER rm h14run-cpu');
    await refusedAtStart('--cpus 0.001', /failed to write "100": write \/sys\/fs\/cgroup\/cpu\/.*cpu\.cfs_quota_us: invalid argument/);
    const ok = await s.sh(`$DOCKER run --rm --cpus 0.01 $IMAGE cat ${cg('cpu.cfs_quota_us')}`);
    assert.equal(ok.stdout, '1000\n', ok.stderr);
    await refused(s, '--cpus 3000', /^dockui: Range of CPUs is from 0\.01 to/m);
  });

  it('--log-opt max-size/max-file: any value at create; one the logger cannot take fails the start', async () => {
    await refusedAtStart('--log-opt max-size=abc', /^dockui: failed to initialize logging driver: invalid size: 'abc'$/m);
    await refusedAtStart(
      '--log-opt max-file=abc',
      /^dockui: failed to initialize logging driver: strconv\.Atoi: parsing "abc": invalid syntax$/m,
    );
    await refusedAtStart('--log-opt max-file=0', /^dockui: failed to initialize logging driver: max-file cannot be less than 1$/m);
    const tiny = await s.sh('$DOCKER run --rm --log-opt max-size=1 --log-opt max-file=2 $IMAGE echo hi');
    assert.deepEqual([tiny.code, tiny.stdout], [0, 'hi\n'], tiny.stderr);
  });

  it('--log-opt: inspect keeps the values as given (dockerd: {"max-size":"abc"}), the cap works from the parsed size', async () => {
    const conf = async (flags: string) => {
      const r = await s.sh(`$DOCKER create --name h14run-log ${flags} $IMAGE sh -c 'seq 1 3000' >/dev/null &&
        $DOCKER inspect -f '{{json .HostConfig.LogConfig.Config}}' h14run-log`);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(await conf('--log-opt max-size=abc'), '{"max-size":"abc"}');
    await s.sh('$DOCKER rm -f h14run-log');
    assert.equal(await conf('--log-opt max-size=1K --log-opt max-file=03'), '{"max-file":"03","max-size":"1K"}');
    const st = await s.sh('$DOCKER start -a h14run-log >/dev/null; $DOCKER logs h14run-log | wc -c');
    // unlimited it would keep ~14 KB; dockerd keeps at most max-file files of max-size
    assert.ok(Number(st.stdout.trim()) < 4096, `logs kept ${st.stdout.trim()} bytes with max-size 1K: ${st.stderr}`);
    await s.sh('$DOCKER rm -f h14run-log');
  });

  it('--hostname: any name, as dockerd takes it; one the kernel refuses (over 64 bytes) fails the start', async () => {
    const r = await s.sh("$DOCKER run --rm --hostname 'bad host' $IMAGE sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME'");
    assert.deepEqual([r.code, r.stdout], [0, 'bad host\nbad host\nbad host\n'], r.stderr);
    await refusedAtStart(`--hostname ${'a'.repeat(70)}`, /sethostname: invalid argument/);
  });

  it('--group-add \'\': taken at create (GroupAdd [""]), the group looked up when it starts', async () => {
    const c = await s.sh(
      "$DOCKER create --name h14run-grp --group-add '' $IMAGE true && $DOCKER inspect -f '{{json .HostConfig.GroupAdd}}' h14run-grp",
    );
    assert.equal(c.stdout.split('\n')[1], '[""]', c.stderr);
    await s.sh('$DOCKER rm h14run-grp');
    await refusedAtStart("--group-add ''", /^dockui: Unable to find group : no matching entries in group file$/m);
    await refusedAtStart('--group-add nosuchgroup', /^dockui: Unable to find group nosuchgroup: no matching entries in group file$/m);
  });

  it('-u of a user or group the image lacks: taken at create, looked up when it starts (dockerd words)', async () => {
    await refusedAtStart('-u nosuchuser', /^dockui: unable to find user nosuchuser: no matching entries in passwd file$/m);
    await refusedAtStart('-u nosuchuser:0', /^dockui: unable to find user nosuchuser: no matching entries in passwd file$/m);
    await refusedAtStart('-u 0:nosuchgroup', /^dockui: unable to find group nosuchgroup: no matching entries in group file$/m);
  });

  it('--workdir: a relative one is refused at create in dockerd words (run 125, create 1)', async () => {
    const line = /^dockui: the working directory 'rel' is invalid, it needs to be an absolute path$/m;
    await refused(s, '--workdir rel', line);
    const c = await s.sh('$DOCKER create --name h14run-bad -w rel $IMAGE true');
    assert.equal(c.code, 1, c.stderr);
    assert.match(c.stderr, line);
    assert.equal((await s.sh('$DOCKER ps -aq --filter name=h14run-bad')).stdout, '');
  });

  it('--network-alias: dropped without --network (as docker does); refused on a built-in network', async () => {
    const r = await s.sh('$DOCKER run --rm --network-alias foo $IMAGE true');
    assert.equal(r.code, 0, r.stderr);
    for (const net of ['none', 'host', 'bridge', 'default'])
      await refused(
        s,
        `--network ${net} --network-alias foo`,
        /^dockui: network-scoped aliases are only supported for user-defined networks$/m,
      );
    const c = await s.sh('$DOCKER create --network none --network-alias foo $IMAGE true');
    assert.equal(c.code, 125, c.stderr);
  });

  // dockerd 20.10.24 on a host with IPv6 (::1 on lo): `port` prints 0.0.0.0:P and :::P, ps both,
  // inspect's NetworkSettings.Ports both (HostIp "0.0.0.0" and "::"), and [::1]:P answers.
  const bothFamilies = async (name: string, flags: string, port: number) => {
    const r = await s.sh(`$DOCKER run -d --name ${name} ${flags} $IMAGE sh -c 'while :; do echo p0 | nc -l -p ${port}; done'`);
    assert.equal(r.code, 0, r.stderr);
    const line = (await s.sh(`$DOCKER port ${name}`)).stdout;
    const m = new RegExp(`^${port}/tcp -> 0\\.0\\.0\\.0:(\\d+)\n${port}/tcp -> :::(\\d+)\n$`).exec(line);
    assert.ok(m && Number(m[1]) > 0 && m[1] === m[2], line);
    const p = m[1]!;
    assert.equal(
      (await s.sh(`$DOCKER ps --filter name=${name} --format '{{.Ports}}'`)).stdout,
      `0.0.0.0:${p}->${port}/tcp, :::${p}->${port}/tcp\n`,
    );
    const i = await s.sh(`$DOCKER inspect -f '{{json .NetworkSettings.Ports}}' ${name}`);
    assert.equal(i.stdout, `{"${port}/tcp":[{"HostIp":"0.0.0.0","HostPort":"${p}"},{"HostIp":"::","HostPort":"${p}"}]}\n`);
    for (const host of ['127.0.0.1', '::1']) {
      let got = '';
      for (let n = 0; n < 50 && got !== 'p0\n'; n++) {
        got = await read(host, Number(p)).catch(() => '');
        if (got !== 'p0\n') await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(got, 'p0\n', host);
    }
  };

  it('-p 0:80 and -p 80: a random free host port on 0.0.0.0 and ::, shown by port, ps and inspect, reaching the container', async () => {
    await bothFamilies('h14run-p0', '-p 0:80', 80);
    await bothFamilies('h14run-p80', '-p 81', 81);
    assert.equal((await s.sh('$DOCKER network create h14run-net46')).code, 0);
    await bothFamilies('h14run-pnet', '--network h14run-net46 -p 82', 82);
  });

  it('-p [::1]:HOST:CTR: an IPv6 host address, shown unbracketed by port and ps (docker 20.10)', async () => {
    assert.equal((await s.sh('$DOCKER network create h14run-net6')).code, 0);
    const r = await s.sh(
      "$DOCKER run -d --name h14run-p6 --network h14run-net6 -p '[::1]:5641:80' $IMAGE sh -c 'while :; do echo p6 | nc -l -p 80; done'",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.sh('$DOCKER port h14run-p6')).stdout, '80/tcp -> ::1:5641\n');
    assert.equal((await s.sh("$DOCKER ps --filter name=h14run-p6 --format '{{.Ports}}'")).stdout, '::1:5641->80/tcp\n');
    assert.equal(
      (await s.sh("$DOCKER inspect -f '{{json .NetworkSettings.Ports}}' h14run-p6")).stdout,
      '{"80/tcp":[{"HostIp":"::1","HostPort":"5641"}]}\n',
    );
    let got = '';
    for (let i = 0; i < 50 && got !== 'p6\n'; i++) {
      got = await read('::1', 5641).catch(() => '');
      if (got !== 'p6\n') await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(got, 'p6\n');
    await refused(s, "-p '::1:80:80'", /^dockui: Invalid ip address ::1: address ::1:: too many colons in address$/m);
  });

  it('-p [::1]:HOST:CTR on the default network: a port proxy beside slirp4netns, gone with the container', async () => {
    const r = await s.sh("$DOCKER run -d --name h14run-p6d -p '[::1]:5642:80' $IMAGE sh -c 'while :; do echo p6d | nc -l -p 80; done'");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.sh('$DOCKER port h14run-p6d')).stdout, '80/tcp -> ::1:5642\n');
    const reach = async () => {
      let got = '';
      for (let i = 0; i < 50 && got !== 'p6d\n'; i++) {
        got = await read('::1', 5642).catch(() => '');
        if (got !== 'p6d\n') await new Promise((res) => setTimeout(res, 100));
      }
      return got;
    };
    assert.equal(await reach(), 'p6d\n');
    // Taken: refused as dockerd refuses a port in use, nothing left behind.
    await refused(s, "-p '[::1]:5642:80'", /^dockui: Bind for ::1:5642 failed: port is already allocated$/m);
    // A stop ends the proxy (the port is free again); a start makes a new one.
    assert.equal((await s.sh('$DOCKER stop -t 0 h14run-p6d')).code, 0);
    await assert.rejects(read('::1', 5642));
    assert.equal((await s.sh('$DOCKER start h14run-p6d')).code, 0);
    assert.equal(await reach(), 'p6d\n');
    assert.equal((await s.sh('$DOCKER rm -f h14run-p6d')).code, 0);
    await assert.rejects(read('::1', 5642));
  });

  it('--memory-swap, --memory-reservation, --cpu-shares: the cgroup limits and inspect, as dockerd sets them', async () => {
    const files = [cg('memory.limit_in_bytes'), cg('memory.memsw.limit_in_bytes'), cg('memory.soft_limit_in_bytes'), cg('cpu.shares')];
    const run = async (flags: string) => {
      const r = await s.sh(`$DOCKER run --rm ${flags} $IMAGE cat ${files.join(' ')}`);
      assert.equal(r.code, 0, `${flags}: ${r.stderr}`);
      return r.stdout.trim().split('\n');
    };
    const unlimited = '9223372036854771712';
    // -m alone: as much swap again (MemorySwap = 2 × Memory), dockerd's default.
    assert.deepEqual(await run('-m 50m'), ['52428800', '104857600', unlimited, '1024']);
    assert.deepEqual(await run('-m 50m --memory-swap 60m --memory-reservation 20m -c 512'), ['52428800', '62914560', '20971520', '512']);
    assert.deepEqual(await run('-m 50m --memory-swap -1 --cpu-shares 300'), ['52428800', unlimited, unlimited, '300']);
    assert.deepEqual(await run('--memory-reservation 20m'), [unlimited, unlimited, '20971520', '1024']);
    const made = await s.sh(
      '$DOCKER create --name h14run-r1 -m 50m --memory-reservation 20m --cpu-shares 512 $IMAGE true && $DOCKER create --name h14run-r2 -m 50m --memory-swap -1 $IMAGE true && $DOCKER create --name h14run-r3 $IMAGE true',
    );
    assert.equal(made.code, 0, made.stderr);
    const i = await s.sh(
      "$DOCKER inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuShares}}' h14run-r1 h14run-r2 h14run-r3",
    );
    assert.equal(i.stdout, '52428800 104857600 20971520 512\n52428800 -1 0 0\n0 0 0 0\n');
    await refused(s, '--memory-swap 100m', /^dockui: You should always set the Memory limit when using Memoryswap limit, see usage$/m);
    await refused(s, '-m 50m --memory-swap 40m', /^dockui: Minimum memoryswap limit should be larger than memory limit, see usage$/m);
    await refused(
      s,
      '-m 10m --memory-reservation 20m',
      /^dockui: Minimum memory limit can not be less than memory reservation limit, see usage$/m,
    );
    await refused(s, '--memory-reservation 1k', /^dockui: Minimum memory reservation allowed is 6MB$/m);
    await refused(s, '--memory-swap abc', /^dockui: invalid argument "abc" for "--memory-swap" flag: invalid size: 'abc'$/m);
    await refused(s, '--memory-reservation abc', /^dockui: invalid argument "abc" for "--memory-reservation" flag: invalid size: 'abc'$/m);
    await refused(
      s,
      '-c abc',
      /^dockui: invalid argument "abc" for "-c, --cpu-shares" flag: strconv\.ParseInt: parsing "abc": invalid syntax$/m,
    );
    await refusedAtStart('--cpu-shares -5', /^dockui: shares: invalid argument$/m);
    await refusedAtStart('--cpu-shares 1', /the minimum allowed cpu-shares is 2/);
  });

  it('--gpus: the device requests in inspect; no device driver here, so every start fails in dockerd words', async () => {
    const i = async (flag: string) => {
      const r = await s.sh(
        `$DOCKER create --name h14run-gpu --gpus ${flag} $IMAGE true && $DOCKER inspect -f '{{json .HostConfig.DeviceRequests}}' h14run-gpu; $DOCKER rm h14run-gpu >/dev/null`,
      );
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.split('\n')[1];
    };
    assert.equal(await i('all'), '[{"Driver":"","Count":-1,"DeviceIDs":null,"Capabilities":[["gpu"]],"Options":{}}]');
    assert.equal(await i('\'"device=1,2"\''), '[{"Driver":"","Count":0,"DeviceIDs":["1","2"],"Capabilities":[["gpu"]],"Options":{}}]');
    assert.equal(
      await i('count=2,capabilities=utility'),
      '[{"Driver":"","Count":2,"DeviceIDs":null,"Capabilities":[["utility","gpu"]],"Options":{}}]',
    );
    assert.equal((await s.sh("$DOCKER inspect -f '{{json .HostConfig.DeviceRequests}}' $($DOCKER create $IMAGE true)")).stdout, 'null\n');
    await refusedAtStart('--gpus all', /^dockui: could not select device driver "" with capabilities: \[\[gpu\]\]$/m);
    await refusedAtStart(
      '--gpus driver=nvidia,capabilities=utility',
      /^dockui: could not select device driver "nvidia" with capabilities: \[\[utility gpu\]\]$/m,
    );
    await refused(s, '--gpus bogus=1', /^dockui: invalid argument "bogus=1" for "--gpus" flag: unexpected key 'bogus' in 'bogus=1'$/m);
    await refused(
      s,
      '--gpus count=abc',
      /^dockui: invalid argument "count=abc" for "--gpus" flag: count must be an integer: strconv\.Atoi: parsing "abc": invalid syntax$/m,
    );
    await refused(s, "--gpus ''", /^dockui: invalid argument "" for "--gpus" flag: EOF$/m);
  });
});
