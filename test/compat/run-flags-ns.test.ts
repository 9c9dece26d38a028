// run/create's further flags as Docker's documentation shows them, part 2: --stop-timeout,
// --log-driver, --expose, --pid/--ipc/--uts, --network-alias, --platform and --pull, and their
// place in `run --help`. Every bad value is one line, exit 125, and no container left behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';
import { refused } from './refused.js';

// Bridges are host-wide: this file's own name prefix and subnet pool keep it apart from other suites.
process.env.DOCKUI_BRIDGE_PREFIX = 'h14rn';
process.env.DOCKUI_SUBNET_POOL = '10.141.0.0/16';

describe('compat: run flags (stop, logs, ports, namespaces, aliases, platform, pull)', () => {
  const s = scenario('flags2', 'h14run-');
  const multiarch = s.image.replace(/busybox$/, 'multiarch');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER network prune -f >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('--stop-timeout: stop and restart without -t wait that long (Config.StopTimeout); -t still wins', async () => {
    const ignoreTerm = `sh -c 'trap "" TERM; while :; do sleep 0.1; done'`;
    const r = await s.sh(`$DOCKER run -d --name h14run-st --stop-timeout 1 $IMAGE ${ignoreTerm}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.sh("$DOCKER inspect -f '{{.Config.StopTimeout}}' h14run-st")).stdout, '1\n');
    let t0 = Date.now();
    assert.equal((await s.sh('$DOCKER stop h14run-st')).code, 0);
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 6000, `stop took ${took} ms`);
    assert.equal((await s.sh("$DOCKER inspect -f '{{.State.ExitCode}}' h14run-st")).stdout, '137\n');
    t0 = Date.now();
    assert.equal((await s.sh('$DOCKER restart h14run-st')).code, 0);
    assert.ok(Date.now() - t0 < 6000);
    t0 = Date.now();
    assert.equal((await s.sh('$DOCKER stop -t 0 h14run-st')).code, 0);
    assert.ok(Date.now() - t0 < 3000);
    await refused(s, '--stop-timeout soon', /^dockui: invalid argument "soon" for "--stop-timeout" flag/m);
  });

  it('--log-driver: none keeps no log (logs says so in one line), the output still reaches run; others refused', async () => {
    const fg = await s.sh('$DOCKER run --name h14run-nolog --log-driver none $IMAGE echo visible');
    assert.equal(fg.stdout, 'visible\n', fg.stderr);
    const logs = await s.sh('$DOCKER logs h14run-nolog');
    assert.notEqual(logs.code, 0);
    assert.equal(logs.stderr, 'dockui: configured logging driver does not support reading\n');
    assert.equal((await s.sh("$DOCKER inspect -f '{{.HostConfig.LogConfig.Type}}' h14run-nolog")).stdout, 'none\n');
    const d = await s.sh('$DOCKER run -d --name h14run-jlog --log-driver json-file $IMAGE echo kept');
    assert.equal(d.code, 0, d.stderr);
    await s.until('$DOCKER logs h14run-jlog', (o) => o === 'kept');
    assert.equal((await s.sh("$DOCKER inspect -f '{{.HostConfig.LogConfig.Type}}' h14run-jlog")).stdout, 'json-file\n');
    await refused(s, '--log-driver syslog', /^dockui: log driver "syslog" is not supported/m);
  });

  it("--expose: ports and ranges in Config.ExposedPorts (with the image's), published by -P", async () => {
    const r = await s.sh('$DOCKER run -d --name h14run-exp --expose 7000 --expose 7100-7101/udp -P $IMAGE sleep 100');
    assert.equal(r.code, 0, r.stderr);
    const e = await s.sh("$DOCKER inspect -f '{{json .Config.ExposedPorts}}' h14run-exp");
    assert.deepEqual(Object.keys(JSON.parse(e.stdout) as object).sort(), ['7000/tcp', '7100/udp', '7101/udp']);
    const port = (await s.sh('$DOCKER port h14run-exp')).stdout;
    // dockerd 20.10.24: each on 0.0.0.0 and :: (the host has IPv6).
    assert.match(
      port,
      /^7000\/tcp -> 0\.0\.0\.0:(\d+)\n7000\/tcp -> :::\1\n7100\/udp -> 0\.0\.0\.0:(\d+)\n7100\/udp -> :::\2\n7101\/udp -> 0\.0\.0\.0:(\d+)\n7101\/udp -> :::\3\n$/,
    );
    await refused(
      s,
      '--expose 70000',
      /^dockui: invalid range format for --expose: 70000, error: strconv.ParseUint: parsing "70000": value out of range$/m,
    );
  });

  it('--pid host|container:X, --ipc host|shareable|container:X, --uts host', async () => {
    const hostPid = (await s.sh('readlink /proc/self/ns/pid')).stdout;
    assert.equal((await s.sh('$DOCKER run --rm --pid host $IMAGE readlink /proc/self/ns/pid')).stdout, hostPid);
    assert.notEqual((await s.sh('$DOCKER run --rm $IMAGE readlink /proc/self/ns/pid')).stdout, hostPid);
    const hostIpc = (await s.sh('readlink /proc/self/ns/ipc')).stdout;
    assert.equal((await s.sh('$DOCKER run --rm --ipc host $IMAGE readlink /proc/self/ns/ipc')).stdout, hostIpc);
    const hostname = (await s.sh('hostname')).stdout;
    assert.equal((await s.sh('$DOCKER run --rm --uts host $IMAGE hostname')).stdout, hostname);
    assert.equal(
      (await s.sh('$DOCKER run --rm --uts host $IMAGE readlink /proc/self/ns/uts')).stdout,
      (await s.sh('readlink /proc/self/ns/uts')).stdout,
    );

    const a = await s.sh("$DOCKER run -d --name h14run-ipc --ipc shareable $IMAGE sh -c 'echo shared > /dev/shm/s; exec sleep 1000'");
    assert.equal(a.code, 0, a.stderr);
    await s.until('$DOCKER exec h14run-ipc cat /dev/shm/s', (o) => o === 'shared');
    const ns = (await s.sh('$DOCKER exec h14run-ipc readlink /proc/self/ns/ipc')).stdout;
    const j = await s.sh("$DOCKER run --rm --ipc container:h14run-ipc $IMAGE sh -c 'readlink /proc/self/ns/ipc; cat /dev/shm/s'");
    assert.equal(j.stdout, `${ns}shared\n`, j.stderr);
    const p = await s.sh("$DOCKER run --rm --pid container:h14run-ipc $IMAGE sh -c 'ps -o comm | grep -c sleep'");
    assert.equal(p.stdout, '1\n', p.stderr);
    assert.equal(
      (await s.sh("$DOCKER inspect -f '{{.HostConfig.IpcMode}} {{.HostConfig.PidMode}} {{.HostConfig.UTSMode}}' h14run-ipc")).stdout,
      'shareable  \n',
    );
    assert.equal((await s.sh('$DOCKER run -d --name h14run-priv $IMAGE sleep 1000')).code, 0);
    await refused(s, '--ipc container:h14run-priv', /^dockui: cannot join IPC of a non-shareable container h14run-priv/m);
    await refused(s, '--ipc sometimes', /^dockui: --ipc sometimes: invalid mode/m);
    await refused(s, '--uts private', /^dockui: --uts: invalid UTS mode$/m);
    await refused(s, '--uts host -h myhost', /conflicting options: hostname and the UTS mode/);
  });

  it('--network-alias: other containers of the user network resolve it; elsewhere refused', async () => {
    assert.equal((await s.sh('$DOCKER network create h14run-net')).code, 0);
    const w = await s.sh(
      '$DOCKER run -d --name h14run-web --network h14run-net --network-alias webby --network-alias www $IMAGE sleep 1000',
    );
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await s.sh('$DOCKER run -d --name h14run-cli --network h14run-net $IMAGE sleep 1000')).code, 0);
    const ip = (await s.sh('$DOCKER inspect -f \'{{(index .NetworkSettings.Networks "h14run-net").IPAddress}}\' h14run-web')).stdout.trim();
    for (const name of ['webby', 'www']) {
      const ping = await s.sh(`$DOCKER exec h14run-cli ping -c1 -W2 ${name}`);
      assert.equal(ping.code, 0, ping.stdout + ping.stderr);
      assert.match(ping.stdout, new RegExp(`^PING ${name} \\(${ip.replace(/\./g, '\\.')}\\)`));
    }
    assert.equal(
      (await s.sh('$DOCKER inspect -f \'{{json (index .NetworkSettings.Networks "h14run-net").Aliases}}\' h14run-web')).stdout,
      '["webby","www"]\n',
    );
    // docker 20.10: dropped without --network, refused with a built-in one.
    await refused(s, '--network none --network-alias x', /^dockui: network-scoped aliases are only supported for user-defined networks$/m);
  });

  it('--platform: the local one as is; another pulled from the index with a warning; --pull never refuses a mismatch', async () => {
    const local = await s.sh(`$DOCKER run --rm --platform linux/amd64 ${multiarch}`);
    assert.equal(local.stdout, 'amd64\n', local.stderr);
    assert.doesNotMatch(local.stderr, /WARNING/);
    const arm = await s.sh(`$DOCKER run --rm --platform linux/arm64 ${multiarch}`);
    assert.equal(arm.code, 0, arm.stderr);
    assert.equal(arm.stdout, 'arm64\n'); // the fixture's arm64 image carries amd64 binaries: it runs here
    assert.match(
      arm.stderr,
      /^WARNING: The requested image's platform \(linux\/arm64\) does not match the detected host platform \(linux\/amd64\)/m,
    );
    assert.match(arm.stderr, /exec format error/);
    const never = await s.sh(`$DOCKER run --rm --name h14run-bad --pull never --platform linux/amd64 ${multiarch}`);
    assert.equal(never.code, 125);
    assert.equal(
      never.stderr,
      `dockui: image with reference ${multiarch} was found but does not match the specified platform: wanted linux/amd64, actual: linux/arm64\n`,
    );
    await refused(s, '--platform linux/a/b/c', /^dockui: invalid platform "linux\/a\/b\/c"/m);
  });

  it('--pull always|missing|never', async () => {
    const layers = s.image.replace(/busybox$/, 'layers');
    const never = await s.sh(`$DOCKER run --rm --pull never ${layers}`);
    assert.equal(never.code, 125);
    // docker's words name the tag it looked for.
    assert.equal(never.stderr, `dockui: No such image: ${layers}:latest\n`);
    const missing = await s.sh(`$DOCKER run --rm ${layers}`);
    assert.equal(missing.stdout, 'motd from layer 3\n');
    assert.match(missing.stderr, new RegExp(`^Unable to find image '${layers}:latest' locally$`, 'm'));
    const again = await s.sh(`$DOCKER run --rm --pull missing ${layers}`);
    assert.equal(again.stderr, '');
    // always: pulled even when present (the arm64 tag above goes back to this host's variant).
    const always = await s.sh(`$DOCKER run --rm --pull always ${multiarch}`);
    assert.equal(always.stdout, 'amd64\n', always.stderr);
    await refused(s, '--pull sometimes', /^dockui: invalid pull option: 'sometimes': must be one of "always", "missing" or "never"$/m);
  });

  it("help: the new flags in docker's words and order", async () => {
    const opts = (await s.sh('$DOCKER run --help')).stdout.split('Options:\n')[1]!.split('\n');
    const names = opts.filter(Boolean).map((l) => /--([a-z-]+)/.exec(l)![1]!);
    assert.deepEqual(names, [...names].sort());
    for (const [flag, type, words] of [
      ['add-host', 'list', 'Add a custom host-to-IP mapping \\(host:ip\\)'],
      ['device', 'list', 'Add a host device to the container'],
      ['dns', 'list', 'Set custom DNS servers'],
      ['dns-option', 'list', 'Set DNS options'],
      ['dns-search', 'list', 'Set custom DNS search domains'],
      ['expose', 'list', 'Expose a port or a range of ports'],
      ['gpus', 'gpu-request', "GPU devices to add to the container \\('all' to pass all GPUs\\)"],
      ['group-add', 'list', 'Add additional groups to join'],
      ['ipc', 'string', 'IPC mode to use'],
      ['log-driver', 'string', 'Logging driver for the container'],
      ['memory-reservation', 'bytes', 'Memory soft limit'],
      ['memory-swap', 'bytes', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"],
      ['mount', 'mount', 'Attach a filesystem mount to the container'],
      ['network-alias', 'list', 'Add network-scoped alias for the container'],
      ['pid', 'string', 'PID namespace to use'],
      ['platform', 'string', 'Set platform if server is multi-platform capable'],
      ['pull', 'string', 'Pull image before running \\("always"\\|"missing"\\|"never"\\) \\(default "missing"\\)'],
      ['security-opt', 'list', 'Security Options'],
      ['shm-size', 'bytes', 'Size of /dev/shm'],
      ['stop-timeout', 'int', 'Timeout \\(in seconds\\) to stop a container'],
      ['sysctl', 'map', 'Sysctl options \\(default map\\[\\]\\)'],
      ['ulimit', 'ulimit', 'Ulimit options \\(default \\[\\]\\)'],
      ['uts', 'string', 'UTS namespace to use'],
      ['volumes-from', 'list', 'Mount volumes from the specified container\\(s\\)'],
    ])
      assert.ok(
        opts.some((l) => new RegExp(`^ {6}--${flag} ${type} +${words}$`).test(l)),
        `--${flag}`,
      );
    assert.match((await s.sh('$DOCKER create --help')).stdout, /\n {6}--ulimit ulimit +Ulimit options/);
  });
});
