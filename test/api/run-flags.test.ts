// The real docker client's run flags of issue 14 through `dockui system service`: docker sends
// them as HostConfig/Config fields of the create body (ExtraHosts, Dns, Ulimits, ShmSize,
// Sysctls, Mounts, SecurityOpt with the seccomp profile's JSON itself, StopTimeout,
// ExposedPorts), and the container sees what it would under Docker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../helpers/env.js';
import { cleanupService, startService, type TestService } from './service.js';

describe('docker CLI run flags through dockui system service', () => {
  let s: TestService;
  let image: string;
  const dir = mkdtempSync('/var/tmp/h14run-api-');

  before(async () => {
    s = await startService({ root: mkdtempSync('/var/tmp/h14run-api-root-') });
    image = `${registry()}/fixture/busybox`;
    const p = await s.docker(['pull', '-q', image]);
    assert.equal(p.code, 0, p.stderr);
  });
  after(async () => {
    if (s) await cleanupService(s);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--add-host, --dns, --ulimit, --shm-size, --sysctl, --mount tmpfs reach the container', async () => {
    const r = await s.docker([
      'run',
      '--rm',
      '--add-host',
      'db.example:10.1.2.3',
      '--dns',
      '9.9.9.9',
      '--ulimit',
      'nofile=1000:2000',
      '--shm-size',
      '96m',
      '--sysctl',
      'net.ipv4.ip_unprivileged_port_start=81',
      '--mount',
      'type=tmpfs,target=/scratch,tmpfs-size=2m',
      image,
      'sh',
      '-c',
      'grep db.example /etc/hosts; grep nameserver /etc/resolv.conf; ulimit -n; ulimit -Hn; grep -o "size=[0-9]*k" /proc/mounts | sort -u; cat /proc/sys/net/ipv4/ip_unprivileged_port_start',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '10.1.2.3\tdb.example\nnameserver 9.9.9.9\n1000\n2000\nsize=2048k\nsize=65536k\nsize=98304k\n81\n');
  });

  it('--security-opt seccomp=FILE (docker sends the JSON), --stop-timeout and --expose in inspect', async () => {
    const prof = join(dir, 'p.json');
    writeFileSync(
      prof,
      JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }),
    );
    const m = await s.docker(['run', '--rm', '--security-opt', `seccomp=${prof}`, image, 'mkdir', '/tmp/x']);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /Operation not permitted/);
    const c = await s.docker(['create', '--name', 'h14run-api', '--stop-timeout', '3', '--expose', '7000', image, 'true']);
    assert.equal(c.code, 0, c.stderr);
    const i = await s.docker(['inspect', '-f', '{{.Config.StopTimeout}} {{json .Config.ExposedPorts}}', 'h14run-api']);
    assert.equal(i.stdout, '3 {"7000/tcp":{}}\n', i.stderr);
    const bad = await s.docker(['run', '--rm', '--ulimit', 'nofile=99999999', image, 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /above this host's hard limit for nofile/);
  });

  it('--memory-swap, --memory-reservation, --cpu-shares, --gpus: HostConfig as dockerd keeps it, the cgroup as it sets it', async () => {
    const c = await s.docker([
      'create',
      '--name',
      'h14run-res',
      '-m',
      '50m',
      '--memory-reservation',
      '20m',
      '-c',
      '512',
      '--gpus',
      'all',
      image,
      'true',
    ]);
    assert.equal(c.code, 0, c.stderr);
    const i = await s.docker([
      'inspect',
      '-f',
      '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuShares}} {{json .HostConfig.DeviceRequests}}',
      'h14run-res',
    ]);
    // The docker client prints the json of what it decoded from the API's answer: keys sorted.
    assert.equal(
      i.stdout,
      '52428800 104857600 20971520 512 [{"Capabilities":[["gpu"]],"Count":-1,"DeviceIDs":null,"Driver":"","Options":{}}]\n',
      i.stderr,
    );
    // No device driver for a GPU here: dockerd's words when it starts.
    const st = await s.docker(['start', 'h14run-res']);
    assert.equal(st.code, 1);
    assert.match(st.stderr, /could not select device driver "" with capabilities: \[\[gpu\]\]/);
    const r = await s.docker([
      'run',
      '--rm',
      '-m',
      '50m',
      '--memory-swap',
      '60m',
      '--memory-reservation',
      '20m',
      '--cpu-shares',
      '300',
      image,
      'cat',
      '/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes',
      '/sys/fs/cgroup/memory/memory.soft_limit_in_bytes',
      '/sys/fs/cgroup/cpu/cpu.shares',
    ]);
    assert.equal(r.stdout, '62914560\n20971520\n300\n', r.stderr);
    const bad = await s.docker(['run', '--rm', '--memory-swap', '100m', image, 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /You should always set the Memory limit when using Memoryswap limit, see usage/);
  });
});
