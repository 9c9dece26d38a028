// run/create's further flags as Docker's documentation shows them, part 1: what the container
// sees of --add-host, --dns*, --ulimit, --security-opt, --device, --shm-size, --sysctl,
// --group-add, --mount and --volumes-from, and inspect's HostConfig fields. Every bad value is one
// line, exit 125, and no container left behind.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';
import { refused } from './refused.js';

describe('compat: run flags (files, limits, security, devices, mounts)', () => {
  const s = scenario('flags1', 'h14run-');
  const dir = mkdtempSync('/var/tmp/h14run-files-');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f -v $($DOCKER ps -aq) >/dev/null 2>&1; true');
    rmSync(dir, { recursive: true, force: true });
    s.cleanup();
  });

  it('--add-host: an entry of /etc/hosts (host-gateway: the host as the network reaches it)', async () => {
    const r = await s.sh('$DOCKER run --rm --add-host db.example:10.1.2.3 --add-host gw:host-gateway $IMAGE cat /etc/hosts');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^10\.1\.2\.3\tdb\.example$/m);
    assert.match(r.stdout, /^10\.0\.2\.2\tgw$/m);
    const c = await s.sh(
      "$DOCKER create --name h14run-hosts --add-host a:1.2.3.4 $IMAGE true && $DOCKER inspect -f '{{json .HostConfig.ExtraHosts}}' h14run-hosts",
    );
    assert.equal(c.stdout.split('\n')[1], '["a:1.2.3.4"]');
    await refused(
      s,
      '--add-host db:not-an-ip',
      /^dockui: invalid argument "db:not-an-ip" for "--add-host" flag: invalid IP address in add-host: "not-an-ip"$/m,
    );
  });

  it("--dns, --dns-search, --dns-option: the container's /etc/resolv.conf", async () => {
    const r = await s.sh(
      '$DOCKER run --rm --dns 9.9.9.9 --dns 1.1.1.1 --dns-search example.com --dns-option ndots:2 $IMAGE cat /etc/resolv.conf',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'nameserver 9.9.9.9\nnameserver 1.1.1.1\nsearch example.com\noptions ndots:2\n');
    const i = await s.sh(
      "$DOCKER create --name h14run-dns --dns 9.9.9.9 --dns-search a.b $IMAGE true >/dev/null && $DOCKER inspect -f '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}}' h14run-dns",
    );
    assert.equal(i.stdout, '["9.9.9.9"] ["a.b"] []\n');
    await refused(s, '--dns nine', /^dockui: invalid argument "nine" for "--dns" flag: nine is not an ip address$/m);
  });

  it('--ulimit: soft and hard limits; above the host hard limit refused in one line', async () => {
    const r = await s.sh('$DOCKER run --rm --ulimit nofile=1024:2048 --ulimit nproc=500 $IMAGE sh -c "ulimit -n; ulimit -Hn; ulimit -u"');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1024\n2048\n500\n');
    const i = await s.sh(
      "$DOCKER create --name h14run-ul --ulimit nofile=100:200 $IMAGE true >/dev/null && $DOCKER inspect -f '{{json .HostConfig.Ulimits}}' h14run-ul",
    );
    assert.equal(i.stdout, '[{"Name":"nofile","Soft":100,"Hard":200}]\n');
    const hard = (await s.sh("awk '/^Max open files/ {print $5}' /proc/self/limits")).stdout.trim();
    await refused(s, `--ulimit nofile=${Number(hard) + 1}`, /is above this host's hard limit for nofile/);
    await refused(s, '--ulimit nofile=2048:1024', /soft limit must be less than or equal to hard limit/);
    await refused(s, '--ulimit bogus=1', /invalid ulimit type: bogus/);
  });

  it('--security-opt: seccomp=unconfined, seccomp=FILE.json, no-new-privileges; unknown ones refused', async () => {
    const un = await s.sh('$DOCKER run --rm --security-opt seccomp=unconfined $IMAGE grep Seccomp: /proc/self/status');
    assert.equal(un.stdout, 'Seccomp:\t0\n', un.stderr);
    const def = await s.sh('$DOCKER run --rm $IMAGE grep Seccomp: /proc/self/status');
    assert.equal(def.stdout, 'Seccomp:\t2\n');
    const prof = join(dir, 'nomkdir.json');
    writeFileSync(
      prof,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
      }),
    );
    const f = await s.sh(`$DOCKER run --rm --security-opt seccomp=${prof} $IMAGE mkdir /tmp/x`);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /Operation not permitted/);
    assert.equal((await s.sh('$DOCKER run --rm $IMAGE mkdir /tmp/x')).code, 0);
    // dockui sets no_new_privs on every unprivileged container; --privileged drops it unless asked.
    const nnp = await s.sh('$DOCKER run --rm --privileged --security-opt no-new-privileges $IMAGE grep NoNewPrivs /proc/self/status');
    assert.equal(nnp.stdout, 'NoNewPrivs:\t1\n', nnp.stderr);
    assert.equal((await s.sh('$DOCKER run --rm --privileged $IMAGE grep NoNewPrivs /proc/self/status')).stdout, 'NoNewPrivs:\t0\n');
    const i = await s.sh(
      "$DOCKER create --name h14run-sec --security-opt apparmor=unconfined --security-opt label=disable $IMAGE true >/dev/null && $DOCKER inspect -f '{{json .HostConfig.SecurityOpt}}' h14run-sec",
    );
    assert.equal(i.stdout, '["apparmor=unconfined","label=disable"]\n');
    await refused(s, '--security-opt foo', /^dockui: Invalid --security-opt: "foo"$/m);
    await refused(s, '--security-opt apparmor=docker-default', /dockui loads no AppArmor profile/);
    await refused(s, `--security-opt seccomp=${join(dir, 'missing.json')}`, /^dockui: opening seccomp profile \(.*missing\.json\) failed/m);
  });

  it('--device: the node inside, with the cgroup rule its permissions ask', async () => {
    assert.notEqual((await s.sh('$DOCKER run --rm $IMAGE test -c /dev/fuse')).code, 0);
    const rw = await s.sh("$DOCKER run --rm --device /dev/fuse $IMAGE sh -c 'ls -l /dev/fuse && exec 3<>/dev/fuse && echo rw'");
    assert.equal(rw.code, 0, rw.stderr);
    assert.match(rw.stdout, /^crw-------\s+1 root\s+root\s+10,\s+229 .*\/dev\/fuse\nrw\n$/);
    const ro = await s.sh(
      "$DOCKER run --rm --device /dev/fuse:/dev/myfuse:r $IMAGE sh -c 'exec 4</dev/myfuse && echo r; exec 3<>/dev/myfuse && echo rw'",
    );
    assert.equal(ro.stdout, 'r\n');
    assert.match(ro.stderr, /Operation not permitted/);
    const i = await s.sh(
      "$DOCKER create --name h14run-dev --device /dev/fuse:/dev/f:rw $IMAGE true >/dev/null && $DOCKER inspect -f '{{json .HostConfig.Devices}}' h14run-dev",
    );
    assert.equal(i.stdout, '[{"PathOnHost":"/dev/fuse","PathInContainer":"/dev/f","CgroupPermissions":"rw"}]\n');
    await refused(s, '--device /dev/nope', /^dockui: error gathering device information while adding custom device "\/dev\/nope"/m);
    await refused(s, '--device /etc/passwd', /not a device node/);
  });

  it("--shm-size: the size of /dev/shm (inspect: HostConfig.ShmSize, Docker's 64m by default)", async () => {
    const r = await s.sh('$DOCKER run --rm --shm-size 128m $IMAGE grep " /dev/shm " /proc/mounts');
    assert.match(r.stdout, /size=131072k/, r.stderr);
    assert.match((await s.sh('$DOCKER run --rm $IMAGE grep " /dev/shm " /proc/mounts')).stdout, /size=65536k/);
    const i = await s.sh(
      "$DOCKER create --name h14run-shm --shm-size 1g $IMAGE true >/dev/null && $DOCKER inspect -f '{{.HostConfig.ShmSize}}' h14run-shm h14run-dev",
    );
    assert.equal(i.stdout, '1073741824\n67108864\n');
    await refused(s, '--shm-size lots', /^dockui: invalid argument "lots" for "--shm-size" flag: invalid size: 'lots'$/m);
  });

  it('--sysctl: namespaced sysctls set in the container; others refused', async () => {
    const r = await s.sh(
      '$DOCKER run --rm --sysctl net.ipv4.ip_unprivileged_port_start=80 --sysctl kernel.shmmni=1000 $IMAGE cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni',
    );
    assert.equal(r.stdout, '80\n1000\n', r.stderr);
    assert.equal((await s.sh('$DOCKER run --rm $IMAGE cat /proc/sys/net/ipv4/ip_unprivileged_port_start')).stdout, '1024\n');
    await refused(
      s,
      '--sysctl vm.swappiness=1',
      /^dockui: invalid argument "vm.swappiness=1" for "--sysctl" flag: sysctl 'vm.swappiness=1' is not whitelisted$/m,
    );
    await refused(s, '--network host --sysctl net.ipv4.ip_forward=1', /not allowed in host network namespace/);
  });

  it("--group-add: supplementary groups by gid or by the image's group name, after the primary group", async () => {
    const r = await s.sh('$DOCKER run --rm --group-add 1234 --group-add nogroup $IMAGE id -G');
    assert.equal(r.stdout, '0 1234 65534\n', r.stderr);
    // The primary group is a supplementary one too, as dockerd sets it (docker 20.10 prints these).
    const ids = await s.sh(
      '$DOCKER run --rm $IMAGE id; $DOCKER run --rm -u 1000:1000 $IMAGE id; $DOCKER run --rm --group-add 10 $IMAGE id',
    );
    assert.equal(
      ids.stdout,
      'uid=0(root) gid=0(root) groups=0(root)\nuid=1000 gid=1000 groups=1000\nuid=0(root) gid=0(root) groups=0(root),10\n',
      ids.stderr,
    );
    await refused(s, '--group-add nosuchgroup', /Unable to find group nosuchgroup/);
  });

  it("--mount: bind (readonly, propagation), volume and tmpfs (tmpfs-size); -v's path rules", async () => {
    const src = join(dir, 'src');
    await s.sh(`mkdir -p ${src} && echo hello > ${src}/f`);
    const r = await s.sh(
      `$DOCKER run --rm --mount type=bind,source=${src},target=/data,readonly --mount type=tmpfs,target=/scratch,tmpfs-size=1m --mount source=h14run-vol,target=/vol $IMAGE sh -c 'cat /data/f; touch /data/x 2>/dev/null || echo ro; echo v > /vol/v; grep " /scratch " /proc/mounts'`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hello\nro\ntmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k 0 0\n$/);
    assert.equal((await s.sh('$DOCKER run --rm -v h14run-vol:/v $IMAGE cat /v/v')).stdout, 'v\n');
    const i = await s.sh(
      `$DOCKER create --name h14run-mnt --mount type=bind,src=${src},dst=/d,bind-propagation=rslave $IMAGE true >/dev/null && $DOCKER inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}} {{.Propagation}}{{end}}' h14run-mnt`,
    );
    assert.equal(i.stdout, `bind ${src} /d true rslave\n`);
    await refused(
      s,
      '--mount type=bind,source=/nope/h14run,target=/d',
      /^dockui: invalid mount config for type "bind": bind source path does not exist: \/nope\/h14run$/m,
    );
    await refused(s, '--mount type=bind,source=rel,target=/d', /mount path must be absolute/);
    await refused(s, '--mount type=tmpfs,target=/', /cannot mount over \//);
    await refused(s, '--mount type=tmpfs,source=x,target=/t', /field Source must not be specified/);
    await refused(s, '--mount type=nfs,target=/t', /invalid mount type "nfs"/);
    await refused(s, '--mount target', /invalid field 'target' must be a key=value pair/);
  });

  it("--volumes-from: another container's volumes, :ro read-only; rm -v of the user leaves them", async () => {
    const a = await s.sh("$DOCKER run -d --name h14run-vsrc -v /shared $IMAGE sh -c 'echo data > /shared/f; sleep 1000'");
    assert.equal(a.code, 0, a.stderr);
    await s.until('$DOCKER exec h14run-vsrc cat /shared/f', (o) => o === 'data');
    const rw = await s.sh("$DOCKER run --name h14run-vuse --volumes-from h14run-vsrc $IMAGE sh -c 'cat /shared/f; echo more >> /shared/f'");
    assert.equal(rw.stdout, 'data\n', rw.stderr);
    const ro = await s.sh("$DOCKER run --rm --volumes-from h14run-vsrc:ro $IMAGE sh -c 'cat /shared/f; echo x >> /shared/f'");
    assert.equal(ro.stdout, 'data\nmore\n');
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal((await s.sh("$DOCKER inspect -f '{{json .HostConfig.VolumesFrom}}' h14run-vuse")).stdout, '["h14run-vsrc"]\n');
    assert.equal((await s.sh('$DOCKER rm -v h14run-vuse')).code, 0);
    assert.equal((await s.sh('$DOCKER exec h14run-vsrc cat /shared/f')).stdout, 'data\nmore\n');
    await refused(s, '--volumes-from h14run-nosuch', /h14run-nosuch/);
    await refused(s, '--volumes-from h14run-vsrc:rx', /invalid --volumes-from "h14run-vsrc:rx"/);
  });
});
