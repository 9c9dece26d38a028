// The restart decision (moby's restartmanager) and the health verdict (moby's handleProbeResult)
// as pure functions: the backoff doubles from 100 ms to a minute and resets after 10 s up;
// on-failure counts its retries; a manual stop ends it; failures in the start period do not count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextHealth, goDuration } from '../../../src/engine/runtime/health.js';
import { checkRestartPolicy, effectiveHealthcheck, restartDecision, restoresAfterBoot } from '../../../src/engine/runtime/policy.js';
import type { ContainerRecord } from '../../../src/engine/runtime/records.js';

const rec = (over: Partial<ContainerRecord>): ContainerRecord =>
  ({ restartCount: 0, state: 'exited', exitCode: 1, autoRemove: false, ...over }) as ContainerRecord;

describe('restart policy', () => {
  it('backoff: 100 ms, doubling, capped at a minute, back to 100 ms after 10 s up', () => {
    const p = { Name: 'always' as const };
    let delay: number | undefined;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = restartDecision(rec({ restartPolicy: p, ...(delay !== undefined ? { restartDelayMs: delay } : {}) }), 50);
      assert.equal(d.restart, true);
      seen.push(d.delayMs);
      delay = d.delayMs;
    }
    assert.deepEqual(seen.slice(0, 4), [100, 200, 400, 800]);
    assert.equal(seen.at(-1), 60_000);
    assert.equal(restartDecision(rec({ restartPolicy: p, restartDelayMs: 60_000 }), 10_000).delayMs, 100);
  });

  it('on-failure:N: only after a failure, at most N times; a manual stop or --rm: never', () => {
    const p = { Name: 'on-failure' as const, MaximumRetryCount: 3 };
    assert.equal(restartDecision(rec({ restartPolicy: p, exitCode: 0 }), 0).restart, false);
    assert.equal(restartDecision(rec({ restartPolicy: p, restartCount: 2 }), 0).restart, true);
    assert.equal(restartDecision(rec({ restartPolicy: p, restartCount: 3 }), 0).restart, false);
    assert.equal(restartDecision(rec({ restartPolicy: { Name: 'on-failure' }, restartCount: 99 }), 0).restart, true);
    assert.equal(restartDecision(rec({ restartPolicy: { Name: 'always' }, manuallyStopped: true }), 0).restart, false);
    assert.equal(restartDecision(rec({}), 0).restart, false);
  });

  it('after a boot: always (even stopped by hand), unless-stopped and on-failure unless stopped by hand', () => {
    assert.equal(restoresAfterBoot(rec({ restartPolicy: { Name: 'always' }, manuallyStopped: true })), true);
    assert.equal(restoresAfterBoot(rec({ restartPolicy: { Name: 'unless-stopped' }, manuallyStopped: true })), false);
    assert.equal(restoresAfterBoot(rec({ restartPolicy: { Name: 'unless-stopped' } })), true);
    assert.equal(restoresAfterBoot(rec({ restartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 }, restartCount: 2 })), false);
    assert.equal(restoresAfterBoot(rec({ restartPolicy: { Name: 'always' }, state: 'running' })), false);
  });

  it("checks the facade's policy shape", () => {
    assert.equal(checkRestartPolicy({ Name: 'no' }), undefined);
    assert.throws(() => checkRestartPolicy({ Name: 'sometimes' as 'no' }), /invalid restart policy 'sometimes'/);
    assert.throws(() => checkRestartPolicy({ Name: 'always', MaximumRetryCount: 1 }), /cannot be used with restart policy 'always'/);
  });
});

describe('healthcheck', () => {
  const hc = { Test: ['CMD', 'true'], Retries: 2, StartPeriod: 1e9 } as const;
  const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + ms).toISOString();
  const entry = (ms: number, code: number) => ({ Start: at(ms), End: at(ms + 1), ExitCode: code, Output: '' });
  const r = rec({ state: 'running', startedAt: at(0), healthcheck: hc });

  it('starting → healthy → unhealthy after Retries failures; start-period failures do not count', () => {
    let h = nextHealth(undefined, entry(500, 1), r);
    assert.deepEqual([h.Status, h.FailingStreak], ['starting', 0]);
    h = nextHealth(h, entry(1500, 1), r);
    assert.deepEqual([h.Status, h.FailingStreak], ['starting', 1]);
    h = nextHealth(h, entry(2000, 0), r);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
    h = nextHealth(h, entry(2500, 1), r);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 1]);
    h = nextHealth(h, entry(3000, 1), r);
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
    for (let i = 0; i < 10; i++) h = nextHealth(h, entry(4000 + i, 1), r);
    assert.equal(h.Log.length, 5);
  });

  it("merges the run's settings over the image's field by field; NONE turns it off", () => {
    const image = { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 5e9, Retries: 4 };
    assert.deepEqual(effectiveHealthcheck(image, { Interval: 1e9 }), {
      Test: image.Test,
      Interval: 1e9,
      Timeout: 0,
      StartPeriod: 0,
      Retries: 4,
    });
    assert.deepEqual(effectiveHealthcheck(image, { Test: ['NONE'] }), { Test: ['NONE'] });
    assert.equal(effectiveHealthcheck(undefined, undefined), undefined);
    assert.throws(() => effectiveHealthcheck(image, { Interval: 500 }), /--health-interval cannot be less than 1ms/);
    assert.equal(goDuration(200), '200ms');
    assert.equal(goDuration(90_000), '1m30s');
  });
});
