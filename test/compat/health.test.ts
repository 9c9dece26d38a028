// Healthchecks without a daemon, as Docker's docs describe them (Dockerfile reference,
// HEALTHCHECK; `docker run --health-*`): the check runs first `interval` after the start and
// then every `interval`; "starting" until the first success, "healthy" after one, "unhealthy"
// after `retries` failures in a row; a probe longer than `timeout` fails; State.Health keeps the
// failing streak and the last 5 results; `ps` shows "(healthy)". The probes run with no dockui
// command alive: the container's health runner starts them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: healthchecks', () => {
  const s = scenario('health');
  const ctx = mkdtempSync('/var/tmp/dockui-h14-health-ctx-');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    rmSync(ctx, { recursive: true, force: true });
    s.cleanup();
  });

  it('--health-cmd: starting → healthy → unhealthy after --health-retries failures, in inspect and ps', async () => {
    const run = await s.sh(
      `$DOCKER run -d --name h14-web --health-cmd 'test -e /tmp/ok' --health-interval 300ms --health-retries 2 $IMAGE sh -c 'touch /tmp/ok; exec sleep 1000'`,
    );
    assert.equal(run.code, 0, run.stderr);
    // Before the first probe (an interval after the start): starting.
    const first = await s.sh(`$DOCKER inspect -f '{{.State.Health.Status}}' h14-web`);
    assert.match(first.stdout, /^(starting|healthy)\n$/);
    await s.until(`$DOCKER inspect -f '{{.State.Health.Status}}' h14-web`, (o) => o === 'healthy');
    assert.match((await s.sh(`$DOCKER ps --format '{{.Status}}' --filter name=h14-web`)).stdout, /^Up .* \(healthy\)\n$/);
    assert.equal(
      (await s.sh(`$DOCKER inspect -f '{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Retries}}' h14-web`)).stdout,
      '[CMD-SHELL test -e /tmp/ok] 2\n',
    );
    // The check starts failing.
    await s.sh('$DOCKER exec h14-web rm /tmp/ok');
    await s.until(`$DOCKER inspect -f '{{.State.Health.Status}}' h14-web`, (o) => o === 'unhealthy');
    const h = JSON.parse((await s.sh(`$DOCKER inspect -f '{{json .State.Health}}' h14-web`)).stdout) as {
      Status: string;
      FailingStreak: number;
      Log: { ExitCode: number; Start: string; End: string; Output: string }[];
    };
    assert.ok(h.FailingStreak >= 2, JSON.stringify(h));
    assert.ok(h.Log.length >= 2 && h.Log.length <= 5, JSON.stringify(h));
    assert.equal(h.Log.at(-1)!.ExitCode, 1);
    assert.ok(Date.parse(h.Log.at(-1)!.End) >= Date.parse(h.Log.at(-1)!.Start));
    assert.match((await s.sh(`$DOCKER ps --format '{{.Status}}' --filter name=h14-web`)).stdout, /^Up .* \(unhealthy\)\n$/);
    // Healthy again once the check passes; the streak resets.
    await s.sh('$DOCKER exec h14-web touch /tmp/ok');
    await s.until(`$DOCKER inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' h14-web`, (o) => o === 'healthy 0');
    // Only the last 5 results are kept.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await s.sh(`$DOCKER inspect -f '{{len .State.Health.Log}}' h14-web`)).stdout, '5\n');
  });

  it("the image's HEALTHCHECK runs; --no-healthcheck turns it off; a stop ends the probes", async () => {
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${s.image}\nHEALTHCHECK --interval=300ms --timeout=2s --retries=1 CMD echo probe-output; exit 0\nCMD ["sleep", "1000"]\n`,
    );
    const build = await s.sh(`$DOCKER build -q -t h14-hc:1 ${ctx}`);
    assert.equal(build.code, 0, build.stderr);
    await s.sh(`$DOCKER run -d --name h14-img h14-hc:1 >/dev/null; $DOCKER run -d --name h14-off --no-healthcheck h14-hc:1 >/dev/null`);
    await s.until(`$DOCKER inspect -f '{{.State.Health.Status}}' h14-img`, (o) => o === 'healthy');
    const log = (await s.sh(`$DOCKER inspect -f '{{(index .State.Health.Log 0).Output}}' h14-img`)).stdout;
    assert.equal(log, 'probe-output\n\n');
    assert.equal((await s.sh(`$DOCKER inspect -f '{{if .State.Health}}health{{else}}none{{end}}' h14-off`)).stdout, 'none\n');
    assert.match((await s.sh(`$DOCKER ps --format '{{.Status}}' --filter name=h14-off`)).stdout, /^Up [^(]*\n$/);
    // ps --filter health=: one key's values are alternatives, different keys all apply.
    const names = async (f: string) =>
      (await s.sh(`$DOCKER ps --format '{{.Names}}' --filter 'name=^h14-(img|off)$' ${f}`)).stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .sort()
        .join(' ');
    assert.equal(await names('--filter health=healthy'), 'h14-img');
    assert.equal(await names('--filter health=none'), 'h14-off');
    assert.equal(await names('--filter health=none --filter health=healthy'), 'h14-img h14-off');
    assert.equal(await names('--filter health=unhealthy'), '');
    const bad = await s.sh(`$DOCKER ps --filter health=sick`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /health/);
    // After a stop no probe of it runs (its runner is gone).
    const id = (await s.sh(`$DOCKER inspect -f '{{.Id}}' h14-img`)).stdout.trim();
    await s.sh('$DOCKER stop -t 0 h14-img');
    const ps = await s.sh(`ps -eo args | grep -c "[c]ontainer healthcheck ${id}" || true`);
    assert.equal(ps.stdout.trim(), '0');
  });

  it('a probe longer than --health-timeout fails with docker\'s "exceeded timeout" output', async () => {
    await s.sh(
      `$DOCKER run -d --name h14-slow --health-cmd 'sleep 5' --health-timeout 200ms --health-interval 300ms --health-retries 1 $IMAGE sleep 1000`,
    );
    await s.until(`$DOCKER inspect -f '{{.State.Health.Status}}' h14-slow`, (o) => o === 'unhealthy');
    const last = (
      await s.sh(`$DOCKER inspect -f '{{(index .State.Health.Log 0).ExitCode}}|{{(index .State.Health.Log 0).Output}}' h14-slow`)
    ).stdout;
    assert.equal(last, '-1|Health check exceeded timeout (200ms)\n');
  });

  it('--health-start-period: failures inside it do not count', async () => {
    await s.sh(
      `$DOCKER run -d --name h14-start --health-cmd false --health-interval 200ms --health-retries 1 --health-start-period 1h $IMAGE sleep 1000`,
    );
    await s.until(`$DOCKER inspect -f '{{len .State.Health.Log}}' h14-start`, (o) => Number(o) >= 2);
    assert.equal(
      (await s.sh(`$DOCKER inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' h14-start`)).stdout,
      'starting 0\n',
    );
    assert.match((await s.sh(`$DOCKER ps --format '{{.Status}}' --filter name=h14-start`)).stdout, /\(health: starting\)\n$/);
  });

  it('bad --health-* values: one line, exit 125', async () => {
    const r = await s.sh(`
      $DOCKER run -d --health-interval 5x $IMAGE true; echo "code $?"
      $DOCKER run -d --no-healthcheck --health-cmd true $IMAGE true; echo "code $?"
      $DOCKER run -d --health-retries -1 --health-cmd true $IMAGE true; echo "code $?"`);
    assert.equal(r.stdout, 'code 125\ncode 125\ncode 125\n');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 3, r.stderr);
    assert.match(lines[0]!, /invalid argument "5x" for "--health-interval" flag/);
    assert.match(lines[1]!, /--no-healthcheck conflicts with --health-\* options/);
    assert.match(lines[2]!, /--health-retries cannot be negative/);
  });
});
