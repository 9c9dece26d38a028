// Restart policies and healthcheck settings: parsing what the user typed, merging a run's
// --health-* over the image's HEALTHCHECK, and the restart decision with Docker's backoff
// (moby's restartmanager: 100 ms, doubled on every restart up to a minute, back to 100 ms once
// the container ran 10 s). Pure functions: the monitor's exit command (core.ts) and the health
// runner (health.ts) apply them.
import { EngineError, type HealthConfig, type RestartPolicy } from '../define.js';
import type { ContainerRecord } from './records.js';

const NS = 1_000_000;
export const healthDefaults = { interval: 30_000, timeout: 30_000, startPeriod: 0, retries: 3 } as const;

/** A checked policy from the facade's options (already in Docker's shape). */
export function checkRestartPolicy(p: RestartPolicy | undefined): RestartPolicy | undefined {
  if (!p || p.Name === '') return undefined;
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(p.Name))
    throw new EngineError('invalid_argument', `invalid restart policy '${p.Name}'`);
  const n = p.MaximumRetryCount ?? 0;
  if (!Number.isInteger(n) || n < 0)
    throw new EngineError('invalid_argument', 'invalid restart policy: maximum retry count cannot be negative');
  if (n && p.Name !== 'on-failure')
    throw new EngineError('invalid_argument', `maximum retry count cannot be used with restart policy '${p.Name}'`);
  if (p.Name === 'no') return undefined;
  return { Name: p.Name, MaximumRetryCount: n };
}

/**
 * The container's healthcheck: the run's fields over the image's, field by field (Docker's
 * merge); undefined when there is none or it is turned off (Test ["NONE"]). Docker's minimums:
 * interval, timeout and start period of 1 ms at least when set, retries not negative.
 */
export function effectiveHealthcheck(image: HealthConfig | undefined, run: HealthConfig | undefined): HealthConfig | undefined {
  for (const [k, v] of Object.entries(run ?? {}))
    if (k !== 'Test' && typeof v === 'number' && (v < 0 || (v > 0 && v < NS && k !== 'Retries')))
      throw new EngineError(
        'invalid_argument',
        `${k === 'StartPeriod' ? '--health-start-period' : `--health-${k.toLowerCase()}`} cannot be ${v < 0 ? 'negative' : 'less than 1ms'}`,
      );
  const test = run?.Test?.length ? run.Test : image?.Test;
  if (!test?.length || test[0] === 'NONE') return run?.Test?.[0] === 'NONE' || image?.Test?.[0] === 'NONE' ? { Test: ['NONE'] } : undefined;
  if (test[0] !== 'CMD' && test[0] !== 'CMD-SHELL')
    throw new EngineError('invalid_argument', `unknown healthcheck type ${JSON.stringify(test[0])}`);
  const pick = (k: 'Interval' | 'Timeout' | 'StartPeriod' | 'Retries') => run?.[k] || image?.[k] || 0;
  return {
    Test: [...test],
    Interval: pick('Interval'),
    Timeout: pick('Timeout'),
    StartPeriod: pick('StartPeriod'),
    Retries: pick('Retries'),
  };
}

/** Is there a probe to run? */
export function healthActive(h: HealthConfig | undefined): h is HealthConfig & { Test: readonly string[] } {
  return !!h?.Test?.length && h.Test[0] !== 'NONE';
}

/** The probe's settings in milliseconds, defaults filled in. */
export function healthTimings(h: HealthConfig): { intervalMs: number; timeoutMs: number; startPeriodMs: number; retries: number } {
  return {
    intervalMs: h.Interval ? h.Interval / NS : healthDefaults.interval,
    timeoutMs: h.Timeout ? h.Timeout / NS : healthDefaults.timeout,
    startPeriodMs: h.StartPeriod ? h.StartPeriod / NS : healthDefaults.startPeriod,
    retries: h.Retries || healthDefaults.retries,
  };
}

/** The probe's argv inside the container. */
export function healthArgv(h: HealthConfig & { Test: readonly string[] }): string[] {
  return h.Test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', h.Test.slice(1).join(' ')] : h.Test.slice(1);
}

export const restartBackoff = { initialMs: 100, maxMs: 60_000, resetAfterMs: 10_000 } as const;

/**
 * The monitor's decision when a container exited by itself: whether to start it again and after
 * how long (moby's restartmanager.ShouldRestart). `ranMs`: how long this run lasted.
 */
export function restartDecision(rec: ContainerRecord, ranMs: number): { restart: boolean; delayMs: number } {
  const p = rec.restartPolicy;
  const prev = ranMs >= restartBackoff.resetAfterMs ? 0 : (rec.restartDelayMs ?? 0);
  const delayMs = Math.min(prev === 0 ? restartBackoff.initialMs : prev * 2, restartBackoff.maxMs);
  if (!p || rec.manuallyStopped || rec.autoRemove) return { restart: false, delayMs };
  const max = p.MaximumRetryCount ?? 0;
  const restart =
    p.Name === 'always' ||
    p.Name === 'unless-stopped' ||
    (p.Name === 'on-failure' && (rec.exitCode ?? 0) !== 0 && (max === 0 || rec.restartCount < max));
  return { restart, delayMs };
}

/** What a boot does (`system restore`): which stopped containers start again. */
export function restoresAfterBoot(rec: ContainerRecord): boolean {
  const p = rec.restartPolicy;
  if (!p || rec.state !== 'exited') return false;
  if (p.Name === 'always') return true;
  if (p.Name === 'unless-stopped') return !rec.manuallyStopped;
  // moby's restart manager starts afresh with the container's RestartCount: a spent on-failure:N stays down.
  const max = p.MaximumRetryCount ?? 0;
  if (p.Name === 'on-failure') return !rec.manuallyStopped && (rec.exitCode ?? 0) !== 0 && (max === 0 || rec.restartCount < max);
  return false;
}
