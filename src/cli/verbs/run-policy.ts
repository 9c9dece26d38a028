// run/create's restart and healthcheck flags (Docker's words), turned into the facade's
// RunOptions.restart (HostConfig.RestartPolicy) and .healthcheck (Config.Healthcheck).
import { EngineError } from '../../engine/define.js';
import type { RunOptions } from '../../engine/types.js';
import { parseGoDuration } from '../../engine/index.js';
import { flagError } from '../args.js';
import { intFlag, restartFlag } from './run-values.js';

export const policyFlags = {
  'health-cmd': { value: true, help: 'Command to run to check health' },
  'health-interval': { value: true, type: 'duration', help: 'Time between running the check (ms|s|m|h) (default 0s)' },
  'health-retries': { value: true, type: 'int', help: 'Consecutive failures needed to report unhealthy' },
  'health-start-period': {
    value: true,
    type: 'duration',
    help: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)',
  },
  'health-timeout': { value: true, type: 'duration', help: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  'no-healthcheck': { help: 'Disable any container-specified HEALTHCHECK' },
  restart: { value: true, help: 'Restart policy to apply when a container exits (default "no")' },
} as const;

type PolicyFlags = {
  readonly [K in keyof typeof policyFlags]?: (typeof policyFlags)[K] extends { value: true } ? string : boolean;
};

/** Go's time.ParseDuration, in nanoseconds ("1m30s", "500ms", "2s"). */
function duration(s: string, flag: string): number {
  const ns = parseGoDuration(s.trim());
  if (ns === undefined)
    throw flagError(`invalid argument ${JSON.stringify(s)} for "--${flag}" flag: time: invalid duration ${JSON.stringify(s)}`);
  return ns;
}

export function policyOptions(f: PolicyFlags): Pick<RunOptions, 'restart' | 'healthcheck'> {
  const out: { -readonly [K in 'restart' | 'healthcheck']?: RunOptions[K] } = {};
  if (f.restart !== undefined) {
    // docker's CLI checks the form; the name and a negative count are the engine's (dockerd's) to refuse.
    const { name, count } = restartFlag(f.restart);
    out.restart = { Name: name as NonNullable<RunOptions['restart']>['Name'], MaximumRetryCount: count };
  }
  const health = ['health-cmd', 'health-interval', 'health-retries', 'health-start-period', 'health-timeout'] as const;
  if (f['no-healthcheck']) {
    if (health.some((k) => f[k] !== undefined))
      throw new EngineError('invalid_argument', '--no-healthcheck conflicts with --health-* options');
    out.healthcheck = { Test: ['NONE'] };
  } else if (health.some((k) => f[k] !== undefined)) {
    let retries: number | undefined;
    if (f['health-retries'] !== undefined) {
      retries = intFlag(f['health-retries'], '--health-retries');
    }
    const hc = {
      ...(f['health-cmd'] !== undefined ? { Test: ['CMD-SHELL', f['health-cmd']] } : {}),
      ...(f['health-interval'] !== undefined ? { Interval: duration(f['health-interval'], 'health-interval') } : {}),
      ...(f['health-timeout'] !== undefined ? { Timeout: duration(f['health-timeout'], 'health-timeout') } : {}),
      ...(f['health-start-period'] !== undefined ? { StartPeriod: duration(f['health-start-period'], 'health-start-period') } : {}),
      ...(retries !== undefined ? { Retries: retries } : {}),
    };
    // docker's parse(), in its order: a negative value is refused before the daemon sees it.
    for (const [k, flag] of [
      ['Interval', 'interval'],
      ['Timeout', 'timeout'],
      ['Retries', 'retries'],
      ['StartPeriod', 'start-period'],
    ] as const)
      if ((hc[k] ?? 0) < 0) throw flagError(`--health-${flag} cannot be negative`);
    out.healthcheck = hc;
  }
  return out;
}
