// `docker events` as its reference page describes it: "TIME TYPE ACTION ID (attributes)" lines,
// --since/--until (timestamps, Unix seconds, durations ago), --filter type=/event=/container=/
// image=, --format with the event's fields; live events streamed from other commands, the
// monitor's own (a restart's die/start) included, since every dockui process logs its events.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: events', () => {
  const s = scenario('events');
  let t0 = 0;
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE >/dev/null');
    assert.equal(r.code, 0, r.stderr);
    t0 = Math.floor(Date.now() / 1000);
    const run = await s.sh(`$DOCKER run -d --name h14-ev --restart on-failure:1 $IMAGE sh -c 'exit 2' >/dev/null`);
    assert.equal(run.code, 0, run.stderr);
    await s.until(`$DOCKER inspect -f '{{.RestartCount}} {{.State.Status}}' h14-ev`, (o) => o === '1 exited');
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    s.cleanup();
  });

  it("past events with --since/--until: create, start, die, start (the restart), die, in docker's line format", async () => {
    const r = await s.sh(`$DOCKER events --since ${t0} --until 0s --filter type=container`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const actions = lines.map((l) => l.split(' ').slice(1, 3).join(' '));
    assert.deepEqual(actions, ['container create', 'container start', 'container die', 'container start', 'container die']);
    assert.match(
      lines[2]!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container die [0-9a-f]{64} \(exitCode=2, image=\S+busybox:latest, name=h14-ev\)$/,
    );
    // A duration ago, and an --until before it all: nothing.
    assert.equal((await s.sh(`$DOCKER events --since 1h --until ${t0 - 60}`)).stdout, '');
  });

  it('--filter and --format', async () => {
    const r = await s.sh(
      `$DOCKER events --since ${t0} --until 0s --filter event=die --filter container=h14-ev --format '{{.Type}} {{.Action}} {{.Actor.Attributes.exitCode}}'`,
    );
    assert.equal(r.stdout, 'container die 2\ncontainer die 2\n');
    const img = await s.sh(`$DOCKER events --since ${t0 - 5} --until 0s --filter type=image --format '{{.Action}} {{.Actor.ID}}'`);
    assert.match(img.stdout, /^(pull \S+busybox:latest\n)?$/);
    const j = await s.sh(`$DOCKER events --since ${t0} --until 0s --filter event=create --format json`);
    const e = JSON.parse(j.stdout) as { Type: string; Action: string; Actor: { ID: string }; time: number; timeNano: number };
    assert.equal(e.Type, 'container');
    assert.equal(e.Action, 'create');
    assert.equal(e.time, Math.floor(e.timeNano / 1e9));
    const bad = await s.sh(`$DOCKER events --filter bogus=1; echo "code $?"`);
    assert.match(bad.stderr, /invalid filter 'bogus'/);
    assert.equal(bad.stdout, 'code 125\n');
  });

  it('streams live events made by other dockui commands until interrupted', async () => {
    const child = spawn('bash', ['-c', 'exec $DOCKER events --filter container=h14-live'], {
      env: { ...process.env, DOCKER: `${process.execPath} -- ${process.cwd()}/bin/dockui.js --root ${s.root} --runroot ${s.runRoot}` },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 1000));
    await s.sh(
      `$DOCKER run -d --name h14-live $IMAGE sleep 100 >/dev/null && $DOCKER rename h14-live h14-live2 && $DOCKER rm -f h14-live2 >/dev/null`,
    );
    const deadline = Date.now() + 10_000;
    while (!out.includes(' destroy ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0);
    const actions = out
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[2]);
    // The filter names the container as it was created; its later events carry its id.
    assert.deepEqual(actions.slice(0, 2), ['create', 'start']);
  });
});
