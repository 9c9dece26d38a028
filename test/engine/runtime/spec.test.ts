// Pure parts of the runtime: input parsing, the state table, capabilities, the seccomp
// profile and the generated OCI spec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBytes, parseCpus, parseSignal } from '../../../src/engine/runtime/containers.js';
import { generateName, validName } from '../../../src/engine/runtime/ids.js';
import { dockerLogTime, joinPartials, parseLogLine, parseSince } from '../../../src/engine/runtime/logs.js';
import { parseNetworkMode, parsePublish } from '../../../src/engine/runtime/network.js';
import { mergeEnv } from '../../../src/engine/runtime/run-in-rootfs.js';
import { defaultSeccompProfile } from '../../../src/engine/runtime/seccomp.js';
import { allCapabilities, buildSpec, effectiveCapabilities, hostCapabilities } from '../../../src/engine/runtime/spec.js';
import { canTransition, ensureState } from '../../../src/engine/runtime/state.js';
import { parseTmpfs, parseVolume } from '../../../src/engine/runtime/volumes.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('runtime input parsing', () => {
  it('parses -p like docker and refuses malformed specs', () => {
    assert.deepEqual(parsePublish('8080:80'), { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' });
    assert.deepEqual(parsePublish('127.0.0.1:53:53/udp'), { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' });
    assert.deepEqual(parsePublish('80'), { hostIp: '0.0.0.0', hostPort: 0, containerPort: 80, protocol: 'tcp' });
    // dockerd's: a host port of 0 is a random one, an IPv6 host address goes in brackets.
    assert.deepEqual(parsePublish('0:80'), { hostIp: '0.0.0.0', hostPort: 0, containerPort: 80, protocol: 'tcp' });
    assert.deepEqual(parsePublish('[::1]:8080:80/udp'), { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'udp' });
    for (const bad of ['80:0', '80:70000', 'x:80', '80/sctp', '1.2.3:80:80', '300.1.1.1:80:80', 'a:b:c:d', '[1.2.3.4]:80:80', '[::1]:80'])
      assert.equal(
        code(() => parsePublish(bad)),
        'invalid_argument',
        bad,
      );
  });

  it('parses -v and --tmpfs', () => {
    assert.deepEqual(parseVolume('/srv:/data:ro'), { type: 'bind', source: '/srv', destination: '/data', readOnly: true });
    assert.deepEqual(parseVolume('cache:/var/cache'), { type: 'volume', source: 'cache', destination: '/var/cache', readOnly: false });
    assert.equal(parseVolume('/anon').type, 'volume');
    for (const bad of [':/x', 'rel/dir:/x', '/a:relative', '/a:/b:rx', '/a:/', 'a:b:c:d'])
      assert.equal(
        code(() => parseVolume(bad)),
        'invalid_argument',
        bad,
      );
    assert.deepEqual(parseTmpfs('/run:size=1m'), { type: 'tmpfs', source: '', destination: '/run', readOnly: false, options: 'size=1m' });
  });

  it('parses signals, sizes, cpus, networks and names', () => {
    assert.equal(parseSignal('term'), 'SIGTERM');
    assert.equal(parseSignal('9'), 'SIGKILL');
    assert.equal(parseSignal('SIGUSR1'), 'SIGUSR1');
    assert.equal(
      code(() => parseSignal('SIGNOPE')),
      'invalid_argument',
    );
    assert.equal(parseBytes('16m'), 16 * 1024 * 1024);
    assert.equal(parseBytes('1g'), 1024 ** 3);
    assert.equal(
      code(() => parseBytes('1k')),
      'invalid_argument',
    );
    assert.equal(parseCpus('0.5'), 500_000_000);
    assert.equal(parseCpus('0'), 0);
    // dockerd sets no floor (the kernel refuses a quota below 1 ms when the container starts).
    assert.equal(parseCpus('0.001', 2), 1_000_000);
    for (const bad of ['1000', '2.5', '-0.5', 'two', ''])
      assert.throws(
        () => parseCpus(bad, 2),
        (e: Error) => /^(Range of CPUs is from 0\.01 to 2\.00, as there are only 2 CPUs available|invalid --cpus value)/.test(e.message),
        bad,
      );
    assert.equal(parseCpus('2', 2), 2e9);
    assert.equal(
      code(() => parseCpus('-1')),
      'invalid_argument',
    );
    assert.equal(parseNetworkMode(undefined), 'private');
    assert.equal(parseNetworkMode('bridge'), 'private');
    assert.equal(
      code(() => parseNetworkMode('macvlan')),
      'invalid_argument',
    );
    for (let i = 0; i < 20; i++) assert.ok(validName(generateName(i % 4)));
    assert.ok(!validName('-x') && !validName('a/b'));
  });

  it('merges env as docker does: later keys win, PATH defaulted', () => {
    assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['A=3']), [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'B=2',
      'A=3',
    ]);
    assert.deepEqual(mergeEnv(['PATH=/x']), ['PATH=/x']);
  });

  it('reads k8s-file log lines, joins partial ones, and parses --since', () => {
    const raw = [
      '2026-01-01T00:00:00.1+00:00 stdout P hel',
      '2026-01-01T00:00:00.2+00:00 stderr F err',
      '2026-01-01T00:00:00.3+00:00 stdout F lo',
      '2026-01-01T00:00:00.4+00:00 stdout P tail',
    ]
      .map(parseLogLine)
      .filter((l) => l !== undefined);
    const lines = joinPartials(raw, true);
    assert.deepEqual(
      lines.map((l) => [l.stream, l.text, l.partial ?? false]),
      [
        ['stderr', 'err', false],
        ['stdout', 'hello', false],
        ['stdout', 'tail', true],
      ],
    );
    // The time as dockerd gives it (logs -t, the API): UTC, nine digits, Z.
    assert.deepEqual(
      raw.map((l) => l.time),
      [
        '2026-01-01T00:00:00.100000000Z',
        '2026-01-01T00:00:00.200000000Z',
        '2026-01-01T00:00:00.300000000Z',
        '2026-01-01T00:00:00.400000000Z',
      ],
    );
    assert.equal(dockerLogTime('2026-01-01T01:30:05.123456789+01:30'), '2026-01-01T00:00:05.123456789Z');
    assert.equal(dockerLogTime('2025-12-31T23:59:59.000000001-02:00'), '2026-01-01T01:59:59.000000001Z');
    assert.equal(dockerLogTime('2026-01-01T00:00:00Z'), '2026-01-01T00:00:00.000000000Z');
    const now = Date.parse('2026-01-01T01:00:00Z');
    assert.equal(parseSince('10m', now), now - 600_000);
    assert.equal(parseSince('1h30m', now), now - 5_400_000);
    assert.equal(parseSince('1700000000', now), 1_700_000_000_000);
    assert.equal(parseSince('yesterday-ish', now), undefined);
  });
});

describe('container state table', () => {
  it('allows what docker allows and names the state when it refuses', () => {
    assert.ok(canTransition('created', 'start'));
    assert.ok(canTransition('exited', 'start'));
    assert.ok(!canTransition('running', 'remove'));
    assert.ok(canTransition('running', 'forceRemove'));
    assert.ok(!canTransition('exited', 'exec'));
    assert.throws(() => ensureState('web', 'running', 'remove'), /cannot remove container web: it is running: stop it first or use rm -f/);
    assert.throws(() => ensureState('web', 'exited', 'kill'), /cannot kill container web: it is exited/);
    assert.equal(ensureState('web', 'created', 'start'), 'running');
  });
});

describe('OCI spec', () => {
  const host = hostCapabilities();
  it("starts from docker's capabilities, adds and drops, and --privileged takes what the host has", () => {
    const def = effectiveCapabilities({});
    assert.ok(def.includes('CAP_NET_BIND_SERVICE') && def.includes('CAP_CHOWN'));
    assert.ok(!def.includes('CAP_SYS_ADMIN') && !def.includes('CAP_MKNOD'));
    const tuned = effectiveCapabilities({ capAdd: ['net_admin'], capDrop: ['CHOWN'] });
    assert.ok(tuned.includes('CAP_NET_ADMIN') === host.has('CAP_NET_ADMIN') && !tuned.includes('CAP_CHOWN'));
    assert.deepEqual(effectiveCapabilities({ capDrop: ['ALL'], capAdd: ['KILL'] }), ['CAP_KILL']);
    assert.ok(effectiveCapabilities({ privileged: true }).every((c) => host.has(c)));
    assert.equal(
      code(() => effectiveCapabilities({ capAdd: ['CAP_FLY'] })),
      'invalid_argument',
    );
  });

  it('refuses io_uring in the default seccomp profile, with every capability too (as Docker ≥ 25)', () => {
    for (const caps of [[], allCapabilities]) {
      const allowed = defaultSeccompProfile(caps)
        .syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW')
        .flatMap((r) => r.names);
      for (const n of ['io_uring_setup', 'io_uring_enter', 'io_uring_register']) assert.ok(!allowed.includes(n), n);
      assert.ok(allowed.includes('io_setup'), 'the older aio stays');
    }
    assert.equal(defaultSeccompProfile([]).defaultErrnoRet, 1);
  });

  it('gates mount, unshare and namespace clones behind CAP_SYS_ADMIN in the seccomp profile', () => {
    const names = (p: ReturnType<typeof defaultSeccompProfile>) =>
      new Set(p.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names));
    const plain = defaultSeccompProfile(effectiveCapabilities({}));
    assert.equal(plain.defaultAction, 'SCMP_ACT_ERRNO');
    assert.ok(names(plain).has('read') && names(plain).has('execve'));
    for (const s of ['mount', 'umount2', 'unshare', 'setns', 'bpf', 'kexec_load', 'reboot']) assert.ok(!names(plain).has(s), s);
    const clone = plain.syscalls.find((r) => r.names.includes('clone'));
    assert.equal(clone?.args?.[0]?.op, 'SCMP_CMP_MASKED_EQ');
    const admin = defaultSeccompProfile(['CAP_SYS_ADMIN']);
    assert.ok(names(admin).has('mount') && names(admin).has('clone'));
  });

  it('builds a spec with the namespaces, mounts, masks and limits asked for', () => {
    const spec = buildSpec({
      rootfs: '/r',
      args: ['sh'],
      env: ['A=1'],
      cwd: '/',
      uid: 1000,
      gid: 1000,
      hostname: 'h',
      network: 'private',
      netnsPath: '/run/netns/x',
      memoryBytes: 1 << 24,
      nanoCpus: 5e8,
      pidsLimit: 10,
      readOnly: true,
    }) as {
      process: { capabilities: { effective: string[]; bounding: string[] }; noNewPrivileges: boolean; rlimits: { hard: number }[] };
      root: { readonly: boolean };
      mounts: { destination: string; options?: string[] }[];
      linux: {
        namespaces: { type: string; path?: string }[];
        resources: Record<string, Record<string, number>>;
        maskedPaths: string[];
        seccomp?: object;
      };
    };
    assert.deepEqual(spec.process.capabilities.effective, [], 'a non-root user gets no effective capabilities');
    assert.ok(spec.process.capabilities.bounding.length > 0);
    assert.ok(spec.process.noNewPrivileges);
    assert.ok(spec.process.rlimits[0]!.hard <= 1_048_576);
    assert.ok(spec.root.readonly);
    assert.deepEqual(
      spec.linux.namespaces.find((n) => n.type === 'network'),
      { type: 'network', path: '/run/netns/x' },
    );
    for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup'])
      assert.ok(
        spec.mounts.some((m) => m.destination === d),
        d,
      );
    assert.ok(spec.mounts.find((m) => m.destination === '/sys')!.options!.includes('ro'));
    assert.equal(spec.linux.resources.memory!.limit, 1 << 24);
    assert.equal(spec.linux.resources.cpu!.quota, 50_000);
    assert.equal(spec.linux.resources.pids!.limit, 10);
    assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
    assert.ok(spec.linux.seccomp);
    const host = buildSpec({
      rootfs: '/r',
      args: ['sh'],
      env: [],
      cwd: '/',
      uid: 0,
      gid: 0,
      hostname: 'h',
      network: 'host',
      privileged: true,
    }) as {
      linux: { namespaces: { type: string }[]; seccomp?: object };
    };
    assert.ok(!host.linux.namespaces.some((n) => n.type === 'network'));
    assert.equal(host.linux.seccomp, undefined);
  });
});
