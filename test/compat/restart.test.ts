// Restart policies without a daemon, as Docker's docs describe them (docs.docker.com, "Start
// containers automatically"): on-failure[:max-retries] restarts a failing container at most that
// many times with a backoff that doubles from 100 ms; always restarts it whatever the exit code,
// but not after a manual stop; a boot (`dockui system restore`) brings `always` containers back
// and leaves stopped `unless-stopped` ones down. Every check runs after the dockui command that
// started the container has exited: the restarts are made by the container's monitor.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: --restart', () => {
  const s = scenario('restart');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('on-failure:3 restarts a crashing container exactly 3 times, with a doubling backoff', async () => {
    const run = await s.sh(`$DOCKER run -d --name h14-crash --restart on-failure:3 $IMAGE sh -c 'echo ran; exit 3'`);
    assert.equal(run.code, 0, run.stderr);
    // RestartCount reaches 3, then the container stays exited (not restarting).
    await s.until(`$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}}' h14-crash`, (o) => o === '3 exited');
    await new Promise((r) => setTimeout(r, 1500));
    const r = await s.sh(
      `$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' h14-crash`,
    );
    assert.equal(r.stdout, '3 exited 3 on-failure 3\n');
    // Four runs in the log (the first and 3 restarts); the gaps grow by the backoff 100, 200, 400 ms.
    const logs = await s.sh('$DOCKER logs -t h14-crash');
    const times = logs.stdout
      .trim()
      .split('\n')
      .map((l) => Date.parse(l.split(' ')[0]!.replace(/(\.\d{3})\d*/, '$1')));
    assert.equal(times.length, 4, logs.stdout);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.forEach((g, i) => assert.ok(g >= 100 * 2 ** i, `gap ${i + 1} ${g} ms is shorter than the backoff ${100 * 2 ** i} ms`));
    const ps = await s.sh(`$DOCKER ps -a --filter name=h14-crash --format '{{.Status}}'`);
    assert.match(ps.stdout, /^Exited \(3\) /);
  });

  it('on-failure does not restart a container that exits 0', async () => {
    await s.sh(`$DOCKER run -d --name h14-zero --restart on-failure $IMAGE true`);
    await s.until(`$DOCKER inspect -f '{{.State.Status}}' h14-zero`, (o) => o === 'exited');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}}' h14-zero`)).stdout, '0 exited\n');
  });

  it('always: a crash restarts it, `stop` does not; a restart after start counts again', async () => {
    const run = await s.sh(`$DOCKER run -d --name h14-always --restart always $IMAGE sleep 1000`);
    assert.equal(run.code, 0, run.stderr);
    // A crash: the container's process killed from outside, no dockui involved.
    await s.sh(`kill -9 $($DOCKER inspect -f '{{.State.Pid}}' h14-always)`);
    await s.until(`$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}}' h14-always`, (o) => o === '1 running');
    assert.match((await s.sh(`$DOCKER ps --filter name=h14-always --format '{{.Status}}'`)).stdout, /^Up /);
    // A manual stop is final.
    const stop = await s.sh('$DOCKER stop -t 1 h14-always');
    assert.equal(stop.code, 0, stop.stderr);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}}' h14-always`)).stdout, '1 exited\n');
    // `kill` by hand is a manual stop too (moby's killWithSignal sets HasBeenManuallyStopped).
    await s.sh('$DOCKER start h14-always');
    await s.sh('$DOCKER kill h14-always');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.State.Status}}' h14-always`)).stdout, 'exited\n');
  });

  it('system restore (what a boot does) starts always containers (even stopped ones) and unless-stopped ones not stopped by hand', async () => {
    const run = await s.sh(`
      $DOCKER run -d --name h14-boot-always --restart always $IMAGE sleep 1000 >/dev/null
      $DOCKER run -d --name h14-boot-unless --restart unless-stopped $IMAGE sleep 1000 >/dev/null
      $DOCKER run -d --name h14-boot-stopped --restart unless-stopped $IMAGE sleep 1000 >/dev/null
      $DOCKER run -d --name h14-boot-none $IMAGE sleep 1000 >/dev/null
      $DOCKER stop -t 0 h14-boot-stopped >/dev/null`);
    assert.equal(run.code, 0, run.stderr);
    // A reboot: every monitor and container process gone at once, no exit command run.
    const ids = (await s.sh(`$DOCKER ps -q --no-trunc`)).stdout.trim().split('\n');
    assert.equal(ids.length, 3);
    await s.sh(`for id in ${ids.join(' ')}; do
      f=${s.root}/containers/$id/record.json
      kill -9 $(sed -n 's/.*"monitorPid": \\([0-9]*\\).*/\\1/p' $f) $(sed -n 's/.*"pid": \\([0-9]*\\).*/\\1/p' $f)
    done`);
    await s.until(`$DOCKER ps -q | wc -l`, (o) => o === '0');
    const restore = await s.sh('$DOCKER system restore');
    assert.equal(restore.code, 0, restore.stderr);
    const names = (await s.sh(`$DOCKER ps --format '{{.Names}}' | sort`)).stdout;
    // h14-always, stopped by hand in the test above, comes back too: Docker's docs, "always: if it
    // is manually stopped, it's restarted only when Docker daemon restarts".
    assert.equal(names, 'h14-always\nh14-boot-always\nh14-boot-unless\n');
    assert.equal(restore.stdout.trim().split('\n').length, 3);
    // and they keep running with no dockui alive
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      (await s.sh(`$DOCKER inspect -f '{{.State.Status}}' h14-boot-always h14-boot-stopped h14-boot-none`)).stdout,
      'running\nexited\nexited\n',
    );
  });

  it('bad policies and --rm with --restart: one line, exit 125, nothing created', async () => {
    const r = await s.sh(`
      $DOCKER run -d --restart bogus $IMAGE true; echo "code $?"
      $DOCKER run -d --restart always:2 $IMAGE true; echo "code $?"
      $DOCKER run -d --restart on-failure:x $IMAGE true; echo "code $?"
      $DOCKER run --rm --restart always $IMAGE true; echo "code $?"
      $DOCKER ps -aq --filter status=created | wc -l`);
    assert.equal(r.stdout, 'code 125\ncode 125\ncode 125\ncode 125\n0\n');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 4, r.stderr);
    assert.match(lines[0]!, /invalid restart policy 'bogus'/);
    assert.match(lines[1]!, /maximum retry count cannot be used with restart policy 'always'/);
    // docker's CLI: the count must be a number (ParseRestartPolicy).
    assert.match(lines[2]!, /^dockui: maximum retry count must be an integer$/);
    assert.match(lines[3]!, /conflicting options: cannot specify both --restart and --rm/);
  });
});
