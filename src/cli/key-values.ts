import { EngineError } from '../engine/define.js';

/**
 * KEY=VALUE flags (--label, --build-arg, --env of `dev`...) into a record, the last value of a key
 * winning. A bare KEY is docker's per flag: `empty` (a label with no value), `env` (the variable
 * of that name when set, else left out: --build-arg) or `refuse`. `=VALUE` is always refused.
 */
export function keyValues(list: readonly string[] | undefined, flag: string, bare: 'empty' | 'env' | 'refuse'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list ?? []) {
    const eq = s.indexOf('=');
    if (eq === 0 || (eq === -1 && bare === 'refuse'))
      throw new EngineError('invalid_argument', `invalid ${flag} value: ${JSON.stringify(s)} (expected KEY=VALUE)`);
    if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
    else if (bare === 'empty') out[s] = '';
    else if (process.env[s] !== undefined) out[s] = process.env[s]!;
  }
  return out;
}
