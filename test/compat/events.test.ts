// `docker events` as its reference page describes it: "TIME TYPE ACTION ID (attributes)" lines,
// --since/--until (timestamps, Unix seconds, durations ago), --filter type=/event=/container=/
// image=, --format with the event's fields; live events streamed from other commands, the
// monitor's own (a restart's die/start) included, since every dockui process logs its events;
// `network connect`/`disconnect` as Docker's network events (the network's id as the actor, the
// container's id among the attributes), with --filter network=.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

// Bridges are host-wide: this file's own name prefix and subnet pool keep it apart from other suites.
process.env.DOCKUI_BRIDGE_PREFIX = 'pf18e';
process.env.DOCKUI_SUBNET_POOL = '10.218.0.0/16';

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
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER network prune -f >/dev/null 2>&1; true');
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
      // image= is Config.Image, the name as `run` was given it ($IMAGE has no tag), as dockerd's.
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container die [0-9a-f]{64} \(exitCode=2, image=\S+\/fixture\/busybox, name=h14-ev\)$/,
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
    assert.equal(bad.stdout, 'code 1\n');
  });

  it('network connect and disconnect: network events with the container id, --filter network=', async () => {
    const t = Math.floor(Date.now() / 1000);
    const setup = await s.sh(
      '$DOCKER network create h18-ev-a && $DOCKER network create h18-ev-b && $DOCKER create --name h18-net --network h18-ev-a $IMAGE sleep 100',
    );
    assert.equal(setup.code, 0, setup.stderr);
    const [netA, netB, cid] = setup.stdout.trim().split('\n');
    const r = await s.sh('$DOCKER network connect h18-ev-b h18-net && $DOCKER network disconnect h18-ev-b h18-net');
    assert.equal(r.code, 0, r.stderr);
    const ev = await s.sh(`$DOCKER events --since ${t} --until 0s --filter type=network`);
    assert.equal(ev.code, 0, ev.stderr);
    const lines = ev.stdout.trim().split('\n');
    assert.equal(lines.length, 2, ev.stdout);
    assert.match(lines[0]!, new RegExp(`^\\S+Z network connect ${netB} \\(container=${cid}, name=h18-ev-b, type=bridge\\)$`));
    assert.match(lines[1]!, new RegExp(`^\\S+Z network disconnect ${netB} \\(container=${cid}, name=h18-ev-b, type=bridge\\)$`));
    const f = await s.sh(
      `$DOCKER events --since ${t} --until 0s --filter network=h18-ev-b --filter event=disconnect --format '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.container}}'`,
    );
    assert.equal(f.stdout, `network disconnect ${netB} ${cid}\n`);
    assert.equal((await s.sh(`$DOCKER events --since ${t} --until 0s --filter network=${netA!.slice(0, 12)}`)).stdout, '');
    assert.equal((await s.sh('$DOCKER rm h18-net >/dev/null && $DOCKER network rm h18-ev-a h18-ev-b')).code, 0);
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
